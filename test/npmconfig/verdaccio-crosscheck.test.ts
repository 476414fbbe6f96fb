// Cross-check of the credential model against reality: for each small
// repository, pubguard predicts the credential class with npm's loader, then
// the real `npm publish` runs with the same files, environment and working
// directory against a real Verdaccio on 127.0.0.1. A `secret` must publish;
// `placeholder` and a literal `${VAR}` must be rejected by the registry
// (401 or 403); `missing`, `empty` and `other-host` must stop npm before it
// sends anything (ENEEDAUTH).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { resolveNpmPublish, type CredentialClass } from '../../src/npmconfig/index.js';
import { startVerdaccio, type Verdaccio } from '../harness/verdaccio.js';

let registry: Verdaccio;
let token: string;
const roots: string[] = [];

before(async () => {
  registry = await startVerdaccio();
  token = await registry.login('alice');
});

after(async () => {
  await registry?.stop();
  for (const root of roots) await rm(root, { recursive: true, force: true });
});

interface Case {
  name: string;
  /** Files of the repository and the runner; `{registry}` and `{token}` are filled in. */
  files: Record<string, string>;
  /** Folder npm runs in, relative to the case root. */
  cwd: string;
  /** `npm publish` argument, when publishing by path. */
  target?: string;
  env: Record<string, string>;
  expected: CredentialClass;
}

const PLACEHOLDER = 'XXXXX-XXXXX-XXXXX-XXXXX';

// Package names are made unique per run, so reruns against one Verdaccio never collide.
const suffix = Date.now().toString(36);

const CASES: Case[] = [
  {
    name: 'project token from root',
    files: {
      'repo/package.json': `{ "name": "@acme/front-${suffix}", "version": "1.0.0" }`,
      'repo/.npmrc': '@acme:registry={registry}\n{authKey}={token}\n',
      'runner/.npmrc': '{authKey}=${NODE_AUTH_TOKEN}\n@acme:registry={registry}\n',
    },
    cwd: 'repo',
    env: { NPM_CONFIG_USERCONFIG: 'runner/.npmrc', NODE_AUTH_TOKEN: PLACEHOLDER },
    expected: 'secret',
  },
  {
    name: 'placeholder after cd',
    files: {
      'repo/package.json': `{ "name": "@acme/front2-${suffix}", "version": "1.0.0" }`,
      'repo/.npmrc': '@acme:registry={registry}\n{authKey}={token}\n',
      'repo/packages/backend/package.json': `{ "name": "@acme/backend-${suffix}", "version": "1.0.0" }`,
      'runner/.npmrc': '{authKey}=${NODE_AUTH_TOKEN}\n@acme:registry={registry}\n',
    },
    cwd: 'repo/packages/backend',
    env: { NPM_CONFIG_USERCONFIG: 'runner/.npmrc', NODE_AUTH_TOKEN: PLACEHOLDER },
    expected: 'placeholder',
  },
  {
    name: 'publish by path from root',
    files: {
      'repo/package.json': `{ "name": "@acme/front3-${suffix}", "version": "1.0.0" }`,
      'repo/.npmrc': '@acme:registry={registry}\n{authKey}={token}\n',
      'repo/packages/backend/package.json': `{ "name": "@acme/backend3-${suffix}", "version": "1.0.0" }`,
      'runner/.npmrc': '{authKey}=${NODE_AUTH_TOKEN}\n@acme:registry={registry}\n',
    },
    cwd: 'repo',
    target: './packages/backend',
    env: { NPM_CONFIG_USERCONFIG: 'runner/.npmrc', NODE_AUTH_TOKEN: PLACEHOLDER },
    expected: 'secret',
  },
  {
    name: 'unset variable sent literally',
    files: {
      'repo/package.json': `{ "name": "plain-unset-${suffix}", "version": "1.0.0" }`,
      'repo/.npmrc': 'registry={registry}\n{authKey}=${NPM_TOKEN}\n',
    },
    cwd: 'repo',
    env: {},
    expected: 'unexpanded-variable',
  },
  {
    name: 'variable set to the token',
    files: {
      'repo/package.json': `{ "name": "plain-set-${suffix}", "version": "1.0.0" }`,
      'repo/.npmrc': 'registry={registry}\n{authKey}=${NPM_TOKEN}\n',
    },
    cwd: 'repo',
    env: { NPM_TOKEN: '{token}' },
    expected: 'secret',
  },
  {
    name: 'workspace member reads root config',
    files: {
      'repo/package.json': `{ "name": "ws-root-${suffix}", "version": "1.0.0", "private": true, "workspaces": ["packages/*"] }`,
      'repo/.npmrc': 'registry={registry}\n{authKey}={token}\n',
      'repo/packages/lib/package.json': `{ "name": "ws-lib-${suffix}", "version": "1.0.0" }`,
    },
    cwd: 'repo/packages/lib',
    env: {},
    expected: 'secret',
  },
  {
    name: 'working directory without token',
    files: {
      'repo/package.json': `{ "name": "wd-root-${suffix}", "version": "1.0.0", "private": true }`,
      'repo/.npmrc': 'registry={registry}\n{authKey}={token}\n',
      'repo/packages/sdk/package.json': `{ "name": "wd-sdk-${suffix}", "version": "1.0.0" }`,
      'repo/packages/sdk/.npmrc': 'registry={registry}\n',
    },
    cwd: 'repo/packages/sdk',
    env: {},
    expected: 'missing',
  },
  {
    name: 'empty variable',
    files: {
      'repo/package.json': `{ "name": "plain-empty-${suffix}", "version": "1.0.0" }`,
      'repo/.npmrc': 'registry={registry}\n{authKey}=${NODE_AUTH_TOKEN}\n',
    },
    cwd: 'repo',
    env: { NODE_AUTH_TOKEN: '' },
    expected: 'empty',
  },
  {
    name: 'token for another registry',
    files: {
      'repo/package.json': `{ "name": "plain-other-${suffix}", "version": "1.0.0" }`,
      'repo/.npmrc': 'registry={registry}\n//127.0.0.1:9/:_authToken={token}\n',
    },
    cwd: 'repo',
    env: {},
    expected: 'other-host',
  },
];

