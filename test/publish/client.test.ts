import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { buildPublishCommand, detectClient, formatCommand, packagePathArgument, parseLastJsonObject, readClientJson, yarnJsonToText } from '../../src/publish/client.js';
import { classifyFailure, findScriptFailure, judgeUpload } from '../../src/publish/classify.js';
import { formatAnnotation } from '../../src/publish/github.js';
import { prepareLogDir } from '../../src/publish/logs.js';
import { InputError } from '../../src/errors.js';
import { runCli } from '../helpers/cli.js';
import { writeTree } from './helpers.js';

test('detectClient reads packageManager first', async () => {
  const repo = writeTree({ 'package.json': { name: 'x', packageManager: 'pnpm@9.15.0' }, 'package-lock.json': '{}' });
  assert.deepEqual(await detectClient(repo), { name: 'pnpm', config: 'pnpm' });
});

test('detectClient finds lock files upward', async () => {
  const repo = writeTree({ 'package.json': { name: 'x' }, 'pnpm-lock.yaml': "lockfileVersion: '9.0'\n", 'packages/a/package.json': { name: 'a' } });
  assert.deepEqual(await detectClient(join(repo, 'packages/a')), { name: 'pnpm', config: 'pnpm' });
});

test('detectClient runs npm for Yarn classic', async () => {
  const berry = writeTree({ 'package.json': { name: 'x', packageManager: 'yarn@4.5.0' } });
  assert.deepEqual(await detectClient(berry), { name: 'yarn', config: 'yarn-berry' });
  const classic = writeTree({ 'package.json': { name: 'x' }, 'yarn.lock': '# yarn lockfile v1\n' });
  assert.deepEqual(await detectClient(classic), { name: 'npm', config: 'yarn-classic' });
});

test('detectClient defaults to npm', async () => {
  const repo = writeTree({ 'package.json': { name: 'x' } });
  assert.deepEqual(await detectClient(repo), { name: 'npm', config: 'npm' });
});

test('packagePathArgument keeps npm from reading a name', () => {
  assert.equal(packagePathArgument('/repo', '/repo'), '.');
  assert.equal(packagePathArgument('/repo', '/repo/backend'), './backend');
  assert.equal(packagePathArgument('/repo/packages/a', '/repo/packages/b'), '../b');
});

test('buildPublishCommand per client', () => {
  const options = { tag: 'next', access: 'public' as const, provenance: true, otp: '123456', dryRun: true };
  assert.deepEqual(buildPublishCommand('npm', '/repo', '/repo/packages/backend', options), {
    file: 'npm',
    args: ['publish', './packages/backend', '--json', '--tag', 'next', '--access', 'public', '--provenance', '--otp', '123456', '--dry-run'],
    cwd: '/repo',
  });
  assert.deepEqual(buildPublishCommand('pnpm', '/repo', '/repo/packages/backend', {}), {
    file: 'pnpm',
    args: ['publish', './packages/backend', '--json', '--no-git-checks'],
    cwd: '/repo',
  });
  assert.deepEqual(buildPublishCommand('yarn', '/repo', '/repo/packages/backend', { tag: 'next' }), {
    file: 'yarn',
    args: ['npm', 'publish', '--json', '--tag', 'next'],
    cwd: '/repo/packages/backend',
  });
});

test('formatCommand hides the one-time password', () => {
  const command = buildPublishCommand('npm', '/repo', '/repo', { otp: '654321', tag: 'with space' });
  assert.equal(formatCommand(command), "npm publish . --json --tag 'with space' --otp ***");
});

test('parseLastJsonObject skips script noise', () => {
  const output = 'prepublish says {not json}\n{"first": 1}\nmore text\n{\n  "error": {\n    "code": "E403",\n    "summary": "a } in text"\n  }\n}\ntrailing\n';
  assert.deepEqual(parseLastJsonObject(output), { error: { code: 'E403', summary: 'a } in text' } });
  assert.equal(parseLastJsonObject('no json at all'), null);
});

test('readClientJson reads npm 11, npm 10 and errors', () => {
  const npm11 = readClientJson({ demo: { id: 'demo@1.0.0', integrity: 'sha512-abc' } }, 'demo');
  assert.equal(npm11.kind, 'ok');
  assert.equal(npm11.integrity, 'sha512-abc');
  const npm10 = readClientJson({ id: 'demo@1.0.0', name: 'demo', integrity: 'sha512-def' }, 'demo');
  assert.equal(npm10.integrity, 'sha512-def');
  const error = readClientJson({ error: { code: 'E401', summary: 'Unable to authenticate', detail: '' } }, 'demo');
  assert.deepEqual(error, { kind: 'error', integrity: null, code: 'E401', summary: 'Unable to authenticate', detail: '' });
  assert.equal(readClientJson(null, 'demo').kind, 'unknown');
});

