/**
 * Which command lines publish packages and which read the registry. Both
 * are table-driven over the words of one simple command (after wrappers such
 * as `sudo` or `env` are stripped), so quoting and comments never matter:
 * `echo npm publish` and `grep 'npm publish'` run `echo` and `grep`.
 *
 * Decisions:
 * - `npm publish --help` (or `-h`, `-?`) prints usage and publishes nothing,
 *   so it is not a publish.
 * - `--dry-run` is a publish with `dryRun: true`, and rules decide whether
 *   it matters.
 * - `npm run <script>`, `pnpm <script>` and `yarn <script>` count when the
 *   package.json script publishes (asked through a callback).
 */
import type { FlagValue, PublishCommand, RegistryQuery, Word } from './types.js';

/** Looks up a package.json script and returns the publish command it runs, if any. */
export type ScriptPublishLookup = (scriptName: string) => PublishCommand | null;

/** Flags that take a value as the next word, per tool; others are boolean. */
const VALUE_FLAGS: Record<string, ReadonlySet<string>> = {
  npm: new Set(['--registry', '--userconfig', '--tag', '--access', '--otp', '-w', '--workspace', '--prefix', '-C', '--cache', '--loglevel', '--scope', '--globalconfig', '--auth-type', '-p', '--package', '--call', '-c']),
  pnpm: new Set(['--registry', '--userconfig', '--tag', '--access', '--otp', '--filter', '-F', '--dir', '-C', '--workspace-dir', '--loglevel', '--report-summary', '--publish-branch', '--reporter', '--config']),
  yarn: new Set(['--registry', '--tag', '--access', '--otp', '--cwd', '--new-version', '--message', '-m', '--include', '--exclude', '--from', '--since', '--jobs', '-j']),
  bun: new Set(['--registry', '--tag', '--access', '--otp', '--cwd', '--auth-type']),
};

const HELP_FLAGS = new Set(['--help', '-h', '-?', '--usage']);

/** Command names that run the next words as a command (`sudo npm publish`). */
const WRAPPERS: Record<string, { valueFlags: ReadonlySet<string>; skipsAssignments?: boolean; skipsFirstOperand?: boolean }> = {
  sudo: { valueFlags: new Set(['-u', '-g', '-h', '-p', '-C', '-U', '-r', '-t']) },
  env: { valueFlags: new Set(['-u', '--unset', '-C', '--chdir', '-S']), skipsAssignments: true },
  time: { valueFlags: new Set(['-f', '--format', '-o', '--output']) },
  nice: { valueFlags: new Set(['-n', '--adjustment']) },
  nohup: { valueFlags: new Set() },
  command: { valueFlags: new Set() },
  exec: { valueFlags: new Set(['-a']) },
  builtin: { valueFlags: new Set() },
  timeout: { valueFlags: new Set(['-s', '--signal', '-k', '--kill-after']), skipsFirstOperand: true },
  xargs: { valueFlags: new Set(['-I', '-L', '-n', '-P', '-d', '-E', '-s', '-a']) },
  corepack: { valueFlags: new Set() },
};

/** Returns the words after wrappers such as `sudo -E`, `env A=b`, `time` and `timeout 5m`. */
export function stripWrappers(words: Word[]): Word[] {
  let rest = words;
  for (let guard = 0; guard < 8 && rest.length > 0; guard++) {
    const wrapper = WRAPPERS[rest[0]!.text ?? ''];
    if (!wrapper) return rest;
    // `command -v npm` and `command -V` look a command up instead of running it.
    if (rest[0]!.text === 'command' && rest[1]?.text && /^-[vV]$/.test(rest[1].text)) return [];
    let i = 1;
    while (i < rest.length) {
      const text = rest[i]!.text ?? '';
      if (text === '--') {
        i++;
        break;
      }
      if (wrapper.skipsAssignments && /^[A-Za-z_][A-Za-z0-9_]*=/.test(text)) {
        i++;
        continue;
      }
      if (!text.startsWith('-') || text === '-') break;
      i += wrapper.valueFlags.has(text) ? 2 : 1;
    }
    if (wrapper.skipsFirstOperand) i++;
    rest = rest.slice(i);
  }
  return rest;
}

interface ParsedArgs {
  positionals: Word[];
  flags: Map<string, FlagValue[]>;
}

