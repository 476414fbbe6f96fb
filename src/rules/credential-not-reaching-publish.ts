import type { Finding } from '../report/finding.js';
import { describeCredential, describeOrigin } from '../npmconfig/describe.js';
import {
  allPublishes,
  describeFolder,
  describeLine,
  intendedSecret,
  isGitHubPackages,
  lineSpan,
  meansTrustedPublishing,
  spanOfLine,
  spanOfVariable,
} from '../npmconfig/rule-support.js';
import { callersWithoutSecret, displayModelPath, type SimulatedPublish } from '../npmconfig/simulate.js';
import type { Expression } from '../workflow/expressions.js';
import { findKnownAction } from '../workflow/known-actions.js';
import type { Job, Repository, Step } from '../workflow/model.js';
import type { PublishConfigResolution } from '../npmconfig/types.js';
import { locate, type Anchor, type RuleContext } from './context.js';
import { defineRule } from './types.js';

/**
 * The credential the client will send to the publish registry is not a real
 * one: setup-node's placeholder, a literal `${VAR}` (npm 7+ sends it as is
 * when VAR is unset), an empty value, nothing at all, or only a credential
 * for another registry. The rule replays the job's steps and resolves the
 * files the client reads with npm's own config loader (or Yarn 2+'s rules),
 * from the folder it runs in.
 */
export const rule = defineRule({
  id: 'credential-not-reaching-publish',
  title: 'the publish will not send the intended credential',
  severity: 'error',
  confidence: 'high',
  async check(context) {
    const findings: Finding[] = [];
    const publishes = await allPublishes(context);

    const invalidRegistries = new Set<string>();
    for (const publish of publishes) {
      const resolution = publish.resolution;
      if (!resolution) {
        context.note(`step ${JSON.stringify(publish.step.displayName)} (${publish.span.file}:${publish.span.line}): not checked, ${publish.notes.join('; ') || 'the publish could not be resolved'}`);
        continue;
      }
      // A registry that is not a URL stops the publish whatever the credential, so it is the one finding.
      if (!resolution.registry.valid) {
        const finding = reportInvalidRegistry(context, publish);
        const key = `${finding.file}:${finding.line}:${finding.column}`;
        if (!invalidRegistries.has(key)) findings.push(finding);
        invalidRegistries.add(key);
        continue;
      }
      if (resolution.credential.class === 'secret') continue;
      if (publish.command?.dryRun) continue;
      // A job that means to use trusted publishing sends no token on purpose,
      // and trusted-publishing-not-possible checks whether that can work.
      if (meansTrustedPublishing(publish)) continue;
      // A publish action with its own `token` input writes its own config.
      if (!publish.command && publish.step.with.has('token')) continue;
      // semantic-release's npm plugin adds `_authToken = ${NPM_TOKEN}` only
      // when the existing config has no credential for the registry
      // (lib/set-npmrc-auth.js of @semantic-release/npm). A configured
      // placeholder or `${VAR}` still wins over NPM_TOKEN, so only these pass.
      const addsNpmToken = ['missing', 'other-host', 'empty'].includes(resolution.credential.class);
      if (publish.command?.tool === 'semantic-release' && publish.env.has('NPM_TOKEN') && addsNpmToken) continue;
      findings.push(report(context, publish));
    }
    return findings;
  },
});

const CLIENT_NAMES: Record<PublishConfigResolution['client'], string> = { npm: 'npm', pnpm: 'pnpm', 'yarn-classic': 'Yarn 1', 'yarn-berry': 'Yarn 2+' };

/**
 * Report a registry value that does not parse as a URL, at the place that
 * sets it. npm 11 (lib/commands/publish.js) packs the package, runs
 * `prepublishOnly`, then calls getCredentialsByURI on the registry, whose
 * nerf-dart.js throws ERR_INVALID_URL ("Invalid URL"), so nothing is sent.
 * NOTE: only npm 11's behaviour was checked; pnpm and Yarn are described as
 * failing without the exact error they print.
 */
