import type { LogFileInfo, LogInputSummary, LogLine, LogSink, StepName } from '../log/types.js';
import { parseNameVersion, registryOrigin } from '../signatures/parse.js';

/** A package a step announced (`npm notice 📦  name@1.0.0`) or completed (`+ name@1.0.0`). */
export interface PackageMention {
  name: string;
  version: string | null;
  registry: string | null;
  line: LogLine;
}

export interface RawFailure {
  lines: LogLine[];
  /** The package the step announced last before the failure. */
  announced: PackageMention | null;
  /** The registry the step announced last (`npm notice Publishing to …`). */
  registry: string | null;
}

export interface RawStep {
  job: string | null;
  file: string;
  name: string | null;
  /** True when `name` comes from the input (a `gh` column or an archive file name), not from the command. */
  nameFromInput: boolean;
  /** True when the input itself marked the step's start (a `gh` column change or an archive file), so its header belongs to it. */
  startedByInput: boolean;
  header: LogLine | null;
  script: LogLine[];
  shell: LogLine | null;
  env: Map<string, { value: string; line: LogLine }>;
  /** True when the header showed `with:` inputs: the step runs an action, not a script. */
  isAction: boolean;
  exitLine: LogLine | null;
  exitCode: number | null;
  announced: PackageMention[];
  registry: string | null;
  published: PackageMention[];
  failures: RawFailure[];
  /** Lines after a failure that claim success ("published successfully", "Released"). */
  successMessages: LogLine[];
  /** npm's notice that the token it sent has expired or was revoked (npm 11, as of 2026). */
  expiredTokenNotice: LogLine | null;
  /** npm 11's `npm verbose oidc …` lines: how the trusted-publishing exchange went. */
  oidcLines: LogLine[];
  /** Packages whose `Publishing to … (dry-run)` line was seen and whose `+ name@version` is still to come; `*` when unnamed. */
  dryRun: Set<string>;
  /**
   * True when the log shows the step ended: a later step started, the job's
   * closing lines followed, or the input is a whole step or job from a log
   * archive. A log cut off inside the step leaves it false.
   */
  completed: boolean;
  /** The last plain output line after a failure: the script went on after it, so something discarded the status. */
  outputAfterFailure: LogLine | null;
  /** Lines read closely after the first failure, capped so a noisy step cannot cost much. */
  closeReadLines: number;
}

/** What a job's setup printed: the `GITHUB_TOKEN` permissions and the npm version setup-node found. */
export interface JobFacts {
  /** Keyed by the name GitHub prints (`Packages`, `IdToken`), with `read`, `write` or `none`. */
  permissions: Map<string, { value: string; line: LogLine }>;
  npmVersion: { value: string; line: LogLine } | null;
}

/**
 * Return the run a file belongs to: a zip entry `logs.zip:job/3_Step.txt`
 * belongs to `logs.zip`, and a per-step file of an unzipped archive,
 * `logs/job/3_Step.txt`, to the folder `logs`.
 */
export function sourceOf(file: string): string {
  const zip = /^(.*\.zip):/i.exec(file);
  if (zip) return zip[1]!;
  const perStep = /^(.*)\/[^/]+\/\d+_[^/]*\.txt$/i.exec(file);
  return perStep ? perStep[1]! : file;
}

/** The key of a job in `LogCollector.jobFacts`. */
export function jobKey(file: string, job: string | null): string {
  return `${sourceOf(file)}\u0000${job ?? ''}`;
}

/** Lines between two failure starts that still count as one failure. */
const REPEAT_DISTANCE = 3;

/** Lines read closely after a failure in one step (looking for success messages). */
const CLOSE_READ_LIMIT = 2000;

