/**
 * What every findings renderer shares: which findings are shown (at or above
 * `--severity`), which decide the exit status (shown and not suppressed),
 * and the counts of the final summary.
 */
import { SEVERITY_ORDER, type Finding, type Severity } from './finding.js';

export interface FindingsSummary {
  /** Shown findings that are not suppressed, by severity. */
  errors: number;
  warnings: number;
  info: number;
  /** Shown findings silenced by a `# pubguard-ignore` comment. */
  suppressed: number;
  /** Findings below `--severity`, left out of the output. */
  belowThreshold: number;
  /** Workflow files read (valid or not). */
  workflowFiles: number;
  /** Rules that ran. */
  rules: number;
  /** Rules that threw (a bug in pubguard), so the check is incomplete. */
  failedRules: string[];
}

/** The input of every findings renderer. */
export interface FindingsReport {
  /** Findings at or above the threshold, suppressed ones included, sorted. */
  findings: Finding[];
  summary: FindingsSummary;
  /** The `--severity` threshold. */
  threshold: Severity;
  /** pubguard's version, for SARIF. */
  version: string;
  /** Rule metadata for SARIF's rule list. */
  rules: Array<{ id: string; title: string; severity: Severity; confidence: string; docsUrl: string }>;
  /** Source text by file path, for code frames. */
  sources: Map<string, { lineText(line: number): string; lineCount: number }>;
}

export function isShown(finding: Finding, threshold: Severity): boolean {
  return SEVERITY_ORDER[finding.severity] >= SEVERITY_ORDER[threshold];
}

/** Build the report renderers take: keep the shown findings and count everything. */
export function buildFindingsReport(input: {
  findings: Finding[];
  threshold: Severity;
  version: string;
  rules: FindingsReport['rules'];
  sources: FindingsReport['sources'];
  workflowFiles: number;
  failedRules?: string[];
}): FindingsReport {
  const shown = input.findings.filter((finding) => isShown(finding, input.threshold));
  const active = shown.filter((finding) => !finding.suppressed);
  return {
    findings: shown,
    summary: {
      errors: active.filter((finding) => finding.severity === 'error').length,
      warnings: active.filter((finding) => finding.severity === 'warning').length,
      info: active.filter((finding) => finding.severity === 'info').length,
      suppressed: shown.length - active.length,
      belowThreshold: input.findings.length - shown.length,
      workflowFiles: input.workflowFiles,
      rules: input.rules.length,
      failedRules: input.failedRules ?? [],
    },
    threshold: input.threshold,
    version: input.version,
    rules: input.rules,
    sources: input.sources,
  };
}

/** Return the exit status of `check`: 1 when a shown, unsuppressed finding remains, else 0. */
export function exitStatusOf(report: FindingsReport): 0 | 1 {
  return report.summary.errors + report.summary.warnings + report.summary.info > 0 ? 1 : 0;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** Build the one summary line that closes the text, compact, github and markdown formats. */
export function summaryLine(report: FindingsReport): string {
  const { summary } = report;
  const total = summary.errors + summary.warnings + summary.info;
  const extras: string[] = [];
  if (summary.suppressed > 0) extras.push(`${summary.suppressed} suppressed`);
  if (summary.belowThreshold > 0) extras.push(`${summary.belowThreshold} below --severity ${report.threshold}`);
  const tail = extras.length > 0 ? ` (${extras.join(', ')})` : '';
  const scope = `${plural(summary.workflowFiles, 'workflow file')}, ${plural(summary.rules, 'rule')}`;
  if (summary.failedRules.length > 0) {
    // A rule that failed may have missed problems, so "no problems found" would be a false all-clear.
    const failed = summary.failedRules.map((id) => JSON.stringify(id)).join(', ');
    return `check incomplete: ${summary.failedRules.length === 1 ? 'rule' : 'rules'} ${failed} failed (see standard error); ${plural(total, 'problem')} found by the others: ${scope}${tail}`;
  }
  if (total === 0) return `no problems found: ${scope}${tail}`;
  return `${plural(total, 'problem')}: ${plural(summary.errors, 'error')}, ${plural(summary.warnings, 'warning')}, ${summary.info} info; ${scope}${tail}`;
}

/** Format the grep-able first line of a finding: `path:line:col: severity: message [rule-id]`. */
export function findingHeadline(finding: Finding): string {
  const suppressed = finding.suppressed ? ' (suppressed)' : '';
  return `${finding.file}:${finding.line}:${finding.column}: ${finding.severity}: ${finding.message} [${finding.ruleId}]${suppressed}`;
}
