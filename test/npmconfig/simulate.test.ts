// The runner model behind `check`: each case is a small repository in
// memory; the expected credential class and evidence are worked out by hand
// from bash quoting, setup-node's source and npm's config rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { analyzeStep } from '../../src/npmconfig/rule-support.js';
import { simulateJob, type SimulatedPublish } from '../../src/npmconfig/simulate.js';
import { createMemoryReader } from '../../src/workflow/files.js';
import { loadRepository } from '../../src/workflow/load.js';

async function simulate(files: Record<string, string>, repo = 'acme/widgets'): Promise<SimulatedPublish[]> {
  const reader = createMemoryReader(files);
  const repository = loadRepository(reader.root, { reader, repo });
  const job = repository.workflows[0]!.jobs[0]!;
  return simulateJob(job, { repository, files: reader, analyze: (step) => analyzeStep(step, reader) });
}

function workflow(steps: string, head = ''): string {
  return `name: release\non: push\n${head}jobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`;
}

const SETUP_NODE = `      - uses: actions/setup-node@v4
        with:
          node-version: 20
          registry-url: https://registry.npmjs.org
`;

test('double quotes expand at write time', async () => {
  const [publish] = await simulate({
    'package.json': '{ "name": "widgets", "version": "1.0.0" }',
    '.github/workflows/release.yml': workflow(`      - run: echo "//registry.npmjs.org/:_authToken=\${NPM_TOKEN}" > .npmrc
        env:
          NPM_TOKEN: \${{ secrets.NPM_TOKEN }}
      - run: npm publish
`),
  });

  assert.equal(publish!.resolution!.credential.class, 'secret');
  assert.equal(publish!.resolution!.credential.expression, 'secrets.NPM_TOKEN');
  assert.equal(publish!.credentialLine?.kind, 'step-write');
});

test('single quotes leave the variable for npm', async () => {
  const [publish] = await simulate({
    'package.json': '{ "name": "widgets", "version": "1.0.0" }',
    '.github/workflows/release.yml': workflow(`      - run: echo '//registry.npmjs.org/:_authToken=\${NPM_TOKEN}' > .npmrc
        env:
          NPM_TOKEN: \${{ secrets.NPM_TOKEN }}
      - run: npm publish
`),
  });

  // The writing step had NPM_TOKEN; the publish step does not.
  assert.equal(publish!.resolution!.credential.class, 'unexpanded-variable');
  assert.equal(publish!.resolution!.credential.variable, 'NPM_TOKEN');
});

test('setup-node before v7 exports the placeholder', async () => {
  const [publish] = await simulate({
    'package.json': '{ "name": "widgets", "version": "1.0.0" }',
    '.github/workflows/release.yml': workflow(`${SETUP_NODE}      - run: npm publish
`),
  });

  assert.equal(publish!.resolution!.credential.class, 'placeholder');
  assert.equal(publish!.variableSource?.kind, 'setup-node');
  assert.equal(publish!.resolution!.credential.origin?.kind, 'file');
  assert.equal(publish!.credentialLine?.kind, 'setup-node');
});

test('setup-node v7 leaves the variable unset', async () => {
  const [publish] = await simulate({
    'package.json': '{ "name": "widgets", "version": "1.0.0" }',
    '.github/workflows/release.yml': workflow(`${SETUP_NODE.replace('setup-node@v4', 'setup-node@v7')}      - run: npm publish
`),
  });

  assert.equal(publish!.resolution!.credential.class, 'unexpanded-variable');
  assert.equal(publish!.variableSource, null);
});

test('GITHUB_ENV reaches later steps', async () => {
  const [publish] = await simulate({
    'package.json': '{ "name": "widgets", "version": "1.0.0" }',
    '.github/workflows/release.yml': workflow(`${SETUP_NODE}      - run: echo "NODE_AUTH_TOKEN=\${{ secrets.NPM_TOKEN }}" >> "$GITHUB_ENV"
      - run: npm publish
`),
  });

  assert.equal(publish!.resolution!.credential.class, 'secret');
  assert.equal(publish!.variableSource?.kind, 'github-env');
});

test('step env wins over GITHUB_ENV', async () => {
  const [publish] = await simulate({
    'package.json': '{ "name": "widgets", "version": "1.0.0" }',
    '.github/workflows/release.yml': workflow(`${SETUP_NODE}      - run: echo "NODE_AUTH_TOKEN=\${{ secrets.NPM_TOKEN }}" >> "$GITHUB_ENV"
      - run: npm publish
        env:
          NODE_AUTH_TOKEN: ''
`),
  });

  assert.equal(publish!.resolution!.credential.class, 'empty');
  assert.equal(publish!.variableSource?.kind, 'step-env');
});