// Splits words into positionals and flags (`--tag next`, `--tag=next`, `-w a`).
function parseArgs(words: Word[], valueFlags: ReadonlySet<string>): ParsedArgs {
  const positionals: Word[] = [];
  const flags = new Map<string, FlagValue[]>();
  const add = (name: string, value: FlagValue) => flags.set(name, [...(flags.get(name) ?? []), value]);

  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const text = word.text;
    if (text === '--') {
      positionals.push(...words.slice(i + 1));
      break;
    }
    if (text === null || !text.startsWith('-') || text === '-') {
      positionals.push(word);
      continue;
    }
    const equals = text.indexOf('=');
    if (text.startsWith('--') && equals > 0) {
      add(text.slice(0, equals), valueWord(word, equals + 1));
    } else if (valueFlags.has(text) && i + 1 < words.length) {
      add(text, words[++i]!);
    } else {
      add(text, true);
    }
  }
  return { positionals, flags };
}

// The part of a `--flag=value` word after the `=`.
function valueWord(word: Word, offset: number): Word {
  const text = word.text!.slice(offset);
  return { raw: text, text, segments: [{ kind: 'literal', text }], span: { start: word.span.start + offset, end: word.span.end } };
}

function lastFlag(args: ParsedArgs, ...names: string[]): FlagValue | null {
  for (const name of names) {
    const values = args.flags.get(name);
    if (values && values.length > 0) return values[values.length - 1]!;
  }
  return null;
}

function allFlags(args: ParsedArgs, ...names: string[]): Word[] {
  return names.flatMap((name) => (args.flags.get(name) ?? []).filter((value): value is Word => value !== true));
}

function booleanFlag(args: ParsedArgs, name: string): boolean {
  const value = lastFlag(args, name);
  if (value === null) return false;
  if (value === true) return true;
  return value.text !== 'false';
}

function hasAny(args: ParsedArgs, names: ReadonlySet<string>): boolean {
  for (const name of names) if (args.flags.has(name)) return true;
  return false;
}

// Skips leading flags (with their values) before a subcommand: `pnpm -r --filter a publish`.
function splitSubcommand(words: Word[], valueFlags: ReadonlySet<string>): { leading: Word[]; sub: Word | null; rest: Word[] } {
  let i = 0;
  while (i < words.length) {
    const text = words[i]!.text;
    if (text === null || !text.startsWith('-')) break;
    i += valueFlags.has(text) && !text.includes('=') ? 2 : 1;
  }
  return { leading: words.slice(0, i), sub: words[i] ?? null, rest: words.slice(i + 1) };
}

function buildPublish(
  tool: PublishCommand['tool'],
  form: string,
  args: ParsedArgs,
  recursive: boolean,
  extra: Partial<PublishCommand> = {},
): PublishCommand {
  return {
    tool,
    form,
    launcher: null,
    recursive,
    target: args.positionals[0] ?? null,
    registry: lastFlag(args, '--registry'),
    userconfig: lastFlag(args, '--userconfig'),
    tag: lastFlag(args, '--tag'),
    access: lastFlag(args, '--access'),
    provenance: booleanFlag(args, '--provenance'),
    dryRun: args.flags.has('--dry-run'),
    workspaces: allFlags(args, '-w', '--workspace', '--filter', '-F'),
    script: null,
    ...extra,
  };
}

// Package names and bins that publish, for `npx`, `pnpm dlx` and direct calls.
function publishingBin(name: string): 'lerna' | 'changesets' | 'semantic-release' | null {
  const bare = name.replace(/@[^@/]*$/, '');
  if (bare === 'lerna') return 'lerna';
  if (bare === 'changeset' || bare === 'changesets' || bare === '@changesets/cli') return 'changesets';
  if (bare === 'semantic-release') return 'semantic-release';
  return null;
}

/**
 * Detects a publish command from the words of a simple command (wrappers
 * already stripped). Returns null for everything else, including help
 * requests such as `npm publish --help`.
 */
export function detectPublishCommand(argv: Word[], lookupScript?: ScriptPublishLookup, depth = 0): PublishCommand | null {
  // TODO: `bash -c "npm publish"` and `sh -c '…'` are not parsed, so a publish inside the string is missed.
  if (depth > 4 || argv.length === 0) return null;
  const name = argv[0]!.text;
  if (name === null) return null;
  const program = name.split('/').pop()!;
  const rest = argv.slice(1);

  switch (program) {
    case 'npm':
      return detectNpm(rest, lookupScript, depth);
    case 'pnpm':
      return detectPnpm(rest, lookupScript, depth);
    case 'yarn':
      return detectYarn(rest, lookupScript, depth);
    case 'bun':
      return detectBun(rest);
    case 'npx':
    case 'pnpx':
    case 'bunx':
      return launched(program, skipLauncherFlags(rest, new Set(['-p', '--package', '-c', '--call'])), lookupScript, depth);
    default:
      // A launcher may name the package (`npx @changesets/cli publish`) instead of the bin.
      return detectBin(name.startsWith('@') ? name : program, rest);
  }
}

