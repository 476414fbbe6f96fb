/**
 * What the client will see at each publish of a job, found by replaying the
 * job's steps against a small model of the runner: the files each step
 * writes (`.npmrc`, `.yarnrc.yml`, `$GITHUB_ENV`), setup-node's user config
 * in `$RUNNER_TEMP/.npmrc` and the variables it exports, and the
 * environment and working directory of every publish command. At each
 * publish the files are laid out in a temporary folder and resolved with the
 * same resolver `doctor` uses, and every line of every laid-out file keeps
 * the place in the repository it came from, so findings can cite it.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';

import type { FileReader } from '../workflow/files.js';
import { findExpressions, type Expression } from '../workflow/expressions.js';
import { actionMajorVersion, findKnownAction, setupNodeAuthEffect, type SetupNodeAuthEffect } from '../workflow/known-actions.js';
import type { EnvEntry, Job, Repository, Step, Value } from '../workflow/model.js';
import type { Span } from '../workflow/source.js';
import type { PublishCommand, ScriptAnalysis, Segment, ShellPath, Word } from '../shell/types.js';
import { detectClient, resolvePublishConfig } from './index.js';
import type { OpaqueValue, PublishClient, PublishConfigResolution, TokenShape } from './types.js';

/** Virtual roots of the runner model; mapped to folders of a temporary directory at resolve time. */
const WORKSPACE = '/runner/work/repo';
const HOME = '/runner/home';
const RUNNER_TEMP = '/runner/temp';

/** Origin of a line of a laid-out file. */
export type LineOrigin =
  | { kind: 'repository'; file: string; line: number }
  | {
      kind: 'step-write';
      step: Step;
      span: Span;
      /** Variables the shell expanded into the line while unset or empty. */
      emptyVariables?: string[];
    }
  | { kind: 'setup-node'; step: Step; span: Span }
  | { kind: 'action'; step: Step; span: Span };

/** Origin of a variable of the publish environment. */
export type VariableSource =
  | { kind: 'step-env'; step: Step; entry: EnvEntry }
  | { kind: 'setup-node'; step: Step; span: Span; placeholder: boolean }
  | { kind: 'github-env'; step: Step; span: Span }
  | { kind: 'script-export'; step: Step; span: Span }
  | { kind: 'command-assignment'; step: Step; span: Span }
  | { kind: 'runner' };

interface SimLine {
  text: string;
  origin: LineOrigin;
}

interface SimVariable {
  value: string;
  source: VariableSource;
}

/** A setup-node step with `registry-url` that ran before a publish. */
export interface SetupNodeRun {
  step: Step;
  effect: SetupNodeAuthEffect;
  major: number | null;
  /** The `registry-url` value, for pointing at it. */
  registryUrlValue: Value<string | number | boolean | null>;
}

/** A publish as the client will see it. */
export interface SimulatedPublish {
  job: Job;
  step: Step;
  /** The publish command, or null for a publish action. */
  command: PublishCommand | null;
  /** The command's span in the workflow file. */
  span: Span;
  client: PublishClient;
  /** The folder the client runs in, relative to the repository root (`''` for the root); null when unknown. */
  cwd: string | null;
  /** The package folder, relative to the repository root; null when unknown. */
  packageDir: string | null;
  resolution: PublishConfigResolution | null;
  /** Origin of the credential line in the repository, when the credential came from a file. */
  credentialLine: LineOrigin | null;
  /** Origin of the registry setting, when it came from a file. */
  registryLine: LineOrigin | null;
  /** Origin of the variable the credential refers to at this publish, or null when unset. */
  variableSource: VariableSource | null;
  /** The project config npm reads here, relative to the repository root, and whether it exists. */
  projectConfig: { path: string; exists: boolean } | null;
  /**
   * Why npm's local prefix (whose `.npmrc` is the project config) is where
   * it is: the folder has its own package.json, a folder above it has the
   * nearest one, a workspace root above it lists it, or no package.json was
   * found up to the filesystem root, so the folder itself counts.
   */
  localPrefixReason: 'own-manifest' | 'nearest-manifest' | 'workspace-root' | 'no-manifest' | null;
  /**
   * Files in the workspace, and `~/.npmrc`, that contain a credential for
   * the target registry but that the client does not read here. `place` is
   * `home` for `~/.npmrc`, which npm skips when NPM_CONFIG_USERCONFIG names
   * another user config, and `workspace` for a repository file.
   */
  unreadCredentialFiles: Array<{ path: string; line: number; origin: LineOrigin; place: 'workspace' | 'home' }>;
  /** The user config npm reads here (a model path such as `/runner/temp/.npmrc`), and the variable that chose it. */
  userConfig: { path: string; variableSource: VariableSource | null } | null;
  /** The last setup-node step with `registry-url` before the publish. */
  setupNode: SetupNodeRun | null;
  /** Names of the variables set for the publish, with their sources. */
  env: Map<string, VariableSource>;
  /** Values of the environment that stand for workflow expressions. */
  opaqueValues: Map<string, OpaqueValue>;
  /** Reasons the resolution is missing or partial, for notes. */
  notes: string[];
}

