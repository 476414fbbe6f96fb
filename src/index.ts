/**
 * pubguard as a library: the same operations as the command line, with types.
 * Every report these functions return is already redacted.
 */

// check: static findings in a repository.
export { runCheck, selectRules, allRules, type CheckOptions, type CheckResult, type RuleFailure } from './check/run.js';
export { renderCheckOutput, type CheckFormat, type OutputOptions } from './check/output.js';
export { RULES } from './rules/index.js';
export { defineRule, docsUrlOf, type Rule, type RuleDefinition } from './rules/types.js';
export type { RuleContext } from './rules/context.js';
export { loadRepository, type LoadOptions } from './workflow/index.js';
export type { Repository, Workflow, Job, Step } from './workflow/model.js';
export { buildFindingsReport, exitStatusOf, type FindingsReport, type FindingsSummary } from './report/findings-summary.js';
export { renderFindingsText } from './report/findings-text.js';
export { renderFindingsCompact } from './report/findings-compact.js';
export { renderFindingsJson, findingToJson } from './report/findings-json.js';
export { renderFindingsSarif, buildSarif } from './report/findings-sarif.js';
export { renderFindingsGithub } from './report/findings-github.js';
export { renderFindingsMarkdown } from './report/findings-markdown.js';
export type { Finding, Location, Evidence, Severity, Confidence } from './report/finding.js';

// explain: CI logs to an investigation report.
export { explainLogs, MASKED_BY, type ExplainOptions } from './explain/index.js';
export type { ExplainReport, ExplainFailure, ExplainCause, ExplainFix, ExplainStep, ExplainPublished, MaskedBy } from './explain/index.js';
export { renderExplainText } from './report/explain-text.js';
export { renderExplainMarkdown, STEP_SUMMARY_MAX_BYTES } from './report/explain-markdown.js';
export { renderExplainJson } from './report/explain-json.js';
export { SIGNATURES, CAUSES, CAUSE_IDS, classifyPublishOutput, matchSignature, type Signature, type CauseId, type PublishFailureClassification } from './signatures/index.js';

// doctor: what npm will send where, asked of the registry.
export { runDoctor } from './doctor/doctor.js';
export { renderDoctorText, renderDoctorJson } from './doctor/render.js';
export type { DoctorOptions, DoctorReport } from './doctor/types.js';
export { resolvePublishConfig, type PublishConfigResolution, type ResolvePublishOptions } from './npmconfig/index.js';
export { simulateJob, type SimulatedPublish } from './npmconfig/simulate.js';

// publish and verify.
export { publishPackages, type PublishOptions } from './publish/publish.js';
export { getPublishPlan, orderByDependencies, type PublishPlan, type PlannedPackage } from './publish/plan.js';
export { packFolder, computeIntegrity, listTarball, type PackResult } from './publish/pack.js';
export { renderPublishText, renderPublishJson } from './publish/render.js';
export { writeStepOutputs, writeStepSummary } from './publish/github.js';
export { summarize, publishExitCode, PUBLISH_STATUSES, type PublishReport, type PackageOutcome, type PublishStatus, type PublishCause } from './publish/outcome.js';
export { verifyVersions, parseTargetSpec, targetsFromPlan, type VerifyOptions, type VerifyReport, type VerifyOutcome, type VerifyTarget } from './verify/verify.js';
export { renderVerifyText, renderVerifyJson } from './verify/render.js';

// Lower layers that tools built on pubguard reuse.
export { RegistryClient, RegistryError, fetchGithubTokenScopes } from './registry/index.js';
export { analyzeScript, loadBashParser, detectPublishCommand, detectRegistryQuery, type ScriptAnalysis } from './shell/index.js';
export { redact, redactDeep, registerSecret } from './report/redact.js';
export { UsageError, InputError } from './errors.js';
