import { redact } from '../report/redact.js';
import type { LogLine } from '../log/types.js';
import { matchSignature } from '../signatures/classify.js';
import { parseFailureLines, type FailureFacts } from '../signatures/parse.js';
import type { Signature } from '../signatures/types.js';
import { jobKey, sourceOf, type JobFacts, type LogCollector, type RawFailure, type RawStep } from './collect.js';
import { analyzePowerShell, analyzeScript, isPublishCommand, type ScriptAnalysis } from './script.js';
import { rankCauses } from './causes.js';
import { buildFixes } from './fixes.js';
import {
  MASKED_BY,
  type Evidence,
  type ExplainFailure,
  type ExplainPublished,
  type ExplainReport,
  type ExplainStep,
  type MaskedBy,
  type StepOutcome,
} from './model.js';

/** Turn a log line into evidence; the text is redacted and trimmed. */
export function evidenceOf(line: LogLine): Evidence {
  const text = line.text.length > 500 ? `${line.text.slice(0, 500)}…` : line.text;
  return { file: line.file, line: line.line, text: redact(text.trimEnd()) };
}

/** Everything the analysis derives about one step, beyond the raw lines. */
export interface StepContext {
  raw: RawStep;
  index: number;
  name: string;
  pipefail: boolean | null;
  script: ScriptAnalysis;
  /** True when the step ran a publish command or announced a package. */
  publishes: boolean;
  /** Later steps of the same job ran after it (so a failure here did not stop the job). */
  laterStepRan: boolean;
  /** True when the step's script only runs local tools (tests, linters, builds, `echo`), so npm errors in its output are quotes. */
  localOnly: boolean;
}

/** A failure with the facts behind it, before it is turned into json. */
export interface FailureContext {
  raw: RawFailure;
  step: StepContext;
  facts: FailureFacts;
  signature: Signature | null;
  keyLine: LogLine;
  masking: { maskedBy: MaskedBy; line: LogLine; detail: string } | null;
  /** True when the CI showed the step as passed but no construct in the log explains how. */
  hiddenUnexplained: boolean;
  /** True when the job may mint an OIDC token (`IdToken: write`) and the step got no real token: trusted publishing is meant. */
  oidcIntended: boolean;
}

const PLACEHOLDER = /^X{5}(-X{5}){3}$/;

function meansTrustedPublishing(step: RawStep, facts: JobFacts | null): boolean {
  if (facts?.permissions.get('IdToken')?.value !== 'write') return false;
  const token = step.env.get('NODE_AUTH_TOKEN')?.value.trim();
  return token === undefined || token === '' || PLACEHOLDER.test(token);
}

/** Return true when two steps ran in the same job of the same run (the same input and job name). */
export function sameJob(a: RawStep, b: RawStep): boolean {
  if (sourceOf(a.file) !== sourceOf(b.file)) return false;
  return a.job === b.job;
}

function shellHasPipefail(shell: LogLine | null): boolean | null {
  if (!shell) return null;
  const command = shell.text.slice('shell: '.length);
  if (/pipefail/.test(command)) return true;
  if (/\b(bash|sh|dash|zsh)\b/.test(command)) return false;
  // pwsh, python and cmd have no pipelines in the bash sense.
  return null;
}

// Output before a job's first step header is what GitHub shows as "Set up job"; plain tool output has no steps.
function stepName(raw: RawStep, isCiLog: boolean): string {
  if (raw.name) return raw.name;
  const first = raw.script[0]?.text.trim() ?? raw.header?.text.slice('##[group]Run '.length).trim();
  if (first) return first;
  return isCiLog ? 'Set up job' : '(output outside any step)';
}

// Steps that run because an earlier one failed (`if: failure()`): notifiers and log dumps. Their
// running does not show that the failure was ignored. NOTE: judged by the step's name or first command.
const FAILURE_HANDLER = /\bfail|notif|slack|discord|\bteams\b|alert|\bdebug\b|_logs\b|diagnos/i;