/** Produces the shell analysis of a `run:` step; null when the step cannot be analysed. */
export type ScriptAnalyzer = (step: Step) => Promise<ScriptAnalysis | null> | ScriptAnalysis | null;

export interface SimulateOptions {
  repository: Repository;
  files: FileReader;
  analyze: ScriptAnalyzer;
}

/** State of the runner while the job's steps are replayed. */
class RunnerState {
  readonly files = new Map<string, SimLine[]>();
  readonly githubEnv = new Map<string, SimVariable>();
  readonly opaqueValues = new Map<string, OpaqueValue>();
  setupNode: SetupNodeRun | null = null;

  constructor(readonly repository: Repository, readonly reader: FileReader) {}

  /** Return an opaque, non-empty value for a workflow expression, the same one each time for one expression. */
  opaque(expression: string): string {
    // Derived from the expression, so equal layouts of different jobs share one cached resolution.
    const value = `pubguard-opaque-${createHash('sha256').update(expression).digest('hex').slice(0, 16)}`;
    if (this.opaqueValues.has(value)) return value;
    const shape: TokenShape = /^(secrets\.GITHUB_TOKEN|github\.token)$/i.test(expression) ? 'ghs_' : 'other';
    this.opaqueValues.set(value, { expression, shape });
    return value;
  }

  /** Describe what an opaque value stands for, or null for a plain value. */
  expressionOf(value: string): string | null {
    return this.opaqueValues.get(value)?.expression ?? null;
  }
}

/** Replay one job and return every publish in it, in execution order. */
export async function simulateJob(job: Job, options: SimulateOptions): Promise<SimulatedPublish[]> {
  const state = new RunnerState(options.repository, options.files);
  loadRepositoryFiles(state);
  const publishes: SimulatedPublish[] = [];

  for (const step of job.allSteps) {
    const stepEnv = stepEnvironment(state, step);
    const known = step.uses?.action ? findKnownAction(step.uses.raw) : undefined;

    if (known?.kind === 'setup-node') {
      applySetupNode(state, step, stepEnv);
      continue;
    }
    if (known && known.publishes && step.uses) {
      publishes.push(await publishFromAction(state, job, step, stepEnv));
      continue;
    }
    if (!step.run) continue;

    const analysis = await options.analyze(step);
    if (!analysis) continue;
    publishes.push(...(await replayScript(state, job, step, stepEnv, analysis)));
  }
  return publishes;
}

/** Copy the repository's package.json, .npmrc and .yarnrc.yml files into the model. */
function loadRepositoryFiles(state: RunnerState): void {
  const { packages } = state.repository;
  const add = (path: string, text: string) => {
    const lines = text.split('\n').map((line, index) => ({ text: line.replace(/\r$/, ''), origin: { kind: 'repository' as const, file: path, line: index + 1 } }));
    state.files.set(posix.join(WORKSPACE, path), lines);
  };
  for (const manifest of [...(packages.root ? [packages.root] : []), ...packages.workspaces]) add(manifest.file.path, manifest.file.text);
  for (const npmrc of packages.npmrcFiles) add(npmrc.file.path, npmrc.file.text);
  if (packages.yarnrc) add(packages.yarnrc.file.path, packages.yarnrc.file.text);
}

/**
 * Add the repository's package.json, .npmrc and .yarnrc.yml files on the way
 * from `folder` up to the root, read on demand.
 * TODO: `npm ci` and `npm install` steps create `node_modules`, which also
 * makes a folder npm's local prefix; that matters only for a folder without
 * its own package.json and is not modelled yet.
 */
function loadManifestsAbove(state: RunnerState, folder: string): void {
  let current = folder;
  for (;;) {
    // pnpm-workspace.yaml marks the folder whose `.npmrc` pnpm also reads.
    for (const name of ['package.json', '.npmrc', '.yarnrc.yml', 'pnpm-workspace.yaml']) {
      const path = current ? `${current}/${name}` : name;
      const virtual = posix.join(WORKSPACE, path);
      if (state.files.has(virtual)) continue;
      const text = state.reader.readText(path);
      if (text === null) continue;
      state.files.set(
        virtual,
        text.split('\n').map((line, index) => ({ text: line.replace(/\r$/, ''), origin: { kind: 'repository', file: path, line: index + 1 } })),
      );
    }
    if (current === '') break;
    current = posix.dirname(current) === '.' ? '' : posix.dirname(current);
  }
}

