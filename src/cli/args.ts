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
    const message = error instanceof Error ? error.message.replace(/\s+/g, ' ').trim() : String(error);
    throw new UsageError(`${verb}: ${message.replace(/^Unknown option/, 'unknown option')} (see \`pubguard ${verb} --help\`)`);
  }
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
