// Checks that the Verdaccio harness and the fault proxy produce the responses
// other tests rely on: real 401 and 403, and each injected fault.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startVerdaccio, type Verdaccio } from './verdaccio.js';
import { parsePackagePath, startFaultProxy, type FaultProxy } from './fault-proxy.js';

let registry: Verdaccio;
let proxy: FaultProxy;
let aliceToken: string;
let bobToken: string;

before(async () => {
  registry = await startVerdaccio();
  proxy = await startFaultProxy({ target: registry.url });
  aliceToken = await registry.login('alice');
  bobToken = await registry.login('bob');
  await registry.publish({ name: 'harness-base', version: '1.0.0' }, aliceToken);
});

after(async () => {
  await proxy?.stop();
  await registry?.stop();
});

function get(url: string, token?: string): Promise<Response> {
  return fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, redirect: 'manual', signal: AbortSignal.timeout(10_000) });
}

test('verdaccio issues JWT tokens on login', () => {
  assert.match(aliceToken, /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
  assert.ok(registry.startupMs > 0);
});

test('verdaccio whoami names the token owner', async () => {
  const response = await get(`${registry.url}-/whoami`, bobToken);
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { username: 'bob' });
});

test('verdaccio proxies nothing upstream', async () => {
  // With no uplinks a package that exists only on public registries is simply absent.
  assert.equal((await get(`${registry.url}lodash`)).status, 404);
});

test('verdaccio rejects a wrong password', async () => {
  // Verdaccio treats a failed Basic login as a registration attempt, which max_users -1 rejects with 409.
  await assert.rejects(registry.login('alice', 'wrong-password'), /HTTP 409/);
});

test('verdaccio answers 403 to bob publishing alice-only', async () => {
  await assert.rejects(registry.publish({ name: 'alice-only-pkg', version: '1.0.0' }, bobToken), (error: { statusCode?: number }) => {
    assert.equal(error.statusCode, 403);
    return true;
  });
});

test('verdaccio lets nobody publish locked packages', async () => {
  await assert.rejects(registry.publish({ name: '@locked/pkg', version: '1.0.0' }, aliceToken), (error: { statusCode?: number }) => {
    assert.equal(error.statusCode, 403);
    return true;
  });
});

test('verdaccio answers 401 to a publish without a valid token', async () => {
  await assert.rejects(registry.publish({ name: 'anyone-pkg', version: '1.0.0' }, 'not-a-token'), (error: { statusCode?: number }) => {
    assert.equal(error.statusCode, 401);
    return true;
  });
});

test('verdaccio private packages are 401 anonymous, 403 for bob', async () => {
  assert.equal((await get(`${registry.url}private-thing`)).status, 401);
  assert.equal((await get(`${registry.url}private-thing`, bobToken)).status, 403);
  assert.equal((await get(`${registry.url}private-thing`, aliceToken)).status, 404);
});

test('proxy forwards when no fault matches', async () => {
  const response = await get(`${proxy.url}harness-base`);
  assert.equal(response.status, 200);
  const packument = (await response.json()) as { versions: Record<string, unknown> };
  assert.deepEqual(Object.keys(packument.versions), ['1.0.0']);
  const tarball = (packument.versions['1.0.0'] as { dist: { tarball: string } }).dist.tarball;
  assert.equal(new URL(tarball).origin, new URL(proxy.url).origin);
});

test('proxy injects 5xx a bounded number of times', async () => {
  proxy.addFault({ method: 'GET', path: '/harness-base', times: 2, fault: { kind: 'status', status: 503 } });
  try {
    assert.equal((await get(`${proxy.url}harness-base`)).status, 503);
    assert.equal((await get(`${proxy.url}harness-base`)).status, 503);
    assert.equal((await get(`${proxy.url}harness-base`)).status, 200);
  } finally {
    proxy.clearFaults();
  }
});

test('proxy delays an answer', async () => {
  proxy.addFault({ method: 'GET', path: '/harness-base', times: 1, fault: { kind: 'delay', ms: 300 } });
  try {
    const started = performance.now();
    assert.equal((await get(`${proxy.url}harness-base`)).status, 200);
    assert.ok(performance.now() - started >= 290);
  } finally {
    proxy.clearFaults();
  }
});

