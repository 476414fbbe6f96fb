/**
 * `check --format json`: `{ findings, summary }`. Each finding carries
 * exactly the fields documented in `docs/json-output.md`, in that order.
 */
import type { Finding } from './finding.js';
import type { FindingsReport } from './findings-summary.js';
import { redactDeep } from './redact.js';

export function findingToJson(finding: Finding): Record<string, unknown> {
  return {
    ruleId: finding.ruleId,
    severity: finding.severity,
    confidence: finding.confidence,
    file: finding.file,
    line: finding.line,
    column: finding.column,
    endLine: finding.endLine,
    endColumn: finding.endColumn,
    job: finding.job,
    step: finding.step,
    message: finding.message,
    fix: finding.fix,
    docs: finding.docs,
    related: finding.related.map((location) => ({
      file: location.file,
      line: location.line,
      column: location.column,
      endLine: location.endLine,
      endColumn: location.endColumn,
      label: location.label ?? null,
    })),
    suppressed: finding.suppressed,
  };
}

export function renderFindingsJson(report: FindingsReport): string {
  const body = {
    findings: report.findings.map(findingToJson),
    summary: {
      errors: report.summary.errors,
      warnings: report.summary.warnings,
      info: report.summary.info,
      suppressed: report.summary.suppressed,
      belowThreshold: report.summary.belowThreshold,
      threshold: report.threshold,
      workflowFiles: report.summary.workflowFiles,
      rules: report.summary.rules,
      failedRules: report.summary.failedRules,
    },
  };
  return `${JSON.stringify(redactDeep(body), null, 2)}\n`;
}
