/**
 * Checks that need no network: package.json sanity, GitHub Packages naming
 * rules and token kind, trusted publishing readiness on npmjs.org, and the
 * tarball's contents.
 */
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createRequire } from 'node:module';
import semver from 'semver';
import type { Finding } from '../report/finding.js';
import type { PublishConfigResolution } from '../npmconfig/types.js';
import { findNpmPath, TRUSTED_PUBLISHING_MIN_NPM } from '../npmconfig/index.js';
import { lineOfKey, makeFinding } from './finding.js';
import type { TarballSummary } from './types.js';

const require = createRequire(import.meta.url);
const npa = require('npm-package-arg') as { resolve(name: string, spec: string): unknown };

export interface PackageContext {
  /** Absolute package folder. */
  folder: string;
  /** package.json path relative to the directory doctor runs in. */
  manifestFile: string;
  manifestText: string | null;
  manifest: Record<string, unknown> | null;
  /** Why `manifest` is null: `is missing`, `is not valid JSON (…)`; null when it was read. */
  manifestError?: string | null;
}

/** Check the fields npm needs to publish at all. */
export function checkManifest(context: PackageContext): Finding[] {
  const { manifest, manifestFile, manifestText } = context;
  if (!manifest) {
    return [
      makeFinding({
        ruleId: 'package-json-unreadable',
        severity: 'error',
        message: `"${manifestFile}" ${context.manifestError ?? 'is missing or is not valid JSON'}, so no client can publish this folder`,
        fix: 'create a package.json with at least "name" and "version", or name another folder',
        file: manifestFile,
      }),
    ];
  }

  const findings: Finding[] = [];
  if (manifest.private === true) {
    findings.push(
      makeFinding({
        ruleId: 'package-private',
        severity: 'error',
        message: `"${manifestFile}" sets "private": true, so npm refuses to publish it`,
        fix: 'remove "private": true to publish this package, or leave it out of the packages to publish',
        file: manifestFile,
        line: lineOfKey(manifestText, 'private'),
      }),
    );
  }
  if (typeof manifest.name !== 'string' || manifest.name.trim() === '') {
    findings.push(
      makeFinding({
        ruleId: 'package-name-missing',
        severity: 'error',
        message: `"${manifestFile}" has no "name", so npm cannot publish it`,
        fix: 'add a "name" field (scoped, such as "@owner/name", for GitHub Packages)',
        file: manifestFile,
      }),
    );
  }
  const nameProblem = typeof manifest.name === 'string' && manifest.name.trim() !== '' ? invalidNameReason(manifest.name) : null;
  if (nameProblem !== null) {
    findings.push(
      makeFinding({
        ruleId: 'package-name-invalid',
        severity: 'error',
        message: `"${manifestFile}" has the name ${JSON.stringify(manifest.name)}, which npm rejects: ${nameProblem}`,
        fix: 'rename the package: lower-case letters, digits, "-", "." and "_", not starting with "." or "_", scoped as "@owner/name" when needed',
        file: manifestFile,
        line: lineOfKey(manifestText, 'name'),
      }),
    );
  }
  if (typeof manifest.version !== 'string' || manifest.version.trim() === '') {
    findings.push(
      makeFinding({
        ruleId: 'package-version-missing',
        severity: 'error',
        message: `"${manifestFile}" has no "version", so npm cannot publish it`,
        fix: 'add a "version" field with a semantic version such as "1.0.0"',
        file: manifestFile,
      }),
    );
  } else if (!semver.valid(manifest.version)) {
    findings.push(
      makeFinding({
        ruleId: 'package-version-invalid',
        severity: 'error',
        message: `"${manifestFile}" has version "${manifest.version}", which is not a valid semantic version, so npm rejects it`,
        fix: 'set "version" to a semantic version such as "1.0.0"',
        file: manifestFile,
        line: lineOfKey(manifestText, 'version'),
      }),
    );
  }
  return findings;
}

/**
 * Return why npm rejects `name` before publishing, as `npm publish` checks
 * it (npm-package-arg's resolve), or null for a name npm accepts.
 */
