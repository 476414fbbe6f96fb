// Acceptance: the incident replay in examples/repos/incident gets the
// findings that explain the real release (masked pipeline, hidden verify,
// placeholder credential after `cd`, secret sent to setup-node's `token:`,
// an existence check that hides errors, a secret expanded into a script),
// and the fixed variant gets none of the failures that caused it.
import { join } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { runCheck } from '../../src/check/run.js';

const EXAMPLES = new URL('../../examples/repos/', import.meta.url).pathname;
const REPO = 'harbor-tools/harbor';

describe('incident example repository', () => {
  test('incident reports every cause', async () => {
    const result = await runCheck({ directory: join(EXAMPLES, 'incident'), repo: REPO });
    assert.deepEqual(result.failures, []);
    const ids = new Set(result.findings.map((finding) => finding.ruleId));

    for (const id of [
      'pipeline-status-check-misses-failure',
      'continue-on-error-hides-release-failure',
      'credential-not-reaching-publish',
      'setup-node-token-is-not-registry-auth',
      'existence-check-hides-errors',
      'secret-interpolated-into-script',
    ]) {
      assert.ok(ids.has(id), `missing finding of rule ${id}; got ${[...ids].sort().join(', ')}`);
    }
  });

  test('incident credential message explains the cause', async () => {
    const result = await runCheck({ directory: join(EXAMPLES, 'incident'), repo: REPO, only: ['credential-not-reaching-publish'] });
    const findings = result.findings;
    // The front-end publishes from the root, where npm reads the token in ./.npmrc.
    assert.equal(findings.length, 1);

    const [finding] = findings;
    assert.equal(finding!.step, 'Publish backend');
    assert.equal(finding!.args.credentialClass, 'placeholder');
    assert.equal(finding!.args.folder, 'packages/backend');
    assert.match(finding!.message, /placeholder "XXXXX-XXXXX-XXXXX-XXXXX"/);
    assert.match(finding!.message, /the token in "\.npmrc" \(written by step "Configure registry auth"\) is not read/);
    assert.match(finding!.message, /"packages\/backend\/\.npmrc" \(absent\)/);
    assert.match(finding!.fix, /NODE_AUTH_TOKEN to `\$\{\{ secrets\.PACKAGES_TOKEN \}\}`/);
  });

  test('token-input finding names backend only', async () => {
    const result = await runCheck({ directory: join(EXAMPLES, 'incident'), repo: REPO, only: ['setup-node-token-is-not-registry-auth'] });
    assert.equal(result.findings.length, 1);

    // "Publish front-end" reads the secret from ./.npmrc at the root; only the backend publish goes without it.
    const [finding] = result.findings;
    assert.deepEqual(finding!.args.publishSteps, ['Publish backend']);
    assert.match(finding!.message, /step "Publish backend" publishes with no NODE_AUTH_TOKEN/);
    assert.doesNotMatch(finding!.message, /Publish front-end/);
    assert.match(finding!.fix, /`env:` of step "Publish backend"/);
  });

  test('fixed variant reports none of the causes', async () => {
    const result = await runCheck({ directory: join(EXAMPLES, 'incident-fixed'), repo: REPO });
    assert.deepEqual(result.failures, []);
    const ids = result.findings.map((finding) => finding.ruleId);

    for (const id of ['pipeline-hides-failure', 'pipeline-status-check-misses-failure', 'credential-not-reaching-publish']) {
      assert.ok(!ids.includes(id), `unexpected finding of rule ${id}`);
    }
  });
});
