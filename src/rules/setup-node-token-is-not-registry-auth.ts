import type { Finding } from '../report/finding.js';
import { allPublishes } from '../npmconfig/rule-support.js';
import type { Step, Value } from '../workflow/model.js';
import type { Anchor } from './context.js';
import { defineRule } from './types.js';

/**
 * setup-node's `token` input authenticates its downloads of Node from
 * actions/node-versions (action.yml of every release since v2:
 * https://github.com/actions/setup-node/blob/v7.0.0/action.yml). It never
 * reaches npm: the registry credential comes only from NODE_AUTH_TOKEN of
 * the publish step, through the `${NODE_AUTH_TOKEN}` line setup-node writes
 * for `registry-url`. Passing a registry secret to `token:` and nothing as
 * NODE_AUTH_TOKEN publishes without it. A publish that still sends a real
 * credential from another file is left alone.
 */
export const rule = defineRule({
  id: 'setup-node-token-is-not-registry-auth',
  title: "a registry secret is passed to setup-node's token input",
  severity: 'error',
  confidence: 'high',
  async check(context) {
    const findings: Finding[] = [];
    const publishes = await allPublishes(context);

    for (const job of context.jobs()) {
      const jobPublishes = publishes.filter((publish) => publish.job === job && publish.client !== 'yarn-berry' && !publish.command?.dryRun);
      // A token for downloads alone is fine when every publish gets
      // NODE_AUTH_TOKEN or reads a real credential from another file, such as
      // a project .npmrc that an earlier step wrote.
      const starved = jobPublishes.filter((publish) => {
        if (publish.resolution?.credential.class === 'secret') return false;
        const source = publish.env.get('NODE_AUTH_TOKEN');
        return !source || (source.kind === 'setup-node' && source.placeholder);
      });
      if (starved.length === 0) continue;

      for (const step of job.allSteps) {
        if (step.uses?.action !== 'actions/setup-node') continue;
        const token = step.with.get('token');
        if (!token) continue;
        const secret = secretBehind(step, token);
        if (!secret) continue;

        const first = starved[0]!;
        const related: Array<{ at: Anchor; label: string }> = starved.map((publish) => ({
          at: publish.span,
          label: 'publishes with no NODE_AUTH_TOKEN',
        }));
        findings.push(
          context.finding({
            at: token,
            step,
            job,
            label: 'authenticates Node downloads only',
            message: `step ${JSON.stringify(step.displayName)} passes \`${secret}\` to setup-node's \`token\` input, which only authenticates downloads of Node itself and never reaches npm; step ${JSON.stringify(first.step.displayName)} publishes with no NODE_AUTH_TOKEN, so npm does not send that secret`,
            fix: `remove \`token:\` from step ${JSON.stringify(step.displayName)} (its default is enough for downloads) and set NODE_AUTH_TOKEN to \`\${{ ${secret} }}\` in the \`env:\` of step ${JSON.stringify(first.step.displayName)}`,
            args: { secret, publishSteps: starved.map((publish) => publish.step.displayName) },
            related,
          }),
        );
      }
    }
    return findings;
  },
});

/**
 * Find the secret a value carries: `secrets.X` directly, or through a composite
 * action's `inputs.X` bound to `secrets.X` by the step that uses the action.
 * `github.token` (the input's default) is not a registry secret.
 */
function secretBehind(step: Step, value: Value<string | number | boolean | null>): string | null {
  for (const expression of value.expressions) {
    if (expression.origin === 'secrets' && expression.name && expression.name !== 'GITHUB_TOKEN') return `secrets.${expression.name}`;
    if (expression.origin === 'inputs' && expression.name && step.caller) {
      const input = step.caller.with.get(expression.name);
      if (input) {
        const found = secretBehind(step.caller, input);
        if (found) return found;
      }
    }
  }
  return null;
}
