// Job logs shaped like real runs: npm errors quoted by tests and hints,
// retries, dry runs, log archives and their folders, trusted publishing,
// failure handlers, consequences across jobs, and odd line endings.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { explainLogs } from '../../src/explain/index.js';
import { renderExplainMarkdown } from '../../src/report/explain-markdown.js';
import { renderExplainText } from '../../src/report/explain-text.js';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'pubguard-explain-shapes-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

// Prefix each line with a GitHub Actions timestamp, one tenth of a second apart.
function jobLog(lines: string[]): string {
  return lines.map((line, index) => `2026-11-20T10:00:${String(10 + Math.floor(index / 10)).padStart(2, '0')}.${index % 10}000000Z ${line}`).join('\n') + '\n';
}

function stepHeader(script: string[], env: Record<string, string> = {}): string[] {
  const lines = [`##[group]Run ${script[0]}`, ...script.map((line) => `\x1b[36;1m${line}\x1b[0m`), 'shell: /usr/bin/bash -e {0}'];
  if (Object.keys(env).length > 0) lines.push('env:', ...Object.entries(env).map(([key, value]) => `  ${key}: ${value}`));
  lines.push('##[endgroup]');
  return lines;
}

const PUBLISH_ENV = { NPM_CONFIG_USERCONFIG: '/home/runner/work/_temp/.npmrc', NODE_AUTH_TOKEN: '***' };

const SUCCESSFUL_PUBLISH = [
  ...stepHeader(['npm publish --access public'], PUBLISH_ENV),
  'npm notice 📦  @acme/lib@1.2.0',
  'npm notice Publishing to https://registry.npmjs.org/ with tag latest and public access',
  '+ @acme/lib@1.2.0',
];

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

test('test output quoting npm errors: no failure', async () => {
  const path = write('tests-then-publish.log', jobLog([
    ...stepHeader(['npm test']),
    '✔ prints npm error code E401 when the token is bad (3.1ms)',
    'npm error code E401 is what a bad token gives, see the fixture',
    'npm error 401 Unauthorized - PUT https://registry.npmjs.org/fixture-pkg - fixture',
    'ℹ pass 2',
    ...SUCCESSFUL_PUBLISH,
  ]));
  const report = await explainLogs([path]);
  assert.equal(report.failures.length, 0, 'lines printed by a passing test step are not registry failures');
  assert.equal(report.summary.verdict, 'passed');
});

test('echoed hint in a passing step: no failure', async () => {
  const path = write('echo-hint.log', jobLog([
    ...stepHeader(['echo "npm error 404 Not Found - PUT https://registry.npmjs.org/x - means no credential"']),
    'npm error 404 Not Found - PUT https://registry.npmjs.org/x - means no credential',
    ...SUCCESSFUL_PUBLISH,
  ]));
  const report = await explainLogs([path]);
  assert.equal(report.failures.length, 0);
});

test('npm code line with trailing words is no code', async () => {
  const path = write('code-sentence.log', 'npm error code E401 is what a bad token gives\n');
  const report = await explainLogs([path]);
  assert.equal(report.failures.length, 0);
});

test('install step failing visibly: still reported', async () => {
  const path = write('install-fails.log', jobLog([
    ...stepHeader(['npm install @acme/lib@1.2.0']),
    'npm error code E404',
    'npm error 404 Not Found - GET https://registry.npmjs.org/@acme%2flib - Not found',
    '##[error]Process completed with exit code 1.',
  ]));
  const report = await explainLogs([path]);
  assert.equal(report.failures.length, 1);
  assert.equal(report.failures[0]!.signature, 'http-404-get');
  assert.equal(report.failures[0]!.package, '@acme/lib');
});

test('retry that published: no failure, exit 0', async () => {
  const path = write('retry.log', jobLog([
    ...stepHeader(['for attempt in 1 2 3; do', '  npm publish && break', '  sleep 10', 'done'], PUBLISH_ENV),
    'npm notice 📦  left-pad-ng@3.0.1',
    'npm notice Publishing to https://registry.npmjs.org/ with tag latest and default access',
    'npm error code ECONNRESET',
    'npm error syscall read',
    'npm error errno ECONNRESET',
    'npm error network request to https://registry.npmjs.org/left-pad-ng failed, reason: read ECONNRESET',
    'attempt 1 failed, retrying',
    'npm notice 📦  left-pad-ng@3.0.1',
    'npm notice Publishing to https://registry.npmjs.org/ with tag latest and default access',
    '+ left-pad-ng@3.0.1',
  ]));
  const report = await explainLogs([path]);
  assert.equal(report.failures.length, 0, 'the retry published the same version');
  assert.equal(report.published.length, 1);
  assert.equal(report.summary.verdict, 'passed');
  assert.equal(report.summary.recovered, 1);
  const evidenceLines = report.published[0]!.evidence.map((evidence) => evidence.line);
  assert.deepEqual(evidenceLines, [20, 16], 'the publish line, then the failed attempt');
  assert.match(renderExplainText(report), /retry\.log:20: `left-pad-ng@3\.0\.1`.*after the failed attempt at .*retry\.log:16/);
  assert.match(renderExplainMarkdown(report), /after the failed attempt at `` .*retry\.log:16 ``/);
});

