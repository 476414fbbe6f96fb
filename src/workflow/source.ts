/**
 * Positions in source files. Every position pubguard prints is 1-based, and
 * columns count UTF-16 code units (as SARIF and editors do). JavaScript
 * strings are UTF-16, so a string offset is already in those units.
 */
import { isScalar, type Node, type Scalar } from 'yaml';

/** A span in a file: 1-based lines and columns, end exclusive of the last column + 1. */
export interface Span {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface Position {
  line: number;
  column: number;
}

/** A file as read from the repository, with a line index for offset → position. */
export class SourceFile {
  private readonly lineStarts: number[];

  constructor(
    /** Path relative to the checked directory, with `/`. */
    readonly path: string,
    readonly text: string,
  ) {
    this.lineStarts = [0];
    for (let i = 0; i < text.length; i += 1) {
      if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    }
  }

  /** Convert a string offset into a 1-based line and column. */
  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.lineStarts[middle]! <= clamped) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: clamped - this.lineStarts[low]! + 1 };
  }

  /** Build a span from two string offsets (end exclusive). */
  spanOf(start: number, end: number): Span {
    const from = this.positionAt(start);
    const to = this.positionAt(Math.max(start, end));
    return { file: this.path, line: from.line, column: from.column, endLine: to.line, endColumn: to.column };
  }

  /** Return the text of a 1-based line, without its line break. */
  lineText(line: number): string {
    const start = this.lineStarts[line - 1];
    if (start === undefined) return '';
    const next = this.lineStarts[line];
    return this.text.slice(start, next === undefined ? this.text.length : next - 1).replace(/\r$/, '');
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }
}

/** Return the span of a YAML node's value (not its trailing comment), or null when it has no range. */
export function spanOfNode(file: SourceFile, node: Node | null | undefined): Span | null {
  if (!node?.range) return null;
  return file.spanOf(node.range[0], node.range[1]);
}

/**
 * Map each offset of a scalar's parsed value to an offset in the file. Block
 * scalars lose their indentation, folded ones turn line breaks into spaces and
 * quoted ones resolve escapes, so the value is aligned to its source character
 * by character. The returned array has `value.length + 1` entries; the last
 * one is the end of the scalar.
 */
export function mapScalarOffsets(file: SourceFile, node: Scalar, value: string): number[] {
  const [start, end] = node.range ?? [0, 0];
  const source = file.text;
  const offsets = new Array<number>(value.length + 1);
  let s = start;
  let indent = 0;
  const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';

  if (block) {
    // Skip the header line (`|`, `>-`, `|2` and a possible comment).
    const headerEnd = source.indexOf('\n', start);
    s = headerEnd === -1 ? end : headerEnd + 1;
    const explicit = /^[|>][+-]?([1-9])|^[|>]([1-9])/.exec(source.slice(start, headerEnd === -1 ? end : headerEnd));
    if (explicit) {
      indent = Number(explicit[1] ?? explicit[2]);
      // An explicit indentation indicator is relative to the parent's indentation.
      let lineStart = start;
      while (lineStart > 0 && source[lineStart - 1] !== '\n') lineStart -= 1;
      let parentIndent = 0;
      while (source[lineStart + parentIndent] === ' ') parentIndent += 1;
      indent += parentIndent;
    } else {
      // The first non-empty line sets the indentation.
      let probe = s;
      while (probe < end) {
        let spaces = 0;
        while (source[probe + spaces] === ' ') spaces += 1;
        const next = source[probe + spaces];
        if (next !== '\n' && next !== '\r') {
          indent = spaces;
          break;
        }
        const lineEnd = source.indexOf('\n', probe);
        if (lineEnd === -1) break;
        probe = lineEnd + 1;
      }
    }
    s = skipIndent(source, s, indent, end);
  } else if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') {
    s = start + 1;
  }

  for (let v = 0; v < value.length; v += 1) {
    const wanted = value[v]!;
    while (s < end) {
      const actual = source[s]!;
      if (actual === wanted && !(node.type === 'QUOTE_SINGLE' && actual === "'")) {
        offsets[v] = s;
        s += 1;
        if (block && actual === '\n') s = skipIndent(source, s, indent, end);
        break;
      }
      if ((wanted === ' ' || wanted === '\n') && (actual === '\n' || actual === '\r')) {
        // A folded or flow line break: the value has one character for the break and its indentation.
        offsets[v] = s;
        s = source.indexOf('\n', s) + 1 || end;
        s = block ? skipIndent(source, s, indent, end) : skipSpaces(source, s, end);
        break;
      }
      if (node.type === 'QUOTE_DOUBLE' && actual === '\\') {
        offsets[v] = s;
        s += escapeLength(source, s);
        break;
      }
      if (node.type === 'QUOTE_SINGLE' && actual === "'" && source[s + 1] === "'") {
        offsets[v] = s;
        s += 2;
        break;
      }
      s += 1;
    }
    if (offsets[v] === undefined) offsets[v] = Math.min(s, end);
  }
  offsets[value.length] = Math.min(s, end);
  // An empty trailing region (block scalar chomping) ends where the last character ended.
  for (let v = 0; v <= value.length; v += 1) offsets[v] = Math.min(offsets[v]!, end);
  return offsets;
}

function skipIndent(source: string, from: number, indent: number, end: number): number {
  let s = from;
  let count = 0;
  while (s < end && count < indent && source[s] === ' ') {
    s += 1;
    count += 1;
  }
  return s;
}

function skipSpaces(source: string, from: number, end: number): number {
  let s = from;
  while (s < end && (source[s] === ' ' || source[s] === '\t')) s += 1;
  return s;
}

function escapeLength(source: string, at: number): number {
  const kind = source[at + 1];
  if (kind === 'x') return 4;
  if (kind === 'u') return 6;
  if (kind === 'U') return 10;
  if (kind === '\n') {
    // An escaped line break joins the lines; the following indentation is skipped too.
    let s = at + 2;
    while (source[s] === ' ' || source[s] === '\t') s += 1;
    return s - at;
  }
  return 2;
}

export function isScalarNode(node: unknown): node is Scalar {
  return isScalar(node);
}