async function buildStepContexts(steps: RawStep[], isCiLogFile: Map<string, boolean>): Promise<StepContext[]> {
  const contexts: StepContext[] = [];
  for (const [index, raw] of steps.entries()) {
    const pipefail = shellHasPipefail(raw.shell);
    const isPowerShell = raw.shell !== null && /\b(?:pwsh|powershell)(?:\.exe)?\b/i.test(raw.shell.text);
    let script: ScriptAnalysis = { commands: [], directoryChanges: [], pipefailLine: null };
    if (!raw.isAction) script = isPowerShell ? analyzePowerShell(raw.script) : await analyzeScript(raw.script, pipefail === true);
    const laterInJob = steps.slice(index + 1).some((other) => sameJob(other, raw) && other.header !== null && !FAILURE_HANDLER.test(stepName(other, true)));
    contexts.push({
      raw,
      index,
      name: stepName(raw, isCiLogFile.get(raw.file) ?? false),
      pipefail: script.pipefailLine ? true : pipefail,
      script,
      publishes: raw.announced.length > 0 || raw.published.length > 0 || script.commands.some((command) => command.isPublish) || (raw.script.length === 0 && isPublishCommand(stepName(raw, isCiLogFile.get(raw.file) ?? false).split(/\s+/))),
      laterStepRan: laterInJob,
      localOnly: !raw.isAction && script.commands.length > 0 && script.commands.every((command) => command.isLocalOnly),
    });
  }
  return contexts;
}

function decideMasking(failure: RawFailure, step: StepContext, isCiLog: boolean): FailureContext['masking'] {
  if (!isCiLog) return null;
  const failedVisibly = step.raw.exitLine !== null;

  // The step showed failure: only a later step running as if nothing happened can hide it.
  if (failedVisibly) {
    if (step.laterStepRan) {
      return {
        maskedBy: 'continue-on-error',
        line: step.raw.exitLine!,
        detail: 'the step failed, yet later steps of the job ran as if it had passed (`continue-on-error: true`, or a condition such as `if: always()`)',
      };
    }
    return null;
  }
  if (step.raw.header === null && step.raw.script.length === 0 && !step.raw.nameFromInput) return null;

  const publishCommands = step.script.commands.filter((command) => command.isPublish);
  const candidates = (publishCommands.length > 0 ? publishCommands : step.script.commands).flatMap((command) => command.masking);
  for (const kind of MASKED_BY) {
    const found = candidates.find((candidate) => candidate.maskedBy === kind);
    if (found) return found;
  }
  const success = step.raw.successMessages.find((line) => line.line > failure.lines[0]!.line);
  if (success) return { maskedBy: 'success-message', line: success, detail: `the step printed "${success.text.trim()}" after the failure and passed` };
  return null;
}

// The step ended without an exit line, or its script printed more after the failure: either way the failure did not stop it.
function stepWentOn(step: RawStep, failure: RawFailure): boolean {
  const last = failure.lines[failure.lines.length - 1]!;
  const after = step.outputAfterFailure;
  return step.completed || (after !== null && after.file === last.file && after.line > last.line);
}

// npm packs before it sends anything, so its `npm notice 📦  name@version` line comes before any registry error of the publish.
function isBeforePublishStarted(failure: RawFailure, step: StepContext): boolean {
  const commands = step.script.commands;
  const runsTests = commands.some((command) => command.isLocalOnly && !command.isPublish);
  const npmPublishes = commands.some((command) => command.isPublish && /^(?:npm|pnpm)\b/.test(command.text));
  const firstAnnounced = step.raw.announced[0]?.line;
  if (!runsTests || !npmPublishes || !firstAnnounced) return false;
  const start = failure.lines[0]!;
  return start.file === firstAnnounced.file && start.line < firstAnnounced.line;
}

const CONSEQUENCE_SIGNATURES = new Set(['http-404-get', 'no-matching-version']);

