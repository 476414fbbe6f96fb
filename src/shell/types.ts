/**
 * Facts that the run-script analysis produces. Every offset is a UTF-16 code
 * unit index into the script text as written in the workflow (the `run:`
 * value), so a span maps back to the YAML file without adjustment.
 */

/** A half-open range `[start, end)` of UTF-16 offsets into the script text. */
export interface Span {
  start: number;
  end: number;
}

/** One `${{ … }}` expression that was masked before parsing. */
export interface ExpressionMask {
  span: Span;
  /** The original text, `${{ secrets.NPM_TOKEN }}`. */
  text: string;
  /** The expression inside the braces, trimmed: `secrets.NPM_TOKEN`. */
  expression: string;
}

/**
 * A piece of a word or of written content. A word such as
 * `"//r/:_authToken=${NPM_TOKEN}"` has a literal segment and a variable one.
 */
export type Segment =
  | { kind: 'literal'; text: string }
  /**
   * A shell parameter such as `$HOME` or `${NPM_TOKEN}`. When `literal` is
   * true the shell does not expand it (single quotes, a quoted heredoc
   * delimiter or a backslash), so the text `raw` reaches the file or command
   * as written, and npm may expand it at read time.
   */
  | { kind: 'variable'; name: string; raw: string; literal: boolean }
  /** A GitHub Actions expression, expanded by the runner before the shell runs. */
  | { kind: 'expression'; text: string; expression: string }
  /** A command substitution, arithmetic or anything else whose value is unknown statically. */
  | { kind: 'unknown'; raw: string };

/** A shell word after quote removal, as far as it can be known statically. */
export interface Word {
  /** The source text with `${{ … }}` expressions restored. */
  raw: string;
  /** The value when it is fully literal, else null. */
  text: string | null;
  segments: Segment[];
  span: Span;
}

/** The anchor of a path, to which its relative part is appended. */
export type PathBase =
  /** The directory the step starts in (its `working-directory`, else the workspace). */
  | { kind: 'step' }
  | { kind: 'absolute' }
  /** `~` or `$HOME`. */
  | { kind: 'home' }
  /** A variable other than HOME, such as `$GITHUB_WORKSPACE` or `$RUNNER_TEMP`. */
  | { kind: 'variable'; name: string }
  /** A GitHub expression such as `${{ github.workspace }}`. */
  | { kind: 'expression'; expression: string };

/**
 * A path as far as it is known: a base plus a normalised POSIX path under
 * it (`.` for the base itself, may start with `../` for the `step` base).
 */
export type ShellPath =
  | { known: true; base: PathBase; path: string }
  | { known: false; reason: string; span: Span };

/** Shell options in effect at a point of the script. */
export interface ShellOptions {
  errexit: boolean;
  pipefail: boolean;
  /** The `set` command that last changed errexit, or null when it comes from the shell's flags. */
  errexitSetAt: Span | null;
  /** The `set` command that last changed pipefail, or null when it comes from the shell's flags. */
  pipefailSetAt: Span | null;
}

/** A change to the options by `set` inside the script. */
export interface OptionChange {
  option: 'errexit' | 'pipefail';
  enabled: boolean;
  span: Span;
  /** True when it sits in a subshell, function or substitution, so it does not last. */
  scoped: boolean;
}

/** The construct that tests a status, so `errexit` does not fire for it. */
export interface StatusTest {
  kind: 'or' | 'and' | 'if' | 'elif' | 'while' | 'until' | 'not' | 'status-variable';
  /** The operator, keyword or `$?` expansion that performs the test. */
  span: Span;
  /**
   * What runs when the tested status is non-zero: the right side of `||`,
   * the `else`/`then` branch that handles failure, or the command reading
   * `$?`. Null when nothing runs (`&&`, a loop condition).
   */
  handler: FailureHandler | null;
}

/** The code that runs when a tested status is non-zero. */
export interface FailureHandler {
  span: Span;
  /**
   * `fails`: it ends the step with a non-zero status (`exit 1`, `false`);
   * `succeeds`: it only prints or does nothing (`true`, `:`, `echo`);
   * `unknown`: it runs other commands whose result cannot be known.
   */
  outcome: 'fails' | 'succeeds' | 'unknown';
}

