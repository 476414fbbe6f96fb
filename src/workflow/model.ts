/**
 * The GitHub Actions model `check` builds from a repository: workflows, jobs
 * and steps with exact positions, effective settings (permissions, env,
 * shells, working directories) and the composite actions and reusable
 * workflows they use, plus the repository's packages and npm/Yarn config
 * files. Rules read this model through `src/rules/context.ts`.
 *
 * Positions: every `Span` is 1-based with columns in UTF-16 code units.
 * `node` fields are the `yaml` package's nodes, for rules that need a
 * sub-node's span (`spanOfNode(file, node)`).
 */
import type { Document, Node, Pair } from 'yaml';
import type { Expression } from './expressions.js';
import type { ResolvedShell } from './shells.js';
import type { SourceFile, Span } from './source.js';

/** A scalar from the YAML with its position and the expressions it contains. */
export interface Value<T = string> {
  /** The parsed value; strings stay strings, `true` stays a boolean. */
  value: T;
  /** The value as text (`String(value)`), for matching. */
  text: string;
  /** The value's span in `file`. */
  span: Span;
  file: SourceFile;
  node: Node;
  /** `${{ … }}` expressions inside the value, with offsets into `text`. */
  expressions: Expression[];
  /** True when the whole value is a single `${{ … }}` expression. */
  isExpression: boolean;
}

/**
 * One environment variable as a step sees it, and the level that set it.
 * NOTE: variables that earlier steps write to `$GITHUB_ENV` are not in this
 * map; the shell layer reads those writes (`parseGithubEnvContent`).
 */
export interface EnvEntry {
  name: string;
  value: Value<string | number | boolean | null>;
  level: 'workflow' | 'job' | 'step' | 'action-step';
  /** The key's span (`NODE_AUTH_TOKEN:`), for pointing at the variable itself. */
  keySpan: Span;
}

export type PermissionLevel = 'read' | 'write' | 'none';

/** The `permissions:` in force for a job. */
export interface Permissions {
  /** Where the permissions come from; `undeclared` means the repository's default token setting decides. */
  declaredAt: 'job' | 'workflow' | 'undeclared';
  /** `read-all` / `write-all` / `{}` shorthand, when used. */
  shorthand: 'read-all' | 'write-all' | 'none' | null;
  /** Scopes written explicitly (`packages: write`). */
  scopes: Record<string, PermissionLevel>;
  /** The `permissions:` node's span, or null when undeclared. */
  span: Span | null;
  node: Node | null;
}

/** The level a scope gets; `undeclared` when no `permissions:` applies. */
export function permissionOf(permissions: Permissions, scope: string): PermissionLevel | 'undeclared' {
  if (permissions.declaredAt === 'undeclared') return 'undeclared';
  if (permissions.shorthand === 'read-all') return 'read';
  if (permissions.shorthand === 'write-all') return 'write';
  // A declared mapping (or `{}`) gives every scope it does not name `none`.
  return permissions.scopes[scope] ?? 'none';
}

/** A parsed `uses:` value. */
export interface UsesReference {
  /** The value as written. */
  raw: string;
  kind: 'local' | 'repository' | 'docker';
  /** For `repository`: `actions`, `setup-node`, optional sub-path, ref. */
  owner: string | null;
  repo: string | null;
  /** Sub-path inside the repository (`.github/workflows/release.yml`), or null. */
  path: string | null;
  ref: string | null;
  /** `owner/repo` or `owner/repo/path`, lower case, without the ref: the key for known-action tables. */
  action: string | null;
  /**
   * For `local`, and for `repository` uses that name this repository: the
   * folder or file path relative to the repository root. Otherwise null.
   */
  localPath: string | null;
  span: Span;
}

/** The effective `defaults.run` of a job (job level over workflow level). */
export interface RunDefaults {
  shell: Value | null;
  shellLevel: 'job' | 'workflow' | null;
  workingDirectory: Value | null;
  workingDirectoryLevel: 'job' | 'workflow' | null;
}

/** A `run:` script and the mapping of its offsets back to the file. */
export interface RunScript {
  /** The script text exactly as the shell receives it, expressions still in place. */
  text: string;
  step: Step;
  file: SourceFile;
  /** The `run:` value's span. */
  span: Span;
  node: Node;
  expressions: Expression[];
  /** Convert an offset in `text` to a file line and column. */
  positionAt(offset: number): { line: number; column: number };
  /** Convert a range of `text` (end exclusive) to a file span. */
  spanOf(start: number, end: number): Span;
}

export interface Step {
  /** Position in its steps list, counting from 1 (the `#<index>` of the display name). */
  index: number;
  /** `id:` or null. */
  id: string | null;
  /** `name:` or null. */
  name: string | null;
  /** The `name:`, else `#<index>` and its first command line (or `uses:` value). */
  displayName: string;
  uses: UsesReference | null;
  /** `with:` inputs, by name. */
  with: Map<string, Value<string | number | boolean | null>>;
  run: RunScript | null;
  /** The shell this step's `run:` uses (meaningful only when `run` is set). */
  shell: ResolvedShell;
  /** Span of the `shell:` value that decided, or null for the runner default. */
  shellSpan: Span | null;
  /**
   * The effective working directory relative to the workspace (`''` for the
   * root), from the step's `working-directory:` or `defaults.run`; null when
   * it is an expression. `run:` steps only: `uses:` steps ignore it.
   */
  workingDirectory: string | null;
  workingDirectoryValue: Value | null;
  /** Environment as the step sees it: workflow → job → step (and caller → action step), later levels win. */
  env: Map<string, EnvEntry>;
  continueOnError: Value<string | boolean> | null;
  /** `if:` or null. */
  if: Value<string | boolean> | null;
  /** Span of the whole step mapping; `keySpan` is the first line of the step (its `- ` entry). */
  span: Span;
  node: Node;
  file: SourceFile;
  /** The document `node` belongs to (the workflow's, or the composite action's). */
  document: Document;
  job: Job;
  /** For a step of a composite action: the step that used the action. */
  caller: Step | null;
  /** For a step that uses a local composite action: the action, loaded. */
  action: CompositeAction | null;
  /** Lines of `# pubguard-ignore` comments that apply to the whole step. */
  ignoreComments: IgnoreComment[];
}

