import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { analyzeScriptSync, formatPath, loadBashParser, type ScriptAnalysis, type SimpleCommand } from '../../src/shell/index.js';

before(async () => {
  await loadBashParser();
});

const DEFAULT_SHELL = { errexit: true, pipefail: false };
const BASH_KEYWORD = { errexit: true, pipefail: true };

// The first command whose words start with `prefix`.
function commandOf(analysis: ScriptAnalysis, prefix: string): SimpleCommand {
  const found = analysis.commands.find((command) => command.argv.map((word) => word.raw).join(' ').startsWith(prefix));
  assert.ok(found, `no command starts with ${JSON.stringify(prefix)}`);
  return found;
}

describe('failure outcome of a command', () => {
  const cases: Array<{ what: string; script: string; start?: typeof DEFAULT_SHELL; command: string; failure: string; test?: string | null; handler?: string | null }> = [
    { what: 'plain command under errexit', script: 'npm publish\necho ok', command: 'npm publish', failure: 'step-fails:errexit' },
    { what: 'last command without errexit', script: 'npm publish', start: { errexit: false, pipefail: false }, command: 'npm publish', failure: 'step-fails:last-status' },
    { what: 'not last, errexit off', script: 'set +e\nnpm publish\necho ok', command: 'npm publish', failure: 'ignored:errexit-off' },
    { what: 'piped into tee without pipefail', script: 'npm publish | tee log', command: 'npm publish', failure: 'lost-in-pipeline' },
    { what: 'piped into tee with the bash keyword', script: 'npm publish | tee log', start: BASH_KEYWORD, command: 'npm publish', failure: 'step-fails:errexit' },
    { what: 'pipefail set before', script: 'set -o pipefail\nnpm publish | tee log', command: 'npm publish', failure: 'step-fails:errexit' },
    { what: 'pipefail set after', script: 'npm publish | tee log\nset -o pipefail', command: 'npm publish', failure: 'lost-in-pipeline' },
    { what: 'combined -eo pipefail', script: 'set -euo pipefail\nnpm publish | tee log', start: { errexit: false, pipefail: false }, command: 'npm publish', failure: 'step-fails:errexit' },
    { what: 'pipefail turned off', script: 'set -o pipefail\nset +o pipefail\nnpm publish | tee log', command: 'npm publish', failure: 'lost-in-pipeline' },
    { what: 'or with echo', script: 'npm publish || echo failed', command: 'npm publish', failure: 'tested', test: 'or', handler: 'succeeds' },
    { what: 'or with true', script: 'npm publish || true', command: 'npm publish', failure: 'tested', test: 'or', handler: 'succeeds' },
    { what: 'or with exit 1', script: 'npm publish || { echo failed; exit 1; }', command: 'npm publish', failure: 'tested', test: 'or', handler: 'fails' },
    { what: 'or with another command', script: 'npm publish || retry_publish', command: 'npm publish', failure: 'tested', test: 'or', handler: 'unknown' },
    { what: 'if without else', script: 'if npm publish; then echo ok; fi', command: 'npm publish', failure: 'tested', test: 'if', handler: null },
    { what: 'if with failing else', script: 'if npm publish; then echo ok; else exit 1; fi', command: 'npm publish', failure: 'tested', test: 'if', handler: 'fails' },
    { what: 'if ! with warning', script: 'if ! npm publish; then echo "::warning::publish failed"; fi', command: 'npm publish', failure: 'tested', test: 'if', handler: 'succeeds' },
    { what: 'elif condition', script: 'if false; then :; elif npm publish; then :; else exit 1; fi', command: 'npm publish', failure: 'tested', test: 'elif', handler: 'fails' },
    { what: 'while condition', script: 'while npm view a; do sleep 1; done', command: 'npm view', failure: 'tested', test: 'while' },
    { what: 'left of && mid-script', script: 'npm publish && echo ok\necho next', command: 'npm publish', failure: 'ignored:and-list', test: 'and' },
    { what: 'left of && at the end', script: 'echo start\nnpm publish && echo ok', command: 'npm publish', failure: 'step-fails:last-status', test: 'and' },
    { what: 'status read with $?', script: 'set +e\nnpm publish\nif [ $? -ne 0 ]; then exit 1; fi', command: 'npm publish', failure: 'tested', test: 'status-variable', handler: 'fails' },
    { what: '$? after errexit stopped the script', script: 'npm publish\nif [ $? -ne 0 ]; then exit 1; fi', command: 'npm publish', failure: 'step-fails:errexit', test: 'status-variable' },
    { what: 'negated statement', script: '! npm publish\necho ok', command: 'npm publish', failure: 'ignored:negated' },
    { what: 'background job', script: 'npm publish &\nwait', command: 'npm publish', failure: 'ignored:background' },
    { what: 'bare assignment from a substitution', script: 'out=$(npm publish)\necho "$out"', command: 'npm publish', failure: 'step-fails:errexit' },
    { what: 'substitution in an argument', script: 'echo "$(npm publish)"', command: 'npm publish', failure: 'ignored:substitution' },
    { what: 'local masks the substitution', script: 'local out=$(npm publish)', command: 'npm publish', failure: 'ignored:substitution' },
    { what: 'subshell under errexit', script: '(cd a && npm publish)\necho ok', command: 'npm publish', failure: 'step-fails:errexit' },
    { what: 'inside a function', script: 'release() {\n  npm publish\n}\nrelease', command: 'npm publish', failure: 'unknown', start: { errexit: false, pipefail: false } },
    { what: 'inside if condition block', script: 'if { npm publish; echo x; }; then :; fi', command: 'npm publish', failure: 'ignored:condition' },
  ];
  for (const { what, script, start, command, failure, test, handler } of cases) {
    it(what, () => {
      const found = commandOf(analyzeScriptSync(script, { start: start ?? DEFAULT_SHELL }), command);
      const outcome = found.failure.kind === 'step-fails' ? `step-fails:${found.failure.via}` : found.failure.kind === 'ignored' ? `ignored:${found.failure.reason}` : found.failure.kind;
      assert.equal(outcome, failure);
      if (test !== undefined) assert.equal(found.statusTest?.kind ?? null, test);
      if (handler !== undefined) assert.equal(found.statusTest?.handler?.outcome ?? null, handler);
    });
  }
});