function putRaw(url: string, body: Buffer, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': String(body.length) } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('proxy resets an upload before it reaches the registry', async () => {
  proxy.addFault({ method: 'PUT', times: 1, fault: { kind: 'reset-upload', afterBytes: 10 } });
  try {
    const body = Buffer.from(JSON.stringify({ name: 'reset-pkg', versions: {}, padding: 'x'.repeat(100_000) }));
    await assert.rejects(putRaw(`${proxy.url}reset-pkg`, body, aliceToken), /socket hang up|ECONNRESET|EPIPE/);
    assert.equal((await get(`${registry.url}reset-pkg`)).status, 404);
  } finally {
    proxy.clearFaults();
  }
});

test('proxy resets after delivering an upload', async () => {
  proxy.addFault({ method: 'PUT', times: 1, fault: { kind: 'reset-upload', deliver: true } });
  try {
    // registry.publish() goes straight to Verdaccio, so publish through the proxy with npm's library.
    const { publish } = await import('libnpmpublish');
    const { packFolder } = await import('../../src/publish/pack.js');
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'pubguard-delivered-'));
    try {
      const manifest = { name: 'delivered-pkg', version: '2.0.0' };
      writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));
      const { tarball } = await packFolder(dir, { ignoreScripts: true });
      await assert.rejects(publish(manifest, tarball, { registry: proxy.url, [proxy.authKey()]: aliceToken, retry: { retries: 0 } }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const packument = (await (await get(`${registry.url}delivered-pkg`)).json()) as { versions: Record<string, unknown> };
    assert.ok('2.0.0' in packument.versions);
  } finally {
    proxy.clearFaults();
  }
});

test('proxy hides a new version for a while', async () => {
  proxy.addFault({ method: 'PUT', times: 1, fault: { kind: 'late-visibility', ms: 400 } });
  try {
    const { publish } = await import('libnpmpublish');
    const { packFolder } = await import('../../src/publish/pack.js');
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'pubguard-late-'));
    try {
      const manifest = { name: 'harness-base', version: '1.1.0' };
      writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));
      const { tarball } = await packFolder(dir, { ignoreScripts: true });
      await publish(manifest, tarball, { registry: proxy.url, [proxy.authKey()]: aliceToken, retry: { retries: 0 } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const hidden = (await (await get(`${proxy.url}harness-base`)).json()) as { versions: Record<string, unknown>; 'dist-tags': Record<string, string> };
    assert.deepEqual(Object.keys(hidden.versions), ['1.0.0']);
    assert.equal(hidden['dist-tags'].latest, undefined);
    assert.equal((await get(`${proxy.url}harness-base/1.1.0`)).status, 404);
    assert.equal((await get(`${proxy.url}harness-base/-/harness-base-1.1.0.tgz`)).status, 404);
    await new Promise((resolve) => setTimeout(resolve, 450));
    const visible = (await (await get(`${proxy.url}harness-base`)).json()) as { versions: Record<string, unknown> };
    assert.deepEqual(Object.keys(visible.versions).sort(), ['1.0.0', '1.1.0']);
  } finally {
    proxy.clearFaults();
  }
});

test('proxy redirects to a foreign origin that records auth', async () => {
  proxy.addFault({ method: 'GET', path: '/harness-base', times: 1, fault: { kind: 'redirect', status: 302 } });
  try {
    const response = await get(`${proxy.url}harness-base`, aliceToken);
    assert.equal(response.status, 302);
    const location = response.headers.get('location') ?? '';
    assert.equal(location, `${proxy.foreign.url}harness-base`);
    const before = proxy.foreign.requests.length;
    const followed = await get(location, 'visible-in-record');
    assert.equal(followed.status, 200);
    assert.equal(proxy.foreign.requests[before]?.authorization, 'Bearer visible-in-record');
  } finally {
    proxy.clearFaults();
  }
});

test('parsePackagePath splits names, versions and tarballs', () => {
  assert.deepEqual(parsePackagePath('/demo'), { name: 'demo' });
  assert.deepEqual(parsePackagePath('/@scope%2fdemo'), { name: '@scope/demo' });
  assert.deepEqual(parsePackagePath('/@scope/demo/1.0.0'), { name: '@scope/demo', version: '1.0.0' });
  assert.deepEqual(parsePackagePath('/demo/-/demo-1.0.0.tgz'), { name: 'demo', tarball: 'demo-1.0.0.tgz' });
  assert.equal(parsePackagePath('/-/whoami'), undefined);
});
