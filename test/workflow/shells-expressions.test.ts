import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findExpressions, isWholeExpression, readsSecret } from '../../src/workflow/expressions.js';
import { resolveShell } from '../../src/workflow/shells.js';

test('shell values resolve to their commands and flags', () => {
  const cases: Array<[string | null, boolean, string, boolean, boolean]> = [
    // written, windows, command, pipefail, errexit
    [null, false, 'bash -e {0}', false, true],
    ['bash', false, 'bash --noprofile --norc -eo pipefail {0}', true, true],
    ['sh', false, 'sh -e {0}', false, true],
    ['bash -o pipefail {0}', false, 'bash -o pipefail {0}', true, false],
    ['bash -euxo pipefail {0}', false, 'bash -euxo pipefail {0}', true, true],
    ['/usr/bin/bash --noprofile {0}', false, '/usr/bin/bash --noprofile {0}', false, false],
    [null, true, `pwsh -command ". '{0}'"`, false, false],
  ];
  for (const [written, windows, command, pipefail, errexit] of cases) {
    const shell = resolveShell(written, written === null ? 'default' : 'step', windows);
    assert.equal(shell.command, command, String(written));
    assert.equal(shell.pipefail, pipefail, `pipefail of ${written}`);
    assert.equal(shell.errexit, errexit, `errexit of ${written}`);
  }
  assert.equal(resolveShell('python', 'step').posix, false);
  assert.equal(resolveShell('/usr/bin/bash --noprofile {0}', 'step').program, 'bash');
});

test('expressions remember their origin', () => {
  const value = 'a ${{ secrets.NPM_TOKEN }} b ${{ vars.REGISTRY }} ${{ github.token }} ${{ inputs.tag }} ${{ secrets.A || secrets.B }} ${{ github.sha }}';
  const found = findExpressions(value);
  assert.deepEqual(
    found.map((expression) => [expression.origin, expression.name]),
    [
      ['secrets', 'NPM_TOKEN'],
      ['vars', 'REGISTRY'],
      ['github.token', 'token'],
      ['inputs', 'tag'],
      ['other', null],
      ['other', null],
    ],
  );
  assert.deepEqual(found[4]!.references.map((reference) => reference.name), ['A', 'B']);
  assert.equal(value.slice(found[0]!.start, found[0]!.end), '${{ secrets.NPM_TOKEN }}');
  assert.equal(readsSecret(found[4]!), true);
  assert.equal(readsSecret(found[5]!), false);
});

test('expressions: bracket access, quoted braces, whole value', () => {
  const [bracket] = findExpressions("${{ secrets['NPM_TOKEN'] }}");
  assert.equal(bracket!.origin, 'secrets');
  assert.equal(bracket!.name, 'NPM_TOKEN');
  const [quoted] = findExpressions("${{ format('}}{0}', secrets.X) }} tail");
  assert.equal(quoted!.text, "${{ format('}}{0}', secrets.X) }}");
  assert.equal(isWholeExpression(' ${{ secrets.X }} '), true);
  assert.equal(isWholeExpression('Bearer ${{ secrets.X }}'), false);
});
