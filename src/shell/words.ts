/**
 * Turns grammar nodes for shell words into `Word` values: the literal text
 * where it is known, and segments for variables, GitHub expressions and
 * substitutions.
 */

import type { SyntaxNode as Node } from './syntax.js';
import type { ExpressionMask, Segment, Span, Word } from './types.js';

const VARIABLE_IN_TEXT = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/** A reader of the words of one script, with its original text and masked expressions. */
export class WordReader {
  constructor(
    readonly script: string,
    readonly expressions: ExpressionMask[],
  ) {}

  /** Returns the original text of a span, with expressions restored. */
  raw(span: Span): string {
    return this.script.slice(span.start, span.end);
  }

  /** Builds the `Word` for an argument, command name or redirect target node. */
  word(node: Node): Word {
    const span = { start: node.startIndex, end: node.endIndex };
    const segments = mergeLiterals(this.segments(node));
    return { raw: this.raw(span), text: literalText(segments), segments, span };
  }

  /** Builds a `Word` from several adjacent nodes, such as the value of `NAME=value`. */
  segments(node: Node): Segment[] {
    switch (node.type) {
      case 'word':
      case 'command_name':
      case 'number':
      case 'file_descriptor':
      case 'variable_name':
      case 'special_variable_name':
        return node.type === 'command_name' && node.firstNamedChild
          ? this.segments(node.firstNamedChild)
          : this.literal(node.startIndex, node.endIndex, 'unquoted');
      case 'raw_string':
        return this.literal(node.startIndex + 1, node.endIndex - 1, 'single');
      case 'string':
        return this.children(node, node.startIndex + 1, node.endIndex - 1, 'double');
      case 'concatenation':
        return this.children(node, node.startIndex, node.endIndex, 'unquoted');
      case 'simple_expansion':
      case 'expansion':
        return [this.expansion(node)];
      case 'ansi_c_string':
        return this.ansiC(node);
      default:
        return this.opaque(node.startIndex, node.endIndex);
    }
  }

  /**
   * Reads a heredoc body: expansions are live unless the delimiter was
   * quoted, and `<<-` strips leading tabs from every line.
   */
  heredoc(body: Node, quoted: boolean, stripTabs: boolean): Segment[] {
    let segments = quoted
      ? this.literal(body.startIndex, body.endIndex, 'single')
      : this.children(body, body.startIndex, body.endIndex, 'heredoc');
    segments = mergeLiterals(segments);
    if (stripTabs) {
      segments = segments.map((segment, index) => {
        if (segment.kind !== 'literal') return segment;
        const text = segment.text.replace(/\n\t+/g, '\n');
        return { kind: 'literal', text: index === 0 ? text.replace(/^\t+/, '') : text };
      });
    }
    return segments;
  }

  // Reads the children of a string-like node, treating the text between them as literal.
  private children(node: Node, start: number, end: number, quoting: 'double' | 'unquoted' | 'heredoc'): Segment[] {
    const segments: Segment[] = [];
    let at = start;
    for (const child of node.children) {
      if (!child || child.startIndex < start || child.endIndex > end) continue;
      if (child.startIndex > at) segments.push(...this.literal(at, child.startIndex, quoting));
      if (child.type === 'string_content' || child.type === 'heredoc_content') {
        segments.push(...this.literal(child.startIndex, child.endIndex, quoting));
      } else if (child.type === 'simple_expansion' || child.type === 'expansion') {
        segments.push(this.expansion(child));
      } else if (quoting === 'unquoted') {
        segments.push(...this.segments(child));
      } else {
        segments.push(...this.opaque(child.startIndex, child.endIndex));
      }
      at = Math.max(at, child.endIndex);
    }
    if (at < end) segments.push(...this.literal(at, end, quoting));
    return segments;
  }

  private expansion(node: Node): Segment {
    const raw = this.raw({ start: node.startIndex, end: node.endIndex });
    const named = node.namedChildren.filter((child): child is Node => child !== null);
    const only = named.length === 1 ? named[0]! : null;
    if (only && (only.type === 'variable_name' || only.type === 'special_variable_name')) {
      return { kind: 'variable', name: only.text, raw, literal: false };
    }
    return { kind: 'unknown', raw };
  }