/** Build the environment a step starts with: runner variables, `$GITHUB_ENV` of earlier steps, then workflow → job → step `env:`. */
function stepEnvironment(state: RunnerState, step: Step): Map<string, SimVariable> {
  const env = new Map<string, SimVariable>();
  for (const [name, value] of Object.entries({ HOME, RUNNER_TEMP, GITHUB_WORKSPACE: WORKSPACE, CI: 'true', GITHUB_ACTIONS: 'true' })) {
    env.set(name, { value, source: { kind: 'runner' } });
  }
  for (const [name, variable] of state.githubEnv) env.set(name, variable);
  // NOTE: `env:` keys of the workflow, job and step win over `$GITHUB_ENV`
  // values, because the runner applies them to each step after the
  // variables exported by earlier steps.
  for (const [name, entry] of step.env) {
    env.set(name, { value: evaluateValue(state, step, entry.value), source: { kind: 'step-env', step, entry } });
  }
  return env;
}

/** Evaluate a workflow value, with every expression replaced by its opaque value. */
function evaluateValue(state: RunnerState, step: Step, value: Value<string | number | boolean | null>): string {
  if (value.value === null) return '';
  let text = value.text;
  for (const expression of [...value.expressions].sort((a, b) => b.start - a.start)) {
    text = text.slice(0, expression.start) + evaluateExpression(state, step, expression) + text.slice(expression.end);
  }
  return text;
}

/**
 * Evaluate one expression. `inputs.X` inside a composite action is the
 * caller's `with:` value, and everything else becomes an opaque value that
 * remembers the expression.
 */
function evaluateExpression(state: RunnerState, step: Step, expression: Expression): string {
  if (expression.origin === 'inputs' && expression.name && step.caller) {
    const input = step.caller.with.get(expression.name);
    if (input) return evaluateValue(state, step.caller, input);
    return inputDefault(state, step, expression.name);
  }
  if (expression.origin === 'github.token') return state.opaque('github.token');
  if (expression.origin === 'secrets' && expression.name && callersWithoutSecret(step.job, expression.name)) return '';
  return state.opaque(expression.body);
}

/** Evaluate the `default:` of a composite action's input, or return '' when it has none. */
function inputDefault(state: RunnerState, step: Step, name: string): string {
  const value: unknown = step.caller?.action?.document.getIn(['inputs', name, 'default']);
  if (value === undefined || value === null) return '';
  let text = String(value);
  for (const expression of findExpressions(text).sort((a, b) => b.start - a.start)) {
    // A default cannot read other inputs, so only contexts such as github.token remain.
    const replacement = expression.origin === 'inputs' ? '' : evaluateExpression(state, step, expression);
    text = text.slice(0, expression.start) + replacement + text.slice(expression.end);
  }
  return text;
}

/**
 * Return the jobs that call this job's reusable workflow without passing
 * secret `name` (neither by name nor by `secrets: inherit`), when every
 * caller in the repository does so; then the secret is empty in this job.
 * Null when the workflow also runs on its own events, has no caller here,
 * or a caller passes the secret. `GITHUB_TOKEN` is always set.
 * NOTE: a caller in another repository cannot be seen; a workflow that only
 * such callers pass the secret to would be misread as getting none.
 */
export function callersWithoutSecret(job: Job, name: string): Job[] | null {
  const workflow = job.workflow;
  if (!workflow.call || workflow.callers.length === 0) return null;
  if (workflow.events.some((event) => event !== 'workflow_call')) return null;
  if (name.toUpperCase() === 'GITHUB_TOKEN') return null;

  // Secret names are case-insensitive on GitHub.
  const secretName = name.toUpperCase();
  for (const caller of workflow.callers) {
    if (caller.secrets === 'inherit') return null;
    if ([...caller.secrets.keys()].some((key) => key.toUpperCase() === secretName)) return null;
  }
  return workflow.callers;
}

