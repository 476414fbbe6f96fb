import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { analyzeScriptSync, loadBashParser } from '../../src/shell/index.js';

describe('script analysis memo', () => {
  before(async () => {
    await loadBashParser();
  });

  it('reuses the analysis of a repeated script', () => {
    const first = analyzeScriptSync('npm ci\nnpm test | tee test.log\n');
    const second = analyzeScriptSync('npm ci\nnpm test | tee test.log\n');
    assert.equal(second, first);
    assert.deepEqual(first.commands.map((command) => command.argv[0]?.text), ['npm', 'npm', 'tee']);
  });

  it('analyses again for other start options', () => {
    const plain = analyzeScriptSync('npm publish | tee publish.log\n', { start: { errexit: true, pipefail: false } });
    const pipefail = analyzeScriptSync('npm publish | tee publish.log\n', { start: { errexit: true, pipefail: true } });
    assert.notEqual(pipefail, plain);
    assert.equal(plain.start.pipefail, false);
    assert.equal(pipefail.start.pipefail, true);
  });

  it('analyses again when a looked-up script changes', () => {
    const script = 'npm run release\n';
    const publishing = analyzeScriptSync(script, { scripts: (name) => (name === 'release' ? 'npm publish' : undefined) });
    const building = analyzeScriptSync(script, { scripts: (name) => (name === 'release' ? 'tsc -p .' : undefined) });
    assert.equal(publishing.publishes.size, 1);
    assert.equal(building.publishes.size, 0);
    const again = analyzeScriptSync(script, { scripts: (name) => (name === 'release' ? 'npm publish' : undefined) });
    assert.equal(again.publishes.size, 1);
  });
});
