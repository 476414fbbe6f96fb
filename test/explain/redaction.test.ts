// No token shape survives in any output format.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';

const SECRETS = [
  'ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789',
  'gho_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789',
  'ghs_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789',
  'ghu_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789',
  'ghr_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789',
  'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGH',
  'npm_AbCdEfGhIjKlMnOpQrStUvWxYz01234567',
  'authtoken-value-7f3e9a',
  'YWxpY2U6czNjcjN0LXBhc3M=',
  'pa55word-value-91c2',
  'bearer-secret-4d5e6f',
  'url-password-8a7b6c',
];

const LOG = `2026-05-01T09:00:00.0000000Z ##[group]Run npm publish
2026-05-01T09:00:00.0100000Z npm publish
2026-05-01T09:00:00.0200000Z shell: /usr/bin/bash -e {0}
2026-05-01T09:00:00.0300000Z env:
2026-05-01T09:00:00.0400000Z   NODE_AUTH_TOKEN: ${SECRETS[0]}
2026-05-01T09:00:00.0500000Z   GH_TOKEN: ${SECRETS[1]}
2026-05-01T09:00:00.0600000Z ##[endgroup]
2026-05-01T09:00:01.0000000Z npm notice 📦  @mallard/kit@1.0.0
2026-05-01T09:00:01.1000000Z npm notice Publishing to https://ci:${SECRETS[11]}@npm.pkg.github.com/ with tag latest and default access
2026-05-01T09:00:01.2000000Z npm error code E401
2026-05-01T09:00:01.3000000Z npm error 401 Unauthorized - PUT https://ci:${SECRETS[11]}@npm.pkg.github.com/@mallard%2fkit - unauthenticated: User cannot be authenticated with the token provided. ${SECRETS[2]} ${SECRETS[3]} ${SECRETS[4]}
2026-05-01T09:00:01.4000000Z npm error //npm.pkg.github.com/:_authToken=${SECRETS[7]} _auth=${SECRETS[8]} _password=${SECRETS[9]}
2026-05-01T09:00:01.5000000Z npm error Authorization: Bearer ${SECRETS[10]} ${SECRETS[5]} ${SECRETS[6]}
2026-05-01T09:00:01.6000000Z ##[error]Process completed with exit code 1.
`;

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'pubguard-explain-redact-'));
  writeFileSync(join(dir, 'tokens.log'), LOG);
});
after(() => rmSync(dir, { recursive: true, force: true }));

for (const format of ['text', 'markdown', 'json']) {
  test(`redaction: ${format} output has no token`, () => {
    const result = runCli(['explain', '--format', format, 'tokens.log'], { cwd: dir });
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stdout, /401/, 'the failure is still reported');
    for (const secret of SECRETS) {
      assert.ok(!result.stdout.includes(secret), `${format} output contains ${secret.slice(0, 8)}…`);
      assert.ok(!result.stderr.includes(secret), `${format} stderr contains ${secret.slice(0, 8)}…`);
    }
  });
}