function applySetupNode(state: RunnerState, step: Step, env: Map<string, SimVariable>): void {
  const registryUrlValue = step.with.get('registry-url');
  if (!registryUrlValue || registryUrlValue.value === null || registryUrlValue.text.trim() === '') return;

  const scope = step.with.get('scope');
  const alwaysAuth = step.with.get('always-auth');
  const ref = step.uses?.ref ?? '';
  const major = actionMajorVersion(ref, versionComment(step));
  const stepToken = env.get('NODE_AUTH_TOKEN');
  const effect = setupNodeAuthEffect({
    registryUrl: evaluateValue(state, step, registryUrlValue),
    scopeInput: scope ? evaluateValue(state, step, scope) : undefined,
    alwaysAuthInput: alwaysAuth ? evaluateValue(state, step, alwaysAuth) : 'false',
    repositoryOwner: state.repository.owner ?? undefined,
    major,
    stepNodeAuthToken: stepToken?.value,
  });

  // setup-node keeps earlier lines except those setting the same registry key.
  const userconfig = posix.join(RUNNER_TEMP, '.npmrc');
  const kept = (state.files.get(userconfig) ?? []).filter((line) => !line.text.toLowerCase().startsWith(effect.registryKey.toLowerCase()));
  const origin: LineOrigin = { kind: 'setup-node', step, span: registryUrlValue.span };
  state.files.set(userconfig, [...kept, ...effect.lines.map((text) => ({ text, origin }))]);

  state.githubEnv.set('NPM_CONFIG_USERCONFIG', { value: userconfig, source: { kind: 'setup-node', step, span: registryUrlValue.span, placeholder: false } });
  const exported = effect.exports.NODE_AUTH_TOKEN;
  if (exported !== undefined) {
    const placeholder = stepToken === undefined || stepToken.value === '';
    state.githubEnv.set('NODE_AUTH_TOKEN', {
      value: exported,
      source: placeholder ? { kind: 'setup-node', step, span: registryUrlValue.span, placeholder: true } : stepToken!.source,
    });
  }
  state.setupNode = { step, effect, major, registryUrlValue };
}

/** Read a `# v4.1.0` comment after a `uses:` pinned to a commit, as pinning tools write it. */
function versionComment(step: Step): string | undefined {
  if (!step.uses) return undefined;
  const line = step.file.lineText(step.uses.span.line);
  const match = /#\s*(v?\d+(?:\.\d+){0,2})\b/.exec(line);
  return match?.[1];
}

/** Resolve a publish by a known action (changesets/action, JS-DevTools/npm-publish) from the folder it runs in. */
async function publishFromAction(state: RunnerState, job: Job, step: Step, env: Map<string, SimVariable>): Promise<SimulatedPublish> {
  const known = findKnownAction(step.uses!.raw)!;
  const span = step.uses!.span;
  if (known.action === 'changesets/action' && env.get('NPM_TOKEN')) {
    // changesets/action appends the NPM_TOKEN value to $HOME/.npmrc for registry.npmjs.org.
    const userNpmrc = posix.join(HOME, '.npmrc');
    const lines = state.files.get(userNpmrc) ?? [];
    if (!lines.some((line) => /^\s*\/\/(registry\.npmjs\.org|npm\.pkg\.github\.com)\/:[_-]authToken=/i.test(line.text))) {
      state.files.set(userNpmrc, [...lines, { text: `//registry.npmjs.org/:_authToken=${env.get('NPM_TOKEN')!.value}`, origin: { kind: 'action', step, span } }]);
    }
  }
  const notes: string[] = [];
  // TODO: a publish action runs its own command (changeset publish runs the
  // package manager once per package); this resolves the root package only.
  if (known.kind === 'publish') notes.push(`"${known.action}" sends the credential from its own \`token\` input`);
  const cwd = step.with.get('cwd')?.text ?? '';
  return resolveAt(state, job, step, null, span, env, cwd, cwd, undefined, undefined, notes);
}

interface ScriptEvent {
  command: number;
  order: number;
  apply: () => Promise<void> | void;
}

