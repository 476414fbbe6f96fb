/**
 * Proofs after a publish: the registry lists the version, its tarball
 * downloads with the consumer's credential and matches `dist.integrity`, the
 * expected dist-tag points at it, and optionally the local folder packs to
 * the same bytes and a fresh project installs and loads it.
 */
import { createRequire } from 'node:module';
import type { PackResult } from '../publish/pack.js';
import { clientFor, fetchPackument, loadNpmOptions, RegistryError, type NpmOptions, type Packument } from '../publish/registry-access.js';
import { findNpmPath } from '../npmconfig/npm-resolver.js';
import { InputError } from '../errors.js';

const require = createRequire(import.meta.url);

export type VerifyCheckName = 'listed' | 'integrity' | 'dist-tag' | 'local' | 'install';

export interface VerifyCheck {
  name: VerifyCheckName;
  ok: boolean;
  /** What was compared, with both values when they differ. */
  detail: string;
}

export interface VerifyTarget {
  name: string;
  version: string;
  /** Registry to read from; npm's choice for the name (`@scope:registry`, else `registry`) when absent. */
  registry?: string;
  /** Folder to pack and compare with `--local`. */
  localFolder?: string;
  /** Dist-tag expected for this version, overriding the run's `tag` (as `publishConfig.tag` does for npm). */
  tag?: string;
}

export interface VerifyCause {
  /** Kebab-case id: `version-not-published`, `integrity-mismatch`, `dist-tag-mismatch`, `local-integrity-mismatch`, `install-failed`, `entry-point-failed`, `lookup-failed`. */
  id: string;
  message: string;
  fix: string;
}

export interface VerifyOutcome {
  name: string;
  version: string;
  registry: string | null;
  status: 'verified' | 'failed';
  checks: VerifyCheck[];
  /** The first failed check's cause, or null when verified. */
  cause: VerifyCause | null;
  /** Packument reads made, including retries for propagation. */
  attempts: number;
}

export interface VerifyReport {
  packages: VerifyOutcome[];
  summary: { total: number; verified: number; failed: number; durationMs: number };
}

export interface VerifyOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  targets: VerifyTarget[];
  /** Dist-tag that must point at each version; null to skip the check. Default `latest`. */
  tag?: string | null;
  /** Install each version in a temporary project and load its entry point. */
  install?: boolean;
  /** Skip prepack, prepare and postpack when packing `--local` folders. */
  ignoreScripts?: boolean;
  /** Packument reads after the first, for registry propagation (default 5). */
  retries?: number;
  /** First wait between reads in milliseconds, doubled each time up to 8000 (default 500). */
  retryDelayMs?: number;
  onProgress?: (line: string) => void;
}

const MAX_RETRY_DELAY_MS = 8_000;

/**
 * Parse `name@version` (the name may be scoped). Throws an InputError for a
 * spec without an exact version.
 */
export function parseTargetSpec(spec: string): VerifyTarget {
  const at = spec.lastIndexOf('@');
  const semver = require('semver') as { valid(version: string): string | null };
  if (at <= 0 || semver.valid(spec.slice(at + 1)) === null) {
    throw new InputError(`invalid package version ${JSON.stringify(spec)}: expected name@version with an exact version, such as "@scope/name@1.2.3"`);
  }
  return { name: spec.slice(0, at), version: spec.slice(at + 1) };
}

/** Targets for the packages planned in `cwd` (workspaces, or the package there) at their local versions. */
export async function targetsFromPlan(cwd: string, paths: string[]): Promise<VerifyTarget[]> {
  const { getPublishPlan } = await import('../publish/plan.js');
  const plan = await getPublishPlan(cwd, paths);
  return plan.packages.map((entry) => ({ name: entry.name, version: entry.version, localFolder: undefined }));
}

