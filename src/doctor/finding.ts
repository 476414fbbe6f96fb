/**
 * Building doctor findings in the shared Finding model. A doctor finding's
 * location is the file that carries the evidence: the config line that sets
 * the credential, or the package.json field at fault (line 1 when no field
 * applies, such as for a registry that does not respond).
 */
import { readFileSync } from 'node:fs';
import type { Confidence, Finding, Severity } from '../report/finding.js';
import { redact, redactDeep } from '../report/redact.js';

export const DOCS_PAGE = 'docs/doctor.md';

export interface FindingInput {
  ruleId: string;
  severity: Severity;
  confidence?: Confidence;
  message: string;
  fix: string;
  /** Path relative to the directory doctor runs in. */
  file: string;
  line?: number;
  args?: Record<string, unknown>;
  related?: Array<{ file: string; line: number; label: string }>;
}

export function makeFinding(input: FindingInput): Finding {
  const line = input.line && input.line > 0 ? input.line : 1;
  return {
    ruleId: input.ruleId,
    severity: input.severity,
    confidence: input.confidence ?? 'high',
    file: input.file,
    line,
    column: 1,
    endLine: line,
    endColumn: 1,
    job: null,
    step: null,
    message: redact(input.message),
    fix: redact(input.fix),
    docs: `${DOCS_PAGE}#${input.ruleId}`,
    related: (input.related ?? []).map((entry) => ({ file: entry.file, line: entry.line, column: 1, endLine: entry.line, endColumn: 1, label: redact(entry.label) })),
    suppressed: false,
    args: redactDeep(input.args ?? {}) as Record<string, unknown>,
  };
}

/** 1-based line of the first `"key":` in a JSON file's text, or 1 when absent. */
export function lineOfKey(text: string | null, key: string): number {
  if (!text) return 1;
  const index = text.search(new RegExp(`"${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\\s*:`));
  if (index < 0) return 1;
  return text.slice(0, index).split('\n').length;
}

/** Read a file as text, or null when it cannot be read. */
export function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}
