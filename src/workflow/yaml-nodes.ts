/**
 * Small helpers over the `yaml` package's node tree: mapping lookups that
 * follow aliases and `<<` merge keys, so anchors work everywhere the model
 * reads a value.
 */
import { isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { findExpressions, isWholeExpression } from './expressions.js';
import type { Value } from './model.js';
import { mapScalarOffsets, spanOfNode, type SourceFile, type Span } from './source.js';

/** Parse YAML keeping every node's range. Errors are in `document.errors`. */
export function parseYaml(text: string): Document {
  return parseDocument(text, { merge: true, uniqueKeys: false, prettyErrors: false, strict: false, keepSourceTokens: false });
}

/** Follow an alias to the node it names. */
export function resolveNode(document: Document, node: unknown): Node | null {
  let current = node;
  for (let depth = 0; depth < 32 && isAlias(current); depth += 1) current = current.resolve(document) ?? null;
  return (current as Node | null) ?? null;
}

export interface Entry {
  key: string;
  keyNode: Node;
  value: Node | null;
  pair: Pair;
}

// Entries by mapping node: the model reads a dozen keys of each step, and a
// fresh walk per key made loading quadratic in the keys of a mapping.
let entriesCache = new WeakMap<YAMLMap, Entry[]>();

/**
 * Drop the cached entry lists. The cache is keyed weakly, but the model keeps
 * the YAML nodes alive, so without this it would hold an entry per key of
 * every mapping for the whole run; after loading, a lookup is rare.
 */
export function forgetMapEntries(): void {
  entriesCache = new WeakMap();
}

/** List a mapping's entries in order, with `<<` merges expanded (explicit keys win over merged ones). */
export function mapEntries(document: Document, node: unknown): Entry[] {
  const map = resolveNode(document, node);
  if (!isMap(map)) return [];
  let entries = entriesCache.get(map);
  if (!entries) {
    entries = collect(document, map, 0);
    entriesCache.set(map, entries);
  }
  return entries;
}

function collect(document: Document, map: YAMLMap, depth: number): Entry[] {
  const own: Entry[] = [];
  const merged: Entry[] = [];
  for (const pair of map.items) {
    const keyNode = resolveNode(document, pair.key);
    if (!isScalar(keyNode)) continue;
    // With `merge: true` the parser gives a `<<` key the value Symbol(<<).
    const merge = typeof keyNode.value === 'symbol' || keyNode.value === '<<';
    const key = merge ? '<<' : String(keyNode.value);
    const value = resolveNode(document, pair.value);
    if (merge) {
      if (depth >= 8) continue;
      const sources = isSeq(value) ? value.items.map((item) => resolveNode(document, item)) : [value];
      for (const source of sources) if (isMap(source)) merged.push(...collect(document, source, depth + 1));
      continue;
    }
    own.push({ key, keyNode, value, pair: pair as Pair });
  }
  const ownKeys = new Set(own.map((entry) => entry.key));
  return [...own, ...merged.filter((entry) => !ownKeys.has(entry.key))];
}

/** Find one key of a mapping (the last one wins, as in GitHub's parser). */
export function getEntry(document: Document, node: unknown, key: string): Entry | null {
  const entries = mapEntries(document, node);
  for (let i = entries.length - 1; i >= 0; i -= 1) if (entries[i]!.key === key) return entries[i]!;
  return null;
}

export function getNode(document: Document, node: unknown, key: string): Node | null {
  return getEntry(document, node, key)?.value ?? null;
}

/** Items of a sequence (aliases followed); empty for anything else. */
export function sequenceItems(document: Document, node: unknown): Node[] {
  const seq = resolveNode(document, node);
  if (!isSeq(seq)) return [];
  return seq.items.map((item) => resolveNode(document, item)).filter((item): item is Node => item !== null);
}

/** Read a scalar as a `Value`, or null when the node is missing or not a scalar. */
export function scalarValue<T = string | number | boolean | null>(file: SourceFile, document: Document, node: unknown): Value<T> | null {
  const resolved = resolveNode(document, node);
  if (!isScalar(resolved)) return null;
  const span = spanOfNode(file, resolved);
  if (!span) return null;
  const raw = resolved.value;
  const text = raw === null ? '' : String(raw);
  return {
    value: raw as T,
    text,
    span,
    file,
    node: resolved,
    expressions: findExpressions(text),
    isExpression: isWholeExpression(text),
  };
}

/** Read a string-valued key (numbers and booleans become text). */
export function stringAt(document: Document, node: unknown, key: string): string | null {
  const value = resolveNode(document, getNode(document, node, key));
  if (!isScalar(value) || value.value === null || value.value === undefined) return null;
  return String(value.value);
}

/**
 * Map a range of a value's text (such as one `${{ … }}` expression, by its
 * `start` and `end`) to its span in the file, through block indentation,
 * folding and quoting.
 */
export function spanWithinValue(value: Value<unknown>, start: number, end: number): Span {
  if (!isScalar(value.node)) return value.span;
  const offsets = mapScalarOffsets(value.file, value.node, value.text);
  const clamp = (offset: number) => offsets[Math.max(0, Math.min(offset, value.text.length))]!;
  return value.file.spanOf(clamp(start), clamp(Math.max(start, end)));
}
