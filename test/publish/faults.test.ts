// Faults through the fault-injecting proxy in front of a real Verdaccio:
// each gives the right outcome and exit status, nothing is uploaded twice
// blindly, and nothing is reported published that is not in the registry.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startVerdaccio, type Verdaccio } from '../harness/verdaccio.js';
import { startFaultProxy, type FaultProxy } from '../harness/fault-proxy.js';
import { isolatedEnv, registryVersions, runCliAsync, uniqueName, writeTree, type CliRun } from './helpers.js';

let registry: Verdaccio;
let proxy: FaultProxy;
let token: string;

before(async () => {
  registry = await startVerdaccio();
  proxy = await startFaultProxy({ target: registry.url });
  token = await registry.login('bob');
});

after(async () => {
  await proxy?.stop();
  await registry?.stop();
});

interface Outcome {
  name: string;
  status: string;
  attempts: number;
  cause: { id: string; message: string } | null;
}

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return isolatedEnv(proxy.url, `registry=${proxy.url}\n${proxy.authKey()}=${token}\n`, extra);
}

function outcomeOf(run: CliRun): Outcome {
  return (JSON.parse(run.stdout) as { packages: Outcome[] }).packages[0]!;
}

function uploads(name: string): number {
  return proxy.requests.filter((request) => request.method === 'PUT' && request.path === `/${name}`).length;
}

function assertClean(run: CliRun): void {
  assert.equal(run.stdout.includes(token), false, 'token in stdout');
  assert.equal(run.stderr.includes(token), false, 'token in stderr');
}

async function publish(name: string, args: string[] = [], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const repo = writeTree({ 'package.json': { name, version: '1.0.0' } });
  return runCliAsync(['publish', '--format', 'json', '--landed-wait', '800', ...args], { cwd: repo, env: env(extraEnv) });
}

test('fault: one 503 on upload is retried after a look', async () => {
  const name = uniqueName('once-503');
  proxy.addFault({ method: 'PUT', path: `/${name}`, times: 1, fault: { kind: 'status', status: 503 } });
  const run = await publish(name);

  assert.equal(run.status, 0, run.stderr);
  const outcome = outcomeOf(run);
  assert.equal(outcome.status, 'published');
  // The first attempt's 503 does not stay on a package that the second attempt published.
  assert.equal(outcome.cause, null);
  assert.equal(outcome.attempts, 2);
  assert.equal(uploads(name), 2);
  assert.match(run.stderr, /the upload failed and the version is not in the registry; uploading again/);
  assert.deepEqual(await registryVersions(registry.url, name), ['1.0.0']);
  assertClean(run);
});

test('fault: lasting 503 fails after two uploads', async () => {
  const name = uniqueName('always-503');
  proxy.addFault({ method: 'PUT', path: `/${name}`, fault: { kind: 'status', status: 503 } });
  const run = await publish(name);

  assert.equal(run.status, 1);
  const outcome = outcomeOf(run);
  assert.equal(outcome.status, 'failed');
  assert.equal(outcome.cause!.id, 'registry-unavailable');
  assert.equal(outcome.attempts, 2);
  assert.equal(uploads(name), 2);
  assert.deepEqual(await registryVersions(registry.url, name), []);
  assertClean(run);
});

test('fault: reset before the body arrives', async () => {
  const name = uniqueName('reset-lost');
  proxy.addFault({ method: 'PUT', path: `/${name}`, times: 1, fault: { kind: 'reset-upload', afterBytes: 64 } });
  const run = await publish(name);

  assert.equal(run.status, 0, run.stderr);
  const outcome = outcomeOf(run);
  assert.equal(outcome.status, 'published');
  assert.equal(outcome.attempts, 2);
  assert.equal(uploads(name), 2);
  assert.deepEqual(await registryVersions(registry.url, name), ['1.0.0']);
});

test('fault: reset after the upload landed', async () => {
  const name = uniqueName('reset-landed');
  proxy.addFault({ method: 'PUT', path: `/${name}`, times: 1, fault: { kind: 'reset-upload', deliver: true } });
  const run = await publish(name);

  assert.equal(run.status, 0, run.stderr);
  const outcome = outcomeOf(run);
  assert.equal(outcome.status, 'published');
  // The look found the version, so there was no second upload.
  assert.equal(outcome.attempts, 1);
  assert.equal(uploads(name), 1);
  assert.deepEqual(await registryVersions(registry.url, name), ['1.0.0']);
});

test('fault: npm retry after a landed upload', async () => {
  const name = uniqueName('npm-retry');
  proxy.addFault({ method: 'PUT', path: `/${name}`, times: 1, fault: { kind: 'reset-upload', deliver: true } });
  // npm's own retry (fetch-retries) sends the body again and gets a conflict with its first try.
  const run = await publish(name, [], { npm_config_fetch_retries: '1', npm_config_fetch_retry_mintimeout: '50', npm_config_fetch_retry_maxtimeout: '100' });

  assert.equal(run.status, 0, run.stderr);
  const outcome = outcomeOf(run);
  assert.equal(outcome.status, 'published');
  assert.equal(outcome.cause, null);
  assert.equal(outcome.attempts, 1);
  assert.equal(uploads(name), 2);
  // What this run published is verified.
  assert.equal((JSON.parse(run.stdout) as { verify: { summary: { verified: number } } }).verify.summary.verified, 1);
  assert.deepEqual(await registryVersions(registry.url, name), ['1.0.0']);
  assertClean(run);
});

