import type { Confidence, Finding } from '../report/finding.js';
import {
  RUNNER_DEFAULT_NODE,
  TRUSTED_PUBLISHING_MIN_NPM,
  bundledNpmForNodeSpec,
  npmFromInstallSpec,
  supportsTrustedPublishing,
} from '../npmconfig/node-versions.js';
import { allPublishes, analyzeStep, meansTrustedPublishing } from '../npmconfig/rule-support.js';
import type { SimulatedPublish } from '../npmconfig/simulate.js';
import type { Step } from '../workflow/model.js';
import type { FileReader } from '../workflow/files.js';
import type { Anchor } from './context.js';
import { defineRule } from './types.js';

/**
 * Trusted publishing (OIDC) on npmjs.org needs npm 11.5.1 or later, a
 * GitHub-hosted runner, `id-token: write`, and a trusted publisher on
 * npmjs.com naming this repository and workflow file
 * (https://docs.npmjs.com/trusted-publishers). Node 20 and 22 bundle npm 10,
 * which never tries the exchange and sends the PUT without a usable
 * credential (404 or ENEEDAUTH). Public reports from 2025 and 2026 also tie
 * failures to the `_authToken=${NODE_AUTH_TOKEN}` line setup-node writes for
 * `registry-url` when it is empty or holds the placeholder. setup-node's
 * maintainers saw a publish succeed with that line, so this reason alone
 * gives medium confidence.
 */
export const rule = defineRule({
  id: 'trusted-publishing-not-possible',
  title: 'the job means to publish with OIDC but cannot',
  severity: 'error',
  confidence: 'high',
  async check(context) {
    const findings: Finding[] = [];
    const publishes = await allPublishes(context);

    for (const publish of publishes) {
      if (!meansTrustedPublishing(publish) || publish.command?.dryRun) continue;
      const reasons: string[] = [];
      const fixes: string[] = [];
      const related: Array<{ at: Anchor; label: string }> = [];
      let confidence: Confidence = 'medium';
      // True once a reason is found that stops the exchange for certain (old npm, self-hosted runner).
      let blocked = false;

      const npm = await jobNpm(publish, context.files);
      if (npm.version && supportsTrustedPublishing(npm.version) === false) {
        reasons.push(`${npm.description} comes with npm ${npm.version.replace(/\.\d+\.\d+$/, '.x')}, and trusted publishing needs npm ${TRUSTED_PUBLISHING_MIN_NPM} or later, so npm sends the PUT without a usable credential (npmjs.org answers 404 or npm stops with ENEEDAUTH)`);
        fixes.push(`use a Node whose npm is ${TRUSTED_PUBLISHING_MIN_NPM} or later (\`node-version: 24\`), or run \`npm install -g npm@^${TRUSTED_PUBLISHING_MIN_NPM}\` before publishing`);
        if (npm.at) related.push({ at: npm.at, label: 'Node version chosen here' });
        confidence = npm.source === 'runner-default' ? 'medium' : 'high';
        blocked = true;
      }
      if (publish.job.runsOn.selfHosted) {
        reasons.push('the job runs on a self-hosted runner, and npmjs.org accepts trusted publishing only from GitHub-hosted runners');
        fixes.push('run the publish job on a GitHub-hosted runner');
        if (publish.job.runsOn.span) related.push({ at: publish.job.runsOn.span, label: 'self-hosted runner' });
        confidence = 'high';
        blocked = true;
      }
      const credential = publish.resolution?.credential;
      if (publish.setupNode && credential && credential.class !== 'secret' && credential.class !== 'missing' && credential.class !== 'other-host') {
        let value = 'the literal `${NODE_AUTH_TOKEN}`';
        if (credential.class === 'placeholder') value = 'its placeholder';
        if (credential.class === 'empty') value = 'an empty value';
        reasons.push(`setup-node's \`registry-url\` writes "${credential.key}=\${NODE_AUTH_TOKEN}", which here holds ${value}; npm may send that token and not try the OIDC exchange`);
        fixes.push("remove `registry-url` from setup-node (npmjs.org is npm's default registry)");
        related.push({ at: publish.setupNode.registryUrlValue, label: 'writes an _authToken line' });
      }
      if (reasons.length === 0) continue;
      // The _authToken line alone is a likely cause, not a certain one, because
      // setup-node's maintainers saw a publish succeed with it. Alone, it is a warning.
      const severity = blocked ? 'error' : 'warning';

      const workflowFile = publish.job.workflow.file.path.split('/').pop()!;
      findings.push(
        context.finding({
          at: publish.span,
          step: publish.step,
          job: publish.job,
          confidence,
          severity,
          label: 'publishes with OIDC',
          message: `job ${JSON.stringify(publish.job.id)} means to publish ${publish.resolution?.packageName ? JSON.stringify(publish.resolution.packageName) : 'the package'} to npmjs.org with trusted publishing (\`id-token: write\`, no token given), but ${reasons.join('; and ')}`,
          fix: `${fixes.join('; ')}; and register a trusted publisher on npmjs.com for this repository with workflow file ${JSON.stringify(workflowFile)}`,
          args: { npmVersion: npm.version, npmSource: npm.source, selfHosted: publish.job.runsOn.selfHosted, workflowFile },
          related,
        }),
      );
    }
    return findings;
  },
});

