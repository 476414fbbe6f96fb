// Acceptance: the release incident replayed on a real Verdaccio.
//
// The real token is only in the repository root's .npmrc. setup-node's user
// config (NPM_CONFIG_USERCONFIG) holds `${NODE_AUTH_TOKEN}`, and
// NODE_AUTH_TOKEN is setup-node's placeholder. From the root, npm reads the
// root .npmrc and publishes; started inside packages/backend (which has its
// own package.json), npm's project config is packages/backend/.npmrc, so the
// only credential left is the placeholder.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startVerdaccio, type Verdaccio } from '../harness/verdaccio.js';
import { isolatedEnv, readAllFiles, registryVersions, runCliAsync, uniqueName, writeTree, type CliRun } from './helpers.js';

const PLACEHOLDER = 'XXXXX-XXXXX-XXXXX-XXXXX';

let registry: Verdaccio;
let token: string;

before(async () => {
  registry = await startVerdaccio();
  token = await registry.login('bob');
});

after(async () => {
  await registry?.stop();
});

test('incident: cd into the backend folder', async () => {
  const front = uniqueName('front');
  const backend = uniqueName('backend');
  const repo = writeTree({
    'package.json': { name: front, version: '1.0.0' },
    '.npmrc': `${registry.authKey()}=${token}\n`,
    'packages/backend/package.json': { name: backend, version: '1.0.0' },
  });
  const backendDir = join(repo, 'packages', 'backend');
  const runnerTemp = mkdtempSync(join(tmpdir(), 'pubguard-runner-temp-'));
  const userconfig = join(runnerTemp, '.npmrc');
  writeFileSync(userconfig, `${registry.authKey()}=\${NODE_AUTH_TOKEN}\nregistry=${registry.url}\nalways-auth=true\n`);
  const base = isolatedEnv(registry.url, '');
  delete base.npm_config_userconfig;
  const env = { ...base, NPM_CONFIG_USERCONFIG: userconfig, NODE_AUTH_TOKEN: PLACEHOLDER };
  const logDir = mkdtempSync(join(tmpdir(), 'pubguard-incident-logs-'));
  const runs: CliRun[] = [];
  const cli = async (args: string[], cwd: string, extra: NodeJS.ProcessEnv = {}): Promise<CliRun> => {
    const withLogs = args[0] === 'publish' ? [...args, '--log-dir', logDir] : args;
    const run = await runCliAsync(withLogs, { cwd, env: { ...env, ...extra } });
    runs.push(run);
    return run;
  };

  // 1. From the root, npm reads the root .npmrc: the root package publishes.
  const fromRoot = await cli(['publish', '.'], repo);
  assert.equal(fromRoot.status, 0, fromRoot.stdout + fromRoot.stderr);
  assert.match(fromRoot.stdout, new RegExp(`^${front}@1\\.0\\.0\\s+\\.\\s+published`, 'm'));
  assert.deepEqual(await registryVersions(registry.url, front), ['1.0.0']);

  // 2. From packages/backend: stopped before uploading, with the cause and its evidence.
  const fromBackend = await cli(['publish', '.'], backendDir);
  if (process.env.PUBGUARD_SHOW_INCIDENT) process.stderr.write(fromBackend.stdout);
  assert.equal(fromBackend.status, 1);
  assert.match(fromBackend.stdout, new RegExp(`^${backend}@1\\.0\\.0\\s+\\.\\s+failed\\s+token-placeholder`, 'm'));
  assert.ok(fromBackend.stdout.includes(`is setup-node's placeholder "${PLACEHOLDER}"`), fromBackend.stdout);
  assert.ok(fromBackend.stdout.includes(`"${registry.authKey()}" at ${userconfig}:1 refers to \${NODE_AUTH_TOKEN}`), fromBackend.stdout);
  assert.ok(fromBackend.stdout.includes(`A credential for this registry is in "${join(repo, '.npmrc')}:1", but npm does not read that file from "${backendDir}": its project config there is "${join(backendDir, '.npmrc')}" (absent).`), fromBackend.stdout);
  assert.ok(fromBackend.stdout.includes(`fix: run pubguard from "${repo}" (the folder whose .npmrc holds the credential) and name the package by its path (pubguard publish packages/backend)`), fromBackend.stdout);
  assert.match(fromBackend.stderr, /stopped before uploading/);
  assert.doesNotMatch(fromBackend.stderr, /npm publish/);
  assert.deepEqual(await registryVersions(registry.url, backend), []);

  // 3. With the real token in NODE_AUTH_TOKEN, the same command publishes.
  const withToken = await cli(['publish', '.'], backendDir, { NODE_AUTH_TOKEN: token });
  assert.equal(withToken.status, 0, withToken.stdout + withToken.stderr);
  assert.match(withToken.stdout, new RegExp(`^${backend}@1\\.0\\.0\\s+\\.\\s+published`, 'm'));
  assert.deepEqual(await registryVersions(registry.url, backend), ['1.0.0']);

  // 4. verify proves both.
  const verified = await cli(['verify', `${front}@1.0.0`, `${backend}@1.0.0`], repo);
  assert.equal(verified.status, 0, verified.stdout + verified.stderr);
  assert.match(verified.stdout, /^2 verified, 0 failed/m);

  // 5. A rerun from the root reports both as already published.
  const rerun = await cli(['publish', '.', 'packages/backend', '--format', 'json'], repo);
  assert.equal(rerun.status, 0, rerun.stdout + rerun.stderr);
  const report = JSON.parse(rerun.stdout) as { packages: Array<{ name: string; path: string; status: string }> };
  assert.deepEqual(report.packages.map((entry) => [entry.name, entry.path, entry.status]), [
    [front, '.', 'already-published'],
    [backend, './packages/backend', 'already-published'],
  ]);

  // The token appears in no output and no log, in any of these runs.
  for (const run of runs) {
    assert.equal(run.stdout.includes(token), false);
    assert.equal(run.stderr.includes(token), false);
  }
  for (const file of readAllFiles(logDir)) assert.equal(file.text.includes(token), false, file.file);
});
