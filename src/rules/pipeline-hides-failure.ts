import { analyzeStep } from '../npmconfig/rule-support.js';
import type { Finding } from '../report/finding.js';
import { excerpt, findPipelineFailures, type PipelineFailure, type ScriptAnalysis } from '../shell/index.js';
import type { RunScript, Step } from '../workflow/model.js';
import type { RuleContext } from './context.js';
import { defineRule } from './types.js';

/**
 * A publish or verify command piped into another command (`npm publish |
 * tee log`) in a shell without pipefail, with nothing checking the status.
 * Bash reports a pipeline's status as its last command's unless pipefail is
 * set, and GitHub's default Linux shell is `bash -e {0}`, without pipefail,
 * so the step passes when the publish fails. A pipeline whose status is
 * checked the wrong way is `pipeline-status-check-misses-failure` instead.
 */
export const rule = defineRule({
  id: 'pipeline-hides-failure',
  title: 'pipeline hides the failure of a publish command',
  severity: 'error',
  confidence: 'high',
  async check(context) {
    const findings: Finding[] = [];
    for (const script of context.runScripts()) {
      const analysis = await analyzeStep(script.step, context.files);
      if (!analysis) continue;
      for (const failure of findPipelineFailures(analysis)) {
        if (failure.kind === 'hidden') findings.push(report(context, script, analysis, failure));
      }
    }
    return findings;
  },
});

function report(context: RuleContext, script: RunScript, analysis: ScriptAnalysis, failure: PipelineFailure): Finding {
  const command = excerpt(analysis, failure.command.span);
  const lastName = failure.last?.name ?? 'the last command';
  const lastText = failure.last ? excerpt(analysis, failure.last.span, 40) : lastName;
  const outcome = failure.role === 'publish' ? 'the step passes when the publish fails' : 'the step passes when the check fails';

  const related = [
    ...(failure.last ? [{ at: { script, start: failure.last.span.start, end: failure.last.span.end }, label: `the pipeline's status is ${quote(lastName)}'s` }] : []),
    ...(failure.laterPipefail
      ? [{ at: { script, start: failure.laterPipefail.span.start, end: failure.laterPipefail.span.end }, label: 'set after the pipeline, so it does not apply to it' }]
      : []),
  ];

  return context.finding({
    at: { script, start: failure.command.span.start, end: failure.command.span.end },
    label: 'its exit status is lost in the pipeline',
    message: `${quote(command)} is piped into ${quote(lastText)} and ${noPipefailReason(script, analysis, failure)}: the pipeline's status is ${quote(lastName)}'s, so ${outcome}`,
    fix: pipefailFix(script, analysis, failure),
    severity: failure.role === 'publish' ? 'error' : 'warning',
    related,
    args: {
      command,
      role: failure.role,
      lastCommand: lastName,
      shell: script.step.shell.command,
      pipefailSetLaterAtLine: failure.laterPipefail ? script.positionAt(failure.laterPipefail.span.start).line : null,
    },
  });
}

/** Why pipefail is off at the pipeline: the shell's flags, a later `set -o pipefail`, or an earlier `set +o pipefail`. */
export function noPipefailReason(script: RunScript, analysis: ScriptAnalysis, failure: PipelineFailure): string {
  const turnedOff = failure.pipeline.options.pipefailSetAt;
  if (turnedOff) return `\`${excerpt(analysis, turnedOff)}\` on line ${script.positionAt(turnedOff.start).line} turned pipefail off`;
  const shell = `${describeShell(script.step)} has no pipefail`;
  if (failure.laterPipefail) {
    return `${shell} (the \`${excerpt(analysis, failure.laterPipefail.span)}\` on line ${script.positionAt(failure.laterPipefail.span.start).line} comes after the pipeline, so it does not apply to it)`;
  }
  return shell;
}

/** "the default shell `bash -e {0}`" or "`shell: sh` (`sh -e {0}`)". */
export function describeShell(step: Step): string {
  if (step.shell.written === null) return `the step's default shell \`${step.shell.command}\``;
  if (step.shell.written === step.shell.command) return `the step's shell \`${step.shell.command}\``;
  return `the step's shell \`${step.shell.written}\` (\`${step.shell.command}\`)`;
}

/** The fix that gives the pipeline pipefail. */
export function pipefailFix(script: RunScript, analysis: ScriptAnalysis, failure: PipelineFailure): string {
  const step = script.step;
  const turnedOff = failure.pipeline.options.pipefailSetAt;
  if (turnedOff) return `remove \`${excerpt(analysis, turnedOff)}\`, or run \`set -o pipefail\` again before the pipeline`;
  const shellFix = 'add `shell: bash` to the step (or `defaults.run.shell: bash` to the job or workflow), which runs `bash --noprofile --norc -eo pipefail {0}`';
  // dash, which GitHub's Ubuntu images run as `sh`, may lack `set -o pipefail`; bash is the safe fix there.
  if (step.shell.program !== 'bash') return shellFix;
  return `${shellFix}, or put \`set -o pipefail\` before the pipeline`;
}

function quote(text: string): string {
  return `\`${text}\``;
}
