import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCheck } from '../../src/check/run.js';
import { runCli } from '../helpers/cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'pubguard-bad-input-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function repository(name: string, files: Record<string, string>): string {
  const root = join(scratch, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  mkdirSync(root, { recursive: true });
  return root;
}

// These tests are about reading input, so they run two rules whose findings are easy to predict.
const ONLY = ['invalid-workflow-yaml', 'continue-on-error-hides-release-failure'];

const MASKED_PUBLISH = `on: push
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - name: Publish
        continue-on-error: true
        run: npm publish
`;

test('invalid YAML is a finding and other files are still checked', async () => {
  const root = repository('invalid', {
    '.github/workflows/broken.yaml': 'on: push\njobs:\n  a:\n    steps: [\n',
    '.github/workflows/release.yml': MASKED_PUBLISH,
  });
  const result = await runCheck({ directory: root, only: ONLY });
  assert.deepEqual(
    result.findings.map((finding) => [finding.ruleId, finding.file]),
    [
      ['invalid-workflow-yaml', '.github/workflows/broken.yaml'],
      ['continue-on-error-hides-release-failure', '.github/workflows/release.yml'],
    ],
  );
  assert.equal(result.findings[0]!.severity, 'error');
  assert.ok(result.findings[0]!.line >= 4, `position ${result.findings[0]!.line}`);
});

test('non-workflow YAML gets one clear finding', async () => {
  const root = repository('not-workflow', { '.github/workflows/labels.yml': '- name: bug\n  color: red\n' });
  const result = await runCheck({ directory: root, only: ONLY });
  assert.equal(result.findings.length, 1);
  assert.match(result.findings[0]!.message, /^not a workflow: the top level must be a mapping with a `jobs:` mapping/);
  assert.equal(result.findings[0]!.line, 1);
});

test('an empty workflow file is not a crash', async () => {
  const root = repository('empty', { '.github/workflows/empty.yml': '' });
  const result = await runCheck({ directory: root, only: ONLY });
  assert.deepEqual(result.findings.map((finding) => finding.ruleId), ['invalid-workflow-yaml']);
});

test('a 5 MB workflow is reported as too large, others still checked', async () => {
  const step = '      - name: step\n        run: |\n          npm ci | tee log.txt\n';
  let big = 'on: push\njobs:\n  big:\n    runs-on: ubuntu-latest\n    steps:\n';
  big += step.repeat(Math.ceil((5 * 1024 * 1024) / step.length));
  const root = repository('big', { '.github/workflows/big.yml': big, '.github/workflows/release.yml': MASKED_PUBLISH });
  const result = await runCheck({ directory: root, only: ONLY });
  assert.deepEqual(
    result.findings.map((finding) => [finding.ruleId, finding.file, finding.line]),
    [
      ['invalid-workflow-yaml', '.github/workflows/big.yml', 1],
      ['continue-on-error-hides-release-failure', '.github/workflows/release.yml', 7],
    ],
  );
  assert.match(result.findings[0]!.message, /^workflow file is 5\.0 MiB, over pubguard's limit of 1 MiB/);
});

test('symlink loops are skipped with a note', async () => {
  const root = repository('loop', { '.github/workflows/release.yml': MASKED_PUBLISH, 'package.json': '{"name":"a","workspaces":["packages/*"]}' });
  mkdirSync(join(root, 'packages'), { recursive: true });
  symlinkSync('..', join(root, 'packages', 'up'));
  symlinkSync('self.yml', join(root, '.github', 'workflows', 'self.yml'));
  symlinkSync('b.npmrc', join(root, 'packages', '.npmrc'));
  const result = await runCheck({ directory: root, only: ONLY });
  assert.deepEqual(result.findings.map((finding) => finding.ruleId), ['continue-on-error-hides-release-failure']);
  assert.ok(result.notes.some((note) => note.startsWith('.github/workflows/self.yml: skipped')), result.notes.join('\n'));
  assert.deepEqual(result.repository.packages.workspaces, []);
});

test('CLI: a missing directory exits 2 with one line', () => {
  const result = runCli(['check', join(scratch, 'does-not-exist')]);
  assert.equal(result.status, 2);
  assert.equal(result.stdout, '');
  assert.equal(result.stderr.trim().split('\n').length, 1);
  assert.match(result.stderr, /^pubguard: check: directory ".*does-not-exist" does not exist or is not a readable folder\n$/);
});

test('CLI: a file instead of a directory exits 2', () => {
  const root = repository('file-target', { 'file.txt': 'x' });
  const result = runCli(['check', join(root, 'file.txt')]);
  assert.equal(result.status, 2);
});

test('CLI: a folder without workflows is clean', () => {
  const root = repository('no-workflows', { 'README.md': 'hello' });
  const result = runCli(['check', root]);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, 'no problems found: 0 workflow files, 5 rules\n'.replace('5 rules', /\d+ rules/.exec(result.stdout)?.[0] ?? ''));
});
