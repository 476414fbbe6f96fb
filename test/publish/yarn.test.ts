// publish with Yarn 4 (the dev dependency) against a real Verdaccio on 127.0.0.1.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startVerdaccio, type Verdaccio } from '../harness/verdaccio.js';
import { yarnJsonToText } from '../../src/publish/client.js';
import { isolatedEnv, readAllFiles, registryVersions, runCliAsync, uniqueName, writeTree } from './helpers.js';

const BIN_DIR = fileURLToPath(new URL('../../node_modules/.bin', import.meta.url));
const YARN_VERSION = (JSON.parse(readFileSync(fileURLToPath(new URL('../../node_modules/@yarnpkg/cli-dist/package.json', import.meta.url)), 'utf8')) as { version: string }).version;

let registry: Verdaccio;
let token: string;

before(async () => {
  registry = await startVerdaccio();
  token = await registry.login('bob');
});

after(async () => {
  await registry?.stop();
});

test('yarn workspace publishes and classifies', async () => {
  const [app, lib, locked] = [uniqueName('yb-app'), uniqueName('yb-lib'), uniqueName('locked-yb')];
  // Yarn 2+ reads only .yarnrc.yml; the token comes from a variable it refers to.
  const repo = writeTree({
    'package.json': { name: 'yb-root', private: true, packageManager: `yarn@${YARN_VERSION}`, workspaces: ['packages/*'] },
    '.yarnrc.yml': `npmRegistryServer: "${registry.url.replace(/\/$/, '')}"\nunsafeHttpWhitelist:\n  - "127.0.0.1"\nenableTelemetry: false\nnodeLinker: node-modules\nnpmAuthToken: "\${PUBLISH_TEST_TOKEN}"\n`,
    'packages/app/package.json': { name: app, version: '1.0.0', dependencies: { [lib]: 'workspace:^' } },
    'packages/lib/package.json': { name: lib, version: '2.0.0' },
    'packages/zz-locked/package.json': { name: locked, version: '1.0.0' },
  });
  const logDir = writeTree({});
  // No telemetry and no npm user config: Yarn talks to the test registry only.
  const env = isolatedEnv(registry.url, '', { PATH: `${BIN_DIR}:${process.env.PATH}`, YARN_ENABLE_TELEMETRY: '0', PUBLISH_TEST_TOKEN: token });
  execFileSync('yarn', ['install'], { cwd: repo, env, stdio: 'pipe' });
  const run = await runCliAsync(['publish', '--format', 'json', '--log-dir', logDir], { cwd: repo, env });

  assert.equal(run.status, 1, run.stderr);
  const report = JSON.parse(run.stdout) as { client: string; packages: Array<{ name: string; status: string; command: string; cause: { id: string; evidence: Array<{ where: string; text: string }> } | null; logFile: string }> };
  assert.equal(report.client, 'yarn');
  assert.deepEqual(report.packages.map((entry) => [entry.name, entry.status, entry.cause?.id ?? null]), [
    [lib, 'published', null],
    [app, 'published', null],
    [locked, 'failed', 'package-permission-denied'],
  ]);
  assert.equal(report.packages[0]!.command, 'yarn npm publish --json');
  const failed = report.packages[2]!;
  const logLines = readFileSync(failed.logFile, 'utf8').split('\n');
  const lineNumber = Number(failed.cause!.evidence[0]!.where.split(':').at(-1));
  assert.match(logLines[lineNumber - 1]!, new RegExp(`"displayName":"YN0035".*user bob is not allowed to publish package ${locked}`));
  assert.equal(failed.cause!.evidence[0]!.text, `YN0035: user bob is not allowed to publish package ${locked}`);

  const document = (await (await fetch(`${registry.url}${app}`)).json()) as { versions: Record<string, { dependencies?: Record<string, string> }> };
  assert.deepEqual(document.versions['1.0.0']!.dependencies, { [lib]: '^2.0.0' });
  assert.deepEqual(await registryVersions(registry.url, locked), []);
  assert.equal(run.stdout.includes(token) || run.stderr.includes(token), false);
  for (const file of readAllFiles(logDir)) assert.equal(file.text.includes(token), false, file.file);
});

test('yarnJsonToText rewrites report lines', () => {
  const output = '{"file":"package.json"}\n{"type":"error","name":35,"displayName":"YN0035","indent":"","data":"  Response Code: 403 (Forbidden)"}\nplain text\n';
  assert.equal(yarnJsonToText(output), '{"file":"package.json"}\n➤ YN0035:   Response Code: 403 (Forbidden)\nplain text\n');
});