/** Build the report from what the collector kept. */
export async function analyzeCollected(collector: LogCollector): Promise<ExplainReport> {
  const isCiLogFile = new Map(collector.inputs.map((input) => [input.file, input.format !== 'plain']));
  const contexts = await buildStepContexts(collector.steps, isCiLogFile);

  const published: ExplainPublished[] = [];
  const publishedIndexes = new Map<StepContext, number[]>();
  for (const step of contexts) {
    const indexes: number[] = [];
    // `+ name@version` lines of a step whose every publish command has `--dry-run` published nothing.
    const publishCommands = step.script.commands.filter((command) => command.isPublish);
    if (publishCommands.length > 0 && publishCommands.every((command) => /(^|\s)--dry-run\b/.test(command.text))) step.raw.published = [];
    for (const mention of step.raw.published) {
      indexes.push(published.length);
      published.push({
        package: mention.name,
        version: mention.version,
        registry: mention.registry,
        step: step.name,
        job: step.raw.job,
        evidence: [evidenceOf(mention.line)],
      });
    }
    publishedIndexes.set(step, indexes);
  }

  const failureContexts: FailureContext[] = [];
  for (const step of contexts) {
    for (const raw of step.raw.failures) {
      const facts = parseFailureLines(raw.lines.map((line) => line.text));
      if (facts.package === null && raw.announced) facts.package = raw.announced.name;
      if (facts.version === null && raw.announced && raw.announced.name === facts.package) facts.version = raw.announced.version;
      facts.registry ??= raw.announced?.registry ?? raw.registry;
      const signature = matchSignature(facts);
      // An unknown error outside a publishing step (a failing test, a lint error) is not this report's business.
      if (!signature && !step.publishes) continue;
      // A step that only runs tests, linters or `echo` and attempted no publish prints npm errors as quotes.
      if (step.localOnly && !step.publishes) continue;
      // In a step that runs tests and then publishes, npm errors printed before npm announced the first package are test output.
      if (isBeforePublishStarted(raw, step)) continue;
      failureContexts.push({
        raw,
        step,
        facts,
        signature,
        keyLine: raw.lines[facts.keyLine] ?? raw.lines[0]!,
        masking: decideMasking(raw, step, isCiLogFile.get(step.raw.file) ?? false),
        hiddenUnexplained: false,
        oidcIntended: meansTrustedPublishing(step.raw, collector.jobFacts.get(jobKey(step.raw.file, step.raw.job)) ?? null),
      });
      const added = failureContexts[failureContexts.length - 1]!;
      // A step the CI showed as passed hid the failure even when the log shows no construct that did it.
      added.hiddenUnexplained = added.masking === null && (isCiLogFile.get(step.raw.file) ?? false) && step.raw.exitLine === null && stepWentOn(step.raw, raw) && (step.raw.header !== null || step.raw.startedByInput);
    }
  }

  const recovered = dropRecoveredFailures(failureContexts, contexts, published, publishedIndexes);

  const failures: ExplainFailure[] = failureContexts.map((failure, index) => {
    const consequenceOf = findConsequence(failure, failureContexts.slice(0, index));
    const causes = rankCauses(failure, consequenceOf === null ? null : failureContexts[consequenceOf]!, {
      failures: failureContexts,
      contexts,
      published: collectorPublished(contexts),
      jobFacts: collector.jobFacts.get(jobKey(failure.step.raw.file, failure.step.raw.job)) ?? null,
    });
    return {
      step: failure.step.name,
      job: failure.step.raw.job,
      package: failure.facts.package,
      version: failure.facts.version,
      registry: failure.facts.registry,
      httpStatus: failure.facts.httpStatus,
      npmCode: failure.facts.npmCode,
      signature: failure.signature?.id ?? null,
      masked: failure.masking !== null || failure.hiddenUnexplained,
      maskedBy: failure.masking?.maskedBy ?? null,
      consequenceOf,
      causes,
      fixes: buildFixes(failure, causes, consequenceOf),
      evidence: failureEvidence(failure),
    };
  });

  const steps: ExplainStep[] = contexts.map((step) => {
    const failureIndexes = failureContexts.flatMap((failure, index) => (failure.step === step ? [index] : []));
    const isCi = isCiLogFile.get(step.raw.file) ?? false;
    // A step the log does not show ending (an excerpt, a cancelled job) has no status to report.
    // Lines after a step are read only when it failed, so a step without failures counts as ended.
    const ended = step.raw.completed || step.raw.failures.length === 0;
    let ciStatus: ExplainStep['ciStatus'] = 'unknown';
    if (step.raw.exitLine) ciStatus = 'failed';
    else if (isCi && ended) ciStatus = 'passed';
    let outcome: StepOutcome = ciStatus === 'passed' ? 'succeeded' : 'unknown';
    if (failureIndexes.some((index) => failures[index]!.masked)) outcome = 'failure-hidden';
    else if (failureIndexes.length > 0 || ciStatus === 'failed') outcome = 'failed';
    const evidence = [step.raw.header, step.raw.shell, step.raw.exitLine].filter((line): line is LogLine => line !== null).map(evidenceOf);
    return {
      index: step.index,
      job: step.raw.job,
      name: step.name,
      shell: step.raw.shell ? step.raw.shell.text.slice('shell: '.length) : null,
      pipefail: step.pipefail,
      ciStatus,
      exitCode: step.raw.exitCode,
      outcome,
      published: publishedIndexes.get(step) ?? [],
      failures: failureIndexes,
      evidence,
    };
  });

  return {
    inputs: collector.inputs.map((input) => ({ file: input.file, format: input.format, lines: input.lines, bytes: input.bytes })),
    steps,
    published,
    failures,
    summary: summarize(published, failures, recovered),
  };
}