test('retry of another version: failure stays', async () => {
  const path = write('retry-other.log', jobLog([
    ...stepHeader(['npm publish || npm publish --tag next'], PUBLISH_ENV),
    'npm notice 📦  left-pad-ng@3.0.1',
    'npm error code E403',
    'npm error 403 403 Forbidden - PUT https://registry.npmjs.org/left-pad-ng - You cannot publish over the previously published versions: 3.0.1.',
    'npm notice 📦  left-pad-ng@3.0.2',
    '+ left-pad-ng@3.0.2',
  ]));
  const report = await explainLogs([path]);
  assert.equal(report.failures.length, 1);
  assert.equal(report.failures[0]!.version, '3.0.1');
  assert.equal(report.summary.recovered, 0);
});

const ARCHIVE_JOB = [
  '2026-02-10T20:13:00.0000000Z Current runner version: \'2.321.0\'',
  '2026-02-10T20:13:01.1000000Z ##[group]Run npm publish',
  '2026-02-10T20:13:01.2000000Z npm publish',
  '2026-02-10T20:13:01.3000000Z shell: /usr/bin/bash -e {0}',
  '2026-02-10T20:13:01.4000000Z ##[endgroup]',
  '2026-02-10T20:13:02.0000000Z npm notice 📦  @acme/web@2.0.0',
  '2026-02-10T20:13:02.1000000Z npm notice Publishing to https://npm.pkg.github.com/ with tag latest and default access',
  '2026-02-10T20:13:02.2000000Z + @acme/web@2.0.0',
  '2026-02-10T20:13:03.1000000Z ##[group]Run cd packages/api',
  '2026-02-10T20:13:03.2000000Z cd packages/api',
  '2026-02-10T20:13:03.3000000Z npm publish',
  '2026-02-10T20:13:03.4000000Z shell: /usr/bin/bash -e {0}',
  '2026-02-10T20:13:03.5000000Z ##[endgroup]',
  '2026-02-10T20:13:04.0000000Z npm notice 📦  @acme/api@2.0.0',
  '2026-02-10T20:13:04.1000000Z npm error code E401',
  '2026-02-10T20:13:04.2000000Z npm error 401 Unauthorized - PUT https://npm.pkg.github.com/@acme%2fapi - unauthenticated: User cannot be authenticated with the token provided.',
  '2026-02-10T20:13:04.3000000Z ##[error]Process completed with exit code 1.',
];

// GitHub's archive layout: one file per job, and a folder of per-step files named after the steps.
function archiveFiles(): Record<string, string> {
  const job = `${ARCHIVE_JOB.join('\n')}\n`;
  return {
    '0_release.txt': job,
    'release/1_Set up job.txt': `${ARCHIVE_JOB.slice(0, 1).join('\n')}\n`,
    'release/2_Publish web.txt': `${ARCHIVE_JOB.slice(1, 8).join('\n')}\n`,
    'release/3_Publish api.txt': `${ARCHIVE_JOB.slice(8).join('\n')}\n`,
  };
}

test('log archive: step names from per-step files', async () => {
  const files = archiveFiles();
  const path = join(dir, 'named.zip');
  writeFileSync(path, zipSync(Object.fromEntries(Object.entries(files).map(([name, text]) => [name, strToU8(text)]))));
  const report = await explainLogs([path]);
  assert.deepEqual(report.published.map((item) => item.step), ['Publish web']);
  assert.equal(report.failures.length, 1);
  assert.equal(report.failures[0]!.step, 'Publish api');
  assert.equal(report.failures[0]!.evidence[0]!.file, `${path}:0_release.txt`, 'evidence cites the whole-job file');
});

