/**
 * Build the `Repository` model: read `.github/workflows/*.yml|yaml`, the
 * local composite actions and reusable workflows they use, and the packages
 * and npm/Yarn config files, all through one `FileReader`.
 */
import { execFileSync } from 'node:child_process';
import { isMap, isScalar, isSeq, type Document, type Node, type YAMLError } from 'yaml';
import { createFileReader, joinPath, type FileReader } from './files.js';
import type {
  CallParameter,
  CompositeAction,
  EnvEntry,
  IgnoreComment,
  Job,
  Permissions,
  Repository,
  RunDefaults,
  RunScript,
  Step,
  UsesReference,
  Value,
  Workflow,
  WorkflowProblem,
} from './model.js';
import { loadPackages } from './packages.js';
import { resolveShell, type ResolvedShell, type ShellSource } from './shells.js';
import { mapScalarOffsets, SourceFile, spanOfNode, type Span } from './source.js';
import { forgetMapEntries, getEntry, getNode, mapEntries, parseYaml, resolveNode, scalarValue, sequenceItems, stringAt } from './yaml-nodes.js';
import { findExpressions } from './expressions.js';
import { findIgnoreComments } from './ignore-comments.js';

export interface LoadOptions {
  /** `owner/name` of the repository; read from `git remote get-url origin` when absent. */
  repo?: string | null;
  /** Read through this reader instead of the real folder. */
  reader?: FileReader;
}

/**
 * Workflow files larger than this are reported, not parsed. Real workflows
 * are tens of kilobytes. The YAML node tree with positions takes about a
 * hundred times the file's size in memory (an estimate from one 5 MB file,
 * which needed about 600 MiB), so larger files cost more than they can gain.
 */
export const MAX_WORKFLOW_BYTES = 1024 * 1024;

const WORKFLOW_DIRECTORY = '.github/workflows';
const MAX_ACTION_DEPTH = 8;

/** Load a repository folder. Missing workflow folders give an empty list, never an error. */
export function loadRepository(root: string, options: LoadOptions = {}): Repository {
  const reader = options.reader ?? createFileReader(root);
  const identity = parseRepositoryName(options.repo ?? null) ?? readOriginRemote(reader) ?? readManifestRepository(reader);
  const repository: Repository = {
    root: reader.root,
    owner: identity?.owner ?? null,
    name: identity?.name ?? null,
    workflows: [],
    actions: [],
    problems: [],
    packages: { root: null, workspaces: [], workspaceSource: null, npmrcFiles: [], yarnrc: null, packageManager: null },
    ignoreComments: new Map(),
    files: new Map(),
    notes: [],
  };
  const loader = new Loader(reader, repository);

  for (const entry of reader.listDirectory(WORKFLOW_DIRECTORY)) {
    if (!/\.ya?ml$/i.test(entry.name)) continue;
    loader.loadWorkflowFile(joinPath(WORKFLOW_DIRECTORY, entry.name));
  }
  loader.linkReusableWorkflows();

  repository.packages = loadPackages(reader, repository);
  forgetMapEntries();
  return repository;
}

/** Parse `owner/name`; null when the text is not of that shape. */
export function parseRepositoryName(text: string | null): { owner: string; name: string } | null {
  const match = text ? /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(text.trim()) : null;
  return match ? { owner: match[1]!, name: match[2]! } : null;
}

/** Read `owner/name` from the `origin` remote's URL (https, ssh or scp-like form). */
export function parseRemoteUrl(url: string): { owner: string; name: string } | null {
  const match = /^(?:[a-z+]+:\/\/)?(?:[^@/]+@)?[^/:]+[:/](?:\d+\/)?([^/]+)\/([^/]+?)(?:\.git)?\/?$/i.exec(url.trim());
  return match ? { owner: match[1]!, name: match[2]! } : null;
}

function readOriginRemote(reader: FileReader): { owner: string; name: string } | null {
  if (reader.kindOf('.git') === null) return null;
  try {
    const url = execFileSync('git', ['-C', reader.root, 'remote', 'get-url', 'origin'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
    });
    return parseRemoteUrl(url);
  } catch {
    // No git, no origin remote, or not a work tree: the owner stays unknown.
    return null;
  }
}

/**
 * Read `owner/name` from the root package.json's `repository` field when it
 * names a GitHub repository: `github:owner/name`, the `owner/name` shorthand
 * npm reads as GitHub, or a URL on a GitHub host. Used when there is no origin
 * remote, as in a downloaded archive of the repository.
 */
