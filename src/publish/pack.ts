/**
 * Packing a package folder in-process, the way `npm pack` and `npm publish`
 * do. libnpmpack runs prepack, prepare (through pacote's directory fetcher)
 * and postpack, npm-packlist picks the files, and node-tar writes them with
 * npm's fixed timestamps. So the bytes and the integrity match what npm
 * would upload from the same folder with the same npm libraries.
 *
 * NOTE: pnpm and Yarn pack with their own code (file selection, timestamps,
 * `publishConfig` rewriting), so their tarballs may differ from this one.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Parser, type ReadEntry } from 'tar';
import { InputError } from '../errors.js';

export interface PackedFile {
  /** Path inside the package, without npm's `package/` prefix, with `/` separators. */
  path: string;
  /** Size in bytes. */
  size: number;
  /** File mode from the tar header. */
  mode: number;
}

export interface PackResult {
  name: string;
  version: string;
  /** Absolute path of the packed folder. */
  folder: string;
  /** The gzipped tarball, byte for byte. */
  tarball: Buffer;
  /** Subresource integrity of the tarball (`sha512-…`), as npm records it in `dist.integrity`. */
  integrity: string;
  /** Hex SHA-1 of the tarball, as npm records it in `dist.shasum`. */
  shasum: string;
  /** Files in the tarball, in tar order. */
  files: PackedFile[];
  /** Sum of the files' sizes before compression. */
  unpackedSize: number;
  /** True when prepack, prepare and postpack were skipped. */
  ignoredScripts: boolean;
}

export interface PackOptions {
  /** Skip the package's prepack, prepare and postpack scripts (default false, as npm). */
  ignoreScripts?: boolean;
}

/**
 * Pack the package in `folder` with npm's own libraries and return its
 * tarball, integrity and file list. Throws an InputError when the folder has
 * no readable package.json or lacks a name or version.
 */
export async function packFolder(folder: string, options: PackOptions = {}): Promise<PackResult> {
  const absolute = resolve(folder);
  const manifest = await readManifest(absolute);
  const ignoreScripts = options.ignoreScripts ?? false;

  // libnpmpack is CommonJS and heavy (Arborist, pacote): load it only when packing.
  const { default: pack } = await import('libnpmpack');
  const tarball = await pack(`file:${absolute}`, { ignoreScripts, foregroundScripts: false, dryRun: true, silent: true });
  const bytes = Buffer.from(tarball);

  const files = await listTarball(bytes);
  return {
    name: manifest.name,
    version: manifest.version,
    folder: absolute,
    tarball: bytes,
    integrity: computeIntegrity(bytes),
    shasum: createHash('sha1').update(bytes).digest('hex'),
    files,
    unpackedSize: files.reduce((sum, file) => sum + file.size, 0),
    ignoredScripts: ignoreScripts,
  };
}

/** Return the `sha512-<base64>` integrity of some bytes, as npm and ssri write it. */
export function computeIntegrity(bytes: Uint8Array): string {
  return `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
}

/** List the regular files of a gzipped npm tarball with their sizes. */
export async function listTarball(bytes: Buffer): Promise<PackedFile[]> {
  const files: PackedFile[] = [];
  await new Promise<void>((resolvePromise, reject) => {
    const parser = new Parser({
      onReadEntry: (entry: ReadEntry) => {
        if (entry.type === 'File' || entry.type === 'OldFile') {
          files.push({ path: entry.path.replace(/^[^/]+\//, ''), size: entry.size, mode: entry.mode ?? 0o644 });
        }
        entry.resume();
      },
    });
    parser.on('error', reject);
    parser.on('abort', reject);
    parser.on('end', () => resolvePromise());
    parser.end(bytes);
  });
  return files;
}

async function readManifest(folder: string): Promise<{ name: string; version: string }> {
  let text: string;
  try {
    text = await readFile(resolve(folder, 'package.json'), 'utf8');
  } catch {
    throw new InputError(`cannot pack ${JSON.stringify(folder)}: no readable package.json in that folder`);
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (error) {
    throw new InputError(`cannot pack ${JSON.stringify(folder)}: package.json is not valid JSON (${(error as Error).message})`);
  }
  const { name, version } = (manifest ?? {}) as { name?: unknown; version?: unknown };
  if (typeof name !== 'string' || name === '' || typeof version !== 'string' || version === '') {
    throw new InputError(`cannot pack ${JSON.stringify(folder)}: package.json needs a "name" and a "version"`);
  }
  return { name, version };
}
