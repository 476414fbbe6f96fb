/** Resolution of paths written in a script against the working directory. */
import { posix } from 'node:path';

import type { PathBase, Segment, ShellPath, Word } from './types.js';

/**
 * Resolves a path word against the current working directory. A leading
 * `/`, `~`, `$HOME`, other variable or `${{ … }}` expression sets the base;
 * the rest must be literal, else the path is unknown.
 */
export function resolvePath(word: Word, cwd: ShellPath): ShellPath {
  const unknown = (reason: string): ShellPath => ({ known: false, reason, span: word.span });
  const [first, ...rest] = word.segments;
  if (!first) return unknown('empty path');

  let base: PathBase | null = null;
  let restSegments: Segment[] = rest;
  let relative = '';

  if (first.kind === 'literal') {
    if (first.text.startsWith('/')) {
      base = { kind: 'absolute' };
      relative = first.text;
    } else if (first.text === '~' || first.text.startsWith('~/')) {
      base = { kind: 'home' };
      relative = first.text.slice(1);
    } else {
      relative = first.text;
    }
  } else if (first.kind === 'variable' && !first.literal) {
    base = first.name === 'HOME' ? { kind: 'home' } : { kind: 'variable', name: first.name };
  } else if (first.kind === 'expression') {
    base = { kind: 'expression', expression: first.expression };
  } else {
    return unknown(`the path ${JSON.stringify(word.raw)} is computed when the script runs`);
  }

  for (const segment of restSegments) {
    if (segment.kind !== 'literal') return unknown(`the path ${JSON.stringify(word.raw)} contains ${JSON.stringify(segment.kind === 'expression' ? segment.text : segment.raw)}`);
    relative += segment.text;
  }
  restSegments = [];

  if (base !== null) return { known: true, base, path: normalise(relative) };
  if (!cwd.known) return { known: false, reason: cwd.reason, span: cwd.span };
  return { known: true, base: cwd.base, path: joinPath(cwd.path, relative) };
}

/** Joins a relative path onto a directory and normalises the result (`.` for the directory itself). */
export function joinPath(directory: string, relative: string): string {
  return normalise(posix.join(directory, relative));
}

function normalise(path: string): string {
  const trimmed = path.replace(/^\/+/, '');
  if (trimmed === '') return '.';
  const normalised = posix.normalize(trimmed).replace(/\/+$/, '');
  return normalised === '' ? '.' : normalised;
}

/** Renders a path for messages: `packages/a`, `~/.npmrc`, `$RUNNER_TEMP/.npmrc`. */
export function formatPath(path: ShellPath): string {
  if (!path.known) return '(unknown)';
  const suffix = path.path === '.' ? '' : path.path;
  switch (path.base.kind) {
    case 'step':
      return path.path;
    case 'absolute':
      return `/${suffix}`;
    case 'home':
      return suffix ? `~/${suffix}` : '~';
    case 'variable':
      return suffix ? `$${path.base.name}/${suffix}` : `$${path.base.name}`;
    case 'expression':
      return suffix ? `\${{ ${path.base.expression} }}/${suffix}` : `\${{ ${path.base.expression} }}`;
  }
}
