// Repositories found by trying pubguard as a new user would, kept outside
// this repository, for the workflow-level rules of `check`. Each test states
// what a correct check reports. Without the folder the tests are skipped.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCheck } from '../../src/check/run.js';

const CASES = fileURLToPath(new URL('../../../shared/cases/repos/', import.meta.url));
const skip = existsSync(CASES) ? false : `handed cases not found at ${CASES}`;

test('release-always: the masked publish and the ungated release', { skip }, async () => {
  const result = await runCheck({ directory: join(CASES, 'release-always') });
  const found = result.findings.map((finding) => [finding.ruleId, finding.job, finding.step, finding.line]);
  assert.deepEqual(found, [
    ['continue-on-error-hides-release-failure', 'release', 'Publish', 18],
    ['release-not-gated-on-publish', 'release', 'GitHub release', 23],
  ]);
  assert.match(result.findings[1]!.message, /`if: always\(\)`/);
});

test('working-directory-skips-root-npmrc: the secret arrives through env', { skip }, async () => {
  const result = await runCheck({ directory: join(CASES, 'working-directory-skips-root-npmrc') });
  const secretFindings = result.findings.filter((finding) => finding.ruleId === 'secret-interpolated-into-script');
  assert.deepEqual(secretFindings, []);
  const model = result.repository.workflows[0]!.jobs[0]!.steps;
  assert.equal(model.find((step) => step.name === 'Publish')!.workingDirectory, 'packages/sdk');
});