/**
 * Remove failed attempts that a later publish of the same package and version
 * in the same job made good (a retry loop, a re-run step), and add the failed
 * attempt to that publish's evidence. Returns how many were removed.
 */
function dropRecoveredFailures(failures: FailureContext[], contexts: StepContext[], published: ExplainPublished[], publishedIndexes: Map<StepContext, number[]>): number {
  const before = failures.length;
  const kept = failures.filter((failure) => {
    const name = failure.facts.package;
    if (!name) return true;
    for (const step of contexts) {
      if (!sameJob(step.raw, failure.step.raw) || step.index < failure.step.index) continue;
      const mentions = step.raw.published;
      for (const [position, mention] of mentions.entries()) {
        if (mention.name !== name) continue;
        if (mention.version !== null && failure.facts.version !== null && mention.version !== failure.facts.version) continue;
        if (step === failure.step && mention.line.line < failure.keyLine.line) continue;
        const index = publishedIndexes.get(step)?.[position];
        if (index !== undefined) published[index]!.evidence.push(evidenceOf(failure.keyLine));
        return false;
      }
    }
    return true;
  });
  failures.splice(0, failures.length, ...kept);
  return before - failures.length;
}

function collectorPublished(contexts: StepContext[]): Array<{ step: StepContext; mention: RawStep['published'][number] }> {
  return contexts.flatMap((step) => step.raw.published.map((mention) => ({ step, mention })));
}

function failureEvidence(failure: FailureContext): Evidence[] {
  const lines = [failure.keyLine];
  const code = failure.raw.lines.find((line) => /\bcode\s+[A-Z]/.test(line.text));
  if (code && code !== failure.keyLine) lines.unshift(code);
  if (failure.masking) lines.push(failure.masking.line);
  if (failure.step.raw.exitLine && !lines.includes(failure.step.raw.exitLine)) lines.push(failure.step.raw.exitLine);
  return lines.sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1)).map(evidenceOf);
}

// A later failure follows from an earlier one when it requests the package the earlier one failed to publish.
function findConsequence(failure: FailureContext, earlier: FailureContext[]): number | null {
  const isLookup = (failure.signature && CONSEQUENCE_SIGNATURES.has(failure.signature.id)) || (failure.facts.httpStatus === 404 && failure.facts.method !== 'PUT');
  if (!isLookup || !failure.facts.package) return null;
  for (let index = earlier.length - 1; index >= 0; index -= 1) {
    const candidate = earlier[index]!;
    if (candidate.facts.package !== failure.facts.package) continue;
    if (candidate.facts.method === 'GET' && candidate.facts.httpStatus === 404) continue;
    return index;
  }
  return null;
}

function summarize(published: ExplainPublished[], failures: ExplainFailure[], recovered: number): ExplainReport['summary'] {
  const masked = failures.filter((failure) => failure.masked).length;
  const consequences = failures.filter((failure) => failure.consequenceOf !== null).length;
  const root = failures.find((failure) => failure.consequenceOf === null);
  const rootCause = root?.causes[0]?.id ?? null;
  if (failures.length === 0) {
    return {
      verdict: published.length > 0 ? 'passed' : 'no-publish',
      published: published.length,
      failed: 0,
      masked: 0,
      consequences: 0,
      recovered,
      rootCause: null,
      headline: published.length > 0
        ? `${published.length} package${published.length === 1 ? '' : 's'} published, no failure found${recovered > 0 ? ` (${recovered} failed attempt${recovered === 1 ? '' : 's'} made good by a later publish of the same version)` : ''}`
        : 'no package publish and no registry failure found in the log: nothing to explain',
    };
  }
  const primary = failures.length - consequences;
  const parts = [`${primary} publish failure${primary === 1 ? '' : 's'}`];
  if (consequences > 0) parts.push(`${consequences} consequence${consequences === 1 ? '' : 's'}`);
  if (masked > 0) parts.push(`${masked} hidden from the CI status`);
  if (published.length > 0) parts.push(`${published.length} published`);
  if (recovered > 0) parts.push(`${recovered} failed attempt${recovered === 1 ? '' : 's'} made good by a retry`);
  const what = root ? ` ${root.package ? `\`${root.package}${root.version ? `@${root.version}` : ''}\`` : 'the publish'}${root.httpStatus ? ` failed with ${root.httpStatus}` : ' failed'}` : '';
  return {
    verdict: 'failed',
    published: published.length,
    failed: failures.length,
    masked,
    consequences,
    recovered,
    rootCause,
    headline: `${parts.join(', ')}:${what}${rootCause ? `, most likely cause \`${rootCause}\`` : ''}`,
  };
}
