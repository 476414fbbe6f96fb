/**
 * What npm, pnpm or Yarn will read before a publish: the registry a package
 * goes to and the credential sent there, resolved with npm's own config
 * loader (or Yarn 2+'s rules) for a real directory (`doctor`, `publish`) or
 * for a simulated runner filesystem (`check`).
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, join, parse as parsePath, resolve } from 'node:path';

import { resolveNpmPublish, type NpmResolveOptions } from './npm-resolver.js';
import type { PublishClient, PublishConfigResolution } from './types.js';
import { resolveYarnPublish } from './yarn-resolver.js';

export type * from './types.js';
export { classifyValue, referencedVariables, tokenShape } from './classify.js';
export { DEFAULT_NPM_REGISTRY, findNpmPath, parseIniLine, resolveNpmPublish } from './npm-resolver.js';
export { DEFAULT_YARN_REGISTRY, resolveYarnCredential, resolveYarnPublish, yarnCredentialFetchOptions, yarnEnvName, type YarnCredential } from './yarn-resolver.js';
export { describeOrigin, describeCredential } from './describe.js';
export {
  BUNDLED_NPM,
  RUNNER_DEFAULT_NODE,
  TRUSTED_PUBLISHING_MIN_NPM,
  bundledNpmForNodeSpec,
  npmFromInstallSpec,
  supportsTrustedPublishing,
} from './node-versions.js';

export interface ResolvePublishOptions extends Omit<NpmResolveOptions, 'client'> {
  /** The client; found from the repository (packageManager, lock files, `.yarnrc.yml`) when absent. */
  client?: PublishClient;
}

/**
 * Resolve the registry and credential for publishing `packageDir` from `cwd`
 * exactly as the client would there. `registry` and `userconfig` are the
 * `--registry` and `--userconfig` flags (npm and pnpm only).
 */
export async function resolvePublishConfig(options: ResolvePublishOptions): Promise<PublishConfigResolution> {
  const client = options.client ?? (await detectClient(options.cwd));
  if (client === 'yarn-berry') {
    return resolveYarnPublish({
      cwd: options.cwd,
      env: options.env,
      packageDir: options.packageDir,
      opaqueValues: options.opaqueValues,
    });
  }

  const resolution = await resolveNpmPublish({ ...options, client: client === 'pnpm' ? 'pnpm' : 'npm' });
  if (client === 'yarn-classic') {
    // NOTE: Yarn 1 reads `.npmrc` like npm but aborts on an unset `${VAR}`
    // ("Failed to replace env in config") where npm sends the literal text.
    return { ...resolution, client, notes: [...resolution.notes, 'Yarn 1 reads `.npmrc` and `.yarnrc`; an unset `${VAR}` stops it before publishing'] };
  }
  if (client === 'pnpm') {
    // NOTE: pnpm reads the same `.npmrc` files as npm plus the one beside
    // pnpm-workspace.yaml, which resolveNpmPublish lays in for pnpm. Also,
    // pnpm releases that read `.npmrc` through @pnpm/npm-conf drop a whole
    // file with an unset `${VAR}` ("Issue while reading"), while npm keeps
    // the text; newer pnpm substitutes key by key.
    const notes = [...resolution.notes, 'resolved with npm\'s rules; some pnpm releases skip a whole `.npmrc` that refers to an unset variable'];
    return { ...resolution, client, notes };
  }
  return resolution;
}

/**
 * Detect the client a repository uses, from the nearest `package.json`'s
 * `packageManager`, then lock files and `.yarnrc.yml`, walking up from `cwd`.
 */
export async function detectClient(cwd: string): Promise<PublishClient> {
  let folder = resolve(cwd);
  const root = parsePath(folder).root;
  for (;;) {
    const manifest = await readJson(join(folder, 'package.json'));
    const packageManager = typeof manifest?.packageManager === 'string' ? manifest.packageManager : null;
    if (packageManager) return clientFromPackageManager(packageManager);
    if (await exists(join(folder, '.yarnrc.yml'))) return 'yarn-berry';
    if (await exists(join(folder, 'pnpm-lock.yaml')) || (await exists(join(folder, 'pnpm-workspace.yaml')))) return 'pnpm';
    if (await exists(join(folder, 'yarn.lock'))) return 'yarn-classic';
    if (await exists(join(folder, 'package-lock.json'))) return 'npm';
    if (folder === root) return 'npm';
    folder = dirname(folder);
  }
}

/** Client from a `packageManager` field such as `yarn@4.5.0` or `pnpm@9.1.0`. */
export function clientFromPackageManager(packageManager: string): PublishClient {
  const [name, version = ''] = packageManager.split('@');
  if (name === 'pnpm') return 'pnpm';
  if (name === 'yarn') return Number.parseInt(version, 10) >= 2 ? 'yarn-berry' : 'yarn-classic';
  return 'npm';
}

async function readJson(file: string): Promise<Record<string, unknown> | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