/**
 * The fate of a failure of one command.
 * - `step-fails`: errexit stops the script, or it is the script's last
 *   status, so the step fails;
 * - `tested`: a construct tests the status (see `SimpleCommand.statusTest`);
 * - `lost-in-pipeline`: it is not the last command of a pipeline and
 *   pipefail is off, so the pipeline's status is another command's;
 * - `ignored`: nothing looks at the status (errexit is off, a command inside
 *   a condition that is not the tested one, `! cmd` on its own, the left side
 *   of `&&` outside a test, a background job, a substitution whose status is
 *   dropped);
 * - `unknown`: the status is a function's return value, which its caller
 *   decides about.
 */
export type FailureOutcome =
  | { kind: 'step-fails'; via: 'errexit' | 'last-status' }
  | { kind: 'tested' }
  | { kind: 'lost-in-pipeline' }
  | { kind: 'ignored'; reason: 'errexit-off' | 'condition' | 'negated' | 'and-list' | 'background' | 'substitution' }
  | { kind: 'unknown' };

/** A pipeline, including a single command, which bash treats as a pipeline of one. */
export interface Pipeline {
  id: number;
  span: Span;
  /** Element spans in order; each element is a command, subshell or compound. */
  elements: Span[];
  /** Ids of the simple commands of each element (nested ones included). */
  elementCommands: number[][];
  /** Spans of the `|` or `|&` operators. */
  operators: Span[];
  /** `! a | b` negates the whole pipeline. */
  negated: boolean;
  options: ShellOptions;
  /** The test applied to the pipeline's status, or null. */
  statusTest: StatusTest | null;
  /**
   * Later reads of `${PIPESTATUS[…]}`, each marked `fresh` when it still
   * contains this pipeline's statuses and not a later command's.
   */
  pipestatusReads: PipestatusRead[];
  /** The fate of a non-zero status; see `FailureOutcome`. */
  failure: FailureOutcome;
}

/** A read of `${PIPESTATUS[…]}`. */
export interface PipestatusRead {
  span: Span;
  /** The index as written (`0`, `1`, `@`, `*`), or null when not literal. */
  index: string | null;
  /** True when no command ran between the pipeline and this read. */
  fresh: boolean;
  /** Id of the command that reads it. */
  command: number;
}

/** A redirection of a simple command or compound statement. */
export interface Redirect {
  /** `>`, `>>`, `2>`, `&>`, `>&`, `<`, `<<`, `<<-`, `<<<` and so on, with the descriptor when given. */
  operator: string;
  descriptor: number | null;
  target: Word | null;
  span: Span;
}

/** The destination of a command's output stream. */
export type StreamDestination = 'inherited' | 'null' | 'file' | 'captured' | 'pipe';

/** A simple command such as `npm publish --tag next`. */
export interface SimpleCommand {
  id: number;
  /** The command name after wrappers (`env`, `sudo`, `time`…) are stripped, when literal. */
  name: string | null;
  /**
   * Every word, the name first, wrappers included; assignments and redirects
   * excluded. A `[ … ]` or `[[ … ]]` test has only its bracket here.
   */
  words: Word[];
  /** The words after wrappers are stripped: what actually runs. */
  argv: Word[];
  /**
   * `NAME=value` prefixes, which set the environment of this command only;
   * for `export`, `local`, `declare` and bare assignments, the assignments
   * they make.
   */
  assignments: Assignment[];
  /** Redirects on the command and on the enclosing compound statements. */
  redirects: Redirect[];
  /** The command itself (prefix assignments, name, arguments); redirects after it are in `redirects`. */
  span: Span;
  cwd: ShellPath;
  options: ShellOptions;
  /** The pipeline it belongs to and its element index there. */
  pipeline: { id: number; index: number; length: number };
  /** The destinations of its stdout and stderr (`captured` inside `$(…)`). */
  stdout: StreamDestination;
  stderr: StreamDestination;
  /** True inside `$( … )` or backquotes. */
  inSubstitution: boolean;
  /** The enclosing function's name when inside a function body. */
  inFunction: string | null;
  /**
   * The test applied to its pipeline's status. For a command before the last
   * one of a pipeline without pipefail, that status is not this command's.
   */
  statusTest: StatusTest | null;
  /** What observes a failure of this command. */
  failure: FailureOutcome;
}

export interface Assignment {
  name: string;
  value: Word | null;
  span: Span;
}

/** A change to the environment of the rest of the script: `export NAME=value`. */
export interface ExportedVariable {
  name: string;
  /** Null for `export NAME` with no value, which exports the current value. */
  value: Word | null;
  span: Span;
  command: number;
}

/** What a written file is, judged by its path. */
export type WrittenFileKind =
  | 'npmrc'
  | 'yarnrc'
  | 'github-env'
  | 'github-path'
  | 'github-output'
  | 'github-step-summary'
  | 'other';

