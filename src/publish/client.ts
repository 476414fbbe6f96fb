/**
 * The package manager that publishes: which one the repository uses, the
 * command line for one package, running it with live output, and reading its
 * `--json` result.
 */
import { spawn } from 'node:child_process';
import { relative, sep } from 'node:path';
import { detectClient as detectPublishClient, type PublishClient } from '../npmconfig/index.js';

export type ClientName = 'npm' | 'pnpm' | 'yarn';

export interface DetectedClient {
  /** The executable that publishes. */
  name: ClientName;
  /** The configuration rules it follows, as src/npmconfig names them (Yarn 1 runs npm but keeps its own name here). */
  config: PublishClient;
}

/**
 * Find the client a repository uses with the same detection `doctor` uses
 * (`packageManager`, then `.yarnrc.yml` and lock files, walking up from
 * `cwd`), so both always agree. Yarn classic (1.x) repositories publish
 * with npm, because Yarn 1's `yarn publish` reads the same `.npmrc` files
 * but has no `--json` result.
 */
export async function detectClient(cwd: string): Promise<DetectedClient> {
  const config = await detectPublishClient(cwd);
  const name: ClientName = config === 'pnpm' ? 'pnpm' : config === 'yarn-berry' ? 'yarn' : 'npm';
  return { name, config };
}

/** Options passed through to the client, as the user gave them. */
export interface PassThroughOptions {
  tag?: string;
  access?: 'public' | 'restricted';
  provenance?: boolean;
  otp?: string;
  dryRun?: boolean;
}

export interface ClientCommand {
  /** Executable name, looked up on PATH. */
  file: string;
  args: string[];
  /** Folder the client runs in: pubguard's working directory, except for Yarn (the package folder). */
  cwd: string;
}

/**
 * Name a package folder for the client: `./packages/backend`, or `.` for the
 * working directory itself. The `./` keeps npm from reading a bare folder
 * name such as `backend` as a registry package name.
 */
export function packagePathArgument(cwd: string, folder: string): string {
  const path = relative(cwd, folder);
  if (path === '') return '.';
  const posix = path.split(sep).join('/');
  return posix.startsWith('.') || posix.startsWith('/') ? posix : `./${posix}`;
}

/** Build the command line that publishes the package in `folder`. */
export function buildPublishCommand(client: ClientName, cwd: string, folder: string, options: PassThroughOptions): ClientCommand {
  const flags: string[] = [];
  if (options.tag !== undefined) flags.push('--tag', options.tag);
  if (options.access !== undefined) flags.push('--access', options.access);
  if (options.provenance) flags.push('--provenance');
  if (options.otp !== undefined) flags.push('--otp', options.otp);
  if (options.dryRun) flags.push('--dry-run');

  switch (client) {
    case 'npm':
      return { file: 'npm', args: ['publish', packagePathArgument(cwd, folder), '--json', ...flags], cwd };
    case 'pnpm':
      // pnpm's git checks (clean tree, publish branch) are a release policy, not a publish step: CI has decided that already.
      return { file: 'pnpm', args: ['publish', packagePathArgument(cwd, folder), '--json', '--no-git-checks', ...flags], cwd };
    case 'yarn':
      // `yarn npm publish` takes no path: it publishes the workspace it runs in,
      // and reads the same project-wide .yarnrc.yml from any folder of the project.
      return { file: 'yarn', args: ['npm', 'publish', '--json', ...flags], cwd: folder };
  }
}

