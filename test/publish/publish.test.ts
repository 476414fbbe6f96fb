// publish against a real Verdaccio on 127.0.0.1 (one registry for this file).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startVerdaccio, type Verdaccio } from '../harness/verdaccio.js';
import { isolatedEnv, readAllFiles, registryVersions, runCliAsync, uniqueName, writeTree, type CliRun } from './helpers.js';

let registry: Verdaccio;
let token: string;

before(async () => {
  registry = await startVerdaccio();
  token = await registry.login('bob');
});

after(async () => {
  await registry?.stop();
});

interface JsonPackage {
  name: string;
  version: string;
  path: string;
  registry: string | null;
  status: string;
  cause: { id: string; message: string; fix: string } | null;
  logFile: string | null;
  attempts: number;
}

function parseJson(run: CliRun): { packages: JsonPackage[]; summary: Record<string, number> } {
  return JSON.parse(run.stdout) as { packages: JsonPackage[]; summary: Record<string, number> };
}

function assertNoToken(run: CliRun, logDir?: string): void {
  assert.equal(run.stdout.includes(token), false, 'token in stdout');
  assert.equal(run.stderr.includes(token), false, 'token in stderr');
  if (logDir) for (const file of readAllFiles(logDir)) assert.equal(file.text.includes(token), false, `token in ${file.file}`);
}

test('publish follows workspace dependency order', async () => {
  const [app, lib, core] = [uniqueName('order-app'), uniqueName('order-lib'), uniqueName('order-core')];
  const repo = writeTree({
    'package.json': { name: 'order-root', private: true, workspaces: ['packages/*'] },
    'packages/a-app/package.json': { name: app, version: '1.0.0', dependencies: { [lib]: '^1.0.0' } },
    'packages/b-lib/package.json': { name: lib, version: '1.0.0', dependencies: { [core]: '^1.0.0' } },
    'packages/c-core/package.json': { name: core, version: '1.0.0' },
  });
  const run = await runCliAsync(['publish', '--format', 'json'], { cwd: repo, env: isolatedEnv(registry.url, registry.npmrc(token)) });

  assert.equal(run.status, 0, run.stderr);
  const report = parseJson(run);
  assert.deepEqual(report.packages.map((entry) => [entry.name, entry.status]), [[core, 'published'], [lib, 'published'], [app, 'published']]);
  // The client runs finished in that order too: each "published" line precedes the next package's start.
  const finished = [core, lib, app].map((name) => run.stderr.indexOf(`pubguard: ${name}@1.0.0: published`));
  const started = [core, lib, app].map((name) => run.stderr.indexOf(`pubguard: ${name}@1.0.0: publishing`));
  assert.ok(finished[0]! < started[1]! && finished[1]! < started[2]!, run.stderr);
  for (const name of [core, lib, app]) assert.deepEqual(await registryVersions(registry.url, name), ['1.0.0']);
  assert.match(run.stderr, /npm publish \.\/packages\/c-core --json/);
  assertNoToken(run);
});

test('publish skips a version already there', async () => {
  const name = uniqueName('again');
  await registry.publish({ name, version: '1.0.0' }, token);
  const repo = writeTree({ 'package.json': { name, version: '1.0.0' } });
  const run = await runCliAsync(['publish', '--format', 'json'], { cwd: repo, env: isolatedEnv(registry.url, registry.npmrc(token)) });

  assert.equal(run.status, 0, run.stderr);
  const [entry] = parseJson(run).packages;
  assert.equal(entry!.status, 'already-published');
  assert.equal(entry!.attempts, 0);
  assert.equal(entry!.logFile, null);
  assert.equal(entry!.path, '.');
  assert.equal(entry!.registry, registry.url);
  assert.doesNotMatch(run.stderr, /npm publish/);
});

