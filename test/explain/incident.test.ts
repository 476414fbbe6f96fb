// Acceptance: the release incident, replayed in examples/logs/incident-backend-401.log.
// Line numbers below were read off that file by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { explainLogs } from '../../src/explain/index.js';
import { runCli } from '../helpers/cli.js';

const LOG = fileURLToPath(new URL('../../examples/logs/incident-backend-401.log', import.meta.url));
const report = await explainLogs([LOG]);
const lines = (evidence: Array<{ line: number }>) => evidence.map((item) => item.line);

test('incident: root package published at line 90', () => {
  assert.equal(report.published.length, 1);
  assert.equal(report.published[0]!.package, '@acme/storefront');
  assert.equal(report.published[0]!.version, '2.4.0');
  assert.equal(report.published[0]!.registry, 'https://npm.pkg.github.com/');
  assert.deepEqual(lines(report.published[0]!.evidence), [90]);
});

test('incident: backend 401 though its step passed', () => {
  const backend = report.failures[0]!;
  assert.equal(backend.package, '@acme/backend');
  assert.equal(backend.version, '2.4.0');
  assert.equal(backend.httpStatus, 401);
  assert.equal(backend.npmCode, 'E401');
  assert.equal(backend.signature, 'gpr-401-unauthenticated');
  assert.ok(lines(backend.evidence).includes(120), 'cites the 401 line');
  const step = report.steps.find((candidate) => candidate.failures.includes(0))!;
  assert.equal(step.ciStatus, 'passed');
  assert.equal(step.outcome, 'failure-hidden');
  assert.equal(step.pipefail, false);
  assert.deepEqual(lines(step.evidence), [91, 99]);
});

test('incident: tee pipeline without pipefail hid it', () => {
  const backend = report.failures[0]!;
  assert.equal(backend.masked, true);
  assert.equal(backend.maskedBy, 'pipeline');
  assert.ok(lines(backend.evidence).includes(93), 'cites the pipeline into tee');
  assert.match(backend.fixes[0]!.summary, /set -o pipefail/);
  assert.match(backend.fixes[0]!.summary, /shell: bash/);
});

test('incident: verify 404 is a hidden consequence', () => {
  assert.equal(report.failures.length, 2);
  const verify = report.failures[1]!;
  assert.equal(verify.httpStatus, 404);
  assert.equal(verify.package, '@acme/backend');
  assert.equal(verify.consequenceOf, 0);
  assert.equal(verify.masked, true);
  assert.equal(verify.maskedBy, 'continue-on-error');
  assert.deepEqual(lines(verify.evidence), [132, 133, 140]);
  assert.equal(verify.causes[0]!.id, 'version-not-published');
  assert.equal(report.summary.consequences, 1);
});

test('incident: credential works, difference in backend step', () => {
  const causes = report.failures[0]!.causes;
  const top = causes.slice(0, 2).map((cause) => cause.id).sort();
  assert.deepEqual(top, ['token-placeholder', 'workdir-config-differs']);
  const placeholder = causes.find((cause) => cause.id === 'token-placeholder')!;
  assert.ok(lines(placeholder.evidence).includes(102), 'cites the placeholder in the backend env');
  const workdir = causes.find((cause) => cause.id === 'workdir-config-differs')!;
  assert.match(workdir.summary, /credential itself works/);
  assert.match(workdir.summary, /@acme\/storefront@2\.4\.0/);
  assert.match(workdir.summary, /cd packages\/backend/);
  assert.ok(lines(workdir.evidence).includes(90), 'cites the publish that worked');
  assert.ok(lines(workdir.evidence).includes(92), 'cites the cd');
  const expired = causes.find((cause) => cause.id === 'token-invalid-or-expired')!;
  assert.equal(expired.confidence, 'low');
  assert.equal(report.summary.rootCause, 'token-placeholder');
});

test('incident: fixes name the lines to change', () => {
  const text = report.failures[0]!.fixes.map((fix) => fix.summary).join('\n');
  assert.match(text, /NODE_AUTH_TOKEN/);
  assert.match(text, /npm publish \.\/packages\/backend/);
  assert.match(report.failures[1]!.fixes.map((fix) => fix.summary).join('\n'), /continue-on-error/);
});

test('incident: CLI text output and exit 1', () => {
  const result = runCli(['explain', 'examples/logs/incident-backend-401.log'], { cwd: fileURLToPath(new URL('../../', import.meta.url)) });
  assert.equal(result.status, 1);
  assert.match(result.stdout, /^examples\/logs\/incident-backend-401\.log:119: error: failure 0: publish of `@acme\/backend@2\.4\.0` to https:\/\/npm\.pkg\.github\.com\/ failed with 401 E401/m);
  assert.match(result.stdout, /incident-backend-401\.log:93: npm publish 2>&1 \| tee/);
  assert.match(result.stdout, /consequence of failure 0/);
  assert.equal(result.stderr, '');
});
