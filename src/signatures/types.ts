import type { CauseId } from './causes.js';

/** The registries a signature can be specific to. `any` matches every registry. */
export type RegistryKind = 'github-packages' | 'npmjs' | 'any';

/** One likely cause of a signature, in the signature's ranked list. */
export interface SignatureCause {
  id: CauseId;
  /** Why this cause produces the failure, in one sentence. */
  why: string;
  /** What evidence tells this cause apart from the others. */
  tellApart: string;
}

/**
 * A known registry failure. Every criterion that is not null must match; a
 * signature with a message pattern is tried before one that has only a status
 * or code, because the message decides, not the status alone.
 */
export interface Signature {
  id: string;
  title: string;
  match: {
    registry: RegistryKind;
    httpStatus: number[] | null;
    npmCode: string[] | null;
    /** HTTP method of the failed request (PUT for a publish, GET for an install or view). */
    method: string[] | null;
    message: RegExp | null;
  };
  /** Ranked: the most likely first. */
  causes: SignatureCause[];
  /** What to do, in general terms; the report makes it concrete with the log's values. */
  fix: string;
  /** Public documents that back the causes and the fix. */
  sources: string[];
  /** When the facts were last checked against the sources (YYYY-MM). */
  checked: string;
}