describe('pipelines', () => {
  it('records elements, operators and the status test', () => {
    const script = 'npm publish 2>&1 | tee /tmp/publish.log || { echo failed; exit 1; }';
    const analysis = analyzeScriptSync(script);
    const pipeline = analysis.pipelines.find((candidate) => candidate.elements.length === 2)!;
    assert.deepEqual(pipeline.elements.map((span) => script.slice(span.start, span.end)), ['npm publish 2>&1', 'tee /tmp/publish.log']);
    assert.deepEqual(pipeline.operators.map((span) => script.slice(span.start, span.end)), ['|']);
    assert.equal(pipeline.statusTest?.kind, 'or');
    assert.equal(script.slice(pipeline.statusTest!.span.start, pipeline.statusTest!.span.end), '||');
    assert.equal(pipeline.options.pipefail, false);
    assert.equal(commandOf(analysis, 'npm').stderr, 'pipe');
  });

  it('treats `! a | b` as a negated pipeline', () => {
    const analysis = analyzeScriptSync('if ! npm publish | tee log; then exit 1; fi');
    const pipeline = analysis.pipelines.find((candidate) => candidate.elements.length === 2)!;
    assert.equal(pipeline.negated, true);
    assert.equal(pipeline.statusTest?.kind, 'if');
    assert.equal(pipeline.statusTest?.handler?.outcome, 'fails');
  });

  it('tells a fresh PIPESTATUS read from a stale one', () => {
    const fresh = analyzeScriptSync('npm publish | tee log\nstatus=${PIPESTATUS[0]}\nexit $status');
    assert.deepEqual(fresh.pipelines[0]!.pipestatusReads.map((read) => [read.index, read.fresh]), [['0', true]]);

    const stale = analyzeScriptSync('npm publish | tee log\necho done\nexit ${PIPESTATUS[0]}');
    assert.deepEqual(stale.pipelines[0]!.pipestatusReads.map((read) => [read.index, read.fresh]), [['0', false]]);

    const inHandler = analyzeScriptSync('npm publish | tee log || { echo "failed"; exit ${PIPESTATUS[0]}; }');
    assert.deepEqual(inHandler.pipelines[0]!.pipestatusReads.map((read) => read.fresh), [false]);

    const inTest = analyzeScriptSync('npm publish | tee log\nif [ "${PIPESTATUS[0]}" -ne 0 ]; then exit 1; fi');
    assert.deepEqual(inTest.pipelines[0]!.pipestatusReads.map((read) => read.fresh), [true]);
  });

  it('marks a subshell element as one pipeline element', () => {
    const analysis = analyzeScriptSync('(cd pkg && npm publish) | tee log');
    const pipeline = analysis.pipelines.find((candidate) => candidate.elements.length === 2)!;
    const publish = commandOf(analysis, 'npm publish');
    assert.equal(pipeline.elementCommands[0]!.includes(publish.id), true);
    assert.equal(publish.failure.kind, 'lost-in-pipeline');
  });
});

