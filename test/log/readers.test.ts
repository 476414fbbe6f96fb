// The log readers: line cleaning, format detection, archives and streams.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { zipSync, strToU8 } from 'fflate';
import { readLogs, sniffTextFormat, stripAnsi, type LogFileInfo, type LogLine, type LogSink } from '../../src/log/index.js';
import { explainLogs } from '../../src/explain/index.js';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'pubguard-log-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

class CollectAll implements LogSink {
  files: LogFileInfo[] = [];
  lines: LogLine[] = [];
  fileStart(info: LogFileInfo): void {
    this.files.push(info);
  }
  fileEnd(): void {}
  line(entry: LogLine): void {
    this.lines.push(entry);
  }
  wantsEveryLine(): boolean {
    return true;
  }
}

test('cleaning: BOM, CRLF, timestamps, ANSI', async () => {
  const path = join(dir, 'clean.log');
  writeFileSync(path, '\uFEFF2026-02-10T20:13:01.1234567Z ##[group]Run npm publish\r\n2026-02-10T20:13:01.2234567Z \x1b[36;1mnpm publish\x1b[0m\r\nplain line without timestamp\r\n');
  const sink = new CollectAll();
  const [summary] = await readLogs([path], sink);
  assert.equal(summary!.format, 'github-actions');
  assert.equal(summary!.lines, 3);
  assert.deepEqual(sink.lines.map((line) => [line.line, line.text]), [
    [1, '##[group]Run npm publish'],
    [2, 'npm publish'],
    [3, 'plain line without timestamp'],
  ]);
});

test('stripAnsi: colour and cursor codes', () => {
  assert.equal(stripAnsi('\x1b[31mred\x1b[0m and \x1b[1;32mgreen\x1b[39m\x1b[2K'), 'red and green');
});

test('format sniffing', () => {
  assert.equal(sniffTextFormat(strToU8('release\tPublish\t2026-02-10T20:13:01.1234567Z npm publish\n')), 'gh-run-view');
  assert.equal(sniffTextFormat(strToU8('2026-02-10T20:13:01.1234567Z hello\n')), 'github-actions');
  assert.equal(sniffTextFormat(strToU8('npm error code E401\n')), 'plain');
});

test('gh run view: step names from the column, UNKNOWN STEP', async () => {
  const path = join(dir, 'gh.log');
  writeFileSync(path, [
    'release\tPublish backend\t\uFEFF2026-02-10T20:13:01.1000000Z ##[group]Run npm publish',
    'release\tPublish backend\t2026-02-10T20:13:01.2000000Z npm publish',
    'release\tPublish backend\t2026-02-10T20:13:01.3000000Z shell: /usr/bin/bash -e {0}',
    'release\tPublish backend\t2026-02-10T20:13:01.4000000Z ##[endgroup]',
    'release\tPublish backend\t2026-02-10T20:13:02.0000000Z npm error code E401',
    'release\tPublish backend\t2026-02-10T20:13:02.1000000Z npm error 401 Unauthorized - PUT https://npm.pkg.github.com/@acme%2fbackend - authentication token not provided',
    'release\tPublish backend\t2026-02-10T20:13:02.2000000Z ##[error]Process completed with exit code 1.',
    'release\tUNKNOWN STEP\t2026-02-10T20:13:03.0000000Z ##[group]Run npm install @acme/backend',
    'release\tUNKNOWN STEP\t2026-02-10T20:13:03.1000000Z npm install @acme/backend',
    'release\tUNKNOWN STEP\t2026-02-10T20:13:03.2000000Z ##[endgroup]',
    '',
  ].join('\n'));
  const report = await explainLogs([path]);
  assert.equal(report.inputs[0]!.format, 'gh-run-view');
  assert.deepEqual(report.steps.map((step) => step.name), ['Publish backend', 'npm install @acme/backend']);
  assert.equal(report.failures[0]!.step, 'Publish backend');
  assert.equal(report.failures[0]!.job, 'release');
  assert.equal(report.failures[0]!.evidence.find((item) => item.text.includes('Unauthorized'))!.line, 6);
});

test('log archive: per-step files are not counted twice', async () => {
  const publishLog = [
    '2026-02-10T20:13:01.1000000Z ##[group]Run npm publish',
    '2026-02-10T20:13:01.2000000Z npm publish',
    '2026-02-10T20:13:01.3000000Z shell: /usr/bin/bash -e {0}',
    '2026-02-10T20:13:01.4000000Z ##[endgroup]',
    '2026-02-10T20:13:02.0000000Z npm notice 📦  left-pad@1.3.0',
    '2026-02-10T20:13:02.1000000Z npm notice Publishing to https://registry.npmjs.org/ with tag latest and default access',
    '2026-02-10T20:13:02.2000000Z + left-pad@1.3.0',
    '',
  ].join('\n');
  const archive = zipSync({
    '0_release.txt': strToU8(publishLog),
    'release/1_Set up job.txt': strToU8('2026-02-10T20:13:00.0000000Z Current runner version\n'),
    'release/2_Publish.txt': strToU8(publishLog),
  });
  const path = join(dir, 'logs.zip');
  writeFileSync(path, archive);
  const report = await explainLogs([path]);
  assert.deepEqual(report.inputs.map((input) => input.file), [`${path}:0_release.txt`]);
  assert.equal(report.published.length, 1);
  assert.equal(report.published[0]!.job, 'release');
  assert.equal(report.published[0]!.evidence[0]!.line, 7);
});

