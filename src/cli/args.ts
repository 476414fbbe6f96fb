import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../errors.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
  help: boolean;
}

/**
 * Parse a verb's arguments with node's own parser. Unknown options and
 * missing values become a UsageError that names the verb, so the user gets one
 * line and exit status 2.
 */
export function parseVerbArgs(verb: string, argv: string[], options: OptionSpec): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    const help = values.help === true;
    delete values.help;
    return { values, positionals, help };
  } catch (error) {
    throw new UsageError(`${verb}: ${describeParseError(error)} (see \`pubguard ${verb} --help\`)`);
  }
}

/** Reword node's parseArgs errors as one short line in pubguard's style. */
function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message.replace(/\s+/g, ' ').trim() : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  // Node names an option with a short alias as "Option '-f, --format <value>'"; keep the long name.
  const option = /^Option '(?:-[^-], )?([^' ]+)/.exec(message)?.[1] ?? /^Unknown option '([^']+)'/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) {
    // Node's own text goes on about `--` and leaves a quote unbalanced.
    return `unknown option "${option}"`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option && /argument missing/.test(message)) {
    return `option "${option}" needs a value`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option && /does not take an argument/.test(message)) {
    return `option "${option}" takes no value`;
  }
  return message.charAt(0).toLowerCase() + message.slice(1);
}

/** Read an option that must be one of a fixed set of values. */
export function pickChoice<T extends string>(verb: string, name: string, value: unknown, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${verb}: invalid --${name} ${JSON.stringify(value)}: expected one of ${choices.join(', ')}`);
}

/** Read an option that must be a positive integer. */
export function pickPositiveInteger(verb: string, name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number) || number < 1) {
    throw new UsageError(`${verb}: invalid --${name} ${JSON.stringify(value)}: expected a whole number of 1 or more`);
  }
  return number;
}
