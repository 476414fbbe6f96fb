/**
 * `check --format github`: one workflow command per finding, which GitHub
 * Actions shows as an annotation on the file and line. Escaping follows the
 * runner's rules for workflow commands (`%`, CR, LF in the message; also `:`
 * and `,` in property values), from actions/toolkit's `command.ts`:
 * https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts
 * Suppressed findings are not annotated.
 */
import type { Finding } from './finding.js';
import { summaryLine, type FindingsReport } from './findings-summary.js';

const COMMAND: Record<Finding['severity'], string> = { error: 'error', warning: 'warning', info: 'notice' };

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function renderFindingsGithub(report: FindingsReport): string {
  const lines = report.findings
    .filter((finding) => !finding.suppressed)
    .map((finding) => {
      const properties = [
        `file=${escapeProperty(finding.file)}`,
        `line=${finding.line}`,
        `col=${finding.column}`,
        // The runner rejects column ranges that span lines, so an end column goes only with one line.
        ...(finding.endLine === finding.line ? [`endColumn=${finding.endColumn}`] : []),
        `title=${escapeProperty(`pubguard ${finding.ruleId}`)}`,
      ].join(',');
      return `::${COMMAND[finding.severity]} ${properties}::${escapeData(`${finding.message}\nfix: ${finding.fix}\ndocs: ${finding.docs}`)}`;
    });
  lines.push(summaryLine(report));
  return `${lines.join('\n')}\n`;
}