function detectBin(program: string, rest: Word[]): PublishCommand | null {
  const bin = publishingBin(program);
  if (bin === null) return null;
  const args = parseArgs(rest, VALUE_FLAGS.npm!);
  if (hasAny(args, HELP_FLAGS)) return null;

  if (bin === 'semantic-release') {
    const dryRun = args.flags.has('--dry-run') || args.flags.has('-d');
    return { ...buildPublish('semantic-release', 'semantic-release', args, false), target: null, dryRun };
  }
  const sub = args.positionals[0]?.text;
  if (sub !== 'publish') return null;
  const positionals = args.positionals.slice(1);
  if (bin === 'lerna') return { ...buildPublish('lerna', 'lerna publish', { ...args, positionals }, true), target: null };
  return { ...buildPublish('changesets', 'changeset publish', { ...args, positionals }, true), target: null };
}

// Drops a launcher's own flags (`npx -y`, `npx --package=x`) and keeps the command after them.
function skipLauncherFlags(words: Word[], valueFlags: ReadonlySet<string>): Word[] {
  let i = 0;
  while (i < words.length) {
    const text = words[i]!.text;
    if (text === '--') return words.slice(i + 1);
    if (text === null || !text.startsWith('-')) break;
    i += valueFlags.has(text) ? 2 : 1;
  }
  return words.slice(i);
}

function launched(launcher: string, command: Word[], lookupScript: ScriptPublishLookup | undefined, depth: number): PublishCommand | null {
  const found = detectPublishCommand(command, lookupScript, depth + 1);
  return found ? { ...found, launcher: found.launcher ?? launcher } : null;
}

function runScript(launcher: string, scriptWord: Word | undefined, lookupScript: ScriptPublishLookup | undefined): PublishCommand | null {
  const scriptName = scriptWord?.text;
  if (!scriptName || !lookupScript) return null;
  const found = lookupScript(scriptName);
  return found ? { ...found, launcher: `${launcher} ${scriptName}` } : null;
}

function detectNpm(words: Word[], lookupScript: ScriptPublishLookup | undefined, depth: number): PublishCommand | null {
  const flags = VALUE_FLAGS.npm!;
  const { leading, sub, rest } = splitSubcommand(words, flags);
  const command = sub?.text;
  if (!command) return null;

  if (command === 'publish') {
    const args = parseArgs([...leading, ...rest], flags);
    if (hasAny(args, HELP_FLAGS)) return null;
    const recursive = args.flags.has('--workspaces') || args.flags.has('-ws');
    return buildPublish('npm', 'npm publish', args, recursive);
  }
  if (command === 'exec' || command === 'x') {
    return launched('npm exec', skipLauncherFlags(rest, flags), lookupScript, depth);
  }
  if (command === 'run' || command === 'run-script' || command === 'rum' || command === 'urn') {
    return runScript('npm run', rest.find((word) => !word.text?.startsWith('-')), lookupScript);
  }
  return null;
}

function detectPnpm(words: Word[], lookupScript: ScriptPublishLookup | undefined, depth: number): PublishCommand | null {
  const flags = VALUE_FLAGS.pnpm!;
  const { leading, sub, rest } = splitSubcommand(words, flags);
  const command = sub?.text;
  if (!command) return null;

  if (command === 'publish') {
    const args = parseArgs([...leading, ...rest], flags);
    if (hasAny(args, HELP_FLAGS)) return null;
    const recursive = args.flags.has('-r') || args.flags.has('--recursive');
    return buildPublish('pnpm', recursive ? 'pnpm -r publish' : 'pnpm publish', args, recursive);
  }
  if (command === 'dlx' || command === 'exec') {
    return launched(`pnpm ${command}`, skipLauncherFlags(rest, new Set(['--package'])), lookupScript, depth);
  }
  if (command === 'run' || command === 'run-script') {
    return runScript('pnpm run', rest.find((word) => !word.text?.startsWith('-')), lookupScript);
  }
  // pnpm runs an unknown command as a package.json script, else as a bin.
  return runScript('pnpm', sub ?? undefined, lookupScript) ?? launched('pnpm', [sub!, ...rest], lookupScript, depth);
}

