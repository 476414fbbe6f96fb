// publish with pnpm (the dev dependency) against a real Verdaccio on 127.0.0.1.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startVerdaccio, type Verdaccio } from '../harness/verdaccio.js';
import { readClientJson } from '../../src/publish/client.js';
import { isolatedEnv, registryVersions, runCliAsync, uniqueName, writeTree } from './helpers.js';

const BIN_DIR = fileURLToPath(new URL('../../node_modules/.bin', import.meta.url));
const PNPM_VERSION = (JSON.parse(readFileSync(fileURLToPath(new URL('../../node_modules/pnpm/package.json', import.meta.url)), 'utf8')) as { version: string }).version;

let registry: Verdaccio;
let token: string;

before(async () => {
  registry = await startVerdaccio();
  token = await registry.login('bob');
});

after(async () => {
  await registry?.stop();
});

test('pnpm workspace publishes in order', async () => {
  const [app, lib, locked] = [uniqueName('pn-app'), uniqueName('pn-lib'), uniqueName('locked-pn')];
  const repo = writeTree({
    'package.json': { name: 'pn-root', private: true, packageManager: `pnpm@${PNPM_VERSION}` },
    'pnpm-workspace.yaml': "packages:\n  - 'packages/*'\n",
    'packages/app/package.json': { name: app, version: '1.0.0', dependencies: { [lib]: 'workspace:^' } },
    'packages/lib/package.json': { name: lib, version: '1.2.0' },
    'packages/zz-locked/package.json': { name: locked, version: '1.0.0' },
  });
  const env = isolatedEnv(registry.url, registry.npmrc(token), { PATH: `${BIN_DIR}:${process.env.PATH}` });
  // pnpm resolves `workspace:` ranges from its install, as a CI job would have run it first.
  execFileSync('pnpm', ['install', '--offline'], { cwd: repo, env, stdio: 'pipe' });
  const run = await runCliAsync(['publish', '--format', 'json'], { cwd: repo, env });

  assert.equal(run.status, 1, run.stderr);
  const report = JSON.parse(run.stdout) as { client: string; packages: Array<{ name: string; status: string; cause: { id: string } | null; command: string }> };
  assert.equal(report.client, 'pnpm');
  assert.deepEqual(report.packages.map((entry) => [entry.name, entry.status, entry.cause?.id ?? null]), [
    [lib, 'published', null],
    [app, 'published', null],
    [locked, 'failed', 'package-permission-denied'],
  ]);
  assert.equal(report.packages[0]!.command, 'pnpm publish ./packages/lib --json --no-git-checks');
  // pnpm replaced the workspace range with the real version when it packed.
  const document = (await (await fetch(`${registry.url}${app}`)).json()) as { versions: Record<string, { dependencies?: Record<string, string> }> };
  assert.deepEqual(document.versions['1.0.0']!.dependencies, { [lib]: '^1.2.0' });
  assert.deepEqual(await registryVersions(registry.url, locked), []);
  assert.equal(run.stdout.includes(token) || run.stderr.includes(token), false);
});

test('readClientJson reads pnpm error objects', () => {
  const error = readClientJson({ error: { code: 'ERR_PNPM_CANNOT_RESOLVE_WORKSPACE_PROTOCOL', message: 'Cannot resolve workspace protocol of dependency "b"' } }, 'a');
  assert.equal(error.kind, 'error');
  assert.equal(error.code, 'ERR_PNPM_CANNOT_RESOLVE_WORKSPACE_PROTOCOL');
  assert.equal(error.summary, 'Cannot resolve workspace protocol of dependency "b"');
});
