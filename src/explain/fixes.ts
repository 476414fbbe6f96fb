import type { LogLine } from '../log/types.js';
import { evidenceOf, type FailureContext } from './analyze.js';
import type { ExplainCause, ExplainFix } from './model.js';

function location(line: LogLine): string {
  return `${line.file}:${line.line}`;
}

// Plain tool output has no steps, so the fix speaks of the step that ran the publish.
function stepLabel(failure: FailureContext): string {
  const raw = failure.step.raw;
  return raw.header === null && !raw.nameFromInput ? 'the publish step' : `step "${failure.step.name}"`;
}

function maskingFix(failure: FailureContext): ExplainFix | null {
  const masking = failure.masking;
  if (!masking && failure.hiddenUnexplained) {
    const header = failure.step.raw.header;
    return {
      for: 'unknown',
      summary: `step "${failure.step.name}" passed although the command failed at ${location(failure.keyLine)}, and the log does not show what discarded the status: make the script exit with the failing command's status`,
      evidence: header ? [evidenceOf(header)] : [],
    };
  }
  if (!masking) return null;
  const step = stepLabel(failure);
  const where = location(masking.line);
  switch (masking.maskedBy) {
    case 'pipeline':
      return {
        for: 'pipeline',
        summary: `${masking.detail}: add \`set -o pipefail\` as the first line of the ${step} script, or set \`shell: bash\` on the step (GitHub then runs \`bash --noprofile --norc -eo pipefail {0}\`); the pipeline is at ${where}`,
        evidence: [evidenceOf(masking.line)],
      };
    case 'or-true':
      return { for: 'or-true', summary: `${masking.detail}: remove the \`||\` handler at ${where}, or end it with \`exit 1\``, evidence: [evidenceOf(masking.line)] };
    case 'ignored-status':
      return { for: 'ignored-status', summary: `${masking.detail}: make the failure branch at ${where} end with \`exit 1\``, evidence: [evidenceOf(masking.line)] };
    case 'continue-on-error':
      return {
        for: 'continue-on-error',
        summary: `${step} failed (${where}) but the job went on: remove \`continue-on-error: true\` from it, and do not run release steps under \`if: always()\``,
        evidence: [evidenceOf(masking.line)],
      };
    case 'success-message':
      return { for: 'success-message', summary: `${step} printed a success message after the failure (${where}): check the command's exit status before reporting success`, evidence: [evidenceOf(masking.line)] };
  }
}

function causeFix(failure: FailureContext, cause: ExplainCause): ExplainFix | null {
  const step = stepLabel(failure);
  const env = failure.step.raw.env;
  const tokenLine = env.get('NODE_AUTH_TOKEN')?.line ?? env.get('NPM_CONFIG_USERCONFIG')?.line ?? null;
  const tokenEvidence = tokenLine ? [evidenceOf(tokenLine)] : [];
  // With trusted publishing the fix is to stop writing the placeholder, not to add a token.
  if (cause.id === 'token-placeholder' && failure.oidcIntended) {
    return {
      for: cause.id,
      summary: `for trusted publishing, remove \`registry-url\` from the setup-node step so no \`_authToken\` line with the placeholder is written, or give ${step} a real token instead`,
      evidence: tokenEvidence,
    };
  }
  switch (cause.id) {
    case 'token-placeholder':
    case 'token-missing':
    case 'token-empty':
      return {
        for: cause.id,
        summary: `give ${step} the real token: add an \`env:\` entry \`NODE_AUTH_TOKEN\` set to \`\${{ secrets.GITHUB_TOKEN }}\` (or the secret that holds your token); setup-node's \`token:\` input only authenticates downloads of Node itself`,
        evidence: tokenEvidence,
      };
    case 'workdir-config-differs': {
      const change = failure.step.script.directoryChanges[0];
      const summary = change
        ? `stop depending on the folder: replace \`cd ${change.directory}\` (${location(change.line)}) and the publish after it with \`npm publish ./${change.directory.replace(/^\.\//, '').replace(/\/$/, '')}\` run from the folder whose .npmrc holds the token, or pass NODE_AUTH_TOKEN to the step so setup-node's user config works from any folder`
        : `make ${step} read the same npm configuration as the publish that worked: same working directory and env, or NODE_AUTH_TOKEN on the step so setup-node's user config works from any folder`;
      return { for: cause.id, summary, evidence: change ? [evidenceOf(change.line)] : [] };
    }
    case 'token-missing-scope': {
      const isGitHub = failure.facts.registry === 'https://npm.pkg.github.com/' || /scopes/i.test(failure.facts.message);
      return {
        for: cause.id,
        summary: isGitHub
          ? 'add `write:packages` (it includes `read:packages`) to the classic personal access token at https://github.com/settings/tokens, or publish with `GITHUB_TOKEN` and `permissions: packages: write`'
          : failure.signature?.fix ?? 'give the token the permission the registry names',
        evidence: [evidenceOf(failure.keyLine)],
      };
    }
    case 'registry-propagation-delay':
      return {
        for: cause.id,
        summary: `retry the lookup in ${step} after a short wait with \`--prefer-online\` (npm caches the stale package document), or check the published version with \`npm view name@version\` instead of installing it right after the publish`,
        evidence: [evidenceOf(failure.keyLine)],
      };
    case 'npm-too-old-for-oidc':
      return {
        for: cause.id,
        summary: `run ${step} with npm 11.5.1 or later: use a Node release that bundles it (Node 24) or add \`npm install -g npm@^11.5.1\` before publishing, and register a trusted publisher on npmjs.com for this repository and workflow file`,
        evidence: [evidenceOf(failure.keyLine)],
      };
    case 'oidc-not-configured':
      return {
        for: cause.id,
        summary: `register a trusted publisher on npmjs.com (package settings) naming this repository and the exact workflow file name; trusted publishing cannot create a package that does not exist yet`,
        evidence: [evidenceOf(failure.keyLine)],
      };
    case 'package-permission-denied': {
      const name = failure.facts.package ? `\`${failure.facts.package}\`` : 'the package';
      const summary = failure.facts.registry === 'https://npm.pkg.github.com/'
        ? `link ${name} to this repository with the Write role (package settings, Manage Actions access) and give the job \`permissions: packages: write\``
        : `make the token's account a maintainer of ${name} (for a scoped name, a member of the scope's organisation with publish rights), or give a granular token read and write access to ${name}`;
      return { for: cause.id, summary, evidence: [evidenceOf(failure.keyLine)] };
    }
    default:
      return failure.signature ? { for: cause.id, summary: failure.signature.fix, evidence: [evidenceOf(failure.keyLine)] } : null;
  }
}

/** Concrete fixes: first what hid the failure, then the likely causes (high and medium confidence, at most two). */
export function buildFixes(failure: FailureContext, causes: ExplainCause[], consequenceOf: number | null): ExplainFix[] {
  const fixes: ExplainFix[] = [];
  const masking = maskingFix(failure);
  if (masking) fixes.push(masking);
  if (consequenceOf !== null) {
    fixes.push({ for: 'version-not-published', summary: `fix failure ${consequenceOf} first; this one follows from it`, evidence: [evidenceOf(failure.keyLine)] });
    return fixes;
  }
  const likely = causes.filter((cause) => cause.confidence !== 'low').slice(0, 2);
  for (const cause of likely.length > 0 ? likely : causes.slice(0, 1)) {
    const fix = causeFix(failure, cause);
    if (fix && !fixes.some((other) => other.summary === fix.summary)) fixes.push(fix);
  }
  return fixes;
}
