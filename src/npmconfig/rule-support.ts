/**
 * Helpers the credential rules share: the simulated publishes of every job
 * (run once per `check` and cached), and ways to turn their evidence into
 * locations and phrases.
 */
import { parse as parseYaml } from 'yaml';

import type { FileReader } from '../workflow/files.js';
import { permissionOf, type Job, type PermissionLevel, type Repository, type Step } from '../workflow/model.js';
import type { Span } from '../workflow/source.js';
import type { ScriptAnalysis, ShellPath } from '../shell/types.js';
import { jobPublishes, type LineOrigin, type SimulatedPublish, type SimulationCache, type VariableSource } from './simulate.js';

/** The parts of a rule context that the credential rules use. */
export interface SimulationHost {
  repository: Repository;
  files: FileReader;
  cache: SimulationCache;
  jobs(): Job[];
}

type ShellModule = typeof import('../shell/index.js');

let shellModule: Promise<ShellModule> | null = null;
const analyses = new WeakMap<Step, Promise<ScriptAnalysis | null>>();

/**
 * The shell analysis of a `run:` step (parsed once per step and shared), or
 * null when its shell is not bash or sh. `files` lets `npm run <script>`
 * count as the publish its package.json script runs.
 */
export function analyzeStep(step: Step, files?: FileReader): Promise<ScriptAnalysis | null> {
  const cached = analyses.get(step);
  if (cached) return cached;
  const result = runAnalysis(step, files);
  analyses.set(step, result);
  return result;
}

async function runAnalysis(step: Step, files?: FileReader): Promise<ScriptAnalysis | null> {
  if (!step.run || !step.shell.posix) return null;
  shellModule ??= import('../shell/index.js');
  const shell = await shellModule;
  const base = step.workingDirectory ?? '';
  const scripts = files
    ? (name: string, cwd: ShellPath) => {
        if (!cwd.known || cwd.base.kind !== 'step') return undefined;
        const folder = shell.joinPath(base, cwd.path).replace(/^\.$/, '');
        const text = files.readText(folder ? `${folder}/package.json` : 'package.json');
        try {
          const value = text ? (JSON.parse(text) as { scripts?: Record<string, unknown> }).scripts?.[name] : undefined;
          return typeof value === 'string' ? value : undefined;
        } catch {
          return undefined;
        }
      }
    : undefined;
  return shell.analyzeScript(step.run.text, { start: { errexit: step.shell.errexit, pipefail: step.shell.pipefail }, scripts });
}

/**
 * Simulate every publish of the repository, job by job, in execution order.
 * A semantic-release run whose configuration does not publish to npm is left out.
 */
export async function allPublishes(host: SimulationHost): Promise<SimulatedPublish[]> {
  const found: SimulatedPublish[] = [];
  for (const job of host.jobs()) {
    const publishes = await jobPublishes(host.cache, job, { repository: host.repository, files: host.files, analyze: (step) => analyzeStep(step, host.files) });
    found.push(...publishes.filter((publish) => !(publish.command?.tool === 'semantic-release' && semanticReleaseSkipsNpm(host, publish.cwd))));
  }
  return found;
}

/** Files semantic-release reads its configuration from, in its search order (after package.json's `release`). */
const SEMANTIC_RELEASE_FILES = ['.releaserc', '.releaserc.json', '.releaserc.yaml', '.releaserc.yml', '.releaserc.js', '.releaserc.cjs', '.releaserc.mjs', 'release.config.js', 'release.config.cjs', 'release.config.mjs'];

/**
 * True when semantic-release, run in `folder`, will not publish to npm:
 * its package is private, or its configuration lists plugins without
 * `@semantic-release/npm`, or gives that plugin `npmPublish: false`
 * (lib/publish.js of @semantic-release/npm skips the publish in both
 * cases). With no `plugins`, the default set includes the npm plugin.
 * NOTE: a JavaScript configuration file or an `extends` of a shared
 * configuration cannot be read here, so such a run counts as publishing.
 */