function detectYarn(words: Word[], lookupScript: ScriptPublishLookup | undefined, depth: number): PublishCommand | null {
  const flags = VALUE_FLAGS.yarn!;
  const { leading, sub, rest } = splitSubcommand(words, flags);
  const command = sub?.text;
  if (!command) return null;

  if (command === 'npm' && rest[0]?.text === 'publish') {
    const args = parseArgs([...leading, ...rest.slice(1)], flags);
    if (hasAny(args, HELP_FLAGS)) return null;
    return buildPublish('yarn', 'yarn npm publish', args, false);
  }
  if (command === 'publish') {
    const args = parseArgs([...leading, ...rest], flags);
    if (hasAny(args, HELP_FLAGS)) return null;
    return buildPublish('yarn-classic', 'yarn publish', args, false);
  }
  if (command === 'workspaces' && rest[0]?.text === 'foreach') {
    // `yarn workspaces foreach -A --topological npm publish`: the command follows the flags.
    const inner = skipLauncherFlags(rest.slice(1), new Set(['--include', '--exclude', '--from', '--since', '-j', '--jobs']));
    const found = detectYarn(inner, lookupScript, depth + 1);
    return found ? { ...found, recursive: true, form: `yarn workspaces foreach ${found.form.replace(/^yarn /, '')}` } : null;
  }
  if (command === 'dlx' || command === 'exec') {
    return launched(`yarn ${command}`, skipLauncherFlags(rest, new Set(['-p', '--package'])), lookupScript, depth);
  }
  if (command === 'run') {
    return runScript('yarn run', rest.find((word) => !word.text?.startsWith('-')), lookupScript);
  }
  // Yarn runs an unknown command as a package.json script, else as a bin.
  return runScript('yarn', sub ?? undefined, lookupScript) ?? launched('yarn', [sub!, ...rest], lookupScript, depth);
}

function detectBun(words: Word[]): PublishCommand | null {
  const flags = VALUE_FLAGS.bun!;
  const { leading, sub, rest } = splitSubcommand(words, flags);
  if (sub?.text !== 'publish') return null;
  const args = parseArgs([...leading, ...rest], flags);
  if (hasAny(args, HELP_FLAGS)) return null;
  return buildPublish('bun', 'bun publish', args, false);
}

/**
 * Detects a command that reads a package's state from the registry:
 * `npm view|info|show|v`, `pnpm view|info`, `yarn info`, `yarn npm info`,
 * `npm install|i|add <pkg>@<version>` (and pnpm's and Yarn's `add`),
 * `npm dist-tag ls`.
 */
export function detectRegistryQuery(argv: Word[]): RegistryQuery | null {
  const name = argv[0]?.text;
  if (!name) return null;
  const program = name.split('/').pop()!;
  if (program !== 'npm' && program !== 'pnpm' && program !== 'yarn') return null;
  const flags = VALUE_FLAGS[program]!;
  const { leading, sub, rest: afterSub } = splitSubcommand(argv.slice(1), flags);
  let command = sub?.text ?? null;
  let rest = afterSub;
  let form = `${program} ${command}`;
  if (program === 'yarn' && command === 'npm') {
    command = rest[0]?.text ?? null;
    rest = rest.slice(1);
    form = `yarn npm ${command}`;
  }
  if (command === null) return null;

  const args = parseArgs([...leading, ...rest], flags);
  if (hasAny(args, HELP_FLAGS)) return null;
  const json = args.flags.has('--json');
  const spec = args.positionals[0] ?? null;

  if (['view', 'info', 'show', 'v'].includes(command)) {
    if (program === 'yarn' && command !== 'info') return null;
    const field = args.positionals[1]?.text ?? null;
    return { kind: 'view', tool: program, form, spec, versioned: isVersioned(spec), field, json };
  }
  if (['install', 'i', 'add', 'isntall', 'in'].includes(command)) {
    const versionedSpec = args.positionals.find((word) => isVersioned(word)) ?? null;
    if (versionedSpec === null) return null;
    return { kind: 'install', tool: program, form, spec: versionedSpec, versioned: true, field: null, json };
  }
  if (command === 'dist-tag' || command === 'dist-tags') {
    const action = args.positionals[0]?.text ?? 'ls';
    if (action !== 'ls' && action !== 'list') return null;
    const tagSpec = args.positionals[0]?.text === action ? (args.positionals[1] ?? null) : spec;
    return { kind: 'dist-tag', tool: program, form: `${form} ls`, spec: tagSpec, versioned: false, field: null, json };
  }
  return null;
}

/** True when a package spec names a version: `pkg@1.2.3`, `@scope/pkg@$VERSION`. */
function isVersioned(word: Word | null): boolean {
  if (word === null) return false;
  const raw = word.raw.replace(/^["']/, '');
  return raw.indexOf('@', 1) > 0;
}
