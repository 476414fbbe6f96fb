import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';

const packageVersion = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

test('--version prints the package version', () => {
  const result = runCli(['--version']);
  assert.equal(result.status, 0);
  assert.equal(result.stdout, `${packageVersion}\n`);
});

test('no arguments prints help and exits 2', () => {
  const result = runCli([]);
  assert.equal(result.status, 2);
  assert.match(result.stdout, /Usage: pubguard <command>/);
});

test('unknown command is one line, exit 2', () => {
  const result = runCli(['frobnicate']);
  assert.equal(result.status, 2);
  assert.equal(result.stdout, '');
  assert.equal(result.stderr.trim().split('\n').length, 1);
  assert.match(result.stderr, /unknown command "frobnicate"/);
});

test('every verb answers --help with exit 0', () => {
  for (const verb of ['check', 'explain', 'doctor', 'publish', 'verify']) {
    const result = runCli([verb, '--help']);
    assert.equal(result.status, 0, verb);
    assert.match(result.stdout, new RegExp(`pubguard ${verb}`), verb);
  }
});

test('unknown option names the option once', () => {
  const result = runCli(['explain', '--bogus', 'x.log']);
  assert.equal(result.status, 2);
  assert.equal(result.stderr, 'pubguard: explain: unknown option "--bogus" (see `pubguard explain --help`)\n');
});

test('option without its value is one line', () => {
  const result = runCli(['check', '.', '--format']);
  assert.equal(result.status, 2);
  assert.equal(result.stderr, 'pubguard: check: option "--format" needs a value (see `pubguard check --help`)\n');
});

test('verify names itself in input errors', () => {
  const invalid = runCli(['verify', 'foo@']);
  assert.equal(invalid.status, 2);
  assert.match(invalid.stderr, /^pubguard: verify: invalid package version "foo@"/);
  const empty = mkdtempSync(join(tmpdir(), 'pubguard-verify-empty-'));
  try {
    const missing = runCli(['verify'], { cwd: empty });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^pubguard: verify: no package\.json in .*, or name the versions to verify \(pubguard verify name@1\.2\.3\)\n$/);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});
