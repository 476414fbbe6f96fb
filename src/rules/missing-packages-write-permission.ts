import type { Finding } from '../report/finding.js';
import { allPublishes, isGitHubPackages } from '../npmconfig/rule-support.js';
import type { SimulatedPublish } from '../npmconfig/simulate.js';
import { permissionOf, type Job } from '../workflow/model.js';
import { defineRule } from './types.js';

/**
 * Publishing to GitHub Packages with GITHUB_TOKEN needs `packages: write`
 * for that token. A `permissions:` block sets every scope it does not name
 * to `none`
 * (https://github.blog/changelog/2021-04-20-github-actions-control-permissions-for-github_token/),
 * so one that lacks `packages: write` makes the upload fail with 403. With
 * no `permissions:` at all the default token setting decides, which is
 * read-only for organisations and personal repositories created since
 * 2023-02-02
 * (https://github.blog/changelog/2023-02-02-github-actions-updating-the-default-github_token-permissions-to-read-only/).
 * A reusable workflow gets at most its caller's permissions
 * (https://docs.github.com/en/actions/reference/workflows-and-actions/reusable-workflows).
 */
export const rule = defineRule({
  id: 'missing-packages-write-permission',
  title: 'GITHUB_TOKEN publishes to GitHub Packages without packages: write',
  severity: 'error',
  confidence: 'high',
  async check(context) {
    const findings: Finding[] = [];
    const publishes = await allPublishes(context);

    const reportedJobs = new Set<Job>();
    for (const publish of publishes) {
      if (!usesGithubToken(publish) || reportedJobs.has(publish.job)) continue;
      const job = publish.job;
      const { level, caller, capped } = packagesPermission(job);
      if (level === 'write') continue;
      reportedJobs.add(job);
      const registry = publish.resolution!.registry.url;

      if (level === 'undeclared') {
        findings.push(
          context.finding({
            at: job,
            job,
            step: publish.step,
            severity: 'info',
            label: 'no permissions declared',
            message: `job ${JSON.stringify(job.id)} publishes to ${registry} with GITHUB_TOKEN in step ${JSON.stringify(publish.step.displayName)} and declares no \`permissions:\`, so whether the token may write packages depends on the repository's default workflow permissions`,
            fix: `declare \`permissions: { contents: read, packages: write }\` on job ${JSON.stringify(job.id)}`,
            args: { job: job.id, registry, packages: 'undeclared' },
            related: [{ at: publish.span, label: 'publishes with GITHUB_TOKEN' }],
          }),
        );
        continue;
      }

      let where = job.permissions.declaredAt === 'job' ? `job ${JSON.stringify(job.id)}` : 'the workflow';
      let fixWhere = where;
      let at = job.permissions.span ?? job;
      if (caller) {
        const callerWhere = caller.permissions.declaredAt === 'job' ? `job ${JSON.stringify(caller.id)}` : 'the workflow';
        where = `${callerWhere} (${caller.workflow.file.path}), which calls this workflow,`;
        fixWhere = `${callerWhere} in ${caller.workflow.file.path}`;
        at = caller.permissions.span ?? caller;
      }
      const capNote = capped ? ', and a called workflow cannot raise it,' : ',';
      findings.push(
        context.finding({
          at,
          job,
          step: publish.step,
          label: `packages: ${level}`,
          message: `the \`permissions:\` of ${where} give GITHUB_TOKEN \`packages: ${level}\`${capNote} but step ${JSON.stringify(publish.step.displayName)} publishes to ${registry} with it; GitHub Packages rejects the upload (403)`,
          fix: `add \`packages: write\` to the \`permissions:\` of ${fixWhere}`,
          args: { job: job.id, registry, packages: level },
          related: [{ at: publish.span, label: 'publishes with GITHUB_TOKEN' }],
        }),
      );
    }
    return findings;
  },
});

function usesGithubToken(publish: SimulatedPublish): boolean {
  const resolution = publish.resolution;
  if (!resolution || !isGitHubPackages(resolution.registry.url)) return false;
  const expression = resolution.credential.expression;
  return expression !== null && /^(secrets\.GITHUB_TOKEN|github\.token)$/i.test(expression);
}

type PackagesLevel = 'read' | 'write' | 'none' | 'undeclared';

const LEVEL_ORDER: Record<Exclude<PackagesLevel, 'undeclared'>, number> = { none: 0, read: 1, write: 2 };

/**
 * Find the `packages` level GITHUB_TOKEN has in a job. In a reusable
 * workflow the calling job's permissions are the most it can get: its own
 * `permissions:` may lower them but never raise them. The result names the
 * caller that limits it (the lowest one), and `capped` is true when the job
 * asked for more than that caller gives.
 */
function packagesPermission(job: Job): { level: PackagesLevel; caller: Job | null; capped: boolean } {
  const own = permissionOf(job.permissions, 'packages');
  let lowest: { level: Exclude<PackagesLevel, 'undeclared'>; caller: Job } | null = null;
  for (const caller of job.workflow.callers) {
    const level = permissionOf(caller.permissions, 'packages');
    if (level === 'undeclared') continue;
    if (!lowest || LEVEL_ORDER[level] < LEVEL_ORDER[lowest.level]) lowest = { level, caller };
  }

  if (!lowest) return { level: own, caller: null, capped: false };
  if (own === 'undeclared') return { level: lowest.level, caller: lowest.caller, capped: false };
  if (LEVEL_ORDER[lowest.level] < LEVEL_ORDER[own]) return { level: lowest.level, caller: lowest.caller, capped: true };
  return { level: own, caller: null, capped: false };
}
