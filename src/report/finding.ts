/**
 * The finding model shared by `check` and `doctor`, and the evidence model
 * shared by every report. Renderers in this folder take these types only.
 */

export type Severity = 'error' | 'warning' | 'info';
export type Confidence = 'high' | 'medium' | 'low';

export const SEVERITY_ORDER: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** A span in a file. Lines and columns are 1-based; columns count UTF-16 code units. */
export interface Location {
  /** Path relative to the checked directory, with `/` separators. */
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** Short label shown under the span, such as "pipeline ends here". */
  label?: string;
}

/** A log line or file location that supports a conclusion. `text` is always redacted. */
export interface Evidence {
  file: string;
  /** 1-based line number. */
  line: number;
  text: string;
}

export interface Finding extends Location {
  ruleId: string;
  severity: Severity;
  confidence: Confidence;
  /** The job id, or null outside a workflow. */
  job: string | null;
  /** The step's `name:`, else `#<index>` and its first command; null outside a step. */
  step: string | null;
  /** What happened and why, starting in lower case with the user's values quoted. */
  message: string;
  /** What to change. */
  fix: string;
  /** Link to the rule's docs page. */
  docs: string;
  related: Location[];
  suppressed: boolean;
  /** Where the suppression came from (`# pubguard-ignore` comment location), when suppressed. */
  suppressedBy?: string;
  /** Structured values the message was built from, for tools that filter findings. */
  args: Record<string, unknown>;
}

function compareText(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

/** Sort findings by file, line, column and rule id so output is deterministic. */
export function compareFindings(a: Finding, b: Finding): number {
  return compareText(a.file, b.file) || a.line - b.line || a.column - b.column || compareText(a.ruleId, b.ruleId);
}
