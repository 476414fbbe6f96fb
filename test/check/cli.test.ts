import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';

const MIXED = fileURLToPath(new URL('./fixtures/mixed/', import.meta.url));
const WARNING_ONLY = fileURLToPath(new URL('./fixtures/warning-only/', import.meta.url));
// Only this layer's rules, so findings of rules built elsewhere do not change these outputs.
const RULES = '--rule=continue-on-error-hides-release-failure,release-not-gated-on-publish,secret-interpolated-into-script,provenance-without-id-token,invalid-workflow-yaml';
const DOCS = 'https://github.com/pubguard/pubguard/blob/main/docs/rules/';
const WORKFLOW = '.github/workflows/release.yml';

const PUBLISH_LINE = `${WORKFLOW}:10:28: error: step "Publish" publishes with \`continue-on-error: true\`: when \`npm publish\` fails, GitHub marks the step successful, so the job and any release after it pass without the package [continue-on-error-hides-release-failure]`;
const TAG_LINE = `${WORKFLOW}:12:15: error: step "Tag" runs \`git tag\` after step "Publish", which has \`continue-on-error: true\`, and does not test that step's outcome: a failed publish still produces a release [release-not-gated-on-publish]`;
const SUMMARY = '2 problems: 2 errors, 0 warnings, 0 info; 1 workflow file, 5 rules (2 suppressed)';

test('text format: headline, frame, fix, docs, summary', () => {
  const result = runCli(['check', MIXED, RULES]);
  assert.equal(result.status, 1, result.stderr);
  assert.equal(
    result.stdout,
    `${PUBLISH_LINE}
  10 |         continue-on-error: true
     |                            ^~~~ failure recorded as success
  fix: remove \`continue-on-error\` from this step; if a later step must still run after a failure, give that step \`if: failure()\` or test \`steps.publish.outcome\`
  docs: ${DOCS}continue-on-error-hides-release-failure.md

${TAG_LINE}
  12 |       - name: Tag
     |               ^~~ runs after a masked failure
  related: ${WORKFLOW}:10:28
  10 |         continue-on-error: true
     |                            ^~~~ publish failure masked here
  fix: add \`if: steps.publish.outcome == 'success'\` to this step, or remove \`continue-on-error\` from the publish step
  docs: ${DOCS}release-not-gated-on-publish.md

${SUMMARY}
`,
  );
  assert.equal(result.stderr, '');
});

test('compact format: one line each and the summary', () => {
  const result = runCli(['check', MIXED, RULES, '--format', 'compact']);
  assert.equal(result.status, 1);
  assert.equal(result.stdout, `${PUBLISH_LINE}\n${TAG_LINE}\n${SUMMARY}\n`);
});

test('json format: documented fields, suppressed findings listed', () => {
  const result = runCli(['check', MIXED, RULES, '--format', 'json']);
  assert.equal(result.status, 1);
  const body = JSON.parse(result.stdout) as { findings: Array<Record<string, unknown>>; summary: Record<string, unknown> };
  assert.deepEqual(Object.keys(body), ['findings', 'summary']);
  assert.equal(body.findings.length, 4);
  assert.deepEqual(Object.keys(body.findings[0]!), [
    'ruleId', 'severity', 'confidence', 'file', 'line', 'column', 'endLine', 'endColumn', 'job', 'step', 'message', 'fix', 'docs', 'related', 'suppressed',
  ]);
  assert.deepEqual(body.findings[0], {
    ruleId: 'continue-on-error-hides-release-failure',
    severity: 'error',
    confidence: 'high',
    file: WORKFLOW,
    line: 10,
    column: 28,
    endLine: 10,
    endColumn: 32,
    job: 'publish',
    step: 'Publish',
    message: 'step "Publish" publishes with `continue-on-error: true`: when `npm publish` fails, GitHub marks the step successful, so the job and any release after it pass without the package',
    fix: 'remove `continue-on-error` from this step; if a later step must still run after a failure, give that step `if: failure()` or test `steps.publish.outcome`',
    docs: `${DOCS}continue-on-error-hides-release-failure.md`,
    related: [],
    suppressed: false,
  });
  assert.deepEqual(body.findings[1]!.related, [{ file: WORKFLOW, line: 10, column: 28, endLine: 10, endColumn: 32, label: 'publish failure masked here' }]);
  assert.deepEqual(
    body.findings.map((finding) => [finding.ruleId, finding.line, finding.column, finding.suppressed]),
    [
      ['continue-on-error-hides-release-failure', 10, 28, false],
      ['release-not-gated-on-publish', 12, 15, false],
      ['secret-interpolated-into-script', 15, 20, true],
      ['secret-interpolated-into-script', 18, 31, true],
    ],
  );
  assert.deepEqual(body.summary, { errors: 2, warnings: 0, info: 0, suppressed: 2, belowThreshold: 0, threshold: 'warning', workflowFiles: 1, rules: 5, failedRules: [] });
});

