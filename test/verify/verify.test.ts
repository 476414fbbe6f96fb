// verify against a real Verdaccio on 127.0.0.1 (one registry for this file).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startVerdaccio, type Verdaccio } from '../harness/verdaccio.js';
import { isolatedEnv, runCliAsync, uniqueName, writeTree, type CliRun } from '../publish/helpers.js';
import { entryKind } from '../../src/verify/install.js';
import { parseTargetSpec } from '../../src/verify/verify.js';
import { InputError } from '../../src/errors.js';

let registry: Verdaccio;
let token: string;

before(async () => {
  registry = await startVerdaccio();
  token = await registry.login('alice');
});

after(async () => {
  await registry?.stop();
});

interface VerifyJson {
  packages: Array<{ name: string; version: string; status: string; checks: Array<{ name: string; ok: boolean; detail: string }>; cause: { id: string; message: string } | null; attempts: number }>;
  summary: { total: number; verified: number; failed: number };
}

function parse(run: CliRun): VerifyJson {
  return JSON.parse(run.stdout) as VerifyJson;
}

function env(): NodeJS.ProcessEnv {
  return isolatedEnv(registry.url, registry.npmrc(token));
}

function assertNoToken(run: CliRun): void {
  assert.equal(run.stdout.includes(token), false, 'token in stdout');
  assert.equal(run.stderr.includes(token), false, 'token in stderr');
}

/** Publish a folder with the real npm, as a user would, and return the folder. */
function npmPublish(files: Record<string, string | Record<string, unknown>>, tag?: string): string {
  const folder = writeTree(files);
  execFileSync('npm', ['publish', ...(tag ? ['--tag', tag] : [])], { cwd: folder, env: env(), stdio: 'pipe' });
  return folder;
}

test('verify proves listing, integrity and dist-tag', async () => {
  const name = uniqueName('proven');
  await registry.publish({ name, version: '1.0.0' }, token);
  const run = await runCliAsync(['verify', `${name}@1.0.0`, '--format', 'json'], { cwd: writeTree({}), env: env() });

  assert.equal(run.status, 0, run.stderr);
  const [entry] = parse(run).packages;
  assert.equal(entry!.status, 'verified');
  assert.deepEqual(entry!.checks.map((check) => [check.name, check.ok]), [['listed', true], ['integrity', true], ['dist-tag', true]]);
  assertNoToken(run);
});

test('verify reads with the consumer credential', async () => {
  const name = uniqueName('private');
  await registry.publish({ name, version: '1.0.0' }, token);
  const withToken = await runCliAsync(['verify', `${name}@1.0.0`, '--format', 'json'], { cwd: writeTree({}), env: env() });
  assert.equal(withToken.status, 0, withToken.stdout + withToken.stderr);
  assertNoToken(withToken);

  // Verdaccio lets only alice read private-* packages: an anonymous read gets 401, which no retry changes.
  const anonymous = await runCliAsync(['verify', `${name}@1.0.0`, '--format', 'json'], { cwd: writeTree({}), env: isolatedEnv(registry.url, registry.npmrc()) });
  assert.equal(anonymous.status, 1);
  const [entry] = parse(anonymous).packages;
  assert.equal(entry!.cause!.id, 'lookup-failed');
  // 401 is not retried, so there was one read.
  assert.match(entry!.cause!.message, /\(HTTP 401 on the only read\), so nothing is proven/);
  assert.equal(entry!.attempts, 1);
});

test('verify reports a dist-tag mismatch', async () => {
  const name = uniqueName('tagged');
  await registry.publish({ name, version: '1.0.0' }, token);
  await registry.publish({ name, version: '2.0.0-beta.1', tag: 'next' }, token);
  const run = await runCliAsync(['verify', `${name}@2.0.0-beta.1`, '--retries', '0'], { cwd: writeTree({}), env: env() });

  assert.equal(run.status, 1);
  assert.match(run.stdout, new RegExp(`the dist-tag "latest" of "${name}" points at "1\\.0\\.0", not "2\\.0\\.0-beta\\.1"`));
  assert.match(run.stdout, /dist-tag: "latest" points at 1\.0\.0/);

  const tagged = await runCliAsync(['verify', `${name}@2.0.0-beta.1`, '--tag', 'next'], { cwd: writeTree({}), env: env() });
  assert.equal(tagged.status, 0, tagged.stdout);
  const untagged = await runCliAsync(['verify', `${name}@2.0.0-beta.1`, '--no-tag-check', '--format', 'json'], { cwd: writeTree({}), env: env() });
  assert.equal(untagged.status, 0);
  assert.deepEqual(parse(untagged).packages[0]!.checks.map((check) => check.name), ['listed', 'integrity']);
});

test('verify fails for a missing version after retries', async () => {
  const name = uniqueName('absent');
  await registry.publish({ name, version: '1.0.0' }, token);
  const run = await runCliAsync(['verify', `${name}@1.0.1`, `${uniqueName('never')}@1.0.0`, '--retries', '2', '--retry-delay', '50', '--format', 'json'], { cwd: writeTree({}), env: env() });

  assert.equal(run.status, 1);
  const report = parse(run);
  assert.deepEqual(report.packages.map((entry) => [entry.status, entry.cause?.id, entry.attempts]), [
    ['failed', 'version-not-published', 3],
    ['failed', 'version-not-published', 3],
  ]);
  assert.match(report.packages[0]!.checks[0]!.detail, /^versions listed: 1\.0\.0$/);
  assert.match(report.packages[1]!.cause!.message, /the package itself is unknown there/);
  assert.equal((run.stderr.match(/reading again in/g) ?? []).length, 4);
});