test('unzipped log archive folder: steps counted once', async () => {
  const folder = join(dir, 'logs_4242');
  mkdirSync(join(folder, 'release'), { recursive: true });
  for (const [name, text] of Object.entries(archiveFiles())) writeFileSync(join(folder, name), text);
  const report = await explainLogs([folder]);
  assert.deepEqual(report.inputs.map((input) => input.file), [join(folder, '0_release.txt')]);
  assert.equal(report.published.length, 1);
  assert.equal(report.failures.length, 1);
  assert.equal(report.failures[0]!.step, 'Publish api');
  assert.equal(report.failures[0]!.job, 'release');
});

test('folder of per-step files: job and step', async () => {
  const folder = join(dir, 'steps-only');
  mkdirSync(join(folder, 'release'), { recursive: true });
  const files = archiveFiles();
  writeFileSync(join(folder, 'release', '3_Publish api.txt'), files['release/3_Publish api.txt']!);
  const report = await explainLogs([folder]);
  assert.equal(report.failures.length, 1);
  assert.equal(report.failures[0]!.step, 'Publish api');
  assert.equal(report.failures[0]!.job, 'release');
});

test('doubled carriage return: publish line still read', async () => {
  const path = write('crcrlf.log', jobLog(SUCCESSFUL_PUBLISH).replace(/\n/g, '\r\r\n'));
  const report = await explainLogs([path]);
  assert.deepEqual(report.published.map((item) => `${item.package}@${item.version}`), ['@acme/lib@1.2.0']);
});

test('install of a failed version: consequence', async () => {
  const publishJob = jobLog([
    ...stepHeader(['npm publish 2>&1 | tee publish.log'], PUBLISH_ENV),
    'npm notice 📦  @acme/lib@1.2.0',
    'npm notice Publishing to https://npm.pkg.github.com/ with tag latest and default access',
    'npm error code E403',
    'npm error 403 403 Forbidden - PUT https://npm.pkg.github.com/@acme%2flib - Permission permission_denied: write_package',
  ]);
  const verifyJob = jobLog([
    ...stepHeader(['npm install @acme/lib@1.2.0'], PUBLISH_ENV),
    'npm error code ETARGET',
    'npm error notarget No matching version found for @acme/lib@1.2.0.',
    'npm error notarget In most cases you or one of your dependencies are requesting',
    '##[error]Process completed with exit code 1.',
  ]);
  const path = join(dir, 'two-jobs.zip');
  writeFileSync(path, zipSync({ '0_publish.txt': strToU8(publishJob), '1_verify.txt': strToU8(verifyJob) }));
  const report = await explainLogs([path]);
  assert.equal(report.failures.length, 2);
  const [publish, verify] = report.failures;
  assert.equal(publish!.job, 'publish');
  assert.equal(publish!.maskedBy, 'pipeline');
  assert.equal(verify!.job, 'verify');
  assert.equal(verify!.signature, 'no-matching-version');
  assert.equal(verify!.package, '@acme/lib');
  assert.equal(verify!.version, '1.2.0');
  assert.equal(verify!.consequenceOf, 0);
  assert.equal(verify!.masked, false);
  assert.equal(report.summary.rootCause, 'package-permission-denied');
});

const OIDC_JOB_SETUP = [
  '##[group]GITHUB_TOKEN Permissions',
  'Contents: read',
  'IdToken: write',
  '##[endgroup]',
  '##[group]Environment details',
  'node: v24.11.0',
  'npm: 11.6.1',
  '##[endgroup]',
];

test('OIDC exchange rejected: trusted publisher first', async () => {
  const path = write('oidc-exchange.log', jobLog([
    ...OIDC_JOB_SETUP,
    ...stepHeader(['npm publish --loglevel verbose'], { NPM_CONFIG_USERCONFIG: '/home/runner/work/_temp/.npmrc', NODE_AUTH_TOKEN: 'XXXXX-XXXXX-XXXXX-XXXXX' }),
    'npm notice 📦  kestrel@4.3.0',
    'npm http fetch POST 404 https://registry.npmjs.org/-/npm/v1/oidc/token/exchange/package/kestrel 412ms',
    'npm verbose oidc Failed token exchange request with body message: OIDC token exchange error - package not found',
    'npm notice Publishing to https://registry.npmjs.org/ with tag latest and default access',
    'npm error code E404',
    'npm error 404 Not Found - PUT https://registry.npmjs.org/kestrel - Not found',
    '##[error]Process completed with exit code 1.',
  ]));
  const report = await explainLogs([path]);
  assert.equal(report.failures.length, 1);
  const [first, second] = report.failures[0]!.causes;
  assert.equal(first!.id, 'oidc-not-configured');
  assert.equal(first!.confidence, 'high');
  assert.ok(first!.evidence.some((evidence) => evidence.line === 18), 'cites the verbose oidc line');
  assert.notEqual(second!.id, 'token-placeholder', 'npm did try the exchange, so the placeholder did not stop it');
});

