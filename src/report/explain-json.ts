import type { ExplainReport } from '../explain/model.js';
import { redactDeep } from './redact.js';

/** Render the report as the documented json contract (see docs/json-output.md, section explain). */
export function renderExplainJson(report: ExplainReport): string {
  return `${JSON.stringify(redactDeep(report), null, 2)}\n`;
}