/** Content written to a file by a redirect, `tee` or a heredoc. */
export interface FileWrite {
  kind: WrittenFileKind;
  /** The target as written, resolved against the working directory when possible. */
  target: Word;
  path: ShellPath;
  append: boolean;
  via: 'redirect' | 'tee';
  /** The written text as segments, or null when it comes from an unknown command. */
  content: Segment[] | null;
  span: Span;
  command: number;
  cwd: ShellPath;
}

/** `npm config set key value` and the same for pnpm and Yarn. */
export interface ConfigSet {
  tool: 'npm' | 'pnpm' | 'yarn';
  key: string | null;
  value: Word | null;
  /**
   * The file it goes to: `user` (`~/.npmrc` or `--userconfig`), `project`
   * (the `.npmrc` of the project), `global`, or for Yarn the `.yarnrc.yml`
   * of the project (`project`) or home (`user`, with `-H`/`--home`).
   */
  location: 'user' | 'project' | 'global';
  /** `--userconfig <file>` when given. */
  userconfig: Word | null;
  span: Span;
  command: number;
  cwd: ShellPath;
}

/** A flag value of a publish command: absent, given without a value, or with one. */
export type FlagValue = Word | true;

export interface PublishCommand {
  tool: 'npm' | 'pnpm' | 'yarn' | 'yarn-classic' | 'bun' | 'lerna' | 'changesets' | 'semantic-release';
  /** A short form for messages: `npm publish`, `pnpm -r publish`, `changeset publish`. */
  form: string;
  /** How the tool was launched when not directly: `npx`, `pnpm dlx`, `yarn dlx`, `npm exec`, `npm run <script>`; null when run directly. */
  launcher: string | null;
  /** `-r`, `--workspaces`, `lerna`, `changeset` and `yarn workspaces foreach` publish several packages. */
  recursive: boolean;
  /** The folder or tarball argument, as in `npm publish ./packages/a`. */
  target: Word | null;
  registry: FlagValue | null;
  userconfig: FlagValue | null;
  tag: FlagValue | null;
  access: FlagValue | null;
  provenance: boolean;
  dryRun: boolean;
  /** `--workspace <name>` values (npm `-w`, pnpm `--filter`). */
  workspaces: Word[];
  /** The package.json script that ran it, for `npm run release`. */
  script: { name: string; body: string } | null;
}

/** A command that reads the registry after or before a publish. */
export interface RegistryQuery {
  kind: 'view' | 'install' | 'dist-tag';
  tool: 'npm' | 'pnpm' | 'yarn';
  form: string;
  /** The package spec (`pkg`, `pkg@1.2.3`), when given. */
  spec: Word | null;
  /** True when the spec names a version (`pkg@1.2.3`, `pkg@$VERSION`). */
  versioned: boolean;
  /** The field asked for (`version`, `versions`, `dist-tags`). */
  field: string | null;
  json: boolean;
}

/**
 * A registry query used to decide "is this version published?": its status
 * is tested, its output captured or compared, or its errors discarded.
 */
export interface ExistenceCheck {
  command: number;
  query: RegistryQuery;
  /** The `2>/dev/null`, `&>/dev/null` or `>/dev/null 2>&1` that discards npm's error, if any. */
  stderrDiscarded: Redirect | null;
  /** The test of its status (`if npm view …`, `|| echo`), if any. */
  statusTest: StatusTest | null;
  /** The `$(…)` that captures its output, if any. */
  capture: Span | null;
  /** True when a later `E404`/`404`/`Not Found` test tells "not published" from other errors. */
  distinguishesNotFound: boolean;
}

export interface ScriptAnalysis {
  /** The script as given. */
  script: string;
  /** The script with expressions masked, as parsed. */
  masked: string;
  expressions: ExpressionMask[];
  /** The options the shell starts with (from the step's `shell:`). */
  start: ShellOptions;
  commands: SimpleCommand[];
  pipelines: Pipeline[];
  optionChanges: OptionChange[];
  writes: FileWrite[];
  exports: ExportedVariable[];
  configSets: ConfigSet[];
  /** Publish commands keyed by command id. */
  publishes: Map<number, PublishCommand>;
  /** Registry queries keyed by command id. */
  queries: Map<number, RegistryQuery>;
  existenceChecks: ExistenceCheck[];
  /** Spans the grammar could not parse; facts inside them may be missing. */
  syntaxErrors: Span[];
  /** Why the analysis stopped early (a script nested too deeply to walk), or null when it is complete. */
  incomplete: string | null;
}