test('OIDC job, ENEEDAUTH: no token advice first', async () => {
  const path = write('oidc-eneedauth.log', jobLog([
    ...OIDC_JOB_SETUP,
    ...stepHeader(['npm publish'], { NPM_CONFIG_USERCONFIG: '/home/runner/work/_temp/.npmrc' }),
    'npm notice 📦  kestrel@4.3.0',
    'npm error code ENEEDAUTH',
    'npm error need auth This command requires you to be logged in to https://registry.npmjs.org/',
    '##[error]Process completed with exit code 1.',
  ]));
  const report = await explainLogs([path]);
  assert.equal(report.failures.length, 1);
  assert.equal(report.failures[0]!.causes[0]!.id, 'oidc-not-configured');
  assert.equal(report.failures[0]!.fixes[0]!.for, 'oidc-not-configured');
  assert.ok(!report.failures[0]!.causes.slice(0, 2).some((cause) => cause.id === 'npm-too-old-for-oidc'), 'npm 11.6.1 is new enough');
});

test('failure notifier after failed publish: not masked', async () => {
  const path = write('notify.log', jobLog([
    ...stepHeader(['npm publish'], PUBLISH_ENV),
    'npm notice 📦  @acme/lib@1.2.0',
    'npm error code E403',
    'npm error 403 403 Forbidden - PUT https://registry.npmjs.org/@acme%2flib - You may not perform that action with these credentials.',
    '##[error]Process completed with exit code 1.',
    ...stepHeader(['curl -sS -X POST -d "release failed" "$SLACK_WEBHOOK"'], { SLACK_WEBHOOK: '***' }),
    'ok',
  ]));
  const report = await explainLogs([path]);
  assert.equal(report.failures.length, 1);
  assert.equal(report.failures[0]!.masked, false, 'a step that reports the failure runs because of it');
  assert.equal(report.failures[0]!.maskedBy, null);
});

test('release step after failed publish: continue-on-error', async () => {
  const path = write('release-after.log', jobLog([
    ...stepHeader(['npm publish'], PUBLISH_ENV),
    'npm notice 📦  @acme/lib@1.2.0',
    'npm error code E403',
    'npm error 403 403 Forbidden - PUT https://registry.npmjs.org/@acme%2flib - You may not perform that action with these credentials.',
    '##[error]Process completed with exit code 1.',
    ...stepHeader(['gh release create "v1.2.0" --generate-notes'], { GH_TOKEN: '***' }),
    'https://github.com/acme/lib/releases/tag/v1.2.0',
  ]));
  const report = await explainLogs([path]);
  assert.equal(report.failures[0]!.masked, true);
  assert.equal(report.failures[0]!.maskedBy, 'continue-on-error');
});

test('dry run: nothing published', async () => {
  const path = write('dry-run.log', [
    'npm notice 📦  kestrel@4.3.0',
    'npm notice Publishing to https://registry.npmjs.org/ with tag latest and default access (dry-run)',
    '+ kestrel@4.3.0',
    '',
  ].join('\n'));
  const report = await explainLogs([path]);
  assert.equal(report.published.length, 0, 'npm marks a dry run with (dry-run)');
  assert.equal(report.summary.verdict, 'no-publish');
});

test('dry-run step, pnpm order: nothing published', async () => {
  const path = write('pnpm-dry-run.log', jobLog([
    ...stepHeader(['pnpm --filter @acme/shared publish --dry-run --no-git-checks']),
    '+ @acme/shared@0.1.0',
    'npm notice Publishing to https://npm.pkg.github.com/ with tag latest and default access (dry-run)',
  ]));
  const report = await explainLogs([path]);
  assert.equal(report.published.length, 0);
});

test('GitHub Packages 404 on PUT, unscoped name', async () => {
  const path = write('gpr-404-unscoped.log', [
    'npm notice Publishing to https://npm.pkg.github.com/ with tag latest and default access',
    'npm error code E404',
    'npm error 404 Not Found - PUT https://npm.pkg.github.com/nestlink-lib',
    'npm error 404',
    "npm error 404  'nestlink-lib@0.8.0' is not in this registry.",
    '',
  ].join('\n'));
  const report = await explainLogs([path]);
  const failure = report.failures[0]!;
  assert.equal(failure.signature, 'gpr-404-put');
  assert.equal(failure.package, 'nestlink-lib');
  assert.equal(failure.version, '0.8.0');
  assert.equal(failure.causes[0]!.id, 'scope-owner-mismatch');
  assert.ok(!failure.causes.some((cause) => cause.id === 'oidc-not-configured'), 'GitHub Packages takes no OIDC');
});