/** Render a command line for logs and messages, quoting arguments that need it and hiding `--otp`. */
export function formatCommand(command: ClientCommand): string {
  const quote = (part: string): string => (/^[\w@%+=:,./-]+$/.test(part) ? part : `'${part.replace(/'/g, `'\\''`)}'`);
  const shown = command.args.map((arg, index) => (command.args[index - 1] === '--otp' ? '***' : quote(arg)));
  return [quote(command.file), ...shown].join(' ');
}

export interface ClientRun {
  exitCode: number;
  /** Signal that ended the client, if one did. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr in arrival order, as the log file records them. */
  combined: string;
  durationMs: number;
  /** Set when the client could not be started at all (not on PATH). */
  spawnError: string | null;
}

export interface RunClientOptions {
  env: NodeJS.ProcessEnv;
  /** Called with each chunk of output as it arrives, for live progress. */
  onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
  /** Kill the client after this many milliseconds (default: no limit). */
  timeoutMs?: number;
}

/** Run a client command to its end and return its exact exit status and output. */
export function runClient(command: ClientCommand, options: RunClientOptions): Promise<ClientRun> {
  const started = performance.now();
  return new Promise((resolvePromise) => {
    let stdout = '';
    let stderr = '';
    let combined = '';
    let spawnError: string | null = null;
    const child = spawn(command.file, command.args, {
      cwd: command.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs,
    });
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      combined += chunk;
      options.onOutput?.(chunk, 'stdout');
    });
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      combined += chunk;
      options.onOutput?.(chunk, 'stderr');
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      spawnError = error.code === 'ENOENT' ? `"${command.file}" was not found on PATH` : error.message;
    });
    child.on('close', (code, signal) => {
      resolvePromise({
        // A client killed by a signal has no exit status; 1 keeps it a failure.
        exitCode: code ?? 1,
        signal,
        stdout,
        stderr,
        combined,
        durationMs: performance.now() - started,
        spawnError,
      });
    });
  });
}

/**
 * Return the last top-level JSON object in a client's output. Lifecycle
 * scripts may print anything before it, so earlier text and objects are
 * skipped; null when the output has no complete object.
 */
export function parseLastJsonObject(text: string): Record<string, unknown> | null {
  let end = text.lastIndexOf('}');
  while (end !== -1) {
    // Walk back to each `{` that could open the object ending at `end`, nearest last.
    let start = text.lastIndexOf('{', end);
    while (start !== -1) {
      try {
        const value: unknown = JSON.parse(text.slice(start, end + 1));
        if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
      } catch {
        // Not a whole object yet: the opening brace is further back.
      }
      start = start === 0 ? -1 : text.lastIndexOf('{', start - 1);
    }
    end = end === 0 ? -1 : text.lastIndexOf('}', end - 1);
  }
  return null;
}

/** The parts of a client's `--json` result that concern one package. */
export interface ClientJsonResult {
  /** `ok` for a publish result, `error` for an error object, `unknown` when neither. */
  kind: 'ok' | 'error' | 'unknown';
  integrity: string | null;
  /** npm's error code (`E403`, `EOTP`, `ENEEDAUTH`…), when the error object has one. */
  code: string | null;
  summary: string | null;
  detail: string | null;
}

/**
 * Read npm's, pnpm's or Yarn's `--json` output. npm 11 keys a publish result
 * by package name (`{ "<name>": { id, integrity, … } }`), npm 10 and pnpm
 * print the result itself, and npm prints `{ error: { code, summary, detail } }`
 * on failure.
 */
export function readClientJson(object: Record<string, unknown> | null, name: string): ClientJsonResult {
  const empty: ClientJsonResult = { kind: 'unknown', integrity: null, code: null, summary: null, detail: null };
  if (!object) return empty;

  const error = object.error;
  if (error && typeof error === 'object') {
    const fields = error as Record<string, unknown>;
    return {
      kind: 'error',
      integrity: null,
      code: typeof fields.code === 'string' ? fields.code : null,
      // pnpm names the text `message` where npm has `summary`.
      summary: typeof fields.summary === 'string' ? fields.summary : typeof fields.message === 'string' ? fields.message : null,
      detail: typeof fields.detail === 'string' ? fields.detail : null,
    };
  }

  const keyed = object[name];
  const result = (keyed && typeof keyed === 'object' ? keyed : object) as Record<string, unknown>;
  if (typeof result.id === 'string' || typeof result.integrity === 'string' || typeof result.name === 'string') {
    return { ...empty, kind: 'ok', integrity: typeof result.integrity === 'string' ? result.integrity : null };
  }
  return empty;
}

/**
 * Rewrite Yarn 2+'s `--json` report lines (`{"type":"error","displayName":"YN0035","data":…}`)
 * as the `➤ YN0035: …` lines Yarn prints without `--json`, one for one, so
 * the signature catalogue and the log line numbers work on them. Other lines
 * are kept as they are.
 */
export function yarnJsonToText(output: string): string {
  return output
    .split('\n')
    .map((line) => {
      if (!line.startsWith('{')) return line;
      try {
        const report = JSON.parse(line) as { type?: unknown; displayName?: unknown; data?: unknown };
        if (typeof report.type === 'string' && typeof report.displayName === 'string' && typeof report.data === 'string') return `➤ ${report.displayName}: ${report.data}`;
      } catch {
        // Not a report line: keep it.
      }
      return line;
    })
    .join('\n');
}
