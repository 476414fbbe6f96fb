import { CAUSES, type CauseId } from './causes.js';
import { SIGNATURES } from './catalogue.js';
import { parseFailureLines, type FailureFacts } from './parse.js';
import type { RegistryKind, Signature } from './types.js';

/** Which catalogue registry an origin belongs to. */
export function registryKind(origin: string | null): RegistryKind | null {
  if (!origin) return null;
  const host = new URL(origin).hostname;
  if (host === 'npm.pkg.github.com') return 'github-packages';
  if (host === 'registry.npmjs.org' || host === 'registry.yarnpkg.com') return 'npmjs';
  return 'any';
}

/** Return the first signature, in catalogue order, whose every criterion matches the facts. */
export function matchSignature(facts: FailureFacts): Signature | null {
  const kind = registryKind(facts.registry);
  for (const signature of SIGNATURES) {
    const { match } = signature;
    // An unknown registry does not rule a registry-specific signature out: lerna and yarn omit the URL.
    if (match.registry !== 'any' && kind !== null && kind !== match.registry) continue;
    if (match.httpStatus && (facts.httpStatus === null || !match.httpStatus.includes(facts.httpStatus))) continue;
    if (match.npmCode && (facts.npmCode === null || !match.npmCode.includes(facts.npmCode))) continue;
    if (match.method && (facts.method === null || !match.method.includes(facts.method))) continue;
    if (match.message && !match.message.test(facts.message)) continue;
    return signature;
  }
  return null;
}

export interface RankedCause {
  id: CauseId;
  summary: string;
  /** How to tell this cause apart from the others of the signature. */
  tellApart: string;
}

/** The classification of one failed publish run. */
export interface PublishFailureClassification {
  signature: Signature | null;
  facts: FailureFacts;
  /** Ranked by the catalogue; `explain` re-ranks them with the evidence of a whole log. */
  causes: RankedCause[];
  fix: string | null;
}

export interface ClassifyOptions {
  /** The registry the publish went to, used when the output names none. */
  registry?: string;
  /** The package being published, used when the output names none. */
  package?: string;
}

/**
 * Classify the output of one failed `npm publish`, `pnpm publish` or `yarn npm
 * publish` run: its lines (stdout and stderr, in any order), optionally the
 * registry and package it published. Returns the matching signature (or null
 * for an unknown failure) with its ranked causes and fix.
 */
export function classifyPublishOutput(lines: string[], options: ClassifyOptions = {}): PublishFailureClassification {
  const failureLines = lines.map((line) => line.replace(/\r$/, '')).filter((line) => line.trim() !== '');
  const facts = parseFailureLines(failureLines);
  if (!facts.registry && options.registry) {
    try {
      facts.registry = `${new URL(options.registry).origin}/`;
    } catch {
      // An invalid registry option leaves the registry unknown.
    }
  }
  facts.package ??= options.package ?? null;
  const signature = matchSignature(facts);
  const causes = (signature?.causes ?? []).map((cause) => ({ id: cause.id, summary: `${CAUSES[cause.id]}: ${cause.why}`, tellApart: cause.tellApart }));
  return { signature, facts, causes, fix: signature?.fix ?? null };
}
