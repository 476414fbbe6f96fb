import { findingHeadline, summaryLine, type FindingsReport } from './findings-summary.js';

/** Render one line per unsuppressed finding (`path:line:col: severity: message [rule-id]`) and the summary line. */
export function renderFindingsCompact(report: FindingsReport): string {
  const lines = report.findings.filter((finding) => !finding.suppressed).map(findingHeadline);
  lines.push(summaryLine(report));
  return `${lines.join('\n')}\n`;
}
