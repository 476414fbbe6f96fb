import { createRequire } from 'node:module';
import type { Node, Parser as ParserType } from 'web-tree-sitter';
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

let parserPromise: Promise<ParserType> | null = null;

// The grammar loads once per process; parsing a run block then takes well under a millisecond.
async function getParser(): Promise<ParserType> {
  parserPromise ??= (async () => {
    // NOTE: without this flag V8 recompiles the grammar's WASM with its
    // optimising tier in the background, and the process waits about half a
    // second for that at exit. The baseline tier parses a run block fast enough.
    const { setFlagsFromString } = await import('node:v8');
    setFlagsFromString('--liftoff-only');
    const { Parser, Language } = await import('web-tree-sitter');
    const require = createRequire(import.meta.url);
    await Parser.init();
    const language = await Language.load(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm'));
    const parser = new Parser();
    parser.setLanguage(language);
    return parser;
  })();
  return parserPromise;
}

const PUBLISH_TOOLS = new Set(['npm', 'pnpm', 'yarn', 'lerna', 'changeset', 'semantic-release']);

/** Return true when a command line (as words) publishes packages. */
export function isPublishCommand(words: string[]): boolean {
  let rest = words;
  while (rest.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(rest[0]!)) rest = rest.slice(1);
  if (rest[0] === 'npx' || rest[0] === 'pnpx' || (rest[0] === 'pnpm' && rest[1] === 'dlx') || (rest[0] === 'yarn' && rest[1] === 'dlx')) {
    rest = rest.slice(rest[0] === 'npx' || rest[0] === 'pnpx' ? 1 : 2).filter((word) => !word.startsWith('-'));
    if (rest[0]?.startsWith('semantic-release')) return true;
  }
  const tool = rest[0];
  if (!tool || !PUBLISH_TOOLS.has(tool.replace(/@.*$/, ''))) return false;
  if (tool === 'semantic-release') return true;
  return rest.slice(1).some((word) => word === 'publish');
}

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

// A handler "exits" when it ends the script with a non-zero status or re-raises.
function handlerPropagates(node: Node): boolean {
  const text = node.text;
  return /\bexit\s+(?!0\b)[^\s;}]+/.test(text) || /(^|[\s;{(])(false|return\s+[1-9]\S*)(\s|;|$)/.test(text) || /\bexit\s*(;|}|\)|$)/.test(text) && /\$\?/.test(text);
}

function firstWordsOf(node: Node): string[] {
  return node.text.split(/\s+/).filter(Boolean);
}

function pipefailBefore(root: Node, row: number): Node | null {
  let found: Node | null = null;
  const visit = (node: Node): void => {
    if (node.startPosition.row > row) return;
    if (node.type === 'command' && /^set\s/.test(node.text) && /-[a-z]*o\s+pipefail|-o\s*pipefail|pipefail/.test(node.text) && !/\+o\s+pipefail/.test(node.text)) found ??= node;
    for (const child of node.namedChildren) if (child) visit(child);
  };
  visit(root);
  return found;
}

/**
 * Analyse a step's script as GitHub printed it in the step header. Each
 * script line is a log line, so every construct found points at its line.
 * `shellPipefail` is true when the step's shell sets `-o pipefail`.
 */