// changesets' closing `error packages failed to publish:` only repeats the failures it printed before.
const FAILURE_START = /^(?:npm (?:ERR!|error) |lerna ERR! |lerna WARN notice Package failed to publish|error |➤ YN(?!0000)\d{4}|\s?ERR_PNPM_|🦋\s+error (?!packages failed to publish)|\[[^\]]*\] \[semantic-release\].*(?:✘|✖)|(?:Semantic|Aggregate)?(?:Release)?Error: .*\b(?:EINVALIDNPMTOKEN|ENONPMTOKEN)\b)/;
const FAILURE_CONTINUE = /^(?:npm (?:ERR!|error)|lerna (?:ERR!|WARN)|error |➤ YN\d{4}|\s?ERR_PNPM_|🦋\s+error |\[[^\]]*\] \[semantic-release\].*(?:✘|✖))/;
const SUCCESS_MESSAGE = /\b(?:published successfully|successfully published|publish(?:ed)? succeeded|released?\b|release (?:done|complete))|✅|🎉/i;
const EXIT_LINE = /^(?:##\[error\]|Error: )Process completed with exit code (\d+)/;

function newStep(job: string | null, file: string, name: string | null, nameFromInput: boolean): RawStep {
  return {
    job,
    file,
    name,
    nameFromInput,
    startedByInput: false,
    header: null,
    script: [],
    shell: null,
    env: new Map(),
    isAction: false,
    exitLine: null,
    exitCode: null,
    announced: [],
    registry: null,
    published: [],
    failures: [],
    successMessages: [],
    expiredTokenNotice: null,
    oidcLines: [],
    dryRun: new Set(),
    completed: false,
    outputAfterFailure: null,
    closeReadLines: 0,
  };
}

/**
 * The streaming half of `explain`: a log sink that keeps only what the
 * analysis needs (step headers, publish notices, failure blocks, exit
 * lines), so memory grows with the number of steps and failures, not with
 * the log.
 */
export class LogCollector implements LogSink {
  readonly steps: RawStep[] = [];
  readonly inputs: LogInputSummary[] = [];
  private current: RawStep | null = null;
  private file: LogFileInfo | null = null;
  private headerSection: 'none' | 'script' | 'env' | 'with' = 'none';
  private openFailure: RawFailure | null = null;
  private lastLineNumber = 0;
  private listMode: 'none' | 'lerna' | 'changesets' = 'none';
  private infoGroup: 'none' | 'permissions' | 'environment' = 'none';
  /** Step names the input supplies for the current file, and how many of them were used. */
  private stepNames: StepName[] = [];
  private stepNamesUsed = 0;
  readonly jobFacts = new Map<string, JobFacts>();

  fileStart(info: LogFileInfo): void {
    this.file = info;
    this.stepNames = info.stepNames ?? [];
    this.stepNamesUsed = 0;
    this.closeFailure();
    this.headerSection = 'none';
    this.listMode = 'none';
    this.current = null;
    // A per-step file of a log archive is one step, named by the file.
    if (info.step) {
      const step = newStep(info.job, info.file, info.step, true);
      step.startedByInput = true;
      this.startStep(step);
    }
  }

  fileEnd(summary: LogInputSummary): void {
    this.closeFailure();
    // GitHub writes a log archive after the job ends, so its files hold whole steps and jobs.
    if (this.current && (this.file?.format === 'log-archive' || this.file?.step)) this.current.completed = true;
    this.inputs.push(summary);
    this.current = null;
  }

  wantsEveryLine(): boolean {
    if (this.headerSection !== 'none' || this.listMode !== 'none' || this.infoGroup !== 'none') return true;
    const step = this.current;
    return step !== null && step.failures.length > 0 && step.closeReadLines < CLOSE_READ_LIMIT;
  }

  stepBoundary(entry: LogLine): void {
    this.closeFailure();
    this.headerSection = 'none';
    const name = entry.step && entry.step !== 'UNKNOWN STEP' ? entry.step : null;
    const step = newStep(entry.job, entry.file, name, name !== null);
    step.startedByInput = true;
    this.startStep(step);
  }

  line(entry: LogLine): void {
    const text = entry.text;
    const step = this.current;
    if (step && step.failures.length > 0 && this.headerSection === 'none') step.closeReadLines += 1;

    // The runner's closing lines come after the last step has ended.
    if (step && (text === 'Post job cleanup.' || text === 'Cleaning up orphan processes')) step.completed = true;

    if (this.readJobFact(entry)) {
      this.lastLineNumber = entry.line;
      return;
    }
    if (this.headerSection !== 'none' && this.readHeaderLine(entry)) {
      this.lastLineNumber = entry.line;
      return;
    }

    if (text.startsWith('##[group]Run ')) {
      this.closeFailure();
      this.openHeader(entry);
    } else if (this.openFailure && entry.line === this.lastLineNumber + 1 && FAILURE_CONTINUE.test(text)) {
      this.openFailure.lines.push(entry);
    } else {
      this.closeFailure();
      this.readOutputLine(entry);
    }
    this.lastLineNumber = entry.line;
  }

  // The job's setup prints its GITHUB_TOKEN permissions, and setup-node the npm version, each in a group.
  private readJobFact(entry: LogLine): boolean {
    const text = entry.text;
    if (this.infoGroup === 'none') {
      if (text === '##[group]GITHUB_TOKEN Permissions') this.infoGroup = 'permissions';
      else if (text === '##[group]Environment details') this.infoGroup = 'environment';
      return this.infoGroup !== 'none';
    }
    if (text.startsWith('##[')) {
      this.infoGroup = 'none';
      return text.startsWith('##[endgroup]');
    }
    const key = jobKey(entry.file, entry.job ?? this.file?.job ?? null);
    let facts = this.jobFacts.get(key);
    if (!facts) {
      facts = { permissions: new Map(), npmVersion: null };
      this.jobFacts.set(key, facts);
    }
    const permission = /^([A-Za-z]+): (read|write|none)$/.exec(text.trim());
    if (this.infoGroup === 'permissions' && permission) facts.permissions.set(permission[1]!, { value: permission[2]!, line: entry });
    const npm = /^npm: v?(\d+\.\d+\.\d+)/.exec(text.trim());
    if (this.infoGroup === 'environment' && npm) facts.npmVersion = { value: npm[1]!, line: entry };
    return true;
  }

  private ensureStep(entry: LogLine): RawStep {
    if (!this.current) this.startStep(newStep(entry.job ?? this.file?.job ?? null, entry.file, entry.step ?? null, entry.step !== null && entry.step !== 'UNKNOWN STEP'));
    return this.current!;
  }

  private startStep(step: RawStep): void {
    if (this.current && this.current !== step) this.current.completed = true;
    this.steps.push(step);
    this.current = step;
  }

  private openHeader(entry: LogLine): void {
    const current = this.current;
    // A named step from the input (gh column, archive file) that has not shown its header yet takes this one.
    const attach = current !== null && current.startedByInput && current.header === null && current.script.length === 0 && current.failures.length === 0 && current.published.length === 0;
    // The headers of composite actions' inner steps match no name, so the search moves forward only.
    const named = attach ? -1 : this.stepNames.findIndex((candidate, index) => index >= this.stepNamesUsed && candidate.header === entry.text);
    if (named >= 0) this.stepNamesUsed = named + 1;
    const name = named >= 0 ? this.stepNames[named]!.name : null;
    const step = attach ? current : newStep(entry.job ?? this.file?.job ?? null, entry.file, name, name !== null);
    if (!attach) this.startStep(step);
    step.header = entry;
    this.headerSection = 'script';
  }

  // Returns true when the line belonged to the open step header.
  private readHeaderLine(entry: LogLine): boolean {
    const step = this.current!;
    const text = entry.text;
    if (text.startsWith('##[endgroup]')) {
      this.headerSection = 'none';
      if (!step.name) step.name = step.script[0]?.text.trim() || step.header?.text.slice('##[group]Run '.length).trim() || null;
      return true;
    }
    if (text.startsWith('##[')) {
      this.headerSection = 'none';
      return false;
    }
    if (/^shell: /.test(text)) {
      step.shell = entry;
      this.headerSection = 'env';
      return true;
    }
    if (text === 'env:') {
      this.headerSection = 'env';
      return true;
    }
    if (text === 'with:') {
      step.isAction = true;
      this.headerSection = 'with';
      return true;
    }
    if (this.headerSection === 'script') {
      step.script.push(entry);
      return true;
    }
    const variable = /^ {2}([A-Za-z_][A-Za-z0-9_]*): ?(.*)$/.exec(text);
    if (variable && this.headerSection === 'env') {
      step.env.set(variable[1]!, { value: variable[2]!, line: entry });
      return true;
    }
    return /^ {2}\S/.test(text);
  }

  private readOutputLine(entry: LogLine): void {
    const text = entry.text;
    const step = this.ensureStep(entry);

    const exit = EXIT_LINE.exec(text);
    if (exit) {
      step.exitLine = entry;
      step.exitCode = Number(exit[1]);
      return;
    }
    // An action reports its failure with `core.setFailed`, which GitHub prints as `##[error]message`.
    // A script step can print `##[error]` with `::error::` and still pass, so only actions count here.
    if (step.isAction && step.exitLine === null && text.startsWith('##[error]')) {
      step.exitLine = entry;
      return;
    }

    if (this.listMode !== 'none') {
      const item = this.listMode === 'lerna' ? /^\s*- (\S+)$/.exec(text) : /^🦋\s+(\S+@\S+)$/.exec(text);
      const parsed = item ? parseNameVersion(item[1]!) : null;
      if (parsed) {
        step.published.push({ name: parsed.name, version: parsed.version, registry: step.registry, line: entry });
        return;
      }
      this.listMode = 'none';
    }

    if (FAILURE_START.test(text)) {
      const announced = step.announced.length > 0 ? step.announced[step.announced.length - 1]! : null;
      // Tools repeat one error in a few shapes (semantic-release prints it, a property dump, then a summary line);
      // a new start close after the last one, for the same announced package, continues it.
      const previous = step.failures[step.failures.length - 1];
      const previousEnd = previous?.lines[previous.lines.length - 1];
      if (previous && previousEnd && previousEnd.file === entry.file && entry.line - previousEnd.line <= REPEAT_DISTANCE && previous.announced === announced) {
        previous.lines.push(entry);
        this.openFailure = previous;
        return;
      }
      this.openFailure = { lines: [entry], announced, registry: step.registry };
      step.failures.push(this.openFailure);
      return;
    }

    if (/^npm (?:verbose|info|notice|warn) oidc /.test(text)) {
      step.oidcLines.push(entry);
      return;
    }
    if (/^npm (?:notice|warn) Access token expired or revoked/i.test(text)) {
      step.expiredTokenNotice = entry;
      return;
    }
    const notice = /^npm notice (?:📦\s+|package: )(\S+)/.exec(text);
    if (notice) {
      const parsed = parseNameVersion(notice[1]!);
      if (parsed) step.announced.push({ name: parsed.name, version: parsed.version, registry: null, line: entry });
      return;
    }
    // npm: `npm notice Publishing to URL with tag …`; Yarn 2+: `➤ YN0000: Publishing to URL with tag …`.
    const publishingTo = /^(?:npm notice|➤ YN0000:(?: ·)?) Publishing to (\S+)/.exec(text);
    if (publishingTo && text.endsWith('(dry-run)')) {
      // npm marks a dry run on this line only; the `+ name@version` it prints next (or, from pnpm, just before) publishes nothing.
      const last = step.announced[step.announced.length - 1];
      step.dryRun.add(last?.name ?? '*');
      step.published = step.published.filter((mention) => entry.line - mention.line.line > REPEAT_DISTANCE || (last !== undefined && mention.name !== last.name));
      return;
    }
    if (publishingTo) {
      step.registry = registryOrigin(publishingTo[1]!);
      const last = step.announced[step.announced.length - 1];
      if (last && last.registry === null) last.registry = step.registry;
      return;
    }
    const plus = /^\+ (\S+)$/.exec(text);
    if (plus) {
      const parsed = parseNameVersion(plus[1]!);
      if (parsed && (step.dryRun.has(parsed.name) || step.dryRun.has('*'))) {
        step.dryRun.delete(parsed.name);
        step.dryRun.delete('*');
      } else if (parsed) {
        const announced = [...step.announced].reverse().find((mention) => mention.name === parsed.name);
        step.published.push({ name: parsed.name, version: parsed.version, registry: announced?.registry ?? step.registry, line: entry });
      }
      return;
    }
    if (/^Successfully published:\s*$/.test(text)) {
      this.listMode = 'lerna';
      return;
    }
    if (/^🦋\s+success packages published successfully/.test(text)) {
      this.listMode = 'changesets';
      return;
    }
    // @semantic-release/npm names the registry when it checks the token.
    const verified = /\[semantic-release\].*Verify authentication for registry (\S+)/.exec(text);
    if (verified) {
      step.registry = registryOrigin(verified[1]!) ?? step.registry;
      return;
    }
    const release = /\[semantic-release\].*Published release (\S+)/.exec(text);
    if (release) {
      const last = step.announced[step.announced.length - 1];
      // npm's own `+ name@version` usually came first; semantic-release's line then repeats it.
      const seen = last !== undefined && step.published.some((mention) => mention.name === last.name && mention.version === release[1]);
      if (last && !seen) step.published.push({ name: last.name, version: release[1]!, registry: last.registry ?? step.registry, line: entry });
      return;
    }
    if (step.failures.length > 0 && SUCCESS_MESSAGE.test(text) && !text.startsWith('##[')) step.successMessages.push(entry);
    if (step.failures.length > 0 && !text.startsWith('##[') && text.trim() !== '' && text !== 'Post job cleanup.' && text !== 'Cleaning up orphan processes') step.outputAfterFailure = entry;
  }

  private closeFailure(): void {
    this.openFailure = null;
  }
}
