import { analyzeStep } from '../npmconfig/rule-support.js';
import type { Finding } from '../report/finding.js';
import { excerpt, findIgnoredFailures, type IgnoredFailure, type ScriptAnalysis } from '../shell/index.js';
import type { RunScript } from '../workflow/model.js';
import type { RuleContext } from './context.js';
import { describeShell } from './pipeline-hides-failure.js';
import { defineRule } from './types.js';

/**
 * A publish or verify command whose failure is caught or dropped without
 * failing the step: `|| true`, `|| echo …`, an `if !` branch that only
 * prints a warning, an `if` with no `else`, `set +e` with no later `$?`
 * check, the left side of `&&` (where errexit does not apply), `! cmd`, or
 * a `$( … )` whose status is dropped. Existence checks (`npm view` used to
 * decide whether to publish) are `existence-check-hides-errors` instead.
 */
export const rule = defineRule({
  id: 'error-ignored',
  title: 'failure of a publish or verify command is ignored',
  severity: 'error',
  confidence: 'high',
  async check(context) {
    const findings: Finding[] = [];
    for (const script of context.runScripts()) {
      const analysis = await analyzeStep(script.step, context.files);
      if (!analysis) continue;
      for (const ignored of findIgnoredFailures(analysis)) findings.push(report(context, script, analysis, ignored));
    }
    return findings;
  },
});

function report(context: RuleContext, script: RunScript, analysis: ScriptAnalysis, ignored: IgnoredFailure): Finding {
  const command = excerpt(analysis, ignored.command.span);
  const result = ignored.role === 'publish' ? 'the step passes without the package' : 'the step passes although the check failed';
  const related: Array<{ at: { script: RunScript; start: number; end: number }; label: string }> = [];
  let message: string;
  let fix: string;

  switch (ignored.how) {
    case 'handler-succeeds': {
      const handler = ignored.test!.handler!;
      const handlerText = excerpt(analysis, handler.span, 50);
      related.push({ at: { script, ...handler.span }, label: 'runs on failure and succeeds' });
      const annotationNote = ' (a `::warning::` or `::error::` line does not fail a step)';
      if (ignored.test!.kind === 'or') {
        message = `a failure of \`${command}\` goes to \`|| ${handlerText}\`, which succeeds, so ${result}`;
      } else if (ignored.test!.kind === 'status-variable') {
        message = `the status of \`${command}\` is read from \`$?\` by \`${handlerText}\`, which only prints it, so ${result}`;
      } else {
        message = `a failure of \`${command}\` runs \`${handlerText}\` under the \`${ignored.test!.kind === 'not' ? '!' : ignored.test!.kind}\`, which only prints and succeeds${annotationNote}, so ${result}`;
      }
      if (ignored.test!.kind === 'or') {
        fix = `replace the handler with one that exits non-zero, such as \`|| { echo "${ignored.role} failed" >&2; exit 1; }\`, or drop it and let errexit stop the step`;
      } else if (ignored.test!.kind === 'status-variable') {
        fix = 'save the status and exit with it when it is not 0: `status=$?` on the next line, then `[ "$status" -eq 0 ] || exit "$status"`';
      } else {
        fix = 'end the branch that handles the failure with `exit 1`';
      }
      break;
    }
    case 'no-handler':
      message = `\`${command}\` is the condition of an \`${ignored.test!.kind === 'not' ? '!' : ignored.test!.kind}\` with no branch for failure, so when it fails the script goes on and ${result}`;
      fix = 'add `else exit 1` (or run the command on its own line so errexit stops the step when it fails)';
      break;
    case 'errexit-off': {
      const setAt = ignored.errexitOffAt;
      if (setAt) related.push({ at: { script, ...setAt }, label: 'errexit turned off here' });
      const cause = setAt
        ? `errexit is off from \`${excerpt(analysis, setAt)}\` on line ${script.positionAt(setAt.start).line}`
        : `${describeShell(script.step)} runs without \`-e\``;
      message = `${cause} and nothing reads \`$?\` right after \`${command}\`, so when it fails the script goes on and ${result}`;
      fix = setAt
        ? `run \`set -e\` again before \`${command}\`, or check its status on the next line (\`|| exit 1\` on the command itself is simplest)`
        : `add \`|| exit 1\` to \`${command}\`, or run the script with \`-e\` (\`shell: bash\`)`;
      break;
    }
    case 'and-list':
      message = `\`${command}\` is on the left of \`&&\`, where errexit does not apply: when it fails, the rest of the line is skipped, the script goes on, and ${result}`;
      fix = `put \`${command}\` on its own line, or add \`|| exit 1\` after the \`&&\` list`;
      break;
    case 'negated':
      message = `\`! ${command}\` turns a failure into success and errexit ignores negated commands, so ${result}`;
      fix = 'remove the `!`';
      break;
    case 'substitution':
      message = `\`${command}\` runs inside \`$( … )\` whose status is dropped (an argument, or \`local\`/\`export\`/\`declare\` of its output), so ${result}`;
      fix = `assign the output on its own line (\`output=$(${command})\`), where errexit sees the status, then use \`$output\``;
      break;
  }

  return context.finding({
    at: { script, start: ignored.command.span.start, end: ignored.command.span.end },
    label: 'its failure is ignored',
    message,
    fix,
    severity: ignored.role === 'publish' ? 'error' : 'warning',
    related,
    args: { command, role: ignored.role, how: ignored.how },
  });
}
