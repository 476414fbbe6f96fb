import type { LogFormat, LogSink } from './types.js';

/**
 * Longest line kept whole. Beyond it only the first `LONG_LINE_HEAD` bytes are
 * analysed and the rest is skipped, so one enormous line (a minified bundle
 * echoed into the log) cannot make memory grow.
 */
const MAX_LINE_BYTES = 1024 * 1024;
const LONG_LINE_HEAD = 64 * 1024;

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const TAB = 0x09;
const ESCAPE = 0x1b;

// First bytes of the lines a report can need: `##[` markers, `npm …`,
// `lerna …`, yarn 1's `error …`, `Error: …`, `+ name@version`, yarn 2+'s `➤`
// and changesets' `🦋` (first bytes of their UTF-8 encodings), semantic-release's
// `[time] [semantic-release]`, lerna's `Successfully published:` and `YN…`
// codes. Everything else is skipped without decoding unless the consumer asks
// for every line.
const MARKER_FIRST_BYTES = new Uint8Array(256);
for (const char of '#nlEe+[SY') MARKER_FIRST_BYTES[char.charCodeAt(0)] = 1;
MARKER_FIRST_BYTES[0xe2] = 1;
MARKER_FIRST_BYTES[0xf0] = 1;
MARKER_FIRST_BYTES[ESCAPE] = 1;

// pnpm prints its own errors as ` ERR_PNPM_CODE  message` with a leading space.
function isPnpmErrorStart(buffer: Uint8Array, start: number, end: number): boolean {
  return end - start > 10 && buffer[start] === 0x20 && buffer[start + 1] === 0x45 && buffer[start + 2] === 0x52 && buffer[start + 3] === 0x52;
}

