/**
 * GitHub Actions outputs of `publish`: step outputs in `$GITHUB_OUTPUT`, a
 * table in `$GITHUB_STEP_SUMMARY`, and one `::error` annotation per failed
 * package. Every value is redacted before it is written.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { appendFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { redact } from '../report/redact.js';
import type { PackageOutcome, PublishReport, PublishStatus } from './outcome.js';
import type { VerifyOutcome, VerifyReport } from '../verify/verify.js';

/** Step outputs: each a JSON array of `name@version`. */
export const STEP_OUTPUTS: ReadonlyArray<[string, PublishStatus]> = [
  ['published', 'published'],
  ['already-published', 'already-published'],
  ['failed', 'failed'],
];

/** True when running as a GitHub Actions step. */
export function isGitHubActions(env: NodeJS.ProcessEnv): boolean {
  return env.GITHUB_ACTIONS === 'true';
}

/**
 * Append the step outputs to the `$GITHUB_OUTPUT` file. Each value is one
 * line of JSON, written in the multi-line `name<<delimiter` form so that no
 * character in a package name can end it early.
 */
export function writeStepOutputs(file: string, report: PublishReport): void {
  let text = '';
  for (const [output, status] of STEP_OUTPUTS) {
    const ids = report.packages.filter((entry) => entry.status === status).map((entry) => `${entry.name}@${entry.version}`);
    const delimiter = `pubguard_${randomBytes(8).toString('hex')}`;
    text += `${output}<<${delimiter}\n${redact(JSON.stringify(ids))}\n${delimiter}\n`;
  }
  appendFileSync(file, text);
}

const STATUS_MARK: Record<PublishStatus, string> = {
  published: '✅ published',
  'already-published': '☑️ already published',
  failed: '❌ failed',
  'not-attempted': '⏭️ not attempted',
  'dry-run': '🧪 dry run',
};

/** Append a markdown table of outcomes, with causes and fixes, to `$GITHUB_STEP_SUMMARY`. */
export function writeStepSummary(file: string, report: PublishReport): void {
  const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const { summary } = report;
  const lines = [
    '### pubguard publish',
    '',
    `${summary.published} published, ${summary.alreadyPublished} already published, ${summary.failed} failed, ${summary.notAttempted} not attempted, ${summary.dryRun} dry run (${report.client}, ${(summary.durationMs / 1000).toFixed(1)} s)`,
    '',
    '| package | path | registry | outcome | cause |',
    '| --- | --- | --- | --- | --- |',
    ...report.packages.map(
      (entry) =>
        `| \`${cell(entry.name)}@${cell(entry.version)}\` | \`${cell(entry.path)}\` | ${cell(entry.registry ?? 'unknown')} | ${STATUS_MARK[entry.status]} | ${entry.cause ? cell(`${entry.cause.id}: ${entry.cause.message}`) : ''} |`,
    ),
  ];
  const failures = report.packages.filter((entry) => (entry.status === 'failed' || entry.status === 'published') && entry.cause);
  for (const entry of failures) {
    lines.push('', `**${cell(entry.name)}@${cell(entry.version)}**: ${entry.cause!.message}`, '', `Fix: ${entry.cause!.fix}`);
    for (const evidence of entry.cause!.evidence) lines.push(`- \`${evidence.where}\`: ${evidence.text}`);
    if (entry.logFile) lines.push(`- full log: \`${entry.logFile}\``);
  }
  appendFileSync(file, redact(`${lines.join('\n')}\n\n`));
}

/** Append verify's results for the published versions to `$GITHUB_STEP_SUMMARY`, with each failure's cause and fix. */
export function writeVerifySummary(file: string, report: VerifyReport): void {
  const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const { summary } = report;
  const lines = [
    '### pubguard verify',
    '',
    `${summary.verified} verified, ${summary.failed} failed (${(summary.durationMs / 1000).toFixed(1)} s)`,
    '',
    '| package | result | cause |',
    '| --- | --- | --- |',
    ...report.packages.map(
      (entry) =>
        `| \`${cell(entry.name)}@${cell(entry.version)}\` | ${entry.status === 'verified' ? '✅ verified' : '❌ failed'} | ${entry.cause ? cell(`${entry.cause.id}: ${entry.cause.message}`) : ''} |`,
    ),
  ];
  for (const entry of report.packages.filter((item) => item.cause)) {
    lines.push('', `**${cell(entry.name)}@${cell(entry.version)}**: ${entry.cause!.message}`, '', `Fix: ${entry.cause!.fix}`);
  }
  appendFileSync(file, redact(`${lines.join('\n')}\n\n`));
}

/** Format one `::error` workflow command for a version that failed verification, pointing at its package.json. */
export function formatVerifyAnnotation(entry: VerifyOutcome, published: PackageOutcome | undefined, place?: { cwd: string; workspace?: string }): string {
  const title = `verify of ${entry.name}@${entry.version} failed${entry.cause ? ` (${entry.cause.id})` : ''}`;
  const message = entry.cause ? `${entry.cause.message}\nFix: ${entry.cause.fix}` : 'a check failed; see the verify report';
  return redact(`::error file=${escapeProperty(annotationFile(published?.path ?? '.', place))},title=${escapeProperty(title)}::${escapeData(message)}\n`);
}

/** Escape a workflow command's message (`%`, CR, LF) as the runner expects. */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escape a workflow command's property value (also `:` and `,`). */
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** Name a package folder's package.json relative to the repository when `place.workspace` contains it, else to the working directory. */
function annotationFile(path: string, place?: { cwd: string; workspace?: string }): string {
  const file = path === '.' ? 'package.json' : `${path.replace(/^\.\//, '')}/package.json`;
  if (!place?.workspace) return file;
  const fromWorkspace = relative(place.workspace, resolve(place.cwd, file)).split(sep).join('/');
  return fromWorkspace.startsWith('../') || isAbsolute(fromWorkspace) ? file : fromWorkspace;
}

/**
 * Format one `::error` workflow command for a failed package, pointing at its
 * package.json. GitHub reads the file path relative to the repository
 * (`GITHUB_WORKSPACE`), so a run started in a subfolder names the file from
 * there. Without `place`, the path is relative to the working directory.
 */
export function formatAnnotation(entry: PackageOutcome, place?: { cwd: string; workspace?: string }): string {
  const file = annotationFile(entry.path, place);
  const title = entry.status === 'published'
    ? `${entry.name}@${entry.version} was published, but the client failed${entry.cause ? ` (${entry.cause.id})` : ''}`
    : `publish of ${entry.name}@${entry.version} failed${entry.cause ? ` (${entry.cause.id})` : ''}`;
  const message = entry.cause ? `${entry.cause.message}\nFix: ${entry.cause.fix}` : 'the client failed; see the log';
  return redact(`::error file=${escapeProperty(file)},title=${escapeProperty(title)}::${escapeData(message)}\n`);
}