interface JobNpm {
  version: string | null;
  source: 'node-version' | 'npm-install' | 'runner-default' | 'unknown';
  description: string;
  at: Anchor | null;
}

/** Find the npm the publish runs: the last `npm install -g npm@…` before it, else the Node setup-node installs, else the runner's. */
async function jobNpm(publish: SimulatedPublish, files: FileReader): Promise<JobNpm> {
  const steps = publish.job.allSteps;
  const before = steps.slice(0, steps.indexOf(publish.step) + 1);
  let found: JobNpm = {
    version: bundledNpmForNodeSpec(RUNNER_DEFAULT_NODE),
    source: 'runner-default',
    description: `the runner's default Node (assumed ${RUNNER_DEFAULT_NODE}, no setup-node \`node-version\`)`,
    at: null,
  };

  for (const step of before) {
    if (step.uses?.action === 'actions/setup-node') {
      const spec = nodeSpec(step, files);
      if (spec) {
        found = { version: bundledNpmForNodeSpec(spec.text), source: 'node-version', description: `Node ${JSON.stringify(spec.text)}`, at: spec.at };
      } else if (step.with.has('node-version') || step.with.has('node-version-file')) {
        // setup-node installs a Node that cannot be read here (an expression, an alias, package.json fields), not the runner's.
        found = { version: null, source: 'unknown', description: 'the Node setup-node installs', at: null };
      }
      continue;
    }
    const installed = await npmInstalledBy(step);
    if (installed) found = installed;
  }
  return found;
}

function nodeSpec(step: Step, files: FileReader): { text: string; at: Anchor } | null {
  const version = step.with.get('node-version');
  if (version && version.value !== null && !version.isExpression) return { text: version.text, at: version };
  const versionFile = step.with.get('node-version-file');
  if (versionFile && !versionFile.isExpression) {
    const text = files.readText(versionFile.text)?.trim().split('\n')[0]?.trim();
    if (text && /^(v?\d|lts\/\*$|latest$|current$|node$)/i.test(text)) return { text, at: versionFile };
  }
  return null;
}

async function npmInstalledBy(step: Step): Promise<JobNpm | null> {
  const analysis = await analyzeStep(step);
  if (!analysis || !step.run) return null;
  let found: JobNpm | null = null;
  for (const command of analysis.commands) {
    const words = command.argv.map((word) => word.text ?? '');
    if (words[0] !== 'npm' || !['install', 'i', 'add'].includes(words[1] ?? '')) continue;
    if (!words.includes('-g') && !words.includes('--global')) continue;
    const specIndex = words.findIndex((word, index) => index >= 2 && (word === 'npm' || word.startsWith('npm@')));
    if (specIndex === -1) continue;
    const spec = words[specIndex]!;
    const version = npmFromInstallSpec(spec === 'npm' ? 'latest' : spec.slice('npm@'.length));
    found = {
      version,
      source: 'npm-install',
      description: `\`${words.slice(0, specIndex + 1).join(' ')}\``,
      at: { script: step.run, start: command.span.start, end: command.span.end },
    };
  }
  return found;
}