test('fault: slow answers still publish', async () => {
  const name = uniqueName('slow');
  proxy.addFault({ method: 'GET', path: `/${name}`, times: 2, fault: { kind: 'delay', ms: 800 } });
  proxy.addFault({ method: 'PUT', path: `/${name}`, times: 1, fault: { kind: 'delay', ms: 800 } });
  const run = await publish(name);

  assert.equal(run.status, 0, run.stderr);
  assert.equal(outcomeOf(run).status, 'published');
  assert.equal(uploads(name), 1);
});

test('fault: client timeout while the upload lands', async () => {
  const name = uniqueName('timeout');
  // npm gives up after 1 s; the proxy forwards the upload after 2 s anyway.
  proxy.addFault({ method: 'PUT', path: `/${name}`, times: 1, fault: { kind: 'delay', ms: 2000 } });
  const run = await publish(name, ['--landed-wait', '6000'], { npm_config_fetch_timeout: '1000' });

  assert.equal(run.status, 0, run.stderr);
  const outcome = outcomeOf(run);
  assert.equal(outcome.status, 'published');
  assert.equal(outcome.attempts, 1);
  assert.equal(uploads(name), 1);
  assert.deepEqual(await registryVersions(registry.url, name), ['1.0.0']);
});

test('fault: late visibility is waited for by verify', async () => {
  const name = uniqueName('late');
  proxy.addFault({ method: 'PUT', path: `/${name}`, times: 1, fault: { kind: 'late-visibility', ms: 2000 } });
  const run = await publish(name);

  assert.equal(run.status, 0, run.stderr);
  const document = JSON.parse(run.stdout) as { packages: Outcome[]; verify: { packages: Array<{ status: string; attempts: number }> } };
  assert.equal(document.packages[0]!.status, 'published');
  assert.equal(document.verify.packages[0]!.status, 'verified');
  assert.ok(document.verify.packages[0]!.attempts > 1, 'verify read more than once');
  assert.match(run.stderr, /not listed yet, reading again in/);
});