/** Run every proof for every target; targets are checked concurrently. */
export async function verifyVersions(options: VerifyOptions): Promise<VerifyReport> {
  const started = performance.now();
  const npmOptions = await loadNpmOptions(options.cwd, options.env, await findNpmPath(options.env));
  const packs = new Map<string, Promise<PackResult>>();
  // Packing and installing load heavy modules (Arborist, pacote), so only when asked for.
  const packFolder = options.targets.some((target) => target.localFolder) ? (await import('../publish/pack.js')).packFolder : null;
  for (const target of options.targets) {
    // Pack each local folder once, before the reads, so its scripts do not race with the downloads.
    if (packFolder && target.localFolder && !packs.has(target.localFolder)) packs.set(target.localFolder, packFolder(target.localFolder, { ignoreScripts: options.ignoreScripts ?? false }));
  }
  for (const pack of packs.values()) pack.catch(() => {});

  const packages = await Promise.all(options.targets.map((target) => verifyOne(target, options, npmOptions, packs)));

  if (options.install) {
    const { installAndLoad } = await import('./install.js');
    // Installs run one after another: each is a full npm process and they share npm's cache.
    for (const outcome of packages) {
      if (outcome.status !== 'verified' || !outcome.registry) continue;
      options.onProgress?.(`pubguard: installing ${outcome.name}@${outcome.version} in a temporary project`);
      const check = await installAndLoad({ name: outcome.name, version: outcome.version, registry: outcome.registry, npmOptions, env: options.env });
      outcome.checks.push(check.check);
      if (!check.check.ok) {
        outcome.status = 'failed';
        outcome.cause = check.cause;
      }
    }
  }

  const verified = packages.filter((entry) => entry.status === 'verified').length;
  return { packages, summary: { total: packages.length, verified, failed: packages.length - verified, durationMs: Math.round(performance.now() - started) } };
}

/** npm's registry for a package name: its scope's registry, else the default one. */
export function registryFor(name: string, npmOptions: NpmOptions): string {
  const { pickRegistry } = require('npm-registry-fetch') as { pickRegistry(spec: string, options: NpmOptions): string };
  return pickRegistry(name, npmOptions);
}