export async function analyzeScript(script: LogLine[], shellPipefail: boolean): Promise<ScriptAnalysis> {
  const analysis: ScriptAnalysis = { commands: [], directoryChanges: [], pipefailLine: null };
  if (script.length === 0) return analysis;
  const parser = await getParser();
  const tree = parser.parse(script.map((line) => line.text).join('\n'));
  if (!tree) return analysis;
  const root = tree.rootNode;
  const lineAt = (row: number): LogLine => script[Math.min(row, script.length - 1)]!;

  const commands: Node[] = [];
  const collect = (node: Node): void => {
    if (node.type === 'command') commands.push(node);
    for (const child of node.namedChildren) if (child) collect(child);
  };
  collect(root);

  // `set +e` turns exit-on-error off until a later `set -e`: a failing command in between does not stop the script.
  let errexitOff: LogLine | null = null;
  const lastCommand = commands[commands.length - 1];
  for (const command of commands) {
    const words = firstWordsOf(command);
    if (words[0] === 'set' && words.slice(1).some((word) => /^\+[a-z]*e/.test(word))) {
      errexitOff = lineAt(command.startPosition.row);
      continue;
    }
    if (words[0] === 'set' && words.slice(1).some((word) => /^-[a-z]*e/.test(word))) errexitOff = null;
    if (words[0] === 'cd' && words[1]) {
      analysis.directoryChanges.push({ directory: words[1].replace(/^["']|["']$/g, ''), line: lineAt(command.startPosition.row) });
      continue;
    }
    const pipefailNode = pipefailBefore(root, command.startPosition.row);
    if (pipefailNode && !analysis.pipefailLine) analysis.pipefailLine = lineAt(pipefailNode.startPosition.row);
    const masking = findMasking(command, shellPipefail || pipefailNode !== null, lineAt);
    if (errexitOff && command !== lastCommand) {
      masking.push({ maskedBy: 'ignored-status', line: errexitOff, detail: `\`set +e\` turns exit-on-error off, so the script goes on after \`${words.slice(0, 2).join(' ')}\` fails` });
    }
    analysis.commands.push({ text: command.text, line: lineAt(command.startPosition.row), isPublish: isPublishCommand(words), isLocalOnly: isLocalOnlyCommand(words), masking });
  }
  tree.delete();
  return analysis;
}

function findMasking(command: Node, pipefail: boolean, lineAt: (row: number) => LogLine): CommandMasking[] {
  const found: CommandMasking[] = [];
  const name = command.text.split(/\s+/).slice(0, 2).join(' ');
  let node: Node = command;
  let parent = node.parent;
  // With `set -e`, a failure inside a `||`/`&&` list or an `if` condition never stops the script.
  while (parent && parent.type !== 'program') {
    if (parent.type === 'pipeline') {
      const members = parent.namedChildren.filter((child): child is Node => child !== null);
      const last = members[members.length - 1];
      if (!pipefail && last && last.id !== node.id) {
        found.push({
          maskedBy: 'pipeline',
          line: lineAt(last.startPosition.row),
          detail: `\`${name}\` is piped into \`${last.text.split(/\s+/)[0]}\`, and without pipefail a pipeline's status is its last command's`,
        });
      }
    } else if (parent.type === 'list') {
      const left = parent.namedChildren[0];
      const operator = parent.children.find((child) => child !== null && (child.type === '||' || child.type === '&&'));
      const right = parent.namedChildren[parent.namedChildren.length - 1];
      if (left && right && left.id === node.id && operator?.type === '||' && !handlerPropagates(right)) {
        found.push({
          maskedBy: 'or-true',
          line: lineAt(right.startPosition.row),
          detail: `\`${name}\` is followed by \`|| ${right.text.split('\n')[0]}\`, which discards its exit status`,
        });
      }
    } else if (parent.type === 'negated_command' || parent.type === 'if_statement' || parent.type === 'while_statement') {
      const statement = parent.type === 'negated_command' ? parent.parent : parent;
      if (statement && statement.type === 'if_statement') {
        const condition = statement.childForFieldName('condition');
        const inCondition = condition !== null && condition.startIndex <= command.startIndex && command.endIndex <= condition.endIndex;
        const body = statement.text.slice(condition ? condition.endIndex - statement.startIndex : 0);
        if (inCondition && !/\bexit\s+(?!0\b)[^\s;}]+|(^|[\s;])false(\s|;|$)/.test(body)) {
          found.push({
            maskedBy: 'ignored-status',
            line: lineAt(statement.startPosition.row),
            detail: `\`${name}\` is the condition of an \`if\` whose branches do not exit with a failure`,
          });
        }
        if (parent.type === 'if_statement') break;
      }
    }
    node = parent;
    parent = node.parent;
  }
  // An `if !` condition is reached twice on the way up (negation, then the statement).
  return found.filter((item, index) => found.findIndex((other) => other.maskedBy === item.maskedBy && other.line === item.line) === index);
}

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