describe('shell options', () => {
  it('records each set with its position', () => {
    const script = 'echo a\nset -eo pipefail\necho b\nset +e\necho c';
    const analysis = analyzeScriptSync(script, { start: { errexit: false, pipefail: false } });
    assert.deepEqual(
      analysis.optionChanges.map((change) => [change.option, change.enabled, script.slice(change.span.start, change.span.end)]),
      [
        ['errexit', true, 'set -eo pipefail'],
        ['pipefail', true, 'set -eo pipefail'],
        ['errexit', false, 'set +e'],
      ],
    );
    const flags = (prefix: string) => {
      const options = commandOf(analysis, prefix).options;
      return [options.errexit, options.pipefail];
    };
    assert.deepEqual(flags('echo a'), [false, false]);
    assert.deepEqual(flags('echo b'), [true, true]);
    assert.deepEqual(flags('echo c'), [false, true]);
  });

  it('keeps subshell options inside the subshell', () => {
    const analysis = analyzeScriptSync('(set -o pipefail; echo in)\necho out');
    assert.equal(commandOf(analysis, 'echo in').options.pipefail, true);
    assert.equal(commandOf(analysis, 'echo out').options.pipefail, false);
    assert.equal(analysis.optionChanges[0]!.scoped, true);
  });

  it('reads set -o errexit and ignores set --', () => {
    const analysis = analyzeScriptSync('set -o errexit\nset -- -e\necho x', { start: { errexit: false, pipefail: false } });
    assert.equal(commandOf(analysis, 'echo x').options.errexit, true);
    assert.equal(analysis.optionChanges.length, 1);
  });
});

describe('working directory', () => {
  const cases: Array<{ what: string; script: string; cwd: string }> = [
    { what: 'start directory', script: 'npm publish', cwd: '.' },
    { what: 'literal cd', script: 'cd packages/backend\nnpm publish', cwd: 'packages/backend' },
    { what: 'cd in an && list', script: 'cd packages/a && npm publish', cwd: 'packages/a' },
    { what: 'cd up', script: 'cd packages/a\ncd ../b\nnpm publish', cwd: 'packages/b' },
    { what: 'quoted path', script: 'cd "packages/my app"\nnpm publish', cwd: 'packages/my app' },
    { what: 'pushd and popd', script: 'pushd packages/a\npopd\nnpm publish', cwd: '.' },
    { what: 'cd -', script: 'cd packages/a\ncd -\nnpm publish', cwd: '.' },
    { what: 'cd in a subshell does not leak', script: '(cd packages/a)\nnpm publish', cwd: '.' },
    { what: 'cd home', script: 'cd\nnpm publish', cwd: '~' },
    { what: 'workspace variable', script: 'cd "$GITHUB_WORKSPACE/packages/a"\nnpm publish', cwd: '$GITHUB_WORKSPACE/packages/a' },
    { what: 'expression', script: 'cd ${{ github.workspace }}/packages/a\nnpm publish', cwd: '${{ github.workspace }}/packages/a' },
    { what: 'absolute', script: 'cd /tmp/build\nnpm publish', cwd: '/tmp/build' },
    { what: 'computed path', script: 'cd "$(dirname "$0")"\nnpm publish', cwd: '(unknown)' },
    { what: 'relative to a variable', script: 'cd $DIR\ncd sub\nnpm publish', cwd: '$DIR/sub' },
    { what: 'relative after unknown', script: 'cd "$(mktemp -d)"\ncd sub\nnpm publish', cwd: '(unknown)' },
    { what: 'branches that differ', script: 'if [ -n "$X" ]; then cd a; fi\nnpm publish', cwd: '(unknown)' },
    { what: 'branches that agree', script: 'if [ -n "$X" ]; then cd a; else cd a; fi\nnpm publish', cwd: 'a' },
  ];
  for (const { what, script, cwd } of cases) {
    it(what, () => {
      assert.equal(formatPath(commandOf(analyzeScriptSync(script), 'npm publish').cwd), cwd);
    });
  }
});

