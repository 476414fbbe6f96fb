// `pubguard doctor` end to end: the built binary against a real Verdaccio,
// with real .npmrc files in temporary folders.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BIN } from '../helpers/cli.js';
import { startVerdaccio, type Verdaccio } from '../harness/verdaccio.js';
import { startFaultProxy, type FaultProxy } from '../harness/fault-proxy.js';

const PLACEHOLDER = 'XXXXX-XXXXX-XXXXX-XXXXX';

let registry: Verdaccio;
let proxy: FaultProxy;
let aliceToken: string;
let bobToken: string;
let root: string;
let home: string;
let githubApi: Server;
let githubApiUrl: string;
const githubRequests: Array<{ authorization?: string }> = [];

interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Run the built CLI without blocking this process, with a clean npm environment. */
function doctor(args: string[], cwd: string, env: Record<string, string | undefined> = {}): Promise<CliRun> {
  const base: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: home,
    NO_COLOR: '1',
    // No user or global config from the machine running the tests.
    NPM_CONFIG_USERCONFIG: join(home, 'no-user-npmrc'),
    NPM_CONFIG_GLOBALCONFIG: join(home, 'no-global-npmrc'),
    // Any request that would leave 127.0.0.1 goes to a closed local port instead.
    HTTPS_PROXY: 'http://127.0.0.1:9',
    HTTP_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: '127.0.0.1',
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'doctor', ...args], { cwd, env: { ...base, ...env } as NodeJS.ProcessEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** Write files under a new folder in the test root; keys are relative paths. */
function project(name: string, files: Record<string, string>): string {
  const folder = join(root, name);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(folder, path)), { recursive: true });
    writeFileSync(join(folder, path), content);
  }
  return folder;
}

function manifest(name: string, version = '1.0.0', extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ name, version, main: 'index.js', ...extra }, null, 2);
}

function assertNoToken(run: CliRun, ...tokens: string[]): void {
  for (const token of tokens) {
    assert.ok(!run.stdout.includes(token), 'token in stdout');
    assert.ok(!run.stderr.includes(token), 'token in stderr');
  }
}

interface JsonReport {
  packages: Array<{
    name: string;
    path: string;
    verdict: string;
    registry: { url: string; source: string };
    credential: { class: string; shape: string | null; source: string; variable: string | null };
    live: { reachable: boolean | null; pingStatus: number | null; whoami: string | null; versionExists: string | null; githubScopes: string[] | null; npmVersion: string | null };
    tarball: { secretFiles: string[] } | null;
    findings: Array<{ ruleId: string; severity: string; message: string; file: string; line: number }>;
  }>;
  summary: { packages: number; wouldFail: number };
}

function parse(run: CliRun): JsonReport {
  try {
    return JSON.parse(run.stdout) as JsonReport;
  } catch (error) {
    throw new Error(`stdout is not JSON (status ${run.status}): ${String(error)}\nstderr: ${run.stderr}`);
  }
}

function ruleIds(report: JsonReport, index = 0): string[] {
  return report.packages[index]!.findings.map((finding) => finding.ruleId);
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'pubguard-doctor-'));
  home = join(root, 'home');
  mkdirSync(home);
  registry = await startVerdaccio();
  aliceToken = await registry.login('alice');
  bobToken = await registry.login('bob');
  await registry.publish({ name: 'doctor-published', version: '1.0.0' }, aliceToken);
  proxy = await startFaultProxy({ target: registry.url });

  githubApi = createHttpServer((req, res) => {
    githubRequests.push({ authorization: req.headers.authorization });
    res.writeHead(200, { 'content-type': 'application/json', 'x-oauth-scopes': 'repo, read:packages' });
    res.end('{}');
  });
  await new Promise<void>((resolve) => githubApi.listen(0, '127.0.0.1', resolve));
  githubApiUrl = `http://127.0.0.1:${(githubApi.address() as { port: number }).port}`;
});

after(async () => {
  await proxy?.stop();
  await registry?.stop();
  await new Promise<void>((resolve) => (githubApi ? githubApi.close(() => resolve()) : resolve()));
  if (root) rmSync(root, { recursive: true, force: true });
});

test('doctor passes with a good token', async () => {
  const folder = project('good', { 'package.json': manifest('doctor-good'), 'index.js': 'module.exports = 1;\n', '.npmrc': registry.npmrc(aliceToken) });
  const run = await doctor(['--format', 'json'], folder);
  assert.equal(run.status, 0, run.stdout + run.stderr);
  const report = parse(run);
  const entry = report.packages[0]!;
  assert.equal(entry.verdict, 'ok');
  assert.equal(entry.credential.class, 'secret');
  assert.equal(entry.credential.shape, 'jwt');
  assert.equal(entry.credential.source, '.npmrc:2');
  assert.equal(entry.live.reachable, true);
  assert.equal(entry.live.whoami, 'alice');
  assert.equal(entry.live.versionExists, 'missing');
  assert.deepEqual(ruleIds(report), []);
  assertNoToken(run, aliceToken);
});

