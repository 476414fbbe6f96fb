import { readLogs, type ReadLogsOptions } from '../log/inputs.js';
import { redactDeep } from '../report/redact.js';
import { LogCollector } from './collect.js';
import { analyzeCollected } from './analyze.js';
import type { ExplainReport } from './model.js';

export type * from './model.js';
export { MASKED_BY } from './model.js';
export { isPublishCommand, analyzeScript } from './script.js';

export type ExplainOptions = ReadLogsOptions;

/**
 * Read CI logs (files, directories, log-archive zips, or `-` for standard
 * input) and explain what happened to every publish in them. The report is
 * redacted. Throws `InputError` for unreadable input.
 */
export async function explainLogs(paths: string[], options: ExplainOptions = {}): Promise<ExplainReport> {
  const collector = new LogCollector();
  await readLogs(paths, collector, options);
  const report = await analyzeCollected(collector);
  return redactDeep(report);
}
