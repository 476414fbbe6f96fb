// Publishes and failures as lerna, changesets, semantic-release, pnpm and Yarn 1 print them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { explainLogs } from '../../src/explain/index.js';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'pubguard-explain-tools-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function explainText(name: string, text: string) {
  const path = join(dir, name);
  writeFileSync(path, text);
  return explainLogs([path]);
}

test('lerna: published list', async () => {
  const report = await explainText('lerna.log', [
    'lerna info publish Publishing packages to npm...',
    'lerna success published @lumen/core 2.0.0',
    'Successfully published:',
    ' - @lumen/core@2.0.0',
    ' - @lumen/query-kit@2.0.0',
    'lerna success published 2 packages',
    '',
  ].join('\n'));
  assert.deepEqual(report.published.map((item) => [item.package, item.version, item.evidence[0]!.line]), [
    ['@lumen/core', '2.0.0', 4],
    ['@lumen/query-kit', '2.0.0', 5],
  ]);
  assert.equal(report.failures.length, 0);
  assert.equal(report.summary.verdict, 'passed');
});

test('changesets: success list and one failure', async () => {
  const report = await explainText('changesets.log', [
    '🦋  info npm info @quarry/core',
    '🦋  info Publishing "@quarry/core" at "1.4.0"',
    '🦋  info Publishing "@quarry/cli" at "1.4.0"',
    '🦋  error an error occurred while publishing @quarry/cli: E403 You may not perform that action with these credentials.',
    '🦋  success packages published successfully:',
    '🦋  @quarry/core@1.4.0',
    '🦋  error packages failed to publish:',
    '🦋  @quarry/cli@1.4.0',
    '',
  ].join('\n'));
  assert.deepEqual(report.published.map((item) => `${item.package}@${item.version}`), ['@quarry/core@1.4.0']);
  assert.equal(report.failures.length, 1, 'the closing summary is not a second failure');
  assert.equal(report.failures[0]!.package, '@quarry/cli');
  assert.equal(report.failures[0]!.httpStatus, 403);
  assert.equal(report.failures[0]!.signature, 'npm-403-credentials');
});

test('semantic-release: invalid token', async () => {
  const report = await explainText('semantic-release.log', [
    '[9:41:00 AM] [semantic-release] › ℹ  Running semantic-release version 24.2.0',
    '[9:41:02 AM] [semantic-release] › ✘  An error occurred while running semantic-release: SemanticReleaseError: Invalid npm token.',
    '  code: \'EINVALIDNPMTOKEN\',',
    '[9:41:02 AM] [semantic-release] › ✘  EINVALIDNPMTOKEN Invalid npm token.',
    '',
  ].join('\n'));
  assert.equal(report.failures.length, 1, 'one error printed in three shapes is one failure');
  assert.equal(report.failures[0]!.signature, 'semantic-release-npm-token');
  assert.equal(report.failures[0]!.causes[0]!.id, 'token-invalid-or-expired');
});

test('yarn 1: unset variable in .npmrc', async () => {
  const report = await explainText('yarn1.log', [
    'yarn publish v1.22.22',
    'error An unexpected error occurred: "Failed to replace env in config: ${NPM_TOKEN}".',
    'info If you think this is a bug, please open a bug report with the information provided in "/home/runner/work/app/app/yarn-error.log".',
    '',
  ].join('\n'));
  assert.equal(report.failures.length, 1);
  assert.equal(report.failures[0]!.signature, 'yarn1-env-replace');
  assert.equal(report.failures[0]!.causes[0]!.id, 'token-unexpanded-variable');
  assert.equal(report.failures[0]!.evidence[0]!.line, 2);
});

test('pnpm: own error code', async () => {
  const report = await explainText('pnpm.log', [
    ' ERR_PNPM_GIT_UNCLEAN  Unclean working tree. Commit or stash changes first.',
    '',
  ].join('\n'));
  assert.equal(report.failures.length, 0, 'an unknown error outside a publishing step is left out');
});

test('passed step hides failure, no construct', async () => {
  const report = await explainText('hidden.log', [
    '2026-05-01T09:00:00.0000000Z ##[group]Run node scripts/release.mjs',
    '2026-05-01T09:00:00.0100000Z node scripts/release.mjs',
    '2026-05-01T09:00:00.0200000Z shell: /usr/bin/bash -e {0}',
    '2026-05-01T09:00:00.0300000Z ##[endgroup]',
    '2026-05-01T09:00:01.2000000Z npm error code E401',
    '2026-05-01T09:00:01.3000000Z npm error 401 Unauthorized - PUT https://registry.npmjs.org/kestrel - Unable to authenticate, your authentication token seems to be invalid.',
    '2026-05-01T09:00:02.0000000Z done',
    '',
  ].join('\n'));
  assert.equal(report.failures.length, 1);
  assert.equal(report.failures[0]!.masked, true);
  assert.equal(report.failures[0]!.maskedBy, null);
  assert.equal(report.steps[0]!.outcome, 'failure-hidden');
  assert.match(report.failures[0]!.fixes[0]!.summary, /passed although the command failed at .*hidden\.log:6/);
});