function reportInvalidRegistry(context: RuleContext, publish: SimulatedPublish): Finding {
  const resolution = publish.resolution!;
  const registry = resolution.registry;
  const form = publish.command?.form ?? publish.step.uses?.raw ?? 'publish';
  const origin = registry.origin;

  let at: Anchor = publish.span;
  let setting = `\`${registry.key}\``;
  if (publish.setupNode && publish.registryLine?.kind === 'setup-node') {
    at = publish.setupNode.registryUrlValue;
    setting = `setup-node's \`registry-url\` ${JSON.stringify(publish.setupNode.registryUrlValue.text)}, which it writes as \`${registry.key}=${registry.url}\` to ${displayModelPath('/runner/temp/.npmrc')}`;
  } else if (publish.registryLine) {
    at = spanOfLine(context.repository, publish.registryLine);
    setting = `\`${registry.key}\` at ${describeLine(publish.registryLine)}`;
  } else if (origin.kind === 'package-json') {
    at = lineSpan(context.repository, origin.file, origin.line);
    setting = `\`${origin.field}\` at ${origin.file}:${origin.line}`;
  } else if (origin.kind === 'env') {
    const span = publish.env.get(origin.variable);
    const located = span ? spanOfVariable(span) : null;
    if (located) at = located;
    setting = `variable ${origin.variable}`;
  } else if (origin.kind === 'cli') {
    setting = `\`${origin.flag}\` of ${JSON.stringify(form)}`;
  }

  const effect =
    resolution.client === 'npm'
      ? 'npm stops with ERR_INVALID_URL ("Invalid URL") when it looks up the credential for that registry, after packing the package and before sending anything, so the publish fails'
      : `${CLIENT_NAMES[resolution.client]} cannot send the publish to it, so the publish fails`;
  const example = /^[a-z0-9.-]+\.[a-z]{2,}(\/.*)?$/i.test(registry.url) ? `, such as \`https://${registry.url.replace(/\/?$/, '/')}\`` : ', such as `https://registry.npmjs.org/` or `https://npm.pkg.github.com/`';

  const related: Array<{ at: Anchor; label: string }> = [];
  if (locate(at).line !== locate(publish.span).line || locate(at).file !== locate(publish.span).file) {
    related.push({ at: publish.span, label: 'publish that fails' });
  }
  return context.finding({
    at,
    step: publish.step,
    job: publish.job,
    label: 'registry URL is invalid',
    message: `the registry URL ${JSON.stringify(registry.url)} for ${JSON.stringify(form)} in step ${JSON.stringify(publish.step.displayName)} is invalid because it does not start with a scheme such as \`https://\`; it comes from ${setting}; ${effect}`,
    fix: `write the registry as a full URL with its scheme${example}`,
    args: {
      credentialClass: null,
      registry: registry.url,
      registryKey: registry.key,
      registryValid: false,
      folder: publish.cwd,
      client: resolution.client,
    },
    related,
  });
}

