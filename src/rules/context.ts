/**
 * What a rule sees of the repository: walkers over the workflow model, the
 * packages and config files, the file reader, a cache shared by every rule
 * of one run, and `finding(...)`, which turns a place in the model into a
 * complete `Finding` (file, line, column, end, job, step, docs, related
 * locations, inline suppression).
 *
 * Rules may also import lower layers directly (`src/shell`, `src/npmconfig`,
 * `src/workflow`), but never `fs` or the network.
 */
import type { Node } from 'yaml';
import type { Confidence, Finding, Location, Severity } from '../report/finding.js';
import type { FileReader } from '../workflow/files.js';
import type {
  IgnoreComment,
  Job,
  NpmrcFile,
  PackageLayout,
  PackageManifest,
  Repository,
  RunScript,
  Step,
  Value,
  Workflow,
} from '../workflow/model.js';
import { spanOfNode, type SourceFile, type Span } from '../workflow/source.js';
import { getNode, spanWithinValue } from '../workflow/yaml-nodes.js';
import type { Rule } from './types.js';

/** A range of a run script (offsets into `script.text`, end exclusive). */
export interface ScriptRange {
  script: RunScript;
  start: number;
  end: number;
}

/** A range of a `Value`'s text (offsets into `value.text`, end exclusive), such as one expression. */
export interface ValueRange {
  value: Value<unknown>;
  start: number;
  end: number;
}

/** A YAML node of a file. */
export interface NodeInFile {
  file: SourceFile;
  node: Node;
}

/**
 * A place a finding can point at. A `Step` points at its `name:` (else its
 * `uses:` or `run:` line), and a `Job` at its id. A `RunScript` points at its
 * `run:` value, a `Value` at the value, and a `ValueRange` at part of a value
 * (one `${{ … }}` of a `with:` input). A `Span` is taken as is.
 */
export type Anchor = Span | Value<unknown> | Step | Job | RunScript | ScriptRange | ValueRange | NodeInFile;

export interface FindingInput {
  at: Anchor;
  message: string;
  fix: string;
  /** Structured values the message was built from. */
  args?: Record<string, unknown>;
  related?: Array<{ at: Anchor; label: string }>;
  /** Label for the primary location in the code frame. */
  label?: string;
  severity?: Severity;
  confidence?: Confidence;
  /** The step and job the finding belongs to, when `at` does not say (a `Value` or `Span`). */
  step?: Step | null;
  job?: Job | null;
}

export interface RuleContext {
  readonly rule: Rule;
  readonly repository: Repository;
  /** Reads other repository files; rules never use `fs`. */
  readonly files: FileReader;
  /** `owner` and `name` from `--repo` or the origin remote; null when unknown. */
  readonly owner: string | null;
  readonly name: string | null;
  readonly packages: PackageLayout;
  /** The lists `workflows()`, `jobs()`, `steps()` and `runScripts()` return are shared by every rule: read them, never change them. */
  workflows(): Workflow[];
  jobs(): Job[];
  /** Every step in execution order, composite action steps right after the step that uses them. */
  steps(): Step[];
  /** Every `run:` script of `steps()`. */
  runScripts(): RunScript[];
  /** The root manifest (if any) followed by the workspace packages. */
  manifests(): PackageManifest[];
  npmrcFiles(): NpmrcFile[];
  /** Memoise a value for the whole run, shared by every rule (parsed scripts, resolved npm config). */
  cache<T>(key: string, compute: () => T): T;
  /** Build a finding of this rule. */
  finding(input: FindingInput): Finding;
  /** Record a line for the user's stderr, such as why a rule was skipped. */
  note(text: string): void;
}

/** State shared by all rule contexts of one run. */
export interface SharedContext {
  repository: Repository;
  files: FileReader;
  cache: Map<string, unknown>;
  notes: string[];
  /** `jobs()`, `steps()` and `runScripts()`, built on first use. */
  jobs?: Job[];
  steps?: Step[];
  runScripts?: RunScript[];
}

export function createSharedContext(repository: Repository, files: FileReader): SharedContext {
  return { repository, files, cache: new Map(), notes: [] };
}

export function createRuleContext(shared: SharedContext, rule: Rule): RuleContext {
  const { repository } = shared;
  // The model does not change during a run, so the lists are built once and shared by every rule.
  const jobs = () => (shared.jobs ??= repository.workflows.flatMap((workflow) => workflow.jobs));
  const steps = () => (shared.steps ??= jobs().flatMap((job) => job.allSteps));
  return {
    rule,
    repository,
    files: shared.files,
    owner: repository.owner,
    name: repository.name,
    packages: repository.packages,
    workflows: () => repository.workflows,
    jobs,
    steps,
    runScripts: () => (shared.runScripts ??= steps().flatMap((step) => (step.run ? [step.run] : []))),
    manifests: () => [...(repository.packages.root ? [repository.packages.root] : []), ...repository.packages.workspaces],
    npmrcFiles: () => repository.packages.npmrcFiles,
    cache<T>(key: string, compute: () => T): T {
      if (!shared.cache.has(key)) shared.cache.set(key, compute());
      return shared.cache.get(key) as T;
    },
    finding: (input) => buildFinding(repository, rule, input),
    note: (text) => shared.notes.push(`${rule.id}: ${text}`),
  };
}

