import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';

// Nothing here may reach a registry: requests that escape go to a closed local port.
function offlineEnv(home: string): NodeJS.ProcessEnv {
  return { HOME: home, HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', NO_PROXY: '127.0.0.1,localhost', GITHUB_ACTIONS: '' };
}

function makePackage(npmrc: string): string {
  const root = mkdtempSync(join(tmpdir(), 'pubguard-bad-config-'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: '@acme/x', version: '1.0.0' }));
  writeFileSync(join(root, '.npmrc'), npmrc);
  return root;
}

test('publish: registry without a scheme fails before npm runs', () => {
  const root = makePackage('@acme:registry=npm.pkg.github.com\nregistry=http://127.0.0.1:9/\n');
  try {
    const result = runCli(['publish', '--no-verify', '--format', 'json'], { cwd: root, env: offlineEnv(root) });
    assert.equal(result.status, 1, result.stderr);
    const report = JSON.parse(result.stdout) as { packages: Array<{ status: string; cause: { id: string; evidence: Array<{ where: string }> }; command: string | null }> };
    const [entry] = report.packages;
    assert.equal(entry?.status, 'failed');
    assert.equal(entry?.cause.id, 'registry-invalid-url');
    assert.equal(entry?.cause.evidence[0]?.where, '.npmrc:1');
    assert.equal(entry?.command, null);
    assert.doesNotMatch(result.stderr, /internal error/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('publish: --log-dir under a missing /proc folder is one line', () => {
  const root = makePackage('registry=http://127.0.0.1:9/\n');
  try {
    const result = runCli(['publish', '--no-verify', '--log-dir', '/proc/pubguard-missing/x'], { cwd: root, env: offlineEnv(root) });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /--log-dir "\/proc\/pubguard-missing\/x" cannot be used as a folder/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('publish: --log-dir below a file is one line', () => {
  const root = makePackage('registry=http://127.0.0.1:9/\n');
  try {
    const result = runCli(['publish', '--no-verify', '--log-dir', 'package.json/logs'], { cwd: root, env: offlineEnv(root) });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /cannot be used as a folder \(a file is in the way\)/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
