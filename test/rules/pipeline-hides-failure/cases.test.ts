// The handed repository `pipefail-set-too-late` (under ../shared/cases/repos
// next to this repository): job `release` pipes `npm publish` into `tee`
// under the default `bash -e {0}` and sets pipefail only on the next line;
// job `release-checked` gets pipefail from `defaults.run.shell: bash`.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';

import { runCheck } from '../../../src/check/run.js';

const CASES = resolve(new URL('../../..', import.meta.url).pathname, '../shared/cases/repos');
const REPOSITORY = join(CASES, 'pipefail-set-too-late');

describe('pipefail set too late', { skip: existsSync(REPOSITORY) ? false : `handed case ${REPOSITORY} is absent` }, () => {
  test('flags only the release job', async () => {
    const result = await runCheck({ directory: REPOSITORY, only: ['pipeline-hides-failure', 'pipeline-status-check-misses-failure', 'error-ignored'] });
    assert.deepEqual(result.failures, []);
    const findings = result.findings.filter((finding) => !finding.suppressed);

    assert.equal(findings.length, 1);
    const [finding] = findings;
    assert.equal(finding!.ruleId, 'pipeline-hides-failure');
    assert.equal(finding!.job, 'release');
    assert.equal(finding!.step, 'Publish');
    assert.equal(`${finding!.file}:${finding!.line}:${finding!.column}`, '.github/workflows/ci.yml:14:11');
    assert.match(finding!.message, /`set -o pipefail` on line 15 comes after the pipeline/);
    assert.deepEqual(
      finding!.related.map((location) => `${location.line}:${location.column} ${location.label}`),
      ["14:46 the pipeline's status is `tee`'s", '15:11 set after the pipeline, so it does not apply to it'],
    );
  });

  test('reports nothing on the job with defaults.run.shell bash', async () => {
    const result = await runCheck({ directory: REPOSITORY });
    assert.deepEqual(result.findings.filter((finding) => finding.job === 'release-checked' && !finding.suppressed).map((finding) => finding.ruleId), []);
  });
});