async function verifyOne(target: VerifyTarget, options: VerifyOptions, npmOptions: NpmOptions, packs: Map<string, Promise<PackResult>>): Promise<VerifyOutcome> {
  const registry = target.registry ?? registryFor(target.name, npmOptions);
  const id = `${target.name}@${target.version}`;
  const outcome: VerifyOutcome = { name: target.name, version: target.version, registry, status: 'failed', checks: [], cause: null, attempts: 0 };
  const tag = target.tag ?? (options.tag === undefined ? 'latest' : options.tag);
  const retries = Math.max(0, options.retries ?? 5);
  let delay = Math.max(1, options.retryDelayMs ?? 500);

  // 1. The packument lists the version (and the tag points at it), read again with backoff while the registry propagates.
  // The client itself retries a 5xx or a broken connection once per read; the loop here waits for propagation.
  const client = clientFor(registry, npmOptions, 1);
  let packument: Packument | null = null;
  let readError: RegistryError | null = null;
  for (let attempt = 0; attempt <= retries; attempt++) {
    outcome.attempts = attempt + 1;
    try {
      packument = await fetchPackument(client, target.name);
      readError = null;
    } catch (error) {
      if (!(error instanceof RegistryError)) throw error;
      readError = error;
      // 401 and 403 will not change by waiting.
      if (error.kind === 'unauthorized' || error.kind === 'forbidden') break;
    }
    const listed = Boolean(packument?.versions?.[target.version]);
    const tagged = tag === null || packument?.['dist-tags']?.[tag] === target.version;
    if (listed && tagged) break;
    if (attempt < retries) {
      options.onProgress?.(`pubguard: ${id}: ${readError ? `read failed (${readError.status ?? readError.code ?? readError.kind})` : !listed ? 'not listed yet' : `dist-tag "${tag}" not updated yet`}, reading again in ${delay} ms`);
      await sleep(delay);
      delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS);
    }
  }

  if (readError && !packument) {
    outcome.checks.push({ name: 'listed', ok: false, detail: `reading ${registry} failed: ${readError.message}` });
    return fail(outcome, {
      id: 'lookup-failed',
      message: `the registry could not be read for "${id}" (${readError.status !== undefined ? `HTTP ${readError.status}` : (readError.code ?? `${readError.kind} error`)} on ${outcome.attempts === 1 ? 'the only read' : `each of ${outcome.attempts} reads`}), so nothing is proven.`,
      fix: readError.kind === 'unauthorized' || readError.kind === 'forbidden' ? 'give this step a credential that may read the package' : 'check the registry URL and the network path to it, then run pubguard verify again',
    });
  }
  const manifest = packument?.versions?.[target.version];
  if (!manifest) {
    outcome.checks.push({ name: 'listed', ok: false, detail: packument ? `versions listed: ${Object.keys(packument.versions ?? {}).join(', ') || 'none'}` : 'the registry answered 404: no such package' });
    return fail(outcome, {
      id: 'version-not-published',
      message: `"${id}" is not in ${registry} after ${outcome.attempts} read${outcome.attempts === 1 ? '' : 's'}${packument ? '' : ' (the package itself is unknown there)'}.`,
      fix: 'publish it (pubguard publish publishes only what is missing), or raise --retries if the registry is slow to show new versions',
    });
  }
  outcome.checks.push({ name: 'listed', ok: true, detail: `listed in ${registry}` });

  // 2. The tarball downloads with the consumer's credential and matches dist.integrity.
  const integrity = manifest.dist?.integrity ?? (manifest.dist?.shasum ? `sha1-${Buffer.from(manifest.dist.shasum, 'hex').toString('base64')}` : null);
  const tarballUrl = manifest.dist?.tarball;
  if (!integrity || !tarballUrl) {
    outcome.checks.push({ name: 'integrity', ok: false, detail: 'the packument has no dist.integrity or dist.tarball for this version' });
    return fail(outcome, { id: 'integrity-mismatch', message: `the registry lists "${id}" without dist.integrity or dist.tarball, so its contents cannot be checked.`, fix: 'republishing is impossible for an existing version; publish a new version and report the registry fault' });
  }
  let bytes: Buffer;
  try {
    bytes = await downloadWithPropagation(client, tarballUrl, integrity, { id, retries, delay, onProgress: options.onProgress });
  } catch (error) {
    if (!(error instanceof RegistryError)) throw error;
    if (error.kind === 'integrity-mismatch') {
      const actual = /got (\S+)/.exec(error.registryMessage ?? '')?.[1] ?? 'other bytes';
      outcome.checks.push({ name: 'integrity', ok: false, detail: `dist.integrity ${integrity}, downloaded bytes ${actual}` });
      return fail(outcome, { id: 'integrity-mismatch', message: `the tarball downloaded for "${id}" does not match the registry's dist.integrity (${integrity} against ${actual}).`, fix: 'publish a new version; a registry or proxy is serving other bytes than were published' });
    }
    outcome.checks.push({ name: 'integrity', ok: false, detail: `downloading ${tarballUrl} failed: ${error.message}` });
    return fail(outcome, {
      id: 'tarball-download-failed',
      message: `the tarball of "${id}" could not be downloaded with the consumer's credential (${error.status !== undefined ? `HTTP ${error.status}` : (error.code ?? `${error.kind} error`)}): consumers will fail to install it.`,
      fix: 'check that dist.tarball points at the registry and that the consumer credential may read it',
    });
  }
  const { default: ssri } = await import('ssri');
  outcome.checks.push({ name: 'integrity', ok: true, detail: `${bytes.length} bytes match ${integrity.split(' ')[0]}` });

  // 3. The expected dist-tag points at this version.
  if (tag !== null) {
    const current = packument!['dist-tags']?.[tag];
    if (current !== target.version) {
      outcome.checks.push({ name: 'dist-tag', ok: false, detail: `"${tag}" points at ${current ?? 'nothing'}` });
      return fail(outcome, {
        id: 'dist-tag-mismatch',
        message: `the dist-tag "${tag}" of "${target.name}" points at ${current === undefined ? 'nothing' : `"${current}"`}, not "${target.version}".`,
        fix: `run npm dist-tag add ${id} ${tag} if ${target.version} should be "${tag}", or verify with --tag set to the tag it was published with`,
      });
    }
    outcome.checks.push({ name: 'dist-tag', ok: true, detail: `"${tag}" points at ${target.version}` });
  }

  // 4. With --local: the folder packs to the same bytes as the registry serves.
  if (target.localFolder) {
    try {
      const packed = await packs.get(target.localFolder)!;
      const matches = ssri.checkData(packed.tarball, integrity);
      outcome.checks.push({ name: 'local', ok: Boolean(matches), detail: `${target.localFolder} packs to ${packed.integrity}` });
      if (!matches) {
        const { diffTarballs } = await import('./tar-diff.js');
        return fail(outcome, {
          id: 'local-integrity-mismatch',
          message: `"${target.localFolder}" packs to ${packed.integrity}, but the registry has ${integrity} for "${id}": ${describeDiff(diffTarballs(packed.tarball, bytes))}.`,
          fix: 'compare the file lists (npm pack --dry-run here, and the registry tarball); a build step, a different npm version or pnpm/Yarn packing can change the bytes',
        });
      }
    } catch (error) {
      outcome.checks.push({ name: 'local', ok: false, detail: `packing ${target.localFolder} failed: ${(error as Error).message}` });
      return fail(outcome, { id: 'local-pack-failed', message: `"${target.localFolder}" could not be packed: ${(error as Error).message}`, fix: 'fix the folder so that npm pack works in it' });
    }
  }

  outcome.status = 'verified';
  return outcome;
}