/** Build a complete finding: position, job, step, related locations and suppression. */
export function buildFinding(repository: Repository, rule: Rule, input: FindingInput): Finding {
  const primary = locate(input.at);
  const step = input.step !== undefined ? input.step : stepOf(input.at);
  const job = input.job !== undefined ? input.job : (step?.job ?? jobOf(input.at));
  const related: Location[] = (input.related ?? []).map(({ at, label }) => ({ ...locate(at), label }));

  // A finding inside a composite action also points at the step that uses the action.
  if (step?.caller && !related.some((location) => location.file === step.caller!.file.path && location.line === stepLine(step.caller!).line)) {
    related.push({ ...stepLine(step.caller), label: `action used by step ${JSON.stringify(step.caller.displayName)}` });
  }

  const finding: Finding = {
    ...primary,
    ...(input.label ? { label: input.label } : {}),
    ruleId: rule.id,
    severity: input.severity ?? rule.severity,
    confidence: input.confidence ?? rule.confidence,
    job: job?.id ?? null,
    step: step?.displayName ?? null,
    message: input.message,
    fix: input.fix,
    docs: rule.docsUrl,
    related,
    suppressed: false,
    args: input.args ?? {},
  };
  const ignore = findSuppression(repository, finding, step);
  if (ignore) {
    finding.suppressed = true;
    finding.suppressedBy = `${ignore.file}:${ignore.line}${ignore.reason ? ` (${ignore.reason})` : ''}`;
  }
  return finding;
}

/**
 * A `# pubguard-ignore <rule-id> <reason>` comment suppresses a finding of
 * that rule when it sits on one of the finding's lines, alone on the line
 * right above it (the only place in an `.npmrc`), or anywhere in the
 * finding's step (including a comment line right above the step). For a step
 * of a composite action, the comment may also sit on the step that uses it.
 */
function findSuppression(repository: Repository, finding: Finding, step: Step | null): IgnoreComment | null {
  const matches = (comment: IgnoreComment) => comment.ruleId === finding.ruleId;
  const onLine = (repository.ignoreComments.get(finding.file) ?? []).find(
    (comment) =>
      matches(comment) &&
      ((comment.line >= finding.line && comment.line <= finding.endLine) || (comment.wholeLine && comment.line === finding.line - 1)),
  );
  if (onLine) return onLine;
  for (let current = step; current; current = current.caller) {
    const inStep = current.ignoreComments.find(matches);
    if (inStep) return inStep;
  }
  return null;
}

function isScriptRange(at: Anchor): at is ScriptRange {
  return 'script' in at && 'start' in at;
}
function isValueRange(at: Anchor): at is ValueRange {
  return 'value' in at && 'start' in at && !('isExpression' in at);
}
function isStep(at: Anchor): at is Step {
  return 'displayName' in at;
}
function isJob(at: Anchor): at is Job {
  return 'allSteps' in at;
}
function isRunScript(at: Anchor): at is RunScript {
  return 'positionAt' in at;
}
function isValue(at: Anchor): at is Value<unknown> {
  return 'isExpression' in at;
}
function isNodeInFile(at: Anchor): at is NodeInFile {
  return 'node' in at && 'file' in at && !('span' in at);
}

/** The first line of a step: its `name:` value, else its `uses:` value, else the start of the step. */
export function stepLine(step: Step): Span {
  const nameSpan = spanOfNode(step.file, getNode(step.document, step.node, 'name'));
  if (nameSpan && nameSpan.line === nameSpan.endLine) return nameSpan;
  if (step.uses) return step.uses.span;
  const lineEnd = step.file.lineText(step.span.line).length + 1;
  return { ...step.span, endLine: step.span.line, endColumn: Math.max(step.span.column + 1, lineEnd) };
}

/** Convert an anchor to a location. */
export function locate(at: Anchor): Location {
  if (isScriptRange(at)) return at.script.spanOf(at.start, at.end);
  if (isValueRange(at)) return spanWithinValue(at.value, at.start, at.end);
  if (isStep(at)) return stepLine(at);
  if (isJob(at)) return at.idSpan;
  if (isRunScript(at)) return at.span;
  if (isValue(at)) return at.span;
  if (isNodeInFile(at)) return spanOfNode(at.file, at.node) ?? at.file.spanOf(0, 0);
  return { file: at.file, line: at.line, column: at.column, endLine: at.endLine, endColumn: at.endColumn };
}

function stepOf(at: Anchor): Step | null {
  if (isScriptRange(at)) return at.script.step;
  if (isStep(at)) return at;
  if (isRunScript(at)) return at.step;
  return null;
}

function jobOf(at: Anchor): Job | null {
  return isJob(at) ? at : null;
}
