/**
 * Turning a failed client run into a cause. The signature catalogue in
 * src/signatures reads the client's error lines and ranks the causes; this
 * file decides what a failed upload means for the version (rejected, already
 * there, or unknown so it must be looked up), and falls back to the
 * client's `--json` error code when no signature matches.
 */
import { readFileSync } from 'node:fs';
import { CAUSES, type CauseId } from '../signatures/causes.js';
import { classifyPublishOutput } from '../signatures/classify.js';
import type { ClientJsonResult } from './client.js';
import type { PublishCause } from './outcome.js';

/** Meaning of a failed upload for the version: rejected for good, already there, or unknown. */
export type UploadVerdict = 'rejected' | 'conflict' | 'unknown-outcome';

// Connection-level codes from Node and npm-registry-fetch: the request may or may not have reached the registry.
const TRANSIENT_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'EPIPE', 'ECONNREFUSED', 'EAI_AGAIN', 'ENOTFOUND', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'FETCH_ERROR', 'ERR_SOCKET_TIMEOUT', 'UND_ERR_SOCKET']);

const TAG_REQUIRED = /You must specify a tag using --tag/;

/** Lifecycle scripts npm runs after the upload: when one of them fails, the version is already in the registry. */
const AFTER_UPLOAD_SCRIPTS = new Set(['publish', 'postpublish']);

/** A lifecycle script that stopped the client: its name, its command and its exit status. */
export interface ScriptFailure {
  script: string;
  command: string;
  status: string;
  /** True for `publish` and `postpublish`, which npm runs after the upload. */
  afterUpload: boolean;
  /** Index of the output line naming the failed command. */
  line: number;
}

/**
 * Find the lifecycle script whose failure ended an npm run: npm prints
 * `> name@version script` before running it, and on failure
 * `npm error command sh -c <command>` with the script's exit status as the
 * error code.
 */
