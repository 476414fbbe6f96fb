/**
 * Judgements over a script analysis that the check rules report. They find
 * publish and verify commands whose failure a pipeline hides, whose status
 * check cannot see the failure, or whose failure is ignored. They also find
 * registry existence checks that read any error as "not published".
 */
import type {
  ExistenceCheck,
  OptionChange,
  Pipeline,
  PipestatusRead,
  ScriptAnalysis,
  SimpleCommand,
  Span,
  StatusTest,
} from './types.js';

/** Why a command matters: it publishes, or it reads the registry to verify a publish. */
export type CommandRole = 'publish' | 'verify';

/** A publish or verify command before the last command of a pipeline without pipefail. */
export interface PipelineFailure {
  /**
   * `hidden`: nothing checks the pipeline's status;
   * `check-misses`: a test (`||`, `if`, `!`, `$?`) or a stale
   * `${PIPESTATUS[…]}` read looks at the status, but not this command's.
   */
  kind: 'hidden' | 'check-misses';
  pipeline: Pipeline;
  command: SimpleCommand;
  role: CommandRole;
  /** The first command of the last pipeline element, whose status the pipeline reports. */
  last: SimpleCommand | null;
  /** The test that reads only the last command's status (for `check-misses`). */
  test: StatusTest | null;
  /** A `${PIPESTATUS[…]}` read after another command reset it (for `check-misses`). */
  stalePipestatus: PipestatusRead | null;
  /** The command that ran between the pipeline and the stale read. */
  resetBy: SimpleCommand | null;
  /** A `set -o pipefail` that comes after the pipeline and so does not apply to it. */
  laterPipefail: OptionChange | null;
}

/**
 * Returns the role of a command in publishing, or null for other commands.
 * Dry runs do not count, and neither does `npm view pkg` without a version or
 * a version field, which only prints information.
 */
export function roleOf(analysis: ScriptAnalysis, command: SimpleCommand): CommandRole | null {
  const publish = analysis.publishes.get(command.id);
  if (publish && !publish.dryRun) return 'publish';
  const query = analysis.queries.get(command.id);
  if (!query) return null;
  if (query.kind !== 'view' || query.versioned || VERSION_FIELDS.has(query.field ?? '')) return 'verify';
  return null;
}

const VERSION_FIELDS = new Set(['version', 'versions', 'dist-tags', 'time']);

/** Publish and verify commands whose failure a pipeline's status does not carry. */
export function findPipelineFailures(analysis: ScriptAnalysis): PipelineFailure[] {
  const found: PipelineFailure[] = [];
  // An existence check in a pipeline (`npm view … | grep -q …`) is judged as an existence check instead.
  const existenceChecks = new Set(analysis.existenceChecks.map((check) => check.command));

  for (const pipeline of analysis.pipelines) {
    if (pipeline.elements.length < 2 || pipeline.options.pipefail) continue;
    const lastIds = pipeline.elementCommands[pipeline.elementCommands.length - 1] ?? [];
    const last = lastIds.length > 0 ? analysis.commands[lastIds[0]!]! : null;

    for (let index = 0; index < pipeline.elementCommands.length - 1; index++) {
      const command = pipeline.elementCommands[index]!
        .map((id) => analysis.commands[id]!)
        .find((candidate) => candidate.failure.kind === 'lost-in-pipeline' && roleOf(analysis, candidate) !== null && !existenceChecks.has(candidate.id));
      if (!command) continue;

      const test = pipeline.statusTest && pipeline.statusTest.kind !== 'and' ? pipeline.statusTest : null;
      const reads = pipeline.pipestatusReads.filter((read) => read.index === null || read.index === '@' || read.index === '*' || read.index === String(index));
      // A read inside the branch that the pipeline's own test guards never runs when only the command fails.
      const guarded = (read: PipestatusRead) => test?.handler != null && read.span.start >= test.handler.span.start && read.span.end <= test.handler.span.end;
      if (reads.some((read) => read.fresh && !guarded(read))) continue;
      const stale = reads.find((read) => !read.fresh && !guarded(read)) ?? null;
      const lastId = Math.max(...pipeline.elementCommands.flat());
      found.push({
        kind: test || stale ? 'check-misses' : 'hidden',
        pipeline,
        command,
        role: roleOf(analysis, command)!,
        last,
        test,
        stalePipestatus: stale,
        resetBy: stale ? (analysis.commands[lastId + 1] ?? null) : null,
        laterPipefail: analysis.optionChanges.find((change) => change.option === 'pipefail' && change.enabled && change.span.start >= pipeline.span.end) ?? null,
      });
      // One finding per pipeline: the first command whose failure it hides.
      break;
    }
  }
  return found;
}

