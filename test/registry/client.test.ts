// The registry client against a real Verdaccio, with faults from the proxy.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { startVerdaccio, type Verdaccio } from '../harness/verdaccio.js';
import { startFaultProxy, type FaultProxy } from '../harness/fault-proxy.js';
import { RegistryClient, RegistryError, isSameOrigin, originOf, withoutCredentials, escapePackageName } from '../../src/registry/index.js';

let registry: Verdaccio;
let proxy: FaultProxy;
let aliceToken: string;
let bobToken: string;

// Short delays keep retry tests fast; the policy itself is what is tested.
const FAST_RETRY = { retries: 2, minDelayMs: 10, maxDelayMs: 20, factor: 2 };

before(async () => {
  registry = await startVerdaccio();
  proxy = await startFaultProxy({ target: registry.url });
  aliceToken = await registry.login('alice');
  bobToken = await registry.login('bob');
  await registry.publish({ name: 'client-demo', version: '1.0.0', manifest: { description: 'first' } }, aliceToken);
  await registry.publish({ name: 'client-demo', version: '1.1.0' }, aliceToken);
  await registry.publish({ name: '@scope/client-demo', version: '2.0.0' }, aliceToken);
});

after(async () => {
  await proxy?.stop();
  await registry?.stop();
});

function clientFor(url: string, token: string | undefined, extra: Partial<ConstructorParameters<typeof RegistryClient>[0]> = {}): RegistryClient {
  const host = new URL(url).host;
  const npmOptions: Record<string, unknown> = { registry: url };
  if (token !== undefined) npmOptions[`//${host}/:_authToken`] = token;
  return new RegistryClient({ registry: url, npmOptions, retry: FAST_RETRY, ...extra });
}

async function rejectsWith(promise: Promise<unknown>, check: (error: RegistryError) => void): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof RegistryError, `expected a RegistryError, got ${String(error)}`);
    check(error);
    return true;
  });
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test('whoami names the token owner', async () => {
  assert.equal(await clientFor(registry.url, aliceToken).whoami(), 'alice');
});

test('whoami without a token is null', async () => {
  assert.equal(await clientFor(registry.url, undefined).whoami(), null);
});

test('whoami with a bad token is null', async () => {
  // Verdaccio 6 treats an unrecognised token as anonymous instead of responding with 401.
  assert.equal(await clientFor(registry.url, 'not-a-real-token-value').whoami(), null);
});

test('whoami maps 401 to unauthorized', async () => {
  proxy.addFault({ method: 'GET', path: '/-/whoami', times: 1, fault: { kind: 'status', status: 401, body: '{"error":"token expired"}' } });
  try {
    await rejectsWith(clientFor(proxy.url, aliceToken).whoami(), (error) => {
      assert.equal(error.kind, 'unauthorized');
      assert.equal(error.status, 401);
      assert.equal(error.registryMessage, 'token expired');
    });
  } finally {
    proxy.clearFaults();
  }
});

test('packument lists published versions', async () => {
  const packument = await clientFor(registry.url, aliceToken).packument('client-demo');
  assert.deepEqual(Object.keys(packument.versions).sort(), ['1.0.0', '1.1.0']);
  assert.equal(packument['dist-tags']?.latest, '1.1.0');
  assert.equal(packument.versions['1.0.0']?.description, 'first');
});

test('packument corgi form is abbreviated', async () => {
  const corgi = await clientFor(registry.url, aliceToken).packument('client-demo', { corgi: true });
  assert.deepEqual(Object.keys(corgi.versions).sort(), ['1.0.0', '1.1.0']);
  assert.match(corgi.versions['1.0.0']?.dist?.integrity ?? '', /^sha512-/);
  // The abbreviated form drops per-version fields such as main, which the full form keeps.
  assert.equal(corgi.versions['1.0.0']?.main, undefined);
  const full = await clientFor(registry.url, aliceToken).packument('client-demo');
  assert.equal(full.versions['1.0.0']?.main, 'index.js');
});

test('packument of a scoped package', async () => {
  const packument = await clientFor(registry.url, aliceToken).packument('@scope/client-demo');
  assert.deepEqual(Object.keys(packument.versions), ['2.0.0']);
  assert.equal(escapePackageName('@scope/client-demo'), '@scope%2fclient-demo');
});

test('versionExists finds a published version', async () => {
  assert.equal(await clientFor(registry.url, aliceToken).versionExists('client-demo', '1.0.0'), 'exists');
});

test('versionExists misses an unpublished version', async () => {
  assert.equal(await clientFor(registry.url, aliceToken).versionExists('client-demo', '9.9.9'), 'missing');
});

test('versionExists misses an unknown package on 404', async () => {
  assert.equal(await clientFor(registry.url, aliceToken).versionExists('never-published-here', '1.0.0'), 'missing');
});

