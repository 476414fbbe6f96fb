/**
 * Turn a `CheckResult` into the chosen output format and the exit status.
 * Renderers load lazily, so a run loads only the one it prints with.
 */
import type { Severity } from '../report/finding.js';
import { buildFindingsReport, exitStatusOf } from '../report/findings-summary.js';
import type { CheckResult } from './run.js';

export type CheckFormat = 'text' | 'compact' | 'json' | 'sarif' | 'github' | 'markdown';

export interface OutputOptions {
  format: CheckFormat;
  threshold: Severity;
  color: boolean;
  version: string;
}

export async function renderCheckOutput(result: CheckResult, options: OutputOptions): Promise<{ text: string; exitStatus: 0 | 1 }> {
  const report = buildFindingsReport({
    findings: result.findings,
    threshold: options.threshold,
    version: options.version,
    rules: result.rules.map((rule) => ({ id: rule.id, title: rule.title, severity: rule.severity, confidence: rule.confidence, docsUrl: rule.docsUrl })),
    sources: result.repository.files,
    workflowFiles: result.repository.workflows.length + result.repository.problems.length,
    failedRules: result.failures.map((failure) => failure.ruleId),
  });
  let text: string;
  switch (options.format) {
    case 'text':
      text = (await import('../report/findings-text.js')).renderFindingsText(report, { color: options.color });
      break;
    case 'compact':
      text = (await import('../report/findings-compact.js')).renderFindingsCompact(report);
      break;
    case 'json':
      text = (await import('../report/findings-json.js')).renderFindingsJson(report);
      break;
    case 'sarif':
      text = (await import('../report/findings-sarif.js')).renderFindingsSarif(report);
      break;
    case 'github':
      text = (await import('../report/findings-github.js')).renderFindingsGithub(report);
      break;
    case 'markdown':
      text = (await import('../report/findings-markdown.js')).renderFindingsMarkdown(report);
      break;
  }
  return { text, exitStatus: exitStatusOf(report) };
}
