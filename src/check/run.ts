/**
 * The `check` runner: load the repository model, run every selected rule on
 * it, and return the findings sorted and redacted. The CLI verb and the
 * library entry point both call `runCheck`.
 */
import { InputError, UsageError } from '../errors.js';
import { compareFindings, type Finding } from '../report/finding.js';
import { redact } from '../report/redact.js';
import { createRuleContext, createSharedContext } from '../rules/context.js';
import type { Rule } from '../rules/types.js';
import { createFileReader, type FileReader } from '../workflow/files.js';
import { loadRepository } from '../workflow/load.js';
import type { Repository } from '../workflow/model.js';

export interface CheckOptions {
  /** Absolute path of the folder to check. */
  directory: string;
  /** `owner/name`; read from the origin remote when absent. */
  repo?: string | null;
  /** Run only these rule ids (`--rule`). */
  only?: string[];
  /** Skip these rule ids (`--ignore`). */
  ignore?: string[];
  /** The rules to choose from; every rule by default. */
  rules?: Rule[];
  /** Read through this reader instead of the real folder. */
  reader?: FileReader;
  /** Called before each rule runs, for progress display. */
  onRule?: (rule: Rule, index: number, total: number) => void;
}

/** A rule that threw: a bug in pubguard, reported so the run is not taken as clean. */
export interface RuleFailure {
  ruleId: string;
  message: string;
  stack: string | null;
}

export interface CheckResult {
  /** Every finding, suppressed ones included, sorted with `compareFindings` and redacted. */
  findings: Finding[];
  repository: Repository;
  rules: Rule[];
  /** Lines for stderr: skipped files, skipped rules. */
  notes: string[];
  failures: RuleFailure[];
  /** Wall time of loading the model and of each rule, in milliseconds. */
  timings: { load: number; rules: Array<{ ruleId: string; milliseconds: number }> };
}

/** Load the rule list lazily so that `--help` does not import every rule. */
export async function allRules(): Promise<Rule[]> {
  return (await import('../rules/index.js')).RULES;
}

/** Pick the rules `--rule` and `--ignore` select; unknown ids are a usage error. */
export function selectRules(rules: Rule[], only: string[] = [], ignore: string[] = []): Rule[] {
  const known = new Set(rules.map((rule) => rule.id));
  for (const id of [...only, ...ignore]) {
    if (!known.has(id)) {
      throw new UsageError(`check: unknown rule ${JSON.stringify(id)}: known rules are ${[...known].sort().join(', ')}`);
    }
  }
  return rules.filter((rule) => (only.length === 0 || only.includes(rule.id)) && !ignore.includes(rule.id));
}

export async function runCheck(options: CheckOptions): Promise<CheckResult> {
  const reader = options.reader ?? createFileReader(options.directory);
  if (!options.reader && reader.kindOf('') !== 'directory') {
    throw new InputError(`check: directory ${JSON.stringify(options.directory)} does not exist or is not a readable folder`);
  }
  const rules = selectRules(options.rules ?? (await allRules()), options.only, options.ignore);

  const loadStarted = performance.now();
  const repository = loadRepository(options.directory, { repo: options.repo ?? null, reader });
  const timings: CheckResult['timings'] = { load: performance.now() - loadStarted, rules: [] };
  const shared = createSharedContext(repository, reader);

  const findings: Finding[] = [];
  const failures: RuleFailure[] = [];
  for (const [index, rule] of rules.entries()) {
    options.onRule?.(rule, index, rules.length);
    const started = performance.now();
    try {
      findings.push(...(await rule.check(createRuleContext(shared, rule))));
    } catch (error) {
      failures.push({
        ruleId: rule.id,
        message: error instanceof Error ? error.message : String(error),
        stack: error instanceof Error ? (error.stack ?? null) : null,
      });
    }
    timings.rules.push({ ruleId: rule.id, milliseconds: performance.now() - started });
  }

  return {
    findings: redactRepeated(dedupe(findings).sort(compareFindings)),
    repository,
    rules,
    notes: [...repository.notes, ...shared.notes],
    failures,
    timings,
  };
}

/**
 * Redact every string of the findings, keys included, as `redactDeep` does.
 * Findings repeat most of their strings (keys, paths, rule ids, docs links,
 * fixes), so each distinct string is redacted once.
 */
function redactRepeated<T>(value: T, seen = new Map<string, string>()): T {
  if (typeof value === 'string') {
    let redacted = seen.get(value);
    if (redacted === undefined) {
      redacted = redact(value);
      seen.set(value, redacted);
    }
    return redacted as T;
  }
  if (Array.isArray(value)) return value.map((item) => redactRepeated(item, seen)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[redactRepeated(key, seen)] = redactRepeated(item, seen);
    return out as T;
  }
  return value;
}

// Two walkers can reach one place: a composite action used by two steps, or a
// reusable workflow called twice. Report it once, with every caller as a
// related location, and suppressed only when every occurrence is.
function dedupe(findings: Finding[]): Finding[] {
  const byKey = new Map<string, Finding>();
  for (const finding of findings) {
    const key = `${finding.ruleId}\u0000${finding.file}\u0000${finding.line}\u0000${finding.column}\u0000${finding.message}`;
    const first = byKey.get(key);
    if (!first) {
      byKey.set(key, finding);
      continue;
    }
    for (const location of finding.related) {
      const known = first.related.some((other) => other.file === location.file && other.line === location.line && other.column === location.column);
      if (!known) first.related.push(location);
    }
    if (first.suppressed && !finding.suppressed) {
      first.suppressed = false;
      delete first.suppressedBy;
    }
  }
  return [...byKey.values()];
}