test('versionExists throws on 401, never missing', async () => {
  await rejectsWith(clientFor(registry.url, undefined).versionExists('private-thing', '1.0.0'), (error) => {
    assert.equal(error.kind, 'unauthorized');
    assert.equal(error.status, 401);
    assert.match(error.registryMessage ?? '', /authorization required to access package private-thing/);
  });
});

test('versionExists throws on 403, never missing', async () => {
  await rejectsWith(clientFor(registry.url, bobToken).versionExists('private-thing', '1.0.0'), (error) => {
    assert.equal(error.kind, 'forbidden');
    assert.equal(error.status, 403);
    assert.match(error.message, /user bob is not allowed to access package private-thing/);
  });
});

test('versionExists throws on a closed port', async () => {
  const url = `http://127.0.0.1:${await closedPort()}/`;
  await rejectsWith(clientFor(url, aliceToken, { retry: { retries: 1, minDelayMs: 1 } }).versionExists('client-demo', '1.0.0'), (error) => {
    assert.equal(error.kind, 'network');
    assert.equal(error.code, 'ECONNREFUSED');
    assert.equal(error.attempts, 2);
    assert.match(error.message, /connection refused \(ECONNREFUSED\)/);
  });
});

test('versionExists retries 5xx then succeeds', async () => {
  proxy.addFault({ method: 'GET', path: '/client-demo', times: 2, fault: { kind: 'status', status: 503 } });
  try {
    const before = proxy.requests.length;
    assert.equal(await clientFor(proxy.url, aliceToken).versionExists('client-demo', '1.1.0'), 'exists');
    assert.equal(proxy.requests.length - before, 3);
  } finally {
    proxy.clearFaults();
  }
});

test('versionExists gives up after bounded 5xx', async () => {
  proxy.addFault({ method: 'GET', path: '/client-demo', fault: { kind: 'status', status: 502 } });
  try {
    const before = proxy.requests.length;
    await rejectsWith(clientFor(proxy.url, aliceToken).versionExists('client-demo', '1.1.0'), (error) => {
      assert.equal(error.kind, 'server-error');
      assert.equal(error.status, 502);
      assert.equal(error.attempts, 3);
    });
    assert.equal(proxy.requests.length - before, 3);
  } finally {
    proxy.clearFaults();
  }
});

test('client does not retry 4xx', async () => {
  proxy.addFault({ method: 'GET', path: '/client-demo', fault: { kind: 'status', status: 401, body: '{"error":"bad credentials"}' } });
  try {
    const before = proxy.requests.length;
    await rejectsWith(clientFor(proxy.url, aliceToken).versionExists('client-demo', '1.1.0'), (error) => assert.equal(error.kind, 'unauthorized'));
    assert.equal(proxy.requests.length - before, 1);
  } finally {
    proxy.clearFaults();
  }
});

test('client times out a slow answer', async () => {
  proxy.addFault({ method: 'GET', path: '/client-demo', times: 1, fault: { kind: 'delay', ms: 1_500 } });
  try {
    await rejectsWith(clientFor(proxy.url, aliceToken, { timeoutMs: 200, retry: { retries: 0 } }).versionExists('client-demo', '1.1.0'), (error) => {
      assert.equal(error.kind, 'timeout');
    });
  } finally {
    proxy.clearFaults();
  }
});

test('error messages redact the token', async () => {
  proxy.addFault({ method: 'GET', path: '/client-demo', times: 1, fault: { kind: 'status', status: 400, body: JSON.stringify({ error: `bad token ${aliceToken}` }) } });
  try {
    await rejectsWith(clientFor(proxy.url, aliceToken, { retry: { retries: 0 } }).versionExists('client-demo', '1.1.0'), (error) => {
      assert.equal(error.kind, 'http-error');
      assert.ok(!error.message.includes(aliceToken));
      assert.ok(!(error.registryMessage ?? '').includes(aliceToken));
      assert.ok(!JSON.stringify(error).includes(aliceToken));
      assert.match(error.message, /bad token \*\*\*/);
    });
  } finally {
    proxy.clearFaults();
  }
});

test('tarball downloads and matches integrity', async () => {
  const download = await clientFor(registry.url, aliceToken).tarball('client-demo', '1.0.0');
  const packument = await clientFor(registry.url, aliceToken).packument('client-demo');
  assert.equal(download.integrity, packument.versions['1.0.0']?.dist?.integrity);
  assert.equal(download.actualIntegrity, download.integrity);
  assert.ok(download.data.length > 0);
});

test('tarball with wrong integrity is rejected', async () => {
  const client = clientFor(registry.url, aliceToken);
  const packument = await client.packument('client-demo');
  const url = packument.versions['1.0.0']?.dist?.tarball ?? '';
  const otherIntegrity = packument.versions['1.1.0']?.dist?.integrity ?? '';
  await rejectsWith(client.downloadTarball(url, otherIntegrity), (error) => {
    assert.equal(error.kind, 'integrity-mismatch');
    assert.equal(error.code, 'EINTEGRITY');
  });
});