// npm 11's error lines (as printed against Verdaccio or the fault proxy), and the verdict and cause each must give.
const UPLOAD_CASES: Array<{ what: string; code: string | null; lines: string[]; verdict: string; cause: string; keyLine: number }> = [
  { what: 'forbidden', code: 'E403', lines: ['npm notice Publishing to http://127.0.0.1:1/ with tag latest and default access', 'npm error code E403', 'npm error 403 403 Forbidden - PUT http://127.0.0.1:1/x - user bob is not allowed to publish package x'], verdict: 'rejected', cause: 'package-permission-denied', keyLine: 3 },
  { what: 'bad token', code: 'E401', lines: ['npm error code E401', 'npm error Unable to authenticate, your authentication token seems to be invalid.'], verdict: 'rejected', cause: 'token-invalid-or-expired', keyLine: 2 },
  { what: 'npm conflict', code: null, lines: ['npm error You cannot publish over the previously published versions: 1.0.0.'], verdict: 'conflict', cause: 'version-exists', keyLine: 1 },
  { what: 'registry conflict', code: 'E409', lines: ['npm error code E409', 'npm error 409 Conflict - PUT http://127.0.0.1:1/x - this package is already present'], verdict: 'conflict', cause: 'version-exists', keyLine: 2 },
  { what: 'server error', code: 'E503', lines: ['npm error code E503', 'npm error 503 Service Unavailable - PUT http://127.0.0.1:1/x - injected 503'], verdict: 'unknown-outcome', cause: 'registry-unavailable', keyLine: 2 },
  { what: 'reset', code: 'ECONNRESET', lines: ['npm error code ECONNRESET', 'npm error network aborted'], verdict: 'unknown-outcome', cause: 'network', keyLine: 2 },
  { what: 'otp', code: 'EOTP', lines: ['npm error code EOTP', 'npm error This operation requires a one-time password from your authenticator.'], verdict: 'rejected', cause: 'token-needs-otp', keyLine: 2 },
  { what: 'no auth', code: 'ENEEDAUTH', lines: ['npm error code ENEEDAUTH', 'npm error need auth This command requires you to be logged in to http://127.0.0.1:1/'], verdict: 'rejected', cause: 'token-missing', keyLine: 2 },
];

for (const entry of UPLOAD_CASES) {
  test(`upload verdict for ${entry.what}`, () => {
    const summary = entry.lines.at(-1)!.replace(/^npm error (\d{3} )?/, '');
    const input = { json: { kind: 'error' as const, integrity: null, code: entry.code, summary, detail: null }, output: `${entry.lines.join('\n')}\n`, exitCode: 1 };
    assert.equal(judgeUpload(input), entry.verdict);
    const cause = classifyFailure(input, { file: 'demo.log', lineOffset: 4 }, { registry: 'http://127.0.0.1:1/', package: 'x@1.0.0' });
    assert.equal(cause.id, entry.cause);
    // The evidence names the log line: 4 header lines, then the output.
    assert.equal(cause.evidence[0]!.where, `demo.log:${4 + entry.keyLine}`);
    assert.equal(cause.evidence[0]!.text, entry.code ? `${entry.code}: ${summary}` : summary);
  });
}

test('classifyFailure reads text without JSON', () => {
  const output = 'npm error code E403\nnpm error 403 403 Forbidden - PUT http://127.0.0.1:1/x - nope\nnpm error A complete log of this run can be found in: /tmp/x.log\n';
  const input = { json: readClientJson(null, 'x'), output, exitCode: 1 };
  assert.equal(judgeUpload(input), 'rejected');
  assert.equal(classifyFailure(input, { file: 'x.log', lineOffset: 0 }).id, 'package-permission-denied');
});

test('classifyFailure names a prerelease that needs --tag', () => {
  const output = 'npm error You must specify a tag using --tag when publishing a prerelease version.\n';
  const input = { json: { kind: 'error' as const, integrity: null, code: null, summary: 'You must specify a tag using --tag when publishing a prerelease version.', detail: '' }, output, exitCode: 1 };
  assert.equal(judgeUpload(input), 'rejected');
  const cause = classifyFailure(input, { file: 'x.log', lineOffset: 4 });
  assert.equal(cause.id, 'tag-required');
  assert.equal(cause.fix, 'publish with --tag next (or another tag that is not "latest")');
  assert.equal(cause.evidence[0]!.where, 'x.log:5');
});

