// Token scopes from a local fake of the GitHub REST API (GitHub's own
// services are the only thing these tests fake).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { fetchGithubTokenScopes, RegistryError } from '../../src/registry/index.js';

const CLASSIC = 'ghp_0123456789abcdefghijABCDEFGHIJ012345';
const FINE_GRAINED = 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz';
let server: Server;
let apiUrl: string;
const received: Array<{ path: string; authorization?: string }> = [];

before(async () => {
  server = createServer((req, res) => {
    received.push({ path: req.url ?? '', authorization: req.headers.authorization });
    const authorization = req.headers.authorization ?? '';
    if (req.url === '/moved/rate_limit') {
      res.writeHead(302, { location: 'http://127.0.0.1:1/rate_limit' });
      res.end();
    } else if (authorization === `token ${CLASSIC}`) {
      res.writeHead(200, { 'content-type': 'application/json', 'x-oauth-scopes': 'repo, write:packages, read:packages' });
      res.end('{}');
    } else if (authorization === `token ${FINE_GRAINED}`) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    } else {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end('{"message":"Bad credentials"}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test('classic token scopes are read', async () => {
  const result = await fetchGithubTokenScopes({ token: CLASSIC, optIn: true, env: { GITHUB_API_URL: apiUrl } });
  assert.deepEqual(result.scopes, ['repo', 'write:packages', 'read:packages']);
  assert.equal(result.canWritePackages, true);
  assert.equal(result.apiUrl, apiUrl);
  assert.equal(received.at(-1)?.path, '/rate_limit');
});

test('fine-grained token has no scopes header', async () => {
  const result = await fetchGithubTokenScopes({ token: FINE_GRAINED, optIn: true, apiUrl });
  assert.equal(result.scopes, null);
  assert.equal(result.canWritePackages, false);
});

test('rejected token is unauthorized', async () => {
  await assert.rejects(fetchGithubTokenScopes({ token: 'ghp_unknownunknownunknownunknown0000', optIn: true, apiUrl }), (error: unknown) => {
    assert.ok(error instanceof RegistryError);
    assert.equal(error.kind, 'unauthorized');
    assert.ok(!error.message.includes('ghp_unknown'));
    return true;
  });
});

test('redirect is not followed with the token', async () => {
  await assert.rejects(fetchGithubTokenScopes({ token: CLASSIC, optIn: true, apiUrl: `${apiUrl}/moved` }), (error: unknown) => {
    assert.ok(error instanceof RegistryError);
    assert.equal(error.status, 302);
    return true;
  });
});

test('scopes need an explicit opt-in', async () => {
  const before = received.length;
  await assert.rejects(fetchGithubTokenScopes({ token: CLASSIC, optIn: false, apiUrl }), /opt-in/);
  assert.equal(received.length, before);
});
