/**
 * What a command leaves behind: the text it prints (for files written by
 * redirection or `tee`), the kind of file a path names, `npm config set`
 * and the `NAME=value` lines of `$GITHUB_ENV`.
 */
import { mergeLiterals } from './words.js';
import type { ConfigSet, Segment, Word, WrittenFileKind } from './types.js';

const SPACE: Segment = { kind: 'literal', text: ' ' };
const NEWLINE: Segment = { kind: 'literal', text: '\n' };

/**
 * The text a command prints to stdout, when it is one of `echo`, `printf`,
 * `cat` or `tee` with known input; null otherwise. `stdin` is the heredoc,
 * here-string or previous pipeline element's output.
 */
export function printedContent(argv: Word[], stdin: Segment[] | null): Segment[] | null {
  const name = argv[0]?.text;
  if (name === 'echo') return echoContent(argv.slice(1));
  if (name === 'printf') return printfContent(argv.slice(1));
  if (name === 'cat' || name === 'tee') {
    const files = argv.slice(1).filter((word) => word.text !== '-' && !(word.text ?? '').startsWith('-'));
    if (name === 'cat' && files.length > 0) return null;
    return stdin;
  }
  return null;
}

function echoContent(words: Word[]): Segment[] {
  let newline = true;
  let escapes = false;
  let i = 0;
  // echo takes leading `-n`, `-e`, `-E` and their combinations as options.
  while (i < words.length && /^-[neE]+$/.test(words[i]!.text ?? '')) {
    const flags = words[i]!.text!;
    if (flags.includes('n')) newline = false;
    if (flags.includes('e')) escapes = true;
    if (flags.includes('E')) escapes = false;
    i++;
  }
  const segments: Segment[] = [];
  words.slice(i).forEach((word, index) => {
    if (index > 0) segments.push(SPACE);
    segments.push(...(escapes ? interpretEscapes(word.segments) : word.segments));
  });
  if (newline) segments.push(NEWLINE);
  return mergeLiterals(segments);
}

function printfContent(words: Word[]): Segment[] | null {
  const format = words[0];
  if (!format || format.text === null) return null;
  if (format.text.startsWith('-')) return null;
  const args = words.slice(1);
  const out: Segment[] = [];
  let argIndex = 0;

  // The format is reused while arguments remain, as printf(1) does.
  do {
    const text = format.text;
    let literal = '';
    for (let i = 0; i < text.length; i++) {
      const char = text[i]!;
      if (char === '\\' && i + 1 < text.length) {
        literal += ESCAPES[text[i + 1]!] ?? `\\${text[i + 1]}`;
        i++;
      } else if (char === '%' && text[i + 1] === '%') {
        literal += '%';
        i++;
      } else if (char === '%' && (text[i + 1] === 's' || text[i + 1] === 'b')) {
        out.push({ kind: 'literal', text: literal });
        literal = '';
        const arg = args[argIndex++];
        if (arg) out.push(...(text[i + 1] === 'b' ? interpretEscapes(arg.segments) : arg.segments));
        i++;
      } else if (char === '%') {
        return null;
      } else {
        literal += char;
      }
    }
    out.push({ kind: 'literal', text: literal });
  } while (argIndex > 0 && argIndex < args.length);

  return mergeLiterals(out);
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', a: '\x07', b: '\b', f: '\f', v: '\v', '"': '"', "'": "'" };

function interpretEscapes(segments: Segment[]): Segment[] {
  return segments.map((segment) =>
    segment.kind === 'literal'
      ? { kind: 'literal', text: segment.text.replace(/\\([ntr\\abfv])/g, (_, char: string) => ESCAPES[char]!) }
      : segment,
  );
}

/** Classifies a written path by its name or the variable it uses. */
export function writtenFileKind(target: Word): WrittenFileKind {
  const first = target.segments[0];
  if (first?.kind === 'variable' && !first.literal && target.segments.length === 1) {
    switch (first.name) {
      case 'GITHUB_ENV':
        return 'github-env';
      case 'GITHUB_PATH':
        return 'github-path';
      case 'GITHUB_OUTPUT':
        return 'github-output';
      case 'GITHUB_STEP_SUMMARY':
        return 'github-step-summary';
      case 'NPM_CONFIG_USERCONFIG':
      case 'npm_config_userconfig':
        return 'npmrc';
    }
  }
  const last = target.segments[target.segments.length - 1];
  const tail = last?.kind === 'literal' ? last.text : '';
  const base = tail.split('/').pop() ?? '';
  if (base === '.npmrc') return 'npmrc';
  if (base === '.yarnrc.yml') return 'yarnrc';
  return 'other';
}

/** One `NAME=value` (or `NAME<<DELIMITER` block) written to `$GITHUB_ENV`. */
export interface GithubEnvEntry {
  name: string;
  value: Segment[];
}

/**
 * Splits content written to `$GITHUB_ENV` into variables, following the
 * runner's file format: `NAME=value` lines and multi-line
 * `NAME<<DELIMITER … DELIMITER` blocks. A name or delimiter that is not
 * literal ends the parse, because later lines cannot be attributed.
 */
export function parseGithubEnvContent(content: Segment[]): GithubEnvEntry[] {
  const lines = splitLines(content);
  const entries: GithubEnvEntry[] = [];

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const first = line[0];
    if (!first) continue;
    if (first.kind !== 'literal') break;

    const heredoc = /^([A-Za-z_][A-Za-z0-9_]*)<<(.*)$/.exec(first.text);
    if (heredoc && line.length === 1) {
      const delimiter = heredoc[2]!;
      const value: Segment[] = [];
      let j = i + 1;
      for (; j < lines.length; j++) {
        const inner = lines[j]!;
        if (inner.length === 1 && inner[0]!.kind === 'literal' && inner[0]!.text === delimiter) break;
        if (j > i + 1) value.push(NEWLINE);
        value.push(...inner);
      }
      entries.push({ name: heredoc[1]!, value: mergeLiterals(value) });
      i = j;
      continue;
    }

    const equals = first.text.indexOf('=');
    if (equals <= 0) break;
    const name = first.text.slice(0, equals);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) break;
    const value = mergeLiterals([{ kind: 'literal', text: first.text.slice(equals + 1) }, ...line.slice(1)]);
    entries.push({ name, value });
  }
  return entries;
}

