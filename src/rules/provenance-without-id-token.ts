import type { Finding } from '../report/finding.js';
import type { Job } from '../workflow/model.js';
import { permissionOf } from '../workflow/model.js';
import { analyzeStepRole, findPublishCommands, type StepRole } from '../workflow/publish-steps.js';
import { getNode } from '../workflow/yaml-nodes.js';
import type { Anchor, RuleContext } from './context.js';
import { defineRule } from './types.js';

/**
 * npm signs provenance with an OIDC token from GitHub, which a job can
 * request only with `permissions: id-token: write` (GitHub sets
 * ACTIONS_ID_TOKEN_REQUEST_URL only then). Without it npm stops with EUSAGE
 * "Provenance generation in GitHub Actions requires "write" access to the
 * "id-token" permission". Provenance is requested by `--provenance`,
 * `NPM_CONFIG_PROVENANCE=true`, `provenance=true` in an `.npmrc`, or
 * `publishConfig.provenance` in package.json.
 */
export const rule = defineRule({
  id: 'provenance-without-id-token',
  title: 'provenance requested without id-token: write',
  severity: 'error',
  confidence: 'high',
  async check(context) {
    const findings: Finding[] = [];
    const manifests = context.manifests().filter((manifest) => manifest.publishConfig.provenance === true || manifest.publishConfig.provenance === 'true');
    const npmrcEntries = context.npmrcFiles().flatMap((npmrc) => npmrc.entries.filter((entry) => entry.key === 'provenance' && entry.value === 'true'));

    // A package.json script can carry the flag (`npm run release`), so any such script makes every job worth reading.
    const scriptsAsk = context.manifests().some((manifest) => JSON.stringify(manifest.json.scripts ?? {}).includes('--provenance'));
    const repositoryAsks = scriptsAsk || manifests.length > 0 || npmrcEntries.length > 0;

    for (const job of context.jobs()) {
      if (hasIdToken(job)) continue;
      const jobAsks = job.allSteps.some(
        (step) => step.run?.text.includes('--provenance') || [...step.env.keys()].some((name) => name.toLowerCase() === 'npm_config_provenance'),
      );
      if (!repositoryAsks && !jobAsks) continue;
      const roles = new Map<Job['allSteps'][number], StepRole>();
      for (const step of job.allSteps) roles.set(step, await analyzeStepRole(step, context.files));
      const publishSteps = job.allSteps.filter((step) => roles.get(step)!.publishes);
      if (publishSteps.length === 0) continue;
      const permission = describePermission(job);

      for (const step of publishSteps) {
        const provenanceRanges = roles.get(step)!.provenanceFlags;
        for (const range of provenanceRanges ?? (step.run ? provenanceFlagsByText(step.run.text, findPublishCommands(step.run).map((command) => command.start)) : [])) {
          findings.push(report(context, job, { script: step.run!, start: range.start, end: range.end }, `\`${range.text}\``, permission, step));
        }
        const variable = [...step.env.values()].find((entry) => entry.name.toLowerCase() === 'npm_config_provenance' && entry.value.text.toLowerCase() === 'true');
        if (variable) findings.push(report(context, job, variable.value, `\`${variable.name}: true\``, permission, step));
      }

      const firstPublish = publishSteps[0]!;
      for (const manifest of manifests) {
        const node = getNode(manifest.document, getNode(manifest.document, manifest.document.contents, 'publishConfig'), 'provenance');
        const at: Anchor = node ? { file: manifest.file, node } : manifest.file.spanOf(0, 1);
        findings.push(report(context, job, at, `\`publishConfig.provenance\` of ${JSON.stringify(manifest.name ?? manifest.file.path)}`, permission, firstPublish));
      }
      for (const entry of npmrcEntries) {
        findings.push(report(context, job, entry.span, `\`provenance=true\` in ${JSON.stringify(entry.span.file)}`, permission, firstPublish));
      }
    }
    return findings;
  },
});

function hasIdToken(job: Job): boolean {
  if (permissionOf(job.permissions, 'id-token') === 'write') return true;
  // NOTE: a called reusable workflow gets at most its caller's permissions.
  // When any caller grants id-token: write, the job is given the benefit of the doubt.
  return job.workflow.callers.some((caller) => permissionOf(caller.permissions, 'id-token') === 'write');
}

function describePermission(job: Job): string {
  const permissions = job.permissions;
  if (permissions.declaredAt === 'undeclared') return 'no `permissions:` is declared, and the default token permissions never include `id-token: write`';
  const level = permissionOf(permissions, 'id-token');
  const where = permissions.declaredAt === 'job' ? `job ${JSON.stringify(job.id)}` : 'the workflow';
  return `the \`permissions:\` of ${where} give \`id-token: ${level}\``;
}

function report(
  context: RuleContext,
  job: Job,
  at: Anchor,
  request: string,
  permission: string,
  step: Job['steps'][number],
): Finding {
  const related = [{ at: step as Anchor, label: 'publishes here' }];
  if (job.permissions.span) related.push({ at: job.permissions.span, label: 'permissions declared here' });
  return context.finding({
    at,
    step,
    job,
    label: 'provenance requested here',
    message: `${request} asks npm for provenance in job ${JSON.stringify(job.id)}, but ${permission}: npm cannot get the OIDC token it signs provenance with, so the publish fails with EUSAGE`,
    fix: `add \`id-token: write\` to the \`permissions:\` of job ${JSON.stringify(job.id)} (keep \`contents: read\` and any other scope the job needs)`,
    args: { request, permissionsDeclaredAt: job.permissions.declaredAt },
    related,
  });
}

/** `--provenance` flags on the lines of the given publish commands (for scripts the shell layer does not parse). */
function provenanceFlagsByText(text: string, commandStarts: number[]): Array<{ start: number; end: number; text: string }> {
  const found: Array<{ start: number; end: number; text: string }> = [];
  for (const start of commandStarts) {
    const lineEnd = text.indexOf('\n', start);
    const line = text.slice(start, lineEnd === -1 ? text.length : lineEnd);
    const flag = /--provenance(?:=(\S+))?/.exec(line);
    if (flag && flag[1] !== 'false') found.push({ start: start + flag.index, end: start + flag.index + flag[0].length, text: flag[0] });
  }
  return found;
}