async function replayScript(
  state: RunnerState,
  job: Job,
  step: Step,
  stepEnv: Map<string, SimVariable>,
  analysis: ScriptAnalysis,
): Promise<SimulatedPublish[]> {
  const run = step.run!;
  const env = new Map(stepEnv);
  const base = step.workingDirectory;
  const publishes: SimulatedPublish[] = [];
  const events: ScriptEvent[] = [];
  const fileSpan = (start: number, end: number) => run.spanOf(start, end);

  for (const exported of analysis.exports) {
    events.push({
      command: exported.command,
      order: exported.span.start,
      apply: () => {
        if (!exported.value) return;
        env.set(exported.name, {
          value: evaluateWord(state, step, exported.value, env),
          source: { kind: 'script-export', step, span: fileSpan(exported.span.start, exported.span.end) },
        });
      },
    });
  }

  for (const write of analysis.writes) {
    events.push({
      command: write.command,
      order: write.span.start,
      apply: () => {
        const origin: LineOrigin = { kind: 'step-write', step, span: fileSpan(write.span.start, write.span.end) };
        const text = write.content ? evaluateSegments(state, step, write.content, env) : null;
        if (write.kind === 'github-env') {
          if (text !== null) applyGithubEnv(state, text, step, origin.span);
          return;
        }
        if (write.kind !== 'npmrc' && write.kind !== 'yarnrc') return;
        const path = resolveShellPath(write.path, base, env);
        if (!path) return;
        const emptyVariables = (write.content ?? [])
          .filter((segment): segment is Extract<Segment, { kind: 'variable' }> => segment.kind === 'variable' && !segment.literal)
          .filter((segment) => !env.get(segment.name)?.value)
          .map((segment) => segment.name);
        const lineOrigin: LineOrigin = emptyVariables.length > 0 ? { ...origin, emptyVariables } : origin;
        const lines = (text ?? '').replace(/\n$/, '').split('\n').map((line) => ({ text: line, origin: lineOrigin }));
        const before = write.append ? (state.files.get(path) ?? []) : [];
        state.files.set(path, [...before, ...lines]);
      },
    });
  }

  for (const set of analysis.configSets) {
    events.push({
      command: set.command,
      order: set.span.start,
      apply: () => {
        if (set.tool === 'yarn' || !set.key || !set.value) return;
        const origin: LineOrigin = { kind: 'step-write', step, span: fileSpan(set.span.start, set.span.end) };
        const userconfig = set.userconfig ? evaluateWord(state, step, set.userconfig, env) : env.get('NPM_CONFIG_USERCONFIG')?.value ?? posix.join(HOME, '.npmrc');
        const cwd = resolveShellPath(set.cwd, base, env) ?? posix.join(WORKSPACE, base ?? '');
        // NOTE: `npm config set --location=project` writes the local prefix's
        // .npmrc, and this model writes the command's own folder instead.
        const path = set.location === 'project' ? posix.join(cwd, '.npmrc') : set.location === 'user' ? userconfig : null;
        if (!path) return;
        const value = evaluateWord(state, step, set.value, env);
        const lines = (state.files.get(path) ?? []).filter((line) => !line.text.startsWith(`${set.key}=`));
        state.files.set(path, [...lines, { text: `${set.key}=${value}`, origin }]);
      },
    });
  }

  for (const [commandId, publish] of analysis.publishes) {
    const command = analysis.commands.find((candidate) => candidate.id === commandId);
    if (!command) continue;
    events.push({
      command: commandId,
      order: command.span.start,
      apply: async () => {
        const commandEnv = new Map(env);
        for (const assignment of command.assignments) {
          if (!assignment.value) continue;
          commandEnv.set(assignment.name, {
            value: evaluateWord(state, step, assignment.value, env),
            source: { kind: 'command-assignment', step, span: fileSpan(assignment.span.start, assignment.span.end) },
          });
        }
        const cwdPath = resolveShellPath(command.cwd, base, env);
        const cwd = cwdPath && isUnder(cwdPath, WORKSPACE) ? posix.relative(WORKSPACE, cwdPath) : null;
        const targetText = publish.target ? evaluateWord(state, step, publish.target, env) : null;
        let packageDir = cwd;
        if (cwd !== null && targetText) packageDir = posix.normalize(posix.join(cwd, targetText)).replace(/^\.$/, '');
        const registry = publish.registry && publish.registry !== true ? evaluateWord(state, step, publish.registry, env) : undefined;
        const userconfig = publish.userconfig && publish.userconfig !== true ? evaluateWord(state, step, publish.userconfig, env) : undefined;
        const span = fileSpan(command.span.start, command.span.end);

        // `-w <folder or name>` publishes those workspaces, each with its own publishConfig.
        const selected = cwd === null ? [] : publish.workspaces.map((word) => findWorkspace(state, cwd, evaluateWord(state, step, word, env)));
        if (selected.length > 0 && selected.every((folder) => folder !== null)) {
          for (const folder of new Set(selected as string[])) {
            publishes.push(await resolveAt(state, job, step, publish, span, commandEnv, cwd, folder, registry, userconfig, []));
          }
          return;
        }

        const notes: string[] = [];
        if (publish.recursive && !targetText && cwd !== null) {
          // `--workspaces` and `-r` skip a private root, so a public workspace is the better example.
          const below = (manifest: { directory: string }) => manifest.directory !== cwd && (cwd === '' || isUnder(manifest.directory, cwd));
          const example = state.repository.packages.workspaces.find((manifest) => !manifest.private && below(manifest));
          if (example) packageDir = example.directory;
        }
        if (publish.recursive) notes.push(`"${publish.form}" publishes several packages; the package in "${packageDir ?? '?'}" stands for them`);
        publishes.push(await resolveAt(state, job, step, publish, span, commandEnv, cwd, packageDir, registry, userconfig, notes));
      },
    });
  }

  events.sort((a, b) => a.command - b.command || a.order - b.order);
  for (const event of events) await event.apply();
  return publishes;
}

/** Find the folder of the workspace `-w <value>` names: a folder relative to `cwd`, or a package name. */
function findWorkspace(state: RunnerState, cwd: string, value: string): string | null {
  const folder = posix.normalize(posix.join(cwd, value)).replace(/^\.$/, '').replace(/\/$/, '');
  const workspaces = state.repository.packages.workspaces;
  const byFolder = workspaces.find((manifest) => manifest.directory === folder);
  if (byFolder) return byFolder.directory;
  return workspaces.find((manifest) => manifest.name === value)?.directory ?? null;
}