  private opaque(start: number, end: number): Segment[] {
    const inside = this.expressions.filter((mask) => mask.span.start >= start && mask.span.end <= end);
    // A substitution that is exactly one expression is that expression.
    if (inside.length === 1 && inside[0]!.span.start === start && inside[0]!.span.end === end) {
      return [{ kind: 'expression', text: inside[0]!.text, expression: inside[0]!.expression }];
    }
    return [{ kind: 'unknown', raw: this.raw({ start, end }) }];
  }

  private ansiC(node: Node): Segment[] {
    const body = this.script.slice(node.startIndex + 2, node.endIndex - 1);
    if (/\\[0-7xuUc]/.test(body)) return [{ kind: 'unknown', raw: node.text }];
    const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', e: '\x1b', f: '\f', v: '\v' };
    return [{ kind: 'literal', text: body.replace(/\\(.)/g, (_, char: string) => escapes[char] ?? `\\${char}`) }];
  }

  /**
   * Literal text from `start` to `end` with quoting rules applied, split
   * around masked expressions. In single quotes (and quoted heredocs) a
   * `$NAME` stays as written and becomes a `literal: true` variable segment.
   */
  private literal(start: number, end: number, quoting: 'single' | 'double' | 'unquoted' | 'heredoc'): Segment[] {
    const segments: Segment[] = [];
    let at = start;
    for (const mask of this.expressions) {
      if (mask.span.end <= start || mask.span.start >= end) continue;
      if (mask.span.start > at) segments.push(...this.plain(this.script.slice(at, mask.span.start), quoting));
      segments.push({ kind: 'expression', text: mask.text, expression: mask.expression });
      at = mask.span.end;
    }
    if (at < end) segments.push(...this.plain(this.script.slice(at, end), quoting));
    return segments;
  }

  private plain(text: string, quoting: 'single' | 'double' | 'unquoted' | 'heredoc'): Segment[] {
    if (quoting === 'single') return splitLiteralVariables(text);
    let unescaped: string;
    if (quoting === 'unquoted') {
      unescaped = text.replace(/\\\n/g, '').replace(/\\(.)/g, '$1');
    } else {
      // In double quotes and heredocs a backslash escapes only $ ` \ and, in quotes, ".
      const escapable = quoting === 'double' ? /\\([$`"\\])/g : /\\([$`\\])/g;
      unescaped = text.replace(/\\\n/g, '').replace(escapable, '$1');
    }
    // An escaped `\$NAME` survives unescaping as `$NAME` and is literal text for the shell.
    return splitLiteralVariables(unescaped);
  }
}

/** Splits text the shell leaves alone into literal runs and `literal: true` variables. */
function splitLiteralVariables(text: string): Segment[] {
  const segments: Segment[] = [];
  let at = 0;
  for (const match of text.matchAll(VARIABLE_IN_TEXT)) {
    const index = match.index ?? 0;
    if (index > at) segments.push({ kind: 'literal', text: text.slice(at, index) });
    segments.push({ kind: 'variable', name: (match[1] ?? match[2])!, raw: match[0], literal: true });
    at = index + match[0].length;
  }
  if (at < text.length) segments.push({ kind: 'literal', text: text.slice(at) });
  return segments;
}

/** Joins adjacent literal segments and drops empty ones. */
export function mergeLiterals(segments: Segment[]): Segment[] {
  const merged: Segment[] = [];
  for (const segment of segments) {
    if (segment.kind === 'literal' && segment.text === '') continue;
    const last = merged[merged.length - 1];
    if (segment.kind === 'literal' && last?.kind === 'literal') {
      merged[merged.length - 1] = { kind: 'literal', text: last.text + segment.text };
    } else {
      merged.push(segment);
    }
  }
  return merged;
}

/**
 * Returns the text when every segment is known (literal text, and variables
 * the shell leaves as written), or null when a segment depends on the
 * environment.
 */
export function literalText(segments: Segment[]): string | null {
  let text = '';
  for (const segment of segments) {
    if (segment.kind === 'literal') text += segment.text;
    else if (segment.kind === 'variable' && segment.literal) text += segment.raw;
    else return null;
  }
  return text;
}

/** Renders segments back to a readable string: literal text, `$NAME`, `${{ expr }}`, or the raw text. */
export function segmentsToString(segments: Segment[]): string {
  return segments.map((segment) => (segment.kind === 'literal' || segment.kind === 'expression' ? segment.text : segment.raw)).join('');
}