test('doctor text names registry and user', async () => {
  const folder = project('good-text', { 'package.json': manifest('doctor-good-text'), 'index.js': '1;\n', '.npmrc': registry.npmrc(aliceToken) });
  const run = await doctor([], folder);
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.match(run.stdout, new RegExp(`registry +${registry.url.replace(/[.]/g, '\\.')} \\(registry from \\.npmrc:1\\)`));
  assert.match(run.stdout, /whoami +alice/);
  assert.match(run.stdout, /version +1\.0\.0 not published yet/);
  assert.match(run.stdout, /verdict: ready to publish/);
  assertNoToken(run, aliceToken);
});

test('doctor flags the placeholder token', async () => {
  const folder = project('placeholder', { 'package.json': manifest('doctor-placeholder'), 'index.js': '1;\n', '.npmrc': `registry=${registry.url}\n` });
  const userconfig = join(folder, '..', 'placeholder-user.npmrc');
  writeFileSync(userconfig, `${registry.authKey()}=\${NODE_AUTH_TOKEN}\n`);
  const run = await doctor(['--format', 'json'], folder, { NPM_CONFIG_USERCONFIG: userconfig, NODE_AUTH_TOKEN: PLACEHOLDER });
  assert.equal(run.status, 1);
  const report = parse(run);
  assert.equal(report.packages[0]!.credential.class, 'placeholder');
  assert.equal(report.packages[0]!.credential.variable, 'NODE_AUTH_TOKEN');
  assert.equal(ruleIds(report)[0], 'token-placeholder');
  assert.equal(report.packages[0]!.findings[0]!.line, 1);
});

test('doctor flags a literal unset variable', async () => {
  const folder = project('unexpanded', {
    'package.json': manifest('doctor-unexpanded'),
    'index.js': '1;\n',
    '.npmrc': `registry=${registry.url}\n${registry.authKey()}=\${NPM_TOKEN}\n`,
  });
  const run = await doctor([], folder, { NPM_TOKEN: undefined });
  assert.equal(run.status, 1);
  assert.match(run.stdout, /^ {2}\.npmrc:2:1: error: .*literal text "\$\{NPM_TOKEN\}".*\[token-unexpanded-variable\]$/m);
  assert.match(run.stdout, /verdict: publish would fail: the credential npm will send/);
});

test('doctor flags a token for another host', async () => {
  const other = await closedPort();
  const folder = project('other-host', {
    'package.json': manifest('doctor-other-host'),
    'index.js': '1;\n',
    '.npmrc': `registry=${registry.url}\n//127.0.0.1:${other}/:_authToken=${aliceToken}\n`,
  });
  const run = await doctor(['--format', 'json'], folder);
  assert.equal(run.status, 1);
  const report = parse(run);
  assert.equal(report.packages[0]!.credential.class, 'other-host');
  assert.equal(ruleIds(report)[0], 'token-missing');
  assert.match(report.packages[0]!.findings[0]!.message, new RegExp(`//127\\.0\\.0\\.1:${other}/:_authToken`));
  assertNoToken(run, aliceToken);
});

test('doctor reports 403 from an access rule', async () => {
  // Only alice may read private-* packages on the test registry.
  const folder = project('forbidden', { 'package.json': manifest('private-doctor'), 'index.js': '1;\n', '.npmrc': registry.npmrc(bobToken) });
  const run = await doctor(['--format', 'json'], folder);
  assert.equal(run.status, 1);
  const report = parse(run);
  const entry = report.packages[0]!;
  assert.equal(entry.live.whoami, 'bob');
  assert.equal(entry.live.versionExists, 'unknown');
  const finding = entry.findings.find((item) => item.ruleId === 'version-check-failed');
  assert.ok(finding, JSON.stringify(entry.findings));
  assert.match(finding.message, /HTTP 403: "user bob is not allowed to access package private-doctor"/);
  assertNoToken(run, bobToken);
});

test('doctor reports an unreachable registry', async () => {
  const port = await closedPort();
  const folder = project('unreachable', {
    'package.json': manifest('doctor-unreachable'),
    'index.js': '1;\n',
    '.npmrc': `registry=http://127.0.0.1:${port}/\n//127.0.0.1:${port}/:_authToken=${aliceToken}\n`,
  });
  const run = await doctor(['--format', 'json'], folder);
  assert.equal(run.status, 1);
  const report = parse(run);
  assert.equal(report.packages[0]!.live.reachable, false);
  assert.deepEqual(ruleIds(report), ['registry-unreachable']);
  assert.match(report.packages[0]!.findings[0]!.message, /connection refused \(ECONNREFUSED\)/);
  assertNoToken(run, aliceToken);
});