test('plain output: fix names no pseudo step', async () => {
  const path = write('plain-401.log', [
    'npm notice Publishing to https://npm.pkg.github.com/ with tag latest and default access',
    'npm error code E401',
    'npm error 401 Unauthorized - PUT https://npm.pkg.github.com/@acme%2fweb - authentication token not provided',
    '',
  ].join('\n'));
  const report = await explainLogs([path]);
  const fixes = report.failures[0]!.fixes.map((fix) => fix.summary).join('\n');
  assert.ok(fixes.length > 0);
  assert.ok(!fixes.includes('(output outside any step)'), fixes);
  assert.match(fixes, /the publish step/);
});

test('folder of per-step files: one job', async () => {
  const folder = join(dir, 'steps-of-one-job');
  mkdirSync(join(folder, 'release'), { recursive: true });
  writeFileSync(join(folder, 'release', '2_Publish.txt'), jobLog([
    ...stepHeader(['npm publish'], PUBLISH_ENV),
    'npm notice 📦  @acme/lib@1.2.0',
    'npm error code E403',
    'npm error 403 403 Forbidden - PUT https://npm.pkg.github.com/@acme%2flib - Permission permission_denied: write_package',
    '##[error]Process completed with exit code 1.',
  ]));
  writeFileSync(join(folder, 'release', '3_Create release.txt'), jobLog([
    ...stepHeader(['gh release create "v1.2.0" --generate-notes'], { GH_TOKEN: '***' }),
    'https://github.com/acme/lib/releases/tag/v1.2.0',
  ]));
  const report = await explainLogs([folder]);
  assert.equal(report.failures.length, 1);
  assert.equal(report.failures[0]!.step, 'Publish');
  assert.equal(report.failures[0]!.maskedBy, 'continue-on-error', 'the next step of the same job ran');
});

test('pnpm install 404 after failed publish: consequence', async () => {
  const path = write('pnpm-verify.log', jobLog([
    ...stepHeader(['npm publish | tee publish.log'], PUBLISH_ENV),
    'npm notice 📦  @acme/lib@1.2.0',
    'npm notice Publishing to https://npm.pkg.github.com/ with tag latest and default access',
    'npm error code E403',
    'npm error 403 403 Forbidden - PUT https://npm.pkg.github.com/@acme%2flib - Permission permission_denied: write_package',
    ...stepHeader(['pnpm add @acme/lib@1.2.0']),
    ' ERR_PNPM_FETCH_404  GET https://npm.pkg.github.com/@acme%2Flib: Not Found - 404',
    '##[error]Process completed with exit code 1.',
  ]));
  const report = await explainLogs([path]);
  assert.equal(report.failures.length, 2);
  const verify = report.failures[1]!;
  assert.equal(verify.httpStatus, 404);
  assert.equal(verify.package, '@acme/lib');
  assert.equal(verify.registry, 'https://npm.pkg.github.com/');
  assert.equal(verify.signature, 'http-404-get');
  assert.equal(verify.consequenceOf, 0);
});

test('version exists after a publish in this run', async () => {
  const publishJob = jobLog([...SUCCESSFUL_PUBLISH]);
  const secondJob = jobLog([
    ...stepHeader(['npm publish --access public'], PUBLISH_ENV),
    'npm notice 📦  @acme/lib@1.2.0',
    'npm error code E403',
    'npm error 403 403 Forbidden - PUT https://registry.npmjs.org/@acme%2flib - You cannot publish over the previously published versions: 1.2.0.',
    '##[error]Process completed with exit code 1.',
  ]);
  const path = join(dir, 'matrix.zip');
  writeFileSync(path, zipSync({ '0_publish (20).txt': strToU8(publishJob), '1_publish (22).txt': strToU8(secondJob) }));
  const report = await explainLogs([path]);
  assert.equal(report.failures.length, 1);
  const cause = report.failures[0]!.causes[0]!;
  assert.equal(cause.id, 'version-exists');
  assert.equal(cause.confidence, 'high');
  assert.ok(cause.evidence.some((evidence) => evidence.file.endsWith('0_publish (20).txt') && evidence.line === 10), 'cites the publish that got there first');
});

