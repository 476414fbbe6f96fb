/**
 * The bash grammar (tree-sitter-bash compiled to WebAssembly), loaded once
 * and only when a script needs parsing, and the masking of GitHub
 * expressions that lets the grammar read a `run:` block.
 */
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { Language, Parser } from 'web-tree-sitter';
import type { Tree } from 'web-tree-sitter';

import type { ExpressionMask } from './types.js';

let loading: Promise<Parser> | null = null;
let loaded: Parser | null = null;

/** Loads the WebAssembly runtime and the bash grammar on the first call; later calls share it. */
export function loadBashParser(): Promise<Parser> {
  if (loading === null) {
    loading = (async () => {
      // NOTE: without this flag V8 recompiles the grammar's WebAssembly with its
      // optimising tier in the background for one to two seconds, and file reads
      // and process exit wait for it. The baseline tier parses a run block well
      // under a millisecond, which is all a check needs.
      setFlagsFromString('--liftoff-only');
      const require = createRequire(import.meta.url);
      await Parser.init();
      const language = await Language.load(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm'));
      const parser = new Parser();
      parser.setLanguage(language);
      loaded = parser;
      return parser;
    })();
    // A failed load must not be cached, so the next call tries again.
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

/** Returns the parser when `loadBashParser()` has finished, else null. */
export function loadedBashParser(): Parser | null {
  return loaded;
}

/** Parses masked script text; throws when the grammar is not loaded yet. */
export function parseMasked(masked: string): Tree {
  if (loaded === null) {
    throw new Error('the bash grammar is not loaded: await loadBashParser() before analysing scripts');
  }
  const tree = loaded.parse(masked);
  if (tree === null) throw new Error('tree-sitter returned no tree for the script');
  return tree;
}

/**
 * Replaces each `${{ … }}` with `_` characters of the same length, so
 * offsets hold and the grammar sees part of a word. Line breaks inside an
 * expression become `_` too, which keeps every offset but joins the lines.
 */
export function maskExpressions(script: string): { masked: string; expressions: ExpressionMask[] } {
  const expressions: ExpressionMask[] = [];
  let masked = '';
  let from = 0;

  for (;;) {
    const start = script.indexOf('${{', from);
    if (start < 0) break;
    const close = findExpressionEnd(script, start + 3);
    if (close < 0) break;
    const end = close + 2;
    const text = script.slice(start, end);
    expressions.push({ span: { start, end }, text, expression: text.slice(3, -2).trim() });
    masked += script.slice(from, start) + '_'.repeat(end - start);
    from = end;
  }

  masked += script.slice(from);
  return { masked, expressions };
}

// Finds the `}}` that closes an expression, skipping string literals, which
// GitHub writes in single quotes and which may contain `}}`.
function findExpressionEnd(script: string, from: number): number {
  let inString = false;
  for (let i = from; i < script.length - 1; i++) {
    const char = script[i];
    if (char === "'") {
      inString = !inString;
    } else if (!inString && char === '}' && script[i + 1] === '}') {
      return i;
    }
  }
  return -1;
}
