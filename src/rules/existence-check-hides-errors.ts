import { analyzeStep } from '../npmconfig/rule-support.js';
import type { Finding } from '../report/finding.js';
import { excerpt, findUnsafeExistenceChecks, type ScriptAnalysis, type UnsafeExistenceCheck } from '../shell/index.js';
import type { RunScript } from '../workflow/model.js';
import type { RuleContext } from './context.js';
import { defineRule } from './types.js';

/**
 * An "already published?" check that reads any registry error as "not
 * published": `if npm view pkg@ver …`, `npm view … || echo "not
 * published"`, `[ -z "$(npm view …)" ]`, often with `2>/dev/null` or
 * `>/dev/null 2>&1`, or on a step with `continue-on-error: true`. A 401,
 * 403, network error or outage then looks exactly like a 404, and npm's
 * message is often discarded too.
 */
export const rule = defineRule({
  id: 'existence-check-hides-errors',
  title: 'existence check reads registry errors as "not published"',
  severity: 'warning',
  confidence: 'medium',
  async check(context) {
    const findings: Finding[] = [];
    for (const script of context.runScripts()) {
      const analysis = await analyzeStep(script.step, context.files);
      if (!analysis) continue;
      const reported = new Set<number>();
      for (const unsafe of findUnsafeExistenceChecks(analysis)) {
        reported.add(unsafe.command.id);
        findings.push(report(context, script, analysis, unsafe));
      }
      if (continueOnError(script)) findings.push(...continueOnErrorChecks(context, script, analysis, reported));
    }
    return findings;
  },
});

const FIX =
  'tell a 404 from other errors: capture npm\'s error (`out=$(npm view "$PKG@$VERSION" version 2>&1) || { grep -q E404 <<<"$out" || { echo "$out" >&2; exit 1; }; }`) and treat only E404 as "not published"';

function report(context: RuleContext, script: RunScript, analysis: ScriptAnalysis, unsafe: UnsafeExistenceCheck): Finding {
  const { check, command } = unsafe;
  const text = excerpt(analysis, command.span);
  const related: Array<{ at: { script: RunScript; start: number; end: number }; label: string }> = [];

  let reader: string;
  if (check.statusTest) {
    const test = check.statusTest;
    const keyword = test.kind === 'or' ? '||' : test.kind === 'not' ? '!' : test.kind === 'status-variable' ? '$?' : test.kind;
    reader = `\`${keyword}\` treats any failure as "not published"`;
    related.push({ at: { script, ...test.span }, label: 'any non-zero status counts as "not published" here' });
  } else {
    reader = 'its output is captured and an error leaves it empty, which reads as "not published"';
    if (check.capture) related.push({ at: { script, ...check.capture }, label: 'empty when npm fails' });
  }
  const discarded = check.stderrDiscarded ? `, and \`${excerpt(analysis, check.stderrDiscarded.span)}\` throws away npm's error message` : '';
  if (check.stderrDiscarded) related.push({ at: { script, ...check.stderrDiscarded.span }, label: "npm's error message is discarded here" });

  return context.finding({
    at: { script, start: command.span.start, end: command.span.end },
    label: 'decides whether the version is published',
    message: `\`${text}\` decides whether the version is already published, but ${reader}: a 401, 403, network error or registry outage reads the same as a 404${discarded}`,
    fix: FIX,
    related,
    args: { command: text, query: check.query.form, stderrDiscarded: check.stderrDiscarded !== null, test: check.statusTest?.kind ?? null },
  });
}

function continueOnError(script: RunScript): boolean {
  const value = script.step.continueOnError?.value;
  return value === true || value === 'true';
}

// On a step with continue-on-error, a registry query that would fail the step passes instead.
function continueOnErrorChecks(context: RuleContext, script: RunScript, analysis: ScriptAnalysis, reported: Set<number>): Finding[] {
  const findings: Finding[] = [];
  for (const [id, query] of analysis.queries) {
    if (reported.has(id) || query.kind !== 'view' || !(query.versioned || query.field === 'version' || query.field === 'versions')) continue;
    const command = analysis.commands[id]!;
    const text = excerpt(analysis, command.span);
    const flag = script.step.continueOnError!;
    findings.push(
      context.finding({
        at: { script, start: command.span.start, end: command.span.end },
        label: 'decides whether the version is published',
        message: `\`${text}\` checks whether the version is published on a step with \`continue-on-error: true\`: a 401, 403 or network error fails the step, GitHub marks it successful, and later steps read the missing result as "not published"`,
        fix: `remove \`continue-on-error\` and ${FIX}`,
        related: [{ at: flag, label: 'failure of this step is ignored' }],
        args: { command: text, query: query.form, stderrDiscarded: command.stderr === 'null', test: 'continue-on-error' },
      }),
    );
  }
  return findings;
}