test('fault: late visibility beyond verify retries fails', async () => {
  const name = uniqueName('later');
  proxy.addFault({ method: 'PUT', path: `/${name}`, times: 1, fault: { kind: 'late-visibility', ms: 20_000 } });
  const outputs = writeTree({ 'summary.md': '', 'output.txt': '' });
  const run = await publish(name, ['--verify-retries', '1'], { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: join(outputs, 'summary.md'), GITHUB_OUTPUT: join(outputs, 'output.txt') });

  assert.equal(run.status, 1);
  const document = JSON.parse(run.stdout) as { packages: Outcome[]; verify: { packages: Array<{ status: string; cause: { id: string } }> } };
  assert.equal(document.packages[0]!.status, 'published');
  assert.equal(document.verify.packages[0]!.cause.id, 'version-not-published');
  assert.equal(uploads(name), 1);
  // The job summary and an annotation explain why the step failed although the upload worked.
  const summary = readFileSync(join(outputs, 'summary.md'), 'utf8');
  assert.match(summary, /^### pubguard verify$/m);
  assert.match(summary, new RegExp(`^\\| \`${name}@1\\.0\\.0\` \\| ❌ failed \\| version-not-published: `, 'm'));
  const annotations = run.stderr.split('\n').filter((line) => line.startsWith('::error'));
  assert.equal(annotations.length, 1);
  assert.match(annotations[0]!, new RegExp(`^::error file=package\\.json,title=verify of ${name}@1\\.0\\.0 failed \\(version-not-published\\)::`));
});

test('fault: verify reads that keep failing', async () => {
  const name = uniqueName('verify-503');
  await registry.publish({ name, version: '1.0.0' }, token);
  proxy.addFault({ method: 'GET', path: `/${name}`, fault: { kind: 'status', status: 503 } });
  const run = await runCliAsync(['verify', `${name}@1.0.0`, '--retries', '2', '--retry-delay', '10', '--format', 'json'], { cwd: writeTree({}), env: env() });

  assert.equal(run.status, 1);
  const [entry] = (JSON.parse(run.stdout) as { packages: Array<{ status: string; attempts: number; cause: { id: string; message: string } }> }).packages;
  assert.equal(entry!.status, 'failed');
  assert.equal(entry!.attempts, 3);
  assert.equal(entry!.cause.id, 'lookup-failed');
  assert.equal(entry!.cause.message, `the registry could not be read for "${name}@1.0.0" (HTTP 503 on each of 3 reads), so nothing is proven.`);
  proxy.clearFaults();
});

test('fault: redirected lookup carries no credential', async () => {
  const name = uniqueName('redirected-read');
  // pubguard's own lookup before the upload is redirected to another origin.
  proxy.addFault({ method: 'GET', path: `/${name}`, times: 1, fault: { kind: 'redirect', status: 302 } });
  const start = proxy.foreign.requests.length;
  const run = await publish(name);

  const foreign = proxy.foreign.requests.slice(start);
  assert.deepEqual(foreign.map((request) => [request.method, request.path]), [['GET', `/${name}`]]);
  assert.equal(foreign[0]!.authorization, undefined);
  assert.equal(foreign[0]!.cookie, undefined);
  // The foreign origin's 404 was reached without the credential, so it proves nothing: the publish stops.
  assert.equal(run.status, 1);
  const outcome = outcomeOf(run);
  assert.equal(outcome.status, 'failed');
  assert.equal(outcome.cause!.id, 'lookup-redirected');
  assert.equal(outcome.attempts, 0);
  assert.equal(uploads(name), 0);
  assert.deepEqual(await registryVersions(registry.url, name), []);
  assertClean(run);
});

test('fault: redirected verify read carries no credential', async () => {
  const name = uniqueName('redirected-verify');
  await registry.publish({ name, version: '1.0.0' }, token);
  proxy.addFault({ method: 'GET', path: `/${name}`, times: 1, fault: { kind: 'redirect', status: 302 } });
  const start = proxy.foreign.requests.length;
  const run = await runCliAsync(['verify', `${name}@1.0.0`, '--format', 'json'], { cwd: writeTree({}), env: env() });

  const foreign = proxy.foreign.requests.slice(start);
  assert.ok(foreign.length >= 1, 'the redirect was followed');
  for (const request of foreign) assert.equal(request.authorization, undefined, `${request.method} ${request.path} carried a credential`);
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assertClean(run);
});

test('fault: redirected upload is a failure', async () => {
  const name = uniqueName('redirected-upload');
  // NOTE: npm 11.19 follows a 307 on the upload to the other origin and
  // sends its Authorization header there; pubguard does not make that request
  // and cannot strip it. The foreign origin forwards without the credential,
  // so the registry refuses the upload with 401.
  proxy.addFault({ method: 'PUT', path: `/${name}`, times: 1, fault: { kind: 'redirect', status: 307 } });
  const run = await publish(name, ['--no-verify']);

  assert.equal(run.status, 1);
  const outcome = outcomeOf(run);
  assert.equal(outcome.status, 'failed');
  assert.equal(outcome.attempts, 1);
  assert.deepEqual(await registryVersions(registry.url, name), []);
  assertClean(run);
});

test('rerun publishes only what is missing', async () => {
  const [first, second, third] = [uniqueName('rerun-a'), uniqueName('rerun-b'), uniqueName('rerun-c')];
  const repo = writeTree({
    'a/package.json': { name: first, version: '1.0.0' },
    'b/package.json': { name: second, version: '1.0.0' },
    'c/package.json': { name: third, version: '1.0.0' },
  });
  proxy.addFault({ method: 'PUT', path: `/${second}`, times: 2, fault: { kind: 'status', status: 502 } });
  const broken = await runCliAsync(['publish', 'a', 'b', 'c', '--format', 'json', '--landed-wait', '300'], { cwd: repo, env: env() });
  assert.equal(broken.status, 1);
  assert.deepEqual((JSON.parse(broken.stdout) as { packages: Outcome[] }).packages.map((entry) => entry.status), ['published', 'failed', 'not-attempted']);

  const rerun = await runCliAsync(['publish', 'a', 'b', 'c', '--format', 'json'], { cwd: repo, env: env() });
  assert.equal(rerun.status, 0, rerun.stderr);
  const outcomes = (JSON.parse(rerun.stdout) as { packages: Outcome[] }).packages;
  assert.deepEqual(outcomes.map((entry) => [entry.status, entry.attempts]), [['already-published', 0], ['published', 1], ['published', 1]]);
  assert.equal(uploads(first), 1);
  assert.equal(uploads(second), 3);
  assert.equal(uploads(third), 1);
});

test('fault: verify waits for a tarball not served yet', async () => {
  const name = uniqueName('cdn-lag');
  await registry.publish({ name, version: '1.0.0' }, token);
  // A CDN that lists the version before it serves the tarball: two 404s, then the file.
  proxy.addFault({ method: 'GET', path: `/${name}/-/${name}-1.0.0.tgz`, times: 2, fault: { kind: 'status', status: 404 } });
  const run = await runCliAsync(['verify', `${name}@1.0.0`, '--retry-delay', '100', '--format', 'json'], { cwd: writeTree({}), env: env() });

  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.equal((JSON.parse(run.stdout) as { packages: Array<{ status: string }> }).packages[0]!.status, 'verified');
  assert.equal((run.stderr.match(/tarball not served yet \(404\), reading again in/g) ?? []).length, 2);
  assertClean(run);
});