test('doctor reports an already published version', async () => {
  // pubguard publish skips such a version as already-published and exits 0, so doctor must not stop the job.
  const folder = project('published', { 'package.json': manifest('doctor-published'), 'index.js': '1;\n', '.npmrc': registry.npmrc(aliceToken) });
  const run = await doctor(['--format', 'json'], folder);
  assert.equal(run.status, 0, run.stdout);
  const report = parse(run);
  assert.equal(report.packages[0]!.live.versionExists, 'exists');
  assert.equal(report.packages[0]!.verdict, 'ok');
  assert.deepEqual(ruleIds(report), ['version-already-published']);
  assert.equal(report.packages[0]!.findings[0]!.severity, 'warning');
  const text = await doctor([], folder);
  assert.equal(text.status, 0);
  assert.match(text.stdout, /verdict: already published: pubguard publish skips this version, and a plain npm publish would fail/);
  assert.match(text.stdout, /^doctor: 0 packages ready to publish, 1 already published \(0 errors, 1 warning, 0 info\)$/m);
});

test('doctor reports a token the registry ignores', async () => {
  const folder = project('bad-token', { 'package.json': manifest('doctor-bad-token'), 'index.js': '1;\n', '.npmrc': registry.npmrc('not-a-valid-registry-token') });
  const run = await doctor(['--format', 'json'], folder);
  assert.equal(run.status, 1);
  assert.deepEqual(ruleIds(parse(run)), ['token-rejected']);
  assertNoToken(run, 'not-a-valid-registry-token');
});

