import { CAUSES, type CauseId } from '../signatures/causes.js';
import { registryKind } from '../signatures/classify.js';
import type { LogLine } from '../log/types.js';
import type { Confidence } from '../report/finding.js';
import { sourceOf, type JobFacts, type RawStep } from './collect.js';
import type { ExplainCause } from './model.js';
import { evidenceOf, sameJob, type FailureContext, type StepContext } from './analyze.js';

/** The evidence the whole log offers beyond the failure itself. */
export interface CauseEvidence {
  failures: FailureContext[];
  contexts: StepContext[];
  published: Array<{ step: StepContext; mention: RawStep['published'][number] }>;
  /** The failing job's GITHUB_TOKEN permissions and npm version, when its setup printed them. */
  jobFacts: JobFacts | null;
}

interface Candidate {
  id: CauseId;
  score: number;
  rank: number;
  notes: string[];
  lines: LogLine[];
}

const PLACEHOLDER = /^X{5}(-X{5}){3}$/;

// Scores: the catalogue's ranking gives the start, evidence in the log moves a cause up or down.
const BASE_SCORE = 50;
const RANK_STEP = 6;

function location(line: LogLine): string {
  return `${line.file}:${line.line}`;
}

function confidenceOf(score: number): Confidence {
  if (score >= 80) return 'high';
  if (score >= 45) return 'medium';
  return 'low';
}

/**
 * Rank a failure's causes by the evidence in the log. The signature (chosen
 * by the registry's message, not by the status alone) gives the candidates in
 * their usual order; the step's environment, the other publishes of the same
 * job and the step's script then raise or lower each one.
 */
export function rankCauses(failure: FailureContext, source: FailureContext | null, evidence: CauseEvidence): ExplainCause[] {
  if (source) {
    const what = source.facts.package ? `\`${source.facts.package}${source.facts.version ? `@${source.facts.version}` : ''}\`` : 'the package';
    return [
      {
        id: 'version-not-published',
        summary: `${what} is not in the registry because its publish failed earlier (${location(source.keyLine)}); this failure follows from that one`,
        confidence: 'high',
        evidence: [evidenceOf(source.keyLine), evidenceOf(failure.keyLine)],
      },
    ];
  }

  const candidates = new Map<CauseId, Candidate>();
  (failure.signature?.causes ?? []).forEach((cause, rank) => {
    candidates.set(cause.id, { id: cause.id, score: BASE_SCORE - rank * RANK_STEP, rank, notes: [], lines: [failure.keyLine] });
  });
  const adjust = (id: CauseId, delta: number, note: string | null, line: LogLine | null, addIfAbsent = false): void => {
    let candidate = candidates.get(id);
    if (!candidate) {
      if (!addIfAbsent) return;
      candidate = { id, score: BASE_SCORE - 3 * RANK_STEP, rank: candidates.size, notes: [], lines: [failure.keyLine] };
      candidates.set(id, candidate);
    }
    candidate.score += delta;
    if (note) candidate.notes.push(note);
    if (line && !candidate.lines.includes(line)) candidate.lines.push(line);
  };

  readEnvironment(failure, adjust);
  readJobFacts(failure, evidence.jobFacts, adjust);
  readOidcLog(failure, adjust);
  readEarlierPublish(failure, evidence, adjust);
  readPublishedBeforeLookup(failure, evidence, adjust);
  compareWithWorkingPublishes(failure, evidence, adjust);
  readMessage(failure, adjust);

  // GitHub Packages takes no OIDC credential: trusted publishing cannot be the cause there.
  if (registryKind(failure.facts.registry) === 'github-packages') {
    candidates.delete('oidc-not-configured');
    candidates.delete('npm-too-old-for-oidc');
  }

  return [...candidates.values()]
    .sort((a, b) => b.score - a.score || a.rank - b.rank)
    .map((candidate) => ({
      id: candidate.id,
      summary: [CAUSES[candidate.id], ...candidate.notes].join('; '),
      confidence: confidenceOf(candidate.score),
      evidence: candidate.lines.sort((a, b) => a.line - b.line).map(evidenceOf),
    }));
}

