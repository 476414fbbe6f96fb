import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryReader, readManifestRepository } from '../../src/workflow/index.js';
import { runCli } from '../helpers/cli.js';

const manifestCases: Array<[string, unknown, string | null]> = [
  ['github shorthand', 'github:octo-org/lib', 'octo-org/lib'],
  ['bare shorthand', 'octo-org/lib', 'octo-org/lib'],
  ['git+https URL', { type: 'git', url: 'git+https://github.com/octo-org/lib.git' }, 'octo-org/lib'],
  ['ssh URL', { url: 'git@github.com:octo-org/lib.git' }, 'octo-org/lib'],
  ['GitLab URL is not GitHub', { url: 'https://gitlab.com/octo-org/lib.git' }, null],
  ['gitlab shorthand', 'gitlab:octo-org/lib', null],
  ['no repository field', undefined, null],
];

for (const [name, repository, expected] of manifestCases) {
  test(`manifest repository: ${name}`, () => {
    const reader = createMemoryReader({ 'package.json': JSON.stringify({ name: 'x', repository }) });
    const identity = readManifestRepository(reader);
    assert.equal(identity ? `${identity.owner}/${identity.name}` : null, expected);
  });
}

// The owner decides github-packages-scope-mismatch, so a check without --repo
// must read it from the origin remote as a user's clone has it.
test('check reads the owner from the origin remote', () => {
  const root = mkdtempSync(join(tmpdir(), 'pubguard-origin-'));
  try {
    mkdirSync(join(root, '.github/workflows'), { recursive: true });
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: '@octo-org/lib', version: '1.0.0' }));
    writeFileSync(
      join(root, '.github/workflows/release.yml'),
      [
        'on: push',
        'permissions:',
        '  packages: write',
        'jobs:',
        '  release:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - uses: actions/setup-node@v4',
        '        with:',
        '          registry-url: https://npm.pkg.github.com/',
        '      - run: npm publish',
        '        env:',
        '          NODE_AUTH_TOKEN: ${{ secrets.GITHUB_TOKEN }}',
        '',
      ].join('\n'),
    );
    execFileSync('git', ['init', '-q'], { cwd: root });
    execFileSync('git', ['remote', 'add', 'origin', 'https://github.com/someone-else/fork.git'], { cwd: root });

    const fromRemote = runCli(['check', root, '--format', 'json', '--rule', 'github-packages-scope-mismatch']);
    const withFlag = runCli(['check', root, '--format', 'json', '--rule', 'github-packages-scope-mismatch', '--repo', 'someone-else/fork']);
    const ids = (stdout: string) => (JSON.parse(stdout) as { findings: Array<{ ruleId: string }> }).findings.map((finding) => finding.ruleId);
    assert.deepEqual(ids(withFlag.stdout), ['github-packages-scope-mismatch']);
    assert.deepEqual(ids(fromRemote.stdout), ids(withFlag.stdout));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
