/**
 * Registry reads that `publish` and `verify` need: npm's flat options for a
 * directory (so requests carry exactly the credentials npm would send), the
 * packument, and whether one version exists.
 *
 * TODO: replace with the shared registry client in src/registry once it
 * exports a packument read and version lookup; this file is the smallest
 * version that lets publish and verify run against a real registry.
 */
import { createRequire } from 'node:module';
import { registerSecret } from '../report/redact.js';

const require = createRequire(import.meta.url);

/** npm's flattened options: config keys plus nerf-darted credentials such as `//host/:_authToken`. */
export type NpmOptions = Record<string, unknown>;

interface NpmConfigInstance {
  load(): Promise<void>;
  flat: Record<string, unknown>;
}

/**
 * Load npm's configuration for `cwd` with @npmcli/config, as `npm` started
 * there would (builtin, global, user, project, environment), and return the
 * flat options npm-registry-fetch takes. Every credential value found is
 * registered for redaction.
 */
export async function loadNpmOptions(cwd: string, env: NodeJS.ProcessEnv, npmPath: string | null): Promise<NpmOptions> {
  const Config = require('@npmcli/config') as new (options: Record<string, unknown>) => NpmConfigInstance;
  const definitions = require('@npmcli/config/lib/definitions/index.js') as Record<string, unknown>;
  const config = new Config({
    definitions: definitions.definitions,
    shorthands: definitions.shorthands,
    flatten: definitions.flatten,
    nerfDarts: definitions.nerfDarts,
    npmPath: npmPath ?? cwd,
    env,
    argv: ['node', 'npm'],
    cwd,
    execPath: process.execPath,
    platform: process.platform,
    warn: false,
  });
  await config.load();
  const flat = { ...config.flat };
  for (const [key, value] of Object.entries(flat)) {
    if (/(_authToken|_auth|_password|token)$/i.test(key) && typeof value === 'string') registerSecret(value);
  }
  return flat;
}

/** A registry request that failed with anything but a 404. */
export class RegistryLookupError extends Error {
  override readonly name = 'RegistryLookupError';
  constructor(
    message: string,
    /** HTTP status, or null for a network error. */
    readonly status: number | null,
    /** npm-registry-fetch's or Node's error code (`E401`, `ECONNRESET`, `ETIMEDOUT`…). */
    readonly code: string | null,
    readonly url: string,
  ) {
    super(message);
  }
}

export interface Packument {
  name: string;
  versions: Record<string, { version: string; dist?: { integrity?: string; shasum?: string; tarball?: string }; [field: string]: unknown }>;
  'dist-tags': Record<string, string>;
}

interface FetchError extends Error {
  statusCode?: number;
  code?: string;
}

/** Options for one read: never from npm's cache, bounded in time, no retries of our own making. */
function readOptions(options: NpmOptions, registry: string, timeoutMs: number): NpmOptions {
  const { cache: _cache, ...rest } = options;
  return { ...rest, registry, preferOnline: true, offline: false, timeout: timeoutMs, retry: { retries: 0 } };
}

/** URL of a package document: the registry URL plus the escaped name (`@scope%2fname`). */
export function packumentUrl(registry: string, name: string): string {
  const base = registry.endsWith('/') ? registry : `${registry}/`;
  return `${base}${name.replace('/', '%2f')}`;
}

/**
 * Fetch the full packument of `name` from `registry` with the credential npm
 * would send there. Returns null only for a 404; any other failure throws a
 * RegistryLookupError, because a failed read says nothing about what is
 * published.
 */
export async function fetchPackument(name: string, registry: string, options: NpmOptions, timeoutMs = 30_000): Promise<Packument | null> {
  const { default: fetch } = (await import('npm-registry-fetch')) as unknown as { default: { json(url: string, options: NpmOptions): Promise<unknown> } };
  const url = packumentUrl(registry, name);
  try {
    return (await fetch.json(url, readOptions(options, registry, timeoutMs))) as Packument;
  } catch (error) {
    const failure = error as FetchError;
    if (failure.statusCode === 404) return null;
    throw new RegistryLookupError(failure.message, failure.statusCode ?? null, failure.code ?? null, url);
  }
}

/** Whether `name@version` is listed in the registry: `present` or `missing` (404 or not in `versions`). */
export async function lookupVersion(name: string, version: string, registry: string, options: NpmOptions): Promise<'present' | 'missing'> {
  const packument = await fetchPackument(name, registry, options);
  return packument?.versions?.[version] ? 'present' : 'missing';
}

/**
 * Download a tarball with the credential npm would send to its URL (none
 * when it lives on another origin) and return its bytes.
 */
export async function fetchTarball(url: string, registry: string, options: NpmOptions, timeoutMs = 60_000): Promise<Buffer> {
  const { default: fetch } = (await import('npm-registry-fetch')) as unknown as { default: (url: string, options: NpmOptions) => Promise<{ buffer(): Promise<Buffer> }> };
  try {
    const response = await fetch(url, readOptions(options, registry, timeoutMs));
    return await response.buffer();
  } catch (error) {
    const failure = error as FetchError;
    throw new RegistryLookupError(failure.message, failure.statusCode ?? null, failure.code ?? null, url);
  }
}
