import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';

// The built entry point, as `import … from 'pubguard'` resolves it.
const entry = new URL('../../dist/index.js', import.meta.url).href;

test('library: explainLogs on the incident log', async () => {
  const pubguard = (await import(entry)) as typeof import('../../src/index.js');
  const log = fileURLToPath(new URL('../../examples/logs/incident-backend-401.log', import.meta.url));
  const report = await pubguard.explainLogs([log]);
  assert.deepEqual(
    report.published.map((entry) => `${entry.package}@${entry.version}`),
    ['@acme/storefront@2.4.0'],
  );
  assert.equal(report.failures[0]?.package, '@acme/backend');
  assert.equal(report.failures[0]?.httpStatus, 401);
  assert.equal(report.failures[0]?.maskedBy, 'pipeline');
});

test('library: runCheck on the incident repository', async () => {
  const pubguard = (await import(entry)) as typeof import('../../src/index.js');
  const root = fileURLToPath(new URL('../../examples/repos/incident', import.meta.url));
  const result = await pubguard.runCheck({ directory: root, repo: 'harbor-tools/harbor' });
  const ids = new Set(result.findings.map((finding) => finding.ruleId));
  assert.ok(ids.has('credential-not-reaching-publish'));
  assert.ok(ids.has('pipeline-status-check-misses-failure'));
});

test('library: redact is exported', async () => {
  const pubguard = (await import(entry)) as typeof import('../../src/index.js');
  assert.equal(pubguard.redact('ghp_abcdefghijklmnopqrstuvwxyz0123456789'), '***');
});