/** A publish or verify command whose failure is caught or dropped without failing the step. */
export interface IgnoredFailure {
  command: SimpleCommand;
  role: CommandRole;
  /**
   * - `handler-succeeds`: `|| true`, `|| echo …`, an `if !` or `else` branch that only prints;
   * - `no-handler`: `if cmd; then …; fi` with no `else`, or `! cmd || …`;
   * - `errexit-off`: errexit is off (`set +e`, or a shell without `-e`) and no `$?` check follows;
   * - `and-list`: the left side of `&&`, where errexit does not apply;
   * - `negated`: `! cmd` on its own;
   * - `substitution`: inside `$( … )` whose status is dropped (an argument, `local`, `export`).
   */
  how: 'handler-succeeds' | 'no-handler' | 'errexit-off' | 'and-list' | 'negated' | 'substitution';
  /** The test that catches the failure, for `handler-succeeds` and `no-handler`. */
  test: StatusTest | null;
  /** The `set +e` that turned errexit off, for `errexit-off`; null when the shell started without `-e`. */
  errexitOffAt: Span | null;
}

/** Publish and verify commands (existence checks excluded) whose failure does not fail the step. */
export function findIgnoredFailures(analysis: ScriptAnalysis): IgnoredFailure[] {
  const existenceChecks = new Set(analysis.existenceChecks.map((check) => check.command));
  const found: IgnoredFailure[] = [];

  for (const command of analysis.commands) {
    const role = roleOf(analysis, command);
    if (role === null || existenceChecks.has(command.id)) continue;
    const failure = command.failure;

    if (failure.kind === 'tested') {
      const test = command.statusTest;
      if (!test || test.kind === 'while' || test.kind === 'until' || test.kind === 'and') continue;
      if (test.handler === null) {
        // `if cmd; then …; fi` without else, and `! cmd || x`: nothing runs on failure.
        if (test.kind === 'if' || test.kind === 'elif' || test.kind === 'not') found.push({ command, role, how: 'no-handler', test, errexitOffAt: null });
        continue;
      }
      if (test.handler.outcome === 'succeeds') found.push({ command, role, how: 'handler-succeeds', test, errexitOffAt: null });
      continue;
    }
    if (failure.kind === 'ignored' && failure.reason !== 'background' && failure.reason !== 'condition') {
      const how = failure.reason === 'errexit-off' ? 'errexit-off' : failure.reason;
      found.push({ command, role, how, test: null, errexitOffAt: how === 'errexit-off' ? command.options.errexitSetAt : null });
    }
  }
  return found;
}

/** An existence check whose failure reads the same as "not published". */
export interface UnsafeExistenceCheck {
  check: ExistenceCheck;
  command: SimpleCommand;
}

/**
 * Existence checks that do not fail the step on a registry error and do not
 * tell a 404 from other errors. A check whose failure stops the step (errexit
 * on `x=$(npm view …)`) is not reported here.
 */
export function findUnsafeExistenceChecks(analysis: ScriptAnalysis): UnsafeExistenceCheck[] {
  return analysis.existenceChecks
    .filter((check) => !check.distinguishesNotFound)
    .map((check) => ({ check, command: analysis.commands[check.command]! }))
    .filter(({ command }) => command.failure.kind !== 'step-fails' && command.failure.kind !== 'unknown');
}

/** Returns the script text of a span on one line, shortened for messages. */
export function excerpt(analysis: ScriptAnalysis, span: Span, max = 60): string {
  const text = analysis.script.slice(span.start, span.end).replace(/\s*\\\n\s*/g, ' ').replace(/\s+/g, ' ').trim();
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
