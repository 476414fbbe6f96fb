/**
 * File-level comparison of two npm tarballs, so that a `--local` mismatch
 * names the files that differ instead of only two integrity strings.
 */
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';

/** One regular file of a tarball: its size and the SHA-256 of its contents. */
export interface TarFile {
  size: number;
  sha256: string;
}

/** Files that differ between the packed local folder and the registry's tarball. */
export interface TarballDiff {
  /** Same path, other contents, with both sizes in bytes. */
  changed: Array<{ path: string; local: number; registry: number }>;
  onlyLocal: string[];
  onlyInRegistry: string[];
}

const BLOCK = 512;

function field(header: Buffer, start: number, length: number): string {
  const raw = header.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? length : end).toString('utf8');
}

/** Read the `path` record of a pax extended header (`<length> path=<value>\n`). */
function paxPath(body: Buffer): string | null {
  for (const record of body.toString('utf8').split('\n')) {
    const match = /^\d+ path=(.*)$/.exec(record);
    if (match) return match[1]!;
  }
  return null;
}

/**
 * Read the regular files of a gzipped tar, keyed by path without npm's
 * leading `package/` folder. Reads ustar names and pax `path` records, which
 * is what npm's packing (node-tar) writes.
 */
export function readTarball(gzipped: Buffer): Map<string, TarFile> {
  const tar = gunzipSync(gzipped);
  const files = new Map<string, TarFile>();
  let offset = 0;
  let longPath: string | null = null;
  while (offset + BLOCK <= tar.length) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) break;
    const size = parseInt(field(header, 124, 12).trim() || '0', 8);
    const type = field(header, 156, 1) || '0';
    const body = tar.subarray(offset + BLOCK, offset + BLOCK + size);
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x') {
      longPath = paxPath(body);
      continue;
    }
    const prefix = field(header, 345, 155);
    const name = longPath ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    longPath = null;
    if (type !== '0') continue;
    files.set(name.replace(/^[^/]+\//, ''), { size, sha256: createHash('sha256').update(body).digest('hex') });
  }
  return files;
}

/** Compare the tarball packed from the folder with the registry's, file by file; paths sorted. */
export function diffTarballs(local: Buffer, registry: Buffer): TarballDiff {
  const mine = readTarball(local);
  const theirs = readTarball(registry);
  const diff: TarballDiff = { changed: [], onlyLocal: [], onlyInRegistry: [] };
  for (const [path, file] of [...mine].sort(([a], [b]) => a.localeCompare(b))) {
    const other = theirs.get(path);
    if (!other) diff.onlyLocal.push(path);
    else if (other.sha256 !== file.sha256) diff.changed.push({ path, local: file.size, registry: other.size });
  }
  diff.onlyInRegistry = [...theirs.keys()].filter((path) => !mine.has(path)).sort();
  return diff;
}
