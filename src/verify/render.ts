/** Text and json renderings of a verify report. */
import { redactDeep } from '../report/redact.js';
import type { VerifyReport } from './verify.js';

/** Render the `--format json` document: `{ packages: [...], summary }`. */
export function renderVerifyJson(report: VerifyReport): string {
  return `${JSON.stringify(redactDeep(report), null, 2)}\n`;
}

/** Render one line per version with each check, a block per failure, and a summary line. */
export function renderVerifyText(report: VerifyReport): string {
  const lines: string[] = [];
  for (const entry of report.packages) {
    const checks = entry.checks.map((check) => `${check.name} ${check.ok ? 'ok' : 'FAILED'}`).join(', ');
    lines.push(`${entry.status === 'verified' ? 'verified' : 'FAILED  '}  ${entry.name}@${entry.version}  ${entry.registry ?? ''}  (${checks})`);
  }
  for (const entry of report.packages.filter((item) => item.status === 'failed')) {
    lines.push('', `${entry.name}@${entry.version}: ${entry.cause?.message ?? 'failed'}`);
    for (const check of entry.checks.filter((item) => !item.ok)) lines.push(`  ${check.name}: ${check.detail}`);
    if (entry.cause) lines.push(`  fix: ${entry.cause.fix}`);
  }
  const { summary } = report;
  lines.push('', `${summary.verified} verified, ${summary.failed} failed (${(summary.durationMs / 1000).toFixed(1)} s)`);
  return `${lines.join('\n')}\n`;
}