test('log archive: only per-step files, named steps', async () => {
  const archive = zipSync({
    'release/3_Publish backend.txt': strToU8('2026-02-10T20:13:02.0000000Z npm error code E403\n2026-02-10T20:13:02.1000000Z npm error 403 403 Forbidden - PUT https://npm.pkg.github.com/@acme%2fbackend - Permission permission_denied: write_package\n'),
  });
  const path = join(dir, 'steps.zip');
  writeFileSync(path, archive);
  const report = await explainLogs([path]);
  assert.equal(report.failures.length, 1);
  assert.equal(report.failures[0]!.step, 'Publish backend');
  assert.equal(report.failures[0]!.job, 'release');
  assert.equal(report.failures[0]!.signature, 'gpr-403-write-package');
});

test('gzip, directory and standard input', async () => {
  const text = 'npm error code E402\nnpm error 402 Payment Required - PUT https://registry.npmjs.org/@acme%2fui - You must sign up for private packages\n';
  const nested = join(dir, 'several');
  rmSync(nested, { recursive: true, force: true });
  const { mkdirSync } = await import('node:fs');
  mkdirSync(nested);
  writeFileSync(join(nested, 'a.log.gz'), gzipSync(text));
  writeFileSync(join(nested, 'b.log'), text.replace('@acme%2fui', '@acme%2fdocs'));
  const fromDirectory = await explainLogs([nested]);
  assert.deepEqual(fromDirectory.failures.map((failure) => failure.package), ['@acme/ui', '@acme/docs']);
  const fromStdin = await explainLogs(['-'], { stdin: Readable.from([Buffer.from(text)]) });
  assert.equal(fromStdin.inputs[0]!.file, '-');
  assert.equal(fromStdin.failures[0]!.signature, 'npm-402-payment-required');
});

test('marker filter: look-alike lines are not failures', async () => {
  const path = join(dir, 'lookalike.log');
  writeFileSync(path, [
    '2026-02-10T20:13:01.1000000Z ##[group]Run echo "npm error code E401 means a bad token"',
    '2026-02-10T20:13:01.2000000Z echo "npm error code E401 means a bad token"',
    '2026-02-10T20:13:01.3000000Z shell: /usr/bin/bash -e {0}',
    '2026-02-10T20:13:01.4000000Z ##[endgroup]',
    '2026-02-10T20:13:02.0000000Z hint: npm error code E401 means a bad token',
    '2026-02-10T20:13:02.1000000Z   ✓ maps npm error 401 Unauthorized - PUT https://registry.npmjs.org/x to a cause (3 ms)',
    '',
  ].join('\n'));
  const report = await explainLogs([path]);
  assert.equal(report.failures.length, 0);
  assert.equal(report.summary.verdict, 'no-publish');
});

test('log archive: steps of one job compared', async () => {
  const ts = (index: number) => `2026-02-10T20:13:${String(10 + index).padStart(2, '0')}.0000000Z`;
  const file = (lines: string[]) => strToU8(`${lines.map((line, index) => `${ts(index)} ${line}`).join('\n')}\n`);
  const archive = zipSync({
    'release/2_Publish web.txt': file([
      '##[group]Run npm publish',
      'npm publish',
      'shell: /usr/bin/bash -e {0}',
      '##[endgroup]',
      'npm notice Publishing to https://npm.pkg.github.com/ with tag latest and default access',
      '+ @acme/web@1.0.0',
    ]),
    'release/3_Publish api.txt': file([
      '##[group]Run cd packages/api',
      'cd packages/api',
      'npm publish',
      'shell: /usr/bin/bash -e {0}',
      '##[endgroup]',
      'npm error code E401',
      'npm error 401 Unauthorized - PUT https://npm.pkg.github.com/@acme%2fapi - unauthenticated: User cannot be authenticated with the token provided.',
      '##[error]Process completed with exit code 1.',
    ]),
    'release/4_Create release.txt': file(['##[group]Run gh release create v1.0.0', 'gh release create v1.0.0', 'shell: /usr/bin/bash -e {0}', '##[endgroup]']),
  });
  const path = join(dir, 'job-steps.zip');
  writeFileSync(path, archive);
  const report = await explainLogs([path]);
  assert.deepEqual(report.steps.map((step) => step.name), ['Publish web', 'Publish api', 'Create release']);
  const [failure] = report.failures;
  assert.equal(failure!.step, 'Publish api');
  assert.equal(failure!.maskedBy, 'continue-on-error');
  const workdir = failure!.causes.find((cause) => cause.id === 'workdir-config-differs');
  assert.ok(workdir, 'the publish that worked in the same job is used');
  assert.ok(workdir.evidence.some((evidence) => evidence.file === `${path}:release/2_Publish web.txt` && evidence.line === 6));
  assert.ok(workdir.evidence.some((evidence) => evidence.file === `${path}:release/3_Publish api.txt` && evidence.line === 2));
});