test('verify detects a tarball that differs from dist.integrity', async () => {
  const name = uniqueName('tampered');
  await registry.publish({ name, version: '1.0.0' }, token);
  // Replace the stored tarball behind Verdaccio's back, as a broken mirror would serve it.
  const storage = join(registry.dir, 'storage', name);
  const tarball = readdirSync(storage).find((file) => file.endsWith('.tgz'))!;
  writeFileSync(join(storage, tarball), Buffer.from('not the published bytes'));
  const run = await runCliAsync(['verify', `${name}@1.0.0`, '--format', 'json'], { cwd: writeTree({}), env: env() });

  assert.equal(run.status, 1);
  const [entry] = parse(run).packages;
  assert.equal(entry!.cause!.id, 'integrity-mismatch');
  assert.match(entry!.checks[1]!.detail, /^dist\.integrity sha512-\S+, downloaded bytes sha512-\S+$/);
});

test('verify --local compares the packed folder', async () => {
  const name = uniqueName('local');
  const folder = npmPublish({ 'package.json': { name, version: '1.0.0', main: 'index.js' }, 'index.js': 'module.exports = 1;\n' });
  const same = await runCliAsync(['verify', '--local', folder, '--format', 'json'], { cwd: writeTree({}), env: env() });
  assert.equal(same.status, 0, same.stdout + same.stderr);
  assert.deepEqual(parse(same).packages[0]!.checks.map((check) => [check.name, check.ok]), [['listed', true], ['integrity', true], ['dist-tag', true], ['local', true]]);

  writeFileSync(join(folder, 'index.js'), 'module.exports = 2;\n');
  const changed = await runCliAsync(['verify', `${name}@1.0.0`, '--local', folder], { cwd: writeTree({}), env: env() });
  assert.equal(changed.status, 1);
  assert.match(changed.stdout, new RegExp(`packs to sha512-\\S+, but the registry has sha512-\\S+ for "${name}@1\\.0\\.0"`));
  // Both versions of index.js are 20 bytes; only their contents differ.
  assert.match(changed.stdout, /: the published tarball is not this folder's contents: changed index\.js \(20 bytes here, 20 in the registry\)\.\n/);
});

test('verify --install loads require and import entry points', async () => {
  const cjs = uniqueName('cjs');
  const esm = uniqueName('esm');
  const dual = uniqueName('dual');
  npmPublish({ 'package.json': { name: cjs, version: '1.0.0', main: 'lib/main.js' }, 'lib/main.js': 'module.exports = "cjs";\n' });
  npmPublish({ 'package.json': { name: esm, version: '1.0.0', type: 'module', exports: { '.': { import: './index.js' } } }, 'index.js': 'export default "esm";\n' });
  npmPublish({ 'package.json': { name: dual, version: '1.0.0', exports: { '.': { require: './index.cjs', import: './index.mjs' } } }, 'index.cjs': 'module.exports = 1;\n', 'index.mjs': 'export default 1;\n' });
  const run = await runCliAsync(['verify', `${cjs}@1.0.0`, `${esm}@1.0.0`, `${dual}@1.0.0`, '--install', '--format', 'json'], { cwd: writeTree({}), env: env() });

  assert.equal(run.status, 0, run.stdout + run.stderr);
  const details = parse(run).packages.map((entry) => entry.checks.find((check) => check.name === 'install')?.detail);
  assert.deepEqual(details, ['installed and loaded with require', 'installed and loaded with import', 'installed and loaded with require and import']);
  assertNoToken(run);
});

test('verify --install reports a broken entry point', async () => {
  const name = uniqueName('broken');
  npmPublish({ 'package.json': { name, version: '1.0.0', main: 'dist/index.js', files: ['README.md'] }, 'README.md': 'dist/ was not built\n' });
  const run = await runCliAsync(['verify', `${name}@1.0.0`, '--install', '--format', 'json'], { cwd: writeTree({}), env: env() });

  assert.equal(run.status, 1);
  const [entry] = parse(run).packages;
  assert.equal(entry!.cause!.id, 'entry-point-failed');
  assert.match(entry!.cause!.message, /installs, but loading it with require\(\) fails: .*Cannot find module/);
});

test('verify rejects a spec without a version', async () => {
  const run = await runCliAsync(['verify', 'left-pad'], { cwd: writeTree({}), env: env() });
  assert.equal(run.status, 2);
  assert.equal(run.stderr, 'pubguard: verify: invalid package version "left-pad": expected name@version with an exact version, such as "@scope/name@1.2.3"\n');
});

test('parseTargetSpec handles scoped names', () => {
  assert.deepEqual(parseTargetSpec('@scope/name@1.2.3'), { name: '@scope/name', version: '1.2.3' });
  assert.throws(() => parseTargetSpec('@scope/name@^1'), InputError);
});

test('entryKind follows the declared entry point', () => {
  assert.deepEqual(entryKind({ main: 'x.js' }, false), ['require']);
  assert.deepEqual(entryKind({ type: 'module', main: 'x.js' }, false), ['import']);
  assert.deepEqual(entryKind({ exports: { '.': { import: './a.mjs' } } }, false), ['import']);
  assert.deepEqual(entryKind({ exports: { '.': { require: './a.cjs', import: './a.mjs' } } }, false), ['require', 'import']);
  assert.deepEqual(entryKind({ exports: './index.js' }, false), ['require']);
  assert.deepEqual(entryKind({ exports: { import: './a.mjs', default: './a.js' } }, false), ['import']);
  assert.deepEqual(entryKind({}, true), ['require']);
  assert.deepEqual(entryKind({}, false), ['none']);
});
