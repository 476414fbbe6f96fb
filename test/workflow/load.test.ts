import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadRepository, parseRemoteUrl } from '../../src/workflow/load.js';
import { permissionOf, type Repository } from '../../src/workflow/model.js';

const root = mkdtempSync(join(tmpdir(), 'pubguard-load-'));
after(() => rmSync(root, { recursive: true, force: true }));

function write(path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

const RELEASE = `name: release
on:
  push:
    tags: ['v*']
permissions:
  contents: read
env:
  LEVEL: workflow
  WORKFLOW_ONLY: one
defaults:
  run:
    shell: bash
jobs:
  publish:
    name: Publish packages
    runs-on: [self-hosted, linux]
    needs: build
    permissions:
      contents: read
      id-token: write
    env:
      LEVEL: job
    defaults:
      run:
        working-directory: packages/a
    steps:
      - uses: actions/checkout@v4
      - name: Publish
        id: publish
        shell: sh
        continue-on-error: true
        if: \${{ github.ref_type == 'tag' }}
        env:
          LEVEL: step
          NODE_AUTH_TOKEN: \${{ secrets.NPM_TOKEN }}
        run: |
          npm publish --access public
      - run: |
          # a comment line first
          npm view a@1.0.0
        working-directory: ./packages/b
      - uses: ./.github/actions/setup
        with:
          token: \${{ secrets.NPM_TOKEN }}
  build:
    runs-on: ubuntu-latest
    steps:
      - run: npm run build
  call-local:
    uses: ./.github/workflows/reusable.yml
    secrets: inherit
  call-same-repo:
    uses: acme/widgets/.github/workflows/reusable.yml@main
    with:
      tag: next
    secrets:
      token: \${{ secrets.NPM_TOKEN }}
  anchored: &base
    runs-on: windows-latest
    steps:
      - run: echo one
  merged:
    <<: *base
    if: always()
`;

const REUSABLE = `on:
  workflow_call:
    inputs:
      tag:
        type: string
        required: true
    secrets:
      token:
        required: false
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - run: npm publish --tag "\${{ inputs.tag }}"
`;

const ACTION = `name: setup
inputs:
  token:
    required: true
runs:
  using: composite
  steps:
    - shell: bash
      env:
        ACTION_LEVEL: inner
      run: echo "set up"
`;

let repository: Repository;

before(() => {
  write('.github/workflows/release.yml', RELEASE);
  write('.github/workflows/reusable.yml', REUSABLE);
  write('.github/workflows/README.md', 'not a workflow');
  write('.github/actions/setup/action.yml', ACTION);
  write('package.json', JSON.stringify({ name: 'root', private: true, workspaces: ['packages/*', '!packages/ignored'] }, null, 2));
  write('packages/a/package.json', JSON.stringify({ name: '@acme/a', version: '1.0.0', publishConfig: { provenance: true } }));
  write('packages/b/package.json', JSON.stringify({ name: '@acme/b', version: '2.0.0' }));
  write('packages/ignored/package.json', JSON.stringify({ name: '@acme/ignored' }));
  write('packages/no-manifest/README.md', 'no package here');
  write('.npmrc', '; comment\n@acme:registry=https://npm.pkg.github.com\n//npm.pkg.github.com/:_authToken=${NODE_AUTH_TOKEN}\n');
  write('packages/a/.npmrc', 'provenance=true\n');
  write('node_modules/dep/.npmrc', 'registry=https://example.com\n');
  write('build/.npmrc', 'ignored=true\n');
  write('.gitignore', 'build/\n');
  // A folder symlink that points at its parent: a loop for any walker that follows it.
  symlinkSync('..', join(root, 'packages', 'loop'));
  execFileSync('git', ['init', '-q', root]);
  execFileSync('git', ['-C', root, 'remote', 'add', 'origin', 'git@github.com:acme/widgets.git']);
  repository = loadRepository(root);
});

describe('loadRepository', () => {
  test('reads owner and name from the origin remote', () => {
    assert.equal(repository.owner, 'acme');
    assert.equal(repository.name, 'widgets');
  });

  test('loads only YAML files as workflows', () => {
    assert.deepEqual(repository.workflows.map((workflow) => workflow.file.path).sort(), ['.github/workflows/release.yml', '.github/workflows/reusable.yml']);
    assert.deepEqual(repository.problems, []);
  });

  test('jobs: ids, names, needs, runs-on', () => {
    const release = repository.workflows.find((workflow) => workflow.file.path.endsWith('release.yml'))!;
    assert.deepEqual(release.jobs.map((job) => job.id), ['publish', 'build', 'call-local', 'call-same-repo', 'anchored', 'merged']);
    const publish = release.jobs[0]!;
    assert.equal(publish.name, 'Publish packages');
    assert.deepEqual(publish.needs, ['build']);
    assert.equal(publish.runsOn.selfHosted, true);
    assert.deepEqual(publish.idSpan, { file: '.github/workflows/release.yml', line: 14, column: 3, endLine: 14, endColumn: 10 });
    assert.equal(release.jobs[1]!.runsOn.selfHosted, false);
    assert.equal(release.jobs[1]!.runsOn.unknown, false);
  });

  test('permissions: job level replaces workflow level', () => {
    const release = repository.workflows.find((workflow) => workflow.file.path.endsWith('release.yml'))!;
    const [publish, build] = release.jobs;
    assert.equal(publish!.permissions.declaredAt, 'job');
    assert.equal(permissionOf(publish!.permissions, 'id-token'), 'write');
    assert.equal(build!.permissions.declaredAt, 'workflow');
    assert.equal(permissionOf(build!.permissions, 'id-token'), 'none');
    assert.equal(permissionOf(build!.permissions, 'contents'), 'read');
    const reusable = repository.workflows.find((workflow) => workflow.file.path.endsWith('reusable.yml'))!;
    assert.equal(permissionOf(reusable.jobs[0]!.permissions, 'packages'), 'undeclared');
  });

  test('steps: display names, ids, uses, with, if, continue-on-error', () => {
    const publish = repository.workflows[0]!.jobs.find((job) => job.id === 'publish')!;
    assert.deepEqual(publish.steps.map((step) => step.displayName), ['#1 actions/checkout@v4', 'Publish', '#3 npm view a@1.0.0', '#4 ./.github/actions/setup']);
    const [checkout, step, view, local] = publish.steps;
    assert.deepEqual(
      { owner: checkout!.uses!.owner, repo: checkout!.uses!.repo, ref: checkout!.uses!.ref, action: checkout!.uses!.action, kind: checkout!.uses!.kind },
      { owner: 'actions', repo: 'checkout', ref: 'v4', action: 'actions/checkout', kind: 'repository' },
    );
    assert.equal(step!.id, 'publish');
    assert.equal(step!.continueOnError!.value, true);
    assert.equal(step!.if!.isExpression, true);
    assert.equal(local!.uses!.kind, 'local');
    assert.equal(local!.uses!.localPath, '.github/actions/setup');
    assert.equal(local!.with.get('token')!.expressions[0]!.origin, 'secrets');
    assert.equal(view!.index, 3);
  });

  test('shells: step over job over workflow defaults', () => {
    const release = repository.workflows[0]!;
    const publish = release.jobs.find((job) => job.id === 'publish')!;
    assert.equal(publish.steps[1]!.shell.command, 'sh -e {0}');
    assert.equal(publish.steps[1]!.shell.pipefail, false);
    assert.equal(publish.steps[2]!.shell.command, 'bash --noprofile --norc -eo pipefail {0}');
    assert.equal(publish.steps[2]!.shell.source, 'workflow-defaults');
    assert.equal(publish.steps[2]!.shell.pipefail, true);
    const reusable = repository.workflows.find((workflow) => workflow.file.path.endsWith('reusable.yml'))!;
    assert.equal(reusable.jobs[0]!.steps[0]!.shell.command, 'bash -e {0}');
    assert.equal(reusable.jobs[0]!.steps[0]!.shell.source, 'default');
  });

  test('working directory: step over defaults, normalised', () => {
    const publish = repository.workflows[0]!.jobs.find((job) => job.id === 'publish')!;
    assert.equal(publish.steps[1]!.workingDirectory, 'packages/a');
    assert.equal(publish.steps[2]!.workingDirectory, 'packages/b');
  });

  test('env layers workflow, job, step', () => {
    const publish = repository.workflows[0]!.jobs.find((job) => job.id === 'publish')!;
    const env = publish.steps[1]!.env;
    assert.equal(env.get('LEVEL')!.value.text, 'step');
    assert.equal(env.get('LEVEL')!.level, 'step');
    assert.equal(env.get('WORKFLOW_ONLY')!.level, 'workflow');
    assert.equal(env.get('NODE_AUTH_TOKEN')!.value.expressions[0]!.name, 'NPM_TOKEN');
    assert.equal(publish.steps[2]!.env.get('LEVEL')!.value.text, 'job');
  });

  test('run script positions map to the file', () => {
    const publish = repository.workflows[0]!.jobs.find((job) => job.id === 'publish')!;
    const script = publish.steps[1]!.run!;
    const offset = script.text.indexOf('--access');
    assert.deepEqual(script.spanOf(offset, offset + 8), { file: '.github/workflows/release.yml', line: 37, column: 23, endLine: 37, endColumn: 31 });
  });

  test('composite action steps follow their caller', () => {
    const publish = repository.workflows[0]!.jobs.find((job) => job.id === 'publish')!;
    assert.equal(publish.allSteps.length, 5);
    const inner = publish.allSteps[4]!;
    assert.equal(inner.caller, publish.steps[3]);
    assert.equal(inner.file.path, '.github/actions/setup/action.yml');
    assert.equal(inner.env.get('ACTION_LEVEL')!.level, 'action-step');
    assert.equal(inner.env.get('LEVEL')!.value.text, 'job');
    assert.equal(publish.steps[3]!.action!.inputs[0]!.name, 'token');
    assert.equal(inner.job, publish);
  });

  test('reusable workflows: local and same-repository calls link to the callee', () => {
    const release = repository.workflows[0]!;
    const reusable = repository.workflows.find((workflow) => workflow.file.path.endsWith('reusable.yml'))!;
    const local = release.jobs.find((job) => job.id === 'call-local')!;
    const same = release.jobs.find((job) => job.id === 'call-same-repo')!;
    assert.equal(local.calledWorkflow, reusable);
    assert.equal(local.secrets, 'inherit');
    assert.equal(same.uses!.localPath, '.github/workflows/reusable.yml');
    assert.equal(same.calledWorkflow, reusable);
    assert.ok(same.secrets !== 'inherit' && same.secrets.get('token')!.expressions[0]!.name === 'NPM_TOKEN');
    assert.deepEqual(reusable.callers.map((job) => job.id), ['call-local', 'call-same-repo']);
    assert.deepEqual(reusable.call!.inputs.map((input) => [input.name, input.required, input.type]), [['tag', true, 'string']]);
    assert.deepEqual(reusable.call!.secrets.map((secret) => [secret.name, secret.required]), [['token', false]]);
  });

  test('anchors and merge keys', () => {
    const release = repository.workflows[0]!;
    const merged = release.jobs.find((job) => job.id === 'merged')!;
    assert.equal(merged.runsOn.windows, true);
    assert.equal(merged.if!.text, 'always()');
    assert.equal(merged.steps[0]!.run!.text, 'echo one');
    // An aliased value keeps the position of the anchored node.
    assert.equal(merged.steps[0]!.run!.span.line, 61);
    // The workflow's `defaults.run.shell: bash` applies on Windows too.
    assert.equal(merged.steps[0]!.shell.program, 'bash');
  });

  test('packages: root, workspaces with negation', () => {
    const { packages } = repository;
    assert.equal(packages.root!.name, 'root');
    assert.equal(packages.workspaceSource, 'package.json');
    assert.deepEqual(packages.workspaces.map((manifest) => manifest.directory), ['packages/a', 'packages/b']);
    assert.equal(packages.workspaces[0]!.publishConfig.provenance, true);
  });

  test('npmrc files: skip node_modules, git-ignored files and symlink loops', () => {
    const { npmrcFiles } = repository.packages;
    assert.deepEqual(npmrcFiles.map((npmrc) => npmrc.file.path), ['.npmrc', 'packages/a/.npmrc']);
    assert.deepEqual(
      npmrcFiles[0]!.entries.map((entry) => [entry.key, entry.value, entry.line]),
      [
        ['@acme:registry', 'https://npm.pkg.github.com', 2],
        ['//npm.pkg.github.com/:_authToken', '${NODE_AUTH_TOKEN}', 3],
      ],
    );
  });
});

describe('loadRepository options', () => {
  test('--repo overrides the remote', () => {
    const other = loadRepository(root, { repo: 'someone/else' });
    assert.equal(other.owner, 'someone');
    const release = other.workflows[0]!;
    assert.equal(release.jobs.find((job) => job.id === 'call-same-repo')!.calledWorkflow, null);
  });

  test('pnpm-workspace.yaml lists workspaces', () => {
    const pnpmRoot = mkdtempSync(join(tmpdir(), 'pubguard-pnpm-'));
    try {
      mkdirSync(join(pnpmRoot, 'apps', 'web'), { recursive: true });
      mkdirSync(join(pnpmRoot, 'libs', 'deep', 'core'), { recursive: true });
      writeFileSync(join(pnpmRoot, 'package.json'), '{"name":"mono"}');
      writeFileSync(join(pnpmRoot, 'apps', 'web', 'package.json'), '{"name":"web"}');
      writeFileSync(join(pnpmRoot, 'libs', 'deep', 'core', 'package.json'), '{"name":"core"}');
      writeFileSync(join(pnpmRoot, 'pnpm-workspace.yaml'), "packages:\n  - 'apps/*'\n  - 'libs/**'\n");
      const loaded = loadRepository(pnpmRoot);
      assert.equal(loaded.packages.workspaceSource, 'pnpm-workspace.yaml');
      assert.deepEqual(loaded.packages.workspaces.map((manifest) => manifest.name), ['web', 'core']);
      assert.equal(loaded.owner, null);
    } finally {
      rmSync(pnpmRoot, { recursive: true, force: true });
    }
  });
});

test('parseRemoteUrl forms', () => {
  const cases: Array<[string, string | null]> = [
    ['git@github.com:acme/widgets.git', 'acme/widgets'],
    ['https://github.com/acme/widgets.git', 'acme/widgets'],
    ['https://github.com/acme/widgets', 'acme/widgets'],
    ['ssh://git@github.com/acme/widgets.git', 'acme/widgets'],
    ['https://user@ghe.example.com/acme/widgets/', 'acme/widgets'],
    ['not a url', null],
  ];
  for (const [url, expected] of cases) {
    const parsed = parseRemoteUrl(url);
    assert.equal(parsed ? `${parsed.owner}/${parsed.name}` : null, expected, url);
  }
});
