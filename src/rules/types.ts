/**
 * The shape of a `check` rule. One rule per file in `src/rules/<id>.ts`,
 * listed in `src/rules/index.ts`. A rule reads the repository only through
 * its `RuleContext` (never `fs` or the network) and returns findings built
 * with `context.finding(...)`, which fills positions, job, step, docs link
 * and inline suppression.
 *
 * Adding a rule:
 * 1. `src/rules/<id>.ts` exporting `const rule = defineRule({ id, title, severity, confidence, check })`;
 * 2. one import line and one list entry in `src/rules/index.ts`;
 * 3. `docs/rules/<id>.md` (the parity test fails without it);
 * 4. `test/rules/<id>/bad-*.yml`, `good-*.yml` and `<case>.out`.
 */
import type { Confidence, Finding, Severity } from '../report/finding.js';
import type { RuleContext } from './context.js';

/** Capabilities a rule may need; a rule whose need is unavailable is skipped with a note, never failed. */
export type RuleNeed = 'network';

export interface RuleDefinition {
  /** Kebab-case problem name; equals the file name. */
  id: string;
  /** Short lowercase phrase, no full stop. */
  title: string;
  /** Default severity of its findings; a finding may set its own. */
  severity: Severity;
  /** Default confidence of its findings; a finding may set its own. */
  confidence: Confidence;
  needs?: RuleNeed[];
  check(context: RuleContext): Promise<Finding[]> | Finding[];
}

export interface Rule extends RuleDefinition {
  /** Path of the docs page, `docs/rules/<id>.md`, derived from the id. */
  docs: string;
  /** Absolute URL of the docs page, as findings and SARIF carry it. */
  docsUrl: string;
}

/**
 * Where the docs pages are published.
 * NOTE: pubguard's public repository URL is not fixed yet; this base is the
 * one place to change when it is.
 */
export const DOCS_BASE_URL = 'https://github.com/pubguard/pubguard/blob/main/';

/** Path of a rule's docs page relative to the package root. */
export function docsPathOf(id: string): string {
  return `docs/rules/${id}.md`;
}

export function docsUrlOf(id: string): string {
  return `${DOCS_BASE_URL}${docsPathOf(id)}`;
}

const RULE_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Complete a rule definition with its docs path and URL. */
export function defineRule(definition: RuleDefinition): Rule {
  if (!RULE_ID.test(definition.id)) throw new Error(`rule id ${JSON.stringify(definition.id)} is not kebab-case`);
  return { ...definition, docs: docsPathOf(definition.id), docsUrl: docsUrlOf(definition.id) };
}
