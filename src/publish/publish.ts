/**
 * The publish run: for each planned package, look up the exact version,
 * check the credential, run the client, and name the outcome. See README.md
 * in this folder for the numbered flow.
 */
import { findNpmPath, resolvePublishConfig } from '../npmconfig/index.js';
import type { PublishConfigResolution } from '../npmconfig/types.js';
import { redact } from '../report/redact.js';
import {
  buildPublishCommand,
  detectClient,
  formatCommand,
  parseLastJsonObject,
  readClientJson,
  runClient,
  yarnJsonToText,
  type DetectedClient,
  type PassThroughOptions,
} from './client.js';
import { classifyFailure, findRetriedUpload, judgeUpload } from './classify.js';
import { prepareLogDir, writeLogFile } from './logs.js';
import { summarize, type PackageOutcome, type PublishCause, type PublishReport } from './outcome.js';
import { getPublishPlan, type PlannedPackage, type PublishPlan } from './plan.js';
import { checkCredential, checkStatically, describeOrigin } from './preflight.js';
import { clientFor, loadNpmOptions, lookupVersion, RegistryError, type NpmOptions } from './registry-access.js';

export interface PublishOptions extends PassThroughOptions {
  /** Directory pubguard runs in; the client runs here and names each package by its path. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Package folders relative to `cwd`; empty for the workspaces (or the package at `cwd`). */
  paths: string[];
  /** Packages published at once when they do not depend on each other (default 1). */
  concurrency?: number;
  /** Folder for the per-package logs; a new temporary folder when absent. */
  logDir?: string;
  /** Progress and the clients' live output, line by line (standard error in the CLI). */
  onProgress?: (line: string) => void;
  /** How long to keep looking for a version after an upload ended without a known outcome (default 10000 ms). */
  landedWaitMs?: number;
  /** Uploads to try again after a transient failure once the version is confirmed absent (default 1). */
  uploadRetries?: number;
  /** Read attempts for the pre-upload lookup when the registry fails transiently (default 3). */
  lookupAttempts?: number;
  /** A plan made earlier (the CLI shows it first); made from `paths` when absent. */
  plan?: PublishPlan;
}

interface RunContext {
  options: PublishOptions;
  client: DetectedClient;
  logDir: string;
  npmOptions: Promise<NpmOptions>;
  progress: (line: string) => void;
  prefixOutput: boolean;
}

const SUCCESS = new Set(['published', 'already-published', 'dry-run']);

