import type { Finding } from '../report/finding.js';
import type { Job, Step, Value } from '../workflow/model.js';
import { analyzeStepRole, findReleaseCommands, isTrue, stepCreatesRelease, stepIdsReferenced, type StepRole } from '../workflow/publish-steps.js';
import type { Anchor, RuleContext } from './context.js';
import { defineRule } from './types.js';

/**
 * A GitHub release or git tag that is created even when the publish failed
 * or was skipped, so a release exists for a version that is not on the
 * registry. Covered: the release step's `if:` runs after failures
 * (`always()`, `!cancelled()`, `failure()`), the publish step has
 * `continue-on-error` and the release does not test its outcome, or the
 * release job does not need the publish job (directly or through others).
 *
 * A release after a publish step whose script hides the publish's failure
 * (a pipeline without pipefail, `|| true`) is reported too: no `if:` can
 * tell that step's failure apart, because its outcome is success.
 */
export const rule = defineRule({
  id: 'release-not-gated-on-publish',
  title: 'release or tag created even when the publish failed',
  severity: 'error',
  confidence: 'high',
  async check(context) {
    const findings: Finding[] = [];
    for (const workflow of context.workflows()) {
      // Workflows without a release step need no script analysis at all.
      if (!workflow.jobs.some((job) => job.allSteps.some(stepCreatesRelease))) continue;
      const roles = new Map<Step, StepRole>();
      const jobsToRead = [...workflow.jobs, ...workflow.jobs.flatMap((job) => job.calledWorkflow?.jobs ?? [])];
      for (const step of jobsToRead.flatMap((job) => job.allSteps)) roles.set(step, await analyzeStepRole(step, context.files));
      const publishes = (step: Step) => roles.get(step)?.publishes ?? false;

      const publishJobs = workflow.jobs.filter((job) => job.allSteps.some(publishes) || (job.calledWorkflow?.jobs.some((called) => called.allSteps.some(publishes)) ?? false));
      if (publishJobs.length === 0) continue;
      for (const job of workflow.jobs) {
        for (const [position, step] of job.allSteps.entries()) {
          if (!stepCreatesRelease(step)) continue;
          const earlierPublishes = job.allSteps.slice(0, position).filter(publishes);
          const finding =
            earlierPublishes.length > 0 ? checkSameJob(context, step, earlierPublishes, roles) : checkOtherJob(context, job, step, publishJobs);
          if (finding) findings.push(finding);
        }
      }
    }
    return findings;
  },
});

/** Return the status function (`always()`, `!cancelled()`, `failure()`) that runs a step after a failure, or null. */
function runsAfterFailure(condition: Value<string | boolean> | null): string | null {
  if (!condition) return null;
  const text = condition.text;
  const match = /\balways\s*\(\s*\)|!\s*cancelled\s*\(\s*\)|\bfailure\s*\(\s*\)/.exec(text);
  return match ? match[0].replace(/\s+/g, '') : null;
}

function testsOutcomeOf(condition: Value<string | boolean> | null, step: Step): boolean {
  if (!condition || step.id === null) return false;
  return stepIdsReferenced(condition.text).includes(step.id) && /\.\s*(outcome|conclusion|outputs)\b/.test(condition.text);
}

