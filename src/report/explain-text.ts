import type { Evidence } from './finding.js';
import type { ExplainFailure, ExplainReport, ExplainStep } from '../explain/model.js';
import { redact } from './redact.js';

function at(evidence: Evidence): string {
  return `${evidence.file}:${evidence.line}`;
}

function packageLabel(name: string | null, version: string | null): string {
  if (!name) return 'a package';
  return `\`${name}${version ? `@${version}` : ''}\``;
}

/** Describe a failure in one line, for every format. */
export function describeFailure(failure: ExplainFailure): string {
  const status = [failure.httpStatus, failure.npmCode].filter((part) => part !== null).join(' ');
  const lookup = failure.consequenceOf !== null || failure.signature === 'http-404-get' || failure.signature === 'no-matching-version';
  const registry = failure.registry ? ` ${lookup ? 'from' : 'to'} ${failure.registry}` : '';
  return `${lookup ? 'request for' : 'publish of'} ${packageLabel(failure.package, failure.version)}${registry} failed${status ? ` with ${status}` : ''}`;
}

const MASK_WORDS: Record<string, string> = {
  pipeline: 'a pipeline without pipefail',
  'or-true': 'an `||` handler that discards the status',
  'ignored-status': 'an `if` that ignores the status',
  'continue-on-error': '`continue-on-error` (or a later step that ran anyway)',
  'success-message': 'a success message printed after it',
};

/** Describe in words what hid a failure. */
export function describeMasking(failure: ExplainFailure, step?: ExplainStep): string {
  if (!failure.masked && step?.ciStatus === 'unknown') return 'the input has no CI status to compare with';
  if (!failure.masked) return 'not hidden: the CI showed it';
  return `hidden by ${failure.maskedBy ? MASK_WORDS[failure.maskedBy] : 'an unknown construct'}`;
}

const OUTCOME_MARKERS: Record<ExplainStep['outcome'], string> = { 'failure-hidden': '!', failed: 'x', succeeded: '+', unknown: '?' };

function stepLine(step: ExplainStep): string {
  const marker = OUTCOME_MARKERS[step.outcome];
  const shell = step.shell ? ` [${step.shell}${step.pipefail === false ? ', no pipefail' : step.pipefail ? ', pipefail' : ''}]` : '';
  const where = step.evidence[0] ? `  ${at(step.evidence[0])}` : '';
  const shown = step.ciStatus === 'unknown' ? '' : ` (CI showed ${step.ciStatus})`;
  return `  ${marker} ${step.name}${shell}: ${step.outcome}${shown}${where}`;
}

/** Render the report as plain text for a terminal. */
export function renderExplainText(report: ExplainReport): string {
  const out: string[] = [];
  const inputs = report.inputs.map((input) => input.file).join(', ');

  if (report.summary.verdict === 'no-publish') {
    return redact(`pubguard explain: no package publish and no registry failure found in ${inputs} (${report.inputs.reduce((sum, input) => sum + input.lines, 0)} lines read): nothing to explain\n`);
  }

  out.push(`pubguard explain: ${report.summary.headline}`);
  out.push('');

  // Plain tool output has no steps to show: its only "step" has no header or status line.
  const interesting = report.steps.filter((step) => step.evidence.length > 0 && (step.failures.length > 0 || step.published.length > 0 || step.ciStatus === 'failed'));
  if (interesting.length > 0) {
    out.push('steps:');
    for (const step of interesting) out.push(stepLine(step));
    out.push('');
  }

  if (report.published.length > 0) {
    out.push('published:');
    for (const item of report.published) {
      // Evidence after the first line is a failed attempt that this publish made good.
      const retried = item.evidence.slice(1).map(at);
      const after = retried.length > 0 ? `, after the failed attempt at ${retried.join(', ')}` : '';
      out.push(`  ${at(item.evidence[0]!)}: ${packageLabel(item.package, item.version)}${item.registry ? ` to ${item.registry}` : ''}${item.step ? ` in step "${item.step}"` : ''}${after}`);
    }
    out.push('');
  }

  report.failures.forEach((failure, index) => {
    const key = failure.evidence.find((evidence) => /\d{3} |YN\d|ERR|error/.test(evidence.text)) ?? failure.evidence[0];
    const signature = failure.signature ? ` [${failure.signature}]` : '';
    out.push(`${key ? `${at(key)}: ` : ''}error: failure ${index}: ${describeFailure(failure)}${signature}`);
    const step = report.steps.find((candidate) => candidate.failures.includes(index));
    out.push(`  step: "${failure.step ?? 'unknown'}"${failure.job ? ` in job "${failure.job}"` : ''}; ${describeMasking(failure, step)}`);
    if (failure.consequenceOf !== null) out.push(`  consequence of failure ${failure.consequenceOf}, not a separate cause`);
    out.push('  evidence:');
    for (const evidence of failure.evidence) out.push(`    ${at(evidence)}: ${evidence.text}`);
    out.push('  causes, most likely first:');
    failure.causes.forEach((cause, rank) => {
      out.push(`    ${rank + 1}. ${cause.id} (${cause.confidence}): ${cause.summary}`);
      // A low-confidence cause cites only the failure line already shown above.
      if (cause.confidence !== 'low') for (const evidence of cause.evidence) out.push(`         ${at(evidence)}: ${evidence.text}`);
    });
    if (failure.fixes.length > 0) {
      out.push('  fix:');
      for (const fix of failure.fixes) out.push(`    - ${fix.summary}`);
    }
    out.push('');
  });

  return redact(`${out.join('\n').trimEnd()}\n`);
}