export interface Job {
  id: string;
  name: string | null;
  /** The job key's span. */
  idSpan: Span;
  span: Span;
  node: Node;
  workflow: Workflow;
  runsOn: {
    labels: string[];
    /** True when a label is `self-hosted`, or the value is an expression or a group (unknown counts as self-hosted: false). */
    selfHosted: boolean;
    /** True when the labels are not all known GitHub-hosted image names. */
    unknown: boolean;
    windows: boolean;
    span: Span | null;
  };
  permissions: Permissions;
  /** Workflow `env:` merged with job `env:`. */
  env: Map<string, EnvEntry>;
  defaultsRun: RunDefaults;
  if: Value<string | boolean> | null;
  continueOnError: Value<string | boolean> | null;
  needs: string[];
  needsSpan: Span | null;
  /** The job's own steps, in order. */
  steps: Step[];
  /** The job's steps with each composite action's steps right after its calling step: execution order. */
  allSteps: Step[];
  /** For a job that calls a reusable workflow (`uses:` at job level). */
  uses: UsesReference | null;
  /** The called workflow, when it is in this repository. */
  calledWorkflow: Workflow | null;
  /** `with:` of a reusable-workflow call. */
  with: Map<string, Value<string | number | boolean | null>>;
  /** `secrets:` of a reusable-workflow call; `inherit` passes every secret. */
  secrets: Map<string, Value<string | number | boolean | null>> | 'inherit';
  /** True when `strategy.matrix` is set. */
  hasMatrix: boolean;
}

/** A `workflow_call` input or secret declaration. */
export interface CallParameter {
  name: string;
  required: boolean;
  type: string | null;
  span: Span;
}

export interface Workflow {
  file: SourceFile;
  document: Document;
  name: string | null;
  /** Event names from `on:`. */
  events: string[];
  /** `workflow_call` declarations when the workflow is reusable. */
  call: { inputs: CallParameter[]; secrets: CallParameter[] } | null;
  /** Jobs of other workflows that call this one. */
  callers: Job[];
  permissions: Permissions;
  env: Map<string, EnvEntry>;
  jobs: Job[];
}

/** A local composite action (`action.yml` or `action.yaml`). */
export interface CompositeAction {
  /** Folder relative to the repository root. */
  directory: string;
  file: SourceFile;
  document: Document;
  name: string | null;
  inputs: CallParameter[];
  /** `runs.using`, such as `composite`, `node20`, `docker`. */
  using: string | null;
}

/** A `# pubguard-ignore <rule-id> <reason>` comment. */
export interface IgnoreComment {
  ruleId: string;
  reason: string;
  /** 1-based line of the comment. */
  line: number;
  file: string;
  /** True when the comment is the whole line, so it may annotate the line below. */
  wholeLine: boolean;
}

/** A YAML file under `.github/workflows/` that could not become a workflow. */
export interface WorkflowProblem {
  file: string;
  kind: 'invalid-yaml' | 'not-a-workflow' | 'too-large' | 'unreadable';
  message: string;
  span: Span;
}

/** A `package.json` of the repository. */
export interface PackageManifest {
  /** Folder relative to the repository root (`''` for the root). */
  directory: string;
  file: SourceFile;
  /** Parsed with positions (JSON is YAML), so rules can point at `publishConfig.provenance`. */
  document: Document;
  json: Record<string, unknown>;
  name: string | null;
  version: string | null;
  private: boolean;
  publishConfig: Record<string, unknown>;
  /** True for the root manifest. */
  isRoot: boolean;
}

/** One line of an `.npmrc` file. */
export interface NpmrcEntry {
  key: string;
  value: string;
  /** 1-based line number. */
  line: number;
  span: Span;
}

export interface NpmrcFile {
  /** Folder relative to the repository root. */
  directory: string;
  file: SourceFile;
  entries: NpmrcEntry[];
}

export interface PackageLayout {
  root: PackageManifest | null;
  /** Workspace packages from npm/Yarn `workspaces` or `pnpm-workspace.yaml`, excluding the root. */
  workspaces: PackageManifest[];
  /** Where workspaces were declared, or null. */
  workspaceSource: 'package.json' | 'pnpm-workspace.yaml' | null;
  /** Every `.npmrc` that git does not ignore, outside `node_modules` and `.git`. */
  npmrcFiles: NpmrcFile[];
  /** The root `.yarnrc.yml`, or null. */
  yarnrc: { file: SourceFile; document: Document } | null;
  /** `packageManager` of the root manifest (`pnpm@9.1.0`), or null. */
  packageManager: string | null;
}

export interface Repository {
  /** Absolute path of the checked folder. */
  root: string;
  /** `owner/name` from `--repo` or `git remote get-url origin`; null when unknown. */
  owner: string | null;
  name: string | null;
  workflows: Workflow[];
  actions: CompositeAction[];
  problems: WorkflowProblem[];
  packages: PackageLayout;
  /** Every `# pubguard-ignore` comment, by file. */
  ignoreComments: Map<string, IgnoreComment[]>;
  /** Files read, by path, for code frames. */
  files: Map<string, SourceFile>;
  /** Lines for the user about files skipped (loops, unreadable), printed on stderr. */
  notes: string[];
}

export type { Pair };