test('success message after failure', async () => {
  const report = await explainText('success.log', [
    '2026-05-01T09:00:00.0000000Z ##[group]Run ./scripts/publish.sh',
    '2026-05-01T09:00:00.0100000Z ./scripts/publish.sh',
    '2026-05-01T09:00:00.0200000Z shell: /usr/bin/bash -e {0}',
    '2026-05-01T09:00:00.0300000Z ##[endgroup]',
    '2026-05-01T09:00:01.0000000Z npm notice 📦  kestrel@3.0.0',
    '2026-05-01T09:00:01.2000000Z npm error code E403',
    '2026-05-01T09:00:01.3000000Z npm error 403 403 Forbidden - PUT https://registry.npmjs.org/kestrel - You cannot publish over the previously published versions: 3.0.0.',
    '2026-05-01T09:00:02.0000000Z ✅ kestrel published successfully',
    '',
  ].join('\n'));
  assert.equal(report.failures[0]!.maskedBy, 'success-message');
  assert.ok(report.failures[0]!.evidence.some((evidence) => evidence.line === 8));
  assert.equal(report.failures[0]!.causes[0]!.id, 'version-exists');
  assert.equal(report.failures[0]!.version, '3.0.0');
});

test('expired token notice before a 404', async () => {
  const report = await explainText('expired.log', [
    'npm notice Publishing to https://registry.npmjs.org/ with tag latest and public access',
    'npm notice Access token expired or revoked. Please try logging in again.',
    'npm error code E404',
    'npm error 404 Not Found - PUT https://registry.npmjs.org/kestrel - Not found',
    '',
  ].join('\n'));
  const [failure] = report.failures;
  assert.equal(failure!.signature, 'npm-404-put');
  assert.equal(failure!.causes[0]!.id, 'token-invalid-or-expired');
  assert.ok(failure!.causes[0]!.evidence.some((evidence) => evidence.line === 2));
});

test('changesets: 404 on PUT matches npm-404-put', async () => {
  const report = await explainText('changesets-404.log', [
    '🦋  info Publishing "@quarry/cli" at "1.4.0"',
    '🦋  error an error occurred while publishing @quarry/cli: E404 Not Found - PUT https://registry.npmjs.org/@quarry%2fcli - Not found',
    '🦋  error packages failed to publish:',
    '🦋  @quarry/cli@1.4.0',
    '',
  ].join('\n'));
  assert.equal(report.failures.length, 1);
  assert.equal(report.failures[0]!.httpStatus, 404);
  assert.equal(report.failures[0]!.registry, 'https://registry.npmjs.org/');
  assert.equal(report.failures[0]!.signature, 'npm-404-put');
});

test('yarn 4: registry from the Publishing line', async () => {
  const report = await explainText('yarn4.log', [
    '➤ YN0000: · Yarn 4.5.3',
    '➤ YN0000: Publishing to https://npm.pkg.github.com with tag latest',
    '➤ YN0041: Invalid authentication (as an anonymous user)',
    '➤ YN0000: · Failed with errors in 0s 812ms',
    '',
  ].join('\n'));
  assert.equal(report.failures.length, 1);
  assert.equal(report.failures[0]!.npmCode, 'YN0041');
  assert.equal(report.failures[0]!.registry, 'https://npm.pkg.github.com/');
});

test('yarn 1: add of a never-published package', async () => {
  const report = await explainText('yarn1-404.log', [
    'yarn publish v1.22.22',
    '[3/4] Publishing...',
    'error Couldn\'t publish package: "https://npm.pkg.github.com/@acme%2flib: Forbidden"',
    'info Visit https://yarnpkg.com/en/docs/cli/publish for documentation about this command.',
    'yarn add v1.22.22',
    'info No lockfile found.',
    'error An unexpected error occurred: "https://npm.pkg.github.com/@acme%2flib: Not Found".',
    '',
  ].join('\n'));
  assert.equal(report.failures.length, 2);
  const [publish, add] = report.failures;
  assert.equal(publish!.httpStatus, 403);
  assert.equal(publish!.package, '@acme/lib');
  assert.equal(add!.httpStatus, 404);
  assert.equal(add!.signature, 'http-404-get');
  assert.equal(add!.consequenceOf, 0);
});

test('semantic-release: registry it verified', async () => {
  const report = await explainText('semantic-release-registry.log', [
    '[10:00:03 AM] [semantic-release] [@semantic-release/npm] › ℹ  Verify authentication for registry https://registry.npmjs.org/',
    '[10:00:03 AM] [semantic-release] › ✘  Failed step "verifyConditions" of plugin "@semantic-release/npm"',
    '[10:00:03 AM] [semantic-release] › ✘  EINVALIDNPMTOKEN Invalid npm token.',
    '',
  ].join('\n'));
  assert.equal(report.failures.length, 1);
  assert.equal(report.failures[0]!.signature, 'semantic-release-npm-token');
  assert.equal(report.failures[0]!.registry, 'https://registry.npmjs.org/');
});