function checkSameJob(context: RuleContext, release: Step, publishes: Step[], roles: Map<Step, StepRole>): Finding | null {
  const what = describeRelease(release);
  const publish = publishes[publishes.length - 1]!;
  const guard = runsAfterFailure(release.if);
  if (guard && !publishes.every((step) => testsOutcomeOf(release.if, step))) {
    return context.finding({
      at: release.if!,
      step: release,
      label: 'runs after a failure',
      message: `step ${JSON.stringify(release.displayName)} ${what} under \`if: ${release.if!.text}\`: \`${guard}\` runs it even when step ${JSON.stringify(publish.displayName)} failed, so the release exists without the package`,
      fix: `remove \`${guard}\` from the condition so the step runs only after a successful publish, or require \`steps.${publish.id ?? '<id>'}.outcome == 'success'\``,
      args: { condition: release.if!.text, publishStep: publish.displayName, reason: 'condition' },
      related: [{ at: publish, label: 'publish step' }],
    });
  }
  const masked = publishes.find((step) => isTrue(step.continueOnError) && !testsOutcomeOf(release.if, step));
  if (masked) {
    return context.finding({
      at: release,
      label: 'runs after a masked failure',
      message: `step ${JSON.stringify(release.displayName)} ${what} after step ${JSON.stringify(masked.displayName)}, which has \`continue-on-error: true\`, and does not test that step's outcome: a failed publish still produces a release`,
      fix: `add \`if: steps.${masked.id ?? '<id>'}.outcome == 'success'\` to this step${masked.id ? '' : ` (give the publish step an \`id:\`)`}, or remove \`continue-on-error\` from the publish step`,
      args: { publishStep: masked.displayName, reason: 'continue-on-error' },
      related: [{ at: masked.continueOnError!, label: 'publish failure masked here' }],
    });
  }
  const scriptMasked = publishes.find((step) => roles.get(step)?.masked && step.run);
  if (scriptMasked) {
    const masked = roles.get(scriptMasked)!.masked!;
    const how = masked.how === 'pipeline' ? 'its exit status is lost in a pipeline' : 'its failure is ignored';
    return context.finding({
      at: release,
      label: 'runs after a masked failure',
      message: `step ${JSON.stringify(release.displayName)} ${what} after step ${JSON.stringify(scriptMasked.displayName)}, whose script hides a failed publish (\`${masked.command}\`: ${how}): that step succeeds either way, so a failed publish still produces a release`,
      fix: `make step ${JSON.stringify(scriptMasked.displayName)} fail when the publish fails (see its pipeline-hides-failure or error-ignored finding); no \`if:\` on this step can tell the difference until then`,
      args: { publishStep: scriptMasked.displayName, reason: masked.how === 'pipeline' ? 'pipeline' : 'ignored' },
      related: [{ at: { script: scriptMasked.run!, start: masked.start, end: masked.end }, label: 'publish failure hidden here' }],
    });
  }
  return null;
}

function checkOtherJob(context: RuleContext, job: Job, release: Step, publishJobs: Job[]): Finding | null {
  if (publishJobs.includes(job)) return null;
  const what = describeRelease(release);
  const needed = allNeeds(job);
  const missing = publishJobs.filter((publishJob) => !needed.has(publishJob.id));
  const anchor: Anchor = job.needsSpan ?? job;
  if (missing.length > 0) {
    const names = missing.map((publishJob) => JSON.stringify(publishJob.id)).join(', ');
    return context.finding({
      at: anchor,
      step: release,
      job,
      label: 'does not wait for the publish',
      message: `step ${JSON.stringify(release.displayName)} ${what} in job ${JSON.stringify(job.id)}, which does not need the publish job ${names}: it runs whether or not the publish succeeded`,
      fix: `add ${missing.length === 1 ? JSON.stringify(missing[0]!.id) : names} to \`needs:\` of job ${JSON.stringify(job.id)}`,
      args: { publishJobs: missing.map((publishJob) => publishJob.id), reason: 'needs' },
      related: missing.map((publishJob) => ({ at: publishJob as Anchor, label: 'publish job' })),
    });
  }
  const guard = runsAfterFailure(job.if) ?? runsAfterFailure(release.if);
  if (guard) {
    const condition = runsAfterFailure(job.if) ? job.if! : release.if!;
    return context.finding({
      at: condition,
      step: release,
      job,
      label: 'runs after a failure',
      message: `step ${JSON.stringify(release.displayName)} ${what} under \`if: ${condition.text}\`: \`${guard}\` runs it even when the publish job failed`,
      fix: `remove \`${guard}\` so the release runs only after a successful publish, or require \`needs.<publish-job>.result == 'success'\``,
      args: { condition: condition.text, reason: 'condition' },
    });
  }
  const masking = publishJobs.find((publishJob) => isTrue(publishJob.continueOnError) && needed.has(publishJob.id));
  if (masking) {
    return context.finding({
      at: anchor,
      step: release,
      job,
      label: 'runs after a masked failure',
      message: `step ${JSON.stringify(release.displayName)} ${what} after job ${JSON.stringify(masking.id)}, which has \`continue-on-error: true\`: a failed publish still produces a release`,
      fix: `remove \`continue-on-error\` from job ${JSON.stringify(masking.id)}`,
      args: { publishJobs: [masking.id], reason: 'continue-on-error' },
      related: [{ at: masking.continueOnError!, label: 'publish failure masked here' }],
    });
  }
  return null;
}

/** Collect the ids of every job that `job` waits for, directly or through other jobs. */
function allNeeds(job: Job): Set<string> {
  const byId = new Map(job.workflow.jobs.map((other) => [other.id, other]));
  const seen = new Set<string>();
  const queue = [...job.needs];
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    queue.push(...(byId.get(id)?.needs ?? []));
  }
  return seen;
}

function describeRelease(step: Step): string {
  if (step.uses && !step.run) return `creates a release with \`${step.uses.raw}\``;
  const command = step.run ? findReleaseCommands(step.run)[0]?.text : undefined;
  return command ? `runs \`${command.trim()}\`` : 'creates a release';
}