/**
 * Download a tarball, reading again with backoff while it answers 404: a
 * registry behind a CDN may list a version before its tarball is served.
 */
async function downloadWithPropagation(
  client: ReturnType<typeof clientFor>,
  url: string,
  integrity: string,
  wait: { id: string; retries: number; delay: number; onProgress?: (line: string) => void },
): Promise<Buffer> {
  let delay = wait.delay;
  for (let attempt = 0; ; attempt++) {
    try {
      return (await client.downloadTarball(url, integrity)).data;
    } catch (error) {
      if (!(error instanceof RegistryError) || error.kind !== 'not-found' || attempt >= wait.retries) throw error;
      wait.onProgress?.(`pubguard: ${wait.id}: tarball not served yet (404), reading again in ${delay} ms`);
      await sleep(delay);
      delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS);
    }
  }
}

/** Say in one clause which files differ between the folder packed here and the registry's tarball. */
function describeDiff(diff: import('./tar-diff.js').TarballDiff): string {
  const parts: string[] = [];
  const list = (paths: string[]): string => (paths.length > 10 ? `${paths.slice(0, 10).join(', ')} and ${paths.length - 10} more` : paths.join(', '));
  if (diff.changed.length > 0) {
    const listed = diff.changed.slice(0, 10).map((file) => `${file.path} (${file.local} bytes here, ${file.registry} in the registry)`);
    parts.push(`changed ${listed.join(', ')}${diff.changed.length > 10 ? ` and ${diff.changed.length - 10} more` : ''}`);
  }
  if (diff.onlyLocal.length > 0) parts.push(`only in the folder ${list(diff.onlyLocal)}`);
  if (diff.onlyInRegistry.length > 0) parts.push(`only in the registry ${list(diff.onlyInRegistry)}`);
  if (parts.length === 0) return 'every file has the same contents, so the tarballs were packed differently (file order, modes or timestamps, as pnpm and Yarn pack)';
  return `the published tarball is not this folder's contents: ${parts.join('; ')}`;
}

function fail(outcome: VerifyOutcome, cause: VerifyCause): VerifyOutcome {
  outcome.status = 'failed';
  outcome.cause = cause;
  return outcome;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolvePromise) => setTimeout(resolvePromise, ms));
}
