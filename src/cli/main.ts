import { readFileSync } from 'node:fs';
import type { CliIO } from './io.js';
import { isExpectedError, UsageError } from '../errors.js';

/** A verb module: its help text and its entry point, which returns the exit status. */
export interface VerbModule {
  help: string;
  run(argv: string[], io: CliIO): Promise<number>;
}

interface VerbEntry {
  summary: string;
  // Verbs load lazily so that `pubguard --version` and `--help` stay near Node's start-up time.
  load(): Promise<VerbModule>;
}

const VERBS: Record<string, VerbEntry> = {
  check: { summary: 'find silent publish failures and misrouted credentials in a repository', load: () => import('./verbs/check.js') },
  explain: { summary: 'turn a CI log into an investigation report: what failed, what hid it, why', load: () => import('./verbs/explain.js') },
  doctor: { summary: 'show the registry and credential npm will really use, and ask the registry', load: () => import('./verbs/doctor.js') },
  publish: { summary: 'publish packages in dependency order with exact outcomes and full logs', load: () => import('./verbs/publish.js') },
  verify: { summary: 'prove that published versions are in the registry, intact and installable', load: () => import('./verbs/verify.js') },
};

export function readVersion(): string {
  const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return packageJson.version;
}

function mainHelp(): string {
  const width = Math.max(...Object.keys(VERBS).map((name) => name.length));
  const verbs = Object.entries(VERBS)
    .map(([name, entry]) => `  ${name.padEnd(width)}  ${entry.summary}`)
    .join('\n');
  return `pubguard: make npm publishing from CI honest

Usage: pubguard <command> [options]

Commands:
${verbs}

Options:
  -h, --help     show help (also after a command: pubguard check --help)
  -v, --version  print pubguard's version

Exit status: 0 nothing wrong found, 1 a failure or finding was found,
2 bad usage or unreadable input.
`;
}

/** Run the command line and return the exit status. Never throws. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const [first, ...rest] = argv;
  try {
    if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
      if (first === 'help' && rest[0] && VERBS[rest[0]]) {
        io.out((await VERBS[rest[0]]!.load()).help);
        return 0;
      }
      io.out(mainHelp());
      return first === undefined ? 2 : 0;
    }
    if (first === '-v' || first === '--version') {
      io.out(`${readVersion()}\n`);
      return 0;
    }
    const entry = Object.hasOwn(VERBS, first) ? VERBS[first] : undefined;
    if (!entry) {
      throw new UsageError(`unknown command ${JSON.stringify(first)}: expected one of ${Object.keys(VERBS).join(', ')} (see \`pubguard --help\`)`);
    }
    const verb = await entry.load();
    if (rest.includes('--help') || rest.includes('-h')) {
      io.out(verb.help);
      return 0;
    }
    return await verb.run(rest, io);
  } catch (error) {
    if (isExpectedError(error)) {
      io.err(`pubguard: ${error.message}\n`);
      return error.exitCode;
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    io.err(`pubguard: internal error: this is a bug in pubguard, not in your project.
Please report it with the command you ran, pubguard ${readVersion()}, Node ${process.version}, and this trace:
${detail}
`);
    return 2;
  }
}