test('findScriptFailure reads npm 11 lifecycle errors', () => {
  const output = ['', '> demo@1.0.0 prepublishOnly', '> node build.js', '', 'npm error code 3', 'npm error path /tmp/demo', 'npm error command failed', 'npm error command sh -c node build.js', ''].join('\n');
  assert.deepEqual(findScriptFailure(output), { script: 'prepublishOnly', command: 'node build.js', status: '3', afterUpload: false, line: 7 });
  assert.equal(findScriptFailure('npm error code E403\nnpm error 403 Forbidden\n'), null);
});

test('formatAnnotation names the file from the workspace', () => {
  const entry = { name: 'backend', version: '1.0.0', path: '.', registry: null, status: 'failed' as const, cause: null, logFile: null, exitCode: 1, command: null, attempts: 1, durationMs: 1, integrity: null };
  const place = { cwd: join('/w', 'repo', 'packages', 'backend'), workspace: join('/w', 'repo') };
  assert.match(formatAnnotation(entry, place), /^::error file=packages\/backend\/package\.json,title=/);
  assert.match(formatAnnotation(entry), /^::error file=package\.json,title=/);
  // A working directory outside the workspace keeps the path relative to it.
  assert.match(formatAnnotation(entry, { cwd: '/elsewhere', workspace: '/w/repo' }), /^::error file=package\.json,title=/);
});

test('publish names a private package here', () => {
  const repo = writeTree({ 'package.json': { name: 'only-private', version: '1.0.0', private: true } });
  const run = runCli(['publish'], { cwd: repo, env: { PATH: process.env.PATH, HOME: repo } });
  assert.equal(run.status, 2);
  assert.equal(run.stderr, `pubguard: publish: nothing to publish in ${repo}: "only-private" is marked "private": true in package.json; remove that field to publish it\n`);
});

test('findScriptFailure reads pnpm lifecycle errors', () => {
  const output = ['', '> demo@1.0.0 prepublishOnly ./packages/a', '> exit 3', '', '{', '  "error": {', '    "code": "ELIFECYCLE",', '    "message": "demo@1.0.0 prepublishOnly: `exit 3`\\nExit status 3"', '  }', '}', ''].join('\n');
  const json = readClientJson(parseLastJsonObject(output), 'demo');
  assert.deepEqual(findScriptFailure(output, json), { script: 'prepublishOnly', command: 'exit 3', status: '3', afterUpload: false, line: 1 });
  const cause = classifyFailure({ json, output, exitCode: 3 }, { file: 'a.log', lineOffset: 4 }, { package: 'demo@1.0.0' });
  assert.equal(cause.id, 'lifecycle-script-failed');
  assert.equal(cause.evidence[0]!.where, 'a.log:6');
  assert.equal(cause.message, 'the "prepublishOnly" script of demo@1.0.0 exited with status 3 ("exit 3"), so pnpm stopped before uploading anything.');
});

test('prepareLogDir rejects a file in the way', () => {
  const repo = writeTree({ 'package.json': { name: 'x', version: '1.0.0' } });
  for (const logDir of ['package.json', 'package.json/logs']) {
    assert.throws(() => prepareLogDir(logDir, {}, repo), (error: unknown) => error instanceof InputError && error.message === `publish: --log-dir ${JSON.stringify(logDir)} cannot be used as a folder (a file is in the way): give a folder that can be created or written`);
  }
});

test('publish rejects a tag that is a range', () => {
  const repo = writeTree({ 'package.json': { name: 'range-tag', version: '1.0.0' } });
  const run = runCli(['publish', '--tag', 'v1'], { cwd: repo, env: { PATH: process.env.PATH, HOME: repo } });
  assert.equal(run.status, 2);
  assert.equal(run.stderr, 'pubguard: publish: invalid --tag "v1": npm rejects a tag that is also a version range; use a name such as "legacy" or "v1-maintenance"\n');
});

test('findScriptFailure reads Yarn 2+ script errors', () => {
  const json = '{"type":"error","name":36,"displayName":"YN0036","indent":"","data":"Prepack script failed (exit code 5, logs can be found here: /tmp/xfs-1/prepack.log); run yarn prepack to investigate"}\n';
  const output = yarnJsonToText(json);
  assert.deepEqual(findScriptFailure(output), { script: 'prepack', command: '', status: '5', afterUpload: false, line: 0 });
  const cause = classifyFailure({ json: readClientJson(null, 'demo'), output, exitCode: 1 }, { file: 'y.log', lineOffset: 4 }, { package: 'demo@1.0.0' });
  assert.equal(cause.id, 'lifecycle-script-failed');
  assert.equal(cause.message, 'the "prepack" script of demo@1.0.0 exited with status 5, so yarn stopped before uploading anything.');
  assert.equal(cause.evidence[0]!.where, 'y.log:5');
});