function applyGithubEnv(state: RunnerState, text: string, step: Step, span: Span): void {
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (match) state.githubEnv.set(match[1]!, { value: match[2]!, source: { kind: 'github-env', step, span } });
  }
}

/** Evaluate a shell word at this point: variables from the environment, expressions as opaque values. */
function evaluateWord(state: RunnerState, step: Step, word: Word, env: Map<string, SimVariable>): string {
  return word.text ?? evaluateSegments(state, step, word.segments, env);
}

function evaluateSegments(state: RunnerState, step: Step, segments: Segment[], env: Map<string, SimVariable>): string {
  return segments
    .map((segment) => {
      switch (segment.kind) {
        case 'literal':
          return segment.text;
        case 'variable':
          // A quoted `'${NODE_AUTH_TOKEN}'` reaches the file as written, for npm to expand when it reads it.
          if (segment.literal) return segment.raw;
          return env.get(segment.name)?.value ?? '';
        case 'expression': {
          const found = findExpressions(segment.text)[0];
          return found ? evaluateExpression(state, step, found) : state.opaque(segment.expression);
        }
        case 'unknown':
          return state.opaque(`shell: ${segment.raw}`);
      }
    })
    .join('');
}

/** Convert a ShellPath to a path of the runner model, or null when its base is unknown. */
function resolveShellPath(path: ShellPath, stepBase: string | null, env: Map<string, SimVariable>): string | null {
  if (!path.known) return null;
  let base: string | null;
  switch (path.base.kind) {
    case 'step':
      base = stepBase === null ? null : posix.join(WORKSPACE, stepBase);
      break;
    case 'absolute':
      base = '/';
      break;
    case 'home':
      base = HOME;
      break;
    case 'variable':
      base = env.get(path.base.name)?.value ?? null;
      if (base !== null && !base.startsWith('/')) base = null;
      break;
    case 'expression': {
      const expression = path.base.expression.replace(/\s+/g, '');
      base = null;
      if (expression === 'github.workspace') base = WORKSPACE;
      if (expression === 'runner.temp') base = RUNNER_TEMP;
      break;
    }
  }
  if (base === null) return null;
  return posix.normalize(posix.join(base, path.path));
}

function isUnder(path: string, folder: string): boolean {
  return path === folder || path.startsWith(`${folder}/`);
}

function clientFor(command: PublishCommand | null): PublishClient | null {
  switch (command?.tool) {
    case 'npm':
      return 'npm';
    case 'pnpm':
      return 'pnpm';
    case 'yarn':
      return 'yarn-berry';
    case 'yarn-classic':
      return 'yarn-classic';
    default:
      return null;
  }
}

/** Lay out the model in a temporary folder, resolve, and map every result back to the repository. */
async function resolveAt(
  state: RunnerState,
  job: Job,
  step: Step,
  command: PublishCommand | null,
  span: Span,
  env: Map<string, SimVariable>,
  cwd: string | null,
  packageDir: string | null,
  registry: string | undefined,
  userconfig: string | undefined,
  notes: string[],
): Promise<SimulatedPublish> {
  const envSources = new Map([...env].map(([name, variable]) => [name, variable.source]));
  const result: SimulatedPublish = {
    job,
    step,
    command,
    span,
    client: clientFor(command) ?? 'npm',
    cwd,
    packageDir,
    resolution: null,
    credentialLine: null,
    registryLine: null,
    variableSource: null,
    projectConfig: null,
    localPrefixReason: null,
    unreadCredentialFiles: [],
    userConfig: null,
    setupNode: state.setupNode,
    env: envSources,
    opaqueValues: state.opaqueValues,
    notes,
  };
  if (cwd === null || packageDir === null) {
    notes.push('the folder the client runs in is not known statically');
    return result;
  }
  loadManifestsAbove(state, cwd);
  loadManifestsAbove(state, packageDir);

  const { resolution, temp } = await resolveCached(state, env, command, cwd, packageDir, registry, userconfig);
  const toReal = (virtual: string) => join(temp, ...virtual.split('/').filter(Boolean));
  const toVirtual = (real: string) => (real.startsWith(temp) ? `/${real.slice(temp.length + 1).split('\\').join('/')}` : null);
  const lineOrigin = (file: string, line: number): LineOrigin | null => {
    const virtual = toVirtual(file);
    return virtual ? (state.files.get(virtual)?.[line - 1]?.origin ?? null) : null;
  };
  const repoPath = (file: string) => {
    const virtual = toVirtual(file);
    return virtual && isUnder(virtual, WORKSPACE) ? posix.relative(WORKSPACE, virtual) : (virtual ?? file);
  };

  result.client = resolution.client;
  const credentialOrigin = resolution.credential.origin;
  if (credentialOrigin?.kind === 'file') result.credentialLine = lineOrigin(credentialOrigin.file, credentialOrigin.line);
  const registryOrigin = resolution.registry.origin;
  if (registryOrigin.kind === 'file') result.registryLine = lineOrigin(registryOrigin.file, registryOrigin.line);
  if (resolution.credential.variable) result.variableSource = env.get(resolution.credential.variable)?.source ?? null;
  const project = resolution.configFiles.find((file) => file.level === 'project');
  if (project) result.projectConfig = { path: repoPath(project.file), exists: project.exists };
  const user = resolution.configFiles.find((file) => file.level === 'user');
  if (user) result.userConfig = { path: repoPath(user.file), variableSource: env.get('NPM_CONFIG_USERCONFIG')?.source ?? null };
  result.localPrefixReason = localPrefixReason(state, resolution, cwd, repoPath);
  result.unreadCredentialFiles = findUnreadCredentialFiles(state, resolution, repoPath, toReal);
  result.resolution = mapResolutionPaths(resolution, repoPath);
  return result;
}

