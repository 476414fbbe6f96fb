import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import {
  analyzeScriptSync,
  findIgnoredFailures,
  findPipelineFailures,
  findUnsafeExistenceChecks,
  loadBashParser,
  roleOf,
} from '../../src/shell/index.js';

before(async () => {
  await loadBashParser();
});

const DEFAULT_SHELL = { errexit: true, pipefail: false };
const BASH_KEYWORD = { errexit: true, pipefail: true };

describe('pipeline failures', () => {
  const cases: Array<{ what: string; script: string; start?: typeof DEFAULT_SHELL; expected: string[] }> = [
    { what: 'publish into tee', script: 'npm publish | tee log', expected: ['hidden npm'] },
    { what: 'with the bash keyword', script: 'npm publish | tee log', start: BASH_KEYWORD, expected: [] },
    { what: 'pipefail after', script: 'npm publish | tee log\nset -o pipefail', expected: ['hidden npm pipefail-later'] },
    { what: 'or block', script: 'npm publish 2>&1 | tee log || { echo failed; exit 1; }', expected: ['check-misses npm or'] },
    { what: 'or block reading PIPESTATUS first', script: 'npm publish | tee log || { rc=${PIPESTATUS[0]}; exit $rc; }', expected: ['check-misses npm or'] },
    { what: 'if not', script: 'if ! pnpm -r publish | tee log; then exit 1; fi', expected: ['check-misses pnpm if'] },
    { what: 'status variable', script: 'set +e\nnpm publish | tee log\nif [ $? -ne 0 ]; then exit 1; fi', expected: ['check-misses npm status-variable'] },
    { what: 'stale PIPESTATUS', script: 'npm publish | tee log\necho done\nexit ${PIPESTATUS[0]}', expected: ['check-misses npm stale'] },
    { what: 'fresh PIPESTATUS', script: 'npm publish | tee log\nexit ${PIPESTATUS[0]}', expected: [] },
    { what: 'PIPESTATUS of another index', script: 'npm publish | tee log\nexit ${PIPESTATUS[1]}', expected: ['hidden npm'] },
    { what: 'all of PIPESTATUS', script: 'npm publish | tee log\nstatuses=("${PIPESTATUS[@]}")', expected: [] },
    { what: 'and list', script: 'npm publish | tee log && echo ok', expected: ['hidden npm'] },
    { what: 'publish last', script: 'echo y | npm publish', expected: [] },
    { what: 'dry run', script: 'npm publish --dry-run | tee log', expected: [] },
    { what: 'verify command', script: 'npm install pkg@1.0.0 | tee log', expected: ['hidden npm'] },
    { what: 'existence check in a pipeline is not reported here', script: 'if npm view pkg versions --json | grep -q 1.0.0; then :; fi', expected: [] },
    { what: 'unrelated pipeline', script: 'cat log | grep x || echo none', expected: [] },
    { what: 'inside a subshell element', script: '(cd pkg && npm publish) | tee log', expected: ['hidden npm'] },
    { what: 'three elements', script: 'npm publish 2>&1 | sed s/x/y/ | tee log', expected: ['hidden npm'] },
  ];
  for (const { what, script, start, expected } of cases) {
    it(what, () => {
      const analysis = analyzeScriptSync(script, { start: start ?? DEFAULT_SHELL });
      const found = findPipelineFailures(analysis).map((failure) => {
        const how = failure.test?.kind ?? (failure.stalePipestatus ? 'stale' : failure.laterPipefail ? 'pipefail-later' : '');
        return [failure.kind, failure.command.name, how].filter((part) => part).join(' ');
      });
      assert.deepEqual(found, expected);
    });
  }
});

