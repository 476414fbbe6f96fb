import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCheck } from '../../src/check/run.js';
import type { Finding } from '../../src/report/finding.js';
import { renderFindingsGithub } from '../../src/report/findings-github.js';
import { renderFindingsMarkdown } from '../../src/report/findings-markdown.js';
import { buildFindingsReport, exitStatusOf } from '../../src/report/findings-summary.js';

const COMPOSITE = fileURLToPath(new URL('./fixtures/composite-suppressed/', import.meta.url));

test('composite step findings point at every caller', async () => {
  const result = await runCheck({ directory: COMPOSITE, only: ['secret-interpolated-into-script'] });
  assert.equal(result.findings.length, 2);
  const [auth, login] = result.findings;

  // Two steps use the same action line: one finding, with both callers related.
  assert.equal(auth!.file, '.github/actions/auth/action.yml');
  assert.equal(auth!.line, 10);
  assert.equal(auth!.column, 51);
  assert.equal(auth!.job, 'publish');
  assert.equal(auth!.step, 'Write npmrc');
  assert.deepEqual(auth!.related, [
    { file: '.github/workflows/release.yml', line: 7, column: 15, endLine: 7, endColumn: 27, label: 'action used by step "Authenticate"' },
    { file: '.github/workflows/release.yml', line: 11, column: 15, endLine: 11, endColumn: 33, label: 'action used by step "Authenticate again"' },
  ]);
  assert.equal(auth!.suppressed, false);

  // A comment above the calling step suppresses findings inside the action it uses.
  assert.equal(login!.file, '.github/actions/login/action.yml');
  assert.equal(login!.suppressed, true);
  assert.equal(login!.suppressedBy, '.github/workflows/release.yml:15 (the action masks the value itself)');
});

function finding(overrides: Partial<Finding>): Finding {
  return {
    file: 'a,b:c%.yml',
    line: 3,
    column: 5,
    endLine: 3,
    endColumn: 9,
    ruleId: 'secret-interpolated-into-script',
    severity: 'warning',
    confidence: 'high',
    job: 'publish',
    step: 'Publish | tee',
    message: 'uses 100% of\nthe token',
    fix: 'pass it through `env:`',
    docs: 'https://example.com/docs/rules/secret-interpolated-into-script.md',
    related: [],
    suppressed: false,
    args: {},
    ...overrides,
  };
}

function report(findings: Finding[], threshold: 'error' | 'warning' | 'info' = 'warning') {
  return buildFindingsReport({ findings, threshold, version: '0.0.0', rules: [], sources: new Map(), workflowFiles: 1 });
}

test('github annotations escape data and properties', () => {
  const text = renderFindingsGithub(report([finding({})]));
  const [line] = text.split('\n');
  assert.equal(
    line,
    '::warning file=a%2Cb%3Ac%25.yml,line=3,col=5,endColumn=9,title=pubguard secret-interpolated-into-script::uses 100%25 of%0Athe token%0Afix: pass it through `env:`%0Adocs: https://example.com/docs/rules/secret-interpolated-into-script.md',
  );
});

test('github annotations: info is a notice, multi-line spans drop endColumn', () => {
  const text = renderFindingsGithub(report([finding({ severity: 'info', endLine: 4 })], 'info'));
  assert.match(text, /^::notice file=a%2Cb%3Ac%25\.yml,line=3,col=5,title=pubguard /);
});

test('markdown escapes table cells', () => {
  const text = renderFindingsMarkdown(report([finding({})]));
  assert.ok(text.includes('| publish | Publish \\| tee |'), text);
});

test('exit status follows shown, unsuppressed findings', () => {
  assert.equal(exitStatusOf(report([finding({})])), 1);
  assert.equal(exitStatusOf(report([finding({ suppressed: true })])), 0);
  assert.equal(exitStatusOf(report([finding({ severity: 'info' })])), 0);
  assert.equal(exitStatusOf(report([finding({ severity: 'info' })], 'info')), 1);
  assert.equal(exitStatusOf(report([])), 0);
});

test('a failing rule makes the check incomplete, not clean', async () => {
  const { defineRule } = await import('../../src/rules/types.js');
  const { renderCheckOutput } = await import('../../src/check/output.js');
  const broken = defineRule({
    id: 'always-throws',
    title: 'a rule that throws',
    severity: 'error',
    confidence: 'high',
    check() {
      throw new Error('boom');
    },
  });
  const result = await runCheck({ directory: COMPOSITE, rules: [broken] });
  assert.deepEqual(result.failures.map((failure) => [failure.ruleId, failure.message]), [['always-throws', 'boom']]);
  const { text } = await renderCheckOutput(result, { format: 'compact', threshold: 'warning', color: false, version: '0.0.0' });
  assert.equal(text, 'check incomplete: rule "always-throws" failed (see standard error); 0 problems found by the others: 1 workflow file, 1 rule\n');
});

test('a comment line above suppresses, also in .npmrc', async () => {
  const directory = fileURLToPath(new URL('./fixtures/npmrc-suppressed/', import.meta.url));
  const result = await runCheck({ directory, only: ['npmrc-auth-not-scoped'] });
  const byLine = result.findings.map((item) => [item.file, item.line, item.suppressed]);
  assert.deepEqual(byLine, [
    ['.npmrc', 2, true],
    ['.npmrc', 3, false],
  ]);
  assert.equal(result.findings[0]!.suppressedBy, '.npmrc:1 (the mirror reads this file, not npm)');
});