export function semanticReleaseSkipsNpm(host: Pick<SimulationHost, 'repository' | 'files'>, folder: string | null): boolean {
  if (folder === null) return false;
  const manifests = [...(host.repository.packages.root ? [host.repository.packages.root] : []), ...host.repository.packages.workspaces];
  const manifest = manifests.find((candidate) => candidate.directory === folder);
  if (manifest?.private) return true;

  const config = readSemanticReleaseConfig(host.files, folder, manifest?.json);
  if (!config || 'extends' in config) return false;
  const plugins = config.plugins;
  if (!Array.isArray(plugins)) return false;
  const npm = plugins.find((plugin) => plugin === '@semantic-release/npm' || (Array.isArray(plugin) && plugin[0] === '@semantic-release/npm'));
  if (npm === undefined) return true;
  const options = Array.isArray(npm) ? (npm[1] as Record<string, unknown> | undefined) : undefined;
  return options?.npmPublish === false || options?.npmPublish === 'false';
}

function readSemanticReleaseConfig(files: FileReader, folder: string, manifest: Record<string, unknown> | undefined): Record<string, unknown> | null {
  const release = manifest?.release;
  if (release && typeof release === 'object' && !Array.isArray(release)) return release as Record<string, unknown>;
  for (const name of SEMANTIC_RELEASE_FILES) {
    const text = files.readText(folder ? `${folder}/${name}` : name);
    if (text === null) continue;
    if (/\.[cm]?js$/.test(name)) return null;
    try {
      // JSON is YAML, so one parser reads `.releaserc` in either form.
      const parsed: unknown = parseYaml(text);
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * True for GitHub Packages' npm registry: npm.pkg.github.com, a GHE.com
 * tenant (`npm.<tenant>.ghe.com`), or GitHub Enterprise Server without
 * subdomain isolation (`<host>/_registry/npm/`).
 * NOTE: a GitHub Enterprise Server with subdomain isolation serves it at
 * `npm.<host>`, which cannot be told from any other registry by its name.
 */
export function isGitHubPackages(url: string): boolean {
  const host = hostOf(url);
  if (host === null) return false;
  return host === 'npm.pkg.github.com' || /^npm\.[^.]+\.ghe\.com$/.test(host) || /\/_registry\/npm(\/|$)/.test(url);
}

export function isNpmjs(url: string): boolean {
  const host = hostOf(url);
  return host === 'registry.npmjs.org' || host === 'registry.yarnpkg.com';
}

export function hostOf(url: string): string | null {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return null;
  }
}

/** Build a one-line span covering a whole line of a file. */
export function lineSpan(repository: Repository, file: string, line: number): Span {
  const text = repository.files.get(file)?.lineText(line) ?? '';
  return { file, line, column: 1, endLine: line, endColumn: Math.max(2, text.length + 1) };
}

/** Locate the repository place behind a laid-out line: the file line, or the workflow line that wrote it. */
export function spanOfLine(repository: Repository, origin: LineOrigin): Span {
  return origin.kind === 'repository' ? lineSpan(repository, origin.file, origin.line) : origin.span;
}

/** Describe where a laid-out line came from, as a phrase for messages. */
export function describeLine(origin: LineOrigin): string {
  switch (origin.kind) {
    case 'repository':
      return `${origin.file}:${origin.line}`;
    case 'step-write':
      return `the file step ${JSON.stringify(origin.step.displayName)} writes (${origin.span.file}:${origin.span.line})`;
    case 'setup-node':
      return `the user config setup-node writes for \`registry-url\` (${origin.span.file}:${origin.span.line})`;
    case 'action':
      return `the file ${JSON.stringify(origin.step.displayName)} writes (${origin.span.file}:${origin.span.line})`;
  }
}

/** Locate where a variable was set, or null for runner variables. */
export function spanOfVariable(source: VariableSource): Span | null {
  switch (source.kind) {
    case 'step-env':
      return source.entry.keySpan;
    case 'setup-node':
    case 'github-env':
    case 'script-export':
    case 'command-assignment':
      return source.span;
    case 'runner':
      return null;
  }
}

/** Guess the secret expression the workflow means for the publish, such as `secrets.NPM_TOKEN`. */
export function intendedSecret(publish: SimulatedPublish): string | null {
  for (const file of publish.unreadCredentialFiles) {
    const expression = expressionIn(publish, file.origin);
    if (expression) return expression;
  }
  const token = publish.setupNode?.step.with.get('token') ?? findSetupNodeToken(publish.job);
  const secret = token?.expressions.find((expression) => expression.origin === 'secrets');
  if (secret?.name) return `secrets.${secret.name}`;
  for (const [value, info] of publish.opaqueValues) {
    void value;
    if (info.expression.startsWith('secrets.') && info.expression !== 'secrets.GITHUB_TOKEN') return info.expression;
  }
  return null;
}

function findSetupNodeToken(job: Job) {
  for (const step of job.allSteps) {
    if (step.uses?.action === 'actions/setup-node' && step.with.get('token')) return step.with.get('token')!;
  }
  return null;
}

function expressionIn(publish: SimulatedPublish, origin: LineOrigin): string | null {
  if (origin.kind !== 'step-write') return null;
  const entry = [...origin.step.env.values()].find((candidate) => candidate.value.expressions.some((expression) => expression.origin === 'secrets'));
  const secret = entry?.value.expressions.find((expression) => expression.origin === 'secrets');
  if (secret?.name) return `secrets.${secret.name}`;
  const inline = origin.step.run?.expressions.find((expression) => expression.origin === 'secrets');
  return inline?.name ? `secrets.${inline.name}` : null;
}

/**
 * True when the job means to publish to npmjs.org with trusted publishing:
 * it may request an OIDC token and the publish step is given no token.
 */
export function meansTrustedPublishing(publish: SimulatedPublish): boolean {
  const url = publish.resolution?.registry.url;
  if (!url || !isNpmjs(url)) return false;
  if (!hasIdTokenWrite(publish.job)) return false;
  return !givesToken(publish);
}

/** True when GITHUB_TOKEN may request an OIDC token in the job, with a reusable workflow's callers capping it. */
export function hasIdTokenWrite(job: Job): boolean {
  return cappedPermission(job, 'id-token') === 'write';
}

const PERMISSION_ORDER: Record<PermissionLevel, number> = { none: 0, read: 1, write: 2 };

/**
 * Find the level GITHUB_TOKEN has for `scope` in a job. In a reusable
 * workflow each calling job's permissions are the most the called job can
 * get: its own `permissions:` may lower them but never raise them, so the
 * lowest level a caller declares caps it. Callers that declare nothing do
 * not cap it.
 */
export function cappedPermission(job: Job, scope: string): PermissionLevel | 'undeclared' {
  const own = permissionOf(job.permissions, scope);
  let lowest: PermissionLevel | null = null;
  for (const caller of job.workflow.callers) {
    const level = permissionOf(caller.permissions, scope);
    if (level === 'undeclared') continue;
    if (lowest === null || PERMISSION_ORDER[level] < PERMISSION_ORDER[lowest]) lowest = level;
  }

  if (lowest === null) return own;
  if (own === 'undeclared') return lowest;
  return PERMISSION_ORDER[lowest] < PERMISSION_ORDER[own] ? lowest : own;
}

/**
 * True when a variable of the publish environment carries a secret or vars
 * value that could be an npm token. GITHUB_TOKEN and GH_TOKEN, and values
 * that are only `github.token`, are for GitHub's API (changesets/action and
 * semantic-release need them) and never authenticate to npmjs.org.
 */
export function givesToken(publish: SimulatedPublish): boolean {
  for (const [name, source] of publish.env) {
    if (!/TOKEN|AUTH|PASSWORD/i.test(name) || ['ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'GITHUB_TOKEN', 'GH_TOKEN'].includes(name.toUpperCase())) continue;
    if (source.kind === 'step-env' && source.entry.value.expressions.some((expression) => !isGithubToken(expression.body))) return true;
    if (source.kind === 'github-env' || source.kind === 'script-export' || source.kind === 'command-assignment') return true;
  }
  return false;
}

function isGithubToken(body: string): boolean {
  return /^(secrets\.GITHUB_TOKEN|github\.token)$/i.test(body.replace(/\s+/g, ''));
}

/** "the repository root" or `"packages/backend"`. */
export function describeFolder(folder: string | null): string {
  if (folder === null) return 'an unknown folder';
  return folder === '' ? 'the repository root' : JSON.stringify(folder);
}