// Splits segments at the newlines of their literal parts.
function splitLines(content: Segment[]): Segment[][] {
  const lines: Segment[][] = [[]];
  for (const segment of content) {
    if (segment.kind !== 'literal') {
      lines[lines.length - 1]!.push(segment);
      continue;
    }
    const parts = segment.text.split('\n');
    parts.forEach((part, index) => {
      if (index > 0) lines.push([]);
      if (part !== '') lines[lines.length - 1]!.push({ kind: 'literal', text: part });
    });
  }
  if (lines[lines.length - 1]!.length === 0) lines.pop();
  return lines;
}

/**
 * Reads `npm config set`, `npm set`, `pnpm config set` and `yarn config set`
 * into the key, value and file they write; null for any other command.
 * npm writes the user config unless `--location`/`-L`, `--global`/`-g`
 * say otherwise; pnpm 9 writes its global config unless
 * `--location project`; Yarn 2+ writes the project `.yarnrc.yml` unless
 * `-H`/`--home`.
 */
export function detectConfigSet(argv: Word[]): Omit<ConfigSet, 'span' | 'command' | 'cwd'> | null {
  const tool = argv[0]?.text;
  if (tool !== 'npm' && tool !== 'pnpm' && tool !== 'yarn') return null;

  let i = 1;
  const leadingFlags: Word[] = [];
  while (i < argv.length && (argv[i]!.text ?? '').startsWith('-')) leadingFlags.push(argv[i++]!);
  const sub = argv[i]?.text;
  let rest: Word[];
  if (sub === 'config' && argv[i + 1]?.text === 'set') rest = argv.slice(i + 2);
  else if (sub === 'set' && tool === 'npm') rest = argv.slice(i + 1);
  else return null;

  let location: ConfigSet['location'] = tool === 'npm' ? 'user' : tool === 'pnpm' ? 'global' : 'project';
  let userconfig: Word | null = null;
  const positionals: Word[] = [];
  const words = [...leadingFlags, ...rest];

  for (let k = 0; k < words.length; k++) {
    const text = words[k]!.text ?? '';
    const next = words[k + 1];
    if (text === '--location' || text === '-L') {
      location = toLocation(next?.text, location);
      k++;
    } else if (text.startsWith('--location=')) {
      location = toLocation(text.slice('--location='.length), location);
    } else if (text === '--global' || text === '-g') {
      location = 'global';
    } else if (text === '-H' || text === '--home') {
      location = 'user';
    } else if (text === '--userconfig') {
      userconfig = next ?? null;
      location = 'user';
      k++;
    } else if (text.startsWith('-') && text !== '-') {
      continue;
    } else {
      positionals.push(words[k]!);
    }
  }

  const keyWord = positionals[0];
  if (!keyWord) return null;
  // npm 7+ also accepts `npm config set key=value`.
  const keyText = keyWord.text;
  if (positionals.length === 1 && keyText !== null && keyText.includes('=')) {
    const equals = keyText.indexOf('=');
    const valueText = keyText.slice(equals + 1);
    const value: Word = { raw: valueText, text: valueText, segments: [{ kind: 'literal', text: valueText }], span: { start: keyWord.span.start + equals + 1, end: keyWord.span.end } };
    return { tool, key: keyText.slice(0, equals), value, location, userconfig };
  }
  if (positionals.length === 1 && keyText === null) {
    return { tool, key: splitKeyFromWord(keyWord), value: valueAfterEquals(keyWord), location, userconfig };
  }
  return { tool, key: keyText, value: positionals[1] ?? null, location, userconfig };
}

function toLocation(text: string | null | undefined, fallback: ConfigSet['location']): ConfigSet['location'] {
  return text === 'user' || text === 'project' || text === 'global' ? text : fallback;
}

// `"//host/:_authToken=${TOKEN}"` as one word: the key is the literal part before `=`.
function splitKeyFromWord(word: Word): string | null {
  const first = word.segments[0];
  if (first?.kind !== 'literal') return null;
  const equals = first.text.indexOf('=');
  return equals > 0 ? first.text.slice(0, equals) : null;
}

function valueAfterEquals(word: Word): Word | null {
  const first = word.segments[0];
  if (first?.kind !== 'literal') return null;
  const equals = first.text.indexOf('=');
  if (equals <= 0) return null;
  const segments = mergeLiterals([{ kind: 'literal', text: first.text.slice(equals + 1) }, ...word.segments.slice(1)]);
  return { raw: word.raw, text: null, segments, span: word.span };
}