export function invalidNameReason(name: string): string | null {
  try {
    npa.resolve(name, '0.0.0');
    return null;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // npm-package-arg's text ends with the reason: `Invalid package name "x" of package "x@0.0.0": <reason>.`
    const reason = /": ([^"]+?)\.?$/.exec(message)?.[1];
    return reason ?? message;
  }
}

/** True for GitHub Packages' npm registry on github.com or on a GHE.com subdomain. */
export function isGithubPackagesRegistry(url: string): boolean {
  try {
    const host = new URL(url).hostname.toLowerCase();
    return host === 'npm.pkg.github.com' || /^npm\.[a-z0-9-]+\.ghe\.com$/.test(host);
  } catch {
    return false;
  }
}

/** True for the public npm registry. */
export function isNpmjsRegistry(url: string): boolean {
  try {
    return new URL(url).hostname.toLowerCase() === 'registry.npmjs.org';
  } catch {
    return false;
  }
}

/** Owner from a `repository` field: `owner/repo`, `github:owner/repo`, or a github.com URL. */
export function repositoryOwner(repository: unknown): string | null {
  let raw: unknown = null;
  if (typeof repository === 'string') raw = repository;
  else if (repository && typeof repository === 'object') raw = (repository as { url?: unknown }).url;
  if (typeof raw !== 'string') return null;
  const shorthand = /^(?:github:)?([A-Za-z0-9-]+)\/[A-Za-z0-9._-]+$/.exec(raw.trim());
  if (shorthand) return shorthand[1]!;
  const url = /github\.com[/:]([A-Za-z0-9-]+)\//i.exec(raw);
  return url ? url[1]! : null;
}

// Facts from GitHub's "Working with the npm registry" page (as of 2026-12):
// https://docs.github.com/en/packages/working-with-a-github-packages-registry/working-with-the-npm-registry
/** Check GitHub Packages' rules: a scoped name, the scope matching the repository owner, and a classic token. */
export function checkGithubPackages(context: PackageContext, resolution: PublishConfigResolution, cwd: string): Finding[] {
  const { manifest, manifestFile, manifestText } = context;
  const findings: Finding[] = [];
  const name = typeof manifest?.name === 'string' ? manifest.name : null;
  const registry = resolution.registry.url;

  if (name && !name.startsWith('@')) {
    findings.push(
      makeFinding({
        ruleId: 'github-packages-unscoped',
        severity: 'error',
        message: `"${name}" goes to GitHub Packages ("${registry}"), which accepts only scoped packages named "@owner/name"`,
        fix: 'rename the package to "@<owner>/<name>", where <owner> is the GitHub user or organisation that owns the repository',
        file: manifestFile,
        line: lineOfKey(manifestText, 'name'),
      }),
    );
  }

  const scope = name?.startsWith('@') ? name.slice(1).split('/')[0]!.toLowerCase() : null;
  const owner = repositoryOwner(manifest?.repository);
  if (manifest && manifest.repository === undefined) {
    findings.push(
      makeFinding({
        ruleId: 'github-packages-no-repository',
        severity: 'warning',
        confidence: 'medium',
        message: `"${manifestFile}" has no "repository", so GitHub Packages links "${name ?? 'the package'}" to the repository its name implies`,
        fix: 'add "repository": "https://github.com/<owner>/<repo>" naming the repository the package belongs to',
        file: manifestFile,
      }),
    );
  } else if (scope && owner && owner.toLowerCase() !== scope) {
    findings.push(
      makeFinding({
        ruleId: 'github-packages-scope-owner-mismatch',
        severity: 'error',
        confidence: 'medium',
        message: `the scope "@${scope}" of "${name}" is not the owner "${owner}" of its repository, and GitHub Packages publishes a package only under its owner's scope`,
        fix: `rename the package to "@${owner.toLowerCase()}/…", or point "repository" at a repository owned by "${scope}"`,
        file: manifestFile,
        line: lineOfKey(manifestText, 'repository'),
      }),
    );
  }

  if (resolution.credential.class === 'secret' && resolution.credential.shape === 'github_pat_') {
    const origin = resolution.credential.origin;
    findings.push(
      makeFinding({
        ruleId: 'github-packages-fine-grained-token',
        severity: 'error',
        message: `the token for "${registry}" is a fine-grained personal access token ("github_pat_…"), which GitHub Packages does not accept`,
        fix: 'use GITHUB_TOKEN with "permissions: packages: write" in GitHub Actions, or a personal access token (classic) with the write:packages scope',
        file: origin?.kind === 'file' ? displayPath(cwd, origin.file) : manifestFile,
        line: origin?.kind === 'file' ? origin.line : 1,
      }),
    );
  }
  if (resolution.credential.class === 'secret' && resolution.credential.shape === 'npm_') {
    const origin = resolution.credential.origin;
    findings.push(
      makeFinding({
        ruleId: 'github-packages-npm-token',
        severity: 'error',
        message: `the token for "${registry}" is an npmjs.com token ("npm_…"), and GitHub Packages accepts only GitHub tokens`,
        fix: 'use GITHUB_TOKEN with "permissions: packages: write" in GitHub Actions, or a personal access token (classic) with the write:packages scope, in the variable the config refers to',
        file: origin?.kind === 'file' ? displayPath(cwd, origin.file) : manifestFile,
        line: origin?.kind === 'file' ? origin.line : 1,
      }),
    );
  }
  return findings;
}

