// The other example logs; line numbers were read off the files by hand.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { explainLogs } from '../../src/explain/index.js';

const example = (name: string) => fileURLToPath(new URL(`../../examples/logs/${name}`, import.meta.url));
const lines = (evidence: Array<{ line: number }>) => evidence.map((item) => item.line);

test('oidc-old-npm-404: npm too old first', async () => {
  const report = await explainLogs([example('oidc-old-npm-404.log')]);
  assert.equal(report.failures.length, 1);
  const [failure] = report.failures;
  assert.equal(failure!.package, 'kestrel');
  assert.equal(failure!.version, '4.2.0');
  assert.equal(failure!.signature, 'npm-404-put');
  assert.equal(failure!.masked, false);
  assert.equal(failure!.causes[0]!.id, 'npm-too-old-for-oidc');
  assert.equal(failure!.causes[0]!.confidence, 'high');
  assert.deepEqual(lines(failure!.causes[0]!.evidence), [9, 29, 63]);
  const placeholder = failure!.causes.find((cause) => cause.id === 'token-placeholder');
  assert.equal(placeholder?.confidence, 'medium');
  assert.ok(lines(placeholder!.evidence).includes(46));
  assert.match(failure!.fixes[0]!.summary, /npm 11\.5\.1 or later/);
  assert.match(failure!.fixes[1]!.summary, /remove `registry-url`/);
});

test('gh-run-view-otp: hidden by || echo', async () => {
  const report = await explainLogs([example('gh-run-view-otp.log')]);
  const [failure] = report.failures;
  assert.equal(failure!.job, 'publish');
  assert.equal(failure!.step, 'Publish to npm');
  assert.equal(failure!.npmCode, 'EOTP');
  assert.equal(failure!.maskedBy, 'or-true');
  assert.ok(lines(failure!.evidence).includes(13));
  assert.equal(failure!.causes[0]!.id, 'token-needs-otp');
});

test('yarn-berry-no-auth: Yarn ignores .npmrc', async () => {
  const report = await explainLogs([example('yarn-berry-no-auth.log')]);
  const [failure] = report.failures;
  assert.equal(failure!.npmCode, 'YN0033');
  assert.deepEqual(lines(failure!.evidence), [13]);
  assert.equal(failure!.causes[0]!.id, 'yarn-berry-ignores-npmrc');
  assert.match(failure!.fixes[0]!.summary, /YARN_NPM_AUTH_TOKEN/);
});

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'pubguard-explain-examples-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('packages read permission: workflow permission first', async () => {
  const path = join(dir, 'release.log');
  writeFileSync(path, [
    '2026-06-30T21:03:10.0000000Z ##[group]GITHUB_TOKEN Permissions',
    '2026-06-30T21:03:10.1000000Z Contents: read',
    '2026-06-30T21:03:10.2000000Z Packages: read',
    '2026-06-30T21:03:10.3000000Z ##[endgroup]',
    '2026-06-30T21:03:11.0000000Z ##[group]Run npm publish',
    '2026-06-30T21:03:11.1000000Z npm publish',
    '2026-06-30T21:03:11.2000000Z shell: /usr/bin/bash -e {0}',
    '2026-06-30T21:03:11.3000000Z env:',
    '2026-06-30T21:03:11.4000000Z   NODE_AUTH_TOKEN: ***',
    '2026-06-30T21:03:11.5000000Z ##[endgroup]',
    '2026-06-30T21:03:12.0000000Z npm error code E403',
    '2026-06-30T21:03:12.1000000Z npm error 403 403 Forbidden - PUT https://npm.pkg.github.com/@harborlight%2fapi - Permission permission_denied: write_package',
    '2026-06-30T21:03:12.2000000Z ##[error]Process completed with exit code 1.',
    '',
  ].join('\n'));
  const report = await explainLogs([path]);
  const [failure] = report.failures;
  assert.equal(failure!.job, 'release');
  assert.equal(failure!.causes[0]!.id, 'workflow-permission-missing');
  assert.ok(lines(failure!.causes[0]!.evidence).includes(3));
  assert.deepEqual(report.steps.map((step) => step.name), ['npm publish'], 'the permissions group is not a step');
});
