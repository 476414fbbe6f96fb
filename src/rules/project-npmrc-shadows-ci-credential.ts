import type { Finding } from '../report/finding.js';
import { allPublishes, describeFolder, lineSpan } from '../npmconfig/rule-support.js';
import type { SimulatedPublish } from '../npmconfig/simulate.js';
import { defineRule } from './types.js';

/**
 * npm reads the project `.npmrc` over the user config, so a committed
 * `//host/:_authToken=${VAR}` wins over the `${NODE_AUTH_TOKEN}` line that
 * setup-node writes to `$RUNNER_TEMP/.npmrc`
 * (https://docs.npmjs.com/cli/v11/configuring-npm/npmrc#files: project,
 * then user, then global). When the publish step does not set VAR, npm 7+
 * sends the text `${VAR}` itself (@npmcli/config's env-replace keeps an
 * unset reference as written), and the token the workflow passes as
 * NODE_AUTH_TOKEN is never used.
 */
export const rule = defineRule({
  id: 'project-npmrc-shadows-ci-credential',
  title: "a committed .npmrc overrides the CI credential",
  severity: 'error',
  confidence: 'high',
  async check(context) {
    const findings: Finding[] = [];
    const publishes = await allPublishes(context);

    const reported = new Set<string>();
    for (const publish of publishes) {
      if (!shadows(publish)) continue;
      const line = publish.credentialLine!;
      if (line.kind !== 'repository') continue;
      const key = `${line.file}:${line.line}:${publish.step.displayName}`;
      if (reported.has(key)) continue;
      reported.add(key);

      const resolution = publish.resolution!;
      const credential = resolution.credential;
      const variable = credential.variable!;
      const setupNode = publish.setupNode!;
      const client = resolution.client === 'yarn-classic' ? 'Yarn 1' : resolution.client === 'pnpm' ? 'pnpm' : 'npm';
      const stepSets = credential.variableSet ? `sets ${variable} to an empty value` : `does not set ${variable}`;
      let outcome = `${client} sends the text \`\${${variable}}\``;
      if (credential.class === 'empty') outcome = `${client} sends an empty token`;
      // Yarn 1 aborts on an unset variable in .npmrc where npm 7+ keeps the text.
      else if (resolution.client === 'yarn-classic') outcome = 'Yarn 1 stops with "Failed to replace env in config" before publishing';
      findings.push(
        context.finding({
          at: lineSpan(context.repository, line.file, line.line),
          step: publish.step,
          job: publish.job,
          label: 'read before the CI user config',
          message: `${line.file}:${line.line} sets "${credential.key}=\${${variable}}", and ${client} reads this ${credential.origin?.kind === 'file' && credential.origin.level === 'workspace' ? 'workspace root' : 'project'} config from ${describeFolder(publish.cwd)} before the user config setup-node writes for \`registry-url\`; step ${JSON.stringify(publish.step.displayName)} ${stepSets}, so ${outcome} and the NODE_AUTH_TOKEN line is never used`,
          fix: `set \`${variable}\` in the \`env:\` of step ${JSON.stringify(publish.step.displayName)}, or remove the \`_authToken\` line from ${line.file} and pass the token as NODE_AUTH_TOKEN`,
          args: { file: line.file, line: line.line, variable, credentialKey: credential.key },
          related: [
            { at: publish.span, label: 'publishes with this config' },
            { at: setupNode.registryUrlValue, label: 'setup-node writes the user config here' },
          ],
        }),
      );
    }
    return findings;
  },
});

function shadows(publish: SimulatedPublish): boolean {
  const resolution = publish.resolution;
  if (!resolution || resolution.client === 'yarn-berry' || !publish.setupNode) return false;
  const credential = resolution.credential;
  if (credential.class !== 'unexpanded-variable' && credential.class !== 'empty') return false;
  if (!credential.variable || (credential.variableSet && credential.class !== 'empty')) return false;
  // pnpm reads the `.npmrc` beside pnpm-workspace.yaml before the user config too.
  const level = credential.origin?.kind === 'file' ? credential.origin.level : null;
  return (level === 'project' || level === 'workspace') && publish.credentialLine?.kind === 'repository';
}
