import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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