type Adjust = (id: CauseId, delta: number, note: string | null, line: LogLine | null, addIfAbsent?: boolean) => void;

function readEnvironment(failure: FailureContext, adjust: Adjust): void {
  const env = failure.step.raw.env;
  const token = env.get('NODE_AUTH_TOKEN');
  const userConfig = env.get('NPM_CONFIG_USERCONFIG') ?? env.get('npm_config_userconfig');
  const value = token?.value.trim();

  if (token && value !== undefined && PLACEHOLDER.test(value)) {
    adjust('token-placeholder', 40, `the step's env sets NODE_AUTH_TOKEN to setup-node's placeholder \`${value}\` (${location(token.line)}), so setup-node's user .npmrc sends it`, token.line);
    adjust('token-missing', -20, null, null);
  } else if (token && value === '') {
    adjust('token-empty', 40, `the step's env sets NODE_AUTH_TOKEN to an empty value (${location(token.line)})`, token.line);
  } else if (token) {
    // A masked value (`***`) means a real secret reached the step.
    if (failure.facts.httpStatus === 401) {
      adjust('token-invalid-or-expired', 25, `a real token reached the step (${location(token.line)}) and the registry did not recognise it`, token.line);
    } else if (failure.signature?.id === 'npm-404-put') {
      // NOTE: npmjs.org treats an expired or revoked token as none; write-enabled granular tokens expire within 90 days (as of 2026-12).
      adjust('token-invalid-or-expired', 25, `a real token reached the step (${location(token.line)}), and npmjs.org answers 404 to a publish whose token expired or was revoked`, token.line);
    }
    adjust('token-placeholder', -40, null, null);
    adjust('token-missing', -40, null, null);
    adjust('token-empty', -20, null, null);
    adjust('token-unexpanded-variable', -20, null, null);
  } else if (userConfig && failure.oidcIntended) {
    // With trusted publishing the missing NODE_AUTH_TOKEN is deliberate: the OIDC exchange should supply the credential.
    adjust('token-missing', -15, null, null);
  } else if (userConfig) {
    adjust('token-missing', 35, `setup-node's user config is in use (${location(userConfig.line)}) but the step's env has no NODE_AUTH_TOKEN, so the \`_authToken\` line it holds, which reads \`\${NODE_AUTH_TOKEN}\`, has nothing to send`, userConfig.line);
    adjust('token-unexpanded-variable', 10, null, userConfig.line);
  }

  // npm prints the notice when the registry's response arrives, so it lands just before or just after the error lines.
  const expired = failure.step.raw.expiredTokenNotice;
  const lastLine = failure.raw.lines[failure.raw.lines.length - 1]!;
  const nearFailure = expired !== null && expired.file === lastLine.file && expired.line <= lastLine.line + NOTICE_DISTANCE;
  if (expired && nearFailure && failure.oidcIntended) {
    // Reports from 2026 show this notice when the registry rejected the trusted-publishing token (workflow file or repository mismatch).
    adjust('oidc-not-configured', 45, `npm reported that the token it sent expired or was revoked (${location(expired)}); in a job meant to use trusted publishing that is the registry rejecting the OIDC token, so no trusted publisher matches this repository and workflow file`, expired, true);
    adjust('token-missing', -20, null, null);
  } else if (expired && nearFailure) {
    adjust('token-invalid-or-expired', 45, `npm reported that the token expired or was revoked (${location(expired)})`, expired, true);
    adjust('token-missing', -20, null, null);
  }

  const yarnBerry = failure.step.script.commands.some((command) => /^yarn\s+npm\s+publish\b/.test(command.text)) || /^YN\d{4}$/.test(failure.facts.npmCode ?? '');
  if (yarnBerry) adjust('yarn-berry-ignores-npmrc', 30, env.has('YARN_NPM_AUTH_TOKEN') ? null : 'the step runs Yarn 2+ and its env has no YARN_NPM_AUTH_TOKEN', null);
}

