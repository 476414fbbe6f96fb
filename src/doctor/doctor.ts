/**
 * `pubguard doctor`: for each package, what the client will really do from
 * this directory, and whether a publish would succeed, before anything is
 * sent. The registry and credential come from src/npmconfig, resolved for
 * exactly the directory doctor runs in, so the verdict matches what
 * `pubguard publish` started there will do.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { resolvePublishConfig } from '../npmconfig/index.js';
import type { ConfigOrigin, PublishConfigResolution } from '../npmconfig/types.js';
import { checkCredential } from '../publish/preflight.js';
import { nerfDartOf } from './nerf-dart.js';
import type { Finding } from '../report/finding.js';
import { compareFindings } from '../report/finding.js';
import { registerSecret } from '../report/redact.js';
import { makeFinding, readText } from './finding.js';
import { yarnCredentialOptions } from './yarn-credential.js';
import { invalidRegistry } from './invalid-registry.js';
import { checkGithubScopes, emptyLiveChecks, runLiveChecks, type LiveCheckInput } from './live-checks.js';
import {
  checkGithubPackages,
  checkManifest,
  checkTarball,
  checkTrustedPublishing,
  displayPath,
  invalidNameReason,
  isGithubPackagesRegistry,
  type PackageContext,
} from './static-checks.js';
import type { DoctorOptions, DoctorPackageReport, DoctorReport } from './types.js';

export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_RETRIES = 1;

/** Run every check for every package and build the report. */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const cwd = resolve(options.cwd);
  const { folders, skipped } = await findPackages(cwd, options.paths);

  const packages: DoctorPackageReport[] = [];
  const pingCache = new Map<string, Promise<{ status: number; ms: number }>>();
  for (const folder of folders) packages.push(await checkPackage(cwd, folder, options, pingCache));

  const all = packages.flatMap((entry) => entry.findings);
  return {
    cwd,
    packages,
    skipped,
    summary: {
      packages: packages.length,
      wouldFail: packages.filter((entry) => entry.verdict === 'would-fail').length,
      errors: all.filter((finding) => finding.severity === 'error').length,
      warnings: all.filter((finding) => finding.severity === 'warning').length,
      info: all.filter((finding) => finding.severity === 'info').length,
    },
  };
}

async function findPackages(cwd: string, paths: string[]): Promise<{ folders: string[]; skipped: DoctorReport['skipped'] }> {
  if (paths.length > 0) {
    const folders = [...new Set(paths.map((path) => resolve(cwd, path)))];
    for (const folder of folders) {
      if (!existsSync(folder)) throw new InputError(`doctor: "${displayPath(cwd, folder)}" does not exist; give package folders, such as "." or "packages/backend"`);
      if (!isDirectory(folder)) throw new InputError(`doctor: "${displayPath(cwd, folder)}" is not a folder; give package folders, such as "." or "packages/backend"`);
    }
    return { folders, skipped: [] };
  }
  // The same workspace discovery publish uses, so both see the same packages.
  const { getPublishPlan } = await import('../publish/plan.js');
  let plan: Awaited<ReturnType<typeof getPublishPlan>>;
  try {
    plan = await getPublishPlan(cwd, []);
  } catch (error) {
    // The plan stops at a package.json it cannot use. When this folder
    // declares no workspaces, it is the one package to publish, and its
    // package.json problem is a finding (exit 1), as with `doctor .`.
    if (error instanceof InputError && !declaresWorkspaces(cwd)) return { folders: [cwd], skipped: [] };
    throw error;
  }
  const skipped = plan.skipped.map((entry) => ({ path: displayPath(cwd, entry.folder), name: entry.name, reason: entry.reason }));
  // Nothing left to publish: check the private packages themselves, so the
  // verdict gives the reason a publish here would fail instead of passing on nothing.
  if (plan.packages.length === 0) return { folders: plan.skipped.map((entry) => entry.folder), skipped: [] };
  return { folders: plan.packages.map((entry) => entry.folder), skipped };
}

/** True when `cwd` has a pnpm-workspace.yaml or a readable package.json with `workspaces`. */
function declaresWorkspaces(cwd: string): boolean {
  if (existsSync(join(cwd, 'pnpm-workspace.yaml'))) return true;
  const text = readText(join(cwd, 'package.json'));
  if (text === null) return false;
  try {
    const manifest = JSON.parse(text) as { workspaces?: unknown } | null;
    return Boolean(manifest && typeof manifest === 'object' && manifest.workspaces);
  } catch {
    return false;
  }
}

/** `file:line` (relative to `cwd` when inside it, else absolute), `variable NAME`, the flag, or `npm's default`. */
function describeOrigin(origin: ConfigOrigin | null, cwd: string): string {
  if (!origin) return 'nowhere';
  switch (origin.kind) {
    case 'file':
    case 'package-json':
      return origin.line > 0 ? `${displayPath(cwd, origin.file)}:${origin.line}` : displayPath(cwd, origin.file);
    case 'env':
      return `variable ${origin.variable}`;
    case 'cli':
      return origin.flag;
    case 'default':
      return "npm's default";
  }
}