test('sarif format: a SARIF 2.1.0 log', () => {
  const result = runCli(['check', MIXED, RULES, '--format', 'sarif']);
  assert.equal(result.status, 1);
  const log = JSON.parse(result.stdout);
  assert.equal(log.version, '2.1.0');
  assert.equal(log.$schema, 'https://json.schemastore.org/sarif-2.1.0.json');
  assert.equal(log.runs.length, 1);
  const [run] = log.runs;
  assert.equal(run.tool.driver.name, 'pubguard');
  assert.match(run.tool.driver.version, /^\d+\.\d+\.\d+/);
  assert.equal(run.columnKind, 'utf16CodeUnits');
  const ruleIds = run.tool.driver.rules.map((rule: { id: string }) => rule.id);
  assert.deepEqual(ruleIds, [
    'pubguard/continue-on-error-hides-release-failure',
    'pubguard/invalid-workflow-yaml',
    'pubguard/provenance-without-id-token',
    'pubguard/release-not-gated-on-publish',
    'pubguard/secret-interpolated-into-script',
  ]);
  for (const rule of run.tool.driver.rules) {
    assert.equal(rule.helpUri, `${DOCS}${rule.id.slice('pubguard/'.length)}.md`);
    assert.ok(['error', 'warning', 'note'].includes(rule.defaultConfiguration.level));
    assert.equal(typeof rule.shortDescription.text, 'string');
  }
  assert.equal(run.results.length, 4);
  const [first, , suppressed] = run.results;
  assert.equal(first.ruleId, 'pubguard/continue-on-error-hides-release-failure');
  assert.equal(run.tool.driver.rules[first.ruleIndex].id, first.ruleId);
  assert.equal(first.level, 'error');
  assert.deepEqual(first.locations[0].physicalLocation, {
    artifactLocation: { uri: WORKFLOW, uriBaseId: '%SRCROOT%' },
    region: { startLine: 10, startColumn: 28, endLine: 10, endColumn: 32 },
  });
  assert.equal(typeof first.message.text, 'string');
  assert.equal(typeof first.partialFingerprints['pubguard/v1'], 'string');
  assert.deepEqual(suppressed.suppressions, [{ kind: 'inSource', justification: `${WORKFLOW}:15 (printed masked by the runner)` }]);
  assert.equal(suppressed.level, 'warning');
});

test('sarif format with --exit-zero exits 0', () => {
  const result = runCli(['check', MIXED, RULES, '--format', 'sarif', '--exit-zero']);
  assert.equal(result.status, 0);
  assert.equal(JSON.parse(result.stdout).runs[0].results.length, 4);
});