/** Lines after a failure within which npm's expired-token notice still belongs to it. */
const NOTICE_DISTANCE = 5;

const OIDC_MINIMUM_NPM = [11, 5, 1];

function npmBelowOidcMinimum(version: string): boolean {
  const parts = version.split('.').map(Number);
  for (let index = 0; index < 3; index += 1) {
    if (parts[index]! !== OIDC_MINIMUM_NPM[index]!) return parts[index]! < OIDC_MINIMUM_NPM[index]!;
  }
  return false;
}

// The permissions GitHub printed for the job's GITHUB_TOKEN and the npm setup-node found.
function readJobFacts(failure: FailureContext, facts: JobFacts | null, adjust: Adjust): void {
  if (!facts) return;
  const packages = facts.permissions.get('Packages');
  const idToken = facts.permissions.get('IdToken');
  if (facts.permissions.size > 0) {
    if (packages?.value === 'write') {
      adjust('workflow-permission-missing', -40, null, null);
    } else {
      const line = packages?.line ?? [...facts.permissions.values()][0]!.line;
      adjust('workflow-permission-missing', 45, `the job's GITHUB_TOKEN has ${packages ? `\`Packages: ${packages.value}\`` : 'no Packages permission'} (${location(line)}), not \`packages: write\``, line);
    }
    if (!idToken || idToken.value !== 'write') adjust('id-token-permission-missing', 30, `the job's GITHUB_TOKEN permissions list no \`IdToken: write\``, packages?.line ?? null);
  }

  if (failure.oidcIntended && idToken) {
    const npm = facts.npmVersion;
    if (npm && npmBelowOidcMinimum(npm.value)) {
      adjust('npm-too-old-for-oidc', 55, `the job may use trusted publishing (${location(idToken.line)}) but runs npm ${npm.value} (${location(npm.line)}), and trusted publishing needs 11.5.1 or later`, npm.line);
      adjust('npm-too-old-for-oidc', 0, null, idToken.line);
    } else {
      adjust('oidc-not-configured', 30, `the job may use trusted publishing (${location(idToken.line)}) and passes no token, so the OIDC exchange is the credential`, idToken.line);
      // NOTE: setup-node prints the npm it found; a later `npm install -g npm@…` in the job is not seen here.
      if (npm) adjust('npm-too-old-for-oidc', -40, null, null);
    }
    // NOTE: whether setup-node's placeholder `_authToken` line keeps npm 11 from trying the OIDC exchange is
    // disputed (as of 2026-12: some users report it, others publish fine with it), so it stays a medium-confidence cause.
    const tokenLine = failure.step.raw.env.get('NODE_AUTH_TOKEN');
    if (tokenLine && PLACEHOLDER.test(tokenLine.value.trim())) {
      adjust('token-placeholder', 20, `setup-node's \`registry-url\` wrote an \`_authToken\` line that reads \`\${NODE_AUTH_TOKEN}\`, and the step's env holds its placeholder (${location(tokenLine.line)}), which may keep npm from trying the OIDC exchange`, tokenLine.line, true);
    }
  }
}

// The same version published earlier in the run (another job of a matrix, an earlier step) is why it exists.
function readEarlierPublish(failure: FailureContext, evidence: CauseEvidence, adjust: Adjust): void {
  if (failure.signature?.id !== 'version-exists' || !failure.facts.package) return;
  const earlier = evidence.published.find(({ step, mention }) =>
    sourceOf(step.raw.file) === sourceOf(failure.step.raw.file) &&
    step.index <= failure.step.index &&
    mention.name === failure.facts.package &&
    (failure.facts.version === null || mention.version === failure.facts.version));
  if (!earlier) return;
  const where = `${earlier.step.raw.job ? `job "${earlier.step.raw.job}", ` : ''}step "${earlier.step.name}"`;
  adjust('version-exists', 40, `this run published \`${earlier.mention.name}@${earlier.mention.version ?? ''}\` earlier (${where}, ${location(earlier.mention.line)}), so the version was there before this publish`, earlier.mention.line);
}

