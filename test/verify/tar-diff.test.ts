import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { diffTarballs, readTarball } from '../../src/verify/tar-diff.js';
import { writeTree } from '../publish/helpers.js';

/** Pack a folder with the real npm and return the tarball's bytes. */
function npmPack(folder: string): Buffer {
  const out = writeTree({});
  const file = execFileSync('npm', ['pack', folder, '--pack-destination', out, '--silent'], { cwd: out, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } }).trim().split('\n').at(-1)!;
  return readFileSync(join(out, file));
}

test('readTarball lists npm pack entries', () => {
  const folder = writeTree({ 'package.json': { name: 'tar-list', version: '1.0.0' }, 'lib/a.js': 'a\n' });
  const files = readTarball(npmPack(folder));
  assert.deepEqual([...files.keys()].sort(), ['lib/a.js', 'package.json']);
  assert.equal(files.get('lib/a.js')!.size, 2);
});

test('diffTarballs names changed, added and removed files', () => {
  const folder = writeTree({ 'package.json': { name: 'tar-diff', version: '1.0.0' }, 'index.js': 'module.exports = 1;\n', 'old.js': 'x\n' });
  const before = npmPack(folder);
  writeFileSync(join(folder, 'index.js'), 'module.exports = 22;\n');
  unlinkSync(join(folder, 'old.js'));
  writeFileSync(join(folder, 'new.js'), 'y\n');
  const after = npmPack(folder);
  // "local" is the folder packed now, "registry" the earlier tarball.
  assert.deepEqual(diffTarballs(after, before), {
    changed: [{ path: 'index.js', local: 21, registry: 20 }],
    onlyLocal: ['new.js'],
    onlyInRegistry: ['old.js'],
  });
  assert.deepEqual(diffTarballs(before, before), { changed: [], onlyLocal: [], onlyInRegistry: [] });
});

test('diffTarballs finds no file in other packing', () => {
  const folder = writeTree({ 'package.json': { name: 'tar-same', version: '1.0.0' }, 'index.js': 'module.exports = 1;\n' });
  const packed = npmPack(folder);
  // Same files, other compressed bytes: what another packer's gzip settings give.
  const repacked = gzipSync(gunzipSync(packed), { level: 1 });
  assert.notDeepEqual(repacked, packed);
  assert.deepEqual(diffTarballs(repacked, packed), { changed: [], onlyLocal: [], onlyInRegistry: [] });
});