function fill(text: string): string {
  return text.replaceAll('{registry}', registry.url).replaceAll('{authKey}', registry.authKey()).replaceAll('{token}', token);
}

async function layOut(testCase: Case): Promise<{ root: string; env: Record<string, string> }> {
  const root = await mkdtemp(join(tmpdir(), 'pubguard-crosscheck-'));
  roots.push(root);
  for (const [path, text] of Object.entries(testCase.files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), fill(text));
  }
  await mkdir(join(root, 'home'), { recursive: true });
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: join(root, 'home'),
    npm_config_cache: join(root, 'cache'),
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    // A case whose package falls back to npm's default registry must not reach it: other hosts go to a closed local port.
    HTTPS_PROXY: 'http://127.0.0.1:9',
    HTTP_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: '127.0.0.1,localhost',
  };
  for (const [name, value] of Object.entries(testCase.env)) {
    env[name] = name === 'NPM_CONFIG_USERCONFIG' ? join(root, value) : fill(value);
  }
  return { root, env };
}

interface NpmRun {
  status: number | null;
  output: string;
}

/** Run the real npm, bounded in time, and collect its output. */
function runNpm(args: string[], cwd: string, env: Record<string, string>): Promise<NpmRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, output });
    });
  });
}

describe('credential class against a real npm publish', () => {
  for (const testCase of CASES) {
    test(testCase.name, async () => {
      const { root, env } = await layOut(testCase);
      const cwd = join(root, testCase.cwd);

      const predicted = await resolveNpmPublish({ cwd, env, packageDir: testCase.target });
      assert.equal(predicted.credential.class, testCase.expected, 'predicted class');
      assert.equal(predicted.registry.url, registry.url, 'predicted registry');

      const run = await runNpm(['publish', ...(testCase.target ? [testCase.target] : [])], cwd, env);
      assert.ok(!run.output.includes(token), 'npm output must not contain the token');

      switch (predicted.credential.class) {
        case 'secret':
          assert.equal(run.status, 0, `npm publish must succeed:\n${run.output}`);
          break;
        case 'placeholder':
        case 'unexpanded-variable':
          assert.notEqual(run.status, 0);
          assert.match(run.output, /\bE40[13]\b/, `the registry must reject the credential:\n${run.output}`);
          break;
        default:
          assert.notEqual(run.status, 0);
          assert.match(run.output, /\bENEEDAUTH\b/, `npm must stop before sending:\n${run.output}`);
      }
    });
  }
});