export function readManifestRepository(reader: FileReader): { owner: string; name: string } | null {
  const text = reader.readText('package.json');
  if (text === null) return null;
  let repository: unknown;
  try {
    repository = (JSON.parse(text) as { repository?: unknown } | null)?.repository;
  } catch {
    return null;
  }
  const value = typeof repository === 'string' ? repository : (repository as { url?: unknown } | null)?.url;
  if (typeof value !== 'string') return null;
  const shorthand = /^(?:github:)?([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+?)(?:\.git)?$/.exec(value.trim());
  if (shorthand) return { owner: shorthand[1]!, name: shorthand[2]! };
  const url = value.trim().replace(/^git\+/, '');
  const host = /^(?:[a-z+]+:\/\/)?(?:[^@/]+@)?([^/:]+)/i.exec(url)?.[1] ?? '';
  return /(^|\.)github\./i.test(host) || /^github\.com$/i.test(host) ? parseRemoteUrl(url) : null;
}

class Loader {
  private readonly actionCache = new Map<string, CompositeAction | null>();

  constructor(
    private readonly reader: FileReader,
    private readonly repository: Repository,
  ) {}

  /** Read a file into a SourceFile and record its ignore comments; null when unreadable. */
  readSource(path: string): SourceFile | null {
    const cached = this.repository.files.get(path);
    if (cached) return cached;
    const text = this.reader.readText(path);
    if (text === null) return null;
    const file = new SourceFile(path, text);
    this.repository.files.set(path, file);
    this.repository.ignoreComments.set(path, findIgnoreComments(file));
    return file;
  }

  loadWorkflowFile(path: string): void {
    const size = this.reader.fileSize(path);
    if (size === null) {
      this.repository.notes.push(`${path}: skipped: not a readable file (a missing symlink target or a symlink loop)`);
      return;
    }
    if (size > MAX_WORKFLOW_BYTES) {
      const file = new SourceFile(path, '');
      this.problem(path, 'too-large', `workflow file is ${(size / 1048576).toFixed(1)} MiB, over pubguard's limit of ${MAX_WORKFLOW_BYTES / 1048576} MiB for one workflow`, file.spanOf(0, 0));
      return;
    }
    const file = this.readSource(path);
    if (!file) {
      this.repository.notes.push(`${path}: skipped: could not be read`);
      return;
    }
    const document = parseYaml(file.text);
    const error = document.errors[0];
    if (error) {
      this.problem(path, 'invalid-yaml', `invalid YAML: ${describeYamlError(error)}`, spanOfYamlError(file, error));
      return;
    }
    const top = resolveNode(document, document.contents);
    const jobsNode = isMap(top) ? getNode(document, top, 'jobs') : null;
    if (!isMap(top) || !isMap(jobsNode)) {
      // Point at the first line of the content, not the whole document.
      const start = top?.range?.[0] ?? 0;
      const lineEnd = file.text.indexOf('\n', start);
      const at = file.spanOf(start, lineEnd === -1 ? file.text.length : lineEnd);
      this.problem(path, 'not-a-workflow', 'not a workflow: the top level must be a mapping with a `jobs:` mapping', at);
      return;
    }
    this.repository.workflows.push(this.buildWorkflow(file, document, top));
  }

  private problem(file: string, kind: WorkflowProblem['kind'], message: string, span: Span): void {
    this.repository.problems.push({ file, kind, message, span });
  }

  private buildWorkflow(file: SourceFile, document: Document, top: Node): Workflow {
    const onNode = getNode(document, top, 'on') ?? getNode(document, top, 'true');
    const events = readEvents(document, onNode);
    const callNode = isMap(resolveNode(document, onNode)) ? getNode(document, onNode, 'workflow_call') : null;
    const workflow: Workflow = {
      file,
      document,
      name: stringAt(document, top, 'name'),
      events,
      call: events.includes('workflow_call')
        ? { inputs: readParameters(file, document, getNode(document, callNode, 'inputs')), secrets: readParameters(file, document, getNode(document, callNode, 'secrets')) }
        : null,
      callers: [],
      permissions: readPermissions(file, document, getNode(document, top, 'permissions'), 'workflow'),
      env: readEnv(file, document, getNode(document, top, 'env'), 'workflow', new Map()),
      jobs: [],
    };
    const workflowDefaults = getNode(document, getNode(document, top, 'defaults'), 'run');
    for (const entry of mapEntries(document, getNode(document, top, 'jobs'))) {
      if (!isMap(entry.value)) continue;
      workflow.jobs.push(this.buildJob(workflow, entry.key, entry.keyNode, entry.value, workflowDefaults));
    }
    return workflow;
  }

  private buildJob(workflow: Workflow, id: string, keyNode: Node, node: Node, workflowDefaults: Node | null): Job {
    const { file, document } = workflow;
    const jobPermissions = getEntry(document, node, 'permissions');
    const jobDefaults = getNode(document, getNode(document, node, 'defaults'), 'run');
    const needsNode = getNode(document, node, 'needs');
    const needs = isSeq(resolveNode(document, needsNode))
      ? sequenceItems(document, needsNode).map((item) => (isScalar(item) ? String(item.value) : '')).filter(Boolean)
      : isScalar(resolveNode(document, needsNode))
        ? [String((resolveNode(document, needsNode) as { value: unknown }).value)]
        : [];
    const usesValue = scalarValue<string>(file, document, getNode(document, node, 'uses'));
    const secretsNode = resolveNode(document, getNode(document, node, 'secrets'));
    const strategy = getNode(document, node, 'strategy');
    const job: Job = {
      id,
      name: stringAt(document, node, 'name'),
      idSpan: spanOfNode(file, keyNode)!,
      span: spanOfNode(file, node)!,
      node,
      workflow,
      runsOn: readRunsOn(file, document, getNode(document, node, 'runs-on')),
      permissions: jobPermissions ? readPermissions(file, document, jobPermissions.value, 'job') : workflow.permissions,
      env: readEnv(file, document, getNode(document, node, 'env'), 'job', workflow.env),
      defaultsRun: readRunDefaults(file, document, workflowDefaults, jobDefaults),
      if: scalarValue<string | boolean>(file, document, getNode(document, node, 'if')),
      continueOnError: scalarValue<string | boolean>(file, document, getNode(document, node, 'continue-on-error')),
      needs,
      needsSpan: spanOfNode(file, needsNode),
      steps: [],
      allSteps: [],
      uses: usesValue ? this.parseUses(usesValue) : null,
      calledWorkflow: null,
      with: readValueMap(file, document, getNode(document, node, 'with')),
      secrets: isScalar(secretsNode) && secretsNode.value === 'inherit' ? 'inherit' : readValueMap(file, document, secretsNode),
      hasMatrix: getNode(document, strategy, 'matrix') !== null,
    };
    const stepNodes = sequenceItems(document, getNode(document, node, 'steps'));
    stepNodes.forEach((stepNode, position) => {
      if (!isMap(stepNode)) return;
      const step = this.buildStep({ job, file, document, node: stepNode, index: position + 1, parentEnv: job.env, caller: null, defaults: job.defaultsRun });
      job.steps.push(step);
      job.allSteps.push(step);
      job.allSteps.push(...this.expandComposite(step, 0, []));
    });
    return job;
  }

  private buildStep(input: {
    job: Job;
    file: SourceFile;
    document: Document;
    node: Node;
    index: number;
    parentEnv: Map<string, EnvEntry>;
    caller: Step | null;
    defaults: RunDefaults | null;
  }): Step {
    const { job, file, document, node, index, caller, defaults } = input;
    const name = stringAt(document, node, 'name');
    const usesValue = scalarValue<string>(file, document, getNode(document, node, 'uses'));
    const runValue = scalarValue<string>(file, document, getNode(document, node, 'run'));
    const shellValue = scalarValue<string>(file, document, getNode(document, node, 'shell'));
    const workingValue = scalarValue<string>(file, document, getNode(document, node, 'working-directory'));

    let shell: ResolvedShell;
    let shellSpan: Span | null = null;
    if (shellValue) {
      shell = resolveShell(shellValue.text, 'step', job.runsOn.windows);
      shellSpan = shellValue.span;
    } else if (defaults?.shell) {
      shell = resolveShell(defaults.shell.text, defaults.shellLevel === 'job' ? 'job-defaults' : 'workflow-defaults', job.runsOn.windows);
      shellSpan = defaults.shell.span;
    } else {
      shell = resolveShell(null, 'default', job.runsOn.windows);
    }
    const effectiveWorking = workingValue ?? defaults?.workingDirectory ?? null;
    const stepNode = node;
    const span = spanOfNode(file, stepNode)!;
    const step: Step = {
      index,
      id: stringAt(document, node, 'id'),
      name,
      displayName: '',
      uses: usesValue ? this.parseUses(usesValue) : null,
      with: readValueMap(file, document, getNode(document, node, 'with')),
      run: null,
      shell,
      shellSpan,
      workingDirectory: effectiveWorking ? normalizeWorkingDirectory(effectiveWorking.text) : '',
      workingDirectoryValue: effectiveWorking,
      env: readEnv(file, document, getNode(document, node, 'env'), caller ? 'action-step' : 'step', input.parentEnv),
      continueOnError: scalarValue<string | boolean>(file, document, getNode(document, node, 'continue-on-error')),
      if: scalarValue<string | boolean>(file, document, getNode(document, node, 'if')),
      span,
      node: stepNode,
      file,
      document,
      job,
      caller,
      action: null,
      ignoreComments: [],
    };
    if (runValue) step.run = makeRunScript(step, runValue);
    step.displayName = name ?? `#${index} ${firstCommand(step)}`.trim();
    const comments = this.repository.ignoreComments.get(file.path) ?? [];
    step.ignoreComments = comments.filter((comment) => comment.line >= span.line - 1 && comment.line <= span.endLine && (comment.line >= span.line || isWholeLineComment(file, comment.line)));
    return step;
  }

  /** Load the steps of a local composite action used by `step`, recursively, in execution order. */
  private expandComposite(step: Step, depth: number, chain: string[]): Step[] {
    const localPath = step.uses?.localPath;
    if (localPath === null || localPath === undefined || depth >= MAX_ACTION_DEPTH || chain.includes(localPath)) return [];
    const action = this.loadAction(localPath);
    if (!action) return [];
    step.action = action;
    if (action.using !== 'composite') return [];
    const runs = getNode(action.document, action.document.contents, 'runs');
    const expanded: Step[] = [];
    sequenceItems(action.document, getNode(action.document, runs, 'steps')).forEach((node, position) => {
      if (!isMap(node)) return;
      const inner = this.buildStep({
        job: step.job,
        file: action.file,
        document: action.document,
        node,
        index: position + 1,
        parentEnv: step.env,
        caller: step,
        // Composite actions have no `defaults:`; each `run:` step names its shell.
        defaults: null,
      });
      expanded.push(inner, ...this.expandComposite(inner, depth + 1, [...chain, localPath]));
    });
    return expanded;
  }

  private loadAction(directory: string): CompositeAction | null {
    if (this.actionCache.has(directory)) return this.actionCache.get(directory) ?? null;
    this.actionCache.set(directory, null);
    for (const name of ['action.yml', 'action.yaml']) {
      const path = joinPath(directory, name);
      if (this.reader.kindOf(path) !== 'file') continue;
      if ((this.reader.fileSize(path) ?? 0) > MAX_WORKFLOW_BYTES) {
        this.repository.notes.push(`${path}: skipped: larger than ${MAX_WORKFLOW_BYTES / 1048576} MiB`);
        return null;
      }
      const file = this.readSource(path);
      if (!file) continue;
      const document = parseYaml(file.text);
      if (document.errors[0]) {
        const [start, end] = document.errors[0].pos;
        this.problem(path, 'invalid-yaml', `invalid YAML: ${describeYamlError(document.errors[0])}`, spanOfYamlError(file, document.errors[0]));
        return null;
      }
      const top = document.contents;
      const action: CompositeAction = {
        directory,
        file,
        document,
        name: stringAt(document, top, 'name'),
        inputs: readParameters(file, document, getNode(document, top, 'inputs')),
        using: stringAt(document, getNode(document, top, 'runs'), 'using'),
      };
      this.actionCache.set(directory, action);
      this.repository.actions.push(action);
      return action;
    }
    return null;
  }

  parseUses(value: Value<string>): UsesReference {
    const raw = value.text.trim();
    const base = { raw, span: value.span, owner: null, repo: null, path: null, ref: null, action: null, localPath: null };
    if (raw.startsWith('./')) return { ...base, kind: 'local', localPath: joinPath(raw.slice(2)) };
    if (raw.startsWith('docker://')) return { ...base, kind: 'docker' };
    const at = raw.lastIndexOf('@');
    const target = at === -1 ? raw : raw.slice(0, at);
    const ref = at === -1 ? null : raw.slice(at + 1);
    const [owner = '', repo = '', ...rest] = target.split('/');
    const path = rest.length > 0 ? rest.join('/') : null;
    const same =
      this.repository.owner !== null &&
      owner.toLowerCase() === this.repository.owner.toLowerCase() &&
      repo.toLowerCase() === (this.repository.name ?? '').toLowerCase();
    return {
      ...base,
      kind: 'repository',
      owner,
      repo,
      path,
      ref,
      action: [owner, repo, ...rest].join('/').toLowerCase(),
      // NOTE: a use of this repository at another ref is read from the checked-out files.
      localPath: same ? joinPath(path ?? '') : null,
    };
  }

  /** Link jobs that call a reusable workflow of this repository to that workflow. */
  linkReusableWorkflows(): void {
    const byPath = new Map(this.repository.workflows.map((workflow) => [workflow.file.path, workflow]));
    for (const workflow of [...this.repository.workflows]) {
      for (const job of workflow.jobs) {
        const path = job.uses?.localPath;
        if (!path) continue;
        let called = byPath.get(path);
        if (!called && /\.ya?ml$/.test(path) && !this.repository.problems.some((problem) => problem.file === path)) {
          // A reusable workflow outside `.github/workflows/` is invalid for GitHub but still worth reading.
          const before = this.repository.workflows.length;
          this.loadWorkflowFile(path);
          called = this.repository.workflows.length > before ? this.repository.workflows[before] : undefined;
          if (called) byPath.set(path, called);
        }
        if (called) {
          job.calledWorkflow = called;
          called.callers.push(job);
        }
      }
    }
  }
}

function makeRunScript(step: Step, value: Value<string>): RunScript {
  const file = value.file;
  const text = value.text;
  let offsets: number[] | null = null;
  const map = () => (offsets ??= mapScalarOffsets(file, value.node as never, text));
  const positionAt = (offset: number) => file.positionAt(map()[Math.max(0, Math.min(offset, text.length))]!);
  return {
    text,
    step,
    file,
    span: value.span,
    node: value.node,
    expressions: findExpressions(text),
    positionAt,
    spanOf(start, end) {
      const from = positionAt(start);
      const to = positionAt(Math.max(start, end));
      return { file: file.path, line: from.line, column: from.column, endLine: to.line, endColumn: to.column };
    },
  };
}

function firstCommand(step: Step): string {
  if (step.run) {
    const line = step.run.text.split('\n').map((text) => text.trim()).find((text) => text !== '' && !text.startsWith('#'));
    return line ?? '';
  }
  return step.uses?.raw ?? '';
}

/** Normalise a working directory to a repository-relative path; null when it is an expression or outside. */
export function normalizeWorkingDirectory(text: string): string | null {
  let path = text.trim();
  path = path.replace(/^\$\{\{\s*github\.workspace\s*\}\}\/?/, '').replace(/^\$GITHUB_WORKSPACE\/?/, '').replace(/^\$\{GITHUB_WORKSPACE\}\/?/, '');
  if (path.includes('${{') || path.includes('$') || path.startsWith('/') || path.startsWith('~')) return null;
  const joined = joinPath(path);
  return joined.startsWith('..') ? null : joined;
}

function isWholeLineComment(file: SourceFile, line: number): boolean {
  return /^\s*#/.test(file.lineText(line));
}

function readEvents(document: Document, node: Node | null): string[] {
  const resolved = resolveNode(document, node);
  if (isScalar(resolved)) return [String(resolved.value)];
  if (isSeq(resolved)) return sequenceItems(document, resolved).flatMap((item) => (isScalar(item) ? [String(item.value)] : []));
  return mapEntries(document, resolved).map((entry) => entry.key);
}

function readParameters(file: SourceFile, document: Document, node: Node | null): CallParameter[] {
  return mapEntries(document, node).map((entry) => ({
    name: entry.key,
    required: getNode(document, entry.value, 'required') !== null && stringAt(document, entry.value, 'required') === 'true',
    type: stringAt(document, entry.value, 'type'),
    span: spanOfNode(file, entry.keyNode)!,
  }));
}

function readPermissions(file: SourceFile, document: Document, node: Node | null, level: 'job' | 'workflow'): Permissions {
  const resolved = resolveNode(document, node);
  const permissions: Permissions = { declaredAt: level, shorthand: null, scopes: {}, span: spanOfNode(file, resolved), node: resolved };
  if (resolved === null) return { ...permissions, declaredAt: 'undeclared', span: null };
  if (isScalar(resolved)) {
    const text = String(resolved.value);
    if (text === 'read-all' || text === 'write-all') permissions.shorthand = text;
    return permissions;
  }
  const entries = mapEntries(document, resolved);
  if (entries.length === 0) permissions.shorthand = 'none';
  for (const entry of entries) {
    const value = stringAt(document, resolved, entry.key);
    if (value === 'read' || value === 'write' || value === 'none') permissions.scopes[entry.key] = value;
  }
  return permissions;
}

function readEnv(file: SourceFile, document: Document, node: Node | null, level: EnvEntry['level'], inherited: Map<string, EnvEntry>): Map<string, EnvEntry> {
  const env = new Map(inherited);
  for (const entry of mapEntries(document, node)) {
    const value = scalarValue(file, document, entry.value);
    if (!value) continue;
    env.set(entry.key, { name: entry.key, value, level, keySpan: spanOfNode(file, entry.keyNode)! });
  }
  return env;
}

function readValueMap(file: SourceFile, document: Document, node: Node | null): Map<string, Value<string | number | boolean | null>> {
  const values = new Map<string, Value<string | number | boolean | null>>();
  for (const entry of mapEntries(document, node)) {
    const value = scalarValue(file, document, entry.value);
    if (value) values.set(entry.key, value);
  }
  return values;
}

function readRunDefaults(file: SourceFile, document: Document, workflowDefaults: Node | null, jobDefaults: Node | null): RunDefaults {
  const jobShell = scalarValue<string>(file, document, getNode(document, jobDefaults, 'shell'));
  const workflowShell = scalarValue<string>(file, document, getNode(document, workflowDefaults, 'shell'));
  const jobDirectory = scalarValue<string>(file, document, getNode(document, jobDefaults, 'working-directory'));
  const workflowDirectory = scalarValue<string>(file, document, getNode(document, workflowDefaults, 'working-directory'));
  const levelOf = (job: unknown, workflow: unknown): RunDefaults['shellLevel'] => {
    if (job) return 'job';
    if (workflow) return 'workflow';
    return null;
  };
  return {
    shell: jobShell ?? workflowShell,
    shellLevel: levelOf(jobShell, workflowShell),
    workingDirectory: jobDirectory ?? workflowDirectory,
    workingDirectoryLevel: levelOf(jobDirectory, workflowDirectory),
  };
}

const GITHUB_HOSTED = /^(ubuntu|windows|macos)-(latest|[0-9.]+(-arm|-xl|-large|-xlarge|-arm64)?(-[a-z0-9]+)*)$/i;

function readRunsOn(file: SourceFile, document: Document, node: Node | null): Job['runsOn'] {
  const resolved = resolveNode(document, node);
  let labels: string[] = [];
  let group = false;
  if (isScalar(resolved)) labels = [String(resolved.value)];
  else if (isSeq(resolved)) labels = sequenceItems(document, resolved).flatMap((item) => (isScalar(item) ? [String(item.value)] : []));
  else if (isMap(resolved)) {
    group = getNode(document, resolved, 'group') !== null;
    const labelNode = resolveNode(document, getNode(document, resolved, 'labels'));
    if (isScalar(labelNode)) labels = [String(labelNode.value)];
    else labels = sequenceItems(document, labelNode).flatMap((item) => (isScalar(item) ? [String(item.value)] : []));
  }
  const selfHosted = group || labels.some((label) => label.toLowerCase() === 'self-hosted');
  const unknown = labels.length === 0 || labels.some((label) => !GITHUB_HOSTED.test(label));
  return {
    labels,
    selfHosted,
    unknown: unknown && !selfHosted,
    windows: labels.some((label) => /^windows/i.test(label)),
    span: spanOfNode(file, resolved),
  };
}

function describeYamlError(error: YAMLError): string {
  return lowerFirst(error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''));
}

/**
 * The span of a parse error. An unclosed quote is reported where the file
 * ends, so it points at the opening quote instead: with no closing quote,
 * that is the last `"` (or the last `'` not doubled as an escape) before it.
 */
function spanOfYamlError(file: SourceFile, error: YAMLError): Span {
  const [start, end] = error.pos;
  const quote = /missing closing (["'])quote/i.exec(error.message)?.[1];
  if (quote) {
    let at = start;
    while (at > 0) {
      at = file.text.lastIndexOf(quote, at - 1);
      if (at === -1) break;
      const doubled = quote === "'" && (file.text[at - 1] === "'" || file.text[at + 1] === "'");
      if (!doubled) return file.spanOf(at, at + 1);
    }
  }
  return file.spanOf(start, Math.max(end, start + 1));
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

export type { ShellSource };
