/**
 * `check --format markdown`: a summary line and one section per finding, for
 * a pull-request comment or `$GITHUB_STEP_SUMMARY`. Suppressed findings
 * are only counted.
 */
import type { Finding } from './finding.js';
import { summaryLine, type FindingsReport } from './findings-summary.js';

function escapeInline(text: string): string {
  return text.replace(/[|<>]/g, (char) => `\\${char}`);
}

export function renderFindingsMarkdown(report: FindingsReport): string {
  const shown = report.findings.filter((finding) => !finding.suppressed);
  const lines: string[] = ['## pubguard check', '', summaryLine(report), ''];
  if (shown.length > 0) {
    lines.push('| severity | rule | location | job | step |', '| --- | --- | --- | --- | --- |');
    for (const finding of shown) {
      lines.push(
        `| ${finding.severity} | [\`${finding.ruleId}\`](${finding.docs}) | \`${finding.file}:${finding.line}:${finding.column}\` | ${escapeInline(finding.job ?? '')} | ${escapeInline(finding.step ?? '')} |`,
      );
    }
    lines.push('');
    for (const finding of shown) lines.push(...section(finding));
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

function section(finding: Finding): string[] {
  const lines = [`### \`${finding.file}:${finding.line}:${finding.column}\` ${finding.ruleId}`, '', escapeInline(finding.message), '', `**Fix:** ${escapeInline(finding.fix)}`, ''];
  for (const related of finding.related) lines.push(`- \`${related.file}:${related.line}:${related.column}\`: ${escapeInline(related.label ?? 'related')}`);
  if (finding.related.length > 0) lines.push('');
  lines.push(`[Rule documentation](${finding.docs})`, '');
  return lines;
}
