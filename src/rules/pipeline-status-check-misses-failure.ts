import { analyzeStep } from '../npmconfig/rule-support.js';
import type { Finding } from '../report/finding.js';
import { excerpt, findPipelineFailures, type PipelineFailure, type ScriptAnalysis, type StatusTest } from '../shell/index.js';
import type { RunScript } from '../workflow/model.js';
import type { RuleContext } from './context.js';
import { noPipefailReason, pipefailFix } from './pipeline-hides-failure.js';
import { defineRule } from './types.js';

/**
 * A check that looks like it catches a publish failure but tests the wrong
 * status: `npm publish | tee log || { … }`, `if ! npm publish | tee log`,
 * `$?` after such a pipeline (each sees `tee`'s status when pipefail is
 * off), or `${PIPESTATUS[0]}` read after another command reset it. On one
 * pipeline this rule replaces `pipeline-hides-failure`.
 */
export const rule = defineRule({
  id: 'pipeline-status-check-misses-failure',
  title: 'status check cannot see the failure of a piped publish command',
  severity: 'error',
  confidence: 'high',
  async check(context) {
    const findings: Finding[] = [];
    for (const script of context.runScripts()) {
      const analysis = await analyzeStep(script.step, context.files);
      if (!analysis) continue;
      for (const failure of findPipelineFailures(analysis)) {
        if (failure.kind === 'check-misses') findings.push(report(context, script, analysis, failure));
      }
    }
    return findings;
  },
});

function report(context: RuleContext, script: RunScript, analysis: ScriptAnalysis, failure: PipelineFailure): Finding {
  const command = excerpt(analysis, failure.command.span);
  const commandName = commandWords(analysis, failure);
  const lastName = failure.last?.name ?? 'the last command';
  const pipeline = excerpt(analysis, failure.pipeline.span, 70);
  const noPipefail = noPipefailReason(script, analysis, failure);
  const stale = failure.stalePipestatus;
  const resetName = failure.resetBy?.name ?? 'another command';

  let primary: { start: number; end: number };
  let message: string;
  let label: string;
  if (failure.test) {
    primary = failure.test.span;
    label = `this checks \`${lastName}\`'s status, not \`${commandName}\`'s`;
    message = `${describeTest(failure.test, analysis)} \`${pipeline}\` tests \`${lastName}\`'s status, not \`${commandName}\`'s: ${noPipefail}, so a pipeline's status is its last command's and ${consequence(failure.test)} when \`${commandName}\` fails`;
  } else {
    primary = stale!.span;
    const read = excerpt(analysis, stale!.span);
    label = `reset by \`${resetName}\` before this read`;
    message = `\`${read}\` is read after \`${resetName}\` ran, so it holds \`${resetName}\`'s status, not \`${commandName}\`'s: bash sets PIPESTATUS again after every command, and ${noPipefail}, so a failed \`${commandName}\` passes unseen`;
  }

  const related = [
    { at: { script, start: failure.command.span.start, end: failure.command.span.end }, label: `the status of \`${commandName}\` is lost in the pipeline` },
    ...(failure.test && stale
      ? [{ at: { script, start: stale.span.start, end: stale.span.end }, label: `would hold \`${resetName}\`'s status, because \`${resetName}\` ran first` }]
      : []),
    ...(failure.laterPipefail
      ? [{ at: { script, start: failure.laterPipefail.span.start, end: failure.laterPipefail.span.end }, label: 'set after the pipeline, so it does not apply to it' }]
      : []),
  ];

  return context.finding({
    at: { script, start: primary.start, end: primary.end },
    label,
    message,
    fix: `${pipefailFix(script, analysis, failure)}; or save \`\${PIPESTATUS[0]}\` in the very first command after the pipeline (\`status=\${PIPESTATUS[0]}\`) and test that`,
    severity: failure.role === 'publish' ? 'error' : 'warning',
    related,
    args: {
      command,
      role: failure.role,
      lastCommand: lastName,
      test: failure.test?.kind ?? 'stale-pipestatus',
      shell: script.step.shell.command,
    },
  });
}

// The first words of the failing command, such as `npm publish`.
function commandWords(analysis: ScriptAnalysis, failure: PipelineFailure): string {
  const publish = analysis.publishes.get(failure.command.id);
  if (publish) return publish.form;
  const query = analysis.queries.get(failure.command.id);
  return query?.form ?? failure.command.name ?? 'the command';
}

function describeTest(test: StatusTest, analysis: ScriptAnalysis): string {
  switch (test.kind) {
    case 'or':
      return 'the `||` after';
    case 'not':
      return 'the `!` on';
    case 'if':
    case 'elif':
      return `the \`${test.kind}\` on`;
    case 'while':
    case 'until':
      return `the \`${test.kind}\` loop on`;
    case 'status-variable':
      return `\`${excerpt(analysis, test.span)}\` after`;
    default:
      return 'the check on';
  }
}

function consequence(test: StatusTest): string {
  switch (test.kind) {
    case 'or':
      return 'the `||` branch never runs';
    case 'status-variable':
      return '`$?` is 0';
    case 'if':
    case 'elif':
    case 'not':
      return 'the failure branch never runs';
    default:
      return 'the check passes';
  }
}
