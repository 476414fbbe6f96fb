/**
 * Helpers over grammar nodes for the script walk: statement lists, the parts
 * of `if` and pipelines, status and PIPESTATUS reads, workarounds for
 * tree-sitter-bash quirks, and the judgement of failure handlers.
 */
import type { SyntaxNode as Node } from './syntax.js';
import type { FailureHandler, Span, Word } from './types.js';
import { literalText, mergeLiterals } from './words.js';

const BENIGN_HANDLER_COMMANDS = new Set(['echo', 'printf', 'true', ':', 'cat', 'tee', 'sleep', 'logger', 'printenv', 'date', 'pwd', 'ls', 'set', 'export', 'local', 'declare', 'readonly', '[', '[[', 'test', 'unset', 'shift']);
export const COMMAND_LIKE = new Set(['command', 'test_command', 'declaration_command', 'variable_assignment', 'variable_assignments', 'unset_command']);
export const STATEMENT_SKIP = new Set(['comment', 'heredoc_body', 'heredoc_start', 'heredoc_end']);

export function spanOf(node: Node): Span {
  return { start: node.startIndex, end: node.endIndex };
}

export function spanOfNodes(nodes: Node[], fallback: Node): Span {
  if (nodes.length === 0) return spanOf(fallback);
  return { start: nodes[0]!.startIndex, end: nodes[nodes.length - 1]!.endIndex };
}

export function statementChildren(node: Node): Node[] {
  return node.namedChildren.filter((child): child is Node => child !== null && !STATEMENT_SKIP.has(child.type));
}

// The statements of an `if` branch: named children after `keyword`, up to the first clause.
export function bodyAfterKeyword(node: Node, keyword: string, stopAt: Node | null): Node[] {
  const body: Node[] = [];
  let seen = false;
  for (const child of node.children) {
    if (!child) continue;
    if (stopAt && child.startIndex >= stopAt.startIndex) break;
    if (child.type === keyword) {
      seen = true;
      continue;
    }
    if (seen && child.isNamed && !STATEMENT_SKIP.has(child.type) && child.type !== 'elif_clause' && child.type !== 'else_clause') body.push(child);
  }
  return body;
}

// The statements between `if`/`elif` and `then`; elif clauses have no condition field.
export function conditionBeforeThen(node: Node): Node[] {
  const nodes: Node[] = [];
  for (const child of node.children.slice(1)) {
    if (!child || child.type === 'then') break;
    if (child.isNamed && !STATEMENT_SKIP.has(child.type)) nodes.push(child);
  }
  return nodes;
}

// The elements of a pipeline, with the nested pipelines the grammar builds after a heredoc flattened.
export function flattenPipeline(node: Node): Node[] {
  const elements: Node[] = [];
  for (const child of node.namedChildren) {
    if (child.type === 'pipeline') elements.push(...flattenPipeline(child));
    else if (child.type !== 'comment') elements.push(child);
  }
  return elements;
}

export function collectPipeOperators(node: Node): Node[] {
  const operators: Node[] = [];
  for (const child of node.children) {
    if (child.type === 'pipeline') operators.push(...collectPipeOperators(child));
    else if (child.type === '|' || child.type === '|&') operators.push(child);
  }
  return operators;
}

export function unwrapNegation(node: Node): Node {
  return node.namedChildren.find((child): child is Node => child !== null) ?? node;
}

export function firstCommandLike(node: Node): Node | null {
  if (COMMAND_LIKE.has(node.type)) return node;
  for (const child of node.namedChildren) {
    if (!child || child.type === 'command_substitution') continue;
    const found = firstCommandLike(child);
    if (found) return found;
  }
  return null;
}

export function findStatusVariable(node: Node): Node | null {
  if (node.type === 'special_variable_name' && node.text === '?') return node.parent ?? node;
  for (const child of node.namedChildren) {
    if (!child || child.type === 'command_substitution') continue;
    const found = findStatusVariable(child);
    if (found) return found;
  }
  return null;
}

