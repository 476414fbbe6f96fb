import type { Finding } from '../report/finding.js';
import { allPublishes, isGitHubPackages } from '../npmconfig/rule-support.js';
import type { SimulatedPublish } from '../npmconfig/simulate.js';
import type { Anchor } from './context.js';
import { defineRule } from './types.js';

/**
 * GitHub Packages' npm registry takes only scoped packages, and the scope
 * must be the account that owns the repository
 * (https://docs.github.com/en/packages/working-with-a-github-packages-registry/working-with-the-npm-registry#publishing-a-package).
 * setup-node maps one scope to `registry-url`: its `scope:` input, else the
 * repository owner when the URL is GitHub Packages
 * (https://github.com/actions/setup-node/blob/v7.0.0/src/authutil.ts), so a
 * package of another scope is sent to npm's default registry instead. A
 * registry URL with an owner path also changes the nerf dart the token is
 * keyed to (`//npm.pkg.github.com/<owner>/`).
 */
export const rule = defineRule({
  id: 'github-packages-scope-mismatch',
  title: 'package scope does not match the GitHub Packages owner',
  severity: 'error',
  confidence: 'high',
  async check(context) {
    const findings: Finding[] = [];
    const publishes = await allPublishes(context);
    const owner = context.owner?.toLowerCase() ?? null;
    const reported = new Set<string>();

    for (const publish of publishes) {
      const problems = scopeProblems(publish, owner);
      if (problems.length === 0) continue;
      const key = `${publish.step.file.path}:${publish.span.line}`;
      if (reported.has(key)) continue;
      reported.add(key);

      const setupNode = publish.setupNode;
      const related: Array<{ at: Anchor; label: string }> = [{ at: publish.span, label: 'publishes here' }];
      const name = publish.resolution?.packageName ?? null;
      const scope = name?.startsWith('@') ? name.slice(1, name.indexOf('/')) : null;
      findings.push(
        context.finding({
          at: setupNode?.registryUrlValue ?? publish.span,
          step: publish.step,
          job: publish.job,
          label: 'GitHub Packages registry',
          message: `${JSON.stringify(name ?? 'the package')} is published by step ${JSON.stringify(publish.step.displayName)} for GitHub Packages, but ${problems.join('; ')}`,
          fix: fixFor(scope, owner, publish),
          args: { packageName: name, owner, setupNodeScope: setupNode?.effect.scope ?? null, registryUrl: setupNode?.effect.registryUrl ?? publish.resolution?.registry.url ?? null },
          related,
        }),
      );
    }
    return findings;
  },
});

function scopeProblems(publish: SimulatedPublish, owner: string | null): string[] {
  const resolution = publish.resolution;
  if (!resolution) return [];
  const setupNode = publish.setupNode;
  const setupNodeGpr = setupNode !== null && isGitHubPackages(setupNode.effect.registryUrl);
  if (!isGitHubPackages(resolution.registry.url) && !setupNodeGpr) return [];

  const problems: string[] = [];
  const name = resolution.packageName;
  const scope = name?.startsWith('@') ? name.slice(1, name.indexOf('/')).toLowerCase() : null;
  if (name && !scope) problems.push('GitHub Packages accepts only scoped packages (`@owner/name`)');
  if (scope && owner && scope !== owner) problems.push(`the package scope \`@${scope}\` is not the repository owner \`${owner}\`, and GitHub Packages publishes only under the owner's scope`);

  if (setupNodeGpr && scope && setupNode.effect.scope && setupNode.effect.scope !== `@${scope}`) {
    const why = setupNode.effect.scopeFromOwner ? ' (with no `scope:` input its default is the repository owner)' : '';
    problems.push(
      `setup-node maps only \`${setupNode.effect.scope}\`${why} to ${setupNode.effect.registryUrl}, so \`@${scope}\` is not routed there and goes to ${resolution.registry.url}`,
    );
  }
  const path = registryPath(setupNodeGpr ? setupNode.effect.registryUrl : resolution.registry.url);
  if (path && problems.length > 0) problems.push(`the registry URL also carries an owner path (\`/${path}\`), so the token is keyed to that path only`);
  return problems;
}

/** Return the owner path after the registry's own root (`/_registry/npm/` on GitHub Enterprise Server), or null. */
function registryPath(url: string): string | null {
  try {
    const path = new URL(url).pathname.replace(/^\/+|\/+$/g, '').replace(/^_registry\/npm(\/|$)/, '');
    return path === '' ? null : path;
  } catch {
    return null;
  }
}

/** Return the registry's root URL without an owner path: the origin, plus `/_registry/npm/` on GitHub Enterprise Server. */
function registryRoot(url: string): string {
  try {
    const parsed = new URL(url);
    return /^\/_registry\/npm(\/|$)/.test(parsed.pathname) ? `${parsed.origin}/_registry/npm/` : parsed.origin;
  } catch {
    return 'https://npm.pkg.github.com';
  }
}

function fixFor(scope: string | null, owner: string | null, publish: SimulatedPublish): string {
  const target = owner ?? 'OWNER';
  const rename = scope && scope !== owner ? `rename the package to \`@${target}/…\` (GitHub Packages requires the owner's scope)` : 'use the owner\'s scope for the package';
  const setupNode = publish.setupNode
    ? `, and give setup-node \`registry-url: ${registryRoot(publish.setupNode.effect.registryUrl)}\` without an owner path and \`scope: ${target}\``
    : '';
  return `${rename}${setupNode}`;
}