test('github format: annotations for unsuppressed findings', () => {
  const result = runCli(['check', MIXED, RULES, '--format', 'github']);
  assert.equal(result.status, 1);
  const lines = result.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 3);
  assert.equal(
    lines[0],
    `::error file=${WORKFLOW},line=10,col=28,endColumn=32,title=pubguard continue-on-error-hides-release-failure::step "Publish" publishes with \`continue-on-error: true\`: when \`npm publish\` fails, GitHub marks the step successful, so the job and any release after it pass without the package%0Afix: remove \`continue-on-error\` from this step; if a later step must still run after a failure, give that step \`if: failure()\` or test \`steps.publish.outcome\`%0Adocs: ${DOCS}continue-on-error-hides-release-failure.md`,
  );
  assert.match(lines[1]!, /^::error file=\.github\/workflows\/release\.yml,line=12,col=15,endColumn=18,title=pubguard release-not-gated-on-publish::step "Tag" /);
  assert.equal(lines[2], SUMMARY);
});

test('markdown format: table and sections', () => {
  const result = runCli(['check', MIXED, RULES, '--format', 'markdown']);
  assert.equal(result.status, 1);
  assert.ok(result.stdout.startsWith(`## pubguard check\n\n${SUMMARY}\n\n| severity | rule | location | job | step |\n| --- | --- | --- | --- | --- |\n`));
  assert.ok(result.stdout.includes(`| error | [\`continue-on-error-hides-release-failure\`](${DOCS}continue-on-error-hides-release-failure.md) | \`${WORKFLOW}:10:28\` | publish | Publish |`));
  assert.ok(result.stdout.includes('**Fix:** add `if: steps.publish.outcome == \'success\'` to this step'));
  assert.ok(!result.stdout.includes('DEBUG_TOKEN'), 'suppressed findings are not shown');
});

test('--severity: only shown findings set the exit status', () => {
  const shown = runCli(['check', WARNING_ONLY, RULES, '--format', 'compact']);
  assert.equal(shown.status, 1);
  assert.match(shown.stdout, /^\.github\/workflows\/ci\.yml:7:20: warning: secret "TOKEN" is expanded/);
  const hidden = runCli(['check', WARNING_ONLY, RULES, '--format', 'compact', '--severity', 'error']);
  assert.equal(hidden.status, 0);
  assert.equal(hidden.stdout, 'no problems found: 1 workflow file, 5 rules (1 below --severity error)\n');
  const json = runCli(['check', WARNING_ONLY, RULES, '--format', 'json', '--severity', 'error']);
  assert.equal(json.status, 0);
  assert.deepEqual(JSON.parse(json.stdout).findings, []);
});

test('--ignore and --rule select rules', () => {
  const ignored = runCli(['check', WARNING_ONLY, RULES, '--ignore', 'secret-interpolated-into-script', '--format', 'compact']);
  assert.equal(ignored.status, 0);
  assert.equal(ignored.stdout, 'no problems found: 1 workflow file, 4 rules\n');
  const one = runCli(['check', MIXED, '--rule', 'release-not-gated-on-publish', '--format', 'compact']);
  assert.equal(one.stdout, `${TAG_LINE}\n1 problem: 1 error, 0 warnings, 0 info; 1 workflow file, 1 rule\n`);
});

test('bad usage exits 2 with one line', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--rule', 'no-such-rule'], /^pubguard: check: unknown rule "no-such-rule": known rules are /],
    [['--format', 'xml'], /^pubguard: check: invalid --format "xml": expected one of text, compact, json, sarif, github, markdown\n$/],
    [['--severity', 'fatal'], /^pubguard: check: invalid --severity "fatal"/],
    [['--repo', 'not a repo'], /^pubguard: check: invalid --repo "not a repo": expected OWNER\/NAME/],
    [['--no-such-flag'], /^pubguard: check: unknown option "--no-such-flag" \(see `pubguard check --help`\)\n$/],
    [[MIXED, MIXED], /^pubguard: check: expected at most one directory, got 2/],
  ];
  for (const [args, message] of cases) {
    const result = runCli(['check', ...args]);
    assert.equal(result.status, 2, args.join(' '));
    assert.match(result.stderr, message);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
  }
});

test('runs in the current folder by default', () => {
  const result = runCli(['check', RULES, '--format', 'compact'], { cwd: MIXED });
  assert.equal(result.status, 1);
  assert.equal(result.stdout, `${PUBLISH_LINE}\n${TAG_LINE}\n${SUMMARY}\n`);
});
