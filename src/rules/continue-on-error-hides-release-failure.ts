import type { Finding } from '../report/finding.js';
import type { Step } from '../workflow/model.js';
import { findPublishCommands, findVerifyCommands, isTrue, stepPublishes, stepsDecidingPublish, stepVerifiesPublish } from '../workflow/publish-steps.js';
import { defineRule } from './types.js';

/**
 * `continue-on-error: true` on a step that publishes, verifies a publish, or
 * decides whether to publish. GitHub then records the step's conclusion as
 * success whatever its outcome, so the job, the run and any later release
 * step all look as if the package were published.
 */
export const rule = defineRule({
  id: 'continue-on-error-hides-release-failure',
  title: 'continue-on-error on a publish, verify or publish-decision step',
  severity: 'error',
  confidence: 'high',
  check(context) {
    const findings: Finding[] = [];
    for (const job of context.jobs()) {
      const publishSteps = job.allSteps.filter(stepPublishes);
      const deciding = new Set(publishSteps.flatMap((step) => stepsDecidingPublish(step, job.allSteps)));
      for (const step of job.allSteps) {
        if (!isTrue(step.continueOnError)) continue;
        const role = roleOf(step, deciding);
        if (!role) continue;
        findings.push(
          context.finding({
            at: step.continueOnError!,
            step,
            label: 'failure recorded as success',
            message: `step ${JSON.stringify(step.displayName)} ${role.what} with \`continue-on-error: true\`: when ${role.failure} fails, GitHub marks the step successful, so the job and the release pass without the package`,
            fix: `remove \`continue-on-error\` from this step; if a later step must still run after a failure, give that step \`if: failure()\` or test \`steps.${step.id ?? '<id>'}.outcome\``,
            args: { role: role.kind, command: role.command },
          }),
        );
      }
    }
    return findings;
  },
});

interface Role {
  kind: 'publish' | 'verify' | 'decide';
  what: string;
  failure: string;
  command: string | null;
}

function roleOf(step: Step, deciding: Set<Step>): Role | null {
  if (stepPublishes(step)) {
    const command = step.run ? (findPublishCommands(step.run)[0]?.text ?? null) : null;
    return { kind: 'publish', what: 'publishes', failure: command ? `\`${command}\`` : `\`${step.uses?.raw ?? 'the publish'}\``, command: command ?? step.uses?.raw ?? null };
  }
  if (stepVerifiesPublish(step)) {
    const command = findVerifyCommands(step.run!)[0]?.text ?? null;
    return { kind: 'verify', what: 'checks the published package', failure: command ? `\`${command}\`` : 'the check', command };
  }
  if (deciding.has(step)) {
    return { kind: 'decide', what: 'decides whether to publish', failure: 'the step', command: null };
  }
  return null;
}