test('doctor replays the cd-into-package incident', async () => {
  const repo = project('incident', {
    'package.json': manifest('doctor-frontend'),
    'index.js': '1;\n',
    '.npmrc': registry.npmrc(aliceToken),
    'packages/backend/package.json': manifest('doctor-backend'),
    'packages/backend/index.js': '1;\n',
  });
  // What setup-node writes to $RUNNER_TEMP/.npmrc with registry-url set.
  const userconfig = join(root, 'incident-user.npmrc');
  writeFileSync(userconfig, `${registry.authKey()}=\${NODE_AUTH_TOKEN}\nregistry=${registry.url}\n`);
  const env = { NPM_CONFIG_USERCONFIG: userconfig, NODE_AUTH_TOKEN: PLACEHOLDER };

  const fromRoot = await doctor(['--format', 'json', '.'], repo, env);
  assert.equal(fromRoot.status, 0, fromRoot.stdout);
  assert.equal(parse(fromRoot).packages[0]!.live.whoami, 'alice');

  const fromBackend = await doctor([], join(repo, 'packages', 'backend'), env);
  assert.equal(fromBackend.status, 1);
  assert.match(fromBackend.stdout, /\[token-placeholder\]/);
  assert.match(fromBackend.stdout, /incident\/\.npmrc:2", but npm does not read that file/);
  assertNoToken(fromBackend, aliceToken);
  assertNoToken(fromRoot, aliceToken);
});

test('doctor checks every workspace', async () => {
  const repo = project('workspaces', {
    'package.json': JSON.stringify({ name: 'ws-root', version: '1.0.0', private: true, workspaces: ['packages/*'] }),
    '.npmrc': registry.npmrc(aliceToken),
    'packages/a/package.json': manifest('doctor-ws-a'),
    'packages/a/index.js': '1;\n',
    'packages/b/package.json': manifest('doctor-published'),
    'packages/b/index.js': '1;\n',
  });
  const run = await doctor(['--format', 'json'], repo);
  assert.equal(run.status, 0, run.stdout);
  const report = parse(run);
  assert.deepEqual(report.packages.map((entry) => [entry.path, entry.verdict, entry.live.versionExists]).sort(), [
    ['packages/a', 'ok', 'missing'],
    ['packages/b', 'ok', 'exists'],
  ]);
  assert.equal(report.summary.wouldFail, 0);
  assert.equal(report.summary.packages, 2);
});

test('doctor flags secret files in the tarball', async () => {
  const folder = project('secrets', {
    'package.json': manifest('doctor-secrets'),
    'index.js': '1;\n',
    '.env.production': 'KEY=value\n',
    'keys/id_rsa': 'not a real key\n',
    'server.pem': 'not a real certificate\n',
    '.npmrc': registry.npmrc(aliceToken),
  });
  const run = await doctor(['--format', 'json'], folder);
  assert.equal(run.status, 0, 'a warning does not make the publish fail');
  const entry = parse(run).packages[0]!;
  assert.deepEqual(entry.tarball?.secretFiles.sort(), ['.env.production', 'keys/id_rsa', 'server.pem']);
  assert.equal(entry.findings[0]?.ruleId, 'tarball-secret-file');
  assert.equal(entry.findings[0]?.severity, 'warning');
});

test('doctor flags a private package given by path', async () => {
  const folder = project('private', { 'package.json': manifest('doctor-private', '1.0.0', { private: true }), 'index.js': '1;\n' });
  const run = await doctor(['--offline', '--format', 'json', '.'], folder);
  assert.equal(run.status, 1);
  const finding = parse(run).packages[0]!.findings[0]!;
  assert.equal(finding.ruleId, 'package-private');
  assert.equal(finding.line, 5);
});

test('doctor applies GitHub Packages rules offline', async () => {
  const token = 'github_pat_11AAAAAAA0aaaaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
  const folder = project('github-rules', {
    'package.json': manifest('unscoped-name'),
    'index.js': '1;\n',
    '.npmrc': `registry=https://npm.pkg.github.com/\n//npm.pkg.github.com/:_authToken=${token}\n`,
  });
  const run = await doctor(['--offline', '--format', 'json'], folder);
  assert.equal(run.status, 1);
  const ids = ruleIds(parse(run));
  assert.ok(ids.includes('github-packages-unscoped'), ids.join());
  assert.ok(ids.includes('github-packages-fine-grained-token'), ids.join());
  assert.ok(ids.includes('github-packages-no-repository'), ids.join());
  assertNoToken(run, token);
});

test('doctor flags a scope that is not the owner', async () => {
  const folder = project('github-owner', {
    'package.json': manifest('@someone/pkg', '1.0.0', { repository: 'https://github.com/other-org/pkg.git' }),
    'index.js': '1;\n',
    '.npmrc': '@someone:registry=https://npm.pkg.github.com/\n//npm.pkg.github.com/:_authToken=${GITHUB_TOKEN}\n',
  });
  const run = await doctor(['--offline', '--format', 'json'], folder, { GITHUB_TOKEN: 'ghs_0123456789abcdefghijABCDEFGHIJ0123' });
  assert.equal(run.status, 1);
  const ids = ruleIds(parse(run));
  assert.deepEqual(ids, ['github-packages-scope-owner-mismatch']);
});

test('doctor --github-scopes asks the GitHub API', async () => {
  const token = 'ghp_0123456789abcdefghijABCDEFGHIJ012345';
  const folder = project('github-scopes', {
    'package.json': manifest('@owner/pkg', '1.0.0', { repository: 'github:owner/pkg' }),
    'index.js': '1;\n',
    '.npmrc': `@owner:registry=https://npm.pkg.github.com/\n//npm.pkg.github.com/:_authToken=${token}\n`,
  });
  const withoutFlag = await doctor(['--offline', '--format', 'json'], folder, { GITHUB_API_URL: githubApiUrl });
  assert.equal(withoutFlag.status, 0, withoutFlag.stdout);
  assert.equal(githubRequests.length, 0);

  const run = await doctor(['--offline', '--github-scopes', '--format', 'json'], folder, { GITHUB_API_URL: githubApiUrl });
  assert.equal(run.status, 1);
  assert.equal(githubRequests.length, 1);
  assert.equal(githubRequests[0]?.authorization, `token ${token}`);
  const entry = parse(run).packages[0]!;
  assert.deepEqual(entry.live.githubScopes, ['repo', 'read:packages']);
  assert.deepEqual(ruleIds(parse(run)), ['github-token-missing-write-packages']);
  assertNoToken(run, token);
});

/** Create a fake npm install of `version` and return the bin folder to put on PATH. */
function fakeNpm(version: string): string {
  const prefix = join(root, `npm-${version}`);
  const npmDir = join(prefix, 'lib', 'node_modules', 'npm');
  mkdirSync(join(npmDir, 'bin'), { recursive: true });
  mkdirSync(join(prefix, 'bin'), { recursive: true });
  writeFileSync(join(npmDir, 'package.json'), JSON.stringify({ name: 'npm', version }));
  writeFileSync(join(npmDir, 'bin', 'npm-cli.js'), '#!/usr/bin/env node\n');
  chmodSync(join(npmDir, 'bin', 'npm-cli.js'), 0o755);
  symlinkSync(join(npmDir, 'bin', 'npm-cli.js'), join(prefix, 'bin', 'npm'));
  return join(prefix, 'bin');
}

test('doctor needs npm 11.5.1 for trusted publishing', async () => {
  const folder = project('trusted-old', { 'package.json': manifest('doctor-trusted'), 'index.js': '1;\n', '.npmrc': 'registry=https://registry.npmjs.org/\n' });
  const oidc = { ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:1/oidc', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'unused' };

  const old = await doctor(['--offline', '--format', 'json'], folder, { ...oidc, PATH: fakeNpm('10.9.2') });
  assert.equal(old.status, 1);
  assert.deepEqual(ruleIds(parse(old)), ['trusted-publishing-npm-too-old']);
  assert.equal(parse(old).packages[0]!.live.npmVersion, '10.9.2');

  const recent = await doctor(['--offline', '--format', 'json'], folder, { ...oidc, PATH: fakeNpm('11.6.0') });
  assert.equal(recent.status, 0, recent.stdout);
  assert.deepEqual(ruleIds(parse(recent)), ['trusted-publishing-ready']);

  const noOidc = await doctor(['--offline', '--format', 'json'], folder, { PATH: fakeNpm('11.6.1') });
  assert.equal(noOidc.status, 1);
  assert.deepEqual(ruleIds(parse(noOidc)), ['token-missing']);
});

test('doctor rejects a path that is no folder', async () => {
  const run = await doctor(['no-such-folder'], root);
  assert.equal(run.status, 2);
  assert.equal(run.stderr, 'pubguard: doctor: "no-such-folder" does not exist; give package folders, such as "." or "packages/backend"\n');
  const folder = project('a-file', { 'package.json': manifest('doctor-a-file'), 'index.js': '1;\n' });
  const file = await doctor(['index.js'], folder);
  assert.equal(file.status, 2);
  assert.equal(file.stderr, 'pubguard: doctor: "index.js" is not a folder; give package folders, such as "." or "packages/backend"\n');
});

test('doctor rejects a bad --format', async () => {
  const run = await doctor(['--format', 'xml'], root);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /invalid --format "xml"/);
});

/** `.npmrc` pointing at the fault proxy, with the token keyed to the proxy's origin. */
function proxyNpmrc(token: string): string {
  return `registry=${proxy.url}\n${proxy.authKey()}=${token}\n`;
}

test('doctor reports persistent 5xx', async () => {
  proxy.addFault({ method: 'GET', path: '/-/ping', fault: { kind: 'status', status: 503 } });
  try {
    const folder = project('server-error', { 'package.json': manifest('doctor-5xx'), 'index.js': '1;\n', '.npmrc': proxyNpmrc(aliceToken) });
    const before = proxy.requests.length;
    const run = await doctor(['--format', 'json'], folder);
    assert.equal(run.status, 1);
    const report = parse(run);
    assert.deepEqual(ruleIds(report), ['registry-server-error']);
    // One request and one retry, then doctor stops asking.
    assert.equal(proxy.requests.length - before, 2);
  } finally {
    proxy.clearFaults();
  }
});

test('doctor retries a single 5xx', async () => {
  proxy.addFault({ method: 'GET', path: '/doctor-retry', times: 1, fault: { kind: 'status', status: 502 } });
  try {
    const folder = project('retry', { 'package.json': manifest('doctor-retry'), 'index.js': '1;\n', '.npmrc': proxyNpmrc(aliceToken) });
    const run = await doctor(['--format', 'json'], folder);
    assert.equal(run.status, 0, run.stdout);
    assert.equal(parse(run).packages[0]!.live.versionExists, 'missing');
  } finally {
    proxy.clearFaults();
  }
});

test('doctor times out a slow registry', async () => {
  proxy.addFault({ method: 'GET', path: '/doctor-slow', fault: { kind: 'delay', ms: 3_000 } });
  try {
    const folder = project('slow', { 'package.json': manifest('doctor-slow'), 'index.js': '1;\n', '.npmrc': proxyNpmrc(aliceToken) });
    const run = await doctor(['--format', 'json', '--timeout', '1'], folder);
    assert.equal(run.status, 1);
    const entry = parse(run).packages[0]!;
    assert.equal(entry.live.versionExists, 'unknown');
    assert.deepEqual(ruleIds(parse(run)), ['version-check-failed']);
    assert.match(entry.findings[0]!.message, /timed out/);
  } finally {
    proxy.clearFaults();
  }
});

test('doctor drops the token on a foreign redirect', async () => {
  proxy.addFault({ method: 'GET', path: '/doctor-redirect', fault: { kind: 'redirect', status: 302 } });
  try {
    const folder = project('redirect', { 'package.json': manifest('doctor-redirect'), 'index.js': '1;\n', '.npmrc': proxyNpmrc(aliceToken) });
    const before = proxy.foreign.requests.length;
    const run = await doctor(['--format', 'json'], folder);
    // The other origin responds 404 to a request without the token, which proves nothing about the version.
    assert.equal(run.status, 1, run.stdout);
    const entry = parse(run).packages[0]!;
    assert.equal(entry.live.whoami, 'alice');
    assert.equal(entry.live.versionExists, 'unknown');
    assert.deepEqual(ruleIds(parse(run)), ['version-check-failed']);
    const foreign = proxy.foreign.requests.slice(before);
    assert.equal(foreign.length, 1);
    assert.equal(foreign[0]?.authorization, undefined);
    assertNoToken(run, aliceToken);
  } finally {
    proxy.clearFaults();
  }
});

test('doctor names the config line for every workspace', async () => {
  // npm's loader exports what it read as npm_config_* variables; the second
  // package must still see the registry come from the file, not a variable.
  const repo = project('workspace-sources', {
    'package.json': JSON.stringify({ name: 'ws-sources-root', version: '1.0.0', private: true, workspaces: ['packages/*'] }),
    '.npmrc': registry.npmrc(aliceToken),
    'packages/a/package.json': manifest('doctor-sources-a'),
    'packages/a/index.js': '1;\n',
    'packages/b/package.json': manifest('doctor-sources-b'),
    'packages/b/index.js': '1;\n',
  });
  const run = await doctor(['--format', 'json', '--offline'], repo);
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.deepEqual(
    parse(run).packages.map((entry) => [entry.path, entry.registry.source, entry.credential.source]).sort(),
    [
      ['packages/a', '.npmrc:1', '.npmrc:2'],
      ['packages/b', '.npmrc:1', '.npmrc:2'],
    ],
  );
});

test('doctor tells a whoami redirect from a rejected token', async () => {
  proxy.addFault({ method: 'GET', path: '/-/whoami', fault: { kind: 'redirect', status: 302 } });
  try {
    const folder = project('whoami-redirect', { 'package.json': manifest('doctor-whoami-redirect'), 'index.js': '1;\n', '.npmrc': proxyNpmrc(aliceToken) });
    const before = proxy.foreign.requests.length;
    const run = await doctor(['--format', 'json'], folder);
    assert.equal(run.status, 1, run.stdout);
    const entry = parse(run).packages[0]!;
    assert.deepEqual(ruleIds(parse(run)), ['registry-redirected']);
    assert.equal(entry.live.whoami, null);
    assert.match(entry.findings[0]!.message, new RegExp(`redirected to another origin, "${proxy.foreign.url}-/whoami"`));
    assert.deepEqual(
      proxy.foreign.requests.slice(before).map((request) => [request.path, request.authorization]),
      [['/-/whoami', undefined]],
    );
    const text = await doctor([], folder);
    assert.match(text.stdout, /whoami +unknown: redirected to another origin/);
    assertNoToken(run, aliceToken);
    assertNoToken(text, aliceToken);
  } finally {
    proxy.clearFaults();
  }
});

test('doctor shows no whoami when the ping gets 5xx', async () => {
  proxy.addFault({ method: 'GET', path: '/-/ping', fault: { kind: 'status', status: 503 } });
  try {
    const folder = project('ping-5xx', { 'package.json': manifest('doctor-ping-5xx'), 'index.js': '1;\n', '.npmrc': proxyNpmrc(aliceToken) });
    const json = await doctor(['--format', 'json'], folder);
    assert.equal(json.status, 1);
    assert.equal(parse(json).packages[0]!.live.pingStatus, 503);
    const text = await doctor([], folder);
    assert.equal(text.status, 1);
    assert.match(text.stdout, /reachable +yes, but HTTP 503/);
    assert.doesNotMatch(text.stdout, /whoami/);
  } finally {
    proxy.clearFaults();
  }
});

test('doctor reports a broken package.json found without paths', async () => {
  const folder = project('broken-json', { 'package.json': '{"name": "doctor-broken", "version": ', '.npmrc': registry.npmrc(aliceToken) });
  const run = await doctor(['--format', 'json', '--offline'], folder);
  assert.equal(run.status, 1, run.stderr);
  const report = parse(run);
  assert.deepEqual(ruleIds(report), ['package-json-unreadable']);
  assert.match(report.packages[0]!.findings[0]!.message, /^"package\.json" is not valid JSON \(/);
});

test('doctor reports a package without a name found without paths', async () => {
  const folder = project('no-name', { 'package.json': JSON.stringify({ version: '1.0.0' }), 'index.js': '1;\n', '.npmrc': registry.npmrc(aliceToken) });
  const run = await doctor(['--format', 'json', '--offline'], folder);
  assert.equal(run.status, 1, run.stderr);
  assert.deepEqual(ruleIds(parse(run)), ['package-name-missing']);
});

test('doctor flags a private package found without paths', async () => {
  const folder = project('private-here', { 'package.json': manifest('doctor-private-here', '1.0.0', { private: true }), 'index.js': '1;\n', '.npmrc': registry.npmrc(aliceToken) });
  const run = await doctor(['--format', 'json', '--offline'], folder);
  assert.equal(run.status, 1, run.stdout + run.stderr);
  assert.deepEqual(ruleIds(parse(run)), ['package-private']);
});

test('doctor sends the Yarn 2+ token from .yarnrc.yml', async () => {
  const folder = project('yarn-berry', {
    'package.json': manifest('doctor-yarn-berry', '1.0.0', { packageManager: 'yarn@4.1.0' }),
    'index.js': '1;\n',
    'yarn.lock': '',
    '.yarnrc.yml': `npmRegistryServer: "${registry.url}"\nnpmAuthToken: "\${DOCTOR_YARN_TOKEN}"\n`,
  });
  const run = await doctor(['--format', 'json'], folder, { DOCTOR_YARN_TOKEN: aliceToken });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  const entry = parse(run).packages[0]!;
  assert.equal(entry.credential.source, '.yarnrc.yml:2');
  assert.equal(entry.live.whoami, 'alice');
  assertNoToken(run, aliceToken);
});

test('doctor puts a certain cause before a likely one', async () => {
  // The fine-grained token is rejected for sure; the scope and owner mismatch is medium confidence.
  const folder = project('github-two-causes', {
    'package.json': manifest('@someone/pkg', '1.0.0', { repository: 'https://github.com/other-org/pkg.git' }),
    'index.js': '1;\n',
    '.npmrc': '@someone:registry=https://npm.pkg.github.com/\n//npm.pkg.github.com/:_authToken=${GH_PAT}\n',
  });
  const token = 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123';
  const run = await doctor(['--offline', '--format', 'json'], folder, { GH_PAT: token });
  assert.equal(run.status, 1);
  assert.deepEqual(ruleIds(parse(run)), ['github-packages-fine-grained-token', 'github-packages-scope-owner-mismatch']);
  const text = await doctor(['--offline'], folder, { GH_PAT: token });
  assert.match(text.stdout, /verdict: publish would fail: the token for "https:\/\/npm\.pkg\.github\.com\/" is a fine-grained personal access token/);
  assertNoToken(run, token);
  assertNoToken(text, token);
});

test('doctor names rejected basic credentials as such', async () => {
  const auth = Buffer.from('alice:wrong-password').toString('base64');
  const folder = project('bad-basic', { 'package.json': manifest('doctor-bad-basic'), 'index.js': '1;\n', '.npmrc': `registry=${registry.url}\n${registry.authKey().replace(/_authToken$/, '_auth')}=${auth}\n` });
  const run = await doctor(['--format', 'json'], folder);
  assert.equal(run.status, 1);
  const report = parse(run);
  assert.deepEqual(ruleIds(report), ['token-rejected']);
  assert.equal(report.packages[0]!.findings[0]!.message, `the registry "${registry.url}" does not recognise the user name and password (_auth) configured for it: whoami names no user`);
  assertNoToken(run, auth);
});

test('doctor reports a registry that is not a URL', async () => {
  // A common slip: the scheme left out. npm stops with ERR_INVALID_URL.
  const folder = project('registry-not-url', {
    'package.json': manifest('@acme/doctor-not-url'),
    'index.js': '1;\n',
    '.npmrc': `registry=${registry.url}\n@acme:registry=npm.pkg.github.com\n`,
  });
  const run = await doctor(['--format', 'json', '--offline'], folder);
  assert.equal(run.status, 1, run.stderr);
  const report = parse(run);
  assert.deepEqual(ruleIds(report), ['registry-invalid-url']);
  const finding = report.packages[0]!.findings[0]!;
  assert.equal(finding.file, '.npmrc');
  assert.equal(finding.line, 2);
  assert.match(finding.message, /^"npm\.pkg\.github\.com" at \.npmrc:2 is not a URL/);
  const text = await doctor(['--offline'], folder);
  assert.equal(text.status, 1);
  assert.equal(text.stderr, '');
  assert.match(text.stdout, /verdict: publish would fail: "npm\.pkg\.github\.com" at \.npmrc:2 is not a URL/);
  assert.match(text.stdout, /live checks +skipped \(the registry is not a URL\)/);
  assert.match(text.stdout, /fix: write "@acme:registry" as a full URL with its scheme, such as "https:\/\/npm\.pkg\.github\.com\/"/);
});

test('doctor rejects a timeout too long for a timer', async () => {
  // 3,000,000 s is 3e9 ms, more than node's largest timer (2^31 - 1 ms), which would fire at once.
  const run = await doctor(['--timeout', '3000000'], root);
  assert.equal(run.status, 2);
  assert.equal(run.stderr, 'pubguard: doctor: invalid --timeout "3000000": expected at most 3600 seconds\n');
});

test('doctor flags an npm token for GitHub Packages', async () => {
  // A setup that passes secrets.NPM_TOKEN to a GitHub Packages publish; the token must not go to the GitHub API either.
  const token = 'npm_0123456789abcdefghijABCDEFGHIJ012345';
  const folder = project('github-npm-token', {
    'package.json': manifest('@owner/npm-token', '1.0.0', { repository: 'github:owner/npm-token' }),
    'index.js': '1;\n',
    '.npmrc': `@owner:registry=https://npm.pkg.github.com/\n//npm.pkg.github.com/:_authToken=\${NODE_AUTH_TOKEN}\n`,
  });
  const before = githubRequests.length;
  const run = await doctor(['--offline', '--github-scopes', '--format', 'json'], folder, { GITHUB_API_URL: githubApiUrl, NODE_AUTH_TOKEN: token });
  assert.equal(run.status, 1);
  const finding = parse(run).packages[0]!.findings[0]!;
  assert.deepEqual(ruleIds(parse(run)), ['github-packages-npm-token']);
  assert.equal(finding.file, '.npmrc');
  assert.equal(finding.line, 2);
  assert.equal(githubRequests.length, before);
  assertNoToken(run, token);
});

test('doctor flags Yarn config files in the tarball', async () => {
  // npm packs .yarnrc.yml and .yarnrc, which often carry npmAuthToken or _authToken.
  const folder = project('yarnrc-in-tarball', {
    'package.json': manifest('doctor-yarnrc-file'),
    'index.js': '1;\n',
    // In a subfolder, so the client stays npm: a .yarnrc.yml at the root makes it Yarn 2+.
    'template/.yarnrc.yml': 'npmAuthToken: "${YARN_TOKEN}"\n',
    'template/.yarnrc': 'registry "https://registry.example/"\n',
    '.npmrc': registry.npmrc(aliceToken),
  });
  const run = await doctor(['--format', 'json', '--offline'], folder);
  assert.equal(run.status, 0, run.stdout);
  assert.deepEqual(parse(run).packages[0]!.tarball?.secretFiles.sort(), ['template/.yarnrc', 'template/.yarnrc.yml']);
});

test('doctor warns about a package .npmrc npm does not read', async () => {
  // npm reads the project config only from its local prefix, here the workspace root.
  const repo = project('workspace-npmrc', {
    'package.json': JSON.stringify({ name: 'ws-npmrc-root', version: '1.0.0', private: true, workspaces: ['packages/*'] }),
    '.npmrc': `registry=${registry.url}\n`,
    'packages/a/package.json': manifest('doctor-ws-npmrc-a'),
    'packages/a/index.js': '1;\n',
    'packages/a/.npmrc': `${registry.authKey()}=${aliceToken}\n`,
  });
  const run = await doctor(['--format', 'json', '--offline'], repo);
  assert.equal(run.status, 1);
  const entry = parse(run).packages[0]!;
  assert.deepEqual(ruleIds(parse(run)), ['token-missing', 'npmrc-not-read']);
  const warning = entry.findings[1]!;
  assert.equal(warning.severity, 'warning');
  assert.equal(warning.file, 'packages/a/.npmrc');
  assert.equal(warning.message, 'npm does not read "packages/a/.npmrc": it reads the project config only from its local prefix ".", so the credential keys in it are not used');
  const inside = await doctor(['--format', 'json', '--offline'], join(repo, 'packages', 'a'));
  assert.deepEqual(ruleIds(parse(inside)), ['token-missing', 'npmrc-not-read']);
  assertNoToken(run, aliceToken);
  assertNoToken(inside, aliceToken);
});

test('doctor pings a slow registry once for all packages', async () => {
  proxy.addFault({ method: 'GET', path: '/-/ping', fault: { kind: 'delay', ms: 3_000 } });
  try {
    const repo = project('slow-workspaces', {
      'package.json': JSON.stringify({ name: 'slow-ws-root', version: '1.0.0', private: true, workspaces: ['packages/*'] }),
      '.npmrc': proxyNpmrc(aliceToken),
      'packages/a/package.json': manifest('doctor-slow-ws-a'),
      'packages/a/index.js': '1;\n',
      'packages/b/package.json': manifest('doctor-slow-ws-b'),
      'packages/b/index.js': '1;\n',
      'packages/c/package.json': manifest('doctor-slow-ws-c'),
      'packages/c/index.js': '1;\n',
    });
    const before = proxy.requests.length;
    const run = await doctor(['--format', 'json', '--timeout', '1'], repo);
    assert.equal(run.status, 1);
    const report = parse(run);
    assert.deepEqual(report.packages.map((entry) => ruleIds(report, report.packages.indexOf(entry))), [['registry-unreachable'], ['registry-unreachable'], ['registry-unreachable']]);
    // One ping and one retry for the registry, not two per package.
    assert.equal(proxy.requests.slice(before).filter((request) => request.path === '/-/ping').length, 2);
  } finally {
    proxy.clearFaults();
  }
});

test('doctor flags a name npm cannot publish', async () => {
  // npm's own name rules (npm-package-arg) reject spaces before any request.
  const folder = project('bad-name', { 'package.json': manifest('My Pkg'), 'index.js': '1;\n', '.npmrc': registry.npmrc(aliceToken) });
  const run = await doctor(['--format', 'json'], folder);
  assert.equal(run.status, 1);
  const report = parse(run);
  assert.deepEqual(ruleIds(report), ['package-name-invalid']);
  assert.equal(report.packages[0]!.findings[0]!.message, '"package.json" has the name "My Pkg", which npm rejects: name can only contain URL-friendly characters');
  assert.equal(report.packages[0]!.findings[0]!.line, 2);
  assert.equal(report.packages[0]!.live.versionExists, null);
});
