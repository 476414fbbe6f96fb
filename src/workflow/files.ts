/**
 * The one way pubguard reads a repository. The loader reads every file
 * through a `FileReader`, and rules receive the reader through their context,
 * so no rule touches `fs` and tests can check a folder of real files.
 */
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';

export type EntryKind = 'file' | 'directory' | 'symlink' | 'other';

export interface DirectoryEntry {
  name: string;
  kind: EntryKind;
}

/** Reads files below one root folder. Paths are relative to the root, with `/`. */
export interface FileReader {
  /** Absolute path of the root folder. */
  readonly root: string;
  /** Return the file's text, or null when it is missing or not a readable file. */
  readText(path: string): string | null;
  /** Return the size in bytes of a regular file (following symlinks), or null. */
  fileSize(path: string): number | null;
  /** Return the kind of the path after following symlinks, or null when it does not resolve. */
  kindOf(path: string): 'file' | 'directory' | 'other' | null;
  /** List a folder's entries without following symlinks, sorted by name; empty when unreadable. */
  listDirectory(path: string): DirectoryEntry[];
  /** Return the real path (symlinks resolved) relative to nothing, or null on a loop or a missing target. */
  realPath(path: string): string | null;
}

/** Join repository-relative paths with `/` and normalise `.` and `..`. */
export function joinPath(...parts: string[]): string {
  const joined = posix.normalize(parts.filter((part) => part !== '' && part !== '.').join('/'));
  return joined === '.' ? '' : joined.replace(/\/$/, '');
}

/** Create a reader over a real folder. Every failure (missing, loop, permission) reads as absent. */
export function createFileReader(root: string): FileReader {
  const absolute = (path: string) => (path === '' ? root : join(root, ...path.split('/')));
  return {
    root,
    readText(path) {
      try {
        return readFileSync(absolute(path), 'utf8');
      } catch {
        return null;
      }
    },
    fileSize(path) {
      try {
        const stats = statSync(absolute(path));
        return stats.isFile() ? stats.size : null;
      } catch {
        return null;
      }
    },
    kindOf(path) {
      try {
        const stats = statSync(absolute(path));
        return stats.isFile() ? 'file' : stats.isDirectory() ? 'directory' : 'other';
      } catch {
        // ENOENT, ELOOP (a symlink loop) and EACCES all mean "nothing usable here".
        return null;
      }
    },
    listDirectory(path) {
      try {
        return readdirSync(absolute(path), { withFileTypes: true })
          .map((entry): DirectoryEntry => ({
            name: entry.name,
            kind: entry.isFile() ? 'file' : entry.isDirectory() ? 'directory' : entry.isSymbolicLink() ? 'symlink' : 'other',
          }))
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      } catch {
        return [];
      }
    },
    realPath(path) {
      try {
        lstatSync(absolute(path));
        return realpathSync(absolute(path));
      } catch {
        return null;
      }
    },
  };
}

/** Create a reader over an in-memory set of files (for tests and the GitHub Action). */
export function createMemoryReader(files: Record<string, string>, root = '/memory'): FileReader {
  const normalized = new Map(Object.entries(files).map(([path, text]) => [joinPath(path), text]));
  const directories = new Set<string>(['']);
  for (const path of normalized.keys()) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i += 1) directories.add(parts.slice(0, i).join('/'));
  }
  return {
    root,
    readText: (path) => normalized.get(joinPath(path)) ?? null,
    fileSize: (path) => {
      const text = normalized.get(joinPath(path));
      return text === undefined ? null : Buffer.byteLength(text);
    },
    kindOf: (path) => (normalized.has(joinPath(path)) ? 'file' : directories.has(joinPath(path)) ? 'directory' : null),
    listDirectory(path) {
      const prefix = joinPath(path);
      const names = new Map<string, EntryKind>();
      for (const candidate of [...normalized.keys(), ...directories]) {
        if (candidate === prefix) continue;
        const rest = prefix === '' ? candidate : candidate.startsWith(`${prefix}/`) ? candidate.slice(prefix.length + 1) : null;
        if (rest === null || rest === '') continue;
        const name = rest.split('/')[0]!;
        const full = joinPath(prefix, name);
        names.set(name, normalized.has(full) ? 'file' : 'directory');
      }
      return [...names].map(([name, kind]) => ({ name, kind })).sort((a, b) => (a.name < b.name ? -1 : 1));
    },
    realPath: (path) => `${root}/${joinPath(path)}`,
  };
}