describe('ignored failures', () => {
  const cases: Array<{ what: string; script: string; start?: typeof DEFAULT_SHELL; expected: string[] }> = [
    { what: 'or true', script: 'npm publish || true', expected: ['publish handler-succeeds'] },
    { what: 'or colon', script: 'npm publish || :', expected: ['publish handler-succeeds'] },
    { what: 'or echo', script: 'npm publish || echo "failed"', expected: ['publish handler-succeeds'] },
    { what: 'or exit 1', script: 'npm publish || exit 1', expected: [] },
    { what: 'or exit 0', script: 'npm publish || exit 0', expected: ['publish handler-succeeds'] },
    { what: 'or another command', script: 'npm publish || notify_team', expected: [] },
    { what: 'if not with warning', script: 'if ! npm publish; then echo "::warning::x"; fi', expected: ['publish handler-succeeds'] },
    { what: 'if not with exit', script: 'if ! npm publish; then exit 1; fi', expected: [] },
    { what: 'if without else', script: 'if npm publish; then echo ok; fi', expected: ['publish no-handler'] },
    { what: 'set +e without check', script: 'set +e\nnpm publish\necho done', expected: ['publish errexit-off'] },
    { what: 'set +e with check', script: 'set +e\nnpm publish\nstatus=$?\nexit $status', expected: [] },
    { what: 'set +e, publish last', script: 'set +e\nnpm publish', expected: [] },
    { what: 'shell without -e', script: 'npm publish\necho done', start: { errexit: false, pipefail: false }, expected: ['publish errexit-off'] },
    { what: 'and list mid-script', script: 'npm publish && echo ok\necho next', expected: ['publish and-list'] },
    { what: 'negated', script: '! npm publish\necho next', expected: ['publish negated'] },
    { what: 'substitution argument', script: 'echo "$(npm publish)"', expected: ['publish substitution'] },
    { what: 'verify or true', script: 'npm install pkg@1.0.0 || true', expected: ['verify handler-succeeds'] },
    { what: 'dry run or true', script: 'npm publish --dry-run || true', expected: [] },
    { what: 'lint or true', script: 'npm run lint || true', expected: [] },
    { what: 'existence check is not reported here', script: 'npm view pkg@1.0.0 version || echo "not published"', expected: [] },
  ];
  for (const { what, script, start, expected } of cases) {
    it(what, () => {
      const analysis = analyzeScriptSync(script, { start: start ?? DEFAULT_SHELL });
      assert.deepEqual(findIgnoredFailures(analysis).map((ignored) => `${ignored.role} ${ignored.how}`), expected);
    });
  }

  it('points at the set +e that turned errexit off', () => {
    const script = 'echo start\nset +e\nnpm publish\necho done';
    const [ignored] = findIgnoredFailures(analyzeScriptSync(script));
    assert.ok(ignored?.errexitOffAt);
    assert.equal(script.slice(ignored.errexitOffAt.start, ignored.errexitOffAt.end), 'set +e');
  });
});

describe('existence checks', () => {
  const cases: Array<{ what: string; script: string; expected: string[] }> = [
    { what: 'if view with devnull', script: 'if npm view "$P@$V" version >/dev/null 2>&1; then :; else npm publish; fi', expected: ['if discarded'] },
    { what: 'or echo', script: 'npm view p@1.0.0 version 2>/dev/null || echo "not published"', expected: ['or discarded'] },
    { what: 'empty output test', script: 'if [ -z "$(npm view "$P@$V" version 2>/dev/null)" ]; then npm publish; fi', expected: ['capture discarded'] },
    { what: 'assignment or true', script: 'v=$(npm view p@1.0.0 version 2>/dev/null || true)', expected: ['or discarded'] },
    { what: 'grep pipeline', script: 'if npm view p versions --json | grep -q 1.0.0; then :; fi', expected: ['if'] },
    { what: 'status read later', script: 'set +e\nnpm view p@1.0.0 version\nif [ $? -ne 0 ]; then npm publish; fi', expected: ['status-variable'] },
    { what: 'assignment under errexit', script: 'v=$(npm view p@1.0.0 version 2>/dev/null)', expected: [] },
    { what: 'plain print', script: 'npm view p@1.0.0', expected: [] },
    { what: 'latest version lookup', script: 'npm view p dist-tags', expected: [] },
    { what: 'tells 404 apart', script: 'if out=$(npm view "$P@$V" version 2>&1); then :; elif grep -q E404 <<<"$out"; then npm publish; else exit 1; fi', expected: [] },
    { what: 'E404 text but error discarded', script: 'if npm view p@1 version 2>/dev/null; then :; fi\necho E404', expected: ['if discarded'] },
  ];
  for (const { what, script, expected } of cases) {
    it(what, () => {
      const analysis = analyzeScriptSync(script, { start: DEFAULT_SHELL });
      const found = findUnsafeExistenceChecks(analysis).map(({ check }) =>
        [check.statusTest?.kind ?? (check.capture ? 'capture' : ''), check.stderrDiscarded ? 'discarded' : ''].filter((part) => part).join(' '),
      );
      assert.deepEqual(found, expected);
    });
  }
});

describe('command roles', () => {
  const cases: Array<{ line: string; role: string | null }> = [
    { line: 'npm publish', role: 'publish' },
    { line: 'npm publish --dry-run', role: null },
    { line: 'npm view pkg@1.0.0', role: 'verify' },
    { line: 'npm view pkg versions', role: 'verify' },
    { line: 'npm view pkg description', role: null },
    { line: 'npm view pkg', role: null },
    { line: 'npm install pkg@1.0.0', role: 'verify' },
    { line: 'npm dist-tag ls pkg', role: 'verify' },
    { line: 'npm ci', role: null },
  ];
  for (const { line, role } of cases) {
    it(`reads ${JSON.stringify(line)}`, () => {
      const analysis = analyzeScriptSync(line);
      assert.equal(roleOf(analysis, analysis.commands[0]!), role);
    });
  }
});