/** Publish the planned packages and return one outcome per package, in plan order. */
export async function publishPackages(options: PublishOptions): Promise<PublishReport> {
  const started = performance.now();
  const plan = options.plan ?? (await getPublishPlan(options.cwd, options.paths));
  const client = await detectClient(plan.cwd);
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const context: RunContext = {
    options,
    client,
    logDir: prepareLogDir(options.logDir, options.env, plan.cwd),
    // TODO: read Yarn 2+'s credential from .yarnrc.yml for the lookups; npm's options carry none for a Yarn 2+ repository, so its lookups are anonymous.
    npmOptions: findNpmPath(options.env).then((npmPath) => loadNpmOptions(plan.cwd, options.env, npmPath)),
    progress: options.onProgress ?? (() => {}),
    prefixOutput: concurrency > 1,
  };
  // A failed configuration load surfaces in each package's lookup, not as an unhandled rejection here.
  context.npmOptions.catch(() => {});

  const outcomes = new Map<string, PackageOutcome>();
  let stoppedBy: string | null = null;
  const running = new Map<string, Promise<void>>();
  const pending = [...plan.packages];

  while (pending.length > 0 || running.size > 0) {
    // Start every package whose planned dependencies have all succeeded, up to the concurrency limit.
    for (let index = 0; index < pending.length && running.size < concurrency && stoppedBy === null; ) {
      const entry = pending[index]!;
      const ready = entry.dependsOn.every((name) => SUCCESS.has(outcomes.get(name)?.status ?? ''));
      if (!ready) {
        index++;
        continue;
      }
      pending.splice(index, 1);
      const task = publishOne(entry, context).then((outcome) => {
        outcomes.set(entry.name, outcome);
        running.delete(entry.name);
        if (outcome.status === 'failed' && stoppedBy === null) stoppedBy = entry.name;
      });
      running.set(entry.name, task);
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }

  // Whatever is left was stopped by a failure (or waits on a package that failed).
  for (const entry of pending) {
    const failedDependency = entry.dependsOn.find((name) => outcomes.get(name)?.status === 'failed');
    const cause: PublishCause = failedDependency
      ? {
          id: 'dependency-not-published',
          message: `not attempted: it depends on "${failedDependency}", which failed.`,
          fix: `fix "${failedDependency}" first, then run pubguard publish again: it publishes only what is missing`,
          evidence: [],
          alternatives: [],
        }
      : {
          id: 'stopped-after-failure',
          message: `not attempted: the run stopped after "${stoppedBy ?? 'an earlier package'}" failed.`,
          fix: 'fix that failure, then run pubguard publish again: it publishes only what is missing',
          evidence: [],
          alternatives: [],
        };
    outcomes.set(entry.name, baseOutcome(entry, null, 'not-attempted', cause));
  }

  const packages = plan.packages.map((entry) => outcomes.get(entry.name)!);
  return { client: client.name, cwd: plan.cwd, packages, summary: summarize(packages, performance.now() - started) };
}

function baseOutcome(entry: PlannedPackage, registry: string | null, status: PackageOutcome['status'], cause: PublishCause | null): PackageOutcome {
  return {
    name: entry.name,
    version: entry.version,
    path: entry.path,
    registry,
    status,
    cause,
    logFile: null,
    exitCode: null,
    command: null,
    attempts: 0,
    durationMs: 0,
    integrity: null,
  };
}

async function publishOne(entry: PlannedPackage, context: RunContext): Promise<PackageOutcome> {
  const started = performance.now();
  const outcome = await publishSteps(entry, context);
  outcome.durationMs = Math.round(performance.now() - started);
  const mark = outcome.status === 'failed' || (outcome.status === 'published' && outcome.cause) ? `${outcome.status}: ${outcome.cause?.message ?? ''}` : outcome.status;
  context.progress(`pubguard: ${entry.name}@${entry.version}: ${mark}`);
  return outcome;
}

async function publishSteps(entry: PlannedPackage, context: RunContext): Promise<PackageOutcome> {
  const { options, client } = context;
  const id = `${entry.name}@${entry.version}`;

  // 1. Resolve the registry and credential npm will use from this directory for this package.
  let resolution: PublishConfigResolution | null = null;
  try {
    resolution = await resolvePublishConfig({ cwd: context.options.cwd, env: options.env, packageDir: entry.folder, client: client.config });
  } catch (error) {
    return baseOutcome(entry, null, 'failed', {
      id: 'config-unreadable',
      message: `npm's configuration for "${entry.path}" could not be read: ${(error as Error).message}`,
      fix: 'fix the .npmrc file named in the message',
      evidence: [],
      alternatives: [],
    });
  }
  const registry = resolution.registry.url;
  if (!resolution.registry.valid) {
    // npm packs and runs prepublishOnly, then stops with ERR_INVALID_URL before sending anything; stop before all that.
    const where = describeOrigin(context.options.cwd, resolution.registry.origin);
    return baseOutcome(entry, null, 'failed', {
      id: 'registry-invalid-url',
      message: `the registry for "${entry.path}" is ${JSON.stringify(registry)} (set at ${where}), which is not a URL, so npm stops with ERR_INVALID_URL before uploading`,
      fix: `write "${resolution.registry.key}" at ${where} as a full URL with its scheme, such as "https://${registry.replace(/^\/*/, '').replace(/\/?$/, '/')}"`,
      evidence: [{ where, text: `${resolution.registry.key}=${registry}` }],
      alternatives: [],
    });
  }

  // 2. The exact version in the registry? A 404 means no; any other failure stops this package.
  const lookup = await lookupWithRetries(entry, registry, context);
  if (lookup.kind === 'present') return baseOutcome(entry, registry, 'already-published', null);
  if (lookup.kind === 'error') {
    const preflight = checkCredential(resolution, { dryRun: false, env: options.env });
    return baseOutcome(entry, registry, 'failed', lookupFailureCause(lookup.error, id, preflight));
  }

  // 3. Preflight: will the client send a usable credential, and do doctor's static checks find a certain failure?
  const preflight =
    checkCredential(resolution, { dryRun: options.dryRun ?? false, env: options.env }) ??
    (await checkStatically({ folder: entry.folder, manifest: entry.manifest, cwd: options.cwd, env: options.env }, resolution));
  if (preflight) {
    context.progress(`pubguard: ${id}: stopped before uploading: ${preflight.message}`);
    return baseOutcome(entry, registry, 'failed', preflight);
  }

  // 4. Run the client, and after an upload without a known outcome, look before trying again.
  return runWithLandingCheck(entry, registry, context);
}

type LookupResult = { kind: 'present' } | { kind: 'missing' } | { kind: 'error'; error: RegistryError };

async function lookupWithRetries(entry: PlannedPackage, registry: string, context: RunContext): Promise<LookupResult> {
  // The shared client retries 5xx and network failures itself, bounded; 401 and 403 are final at once.
  const retries = Math.max(0, (context.options.lookupAttempts ?? 3) - 1);
  try {
    const client = clientFor(registry, await context.npmOptions, retries);
    return { kind: await lookupVersion(client, entry.name, entry.version) };
  } catch (error) {
    if (error instanceof RegistryError) return { kind: 'error', error };
    const failure = error as NodeJS.ErrnoException;
    return { kind: 'error', error: new RegistryError({ kind: 'network', method: 'GET', url: registry, code: failure.code, attempts: 1, registryMessage: failure.message }) };
  }
}

function lookupFailureCause(error: RegistryError, id: string, preflight: PublishCause | null): PublishCause {
  const what = error.status !== undefined ? `HTTP ${error.status}` : (error.code ?? `a ${error.kind} error`);
  const evidence = [{ where: error.url, text: redact(error.message) }];
  const stop = `the lookup of "${id}" failed with ${what}, so pubguard cannot tell whether it is published and stopped before uploading`;
  if ((error.status === 401 || error.status === 403) && preflight) {
    return { ...preflight, message: `${stop}. ${preflight.message}`, evidence: [...evidence, ...preflight.evidence] };
  }
  // The shared client reports a lookup that a redirect took to another origin, where no credential goes, as `redirected`.
  if ((error.kind as string) === 'redirected') {
    return {
      id: 'lookup-redirected',
      message: `${stop}: ${error.message}.`,
      fix: 'set the registry to the origin that really serves the packages (the redirect target), or remove the redirect in front of the registry',
      evidence,
      alternatives: [],
    };
  }
  if (error.status === 401) {
    return { id: 'token-invalid-or-expired', message: `${stop}: the registry did not accept the credential.`, fix: 'replace the token with a valid one that may read and publish this package', evidence, alternatives: [] };
  }
  if (error.status === 403) {
    return { id: 'package-permission-denied', message: `${stop}: the credential may not read this package.`, fix: 'use a token that may read and publish this package', evidence, alternatives: [] };
  }
  if (error.status !== undefined && error.status >= 500) {
    return { id: 'registry-unavailable', message: `${stop}: the registry answered with a server error.`, fix: 'run pubguard publish again later: it publishes only what is missing', evidence, alternatives: [] };
  }
  return { id: 'network', message: `${stop}: the registry could not be reached (${error.message}).`, fix: 'check the registry URL and the network path to it (proxy, DNS, firewall)', evidence, alternatives: [] };
}

async function runWithLandingCheck(entry: PlannedPackage, registry: string, context: RunContext): Promise<PackageOutcome> {
  const { options, client } = context;
  const id = `${entry.name}@${entry.version}`;
  const command = buildPublishCommand(client.name, context.options.cwd, entry.folder, options);
  const commandText = formatCommand(command);
  const maxUploads = 1 + Math.max(0, options.uploadRetries ?? 1);
  const outcome = baseOutcome(entry, registry, 'failed', null);
  outcome.command = redact(commandText);
  let log = '';

  for (let attempt = 1; attempt <= maxUploads; attempt++) {
    outcome.attempts = attempt;
    context.progress(`pubguard: ${id}: ${options.dryRun ? 'dry run' : 'publishing'} to ${registry} (attempt ${attempt}): ${commandText}`);
    const writer = lineWriter(entry.name, context);
    const run = await runClient(command, { env: options.env, onOutput: writer.write });
    writer.flush();
    outcome.exitCode = run.exitCode;
    const header = `$ ${commandText}\n# cwd: ${command.cwd}\n# client: ${client.name} (${client.config} rules)\n# attempt: ${attempt}\n`;
    // The client's output starts right after the header, so a line of the output maps to a line of the log file.
    const lineOffset = (log.match(/\n/g) ?? []).length + (header.match(/\n/g) ?? []).length;
    log += `${header}${run.combined}${run.combined.endsWith('\n') ? '' : '\n'}# exit status: ${run.exitCode}${run.signal ? ` (signal ${run.signal})` : ''}\n`;
    if (run.spawnError) log += `# could not start the client: ${run.spawnError}\n`;
    outcome.logFile = writeLogFile(context.logDir, entry.name, entry.version, log);

    if (run.spawnError) {
      outcome.cause = { id: 'client-not-found', message: `${run.spawnError}, so nothing was published.`, fix: `install ${client.name} on this runner or add it to PATH`, evidence: [], alternatives: [] };
      return outcome;
    }

    const json = readClientJson(parseLastJsonObject(run.stdout), entry.name);
    if (run.exitCode === 0) {
      outcome.status = options.dryRun ? 'dry-run' : 'published';
      // A cause from an earlier attempt's failure no longer applies.
      outcome.cause = null;
      outcome.integrity = json.integrity;
      return outcome;
    }

    const logPosition = { file: outcome.logFile, lineOffset };
    const classifyContext = { registry, package: id };
    const failure = { json, output: client.name === 'yarn' ? yarnJsonToText(run.combined) : run.combined, exitCode: run.exitCode };
    const verdict = judgeUpload(failure);
    if (options.dryRun) {
      outcome.cause = classifyFailure(failure, logPosition, classifyContext);
      return outcome;
    }
    if (verdict === 'rejected') {
      outcome.cause = classifyFailure(failure, logPosition, classifyContext);
      // A script npm runs after the upload (publish, postpublish) fails the client although the version landed: one look settles it.
      const landed = await waitForVersion(entry, registry, context, 0);
      log += `# pubguard: after the failed run the registry ${landed === 'present' ? 'lists' : landed === 'missing' ? 'does not list' : 'could not be asked about'} ${id}\n`;
      outcome.logFile = writeLogFile(context.logDir, entry.name, entry.version, log);
      if (landed === 'present') {
        outcome.status = 'published';
        if (outcome.cause.id !== 'lifecycle-script-failed') outcome.cause.message += ' The registry lists the version all the same, so it was published.';
      }
      return outcome;
    }

    // The upload may have landed (a reset after the body was sent, a 5xx from a proxy, a conflict with our own earlier attempt): look before deciding.
    const landed = await waitForVersion(entry, registry, context);
    log += `# pubguard: after the failed upload the registry ${landed === 'present' ? 'lists' : landed === 'missing' ? 'does not list' : 'could not be asked about'} ${id}\n`;
    outcome.logFile = writeLogFile(context.logDir, entry.name, entry.version, log);
    if (landed === 'present') {
      // A conflict on the first upload means someone else published it between the lookup and the upload,
      // unless npm itself sent the upload again after a broken connection: then the conflict is with its own first try.
      const retried = verdict === 'conflict' && attempt === 1 && client.name === 'npm' ? findRetriedUpload(run.combined) : null;
      if (retried) {
        log += `# pubguard: npm sent the upload again after a broken connection (${retried.where}: ${retried.text}), so the conflict is with this run's own upload\n`;
        outcome.logFile = writeLogFile(context.logDir, entry.name, entry.version, log);
      }
      outcome.status = verdict === 'conflict' && attempt === 1 && !retried ? 'already-published' : 'published';
      outcome.cause = null;
      return outcome;
    }
    outcome.cause = classifyFailure(failure, logPosition, classifyContext);
    if (landed === 'unknown') {
      outcome.cause.message += ' The registry could not be asked afterwards whether the version landed, so pubguard did not upload again.';
      return outcome;
    }
    if (verdict === 'conflict' || attempt === maxUploads) return outcome;
    context.progress(`pubguard: ${id}: the upload failed and the version is not in the registry; uploading again`);
  }
  return outcome;
}

/** Poll for a version with growing delays, up to `budgetMs` (default `landedWaitMs`) in total; a budget of 0 looks once. */
async function waitForVersion(entry: PlannedPackage, registry: string, context: RunContext, budgetMs?: number): Promise<'present' | 'missing' | 'unknown'> {
  const budget = budgetMs ?? context.options.landedWaitMs ?? 10_000;
  const deadline = performance.now() + budget;
  let delay = 200;
  let answer: 'present' | 'missing' | 'unknown' = 'unknown';
  for (;;) {
    try {
      answer = await lookupVersion(clientFor(registry, await context.npmOptions, 0), entry.name, entry.version);
      if (answer === 'present') return answer;
    } catch {
      answer = answer === 'missing' ? 'missing' : 'unknown';
    }
    const left = deadline - performance.now();
    if (left <= 0) return answer;
    await sleep(Math.min(delay, left));
    delay = Math.min(delay * 2, 2_000);
  }
}

/** Split a client's output into lines and hand each to the progress sink, prefixed by the package name when several run at once. */
function lineWriter(name: string, context: RunContext): { write(chunk: string): void; flush(): void } {
  let buffer = '';
  const prefix = context.prefixOutput ? `${name} | ` : '  | ';
  return {
    write(chunk) {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) context.progress(`${prefix}${line}`);
    },
    flush() {
      if (buffer !== '') context.progress(`${prefix}${buffer}`);
      buffer = '';
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolvePromise) => setTimeout(resolvePromise, ms));
}
