import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packFolder } from '../../src/publish/pack.js';
import { InputError } from '../../src/errors.js';
import { isolatedEnv } from './helpers.js';

function makePackage(): string {
  const folder = mkdtempSync(join(tmpdir(), 'pubguard-pack-'));
  mkdirSync(join(folder, 'lib'));
  writeFileSync(
    join(folder, 'package.json'),
    JSON.stringify({
      name: '@demo/packed',
      version: '1.2.3',
      main: 'lib/index.js',
      files: ['lib', 'built.txt'],
      scripts: { prepack: "node -e \"require('fs').writeFileSync('built.txt','made by prepack')\"" },
    }),
  );
  writeFileSync(join(folder, 'lib', 'index.js'), 'module.exports = 42;\n');
  writeFileSync(join(folder, 'notes.txt'), 'not listed in files\n');
  return folder;
}

interface NpmPackJson {
  integrity: string;
  shasum: string;
  files: Array<{ path: string; size: number }>;
}

test('packFolder matches npm pack byte for byte', async () => {
  const folder = makePackage();
  const ours = await packFolder(folder);
  // npm pack runs the same prepack; built.txt now exists for both.
  // npm must send nothing anywhere: no update check, and a registry on 127.0.0.1 that is never asked.
  const env = isolatedEnv('http://127.0.0.1:9/', '');
  const npm = (JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: folder, encoding: 'utf8', env })) as NpmPackJson[])[0]!;

  assert.equal(ours.integrity, npm.integrity);
  assert.equal(ours.shasum, npm.shasum);
  assert.deepEqual(
    ours.files.map((file) => [file.path, file.size]).sort(),
    npm.files.map((file) => [file.path, file.size]).sort(),
  );
  assert.equal(ours.name, '@demo/packed');
  assert.equal(ours.version, '1.2.3');
});

test('packFolder runs prepack by default', async () => {
  const folder = makePackage();
  const packed = await packFolder(folder);
  assert.ok(existsSync(join(folder, 'built.txt')));
  assert.deepEqual(packed.files.find((file) => file.path === 'built.txt'), { path: 'built.txt', size: 'made by prepack'.length, mode: 0o644 });
  assert.equal(packed.files.some((file) => file.path === 'notes.txt'), false);
});

test('packFolder skips scripts on request', async () => {
  const folder = makePackage();
  const packed = await packFolder(folder, { ignoreScripts: true });
  assert.equal(existsSync(join(folder, 'built.txt')), false);
  assert.deepEqual(packed.files.map((file) => file.path).sort(), ['lib/index.js', 'package.json']);
  assert.equal(packed.unpackedSize, packed.files.reduce((sum, file) => sum + file.size, 0));
  assert.equal(packed.ignoredScripts, true);
});

test('packFolder rejects a folder without package.json', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'pubguard-pack-empty-'));
  await assert.rejects(packFolder(folder), (error: unknown) => error instanceof InputError && /no readable package\.json/.test(error.message));
});