export function findPipestatusReads(children: Node[]): Array<{ span: Span; index: string | null }> {
  const reads: Array<{ span: Span; index: string | null }> = [];
  const visit = (node: Node) => {
    if (node.type === 'command_substitution') return;
    if (node.type === 'expansion') {
      const subscript = node.namedChildren.find((child) => child?.type === 'subscript');
      const name = subscript?.childForFieldName('name')?.text ?? node.namedChildren.find((child) => child?.type === 'variable_name')?.text;
      if (name === 'PIPESTATUS') {
        const index = subscript?.childForFieldName('index');
        let indexText: string | null = '0';
        if (index) indexText = /^[\d@*]+$/.test(index.text) ? index.text : null;
        reads.push({ span: spanOf(node), index: indexText });
        return;
      }
    }
    if (node.type === 'simple_expansion' && node.namedChildren[0]?.text === 'PIPESTATUS') {
      reads.push({ span: spanOf(node), index: '0' });
      return;
    }
    for (const child of node.namedChildren) if (child) visit(child);
  };
  for (const child of children) visit(child);
  return reads;
}

export function splitAssignmentWord(word: Word): { name: string; value: Word } | null {
  const first = word.segments[0];
  if (first?.kind !== 'literal') return null;
  const match = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(first.text);
  if (!match) return null;
  const offset = match[0].length;
  const segments = mergeLiterals([{ kind: 'literal', text: first.text.slice(offset) }, ...word.segments.slice(1)]);
  const text = literalText(segments);
  return { name: match[1]!, value: { raw: word.raw.slice(offset), text, segments, span: { start: word.span.start + offset, end: word.span.end } } };
}

export function isBareAssignment(node: Node, children: Node[]): boolean {
  if (node.type === 'variable_assignment' || node.type === 'variable_assignments') return true;
  return node.type === 'command' && !children.some((child) => child.type === 'command_name');
}

/**
 * Works around a tree-sitter-bash 0.25 bug: two or more assignments on one
 * line (`a=1 b=2`) followed by a newline join the next line's command. Returns
 * the assignment children before the newline and the rest, or null.
 */
export function splitJoinedAssignments(node: Node, masked: string): { assignments: Node[]; rest: Node[] } | null {
  const children = node.children.filter((child): child is Node => child !== null);
  for (let i = 1; i < children.length; i++) {
    const gap = masked.slice(children[i - 1]!.endIndex, children[i]!.startIndex);
    if (!/(^|[^\\])\n/.test(gap)) continue;
    const assignments = children.slice(0, i);
    if (!assignments.every((child) => child.type === 'variable_assignment' || child.type === 'variable_assignments')) return null;
    return { assignments, rest: children.slice(i) };
  }
  return null;
}

/**
 * Judges what code that handles a failure does: `fails` when it exits with
 * a non-zero or variable status (or ends in `false`), `succeeds` when it only
 * prints, assigns or exits 0, `unknown` when it runs anything else.
 */
export function classifyHandler(nodes: Node[]): FailureHandler['outcome'] {
  let outcome: FailureHandler['outcome'] = 'succeeds';
  const commands: Node[] = [];
  const collect = (node: Node) => {
    if (node.type === 'command_substitution') return;
    if (COMMAND_LIKE.has(node.type)) commands.push(node);
    for (const child of node.namedChildren) if (child && !COMMAND_LIKE.has(node.type)) collect(child);
  };
  for (const node of nodes) collect(node);

  for (const command of commands) {
    if (command.type !== 'command') continue;
    const name = command.childForFieldName('name')?.text;
    if (name === undefined) continue;
    const args = command.childrenForFieldName('argument').filter((child): child is Node => child !== null);
    if (name === 'exit' || name === 'return') {
      if (args.length === 0) return 'unknown';
      return args[0]!.text === '0' ? outcome : 'fails';
    }
    if (name === 'false') return 'fails';
    if (!BENIGN_HANDLER_COMMANDS.has(name)) outcome = 'unknown';
  }
  return outcome;
}
