import { analyzeScript as analyzeShellScript, detectPublishCommand, stripWrappers, type ScriptAnalysis as ShellAnalysis, type SimpleCommand, type Word } from '../shell/index.js';
import type { LogLine } from '../log/types.js';
import type { MaskedBy } from './model.js';

/** A construct in a step's script that can lose one command's exit status. */
export interface CommandMasking {
  maskedBy: Exclude<MaskedBy, 'continue-on-error' | 'success-message'>;
  /** The script line (as a log line) where the status is lost. */
  line: LogLine;
  /** A description of the construct for people, such as "`npm publish` is piped into `tee`". */
  detail: string;
}

export interface ScriptCommand {
  text: string;
  line: LogLine;
  isPublish: boolean;
  /** True when the command only runs local tools (see `isLocalOnlyCommand`). */
  isLocalOnly: boolean;
  masking: CommandMasking[];
}

export interface ScriptAnalysis {
  commands: ScriptCommand[];
  /** `cd` commands, in order. */
  directoryChanges: Array<{ directory: string; line: LogLine }>;
  /** The line of a `set -o pipefail` (or `set -eo pipefail` and kin), if any. */
  pipefailLine: LogLine | null;
}

// A word from a step name or a PowerShell line, taken as written.
function literalWord(text: string): Word {
  return { raw: text, text, segments: [{ kind: 'literal', text }], span: { start: 0, end: text.length } };
}

/** Return true when a command line (as words) publishes packages. */
export function isPublishCommand(words: string[]): boolean {
  let rest = words;
  while (rest.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(rest[0]!)) rest = rest.slice(1);
  return detectPublishCommand(stripWrappers(rest.map(literalWord))) !== null;
}

// NOTE: `src/shell` has no notion of a local-only command, so this table stays here.
// Commands that print text or run tests, linters and builds: their output can quote
// npm's errors (test names, hints), but they neither publish nor talk to a registry.
const LOCAL_TOOLS = new Set(['echo', 'printf', 'cat', 'tee', 'true', 'test', 'set', 'export', 'mkdir', 'ls', 'pwd', 'jest', 'vitest', 'mocha', 'ava', 'tap', 'tsc', 'eslint', 'prettier', 'biome', 'c8', 'nyc', 'playwright', 'cypress', 'turbo', 'nx', 'tsx', 'ts-node']);
const LOCAL_SCRIPT = /^(?:test|lint|build|check|typecheck|type-check|types|format|fmt|docs|coverage|compile|e2e|unit)(?:$|[:-])/;

/**
 * Return true when a command line (as words) only runs local tools: tests,
 * linters, builds, `echo`. `npm run release` and other scripts whose name does
 * not say so may publish, so they are not local.
 */
export function isLocalOnlyCommand(words: string[]): boolean {
  let rest = words;
  while (rest.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(rest[0]!)) rest = rest.slice(1);
  const tool = rest[0];
  if (!tool) return true;
  if (LOCAL_TOOLS.has(tool)) return true;
  if (tool === 'node') return rest.includes('--test');
  if (tool === 'npx' || tool === 'pnpx' || ((tool === 'pnpm' || tool === 'yarn') && rest[1] === 'exec')) {
    const target = rest.slice(tool === 'npx' || tool === 'pnpx' ? 1 : 2).find((word) => !word.startsWith('-'));
    return target !== undefined && LOCAL_TOOLS.has(target.replace(/@.*$/, ''));
  }
  if (tool !== 'npm' && tool !== 'pnpm' && tool !== 'yarn' && tool !== 'bun') return false;
  const args = rest.slice(1).filter((word) => !word.startsWith('-'));
  if (args[0] === 'test' || args[0] === 't') return true;
  // `npm run test`, `yarn test:unit`; npm runs a script only through `run`, pnpm and Yarn also by its bare name.
  let script: string | undefined;
  if (args[0] === 'run' || args[0] === 'run-script') script = args[1];
  else if (tool !== 'npm') script = args[0];
  return script !== undefined && LOCAL_SCRIPT.test(script);
}

// Tests (`[ … ]`), declarations and bare assignments only set up the script, so explain does not list them as commands.
const SETUP_COMMANDS = new Set(['[', '[[', 'export', 'local', 'declare', 'typeset', 'readonly', 'unset']);

/**
 * Analyse a step's script as GitHub printed it in the step header, through
 * the run-script analysis in `src/shell`. Each script line is a log line, so
 * every construct found points at its line. `shellPipefail` is true when the
 * step's shell sets `-o pipefail`.
 */