/**
 * Copy the environment for one configuration load. npm's loader writes
 * every setting it read into the environment it is given, as `npm_config_*`
 * variables for lifecycle scripts. On a shared object, the next package
 * would read the previous package's settings as variables.
 */
function freshEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

async function checkPackage(cwd: string, folder: string, options: DoctorOptions, pingCache: LiveCheckInput['pingCache']): Promise<DoctorPackageReport> {
  const manifestPath = join(folder, 'package.json');
  const manifestText = readText(manifestPath);
  let manifest: Record<string, unknown> | null = null;
  let manifestError: string | null = manifestText === null ? 'is missing' : null;
  try {
    const parsed = manifestText === null ? null : (JSON.parse(manifestText) as unknown);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) manifest = parsed as Record<string, unknown>;
    else if (manifestText !== null) manifestError = 'does not hold a JSON object';
  } catch (error) {
    manifestError = `is not valid JSON (${error instanceof Error ? error.message : String(error)})`;
  }
  const context: PackageContext = { folder, manifestFile: displayPath(cwd, manifestPath), manifestText, manifest, manifestError };
  const name = typeof manifest?.name === 'string' ? manifest.name : null;
  const version = typeof manifest?.version === 'string' ? manifest.version : null;

  const resolution: PublishConfigResolution = await resolvePublishConfig({ cwd, env: freshEnv(options.env), packageDir: folder });
  if (!resolution.registry.valid) return invalidRegistryReport(cwd, context, resolution.registry.url, options);
  const findings: Finding[] = [...checkManifest(context), ...credentialFindings(cwd, context, resolution, options.env)];

  findings.push(...unreadPackageNpmrc(cwd, folder, resolution));

  const isGithubPackages = isGithubPackagesRegistry(resolution.registry.url);
  if (isGithubPackages) findings.push(...checkGithubPackages(context, resolution, cwd));
  const trusted = await checkTrustedPublishing(context, resolution, freshEnv(options.env));
  findings.push(...trusted.findings);

  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const npmOptions = options.offline && !options.githubScopes ? {} : await clientOptions(cwd, resolution, options.env);
  const [liveResult, tarballResult] = await Promise.all([
    options.offline || !name || invalidNameReason(name) !== null
      ? Promise.resolve({ live: emptyLiveChecks(), findings: [] as Finding[] })
      : runLiveChecks({
          resolution,
          npmOptions,
          name,
          version,
          manifestFile: context.manifestFile,
          registrySource: describeOrigin(resolution.registry.origin, cwd),
          timeoutMs,
          retries: options.retries ?? DEFAULT_RETRIES,
          pingCache,
        }),
    // npm packs nothing without a name and a version; the manifest findings already report it.
    manifest && name && version && invalidNameReason(name) === null ? checkTarball(context, cwd) : Promise.resolve({ findings: [] as Finding[], tarball: null }),
  ]);
  const live = { ...liveResult.live, npmVersion: trusted.npmVersion };
  findings.push(...liveResult.findings);
  // An explicit request, so it runs even with --offline, which covers the registry only.
  if (options.githubScopes && isGithubPackages) {
    findings.push(...(await checkGithubScopes({ resolution, npmOptions, manifestFile: context.manifestFile, env: options.env, timeoutMs }, live)));
  }
  findings.push(...tarballResult.findings);

  const credential = resolution.credential;
  return {
    name,
    version,
    path: displayPath(cwd, folder),
    client: resolution.client,
    registry: { url: resolution.registry.url, key: resolution.registry.key, source: describeOrigin(resolution.registry.origin, cwd) },
    credential: {
      class: credential.class,
      shape: credential.shape,
      key: credential.key,
      authType: credential.authType,
      source: describeOrigin(credential.origin, cwd),
      variable: credential.variable,
    },
    localPrefix: resolution.localPrefix === null ? null : displayPath(cwd, resolution.localPrefix),
    live,
    tarball: tarballResult.tarball,
    findings: sortBySeverity(findings),
    verdict: findings.some((finding) => finding.severity === 'error') ? 'would-fail' : 'ok',
  };
}

/** Sort errors first and, within a severity, certain causes before likely ones, so the first error is the cause to fix first. */
/**
 * Warn about a `.npmrc` in the package folder that npm does not read: npm
 * reads the project config only from its local prefix, which for a
 * workspace is the workspace root, even when npm runs inside the workspace.
 */