test('failed action step: CI showed failed', async () => {
  const path = write('action-fails.log', jobLog([
    '##[group]Run JS-DevTools/npm-publish@v3',
    'with:',
    '  token: ***',
    '  registry: https://npm.pkg.github.com',
    '##[endgroup]',
    'npm notice Publishing to https://npm.pkg.github.com/ with tag latest and default access',
    'npm error code E404',
    'npm error 404 Not Found - PUT https://npm.pkg.github.com/nestlink-lib',
    "npm error 404  'nestlink-lib@0.8.0' is not in this registry.",
    '##[error]NpmCallError: Call to "npm publish" exited with non-zero exit code 1',
    'Post job cleanup.',
  ]));
  const report = await explainLogs([path]);
  assert.equal(report.failures.length, 1);
  assert.equal(report.failures[0]!.masked, false, 'an action reports its failure with ##[error]');
  const step = report.steps.find((candidate) => candidate.failures.includes(0))!;
  assert.equal(step.ciStatus, 'failed');
  assert.equal(step.outcome, 'failed');
});

test('tests then publish in one step: quotes ignored', async () => {
  const path = write('test-and-publish.log', jobLog([
    ...stepHeader(['npm test', 'npm publish --access public'], PUBLISH_ENV),
    '▶ publish errors',
    'npm error code E401',
    'npm error 401 Unauthorized - PUT https://registry.npmjs.org/fixture-pkg - fixture',
    '✔ publish errors (4.2ms)',
    'npm notice 📦  @acme/lib@1.2.0',
    'npm notice Publishing to https://registry.npmjs.org/ with tag latest and public access',
    '+ @acme/lib@1.2.0',
  ]));
  const report = await explainLogs([path]);
  assert.equal(report.failures.length, 0, 'the publish started after the test output');
  assert.equal(report.published.length, 1);
});

test('tests then publish in one step: publish failure kept', async () => {
  const path = write('test-and-publish-fails.log', jobLog([
    ...stepHeader(['npm test', 'npm publish --access public'], PUBLISH_ENV),
    '✔ publish errors (4.2ms)',
    'npm notice 📦  @acme/lib@1.2.0',
    'npm error code E403',
    'npm error 403 403 Forbidden - PUT https://registry.npmjs.org/@acme%2flib - You may not perform that action with these credentials.',
    '##[error]Process completed with exit code 1.',
  ]));
  const report = await explainLogs([path]);
  assert.equal(report.failures.length, 1);
  assert.equal(report.failures[0]!.signature, 'npm-403-credentials');
});

test('ENEEDAUTH for GitHub Packages: no OIDC causes', async () => {
  const path = write('gpr-eneedauth.log', [
    'npm notice 📦  @acme/web@2.0.0',
    'npm error code ENEEDAUTH',
    'npm error need auth This command requires you to be logged in to https://npm.pkg.github.com/',
    'npm error need auth You need to authorize this machine using `npm login`',
    '',
  ].join('\n'));
  const report = await explainLogs([path]);
  const failure = report.failures[0]!;
  assert.equal(failure.registry, 'https://npm.pkg.github.com/');
  assert.equal(failure.causes[0]!.id, 'token-missing');
  const ids = failure.causes.map((cause) => cause.id);
  assert.ok(!ids.includes('oidc-not-configured') && !ids.includes('npm-too-old-for-oidc'), `GitHub Packages takes no OIDC: ${ids.join(', ')}`);
});

test('npmjs 404 on PUT with a real token: expired first', async () => {
  const path = write('npmjs-404-token.log', jobLog([
    ...stepHeader(['npm publish --access public'], PUBLISH_ENV),
    'npm notice 📦  @acme/lib@1.2.0',
    'npm notice Publishing to https://registry.npmjs.org/ with tag latest and public access',
    'npm error code E404',
    'npm error 404 Not Found - PUT https://registry.npmjs.org/@acme%2flib - Not found',
    '##[error]Process completed with exit code 1.',
  ]));
  const report = await explainLogs([path]);
  const causes = report.failures[0]!.causes;
  assert.equal(causes[0]!.id, 'token-invalid-or-expired', 'npmjs.org answers 404 to an expired or revoked token');
  assert.ok(causes[0]!.evidence.some((evidence) => evidence.line === 6), 'cites the NODE_AUTH_TOKEN line');
  assert.equal(causes[1]!.id, 'package-permission-denied');
});