test('publish classifies a 403 from an access rule', async () => {
  const name = uniqueName('alice-only');
  const repo = writeTree({ 'package.json': { name, version: '1.0.0' } });
  const logDir = join(mkdtempSync(join(tmpdir(), 'pubguard-test-logs-')), 'logs');
  const run = await runCliAsync(['publish', '--log-dir', logDir], { cwd: repo, env: isolatedEnv(registry.url, registry.npmrc(token)) });

  assert.equal(run.status, 1);
  assert.match(run.stdout, new RegExp(`${name}@1\\.0\\.0\\s+\\.\\s+failed\\s+package-permission-denied`));
  assert.match(run.stdout, /E403: "403 Forbidden - PUT .* user bob is not allowed to publish package/);
  assert.match(run.stdout, /signature http-403, most likely: the identity is recognised but may not write this package/);
  assert.match(run.stdout, /also possible: token-missing-scope: /);
  assert.match(run.stdout, /fix: read the message after the URL: it names what the registry refused/);
  // The evidence names the log line npm printed the refusal on.
  const logFile = readAllFiles(logDir)[0]!;
  const lineNumber = logFile.text.split('\n').findIndex((line) => line.includes('403 Forbidden - PUT')) + 1;
  assert.match(run.stdout, new RegExp(`evidence: ${logFile.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${lineNumber}: E403: 403 Forbidden`));
  assert.match(run.stdout, /0 published, 0 already published, 1 failed, 0 not attempted, 0 dry run/);
  assert.deepEqual(await registryVersions(registry.url, name), []);
  assertNoToken(run, logDir);
});

test('publish stops after a failure', async () => {
  const [locked, later, laterStill] = [uniqueName('locked'), uniqueName('later'), uniqueName('later')];
  const repo = writeTree({
    'one/package.json': { name: locked, version: '1.0.0' },
    'two/package.json': { name: later, version: '1.0.0' },
    'three/package.json': { name: laterStill, version: '1.0.0', dependencies: { [locked]: '1.0.0' } },
  });
  const run = await runCliAsync(['publish', 'one', 'two', 'three', '--format', 'json'], { cwd: repo, env: isolatedEnv(registry.url, registry.npmrc(token)) });

  assert.equal(run.status, 1);
  const report = parseJson(run);
  assert.deepEqual(report.packages.map((entry) => [entry.name, entry.status, entry.cause?.id]), [
    [locked, 'failed', 'package-permission-denied'],
    [later, 'not-attempted', 'stopped-after-failure'],
    [laterStill, 'not-attempted', 'dependency-not-published'],
  ]);
  assert.deepEqual(report.summary, { ...report.summary, total: 3, failed: 1, notAttempted: 2, published: 0 });
  assert.deepEqual(await registryVersions(registry.url, later), []);
});

test('publish --dry-run uploads nothing', async () => {
  const name = uniqueName('dry');
  const repo = writeTree({ 'package.json': { name, version: '1.0.0' } });
  const run = await runCliAsync(['publish', '--dry-run', '--format', 'json'], { cwd: repo, env: isolatedEnv(registry.url, registry.npmrc(token)) });

  assert.equal(run.status, 0, run.stderr);
  const [entry] = parseJson(run).packages;
  assert.equal(entry!.status, 'dry-run');
  assert.match(run.stderr, /npm publish \. --json --dry-run/);
  assert.deepEqual(await registryVersions(registry.url, name), []);
});

test('publish --concurrency runs independent packages together', async () => {
  const names = [1, 2, 3, 4].map(() => uniqueName('parallel'));
  const dependent = uniqueName('parallel-dependent');
  const files: Record<string, Record<string, unknown>> = {};
  names.forEach((name, index) => (files[`p${index}/package.json`] = { name, version: '1.0.0' }));
  files['p9/package.json'] = { name: dependent, version: '1.0.0', dependencies: { [names[0]!]: '1.0.0' } };
  const repo = writeTree(files);
  const run = await runCliAsync(['publish', 'p0', 'p1', 'p2', 'p3', 'p9', '--concurrency', '4', '--format', 'json'], { cwd: repo, env: isolatedEnv(registry.url, registry.npmrc(token)) });

  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(parseJson(run).packages.map((entry) => entry.status), ['published', 'published', 'published', 'published', 'published']);
  // All four independent uploads started before the first one finished.
  const lastStart = Math.max(...names.map((name) => run.stderr.indexOf(`pubguard: ${name}@1.0.0: publishing`)));
  const firstEnd = Math.min(...names.map((name) => run.stderr.indexOf(`pubguard: ${name}@1.0.0: published`)));
  assert.ok(lastStart < firstEnd, run.stderr);
  // The dependent one waited for its dependency.
  assert.ok(run.stderr.indexOf(`pubguard: ${names[0]}@1.0.0: published`) < run.stderr.indexOf(`pubguard: ${dependent}@1.0.0: publishing`));
  // Live output is prefixed with the package name when several run at once.
  assert.match(run.stderr, new RegExp(`^${names[1]} \\| npm notice Publishing to`, 'm'));
});

test('publish log files are private and redacted', async () => {
  const name = uniqueName('logged');
  // A lifecycle script that prints the token: the log must not keep it.
  const repo = writeTree({ 'package.json': { name, version: '1.0.0', scripts: { prepublishOnly: 'node -e "console.log(\'token is \' + process.env.LEAKY_VALUE)"' } } });
  const logDir = join(mkdtempSync(join(tmpdir(), 'pubguard-test-logs-')), 'nested', 'logs');
  const run = await runCliAsync(['publish', '--log-dir', logDir, '--format', 'json'], { cwd: repo, env: isolatedEnv(registry.url, registry.npmrc(token), { LEAKY_VALUE: token }) });

  assert.equal(run.status, 0, run.stderr);
  const [entry] = parseJson(run).packages;
  assert.equal(entry!.status, 'published');
  assert.equal(statSync(logDir).mode & 0o777, 0o700);
  const logs = readAllFiles(logDir);
  assert.equal(logs.length, 1);
  assert.equal(logs[0]!.file, entry!.logFile);
  assert.equal(logs[0]!.mode, 0o600);
  assert.match(logs[0]!.text, /token is \*\*\*/);
  assert.match(logs[0]!.text, /^\$ npm publish \. --json$/m);
  assert.match(logs[0]!.text, /^# exit status: 0$/m);
  assertNoToken(run, logDir);
});

test('publish writes GitHub outputs, summary and annotations', async () => {
  const [good, known, bad] = [uniqueName('gh-good'), uniqueName('gh-known'), uniqueName('locked-gh')];
  await registry.publish({ name: known, version: '2.0.0' }, token);
  const repo = writeTree({
    'good/package.json': { name: good, version: '1.0.0' },
    'known/package.json': { name: known, version: '2.0.0' },
    'bad/package.json': { name: bad, version: '1.0.0' },
  });
  const outputs = writeTree({ 'output.txt': '', 'summary.md': '' });
  const env = isolatedEnv(registry.url, registry.npmrc(token), {
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: join(outputs, 'output.txt'),
    GITHUB_STEP_SUMMARY: join(outputs, 'summary.md'),
  });
  const run = await runCliAsync(['publish', 'good', 'known', 'bad'], { cwd: repo, env });

  assert.equal(run.status, 1);
  const outputText = readFileSync(join(outputs, 'output.txt'), 'utf8');
  const values = new Map<string, unknown>();
  for (const match of outputText.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) values.set(match[1]!, JSON.parse(match[3]!));
  assert.deepEqual(Object.fromEntries(values), { published: [`${good}@1.0.0`], 'already-published': [`${known}@2.0.0`], failed: [`${bad}@1.0.0`] });

  const summary = readFileSync(join(outputs, 'summary.md'), 'utf8');
  assert.match(summary, /^### pubguard publish$/m);
  assert.match(summary, new RegExp(`\\| \`${bad}@1\\.0\\.0\` \\| \`\\./bad\` \\| .* \\| ❌ failed \\| package-permission-denied: `));
  assert.match(summary, /1 published, 1 already published, 1 failed, 0 not attempted, 0 dry run/);

  const annotations = run.stderr.split('\n').filter((line) => line.startsWith('::error'));
  assert.equal(annotations.length, 1);
  assert.match(annotations[0]!, new RegExp(`^::error file=bad/package\\.json,title=publish of ${bad}@1\\.0\\.0 failed \\(package-permission-denied\\)::the registry rejected`));
  assertNoToken(run);
  assert.equal(outputText.includes(token) || summary.includes(token), false);
});

test('publish stops on an invalid version', async () => {
  const name = uniqueName('bad-version');
  const repo = writeTree({ 'package.json': `{\n  "name": "${name}",\n  "version": "1.0"\n}\n` });
  const run = await runCliAsync(['publish', '--format', 'json'], { cwd: repo, env: isolatedEnv(registry.url, registry.npmrc(token)) });

  assert.equal(run.status, 1);
  const [entry] = parseJson(run).packages;
  assert.equal(entry!.status, 'failed');
  assert.equal(entry!.cause!.id, 'package-version-invalid');
  assert.deepEqual((entry!.cause as unknown as { evidence: unknown[] }).evidence, [{ where: 'package.json:3', text: '"version": "1.0"' }]);
  assert.equal(entry!.attempts, 0);
  assert.doesNotMatch(run.stderr, /npm publish/);
});

test('publish verifies the publishConfig tag', async () => {
  const name = uniqueName('next-tag');
  await registry.publish({ name, version: '1.0.0' }, token);
  const repo = writeTree({ 'package.json': { name, version: '2.0.0-rc.1', publishConfig: { tag: 'next' } } });
  const run = await runCliAsync(['publish', '--format', 'json'], { cwd: repo, env: isolatedEnv(registry.url, registry.npmrc(token)) });

  assert.equal(run.status, 0, run.stdout + run.stderr);
  const document = JSON.parse(run.stdout) as { packages: JsonPackage[]; verify: { packages: Array<{ status: string; checks: Array<{ name: string; detail: string }> }> } };
  assert.equal(document.packages[0]!.status, 'published');
  assert.equal(document.verify.packages[0]!.status, 'verified');
  assert.deepEqual(document.verify.packages[0]!.checks.find((check) => check.name === 'dist-tag'), { name: 'dist-tag', ok: true, detail: '"next" points at 2.0.0-rc.1' });
});

test('publish names a failed prepublishOnly', async () => {
  const name = uniqueName('script-before');
  const repo = writeTree({ 'package.json': { name, version: '1.0.0', scripts: { prepublishOnly: 'exit 3' } } });
  const run = await runCliAsync(['publish', '--format', 'json', '--no-verify'], { cwd: repo, env: isolatedEnv(registry.url, registry.npmrc(token)) });

  assert.equal(run.status, 1);
  const [entry] = parseJson(run).packages;
  assert.equal(entry!.status, 'failed');
  assert.equal(entry!.cause!.id, 'lifecycle-script-failed');
  assert.equal(entry!.cause!.message, `the "prepublishOnly" script of ${name}@1.0.0 exited with status 3 ("exit 3"), so npm stopped before uploading anything.`);
  assert.deepEqual(await registryVersions(registry.url, name), []);
});

test('publish keeps a failed postpublish published', async () => {
  const name = uniqueName('script-after');
  const repo = writeTree({ 'package.json': { name, version: '1.0.0', scripts: { postpublish: 'exit 4' } } });
  const run = await runCliAsync(['publish', '--format', 'json'], { cwd: repo, env: isolatedEnv(registry.url, registry.npmrc(token)) });

  // The version is in the registry, so it is published; the failed script still fails the step.
  assert.equal(run.status, 1);
  const document = JSON.parse(run.stdout) as { packages: JsonPackage[]; verify: { summary: { verified: number } } };
  const [entry] = document.packages;
  assert.equal(entry!.status, 'published');
  assert.equal(entry!.cause!.id, 'lifecycle-script-failed');
  assert.match(entry!.cause!.message, /^the "postpublish" script of .* exited with status 4 \("exit 4"\) after the upload/);
  assert.equal(document.verify.summary.verified, 1);
  assert.deepEqual(await registryVersions(registry.url, name), ['1.0.0']);
  assert.equal(entry!.attempts, 1);
});

test('publish wants --tag below latest', async () => {
  const name = uniqueName('lower');
  await registry.publish({ name, version: '2.0.0' }, token);
  const repo = writeTree({ 'package.json': { name, version: '1.5.0' } });
  const run = await runCliAsync(['publish', '--format', 'json', '--landed-wait', '20000'], { cwd: repo, env: isolatedEnv(registry.url, registry.npmrc(token)) });

  assert.equal(run.status, 1);
  const report = parseJson(run);
  const [entry] = report.packages;
  assert.equal(entry!.status, 'failed');
  assert.equal(entry!.cause!.id, 'tag-required');
  assert.equal(entry!.cause!.message, 'npm rejected the upload: 1.5.0 is lower than 2.0.0, the version "latest" points at, and npm does not move "latest" back to a lower version without an explicit --tag.');
  // A rejection is not a conflict, so there is no 20-second look for a version that was never sent.
  assert.ok(report.summary.durationMs! < 15_000, `took ${report.summary.durationMs} ms`);
  assert.deepEqual(await registryVersions(registry.url, name), ['2.0.0']);
});
