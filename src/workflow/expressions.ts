/**
 * `${{ … }}` expressions inside workflow values. pubguard does not evaluate
 * them: each one stays an opaque value that remembers its text, where it
 * comes from (`secrets.X`, `vars.X`, `github.token`, `inputs.X`, or other)
 * and where it sits in the value.
 */

export type ExpressionOrigin = 'secrets' | 'vars' | 'github.token' | 'inputs' | 'other';

/** A context property an expression reads, such as `secrets.NPM_TOKEN`. */
export interface ExpressionReference {
  origin: Exclude<ExpressionOrigin, 'other'>;
  /** The property name (`NPM_TOKEN`); `token` for `github.token`. */
  name: string;
}

export interface Expression {
  /** The whole `${{ … }}` text. */
  text: string;
  /** The text between the braces, trimmed. */
  body: string;
  /**
   * Where the value comes from when the expression is nothing but one
   * reference (`${{ secrets.NPM_TOKEN }}`); `other` for anything computed.
   */
  origin: ExpressionOrigin;
  /** The name for a single reference (`NPM_TOKEN`), else null. */
  name: string | null;
  /** Every context property the expression reads, in order of appearance. */
  references: ExpressionReference[];
  /** Offsets of `${{` and one past `}}` in the containing value. */
  start: number;
  end: number;
}

const REFERENCE = /\b(secrets|vars|inputs)\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_-]*)|\[\s*'([^']+)'\s*\]|\[\s*"([^"]+)"\s*\])|\bgithub\s*\.\s*token\b|\bgithub\s*\[\s*['"]token['"]\s*\]/g;

/** Find every `${{ … }}` in a string. An unclosed `${{` runs to the end of the value. */
export function findExpressions(value: string): Expression[] {
  const found: Expression[] = [];
  let from = 0;
  for (;;) {
    const start = value.indexOf('${{', from);
    if (start === -1) break;
    const close = findClose(value, start + 3);
    const end = close === -1 ? value.length : close + 2;
    const text = value.slice(start, end);
    const body = value.slice(start + 3, close === -1 ? value.length : close).trim();
    found.push(describe(text, body, start, end));
    from = end;
  }
  return found;
}

// `}}` inside a string literal does not close the expression.
function findClose(value: string, from: number): number {
  let quoted = false;
  for (let i = from; i < value.length - 1; i += 1) {
    const char = value[i];
    if (char === "'") quoted = !quoted;
    else if (!quoted && char === '}' && value[i + 1] === '}') return i;
  }
  return -1;
}

function describe(text: string, body: string, start: number, end: number): Expression {
  const references: ExpressionReference[] = [];
  for (const match of body.matchAll(REFERENCE)) {
    if (match[1]) {
      references.push({ origin: match[1] as 'secrets' | 'vars' | 'inputs', name: match[2] ?? match[3] ?? match[4] ?? '' });
    } else {
      references.push({ origin: 'github.token', name: 'token' });
    }
  }
  const single = references.length === 1 && isSingleReference(body) ? references[0]! : null;
  return {
    text,
    body,
    origin: single ? single.origin : 'other',
    name: single ? single.name : null,
    references,
    start,
    end,
  };
}

function isSingleReference(body: string): boolean {
  return /^(?:(?:secrets|vars|inputs)\s*(?:\.\s*[A-Za-z_][A-Za-z0-9_-]*|\[\s*(?:'[^']+'|"[^"]+")\s*\])|github\s*(?:\.\s*token|\[\s*['"]token['"]\s*\]))$/.test(body);
}

/** True when the whole value is one expression, such as `${{ secrets.NPM_TOKEN }}`. */
export function isWholeExpression(value: string): boolean {
  const trimmed = value.trim();
  const expressions = findExpressions(trimmed);
  return expressions.length === 1 && expressions[0]!.start === 0 && expressions[0]!.end === trimmed.length;
}

/** True when an expression reads a secret, including `github.token` and `secrets.GITHUB_TOKEN`. */
export function readsSecret(expression: Expression): boolean {
  return expression.references.some((reference) => reference.origin === 'secrets' || reference.origin === 'github.token');
}