test('expired-token notice after the 404: cited', async () => {
  const path = write('notice-after.log', jobLog([
    ...stepHeader(['npm publish --access public'], PUBLISH_ENV),
    'npm notice 📦  @acme/lib@1.2.0',
    'npm error code E404',
    'npm error 404 Not Found - PUT https://registry.npmjs.org/@acme%2flib - Not found',
    'npm notice Access token expired or revoked. Please try logging in again.',
    '##[error]Process completed with exit code 1.',
  ]));
  const report = await explainLogs([path]);
  const first = report.failures[0]!.causes[0]!;
  assert.equal(first.id, 'token-invalid-or-expired');
  assert.ok(first.evidence.some((evidence) => evidence.line === 11), 'cites the notice');
});

test('expired-token notice in an OIDC job: trusted publisher first', async () => {
  const path = write('notice-oidc.log', jobLog([
    ...OIDC_JOB_SETUP,
    ...stepHeader(['npm publish'], { NPM_CONFIG_USERCONFIG: '/home/runner/work/_temp/.npmrc' }),
    'npm notice 📦  @acme/lib@1.2.0',
    'npm notice Access token expired or revoked. Please try logging in again.',
    'npm error code E404',
    'npm error 404 Not Found - PUT https://registry.npmjs.org/@acme%2flib - Not found',
    '##[error]Process completed with exit code 1.',
  ]));
  const report = await explainLogs([path]);
  const first = report.failures[0]!.causes[0]!;
  assert.equal(first.id, 'oidc-not-configured');
  assert.ok(first.evidence.some((evidence) => evidence.line === 16), 'cites the notice');
});

test('log cut off after the failure: status unknown', async () => {
  const path = write('cut-off.log', jobLog([
    ...stepHeader(['./scripts/release.sh'], PUBLISH_ENV),
    'npm notice 📦  @acme/lib@1.2.0',
    'npm error code E403',
    'npm error 403 403 Forbidden - PUT https://registry.npmjs.org/@acme%2flib - You may not perform that action with these credentials.',
  ]));
  const report = await explainLogs([path]);
  assert.equal(report.failures.length, 1);
  assert.equal(report.failures[0]!.masked, false, 'nothing shows the step passed');
  const step = report.steps.find((candidate) => candidate.failures.includes(0))!;
  assert.equal(step.ciStatus, 'unknown');
});

test('job log that ends normally: hidden failure', async () => {
  const path = write('ends-normally.log', jobLog([
    ...stepHeader(['./scripts/release.sh'], PUBLISH_ENV),
    'npm notice 📦  @acme/lib@1.2.0',
    'npm error code E403',
    'npm error 403 403 Forbidden - PUT https://registry.npmjs.org/@acme%2flib - You may not perform that action with these credentials.',
    'Post job cleanup.',
    'Cleaning up orphan processes',
  ]));
  const report = await explainLogs([path]);
  assert.equal(report.failures[0]!.masked, true);
  assert.equal(report.failures[0]!.maskedBy, null, 'the script hides how');
  assert.equal(report.steps.find((candidate) => candidate.failures.includes(0))!.ciStatus, 'passed');
});

const PWSH = 'C:\\Program Files\\PowerShell\\7\\pwsh.EXE -command ". \'{0}\'"';

function pwshHeader(script: string[]): string[] {
  return [`##[group]Run ${script[0]}`, ...script, `shell: ${PWSH}`, 'env:', '  NODE_AUTH_TOKEN: ***', '##[endgroup]'];
}

const EOTP_LINES = ['npm notice 📦  kestrel@4.3.0', 'npm error code EOTP', 'npm error This operation requires a one-time password from your authenticator.'];

test('pwsh: $LASTEXITCODE check that only warns', async () => {
  const path = write('pwsh-if.log', jobLog([
    ...pwshHeader(['npm publish', 'if ($LASTEXITCODE -ne 0) {', '  Write-Host "::warning::publish failed"', '}']),
    ...EOTP_LINES,
    '##[warning]publish failed',
    'Post job cleanup.',
  ]));
  const report = await explainLogs([path]);
  assert.equal(report.failures[0]!.masked, true);
  assert.equal(report.failures[0]!.maskedBy, 'ignored-status');
  assert.equal(report.failures[0]!.evidence.some((evidence) => evidence.line === 3), true, 'cites the if line');
});

test('pwsh: publish not the last command', async () => {
  const path = write('pwsh-later.log', jobLog([
    ...pwshHeader(['npm publish', 'Write-Host "done"']),
    ...EOTP_LINES,
    'done',
    'Post job cleanup.',
  ]));
  const report = await explainLogs([path]);
  assert.equal(report.failures[0]!.maskedBy, 'ignored-status');
});