function report(context: RuleContext, publish: SimulatedPublish): Finding {
  const resolution = publish.resolution!;
  const credential = resolution.credential;
  const folder = describeFolder(publish.cwd);
  const form = publish.command?.form ?? publish.step.uses?.raw ?? 'publish';
  const related: Array<{ at: Anchor; label: string }> = [];

  const parts: string[] = [];
  // Yarn stops on an unset variable before any request, so nothing is really sent.
  const stops = credential.class === 'unexpanded-variable' && (resolution.client === 'yarn-classic' || resolution.client === 'yarn-berry');
  const sends = stops ? 'would send' : 'sends';
  parts.push(`${JSON.stringify(form)} in step ${JSON.stringify(publish.step.displayName)} runs in ${folder} and ${sends} ${resolution.registry.url} ${describeCredential(credential)}`);

  // Where the credential comes from, and the variable behind it.
  if (credential.origin) {
    const source = publish.credentialLine ? describeLine(publish.credentialLine) : displayModelPath(describeOrigin(credential.origin));
    parts.push(`the credential is \`${credential.key}\` from ${source}`);
    if (publish.credentialLine) related.push({ at: spanOfLine(context.repository, publish.credentialLine), label: 'credential configured here' });
  }
  if (credential.class === 'placeholder' && publish.variableSource?.kind === 'setup-node') {
    parts.push(
      `${credential.variable ?? 'NODE_AUTH_TOKEN'} holds the placeholder because setup-node (releases before v7) exports it when its step has no NODE_AUTH_TOKEN, and step ${JSON.stringify(publish.step.displayName)} does not set it`,
    );
  } else if (credential.class === 'unexpanded-variable' && credential.variable && resolution.client === 'yarn-classic') {
    parts.push(`${credential.variable} is not set for this step, so Yarn 1 stops with "Failed to replace env in config" before publishing`);
  } else if (credential.class === 'unexpanded-variable' && credential.variable && resolution.client === 'yarn-berry') {
    parts.push(`${credential.variable} is not set for this step, so Yarn stops with "Environment variable not found" before publishing`);
  } else if (credential.class === 'unexpanded-variable' && credential.variable) {
    parts.push(`${credential.variable} is not set for this step, so npm sends the text \`\${${credential.variable}}\` itself`);
  } else if (credential.class === 'empty' && writtenEmpty(publish)) {
    const { step: writer, variables } = writtenEmpty(publish)!;
    const names = variables.map((name) => `$${name}`).join(', ');
    parts.push(`the shell expanded ${names} when step ${JSON.stringify(writer.displayName)} wrote that line, and ${variables.join(', ')} ${variables.length === 1 ? 'is' : 'are'} not set there`);
  } else if (credential.class === 'empty' && publish.variableSource?.kind === 'step-env') {
    const unpassed = unpassedSecret(publish, publish.variableSource.entry.value.expressions);
    if (unpassed) {
      const callers = unpassed.callers.map((caller) => `job ${JSON.stringify(caller.id)} (${caller.idSpan.file}:${caller.idSpan.line})`).join(', ');
      parts.push(
        `${credential.variable} is \`${unpassed.expression}\`, which is empty because ${callers} ${unpassed.callers.length === 1 ? 'calls' : 'call'} this workflow without passing secret ${JSON.stringify(unpassed.name)} (no \`secrets: inherit\` either)`,
      );
      for (const caller of unpassed.callers) related.push({ at: caller.idSpan, label: `calls without secret ${JSON.stringify(unpassed.name)}` });
    }
    const missingInput = ungivenInput(publish, publish.variableSource.entry.value.expressions);
    if (missingInput) {
      const caller = missingInput.caller;
      parts.push(
        `${credential.variable} is \`${missingInput.expression}\`, which is empty because step ${JSON.stringify(caller.displayName)} (${caller.file.path}:${caller.span.line}) uses the action without a \`${missingInput.name}\` input`,
      );
      related.push({ at: caller.uses?.span ?? caller.span, label: `no \`${missingInput.name}\` input` });
    }
  }
  if (publish.variableSource) {
    const span = spanOfVariable(publish.variableSource);
    if (span) related.push({ at: span, label: `${credential.variable} set here` });
  }

  // Why the token the workflow did provide is not used.
  const tokenInput = actionTokenInput(publish);
  if (needsNpmToken(publish)) {
    parts.push(`semantic-release's npm plugin takes its token from NPM_TOKEN, which step ${JSON.stringify(publish.step.displayName)} does not set`);
  } else if (tokenInput) {
    parts.push(`${JSON.stringify(form)} takes its credential from its \`${tokenInput}\` input, which step ${JSON.stringify(publish.step.displayName)} does not give`);
  } else if (resolution.client === 'yarn-berry') {
    const ignored = publish.env.get('NODE_AUTH_TOKEN')?.kind === 'step-env'
      ? `, so the NODE_AUTH_TOKEN that step ${JSON.stringify(publish.step.displayName)} sets is not used`
      : publish.setupNode
        ? ', so the token setup-node was meant to pass is not used'
        : '';
    parts.push(`Yarn 2+ reads only \`.yarnrc.yml\` and \`YARN_*\` variables, never \`.npmrc\` or NODE_AUTH_TOKEN${ignored}`);
  }
  for (const unread of publish.unreadCredentialFiles) {
    const writer =
      unread.origin.kind === 'step-write' || unread.origin.kind === 'action' ? ` (written by step ${JSON.stringify(unread.origin.step.displayName)})` : '';
    let reason: string;
    if (resolution.client === 'yarn-berry') reason = 'Yarn 2+ does not read `.npmrc`';
    else if (unread.place === 'home') reason = userConfigReason(publish);
    else if (publish.projectConfig) {
      reason = `npm's project config here is ${JSON.stringify(publish.projectConfig.path)}${publish.projectConfig.exists ? '' : ' (absent)'}, ${prefixReason(publish)}`;
    } else reason = 'npm does not read it from this folder';
    parts.push(`the token in ${JSON.stringify(displayModelPath(unread.path))}${writer} is not read: ${reason}`);
    related.push({ at: spanOfLine(context.repository, unread.origin), label: 'token written here, not read by this publish' });
  }
  // npm 9+ rejects an unprefixed token at start-up (npmrc-auth-not-scoped reports the line itself).
  if (['missing', 'other-host'].includes(credential.class) && resolution.client !== 'yarn-berry') {
    for (const problem of resolution.unscopedAuth) {
      parts.push(`the \`${problem.key}\` in ${problem.file}:${problem.line} has no registry prefix, so npm does not use it for any registry, and npm 9 and later stop with ERR_INVALID_AUTH before publishing`);
    }
  }
  if (credential.class === 'other-host') {
    const scope = resolution.packageName?.startsWith('@') ? resolution.packageName.split('/')[0] : null;
    const origin = resolution.registry.origin;
    const name = resolution.packageName ? JSON.stringify(resolution.packageName) : 'the package';
    if (origin.kind === 'package-json' || origin.kind === 'cli') {
      const setting = origin.kind === 'cli' ? `\`${origin.flag}\`` : `\`${origin.field}\` (${describeOrigin(origin)})`;
      parts.push(`${name} goes to ${resolution.registry.url} because of ${setting}, not to the registry the credential is for`);
      if (origin.kind === 'package-json') related.push({ at: lineSpan(context.repository, origin.file, origin.line), label: 'registry chosen here' });
    } else if (scope && resolution.registry.key === 'registry') {
      parts.push(`no \`${scope}:registry\` maps the package's scope, so ${name} goes to the default registry`);
    }
  }
  if (publish.setupNode && publish.setupNode.step !== publish.step) {
    related.push({ at: publish.setupNode.registryUrlValue, label: 'setup-node writes the user config here' });
  }

  // Several facts can point at the same line (setup-node writes the config and exports the variable).
  const seen = new Set<string>();
  const distinct = related.filter(({ at }) => {
    const location = locate(at);
    const key = `${location.file}:${location.line}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });

  return context.finding({
    at: publish.span,
    step: publish.step,
    job: publish.job,
    label: 'publishes without a usable credential',
    message: `${parts.join('; ')}`,
    fix: fixFor(publish, context.repository),
    args: {
      credentialClass: credential.class,
      credentialKey: credential.key,
      credentialSource: credential.origin ? displayModelPath(describeOrigin(credential.origin)) : null,
      variable: credential.variable,
      registry: resolution.registry.url,
      folder: publish.cwd,
      client: resolution.client,
    },
    related: distinct,
  });
}

/** Return the step that wrote the credential line and the variables it expanded while they were unset or empty. */
function writtenEmpty(publish: SimulatedPublish): { step: Step; variables: string[] } | null {
  const line = publish.credentialLine;
  if (line?.kind !== 'step-write' || !line.emptyVariables?.length) return null;
  return { step: line.step, variables: line.emptyVariables };
}

/** Find a `secrets.X` in a value that every caller of this reusable workflow leaves out. */
function unpassedSecret(publish: SimulatedPublish, expressions: Expression[]): { expression: string; name: string; callers: Job[] } | null {
  for (const expression of expressions) {
    if (expression.origin !== 'secrets' || !expression.name) continue;
    const callers = callersWithoutSecret(publish.job, expression.name);
    if (callers) return { expression: expression.text, name: expression.name, callers };
  }
  return null;
}

/** Find an `inputs.X` in a composite action's value that the step using the action does not give. */
function ungivenInput(publish: SimulatedPublish, expressions: Expression[]): { expression: string; name: string; caller: Step } | null {
  const caller = publish.step.caller;
  if (!caller) return null;
  for (const expression of expressions) {
    if (expression.origin !== 'inputs' || !expression.name) continue;
    if (!caller.with.has(expression.name)) return { expression: expression.text, name: expression.name, caller };
  }
  return null;
}

/** Explain why npm reads another user config than `~/.npmrc`. */
function userConfigReason(publish: SimulatedPublish): string {
  const user = publish.userConfig;
  if (!user) return 'npm reads another user config here';
  const path = JSON.stringify(displayModelPath(user.path));
  if (user.variableSource?.kind === 'setup-node') return `npm's user config here is ${path}, because setup-node's \`registry-url\` sets NPM_CONFIG_USERCONFIG to it`;
  if (user.variableSource) return `npm's user config here is ${path}, because NPM_CONFIG_USERCONFIG names it`;
  return `npm's user config here is ${path}`;
}

/** Explain why the project config is that file, in npm's local-prefix terms. */
function prefixReason(publish: SimulatedPublish): string {
  const folder = describeFolder(publish.cwd);
  switch (publish.localPrefixReason) {
    case 'own-manifest':
      return `because ${folder} has its own package.json and no workspace root above it lists it`;
    case 'no-manifest':
      return `because no folder from ${folder} up holds a package.json or node_modules, so npm takes ${folder} itself as the project`;
    case 'workspace-root':
      return 'because that is the workspace root that lists the package';
    default:
      return `because that is the nearest folder above ${folder} with a package.json`;
  }
}

function fixFor(publish: SimulatedPublish, repository: Repository): string {
  const resolution = publish.resolution!;
  const secret = intendedSecret(publish) ?? (isGitHubPackages(resolution.registry.url) ? 'secrets.GITHUB_TOKEN' : 'secrets.NPM_TOKEN');
  const step = JSON.stringify(publish.step.displayName);

  const written = resolution.credential.class === 'empty' ? writtenEmpty(publish) : null;
  if (written) {
    return `set ${written.variables[0]} to \`\${{ ${secret} }}\` in the \`env:\` of step ${JSON.stringify(written.step.displayName)}, which writes the token`;
  }
  if (needsNpmToken(publish)) {
    return `set NPM_TOKEN to \`\${{ ${secret} }}\` in the \`env:\` of step ${step}; semantic-release's npm plugin writes it to its own .npmrc`;
  }
  const tokenInput = actionTokenInput(publish);
  if (tokenInput) return `give step ${step} \`${tokenInput}: \${{ ${secret} }}\` in its \`with:\``;
  const prefixed = ['missing', 'other-host'].includes(resolution.credential.class) && resolution.client !== 'yarn-berry' ? prefixFix(repository, resolution) : null;
  if (prefixed) return prefixed;
  const yarnrcVariable = resolution.client === 'yarn-berry' && resolution.credential.origin?.kind === 'file' ? resolution.credential.variable : null;
  if (yarnrcVariable && yarnrcVariable !== 'YARN_NPM_AUTH_TOKEN') {
    // The variable the repository's .yarnrc.yml already reads works as well as Yarn's own, which overrides the file.
    return `set ${yarnrcVariable} (which ${describeOrigin(resolution.credential.origin)} reads) or YARN_NPM_AUTH_TOKEN to \`\${{ ${secret} }}\` in the \`env:\` of step ${step}; Yarn 2+ ignores NODE_AUTH_TOKEN and \`.npmrc\``;
  }
  if (resolution.client === 'yarn-berry') {
    return `set YARN_NPM_AUTH_TOKEN to \`\${{ ${secret} }}\` in the \`env:\` of step ${step}; Yarn 2+ ignores NODE_AUTH_TOKEN and \`.npmrc\``;
  }
  if (resolution.credential.class === 'other-host') {
    const scope = resolution.packageName?.startsWith('@') ? resolution.packageName.split('/')[0] : null;
    const target = resolution.credential.otherHosts[0]?.key.replace(/:[^:]+$/, '') ?? '';
    const origin = resolution.registry.origin;
    if (origin.kind === 'package-json' || origin.kind === 'cli') {
      const setting = origin.kind === 'cli' ? `\`${origin.flag}\`` : `\`${origin.field}\``;
      // The workflow's secret is for the other registry, so GitHub Packages gets GITHUB_TOKEN instead.
      const token = isGitHubPackages(resolution.registry.url) ? 'secrets.GITHUB_TOKEN' : 'a token for that registry';
      const value = token.startsWith('secrets.') ? `\`\${{ ${token} }}\`` : token;
      return `give step ${step} a credential for ${resolution.registry.url} (setup-node's \`registry-url: ${resolution.registry.url}\` with NODE_AUTH_TOKEN set to ${value}), or drop ${setting} if the package belongs on https:${target}`;
    }
    return scope
      ? `map the scope to the registry that has the credential (\`${scope}:registry=https:${target}\` in the project \`.npmrc\`, or setup-node's \`scope: ${scope.slice(1)}\`), or set \`publishConfig.registry\` in package.json`
      : `point the publish at the registry that has the credential (\`publishConfig.registry\` or \`--registry https:${target}\`)`;
  }
  const byPath =
    publish.unreadCredentialFiles.some((file) => file.place === 'workspace') && publish.cwd
      ? `, or publish by path from the folder whose \`.npmrc\` holds the token (\`npm publish ./${publish.packageDir}\` from the repository root)`
      : '';
  // With no credential line for the registry, NODE_AUTH_TOKEN alone changes nothing: setup-node's `registry-url` must write one.
  if (!publish.setupNode && resolution.credential.class === 'missing') {
    const setupNode = publish.job.allSteps.slice(0, publish.job.allSteps.indexOf(publish.step)).find((candidate) => candidate.uses?.action === 'actions/setup-node');
    const where = setupNode ? `add \`registry-url: ${resolution.registry.url}\` to step ${JSON.stringify(setupNode.displayName)}` : `add an \`actions/setup-node\` step with \`registry-url: ${resolution.registry.url}\` before step ${step}`;
    return `${where} and set NODE_AUTH_TOKEN to \`\${{ ${secret} }}\` in the \`env:\` of step ${step}${byPath}`;
  }
  return `set NODE_AUTH_TOKEN to \`\${{ ${secret} }}\` in the \`env:\` of step ${step}${byPath}`;
}

/**
 * True for a semantic-release run that finds no credential and has no
 * NPM_TOKEN: its npm plugin writes `_authToken=${NPM_TOKEN}` only when the
 * variable is set (lib/set-npmrc-auth.js of @semantic-release/npm).
 */
function needsNpmToken(publish: SimulatedPublish): boolean {
  if (publish.command?.tool !== 'semantic-release' || publish.env.has('NPM_TOKEN')) return false;
  return ['missing', 'other-host', 'empty'].includes(publish.resolution!.credential.class);
}

/** Name the credential input of a publish action (such as JS-DevTools/npm-publish's `token`), or null for a command or another action. */
function actionTokenInput(publish: SimulatedPublish): string | null {
  if (publish.command || !publish.step.uses) return null;
  const known = findKnownAction(publish.step.uses.raw);
  if (known?.kind !== 'publish') return null;
  return known.inputs.find((input) => input.credential)?.name ?? null;
}

/** Suggest the prefixed form of an unprefixed `_authToken` line, keeping a `${VAR}` value and never a literal one. */
function prefixFix(repository: Repository, resolution: PublishConfigResolution): string | null {
  const problem = resolution.unscopedAuth[0];
  if (!problem) return null;
  const text = repository.files.get(problem.file)?.lineText(problem.line) ?? '';
  const value = /=\s*(\$\{\w+\??\})\s*$/.exec(text)?.[1] ?? '${NPM_TOKEN}';
  const nerfDart = `${resolution.registry.url.replace(/^https?:/, '').replace(/\/?$/, '/')}`;
  return `prefix the key in ${problem.file}:${problem.line} with the registry it is for: \`${nerfDart}:${problem.key}=${value}\``;
}
