/**
 * The `explain` report, as `--format json` prints it. Every field is always
 * present; a value that is not known is null. docs/json-output.md describes
 * each field; change both together.
 */
import type { Evidence } from '../report/finding.js';
import type { LogFormat } from '../log/types.js';
import type { CauseId } from '../signatures/causes.js';
import type { Confidence } from '../report/finding.js';

export type { Evidence };

/** How a failure was kept from failing the run, in order of precedence. */
export const MASKED_BY = ['pipeline', 'or-true', 'ignored-status', 'continue-on-error', 'success-message'] as const;
export type MaskedBy = (typeof MASKED_BY)[number];

/** The status the CI showed for a step. */
export type CiStatus = 'passed' | 'failed' | 'unknown';

/** What really happened inside a step. */
export type StepOutcome = 'succeeded' | 'failed' | 'failure-hidden' | 'unknown';

export interface ExplainInput {
  file: string;
  format: LogFormat;
  lines: number;
  bytes: number;
}

export interface ExplainStep {
  /** 0-based position of the step in the report. */
  index: number;
  job: string | null;
  /** The step's name where the input carries it, else its first command line. */
  name: string;
  /** The shell line GitHub printed (`/usr/bin/bash -e {0}`), or null. */
  shell: string | null;
  /** Whether a failing command inside a pipeline fails the pipeline; null when the shell is not known. */
  pipefail: boolean | null;
  ciStatus: CiStatus;
  exitCode: number | null;
  outcome: StepOutcome;
  /** Indexes into `published` of the publishes this step completed. */
  published: number[];
  /** Indexes into `failures` of the failures inside this step. */
  failures: number[];
  evidence: Evidence[];
}

export interface ExplainPublished {
  package: string;
  version: string | null;
  registry: string | null;
  step: string | null;
  job: string | null;
  evidence: Evidence[];
}

export interface ExplainCause {
  id: CauseId;
  summary: string;
  confidence: Confidence;
  evidence: Evidence[];
}

export interface ExplainFix {
  /** The cause id or masking kind the fix addresses. */
  for: string;
  summary: string;
  evidence: Evidence[];
}

export interface ExplainFailure {
  step: string | null;
  job: string | null;
  package: string | null;
  version: string | null;
  registry: string | null;
  httpStatus: number | null;
  npmCode: string | null;
  signature: string | null;
  masked: boolean;
  maskedBy: MaskedBy | null;
  consequenceOf: number | null;
  causes: ExplainCause[];
  fixes: ExplainFix[];
  evidence: Evidence[];
}

export interface ExplainSummary {
  /** `failed` when a failure was found, `passed` when publishes all worked, `no-publish` when the log has neither. */
  verdict: 'failed' | 'passed' | 'no-publish';
  published: number;
  failed: number;
  masked: number;
  consequences: number;
  /** Failed attempts left out of `failures` because a later publish of the same package and version in the same job worked (a retry). */
  recovered: number;
  /** Id of the first cause of the first failure that is not a consequence, or null. */
  rootCause: string | null;
  /** One sentence for people. */
  headline: string;
}

export interface ExplainReport {
  inputs: ExplainInput[];
  steps: ExplainStep[];
  published: ExplainPublished[];
  failures: ExplainFailure[];
  summary: ExplainSummary;
}