// A lookup that misses a version this run published: npm serves install metadata from caches that lag behind the publish
// (npm/cli issues 3424 and 4513 show ETARGET right after a publish that worked).
function readPublishedBeforeLookup(failure: FailureContext, evidence: CauseEvidence, adjust: Adjust): void {
  const isLookup = failure.signature?.id === 'http-404-get' || failure.signature?.id === 'no-matching-version';
  if (!isLookup || !failure.facts.package) return;
  const earlier = evidence.published.find(({ step, mention }) =>
    sourceOf(step.raw.file) === sourceOf(failure.step.raw.file) &&
    step.index <= failure.step.index &&
    mention.name === failure.facts.package &&
    (failure.facts.version === null || mention.version === failure.facts.version));
  if (!earlier) {
    const attempted = evidence.failures.some((other) => other !== failure && other.facts.package === failure.facts.package);
    if (!attempted) adjust('version-not-published', 0, `the log shows no publish of \`${failure.facts.package}\`; \`gh run view --log-failed\` leaves out steps that passed, so read the publish step in \`gh run view --log\` or the job's full log`, null);
    return;
  }
  adjust('registry-propagation-delay', 60, `\`${earlier.mention.name}@${earlier.mention.version ?? ''}\` was published earlier in this run (${location(earlier.mention.line)}), so the registry had it but still served older metadata`, earlier.mention.line, true);
  adjust('version-not-published', -40, null, null);
}

// npm 11 logs the trusted-publishing exchange at verbose level (`npm verbose oidc …`), with the messages matched here (npm 11.6, 2026-12).
function readOidcLog(failure: FailureContext, adjust: Adjust): void {
  const lines = failure.step.raw.oidcLines.filter((line) => line.file === failure.keyLine.file && line.line < failure.keyLine.line);
  const rejected = lines.find((line) => /Failed token exchange request/i.test(line.text));
  const noPermission = lines.find((line) => /incorrect permissions for id-token|Failed to fetch id_token/i.test(line.text));
  const succeeded = lines.find((line) => /Successfully retrieved and set token/i.test(line.text));

  if (rejected) {
    const message = /body message: (.*)$/.exec(rejected.text)?.[1]?.trim() ?? rejected.text;
    adjust('oidc-not-configured', 50, `npm tried the OIDC exchange and the registry rejected it with "${message}" (${location(rejected)}): no trusted publisher on npmjs.com matches this repository and workflow file, or the package does not exist yet`, rejected, true);
    // The exchange was tried, so npm is new enough and no placeholder kept it from trying.
    adjust('npm-too-old-for-oidc', -60, null, null);
    adjust('token-placeholder', -40, null, null);
    adjust('token-missing', -20, null, null);
  }
  if (noPermission) {
    adjust('id-token-permission-missing', 50, `npm could not get an OIDC token from GitHub (${location(noPermission)}): the job needs \`permissions: id-token: write\``, noPermission, true);
    adjust('npm-too-old-for-oidc', -60, null, null);
  }
  if (succeeded) {
    // The exchange gave npm a publish token, so the refusal concerns what that token may do.
    adjust('oidc-not-configured', -40, null, null);
    adjust('npm-too-old-for-oidc', -60, null, null);
    adjust('token-missing', -40, null, null);
    adjust('token-placeholder', -40, null, null);
    adjust('package-permission-denied', 20, `the OIDC exchange gave npm a token (${location(succeeded)}), so the registry refused what that token may publish`, succeeded, true);
  }
}

