// The logs handed over in the shared cases folder, each with the answer its README gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { explainLogs } from '../../src/explain/index.js';

const casesDir = fileURLToPath(new URL('../../../shared/cases/', import.meta.url));
const skip = existsSync(casesDir) ? false : `shared cases folder not found at ${casesDir}`;

async function explainCase(name: string) {
  return explainLogs([`${casesDir}${name}`]);
}

test('gpr-token-not-provided: token-missing, not masked', { skip }, async () => {
  const report = await explainCase('gpr-token-not-provided.log');
  assert.equal(report.failures.length, 1);
  const [failure] = report.failures;
  assert.equal(failure!.package, '@northwind/ledger-ui');
  assert.equal(failure!.version, '2.3.0');
  assert.equal(failure!.registry, 'https://npm.pkg.github.com/');
  assert.equal(failure!.httpStatus, 401);
  assert.equal(failure!.signature, 'gpr-401-token-not-provided');
  assert.equal(failure!.masked, false);
  assert.equal(failure!.maskedBy, null);
  assert.equal(failure!.causes[0]!.id, 'token-missing');
  assert.match(failure!.causes[0]!.summary, /NPM_CONFIG_USERCONFIG|no NODE_AUTH_TOKEN/);
  assert.ok(failure!.causes[0]!.evidence.some((evidence) => evidence.line === 5), 'cites the NPM_CONFIG_USERCONFIG env line');
  assert.match(failure!.fixes.map((fix) => fix.summary).join('\n'), /NODE_AUTH_TOKEN/);
});

test('gpr-401-scope-message: the message decides, token-missing-scope', { skip }, async () => {
  const report = await explainCase('gpr-401-scope-message.log');
  assert.equal(report.failures.length, 1);
  const [failure] = report.failures;
  assert.equal(failure!.httpStatus, 401);
  assert.equal(failure!.package, '@saltbox/pipeline-artifact');
  assert.equal(failure!.causes[0]!.id, 'token-missing-scope');
  assert.notEqual(failure!.signature, 'gpr-401-unauthenticated');
  assert.match(failure!.fixes.map((fix) => fix.summary).join('\n'), /write:packages/);
  assert.match(failure!.fixes.map((fix) => fix.summary).join('\n'), /read:packages/);
});

test('gpr-scopes-lerna: one failure, token-missing-scope', { skip }, async () => {
  const report = await explainCase('gpr-scopes-lerna.log');
  assert.equal(report.failures.length, 1, 'the lerna "errno undefined" line is not a second failure');
  const [failure] = report.failures;
  assert.equal(failure!.package, '@lumen/query-kit');
  assert.equal(failure!.httpStatus, 403);
  assert.equal(failure!.causes[0]!.id, 'token-missing-scope');
});

test('npmjs-credentials-forbidden: permission denied first', { skip }, async () => {
  const report = await explainCase('npmjs-credentials-forbidden.log');
  assert.equal(report.failures.length, 1);
  const [failure] = report.failures;
  assert.equal(failure!.package, 'tidewater-forms');
  assert.equal(failure!.registry, 'https://registry.npmjs.org/');
  assert.equal(failure!.httpStatus, 403);
  assert.deepEqual(failure!.causes.slice(0, 2).map((cause) => cause.id), ['package-permission-denied', 'token-wrong-type']);
  assert.equal(failure!.masked, false);
});

test('gpr-write-package-continue-on-error: masked by continue-on-error', { skip }, async () => {
  const report = await explainCase('gpr-write-package-continue-on-error.log');
  assert.equal(report.failures.length, 1);
  const [failure] = report.failures;
  assert.equal(failure!.package, '@harborlight/api-client');
  assert.equal(failure!.version, '0.9.4');
  assert.equal(failure!.httpStatus, 403);
  assert.equal(failure!.signature, 'gpr-403-write-package');
  assert.equal(failure!.masked, true);
  assert.equal(failure!.maskedBy, 'continue-on-error');
  assert.equal(failure!.causes[0]!.id, 'package-permission-denied');
  assert.ok(failure!.evidence.some((evidence) => evidence.line === 15 && evidence.text.startsWith('##[error]')));
});

test('pnpm-recursive-mixed: one published, one failed, pipeline', { skip }, async () => {
  const report = await explainCase('pnpm-recursive-mixed.log');
  assert.deepEqual(report.published.map((item) => `${item.package}@${item.version}`), ['@quarry/core@1.4.0']);
  assert.equal(report.published[0]!.evidence[0]!.line, 7);
  assert.equal(report.failures.length, 1);
  const [failure] = report.failures;
  assert.equal(failure!.package, '@quarry/cli');
  assert.equal(failure!.version, '1.4.0');
  assert.equal(failure!.httpStatus, 404);
  assert.equal(failure!.masked, true);
  assert.equal(failure!.maskedBy, 'pipeline');
  assert.ok(failure!.evidence.some((evidence) => evidence.line === 2), 'cites the piped command');
  assert.ok(['package-permission-denied', 'scope-not-found'].includes(failure!.causes[0]!.id));
});
