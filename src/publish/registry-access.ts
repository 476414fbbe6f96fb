/**
 * What `publish` and `verify` need from the registry, on top of the shared
 * client in src/registry: npm's flat options for a directory (so requests
 * carry exactly the credentials npm would send, and only to their origin),
 * and a packument read that returns null for a 404.
 */
import { createRequire } from 'node:module';
import { RegistryClient, RegistryError, type Packument } from '../registry/index.js';
import { registerSecret } from '../report/redact.js';

const require = createRequire(import.meta.url);

/** npm's flattened options: config keys plus nerf-darted credentials such as `//host/:_authToken`. */
export type NpmOptions = Record<string, unknown>;

export { RegistryError, type Packument };

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

/** A registry client for `registry` with npm's options, making `retries` retries of its own for 5xx and network errors. */
export function clientFor(registry: string, options: NpmOptions, retries: number): RegistryClient {
  return new RegistryClient({ registry, npmOptions: options, retry: { retries, minDelayMs: 250 } });
}

/**
 * Fetch the full packument of `name`. Returns null only for a 404; any other
 * failure throws a RegistryError, because a failed read says nothing about
 * what is published.
 */
export async function fetchPackument(client: RegistryClient, name: string): Promise<Packument | null> {
  try {
    return await client.packument(name);
  } catch (error) {
    if (error instanceof RegistryError && error.kind === 'not-found') return null;
    throw error;
  }
}

/** Whether `name@version` is listed: `present` or `missing` (404, or not in `versions`); other failures throw a RegistryError. */
export async function lookupVersion(client: RegistryClient, name: string, version: string): Promise<'present' | 'missing'> {
  return (await client.versionExists(name, version)) === 'exists' ? 'present' : 'missing';
}
