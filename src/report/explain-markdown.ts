import type { Evidence } from './finding.js';
import type { ExplainReport } from '../explain/model.js';
import { describeFailure, describeMasking } from './explain-text.js';
import { redact } from './redact.js';

/**
 * GitHub rejects a step summary larger than 1024 KiB ("$GITHUB_STEP_SUMMARY
 * upload aborted, supports content up to a size of 1024k"), as of 2026-12.
 */
export const STEP_SUMMARY_MAX_BYTES = 1024 * 1024;

// Code spans are padded with spaces so no closing backtick touches a value
// (a `KEY: value` shape would otherwise be read as one token by redaction).
function code(text: string): string {
  const clean = text.replace(/\r?\n/g, ' ');
  const fence = clean.includes('``') ? '```' : '``';
  return `${fence} ${clean} ${fence}`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function evidenceLine(evidence: Evidence): string {
  return `- ${code(`${evidence.file}:${evidence.line}`)} ${code(evidence.text)}`;
}

export interface MarkdownOptions {
  /** Size limit in bytes (UTF-8); the report is cut at a section boundary with a note. */
  maxBytes?: number;
}

/** Render the report as GitHub-flavoured markdown for `$GITHUB_STEP_SUMMARY`. */
export function renderExplainMarkdown(report: ExplainReport, options: MarkdownOptions = {}): string {
  const maxBytes = options.maxBytes ?? STEP_SUMMARY_MAX_BYTES;
  const head: string[] = ['## pubguard explain', ''];

  if (report.summary.verdict === 'no-publish') {
    head.push(`No package publish and no registry failure found in ${report.inputs.map((input) => code(input.file)).join(', ')}: nothing to explain.`);
    return redact(`${head.join('\n')}\n`);
  }
  head.push(`**${cell(report.summary.headline)}**`, '');

  const sections: string[] = [];
  const steps = report.steps.filter((step) => step.evidence.length > 0 && (step.failures.length > 0 || step.published.length > 0 || step.ciStatus === 'failed'));
  if (steps.length > 0) {
    const rows = ['### Steps', '', '| step | shell | CI showed | really | evidence |', '| --- | --- | --- | --- | --- |'];
    for (const step of steps) {
      const shell = step.shell ? `${cell(step.shell)}${step.pipefail === false ? ' (no pipefail)' : ''}` : '';
      const where = step.evidence[0] ? code(`${step.evidence[0].file}:${step.evidence[0].line}`) : '';
      rows.push(`| ${cell(step.name)} | ${shell} | ${step.ciStatus} | ${step.outcome} | ${where} |`);
    }
    sections.push(rows.join('\n'));
  }
  if (report.published.length > 0) {
    const rows = ['### Published', '', '| package | version | registry | evidence |', '| --- | --- | --- | --- |'];
    for (const item of report.published) {
      // Evidence after the first line is a failed attempt that this publish made good.
      const retried = item.evidence.slice(1).map((evidence) => code(`${evidence.file}:${evidence.line}`));
      const after = retried.length > 0 ? `, after the failed attempt at ${retried.join(', ')}` : '';
      rows.push(`| ${code(item.package)} | ${item.version ?? ''} | ${item.registry ?? ''} | ${code(`${item.evidence[0]!.file}:${item.evidence[0]!.line}`)}${after} |`);
    }
    sections.push(rows.join('\n'));
  }
  report.failures.forEach((failure, index) => {
    const lines = [`### Failure ${index}: ${cell(describeFailure(failure))}`, ''];
    lines.push(`- step: ${code(failure.step ?? 'unknown')}${failure.job ? ` in job ${code(failure.job)}` : ''}`);
    lines.push(`- ${describeMasking(failure, report.steps.find((step) => step.failures.includes(index)))}`);
    if (failure.signature) lines.push(`- signature: ${code(failure.signature)}`);
    if (failure.consequenceOf !== null) lines.push(`- consequence of failure ${failure.consequenceOf}, not a separate cause`);
    lines.push('', '**Evidence**', '', ...failure.evidence.map(evidenceLine), '', '**Causes, most likely first**', '');
    failure.causes.forEach((cause, rank) => {
      lines.push(`${rank + 1}. ${code(cause.id)} (${cause.confidence}): ${cell(cause.summary)}`);
      // A low-confidence cause cites only the failure line already shown above.
      if (cause.confidence !== 'low') for (const evidence of cause.evidence) lines.push(`   ${evidenceLine(evidence)}`);
    });
    if (failure.fixes.length > 0) {
      lines.push('', '**Fix**', '');
      for (const fix of failure.fixes) lines.push(`- ${cell(fix.summary)}`);
    }
    sections.push(lines.join('\n'));
  });

  const start = `${head.join('\n')}\n`;
  let body = start;
  let shown = 0;
  for (const section of sections) {
    const next = `${body}${redact(section)}\n\n`;
    // Keep room for the truncation note.
    if (Buffer.byteLength(next) > maxBytes - 400) break;
    body = next;
    shown += 1;
  }
  if (shown < sections.length) {
    body += `> **Report truncated:** ${sections.length - shown} of ${sections.length} sections left out to stay within GitHub's ${Math.floor(maxBytes / 1024)} KiB step-summary limit. Run \`pubguard explain --format json\` for the whole report.\n`;
  }
  return redact(body.trimEnd() + '\n');
}
