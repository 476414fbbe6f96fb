import { redact } from '../report/redact.js';

/**
 * What a verb may touch of the outside world. Everything written goes
 * through `redact`, so no verb can print a token by mistake.
 */
export interface CliIO {
  /** Write a result to standard output (redacted). */
  out(text: string): void;
  /** Write progress or a diagnostic to standard error (redacted). */
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** True when colour may be used on standard output: a TTY and no `NO_COLOR`. */
  color: boolean;
  /** True when standard error is a TTY, so progress may be drawn in place. */
  interactive: boolean;
  stdin: NodeJS.ReadableStream;
}

export function createProcessIO(): CliIO {
  const env = process.env;
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  return {
    out: (text) => process.stdout.write(redact(text)),
    err: (text) => process.stderr.write(redact(text)),
    env,
    cwd: process.cwd(),
    color: Boolean(process.stdout.isTTY) && !noColor && env.TERM !== 'dumb',
    interactive: Boolean(process.stderr.isTTY),
    stdin: process.stdin,
  };
}