test('tarball of a missing version is not-found', async () => {
  await rejectsWith(clientFor(registry.url, aliceToken).tarball('client-demo', '7.7.7'), (error) => assert.equal(error.kind, 'not-found'));
});

test('redirect to another origin drops the token', async () => {
  proxy.addFault({ method: 'GET', path: '/client-demo', times: 1, fault: { kind: 'redirect', status: 302 } });
  try {
    const proxyBefore = proxy.requests.length;
    const foreignBefore = proxy.foreign.requests.length;
    assert.equal(await clientFor(proxy.url, aliceToken).versionExists('client-demo', '1.0.0'), 'exists');

    // The registry's own origin did get the token, so the check below can fail.
    assert.equal(proxy.requests[proxyBefore]?.hadAuthorization, true);
    const foreign = proxy.foreign.requests.slice(foreignBefore);
    assert.equal(foreign.length, 1);
    assert.equal(foreign[0]?.authorization, undefined);
  } finally {
    proxy.clearFaults();
  }
});

test('tarball on another origin gets no token', async () => {
  const client = clientFor(proxy.url, aliceToken);
  const packument = await clientFor(registry.url, aliceToken).packument('client-demo');
  const tarballPath = new URL(packument.versions['1.0.0']?.dist?.tarball ?? '').pathname;
  const before = proxy.foreign.requests.length;
  const download = await client.downloadTarball(`${proxy.foreign.url}${tarballPath.slice(1)}`, packument.versions['1.0.0']?.dist?.integrity ?? '');
  assert.ok(download.data.length > 0);
  assert.equal(proxy.foreign.requests[before]?.authorization, undefined);
});

test('origin compares scheme, host and port', () => {
  assert.equal(originOf('https://npm.pkg.github.com/'), 'https://npm.pkg.github.com:443');
  assert.equal(isSameOrigin('https://npm.pkg.github.com:443/x', 'https://npm.pkg.github.com:443'), true);
  assert.equal(isSameOrigin('http://npm.pkg.github.com/x', 'https://npm.pkg.github.com:443'), false);
  assert.equal(isSameOrigin('https://npm.pkg.github.com:8443/x', 'https://npm.pkg.github.com:443'), false);
  assert.equal(isSameOrigin('https://evil.example/x', 'https://npm.pkg.github.com:443'), false);
});

test('withoutCredentials removes every credential key', () => {
  const stripped = withoutCredentials({
    registry: 'https://r.example/',
    '//r.example/:_authToken': 'a',
    '//r.example/:_auth': 'b',
    '//r.example/:username': 'c',
    '//r.example/:_password': 'd',
    '@scope:registry': 'https://s.example/',
    otp: '123456',
  });
  assert.deepEqual(stripped, { registry: 'https://r.example/', '@scope:registry': 'https://s.example/' });
});

test('https registry token never goes to http', async () => {
  // The token is configured for https://127.0.0.1:<port>; a request to the
  // same host and port over http must not carry it.
  const client = new RegistryClient({
    registry: `https://127.0.0.1:${proxy.port}/`,
    npmOptions: { [proxy.authKey()]: aliceToken },
    retry: { retries: 0 },
  });
  const before = proxy.requests.length;
  const packument = await clientFor(registry.url, aliceToken).packument('client-demo');
  await client.downloadTarball(`${proxy.url}${new URL(packument.versions['1.0.0']?.dist?.tarball ?? '').pathname.slice(1)}`, packument.versions['1.0.0']?.dist?.integrity ?? '');
  assert.equal(proxy.requests[before]?.hadAuthorization, false);
});

test('whoami answered by another origin is not read as no user', async () => {
  // The other origin gets no token, so its empty answer says nothing about the credential.
  proxy.addFault({ method: 'GET', path: '/-/whoami', times: 1, fault: { kind: 'redirect', status: 302 } });
  try {
    await rejectsWith(clientFor(proxy.url, aliceToken).whoami(), (error) => {
      assert.equal(error.kind, 'redirected');
      assert.equal(error.url, `${proxy.foreign.url}-/whoami`);
      assert.match(error.message, /redirected to another origin/);
    });
  } finally {
    proxy.clearFaults();
  }
});

test('versionExists does not read a 404 from another origin as missing', async () => {
  // client-demo exists, but the other origin is asked for a name that does not: its 404 proves nothing here.
  proxy.addFault({ method: 'GET', path: '/client-nowhere', times: 1, fault: { kind: 'redirect', status: 302 } });
  try {
    await rejectsWith(clientFor(proxy.url, aliceToken).versionExists('client-nowhere', '1.0.0'), (error) => {
      assert.equal(error.kind, 'redirected');
      assert.equal(error.status, 404);
    });
  } finally {
    proxy.clearFaults();
  }
});

test('client caps a timeout beyond node timers', async () => {
  // 3e9 ms does not fit node's timers, which would fire after 1 ms instead.
  const client = clientFor(registry.url, aliceToken, { timeoutMs: 3_000_000_000 });
  assert.equal(await client.whoami(), 'alice');
});
