import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redact, registerSecret, clearRegisteredSecrets, redactDeep } from '../../src/report/redact.js';

const cases: Array<[string, string, string]> = [
  ['classic GitHub token', 'token ghp_abcdefghijklmnopqrstuvwxyz0123456789 used', 'token *** used'],
  ['fine-grained GitHub token', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz', '***'],
  ['installation token', 'ghs_ABCDEFGHIJKLMNOPQRSTUVWX0123', '***'],
  ['npm token', 'npm_0123456789abcdefghijABCDEFGHIJ', '***'],
  ['nerf-darted authToken', '//registry.npmjs.org/:_authToken=s3cr3t-value-123', '//registry.npmjs.org/:_authToken=***'],
  ['unexpanded variable is kept', '//npm.pkg.github.com/:_authToken=${NODE_AUTH_TOKEN}', '//npm.pkg.github.com/:_authToken=${NODE_AUTH_TOKEN}'],
  ['placeholder is kept', 'NODE_AUTH_TOKEN: XXXXX-XXXXX-XXXXX-XXXXX', 'NODE_AUTH_TOKEN: XXXXX-XXXXX-XXXXX-XXXXX'],
  ['bearer header', 'Authorization: Bearer abc.def-123456', 'Authorization: Bearer ***'],
  ['basic header', 'authorization: basic dXNlcjpwYXNz', 'authorization: basic ***'],
  ['password in URL', 'https://ci-bot:hunter2hunter2@registry.example.com/', 'https://ci-bot:***@registry.example.com/'],
  ['_password', '_password=aHVudGVyMg==', '_password=***'],
];

for (const [name, input, expected] of cases) {
  test(`redact: ${name}`, () => {
    assert.equal(redact(input), expected);
  });
}

test('redact: registered secret of any shape', () => {
  clearRegisteredSecrets();
  registerSecret('plain-opaque-token-value');
  assert.equal(redact('sent plain-opaque-token-value to host'), 'sent *** to host');
  clearRegisteredSecrets();
  assert.equal(redact('sent plain-opaque-token-value to host'), 'sent plain-opaque-token-value to host');
});

test('redactDeep: nested strings', () => {
  const value = redactDeep({ a: ['x ghp_abcdefghijklmnopqrstuvwxyz0123456789'], b: { c: 1 } });
  assert.deepEqual(value, { a: ['x ***'], b: { c: 1 } });
});

test('redact: GitHub expression after a key is kept', () => {
  assert.equal(redact('NPM_TOKEN: ${{ secrets.NPM_TOKEN }}'), 'NPM_TOKEN: ${{ secrets.NPM_TOKEN }}');
});

test('redact: JSON escapes survive', () => {
  const json = JSON.stringify({ line: '//r.example/:_authToken="s3cr3t-value-1"' });
  const redacted = redact(json);
  assert.doesNotMatch(redacted, /s3cr3t/);
  assert.doesNotThrow(() => JSON.parse(redacted));
});

test('redact: variable reference inside backticks is kept', () => {
  assert.equal(redact('`//npm.pkg.github.com/:_authToken=${NODE_AUTH_TOKEN}`'), '`//npm.pkg.github.com/:_authToken=${NODE_AUTH_TOKEN}`');
});

test('redact: sentence punctuation after a value', () => {
  assert.equal(redact('npm read _authToken=${NODE_AUTH_TOKEN}.'), 'npm read _authToken=${NODE_AUTH_TOKEN}.');
  assert.equal(redact('npm read _authToken=abcdefgh12345678.'), 'npm read _authToken=***.');
});
