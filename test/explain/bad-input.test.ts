// Bad input gets one clear line (exit 2) or a correct report, never a stack trace.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { runCli } from '../helpers/cli.js';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'pubguard-explain-bad-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function assertOneLine(stderr: string): void {
  assert.equal(stderr.trim().split('\n').length, 1, `expected one line, got: ${stderr}`);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
}

test('empty file: exit 2, one line', () => {
  writeFileSync(join(dir, 'empty.log'), '');
  const result = runCli(['explain', 'empty.log'], { cwd: dir });
  assert.equal(result.status, 2);
  assertOneLine(result.stderr);
  assert.match(result.stderr, /"empty\.log" is empty/);
});

test('binary file: exit 2, one line', () => {
  writeFileSync(join(dir, 'program.bin'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1, 2, 3, 0, 0]));
  const result = runCli(['explain', 'program.bin'], { cwd: dir });
  assert.equal(result.status, 2);
  assertOneLine(result.stderr);
  assert.match(result.stderr, /"program\.bin" is a binary file/);
});

test('truncated zip: exit 2, one line', () => {
  const zip = zipSync({ '0_release.txt': strToU8('npm error code E401\n'.repeat(200)) });
  writeFileSync(join(dir, 'logs.zip'), zip.subarray(0, Math.floor(zip.length / 2)));
  const result = runCli(['explain', 'logs.zip'], { cwd: dir });
  assert.equal(result.status, 2);
  assertOneLine(result.stderr);
  assert.match(result.stderr, /"logs\.zip" is not a readable zip archive/);
});

test('invalid UTF-8: correct report', () => {
  const log = Buffer.concat([
    Buffer.from('npm notice Publishing to https://registry.npmjs.org/ with tag latest and default access\n'),
    Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x0a]),
    Buffer.from('npm error code E403\nnpm error 403 403 Forbidden - PUT https://registry.npmjs.org/left-pad - You may not perform that action with these credentials.\n'),
  ]);
  writeFileSync(join(dir, 'latin.log'), log);
  const result = runCli(['explain', '--format', 'json', 'latin.log'], { cwd: dir });
  assert.equal(result.status, 1);
  const report = JSON.parse(result.stdout);
  assert.equal(report.failures.length, 1);
  assert.equal(report.failures[0].package, 'left-pad');
  assert.equal(report.failures[0].evidence.find((item: { line: number }) => item.line === 4).line, 4);
});

test('single 10 MB line: correct report', () => {
  const long = 'x'.repeat(10 * 1024 * 1024);
  writeFileSync(join(dir, 'long.log'), `${long}\nnpm error code E401\nnpm error 401 Unauthorized - PUT https://registry.npmjs.org/big-pkg - Unable to authenticate, your authentication token seems to be invalid.\n`);
  const result = runCli(['explain', '--format', 'json', 'long.log'], { cwd: dir });
  assert.equal(result.status, 1);
  const report = JSON.parse(result.stdout);
  assert.equal(report.inputs[0].lines, 3);
  assert.equal(report.failures[0].package, 'big-pkg');
  assert.deepEqual(report.failures[0].evidence.map((item: { line: number }) => item.line), [2, 3]);
});

test('missing path: exit 2, one line', () => {
  const result = runCli(['explain', 'no-such.log'], { cwd: dir });
  assert.equal(result.status, 2);
  assertOneLine(result.stderr);
  assert.match(result.stderr, /cannot read "no-such\.log": no such file or directory/);
});

test('no publish in the log: says so, exit 0', () => {
  writeFileSync(join(dir, 'tests.log'), '2026-03-01T10:00:00.0000000Z ##[group]Run npm test\n2026-03-01T10:00:00.1000000Z npm test\n2026-03-01T10:00:00.2000000Z shell: /usr/bin/bash -e {0}\n2026-03-01T10:00:00.3000000Z ##[endgroup]\n2026-03-01T10:00:01.0000000Z 42 passing\n');
  const result = runCli(['explain', 'tests.log'], { cwd: dir });
  assert.equal(result.status, 0);
  assert.match(result.stdout, /no package publish and no registry failure found in tests\.log/);
  assertOneLine(result.stdout);
});

test('no arguments: usage error', () => {
  const result = runCli(['explain'], { cwd: dir });
  assert.equal(result.status, 2);
  assertOneLine(result.stderr);
});

test('standard input: read with -', () => {
  const input = readFileSync(new URL('../../examples/logs/yarn-berry-no-auth.log', import.meta.url), 'utf8');
  const result = runCli(['explain', '--format', 'json', '-'], { cwd: dir, input });
  assert.equal(result.status, 1);
  const report = JSON.parse(result.stdout);
  assert.equal(report.inputs[0].file, '-');
  assert.equal(report.failures[0].signature, 'yarn-berry-no-auth');
});

test('UTF-16 log: decoded, not binary', () => {
  const text = 'npm error code E401\nnpm error 401 Unauthorized - PUT https://registry.npmjs.org/kestrel - Unable to authenticate, your authentication token seems to be invalid.\n';
  writeFileSync(join(dir, 'powershell.log'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
  const result = runCli(['explain', '--format', 'json', 'powershell.log'], { cwd: dir });
  assert.equal(result.status, 1, result.stderr);
  const report = JSON.parse(result.stdout);
  assert.equal(report.failures[0].package, 'kestrel');
  assert.equal(report.failures[0].signature, 'npm-401-invalid-token');
});