const ANSI_PATTERN = /\x1b\[[0-9;?]*[ -\/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;

/** Remove ANSI colour and cursor sequences. */
export function stripAnsi(text: string): string {
  return text.includes('\x1b') ? text.replace(ANSI_PATTERN, '') : text;
}

/**
 * Return the offset after a GitHub Actions timestamp prefix
 * (`2026-02-10T20:13:01.1234567Z `) that starts at `start`, or `start` when
 * there is none.
 */
function skipTimestamp(buffer: Uint8Array, start: number, end: number): number {
  if (end - start < 21) return start;
  // GitHub writes seven fraction digits, so the `Z ` almost always sits at a fixed offset; this check runs on every line.
  if (end - start >= 29 && buffer[start + 27] === 0x5a && buffer[start + 28] === 0x20 && buffer[start + 10] === 0x54 && buffer[start + 7] === 0x2d && buffer[start]! >= 0x30 && buffer[start]! <= 0x39) {
    return start + 29;
  }
  if (buffer[start + 4] !== 0x2d || buffer[start + 7] !== 0x2d || buffer[start + 10] !== 0x54) return start;
  const first = buffer[start]!;
  if (first < 0x30 || first > 0x39) return start;
  const limit = Math.min(end, start + 40);
  for (let index = start + 19; index < limit; index += 1) {
    if (buffer[index] === 0x5a) return buffer[index + 1] === 0x20 ? index + 2 : index + 1;
  }
  return start;
}

/** Return true when `text` starts like a line the consumer reads without being asked (used after ANSI codes are removed). */
export function isMarkerText(text: string): boolean {
  if (text.length === 0) return false;
  const code = text.charCodeAt(0);
  if (code < 128) return MARKER_FIRST_BYTES[code] === 1 || text.startsWith(' ERR');
  return text.startsWith('➤') || text.startsWith('🦋') || text.startsWith('✖') || text.startsWith('✘');
}

/**
 * Split a byte stream into lines and hand the interesting ones to a sink.
 * Lines are found with native `indexOf`; only a line whose first byte is a
 * marker (or every line while the sink asks for it) is decoded to a string.
 */
export class LineScanner {
  private carry: Buffer | null = null;
  private longLineHead: Buffer | null = null;
  private lineNumber = 0;
  private byteCount = 0;
  private previousPrefix: Buffer | null = null;
  private job: string | null;
  private step: string | null;
  private wantsAll: boolean;

  constructor(
    private readonly sink: LogSink,
    private readonly file: string,
    private readonly format: LogFormat,
    job: string | null,
    step: string | null,
  ) {
    this.job = job;
    this.step = step;
    this.wantsAll = sink.wantsEveryLine();
  }

  /** Feed the next chunk of bytes. */
  push(chunk: Uint8Array): void {
    this.byteCount += chunk.length;
    let buffer = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);

    if (this.longLineHead) {
      const newline = buffer.indexOf(NEWLINE);
      if (newline < 0) return;
      const head = this.longLineHead;
      this.longLineHead = null;
      this.handleLine(head, 0, head.length);
      buffer = buffer.subarray(newline + 1);
    }

    if (this.carry) {
      buffer = Buffer.concat([this.carry, buffer]);
      this.carry = null;
    }

    let start = 0;
    const length = buffer.length;
    // Most lines of a big log are skipped: reject them here, without a call, when
    // the line after its timestamp cannot start a marker. handleLine makes the
    // same decision for every other line.
    const quickReject = this.format !== 'gh-run-view';
    while (start < length) {
      const newline = buffer.indexOf(NEWLINE, start);
      if (newline < 0) break;
      if (quickReject && !this.wantsAll && this.lineNumber > 0 && newline - start > 29 && buffer[start + 4] === 0x2d) {
        const content = skipTimestamp(buffer, start, newline);
        const first = buffer[content]!;
        if (MARKER_FIRST_BYTES[first] !== 1 && !(first === 0x20 && isPnpmErrorStart(buffer, content, newline))) {
          this.lineNumber += 1;
          start = newline + 1;
          continue;
        }
      }
      this.handleLine(buffer, start, newline);
      start = newline + 1;
    }

    if (start < length) {
      const rest = buffer.subarray(start);
      if (rest.length > MAX_LINE_BYTES) {
        this.longLineHead = Buffer.from(rest.subarray(0, LONG_LINE_HEAD));
      } else {
        this.carry = Buffer.from(rest);
      }
    }
  }

  /** Flush the last line (a file need not end with a newline) and return the counts. */
  end(): { lines: number; bytes: number } {
    const rest = this.longLineHead ?? this.carry;
    if (rest && rest.length > 0) this.handleLine(rest, 0, rest.length);
    this.carry = null;
    this.longLineHead = null;
    return { lines: this.lineNumber, bytes: this.byteCount };
  }

  private handleLine(buffer: Buffer, start: number, end: number): void {
    this.lineNumber += 1;
    // Windows tools that convert line endings twice leave `\r\r\n`.
    while (end > start && buffer[end - 1] === CARRIAGE_RETURN) end -= 1;
    if (this.lineNumber === 1 && buffer[start] === 0xef && buffer[start + 1] === 0xbb && buffer[start + 2] === 0xbf) start += 3;

    let content = start;
    if (this.format === 'gh-run-view') {
      content = this.readGhColumns(buffer, start, end);
      // `gh` keeps the byte-order mark that starts each step's log, after the columns.
      if (buffer[content] === 0xef && buffer[content + 1] === 0xbb && buffer[content + 2] === 0xbf) content += 3;
    }
    if (buffer[content + 4] === 0x2d) content = skipTimestamp(buffer, content, end);

    // The sink's wish changes only when it receives a line, so it is asked once per delivered line.
    const wantsAll = this.wantsAll;
    if (!wantsAll && MARKER_FIRST_BYTES[buffer[content] ?? 0] !== 1 && !isPnpmErrorStart(buffer, content, end)) return;

    let text = buffer.toString('utf8', content, end);
    if (text.includes('\x1b')) {
      text = stripAnsi(text);
      if (!wantsAll && !isMarkerText(text)) return;
    }
    this.sink.line({ file: this.file, line: this.lineNumber, text, job: this.job, step: this.step });
    this.wantsAll = this.sink.wantsEveryLine();
  }

  // `gh run view --log` prefixes every line with `job<TAB>step<TAB>`. The job
  // and step are decoded only when those bytes change.
  private readGhColumns(buffer: Buffer, start: number, end: number): number {
    const firstTab = buffer.indexOf(TAB, start);
    if (firstTab < 0 || firstTab >= end) return start;
    const secondTab = buffer.indexOf(TAB, firstTab + 1);
    if (secondTab < 0 || secondTab >= end) return start;

    const prefixLength = secondTab - start;
    const previous = this.previousPrefix;
    const same = previous !== null && previous.length === prefixLength && buffer.compare(previous, 0, prefixLength, start, secondTab) === 0;
    if (!same) {
      this.previousPrefix = Buffer.from(buffer.subarray(start, secondTab));
      this.job = stripAnsi(buffer.toString('utf8', start, firstTab)).trim() || null;
      this.step = stripAnsi(buffer.toString('utf8', firstTab + 1, secondTab)).trim() || null;
      const afterColumns = buffer[secondTab + 1] === 0xef && buffer[secondTab + 2] === 0xbb && buffer[secondTab + 3] === 0xbf ? secondTab + 4 : secondTab + 1;
      const content = skipTimestamp(buffer, afterColumns, end);
      this.sink.stepBoundary?.({
        file: this.file,
        line: this.lineNumber,
        text: stripAnsi(buffer.toString('utf8', content, end)),
        job: this.job,
        step: this.step,
      });
      this.wantsAll = this.sink.wantsEveryLine();
    }
    return secondTab + 1;
  }
}

/**
 * Recognise the format of a text log from its first bytes. `gh run view`
 * output has two tab-separated columns before a timestamp, and a downloaded
 * job log has timestamps or `##[` markers. Anything else is plain tool output.
 */
export function sniffTextFormat(head: Uint8Array): LogFormat {
  const text = Buffer.from(head.buffer, head.byteOffset, Math.min(head.length, 64 * 1024)).toString('utf8');
  const lines = text.split('\n').slice(0, 50);
  if (lines.some((line) => /^[^\t]*\t[^\t]*\t\uFEFF?\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/.test(line))) return 'gh-run-view';
  if (lines.some((line) => /^\uFEFF?\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z /.test(line) || line.includes('##['))) return 'github-actions';
  return 'plain';
}