test('pwsh: $LASTEXITCODE check that exits', async () => {
  const path = write('pwsh-exit.log', jobLog([
    ...pwshHeader(['npm publish', 'if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }', 'Write-Host "done"']),
    ...EOTP_LINES,
    '##[error]Process completed with exit code 1.',
  ]));
  const report = await explainLogs([path]);
  assert.equal(report.failures[0]!.masked, false);
});

test('install right after a publish that worked', async () => {
  const path = write('stale-metadata.log', jobLog([
    ...SUCCESSFUL_PUBLISH,
    ...stepHeader(['npm install @acme/lib@1.2.0']),
    'npm error code ETARGET',
    'npm error notarget No matching version found for @acme/lib@1.2.0.',
    '##[error]Process completed with exit code 1.',
  ]));
  const report = await explainLogs([path]);
  assert.equal(report.failures.length, 1);
  const failure = report.failures[0]!;
  assert.equal(failure.consequenceOf, null);
  assert.equal(failure.causes[0]!.id, 'registry-propagation-delay');
  assert.ok(failure.causes[0]!.evidence.some((evidence) => evidence.line === 10), 'cites the publish');
  assert.equal(failure.fixes[0]!.for, 'registry-propagation-delay');
});

test('semantic-release success: one publish, step passed', async () => {
  const path = write('semantic-release-ok.log', jobLog([
    ...stepHeader(['npx semantic-release'], { NPM_TOKEN: '***' }),
    '[10:00:09 AM] [semantic-release] [@semantic-release/npm] › ℹ  Publishing version 2.1.0 to npm registry on dist-tag latest',
    'npm notice 📦  kestrel@2.1.0',
    'npm notice Publishing to https://registry.npmjs.org/ with tag latest and default access',
    '+ kestrel@2.1.0',
    '[10:00:14 AM] [semantic-release] › ✔  Published release 2.1.0 on default channel',
    'Post job cleanup.',
  ]));
  const report = await explainLogs([path]);
  assert.deepEqual(report.published.map((item) => `${item.package}@${item.version}`), ['kestrel@2.1.0'], 'one publish, printed twice');
  assert.equal(report.steps[0]!.ciStatus, 'passed');
  assert.equal(report.steps[0]!.outcome, 'succeeded');
});

test('lookup failure with no publish in the log: says where to look', async () => {
  const path = write('log-failed.log', [
    'release\tVerify installation\t2026-02-10T20:13:30.0000000Z ##[group]Run npm install @acme/backend@2.4.0',
    'release\tVerify installation\t2026-02-10T20:13:30.1000000Z npm install @acme/backend@2.4.0',
    'release\tVerify installation\t2026-02-10T20:13:30.2000000Z shell: /usr/bin/bash -e {0}',
    'release\tVerify installation\t2026-02-10T20:13:30.3000000Z ##[endgroup]',
    'release\tVerify installation\t2026-02-10T20:13:31.0000000Z npm error code E404',
    'release\tVerify installation\t2026-02-10T20:13:31.1000000Z npm error 404 Not Found - GET https://npm.pkg.github.com/@acme%2fbackend - npm package "backend" does not exist under owner "acme"',
    'release\tVerify installation\t2026-02-10T20:13:31.2000000Z ##[error]Process completed with exit code 1.',
    '',
  ].join('\n'));
  const report = await explainLogs([path]);
  const cause = report.failures[0]!.causes[0]!;
  assert.equal(cause.id, 'version-not-published');
  assert.match(cause.summary, /gh run view --log-failed/);
});

test('GitHub Packages 401 with a real token, nothing else published', async () => {
  const path = write('gpr-401-real-token.log', jobLog([
    ...stepHeader(['npm publish'], { NPM_CONFIG_USERCONFIG: '/home/runner/work/_temp/.npmrc', NODE_AUTH_TOKEN: '***' }),
    'npm notice 📦  @acme/web@2.0.0',
    'npm notice Publishing to https://npm.pkg.github.com/ with tag latest and default access',
    'npm error code E401',
    'npm error 401 Unauthorized - PUT https://npm.pkg.github.com/@acme%2fweb - unauthenticated: User cannot be authenticated with the token provided.',
    '##[error]Process completed with exit code 1.',
  ]));
  const report = await explainLogs([path]);
  const ids = report.failures[0]!.causes.map((cause) => cause.id);
  assert.equal(ids[0], 'token-invalid-or-expired', ids.join(', '));
  assert.ok(ids.indexOf('workdir-config-differs') > ids.indexOf('token-wrong-type'), 'no other publish worked, so no working configuration to compare with');
});