export function findScriptFailure(output: string, json?: ClientJsonResult): ScriptFailure | null {
  const lines = output.split(/\r?\n/);
  // pnpm: `{ "error": { "code": "ELIFECYCLE", "message": "name@1.0.0 prepublishOnly: \`exit 3\`\nExit status 3" } }`.
  const pnpm = json?.code === 'ELIFECYCLE' ? /^\S+@\S+ (\S+): `(.*)`\s*Exit status (\d+)/s.exec(json.summary ?? '') : null;
  if (pnpm) {
    const scriptLine = lines.findIndex((line) => new RegExp(`^> \\S+@\\S+ ${pnpm[1]}\\b`).test(line.trim()));
    return { script: pnpm[1]!, command: pnpm[2]!, status: pnpm[3]!, afterUpload: AFTER_UPLOAD_SCRIPTS.has(pnpm[1]!), line: scriptLine === -1 ? 0 : scriptLine };
  }
  // Yarn 2+: `➤ YN0036: Prepack script failed (exit code 5, logs can be found here: …)`.
  const yarnLine = lines.findIndex((line) => /YN0036:\s*\w+ script failed \(exit code \d+/.test(line));
  if (yarnLine !== -1) {
    const yarn = /YN0036:\s*(\w+) script failed \(exit code (\d+)/.exec(lines[yarnLine]!)!;
    const script = yarn[1]!.charAt(0).toLowerCase() + yarn[1]!.slice(1);
    return { script, command: '', status: yarn[2]!, afterUpload: AFTER_UPLOAD_SCRIPTS.has(script), line: yarnLine };
  }
  const commandLine = lines.findIndex((line) => /^npm (ERR!|error) command (sh|cmd\.exe|\S*sh) (-c|\/d \/s \/c) /.test(line));
  if (commandLine === -1) return null;
  let script: string | null = null;
  for (let index = commandLine - 1; index >= 0 && script === null; index--) {
    script = /^> \S+@\S+ (\S+)$/.exec(lines[index]!.trim())?.[1] ?? null;
  }
  if (script === null) return null;
  const status = /npm (ERR!|error) code (\S+)/.exec(output)?.[2] ?? 'non-zero';
  const command = lines[commandLine]!.replace(/^npm (ERR!|error) command (sh|cmd\.exe|\S*sh) (-c|\/d \/s \/c) /, '');
  return { script, command, status, afterUpload: AFTER_UPLOAD_SCRIPTS.has(script), line: commandLine };
}

/**
 * Find, in npm's debug log, an upload that npm itself sent again after a
 * broken connection (`fetch-retries`, 2 by default). A conflict after such a
 * retry is with the first try of this same run, whose body had arrived.
 * Returns the debug log line and its place, or null.
 */
export function findRetriedUpload(output: string): { where: string; text: string } | null {
  const debugLog = /complete log of this run can be found in:\s*(\S+)/.exec(output)?.[1];
  if (!debugLog) return null;
  let text: string;
  try {
    text = readFileSync(debugLog, 'utf8');
  } catch {
    return null;
  }
  const lines = text.split(/\r?\n/);
  const index = lines.findIndex((line) => /http fetch PUT \S+ attempt \d+ failed with \S+/.test(line));
  return index === -1 ? null : { where: `${debugLog}:${index + 1}`, text: lines[index]!.trim() };
}

export interface FailureInput {
  json: ClientJsonResult;
  /** The client's whole output (stdout and stderr in arrival order). */
  output: string;
  exitCode: number;
}

/** Position of the client's output in the log file, so evidence can name a line. */
export interface LogPosition {
  file: string;
  /** Lines of the log file before the first line of this output. */
  lineOffset: number;
}

export interface ClassifyContext {
  registry?: string;
  /** `name@version`. */
  package?: string;
}

/** Read the HTTP status out of an npm code such as `E503`. */
function statusOf(code: string | null, text: string): number | null {
  const fromCode = code && /^E(\d{3})$/.exec(code);
  if (fromCode) return Number(fromCode[1]);
  const fromText = /\b([45]\d\d) [A-Z][A-Za-z ]+ - (PUT|GET)\b/.exec(text);
  if (fromText) return Number(fromText[1]);
  // Yarn 2+: `➤ YN0035:   Response Code: 403 (Forbidden)`.
  const fromYarn = /Response Code: ([45]\d\d)\b/.exec(text);
  return fromYarn ? Number(fromYarn[1]) : null;
}

/** Decide whether a failed upload was rejected, hit an existing version, or ended without a known outcome. */
export function judgeUpload(input: FailureInput): UploadVerdict {
  const text = `${input.json.summary ?? ''} ${input.json.detail ?? ''} ${input.json.kind === 'error' ? '' : input.output}`;
  const code = input.json.code ?? /npm error code (\w+)/.exec(input.output)?.[1] ?? null;
  // npm 11 rejects an upload without --tag for a prerelease or a version below `latest`, and that message contains "previously published version" too.
  if (TAG_REQUIRED.test(text)) return 'rejected';
  if (code === 'EPUBLISHCONFLICT' || /cannot publish over|previously published version|version already exists|this package is already present/i.test(text)) return 'conflict';
  const status = statusOf(code, text);
  if (status === 409) return 'conflict';
  if (status !== null && status >= 500) return 'unknown-outcome';
  if (code && TRANSIENT_CODES.has(code)) return 'unknown-outcome';
  if (/\b(ECONNRESET|ETIMEDOUT|ESOCKETTIMEDOUT|EPIPE|socket hang up|network timeout)\b/i.test(text)) return 'unknown-outcome';
  return 'rejected';
}

/** Cause ids only publish gives: a lifecycle script failed, or npm required an explicit --tag. */
export type PublishOnlyCauseId = 'lifecycle-script-failed' | 'tag-required';

function cause(id: CauseId | PublishOnlyCauseId, message: string, fix: string, evidence: PublishCause['evidence'], alternatives: CauseId[] = []): PublishCause {
  return { id, message, fix, evidence, alternatives: alternatives.map((alternative) => ({ id: alternative, message: CAUSES[alternative] })) };
}

/**
 * Classify a failed publish into a cause with its fix: the signature
 * catalogue first, then npm's JSON error code. The evidence points at the
 * log file line the classification rests on.
 */
export function classifyFailure(input: FailureInput, log: LogPosition, context: ClassifyContext = {}): PublishCause {
  const code = input.json.code ?? /npm error code (\w+)/.exec(input.output)?.[1] ?? /➤ (YN(?!0000)\d{4}):/.exec(input.output)?.[1] ?? null;
  const summary = input.json.summary ?? lastErrorLine(input.output) ?? `the client exited with status ${input.exitCode}`;
  const lines = input.output.split(/\r?\n/);
  const classified = classifyPublishOutput(lines, context);
  const keyLine = classified.signature && classified.facts.keyLine !== null && classified.facts.keyLine !== undefined ? classified.facts.keyLine : findLine(lines, summary);
  const where = keyLine === null ? log.file : `${log.file}:${log.lineOffset + keyLine + 1}`;
  const evidence = [{ where, text: code ? `${code}: ${summary}` : summary }];
  const said = `the registry rejected the upload (${code ?? `exit status ${input.exitCode}`}: "${summary}")`;

  const scriptFailure = findScriptFailure(input.output, input.json);
  if (scriptFailure) {
    const where = `${log.file}:${log.lineOffset + scriptFailure.line + 1}`;
    const runner = input.json.code === 'ELIFECYCLE' ? 'pnpm' : /YN0036:/.test(input.output) ? 'yarn' : 'npm';
    const ran = `the "${scriptFailure.script}" script${context.package ? ` of ${context.package}` : ''} exited with status ${scriptFailure.status}${scriptFailure.command ? ` ("${scriptFailure.command}")` : ''}`;
    return scriptFailure.afterUpload
      ? cause('lifecycle-script-failed', `${ran} after the upload, so the client failed although the version was sent.`, `fix the "${scriptFailure.script}" script and run it by hand (${runner} run ${scriptFailure.script}); publishing again reports this version already-published and does not run the script`, [{ where, text: scriptFailure.command ? `command ${scriptFailure.command}` : lines[scriptFailure.line]!.trim() }])
      : cause('lifecycle-script-failed', `${ran}, so ${runner} stopped before uploading anything.`, `run "${runner} run ${scriptFailure.script}" in the package folder to see why it fails, fix it, and run pubguard publish again`, [{ where, text: scriptFailure.command ? `command ${scriptFailure.command}` : lines[scriptFailure.line]!.trim() }]);
  }
  if (TAG_REQUIRED.test(`${summary}\n${input.output}`)) {
    const lower = /previously published version (\S+) is higher than the new version (\S+?)\.?(?:\s|$)/m.exec(`${summary}\n${input.output}`);
    return cause(
      'tag-required',
      lower
        ? `npm rejected the upload: ${lower[2]} is lower than ${lower[1]}, the version "latest" points at, and npm does not move "latest" back to a lower version without an explicit --tag.`
        : 'npm rejected the upload: a prerelease version needs an explicit --tag, because npm does not put a prerelease on "latest" by itself.',
      lower ? 'publish with --tag and a tag name that is not a version range (for example --tag v1-maintenance for a fix of an older line), or raise the version above the current latest' : 'publish with --tag next (or another tag that is not "latest")',
      evidence,
    );
  }

  const [first, ...rest] = classified.causes;
  if (classified.signature && first) {
    const explanation = judgeUpload(input) === 'rejected' ? said : `the upload failed (${code ?? `exit status ${input.exitCode}`}: "${summary}") and the version is not in the registry`;
    return {
      id: first.id,
      message: `${explanation}; signature ${classified.signature.id}, most likely: ${CAUSES[first.id]}.`,
      fix: classified.fix ?? 'read the full log for the client\'s own explanation',
      evidence,
      alternatives: rest.map((cause) => ({ id: cause.id, message: CAUSES[cause.id] })),
    };
  }
  return classifyByCode(input, code, summary, said, evidence);
}

/** Classify by npm's error code and HTTP status, when no signature matches. */
function classifyByCode(input: FailureInput, code: string | null, summary: string, said: string, evidence: PublishCause['evidence']): PublishCause {
  const status = statusOf(code, `${summary} ${input.output}`);
  if (code === 'EOTP' || /one-time pass/i.test(summary)) {
    return cause('token-needs-otp', `${said}: it requires a one-time password for this token or package.`, 'use a token that bypasses two-factor authentication for CI (a granular token created with "bypass 2FA") or trusted publishing; pass --otp only when publishing by hand', evidence);
  }
  if (code === 'ENEEDAUTH') {
    return cause('token-missing', `${said}: npm had no credential for this registry.`, 'configure "//<registry host>/:_authToken=${NODE_AUTH_TOKEN}" in the .npmrc npm reads from this directory and set the variable', evidence, ['npm-too-old-for-oidc', 'oidc-not-configured']);
  }
  if (judgeUpload(input) === 'conflict') {
    return cause('version-exists', `${said}: this version is already in the registry.`, 'bump the version in package.json; published versions cannot be replaced', evidence);
  }
  if (status === 401) {
    return cause('token-invalid-or-expired', `${said}: the credential npm sent was not recognised.`, 'create a new token with publish rights and store it in the secret the workflow reads; check that the step passes it in the variable its .npmrc refers to', evidence, ['token-placeholder', 'token-unexpanded-variable', 'token-missing']);
  }
  if (status === 403) {
    return cause('package-permission-denied', `${said}: the identity is known but may not publish this package.`, "ask the package's owners to add this identity as a maintainer, or use a token that may write this package (scope or organisation access)", evidence, ['token-wrong-type', 'token-missing-scope', 'private-package-needs-access']);
  }
  if (status === 404) {
    return cause('token-missing', `${said}: a registry answers 404 to a publish when the request had no usable credential or the credential may not create this package.`, 'check that a valid token reaches npm for this registry, and that the scope exists and belongs to the token owner', evidence, ['token-invalid-or-expired', 'scope-not-found', 'npm-too-old-for-oidc']);
  }
  if (status !== null && status >= 500) {
    return cause('registry-unavailable', `the registry answered the upload with a server error (${code ?? status}: "${summary}") and the version is not in the registry.`, 'run pubguard publish again later: it publishes only what is missing', evidence);
  }
  if (judgeUpload(input) === 'unknown-outcome') {
    return cause('network', `the connection to the registry failed during the upload (${code ?? 'no code'}: "${summary}") and the version is not in the registry.`, 'check the network path to the registry (proxy, firewall, timeouts) and run pubguard publish again: it publishes only what is missing', evidence);
  }
  return {
    id: 'client-failed',
    message: `the client exited with status ${input.exitCode}${code ? ` (${code})` : ''}: "${summary}".`,
    fix: "read the full log for the client's own explanation",
    evidence,
    alternatives: [],
  };
}

/** Index of the first output line containing `text`, or null. */
function findLine(lines: string[], text: string): number | null {
  const needle = text.slice(0, 60);
  const index = lines.findIndex((line) => line.includes(needle));
  return index === -1 ? null : index;
}

function lastErrorLine(output: string): string | null {
  const lines = output.split(/\r?\n/).map((line) => line.trim()).filter((line) => /^(npm (ERR!|error)|ERR_PNPM|➤ YN\d+|Error:)/.test(line) && !/complete log of this run/.test(line));
  const useful = lines.filter((line) => !/^npm (ERR!|error) code /.test(line));
  const last = useful[0] ?? lines[0];
  return last ? last.replace(/^npm (ERR!|error) /, '').replace(/^➤ YN\d{4}:\s*/, '') : null;
}
