import type { Finding } from '../report/finding.js';
import type { Step } from '../workflow/model.js';
import { analyzeStepRole, isTrue, stepsDecidingPublish, type StepRole } from '../workflow/publish-steps.js';
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
  async check(context) {
    const findings: Finding[] = [];
    // Installing one of this repository's own packages checks that it was published.
    const ownPackages = new Set(context.manifests().flatMap((manifest) => (manifest.name ? [manifest.name] : [])));
    for (const job of context.jobs()) {
      // Only jobs with `continue-on-error: true` on the job or a step need their scripts read.
      const jobLevel = isTrue(job.continueOnError);
      if (!jobLevel && !job.allSteps.some((step) => isTrue(step.continueOnError))) continue;
      const roles = new Map<Step, StepRole>();
      for (const step of job.allSteps) roles.set(step, await analyzeStepRole(step, context.files));
      const publishSteps = job.allSteps.filter((step) => roles.get(step)!.publishes);

      // On the job, it turns a failed publish into a successful run and lets dependent jobs go on.
      if (jobLevel && publishSteps.length > 0) {
        const publish = publishSteps[0]!;
        findings.push(
          context.finding({
            at: job.continueOnError!,
            job,
            step: null,
            label: 'failure recorded as success',
            message: `job ${JSON.stringify(job.id)} publishes (step ${JSON.stringify(publish.displayName)}) with \`continue-on-error: true\`: when the publish fails, the workflow run still succeeds and jobs that need this one run as after a publish`,
            fix: `remove \`continue-on-error\` from job ${JSON.stringify(job.id)}; run follow-up work in a job with \`if: failure()\` or one that tests \`needs.${job.id}.result\``,
            args: { role: 'publish', command: roles.get(publish)!.publishCommand, level: 'job' },
            related: [{ at: publish, label: 'publish step' }],
          }),
        );
      }

      const deciding = new Map<Step, Step>();
      for (const publish of publishSteps) for (const step of stepsDecidingPublish(publish, job.allSteps)) deciding.set(step, publish);
      for (const step of job.allSteps) {
        if (!isTrue(step.continueOnError)) continue;
        const role = roleOf(step, roles.get(step)!, deciding, ownPackages);
        if (!role) continue;
        findings.push(
          context.finding({
            at: step.continueOnError!,
            step,
            label: 'failure recorded as success',
            message: `step ${JSON.stringify(step.displayName)} ${role.what} with \`continue-on-error: true\`: ${role.consequence}`,
            fix: `remove \`continue-on-error\` from this step; if a later step must still run after a failure, give that step \`if: failure()\` or test \`steps.${step.id ?? '<id>'}.outcome\``,
            args: { role: role.kind, command: role.command, level: 'step' },
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
  consequence: string;
  command: string | null;
}

function roleOf(step: Step, stepRole: StepRole, deciding: Map<Step, Step>, ownPackages: Set<string>): Role | null {
  if (stepRole.publishes) {
    const command = stepRole.publishCommand;
    return {
      kind: 'publish',
      what: 'publishes',
      consequence: `when \`${command ?? 'the publish'}\` fails, GitHub marks the step successful, so the job and any release after it pass without the package`,
      command,
    };
  }
  const ownInstall = stepRole.installs.find((install) => ownPackages.has(packageNameOf(install.spec)));
  if (stepRole.verifies || ownInstall) {
    const command = stepRole.verifyCommand ?? ownInstall?.command ?? null;
    return {
      kind: 'verify',
      what: 'checks the published package',
      consequence: `when \`${command ?? 'the check'}\` fails because the package is missing, GitHub marks the step successful, so the job passes without the package`,
      command,
    };
  }
  const publish = deciding.get(step);
  if (publish) {
    return {
      kind: 'decide',
      what: 'decides whether to publish',
      consequence: `when it fails, GitHub marks it successful with its outputs unset, and the \`if:\` of step ${JSON.stringify(publish.displayName)} reads that as a decision, so the publish is skipped and the job still passes`,
      command: null,
    };
  }
  return null;
}

/** Take the package name of a spec: `@acme/backend@1.2.3` gives `@acme/backend`. */
function packageNameOf(spec: string): string {
  const unquoted = spec.replace(/^["']|["']$/g, '');
  const at = unquoted.indexOf('@', unquoted.startsWith('@') ? 1 : 0);
  return at === -1 ? unquoted : unquoted.slice(0, at);
}