/** Read the version of the npm that `npm` on PATH starts, or null when there is none. */
export async function npmVersionOnPath(env: NodeJS.ProcessEnv): Promise<string | null> {
  const npmPath = await findNpmPath(env);
  if (!npmPath) return null;
  try {
    const manifest = JSON.parse(await readFile(join(npmPath, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof manifest.version === 'string' ? manifest.version : null;
  } catch {
    return null;
  }
}

/**
 * Trusted publishing on npmjs.org: with no token and a GitHub OIDC
 * environment, npm exchanges an OIDC token for a publish token, which npm
 * 11.5.1 and later do. Returns the findings and the npm version read.
 */
export async function checkTrustedPublishing(
  context: PackageContext,
  resolution: PublishConfigResolution,
  env: NodeJS.ProcessEnv,
): Promise<{ findings: Finding[]; npmVersion: string | null }> {
  const oidc = Boolean(env.ACTIONS_ID_TOKEN_REQUEST_URL);
  if (!isNpmjsRegistry(resolution.registry.url) || resolution.credential.class !== 'missing' || !oidc) {
    return { findings: [], npmVersion: null };
  }
  const npmVersion = await npmVersionOnPath(env);
  const file = context.manifestFile;
  if (npmVersion && semver.valid(npmVersion) && semver.gte(npmVersion, TRUSTED_PUBLISHING_MIN_NPM)) {
    return {
      npmVersion,
      findings: [
        makeFinding({
          ruleId: 'trusted-publishing-ready',
          severity: 'info',
          confidence: 'medium',
          message: `no token is configured for "${resolution.registry.url}" and the job has an OIDC environment, so npm ${npmVersion} will try trusted publishing`,
          fix: 'make sure a trusted publisher is registered on npmjs.com for this repository and workflow file, and the job has "permissions: id-token: write"',
          file,
          args: { npmVersion },
        }),
      ],
    };
  }
  const found = npmVersion ? `npm ${npmVersion}` : 'no npm on PATH';
  return {
    npmVersion,
    findings: [
      makeFinding({
        ruleId: 'trusted-publishing-npm-too-old',
        severity: 'error',
        message: `no token is configured for "${resolution.registry.url}", so the publish depends on trusted publishing, which needs npm ${TRUSTED_PUBLISHING_MIN_NPM} or later, but this job has ${found}; npm sends an unauthenticated PUT and gets 404 or ENEEDAUTH`,
        fix: `install a newer npm before publishing (npm install -g npm@^11.5.1), or configure a token for "${resolution.registry.url}"`,
        file,
        args: { npmVersion, required: TRUSTED_PUBLISHING_MIN_NPM },
      }),
    ],
  };
}

/** File names that usually hold credentials or keys. */
export function isSecretLookingFile(path: string): boolean {
  const name = basename(path).toLowerCase();
  if (name === '.npmrc' || name === '.yarnrc' || name === '.yarnrc.yml') return true;
  return name === '.env' || name.startsWith('.env.') || name.endsWith('.pem') || name.startsWith('id_rsa');
}

/** A packed tarball above this size is unusual for an npm package (an estimate, not a registry limit). */
export const LARGE_TARBALL_BYTES = 10 * 1024 * 1024;
/** A tarball with more files than this is unusual for an npm package (an estimate). */
export const MANY_FILES = 1_000;

/** Pack the folder the way npm does, without lifecycle scripts, and flag secret-looking files and unusual sizes. */
export async function checkTarball(context: PackageContext, cwd: string): Promise<{ findings: Finding[]; tarball: TarballSummary | null }> {
  const { packFolder } = await import('../publish/pack.js');
  const file = context.manifestFile;
  let packed: Awaited<ReturnType<typeof packFolder>>;
  try {
    packed = await packFolder(context.folder, { ignoreScripts: true });
  } catch (error) {
    return {
      tarball: null,
      findings: [
        makeFinding({
          ruleId: 'tarball-pack-failed',
          severity: 'warning',
          message: `packing "${displayPath(cwd, context.folder)}" failed, so its contents were not checked: ${error instanceof Error ? error.message : String(error)}`,
          fix: 'run `npm pack --dry-run` in that folder to see the error',
          file,
        }),
      ],
    };
  }

  const secretFiles = packed.files.map((entry) => entry.path).filter(isSecretLookingFile);
  const tarball: TarballSummary = { files: packed.files.length, packedSize: packed.tarball.length, unpackedSize: packed.unpackedSize, secretFiles };
  const findings: Finding[] = [];
  if (secretFiles.length > 0) {
    findings.push(
      makeFinding({
        ruleId: 'tarball-secret-file',
        severity: 'warning',
        message: `the tarball would include ${secretFiles.map((path) => `"${path}"`).join(', ')}, which usually ${secretFiles.length === 1 ? 'holds' : 'hold'} credentials or keys, and a published tarball is readable by everyone who can install it`,
        fix: 'add those paths to .npmignore, or list only what should ship in "files" of package.json',
        file,
        line: lineOfKey(context.manifestText, 'files'),
        args: { secretFiles },
      }),
    );
  }
  if (packed.tarball.length > LARGE_TARBALL_BYTES || packed.files.length > MANY_FILES) {
    findings.push(
      makeFinding({
        ruleId: 'tarball-unusual-size',
        severity: 'warning',
        confidence: 'medium',
        message: `the tarball is ${formatBytes(packed.tarball.length)} packed with ${packed.files.length} files, far more than most packages, which often means build output, fixtures or node_modules are included`,
        fix: 'check the file list with `npm pack --dry-run` and narrow "files" in package.json or .npmignore',
        file,
        args: { packedSize: packed.tarball.length, files: packed.files.length },
      }),
    );
  }
  if (packed.files.length <= 1) {
    findings.push(
      makeFinding({
        ruleId: 'tarball-unusual-size',
        severity: 'warning',
        confidence: 'medium',
        message: `the tarball holds only ${packed.files.map((entry) => `"${entry.path}"`).join(', ') || 'nothing'}, so the package would ship no code`,
        fix: 'build before publishing, or fix "files" in package.json so it matches the build output',
        file,
        line: lineOfKey(context.manifestText, 'files'),
        args: { files: packed.files.length },
      }),
    );
  }
  return { findings, tarball };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Return `file` relative to `cwd` when inside it, else absolute, with `/` separators. */
export function displayPath(cwd: string, file: string): string {
  if (file === cwd) return '.';
  const relativePath = file.startsWith(`${cwd}/`) ? file.slice(cwd.length + 1) : file;
  return relativePath.split('\\').join('/');
}