/** A resolution with the temporary folder it was made in, for mapping its paths back. */
interface CachedResolution {
  resolution: PublishConfigResolution;
  temp: string;
}

// Resolutions by layout, so jobs with the same files, environment and
// folders (common in repositories with many similar workflows) resolve once.
const resolutionCache = new Map<string, Promise<CachedResolution>>();
const MAX_CACHED_RESOLUTIONS = 500;

/**
 * Lay out the model in a temporary folder and resolve there, or return the
 * cached result of an identical layout. The key holds every file's text,
 * the folders, the flags and the variables npm or Yarn read: `npm_config_*`,
 * `YARN_*`, HOME, PREFIX, DESTDIR and every `${NAME}` some file refers to.
 */
function resolveCached(
  state: RunnerState,
  env: Map<string, SimVariable>,
  command: PublishCommand | null,
  cwd: string,
  packageDir: string,
  registry: string | undefined,
  userconfig: string | undefined,
): Promise<CachedResolution> {
  const files = [...state.files].map(([path, lines]) => [path, lines.map((line) => line.text).join('\n')] as const).sort(([a], [b]) => (a < b ? -1 : 1));
  const referenced = new Set(files.flatMap(([, text]) => [...text.matchAll(/\$\{([\w]+)/g)].map((match) => match[1]!)));
  const relevantEnv = [...env]
    .filter(([name]) => /^(npm_config_|yarn_)/i.test(name) || ['HOME', 'PREFIX', 'DESTDIR'].includes(name) || referenced.has(name))
    .map(([name, variable]) => [name, variable.value])
    .sort(([a], [b]) => (a! < b! ? -1 : 1));
  const key = createHash('sha256')
    .update(JSON.stringify({ files, relevantEnv, client: clientFor(command), cwd, packageDir, registry, userconfig }))
    .digest('hex');

  let cached = resolutionCache.get(key);
  if (!cached) {
    cached = layOutAndResolve(state, env, command, cwd, packageDir, registry, userconfig);
    // A failed resolution is not kept, so a later identical layout tries again.
    cached.catch(() => resolutionCache.delete(key));
    resolutionCache.set(key, cached);
    if (resolutionCache.size > MAX_CACHED_RESOLUTIONS) resolutionCache.delete(resolutionCache.keys().next().value!);
  }
  return cached;
}

async function layOutAndResolve(
  state: RunnerState,
  env: Map<string, SimVariable>,
  command: PublishCommand | null,
  cwd: string,
  packageDir: string,
  registry: string | undefined,
  userconfig: string | undefined,
): Promise<CachedResolution> {
  const temp = await mkdtemp(join(tmpdir(), 'pubguard-simulate-'));
  const toReal = (virtual: string) => join(temp, ...virtual.split('/').filter(Boolean));
  try {
    for (const [virtual, lines] of state.files) {
      await mkdir(dirname(toReal(virtual)), { recursive: true });
      await writeFile(toReal(virtual), lines.map((line) => line.text).join('\n') + '\n');
    }
    await mkdir(toReal(posix.join(WORKSPACE, cwd)), { recursive: true });
    await mkdir(toReal(HOME), { recursive: true });

    // Paths in variables point into the model; give the client their real places.
    const realEnv: Record<string, string> = {};
    for (const [name, variable] of env) {
      realEnv[name] = variable.value.startsWith('/runner/') ? toReal(variable.value) : variable.value;
    }
    const client = clientFor(command) ?? (await detectClient(toReal(posix.join(WORKSPACE, cwd))));
    const resolution = await resolvePublishConfig({
      cwd: toReal(posix.join(WORKSPACE, cwd)),
      packageDir: toReal(posix.join(WORKSPACE, packageDir)),
      env: realEnv,
      registry,
      userconfig: userconfig?.startsWith('/runner/') ? toReal(userconfig) : userconfig,
      client,
      npmPath: toReal('/runner/npm'),
      execPath: toReal('/runner/node/bin/node'),
      opaqueValues: state.opaqueValues,
    });
    return { resolution, temp };
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

function localPrefixReason(
  state: RunnerState,
  resolution: PublishConfigResolution,
  cwd: string,
  repoPath: (file: string) => string,
): SimulatedPublish['localPrefixReason'] {
  if (!resolution.localPrefix) return null;
  const prefix = repoPath(resolution.localPrefix);
  const hasManifest = state.files.has(posix.join(WORKSPACE, prefix, 'package.json'));
  if (prefix === cwd) return hasManifest ? 'own-manifest' : 'no-manifest';
  // npm moves the prefix above the nearest package.json only for a workspace root that lists the folder.
  const nearest = nearestManifest(state, cwd);
  return nearest !== null && nearest !== prefix ? 'workspace-root' : 'nearest-manifest';
}

function nearestManifest(state: RunnerState, folder: string): string | null {
  let current = folder;
  for (;;) {
    if (state.files.has(posix.join(WORKSPACE, current, 'package.json'))) return current;
    if (current === '') return null;
    current = posix.dirname(current) === '.' ? '' : posix.dirname(current);
  }
}

/** `.npmrc` files in the workspace, and `~/.npmrc`, with a credential for the target registry that the client does not read. */
function findUnreadCredentialFiles(
  state: RunnerState,
  resolution: PublishConfigResolution,
  repoPath: (file: string) => string,
  toReal: (virtual: string) => string,
): SimulatedPublish['unreadCredentialFiles'] {
  const read = new Set(resolution.configFiles.map((file) => file.file));
  const host = registryHost(resolution.registry.url);
  const found: SimulatedPublish['unreadCredentialFiles'] = [];
  const homeNpmrc = posix.join(HOME, '.npmrc');
  for (const [virtual, lines] of state.files) {
    const place = virtual === homeNpmrc ? 'home' : virtual.endsWith('/.npmrc') && isUnder(virtual, WORKSPACE) ? 'workspace' : null;
    if (!place) continue;
    const real = toReal(virtual);
    if (read.has(real) && resolution.client !== 'yarn-berry') continue;
    lines.forEach((line, index) => {
      const match = /^\s*\/\/([^/:]+)[^=]*:_authToken\s*=/.exec(line.text);
      if (match && host && match[1]!.toLowerCase() === host) found.push({ path: repoPath(real), line: index + 1, origin: line.origin, place });
    });
  }
  return found;
}

function registryHost(url: string): string | null {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return null;
  }
}

/** Replace temporary paths in a resolution with repository-relative ones. */
function mapResolutionPaths(resolution: PublishConfigResolution, repoPath: (file: string) => string): PublishConfigResolution {
  const mapOrigin = <T extends { kind: string }>(origin: T): T =>
    origin.kind === 'file' || origin.kind === 'package-json' ? { ...origin, file: repoPath((origin as unknown as { file: string }).file) } : origin;
  return {
    ...resolution,
    cwd: repoPath(resolution.cwd),
    packageDir: repoPath(resolution.packageDir),
    localPrefix: resolution.localPrefix ? repoPath(resolution.localPrefix) : null,
    configFiles: resolution.configFiles.map((file) => ({ ...file, file: repoPath(file.file) })),
    registry: { ...resolution.registry, origin: mapOrigin(resolution.registry.origin) },
    credential: {
      ...resolution.credential,
      origin: resolution.credential.origin ? mapOrigin(resolution.credential.origin) : null,
      otherHosts: resolution.credential.otherHosts.map((host) => ({ ...host, origin: host.origin ? mapOrigin(host.origin) : null })),
    },
    unscopedAuth: resolution.unscopedAuth.map((problem) => ({ ...problem, file: repoPath(problem.file) })),
    notes: [],
  };
}

/** Display form of a model path: `$RUNNER_TEMP/.npmrc`, `~/.npmrc`, or the repository path. */
export function displayModelPath(path: string): string {
  if (path.startsWith('/runner/temp/')) return `$RUNNER_TEMP/${path.slice('/runner/temp/'.length)}`;
  if (path.startsWith('/runner/home/')) return `~/${path.slice('/runner/home/'.length)}`;
  return path;
}

/** Memoising store, such as a rule context's `cache`. */
export type SimulationCache = <T>(key: string, compute: () => T) => T;

/** Return the publishes of a job, simulated once per run and shared by every rule that requests them. */
export function jobPublishes(cache: SimulationCache, job: Job, options: SimulateOptions): Promise<SimulatedPublish[]> {
  return cache(`npmconfig.simulate:${job.workflow.file.path}#${job.id}`, () => simulateJob(job, options));
}