// "Another package published to the same registry in the same job, so the credential works."
function compareWithWorkingPublishes(failure: FailureContext, evidence: CauseEvidence, adjust: Adjust): void {
  const { facts } = failure;
  const credentialFailure = facts.httpStatus === 401 || (facts.httpStatus === 404 && facts.method === 'PUT') || facts.npmCode === 'ENEEDAUTH';
  if (!credentialFailure) return;
  const sibling = evidence.published.find(
    ({ step, mention }) =>
      sameJob(step.raw, failure.step.raw) &&
      mention.name !== facts.package &&
      (mention.registry === null || facts.registry === null || mention.registry === facts.registry),
  );
  if (!sibling) {
    // No publish worked in this job, so there is no working configuration to differ from.
    adjust('workdir-config-differs', -30, null, null);
    return;
  }

  const worked = `\`${sibling.mention.name}${sibling.mention.version ? `@${sibling.mention.version}` : ''}\``;
  const differences: string[] = [];
  const lines: LogLine[] = [sibling.mention.line];
  const failingDirectories = failure.step.script.directoryChanges;
  const workingDirectories = sibling.step.script.directoryChanges;
  for (const change of failingDirectories) {
    if (!workingDirectories.some((other) => other.directory === change.directory)) {
      differences.push(`it runs \`cd ${change.directory}\` (${location(change.line)}), so npm's project config becomes \`${change.directory.replace(/\/$/, '')}/.npmrc\` instead of the one the other publish read`);
      lines.push(change.line);
    }
  }
  if (sibling.step !== failure.step) {
    const envDifferences = [...new Set([...failure.step.raw.env.keys(), ...sibling.step.raw.env.keys()])].filter(
      (key) => failure.step.raw.env.get(key)?.value !== sibling.step.raw.env.get(key)?.value,
    );
    if (envDifferences.length > 0) differences.push(`its env differs in ${envDifferences.map((key) => `\`${key}\``).join(', ')}`);
  }
  // The same command published another package with the same credential: only this package differs.
  if (sibling.step === failure.step && differences.length === 0) {
    adjust('package-permission-denied', 30, `${worked} was published by the same command with the same credential (${location(sibling.mention.line)}), so the credential works and the refusal is specific to \`${facts.package ?? 'this package'}\``, sibling.mention.line, true);
    adjust('token-missing', -40, null, null);
    adjust('token-invalid-or-expired', -40, null, null);
    adjust('oidc-not-configured', -20, null, null);
    adjust('npm-too-old-for-oidc', -20, null, null);
    // A package of the same scope went through, so the scope exists.
    if (facts.package?.startsWith('@') && sibling.mention.name.split('/')[0] === facts.package.split('/')[0]) adjust('scope-not-found', -40, null, null);
    return;
  }
  const where = sibling.step === failure.step ? 'the same step' : `step "${sibling.step.name}"`;
  const note = `${worked} was published to the same registry in ${where} of this job (${location(sibling.mention.line)}), so the credential itself works; the difference lies in step "${failure.step.name}"${differences.length > 0 ? `: ${differences.join('; ')}` : ' (its working directory, environment or the .npmrc npm read)'}`;
  adjust('workdir-config-differs', 45, note, null, true);
  for (const line of lines) adjust('workdir-config-differs', 0, null, line);
  adjust('token-invalid-or-expired', -40, `unlikely: ${worked} was published with a working credential in the same job`, null);
  adjust('token-missing-scope', -40, null, null);
  adjust('token-wrong-type', -30, null, null);
}

function readMessage(failure: FailureContext, adjust: Adjust): void {
  const { facts } = failure;
  const scopes = /following scopes: \[([^\]]*)\]/i.exec(facts.message);
  if (scopes) adjust('token-missing-scope', 40, `the registry names the scopes it needs: ${scopes[1]!.replace(/'/g, '`')}`, failure.keyLine);
  else if (/expected scopes|required scopes/i.test(facts.message)) adjust('token-missing-scope', 30, 'the registry says the token lacks the scopes it needs', failure.keyLine);

  if (failure.signature?.id === 'gpr-404-put' && facts.package && !facts.package.startsWith('@')) {
    adjust('scope-owner-mismatch', 30, `\`${facts.package}\` has no scope, and GitHub Packages accepts only \`@owner/name\``, null);
  }
  if (failure.signature?.id === 'npm-404-put' && facts.package?.startsWith('@')) {
    const scope = facts.package.split('/')[0];
    adjust('package-permission-denied', 15, `\`${facts.package}\` is scoped: npmjs.org answers 404 when the credential may not publish to \`${scope}\``, null);
    adjust('scope-not-found', 10, null, null);
  }
}
