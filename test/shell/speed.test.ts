// Guards against a pathological slowdown of the run-script analysis. The
// bound is loose on purpose: once V8 and the WebAssembly tiers are warm a
// nine-line block takes about 0.3 ms on a shared 2-core machine (Node 20),
// but the first few hundred runs average 1 to 3 ms, and this test stays short.
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { before, it } from 'node:test';

import { analyzeScriptSync, loadBashParser } from '../../src/shell/index.js';

const BLOCK = `set -e
cd packages/backend
echo "//npm.pkg.github.com/:_authToken=\${{ secrets.NPM_TOKEN }}" > .npmrc
if npm view "@scope/backend@$VERSION" version >/dev/null 2>&1; then
  echo "already published"
else
  npm publish 2>&1 | tee /tmp/publish.log || { echo "failed"; exit \${PIPESTATUS[0]}; }
fi
echo "PUBLISHED=true" >> "$GITHUB_ENV"
`;

before(async () => {
  await loadBashParser();
});

it('analyses a run block in milliseconds', () => {
  for (let i = 0; i < 50; i++) analyzeScriptSync(BLOCK);
  const runs = 200;
  const started = performance.now();
  for (let i = 0; i < runs; i++) analyzeScriptSync(BLOCK);
  const perBlock = (performance.now() - started) / runs;
  console.log(`run-script analysis: ${perBlock.toFixed(3)} ms per nine-line block`);
  assert.ok(perBlock < 20, `${perBlock.toFixed(3)} ms per block`);
});
