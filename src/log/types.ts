/**
 * What the log readers produce: lines of CI output with their origin, already
 * stripped of timestamps, ANSI colour codes, byte-order marks and carriage
 * returns. Readers emit only the lines a consumer asks for, so a 1 GiB log
 * costs memory in proportion to what is kept, not to its size.
 */

/** How one input file was recognised. */
export type LogFormat = 'github-actions' | 'gh-run-view' | 'log-archive' | 'plain';

/** One line of log output. */
export interface LogLine {
  /** The input as the user named it; inside a zip, `archive.zip:job/3_Publish.txt`. */
  file: string;
  /** 1-based line number inside `file`. */
  line: number;
  /** The text without timestamp, `gh` columns, ANSI codes or line ending. */
  text: string;
  /** The job the line belongs to, when the input says so (`gh run view`, a zip entry, or the file name of a job log). */
  job: string | null;
  /** The step name the input gives (`gh run view` column or a per-step file in a zip), else null. */
  step: string | null;
}

/** Where a new input file starts: the consumer resets its per-file state here. */
export interface LogFileInfo {
  file: string;
  format: LogFormat;
  job: string | null;
  /** Step name carried by the file itself (a per-step file in a log archive), else null. */
  step: string | null;
  /**
   * For a whole-job file of a log archive: the names of its steps, taken from
   * the per-step files beside it, each with the `##[group]Run …` header that
   * starts the step, in step order.
   */
  stepNames?: StepName[];
}

/** A step's name and the header line (without timestamp) that starts it in the job's log. */
export interface StepName {
  header: string;
  name: string;
}

/** A summary of one input after it was read. */
export interface LogInputSummary {
  file: string;
  format: LogFormat;
  /** Number of lines read. */
  lines: number;
  /** Number of bytes read (after decompression for zip entries). */
  bytes: number;
}

/**
 * The receiver of a log stream. `wantsEveryLine` lets the consumer ask for
 * every line while it is inside a region it must read closely (a step
 * header, a failing step); otherwise only lines that start with a known
 * marker reach `line`.
 */
export interface LogSink {
  fileStart(info: LogFileInfo): void;
  line(entry: LogLine): void;
  /** A change of `gh run view` step column or job column, even when no line of the new step is a marker line. */
  stepBoundary?(entry: LogLine): void;
  fileEnd(summary: LogInputSummary): void;
  wantsEveryLine(): boolean;
}