test('composite action input reaches setup-node', async () => {
  const [publish] = await simulate({
    'package.json': '{ "name": "widgets", "version": "1.0.0" }',
    '.github/actions/setup/action.yml': `name: setup
inputs:
  registry:
    required: true
runs:
  using: composite
  steps:
    - uses: actions/setup-node@v4
      with:
        registry-url: \${{ inputs.registry }}
`,
    '.github/workflows/release.yml': workflow(`      - uses: ./.github/actions/setup
        with:
          registry: https://registry.example.com
      - run: npm publish
        env:
          NODE_AUTH_TOKEN: \${{ secrets.NPM_TOKEN }}
`),
  });

  assert.equal(publish!.resolution!.registry.url, 'https://registry.example.com/');
  assert.equal(publish!.resolution!.credential.class, 'secret');
  assert.equal(publish!.setupNode?.effect.registryUrl, 'https://registry.example.com/');
});

test('publish by path and working-directory', async () => {
  const files = {
    'package.json': '{ "name": "root", "version": "1.0.0", "private": true }',
    'packages/api/package.json': '{ "name": "api", "version": "1.0.0" }',
    '.github/workflows/release.yml': workflow(`      - run: echo "//registry.npmjs.org/:_authToken=\${{ secrets.NPM_TOKEN }}" > .npmrc
      - run: npm publish ./packages/api
      - run: npm publish
        working-directory: packages/api
`),
  };
  const [byPath, inFolder] = await simulate(files);

  assert.equal(byPath!.cwd, '');
  assert.equal(byPath!.packageDir, 'packages/api');
  assert.equal(byPath!.resolution!.packageName, 'api');
  assert.equal(byPath!.resolution!.credential.class, 'secret');

  assert.equal(inFolder!.cwd, 'packages/api');
  assert.equal(inFolder!.resolution!.credential.class, 'missing');
  assert.equal(inFolder!.localPrefixReason, 'own-manifest');
  assert.deepEqual(
    inFolder!.unreadCredentialFiles.map((file) => `${file.path}:${file.line}`),
    ['.npmrc:1'],
  );
});

test('temporary folders are removed', async () => {
  const { mkdtempSync, readdirSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  // os.tmpdir() reads TMPDIR on every call, so the simulation works in a folder of its own here.
  const own = mkdtempSync(join(tmpdir(), 'pubguard-simulate-test-'));
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = own;
  try {
    const [publish] = await simulate({
      'package.json': '{ "name": "widgets", "version": "1.0.0" }',
      '.github/workflows/release.yml': workflow(`${SETUP_NODE}      - run: npm publish
`),
    });
    assert.equal(publish!.resolution!.credential.class, 'placeholder');
    assert.deepEqual(readdirSync(own), []);
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
    rmSync(own, { recursive: true, force: true });
  }
});

test('pnpm reads the workspace root .npmrc', async () => {
  const [publish] = await simulate({
    'package.json': '{ "name": "root", "private": true, "packageManager": "pnpm@9.0.0" }',
    'pnpm-workspace.yaml': 'packages:\n  - packages/*\n',
    '.npmrc': '@acme:registry=https://npm.pkg.github.com/\n//npm.pkg.github.com/:_authToken=${NODE_AUTH_TOKEN}\n',
    'packages/a/package.json': '{ "name": "@acme/a", "version": "1.0.0" }',
    '.github/workflows/release.yml': workflow(`      - run: pnpm publish
        working-directory: packages/a
        env:
          NODE_AUTH_TOKEN: \${{ secrets.GITHUB_TOKEN }}
`),
  });

  assert.equal(publish!.client, 'pnpm');
  assert.equal(publish!.resolution!.registry.url, 'https://npm.pkg.github.com/');
  assert.equal(publish!.resolution!.credential.class, 'secret');
  assert.deepEqual(publish!.credentialLine, { kind: 'repository', file: '.npmrc', line: 2 });
  assert.deepEqual(publish!.registryLine, { kind: 'repository', file: '.npmrc', line: 1 });
});

test('invalid registry-url is kept as invalid', async () => {
  const [publish] = await simulate({
    'package.json': '{ "name": "widgets", "version": "1.0.0" }',
    '.github/workflows/release.yml': workflow(`      - uses: actions/setup-node@v4
        with:
          registry-url: https
      - run: npm publish
        env:
          NODE_AUTH_TOKEN: \${{ secrets.NPM_TOKEN }}
`),
  });

  // setup-node appends a slash and writes `registry=https/`.
  assert.equal(publish!.resolution!.registry.url, 'https/');
  assert.equal(publish!.resolution!.registry.valid, false);
  assert.equal(publish!.registryLine?.kind, 'setup-node');
});
