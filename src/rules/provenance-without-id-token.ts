import type { Finding } from '../report/finding.js';
import type { Job } from '../workflow/model.js';
import { permissionOf } from '../workflow/model.js';
import { findPublishCommands, stepPublishes } from '../workflow/publish-steps.js';
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
  check(context) {
    const findings: Finding[] = [];
    const manifests = context.manifests().filter((manifest) => manifest.publishConfig.provenance === true || manifest.publishConfig.provenance === 'true');
    const npmrcEntries = context.npmrcFiles().flatMap((npmrc) => npmrc.entries.filter((entry) => entry.key === 'provenance' && entry.value === 'true'));

    for (const job of context.jobs()) {
      if (hasIdToken(job)) continue;
      const publishSteps = job.allSteps.filter(stepPublishes);
      if (publishSteps.length === 0) continue;
      const permission = describePermission(job);

      for (const step of publishSteps) {
        for (const command of step.run ? findPublishCommands(step.run) : []) {
          const flag = /--provenance(?:=(\S+))?/.exec(lineOf(step.run!.text, command.start));
          if (!flag || flag[1] === 'false') continue;
          const flagStart = step.run!.text.indexOf('--provenance', command.start);
          findings.push(report(context, job, { script: step.run!, start: flagStart, end: flagStart + flag[0].length }, '`--provenance`', permission, step));
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
  // NOTE: a called reusable workflow gets at most its caller's permissions;
  // when any caller grants id-token: write, the job is given the benefit of the doubt.
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

function lineOf(text: string, offset: number): string {
  const end = text.indexOf('\n', offset);
  return text.slice(offset, end === -1 ? text.length : end);
}
