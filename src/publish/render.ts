/**
 * Text and json renderings of a publish plan and report. Callers pass the
 * result to `io.out`, which redacts; json is also redacted here so library
 * users get the same guarantee.
 */
import { redactDeep } from '../report/redact.js';
import type { PackageOutcome, PublishReport } from './outcome.js';
import type { PublishPlan } from './plan.js';

/** Render the plan shown before publishing, on standard error. */
export function renderPlan(plan: PublishPlan, client: string): string {
  const lines = [`pubguard: plan (${plan.packages.length} package${plan.packages.length === 1 ? '' : 's'} from ${plan.source}, client ${client}, in ${plan.cwd}):`];
  plan.packages.forEach((entry, index) => {
    const after = entry.dependsOn.length > 0 ? ` after ${entry.dependsOn.join(', ')}` : '';
    lines.push(`  ${index + 1}. ${entry.name}@${entry.version}  ${entry.path}${after}`);
  });
  for (const skipped of plan.skipped) lines.push(`  -  ${skipped.name ?? skipped.path}  ${skipped.path}  skipped (${skipped.reason})`);
  return `${lines.join('\n')}\n`;
}

/** Render the `--format json` document: `{ packages: [...], summary }` plus the client and directory. */
export function renderPublishJson(report: PublishReport): string {
  const document = {
    client: report.client,
    cwd: report.cwd,
    packages: report.packages.map((entry) => ({
      name: entry.name,
      version: entry.version,
      path: entry.path,
      registry: entry.registry,
      status: entry.status,
      cause: entry.cause,
      logFile: entry.logFile,
      exitCode: entry.exitCode,
      command: entry.command,
      attempts: entry.attempts,
      durationMs: entry.durationMs,
      integrity: entry.integrity,
    })),
    summary: report.summary,
  };
  return `${JSON.stringify(redactDeep(document), null, 2)}\n`;
}

function row(entry: PackageOutcome): string[] {
  return [`${entry.name}@${entry.version}`, entry.path, entry.status, entry.cause?.id ?? ''];
}

/** Render the outcome table, one block per failure (cause, evidence, fix, log), and a summary line. */
export function renderPublishText(report: PublishReport): string {
  const header = ['package', 'path', 'outcome', 'cause'];
  const rows = report.packages.map(row);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((cells) => cells[column]!.length)));
  const format = (cells: string[]): string => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  const lines = [format(header), ...rows.map(format)];

  // A block per failure, and per version that landed although its client failed (a postpublish script).
  for (const entry of report.packages.filter((item) => item.status === 'failed' || (item.status === 'published' && item.cause))) {
    lines.push('', `${entry.name}@${entry.version}: ${entry.cause?.message ?? 'failed'}`);
    for (const evidence of entry.cause?.evidence ?? []) lines.push(`  evidence: ${evidence.where}: ${evidence.text}`);
    for (const alternative of entry.cause?.alternatives ?? []) lines.push(`  also possible: ${alternative.id}: ${alternative.message}`);
    if (entry.cause) lines.push(`  fix: ${entry.cause.fix}`);
    if (entry.logFile) lines.push(`  log: ${entry.logFile}`);
  }

  const { summary } = report;
  lines.push(
    '',
    `${summary.published} published, ${summary.alreadyPublished} already published, ${summary.failed} failed, ${summary.notAttempted} not attempted, ${summary.dryRun} dry run (${(summary.durationMs / 1000).toFixed(1)} s)`,
  );
  return `${lines.join('\n')}\n`;
}