describe('grammar workarounds and odd input', () => {
  it('splits assignments joined to the next line', () => {
    const analysis = analyzeScriptSync('A=1 B=2\nNODE_AUTH_TOKEN=x npm publish');
    const publish = commandOf(analysis, 'npm publish');
    assert.deepEqual(publish.assignments.map((assignment) => assignment.name), ['NODE_AUTH_TOKEN']);
    assert.equal(analysis.publishes.has(publish.id), true);
    const bare = analysis.commands.find((command) => command.assignments.some((assignment) => assignment.name === 'A'));
    assert.deepEqual(bare?.assignments.map((assignment) => assignment.name), ['A', 'B']);
  });

  it('keeps export values after joined assignments', () => {
    const analysis = analyzeScriptSync('A=1 B=2\nexport TOKEN=$SECRET');
    assert.deepEqual(analysis.exports.map((entry) => [entry.name, entry.value?.raw]), [['TOKEN', '$SECRET']]);
  });

  it('records syntax errors without throwing', () => {
    const analysis = analyzeScriptSync('if then fi (((\nnpm publish');
    assert.ok(analysis.syntaxErrors.length > 0);
  });

  it('marks commands inside functions and substitutions', () => {
    const analysis = analyzeScriptSync('release() {\n  npm publish\n}\nv=$(npm view p version)');
    assert.equal(commandOf(analysis, 'npm publish').inFunction, 'release');
    const view = commandOf(analysis, 'npm view');
    assert.equal(view.inSubstitution, true);
    assert.equal(view.stdout, 'captured');
    // bash clears errexit inside $( … ) unless inherit_errexit is set.
    assert.equal(view.options.errexit, false);
  });

  it('reads stream destinations in redirect order', () => {
    const analysis = analyzeScriptSync('npm view a >/dev/null 2>&1\nnpm view b 2>&1 >/dev/null\nnpm view c &>/dev/null\nnpm view d |& tee log');
    const streams = (prefix: string) => {
      const command = commandOf(analysis, prefix);
      return [command.stdout, command.stderr];
    };
    assert.deepEqual(streams('npm view a'), ['null', 'null']);
    assert.deepEqual(streams('npm view b'), ['null', 'inherited']);
    assert.deepEqual(streams('npm view c'), ['null', 'null']);
    assert.deepEqual(streams('npm view d'), ['pipe', 'pipe']);
  });

  it('maps spans back to the original script', () => {
    const script = 'echo "${{ secrets.A }}" && npm publish --tag "${{ inputs.tag }}"';
    const publish = commandOf(analyzeScriptSync(script), 'npm publish');
    assert.equal(script.slice(publish.span.start, publish.span.end), 'npm publish --tag "${{ inputs.tag }}"');
    assert.deepEqual(publish.argv[3]!.segments, [{ kind: 'expression', text: '${{ inputs.tag }}', expression: 'inputs.tag' }]);
  });
});

describe('deeply nested scripts', () => {
  it('analyses a long && chain or reports it incomplete', () => {
    const analysis = analyzeScriptSync(Array.from({ length: 20000 }, () => 'npm publish').join(' && '));
    assert.ok(analysis.incomplete !== null || analysis.commands.length === 20000);
  });
});