function unreadPackageNpmrc(cwd: string, folder: string, resolution: PublishConfigResolution): Finding[] {
  if (resolution.client !== 'npm' || resolution.localPrefix === null || resolve(resolution.localPrefix) === resolve(folder)) return [];
  const file = join(folder, '.npmrc');
  const text = readText(file);
  if (text === null) return [];
  const hasCredential = /^\s*[^#;\s][^=]*:(_authToken|_auth|_password|username)\s*=/m.test(text);
  const displayFile = displayPath(cwd, file);
  return [
    makeFinding({
      ruleId: 'npmrc-not-read',
      severity: 'warning',
      message: `npm does not read "${displayFile}": it reads the project config only from its local prefix "${displayPath(cwd, resolution.localPrefix)}", so ${hasCredential ? 'the credential keys' : 'the settings'} in it are not used`,
      fix: `move those settings into "${displayPath(cwd, join(resolution.localPrefix, '.npmrc'))}", or into the user config (NPM_CONFIG_USERCONFIG)`,
      file: displayFile,
      line: 1,
    }),
  ];
}

/** Report a package whose registry setting is not a URL: npm stops before anything else, so only the package.json checks run. */
async function invalidRegistryReport(cwd: string, context: PackageContext, input: string, options: DoctorOptions): Promise<DoctorPackageReport> {
  const { finding, registry } = invalidRegistry(cwd, context.folder, options.env, input, context.manifestFile);
  const findings = sortBySeverity([finding, ...checkManifest(context)]);
  const { detectClient } = await import('../npmconfig/index.js');
  return {
    name: typeof context.manifest?.name === 'string' ? context.manifest.name : null,
    version: typeof context.manifest?.version === 'string' ? context.manifest.version : null,
    path: displayPath(cwd, context.folder),
    client: await detectClient(cwd),
    registry,
    // NOTE: the credential is not resolved without a registry URL; "missing" stands for "not known" here.
    credential: { class: 'missing', shape: null, key: null, authType: null, source: 'nowhere', variable: null },
    localPrefix: null,
    live: emptyLiveChecks(),
    tarball: null,
    findings,
    verdict: 'would-fail',
  };
}

function sortBySeverity(findings: Finding[]): Finding[] {
  const rank = { error: 0, warning: 1, info: 2 } as const;
  const certainty = { high: 0, medium: 1, low: 2 } as const;
  return findings
    .map((finding, index) => ({ finding, index }))
    .sort(
      (a, b) =>
        rank[a.finding.severity] - rank[b.finding.severity] ||
        certainty[a.finding.confidence] - certainty[b.finding.confidence] ||
        a.index - b.index ||
        compareFindings(a.finding, b.finding),
    )
    .map((entry) => entry.finding);
}

/**
 * The credential verdict, from the check `pubguard publish` runs before an
 * upload (its preflight), so both report the same cause in the same words.
 */
function credentialFindings(cwd: string, context: PackageContext, resolution: PublishConfigResolution, env: NodeJS.ProcessEnv): Finding[] {
  const findings: Finding[] = [];
  for (const problem of resolution.unscopedAuth) {
    findings.push(
      makeFinding({
        ruleId: 'credential-unscoped',
        severity: 'error',
        message: `"${problem.key}" at ${displayPath(cwd, problem.file)}:${problem.line} has no registry prefix, and npm 9 and later stop with ERR_INVALID_AUTH on such a credential`,
        fix: `prefix the key with the registry it is for, such as "${nerfDartOf(resolution.registry.url)}:${problem.key}"`,
        file: displayPath(cwd, problem.file),
        line: problem.line,
      }),
    );
  }
  return findings.concat(preflightFinding(cwd, context, resolution, env));
}

function preflightFinding(cwd: string, context: PackageContext, resolution: PublishConfigResolution, env: NodeJS.ProcessEnv): Finding[] {
  const cause = checkCredential(resolution, { dryRun: false, env });
  if (!cause) return [];
  const origin = resolution.credential.origin;
  const inFile = origin?.kind === 'file' || origin?.kind === 'package-json';
  return [
    makeFinding({
      ruleId: cause.id,
      severity: 'error',
      message: cause.message,
      fix: cause.fix,
      file: inFile ? displayPath(cwd, origin.file) : context.manifestFile,
      line: inFile ? origin.line : 1,
      args: { credentialClass: resolution.credential.class, key: resolution.credential.key, variable: resolution.credential.variable, evidence: cause.evidence },
    }),
  ];
}

/**
 * npm's flat options for the registry client, loaded by the same loader
 * `pubguard publish` uses, for the directory doctor runs in. Every
 * credential value is registered for redaction.
 */
async function clientOptions(cwd: string, resolution: PublishConfigResolution, env: NodeJS.ProcessEnv): Promise<Record<string, unknown>> {
  if (resolution.client === 'yarn-berry') {
    const { options, value } = yarnCredentialOptions(resolution, env, nerfDartOf(resolution.registry.url));
    if (value !== null) registerSecret(value);
    for (const secret of Object.values(options)) registerSecret(secret);
    return options;
  }
  const [{ loadNpmOptions }, { findNpmPath }] = await Promise.all([import('../publish/registry-access.js'), import('../npmconfig/index.js')]);
  return loadNpmOptions(cwd, freshEnv(env), await findNpmPath(env));
}