export async function analyzeScript(script: LogLine[], shellPipefail: boolean): Promise<ScriptAnalysis> {
  const analysis: ScriptAnalysis = { commands: [], directoryChanges: [], pipefailLine: null };
  if (script.length === 0) return analysis;
  // The runner has already replaced `${{ }}` expressions, so the log text is the script that ran.
  const shell = await analyzeShellScript(script.map((line) => line.text).join('\n'), { start: { errexit: true, pipefail: shellPipefail } });
  const lineStarts = [0];
  for (let at = shell.script.indexOf('\n'); at >= 0; at = shell.script.indexOf('\n', at + 1)) lineStarts.push(at + 1);
  const lineAt = (offset: number): LogLine => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (lineStarts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return script[Math.min(low, script.length - 1)]!;
  };

  const pipefail = shell.optionChanges.find((change) => change.option === 'pipefail' && change.enabled && !change.scoped);
  if (pipefail) analysis.pipefailLine = lineAt(pipefail.span.start);

  for (const command of shell.commands) {
    const first = command.words[0]?.text ?? null;
    if (command.words.length === 0 || (first !== null && SETUP_COMMANDS.has(first))) continue;
    const argv = command.argv.map((word) => word.raw);
    if (command.name === 'cd' && command.argv[1]) {
      const target = command.argv[1];
      analysis.directoryChanges.push({ directory: target.text ?? target.raw.replace(/^["']|["']$/g, ''), line: lineAt(command.span.start) });
      continue;
    }
    // A `set +e` is not listed, because the shell layer records it in the options of the commands after it.
    if (command.name === 'set' && argv.slice(1).some((word) => /^\+[a-z]*e/.test(word))) continue;
    analysis.commands.push({
      text: shell.script.slice(command.span.start, command.span.end),
      line: lineAt(command.span.start),
      isPublish: shell.publishes.has(command.id),
      isLocalOnly: isLocalOnlyCommand(argv),
      masking: maskingOf(shell, command, lineAt),
    });
  }
  return analysis;
}

// Converts the shell layer's verdict on a command's failure into the masking constructs that explain reports.
function maskingOf(shell: ShellAnalysis, command: SimpleCommand, lineAt: (offset: number) => LogLine): CommandMasking[] {
  const found: CommandMasking[] = [];
  const text = shell.script.slice(command.span.start, command.span.end);
  const name = text.split(/\s+/).slice(0, 2).join(' ');
  if (command.failure.kind === 'lost-in-pipeline') {
    // The command may sit in a subshell or list that is the pipeline's element, so its own pipeline is not the one that loses it.
    const pipeline = shell.pipelines.find((candidate) => !candidate.options.pipefail && candidate.elementCommands.slice(0, -1).some((ids) => ids.includes(command.id)));
    const last = pipeline?.elements[pipeline.elements.length - 1];
    if (last) {
      const lastName = shell.script.slice(last.start, last.end).split(/\s+/)[0];
      found.push({ maskedBy: 'pipeline', line: lineAt(last.start), detail: `\`${name}\` is piped into \`${lastName}\`, and without pipefail a pipeline's status is its last command's` });
    }
  }
  const test = command.statusTest;
  if (test && (command.failure.kind === 'tested' || command.failure.kind === 'lost-in-pipeline') && test.handler?.outcome !== 'fails') {
    if (test.kind === 'or' && test.handler) {
      const handler = shell.script.slice(test.handler.span.start, test.handler.span.end).split('\n')[0];
      found.push({ maskedBy: 'or-true', line: lineAt(test.handler.span.start), detail: `\`${name}\` is followed by \`|| ${handler}\`, which discards its exit status` });
    } else if (test.kind === 'if' || test.kind === 'elif') {
      found.push({ maskedBy: 'ignored-status', line: lineAt(test.span.start), detail: `\`${name}\` is the condition of an \`if\` whose branches do not exit with a failure` });
    }
  }
  // `set +e` turns exit-on-error off until a later `set -e`: a failing command in between does not stop the script.
  if (!command.options.errexit && command.options.errexitSetAt !== null && command.failure.kind !== 'step-fails') {
    found.push({ maskedBy: 'ignored-status', line: lineAt(command.options.errexitSetAt.start), detail: `\`set +e\` turns exit-on-error off, so the script goes on after \`${name}\` fails` });
  }
  return found;
}

// NOTE: `src/shell` parses bash only, so PowerShell run blocks are read here, line by line.
/**
 * Analyse a PowerShell run block (`shell: pwsh` or `powershell`) line by line.
 * PowerShell does not stop when a native command such as npm fails, and
 * GitHub's wrapper ends the script with
 * `if ((Test-Path -LiteralPath variable:\LASTEXITCODE)) { exit $LASTEXITCODE }`,
 * the last native command's status (as of 2026-12). So a publish
 * that is not the last command, or whose `$LASTEXITCODE` check does not exit
 * or throw, loses its status.
 */
export function analyzePowerShell(script: LogLine[]): ScriptAnalysis {
  const analysis: ScriptAnalysis = { commands: [], directoryChanges: [], pipefailLine: null };
  const lines = script.filter((line) => line.text.trim() !== '' && !line.text.trim().startsWith('#'));

  for (const [index, line] of lines.entries()) {
    const text = line.text.trim();
    const words = text.split(/\s+/);
    if ((words[0] === 'cd' || /^(Set|Push)-Location$/i.test(words[0]!)) && words[1]) {
      analysis.directoryChanges.push({ directory: words[1].replace(/^["']|["']$/g, ''), line });
      continue;
    }
    const isPublish = isPublishCommand(words);
    const masking: CommandMasking[] = [];
    if (isPublish) {
      const name = words.slice(0, 2).join(' ');
      const check = lines.slice(index + 1).find((later) => /\$LASTEXITCODE/i.test(later.text) && /^\s*(?:}\s*)?(?:if|elseif)\b/i.test(later.text));
      if (check) {
        // The check's block runs from the `if` line to the line that closes its brace.
        const start = lines.indexOf(check);
        const end = lines.findIndex((later, position) => position >= start && later.text.includes('}'));
        const block = lines.slice(start, end < 0 ? lines.length : end + 1).map((later) => later.text).join('\n');
        if (!/\bexit\s+(?!0\b)\S|\bthrow\b|\bexit\s+\$LASTEXITCODE/i.test(block)) {
          masking.push({ maskedBy: 'ignored-status', line: check, detail: `\`${name}\` is checked with \`$LASTEXITCODE\` in an \`if\` whose block does not exit with a failure` });
        }
      } else if (index < lines.length - 1) {
        masking.push({ maskedBy: 'ignored-status', line: lines[index + 1]!, detail: `\`${name}\` is not the last command, and PowerShell goes on after a failing native command while GitHub checks only the last command's exit code` });
      }
    }
    analysis.commands.push({ text, line, isPublish, isLocalOnly: isLocalOnlyCommand(words), masking });
  }
  return analysis;
}
