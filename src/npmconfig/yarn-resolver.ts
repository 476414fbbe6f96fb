/**
 * Resolution of the registry `yarn npm publish` (Yarn 2 and later) targets
 * and the credential it sends. Yarn 2+ never reads `.npmrc`: its settings come from
 * `.yarnrc.yml` files (the folder it runs in and every folder above it, the
 * nearer file winning, then `~/.yarnrc.yml`) and from `YARN_*` variables,
 * which win over every file.
 *
 * The registry and credential choice follows `getPublishRegistry` and
 * `getAuthConfiguration` in Yarn's `plugin-npm/sources/npmConfigUtils.ts`
 * (https://github.com/yarnpkg/berry/blob/master/packages/plugin-npm/sources/npmConfigUtils.ts):
 * `publishConfig.registry`, else the scope's `npmPublishRegistry` or
 * `npmRegistryServer`, else the top-level `npmPublishRegistry`, else
 * `npmRegistryServer` (default https://registry.yarnpkg.com). The credential
 * is the scope's `npmAuthToken` when the scope sets one, else the
 * `npmRegistries` entry for that registry when there is one, else the
 * top-level `npmAuthToken`.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, parse as parsePath, resolve } from 'node:path';

import { isMap, isScalar, parseDocument, type Document, type Node } from 'yaml';

import { registerSecret } from '../report/redact.js';
import { classifyValue, tokenShape } from './classify.js';
import type { ConfigOrigin, CredentialResolution, OpaqueValue, PublishConfigResolution, RegistryTarget } from './types.js';

export const DEFAULT_YARN_REGISTRY = 'https://registry.yarnpkg.com';

export interface YarnResolveOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  packageDir?: string;
  opaqueValues?: Map<string, OpaqueValue>;
}

/** A setting with the place it was read. */
interface Setting {
  value: string;
  /** The text as written, before `${VAR}` replacement. */
  raw: string;
  origin: ConfigOrigin;
}

interface YarnrcFile {
  file: string;
  document: Document;
  lines: string[];
}

/**
 * Yarn's `${NAME}`, `${NAME:-fallback}` and `${NAME-fallback}` forms. An unset
 * NAME with no fallback makes Yarn stop with "Environment variable not found";
 * this module then keeps the text as written and classifies it as an unexpanded variable.
 */
const YARN_VARIABLE = /\$\{([\w]+)(:)?(?:-([^}]*))?\}/g;

function replaceYarnVariables(text: string, env: Record<string, string | undefined>): { value: string; missing: string[] } {
  const missing: string[] = [];
  const value = text.replace(YARN_VARIABLE, (whole, name: string, colon: string | undefined, fallback: string | undefined) => {
    const current = env[name];
    if (current !== undefined && !(colon && current === '')) return current;
    if (fallback !== undefined) return fallback;
    missing.push(name);
    return whole;
  });
  return { value, missing };
}

async function readYarnrc(file: string): Promise<YarnrcFile | null> {
  try {
    const text = await readFile(file, 'utf8');
    return { file, document: parseDocument(text), lines: text.split(/\r?\n/) };
  } catch {
    return null;
  }
}

function lineOf(file: YarnrcFile, node: Node | null | undefined): number {
  const offset = node?.range?.[0];
  if (offset === undefined) return 0;
  const text = file.lines.join('\n');
  return text.slice(0, offset).split('\n').length;
}

/** Read `path` (a list of keys) from a yarnrc as a setting, or null. */
function settingAt(file: YarnrcFile, path: string[], env: Record<string, string | undefined>): (Setting & { missing: string[] }) | null {
  let node: unknown = file.document.contents;
  let keyNode: Node | null = null;
  for (const key of path) {
    if (!isMap(node)) return null;
    const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
    if (!pair) return null;
    keyNode = pair.key as Node;
    node = pair.value;
  }
  if (!isScalar(node) || node.value === null || node.value === undefined) return null;
  const raw = String(node.value);
  const { value, missing } = replaceYarnVariables(raw, env);
  return { value, raw, missing, origin: { kind: 'file', file: file.file, line: lineOf(file, keyNode), level: 'yarnrc' } };
}

/** Find the `.yarnrc.yml` files Yarn reads from `cwd`, nearest first, then the home one. */
export async function findYarnrcFiles(cwd: string, env: Record<string, string | undefined>): Promise<YarnrcFile[]> {
  const name = env.YARN_RC_FILENAME || '.yarnrc.yml';
  const files: YarnrcFile[] = [];
  let folder = resolve(cwd);
  const root = parsePath(folder).root;
  for (;;) {
    const found = await readYarnrc(join(folder, name));
    if (found) files.push(found);
    if (folder === root) break;
    folder = dirname(folder);
  }
  if (env.HOME) {
    const homeFile = join(env.HOME, name);
    if (!files.some((file) => file.file === homeFile)) {
      const found = await readYarnrc(homeFile);
      if (found) files.push(found);
    }
  }
  return files;
}

/** Name the environment variable Yarn maps to a top-level setting (`npmAuthToken` → `YARN_NPM_AUTH_TOKEN`). */
export function yarnEnvName(setting: string): string {
  return `YARN_${setting.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()}`;
}

/** Resolve the registry and credential `yarn npm publish` (Yarn 2+) uses for one package. */
export async function resolveYarnPublish(options: YarnResolveOptions): Promise<PublishConfigResolution> {
  return (await resolveYarn(options)).resolution;
}

/**
 * The credential Yarn 2+ sends for a publish, with `${VAR}` replaced, for
 * callers that must send it themselves (such as a live registry check). The
 * value is registered with `registerSecret`, and must not be put into any
 * text.
 */
export interface YarnCredential {
  /** `token` for `npmAuthToken`, `basic` for `npmAuthIdent` (`user:password` or its base64 form). */
  authType: 'token' | 'basic';
  value: string;
  /** The publish registry the credential is for, as Yarn resolved it. */
  registry: string;
}

/**
 * Resolve the credential value Yarn 2+ sends for a publish from `cwd`.
 * Returns null when the credential class is not `secret`, when the value
 * stands for a workflow expression in a simulation, or when the registry is
 * not a URL.
 */
export async function resolveYarnCredential(options: YarnResolveOptions): Promise<YarnCredential | null> {
  const { resolution, credentialValue } = await resolveYarn(options);
  if (credentialValue === null || !resolution.registry.valid) return null;
  const authType = resolution.credential.authType === 'basic' ? 'basic' : 'token';
  return { authType, value: credentialValue, registry: resolution.registry.url };
}

/**
 * Build npm-registry-fetch options that send a Yarn credential only to its
 * registry: `_authToken` for a token, `_auth` for an ident, keyed by the
 * registry's host and path. Yarn base64-encodes an ident that contains `:`
 * for the Basic header and sends any other ident as written.
 */
export function yarnCredentialFetchOptions(credential: YarnCredential): Record<string, string> {
  const parsed = new URL(credential.registry);
  const prefix = `//${parsed.host}${parsed.pathname.replace(/\/?$/, '/')}`;
  if (credential.authType === 'basic') {
    const ident = credential.value.includes(':') ? Buffer.from(credential.value, 'utf8').toString('base64') : credential.value;
    return { [`${prefix}:_auth`]: ident };
  }
  return { [`${prefix}:_authToken`]: credential.value };
}

async function resolveYarn(options: YarnResolveOptions): Promise<{ resolution: PublishConfigResolution; credentialValue: string | null }> {
  const cwd = resolve(options.cwd);
  const packageDir = resolve(cwd, options.packageDir ?? '.');
  const files = await findYarnrcFiles(cwd, options.env);
  const manifestFile = join(packageDir, 'package.json');
  let manifest: Record<string, unknown> = {};
  let manifestText = '';
  try {
    manifestText = await readFile(manifestFile, 'utf8');
    manifest = JSON.parse(manifestText) as Record<string, unknown>;
  } catch {
    manifest = {};
  }

  const missingVariables: string[] = [];
  const lookup = (path: string[]): Setting | null => {
    // YARN_* variables override files, for top-level settings only.
    if (path.length === 1) {
      const variable = yarnEnvName(path[0]!);
      const fromEnv = options.env[variable];
      if (fromEnv !== undefined) return { value: fromEnv, raw: fromEnv, origin: { kind: 'env', variable } };
    }
    for (const file of files) {
      const found = settingAt(file, path, options.env);
      if (found) {
        missingVariables.push(...found.missing);
        return found;
      }
    }
    return null;
  };

  const name = typeof manifest.name === 'string' ? manifest.name : null;
  const scope = name?.startsWith('@') ? name.slice(1, name.indexOf('/')) : null;
  const picked = pickYarnRegistry(manifest, manifestFile, manifestText, scope, lookup);
  const registry = { ...picked, valid: URL.canParse(picked.url) };
  const { credential, value: credentialValue } = pickYarnCredential(registry.url, scope, lookup, options);
  const notes = ['Yarn 2+ reads only `.yarnrc.yml` and `YARN_*` variables; `.npmrc` files and NODE_AUTH_TOKEN are not used'];
  if (missingVariables.length > 0) {
    notes.push(`Yarn stops with "Environment variable not found" for ${missingVariables.map((variable) => `"${variable}"`).join(', ')}`);
  }

  const resolution: PublishConfigResolution = {
    client: 'yarn-berry',
    cwd,
    packageDir,
    packageName: name,
    packageVersion: typeof manifest.version === 'string' ? manifest.version : null,
    localPrefix: null,
    configFiles: files.map((file) => ({ level: 'yarnrc' as const, file: file.file, exists: true })),
    registry,
    credential,
    unscopedAuth: [],
    notes,
  };
  return { resolution, credentialValue };
}

function normalizeRegistry(url: string): string {
  return url.replace(/\/$/, '');
}

function pickYarnRegistry(
  manifest: Record<string, unknown>,
  manifestFile: string,
  manifestText: string,
  scope: string | null,
  lookup: (path: string[]) => Setting | null,
): Omit<RegistryTarget, 'valid'> {
  const publishConfig = manifest.publishConfig as Record<string, unknown> | undefined;
  if (publishConfig && typeof publishConfig.registry === 'string') {
    const line = manifestText.split(/\r?\n/).findIndex((text) => text.includes('"registry"')) + 1;
    return {
      url: normalizeRegistry(publishConfig.registry),
      key: 'publishConfig.registry',
      origin: { kind: 'package-json', file: manifestFile, line, field: 'publishConfig.registry' },
    };
  }
  if (scope) {
    for (const key of ['npmPublishRegistry', 'npmRegistryServer']) {
      const found = lookup(['npmScopes', scope, key]);
      if (found) return { url: normalizeRegistry(found.value), key: `npmScopes.${scope}.${key}`, origin: found.origin };
    }
  }
  for (const key of ['npmPublishRegistry', 'npmRegistryServer']) {
    const found = lookup([key]);
    if (found) return { url: normalizeRegistry(found.value), key, origin: found.origin };
  }
  return { url: DEFAULT_YARN_REGISTRY, key: 'npmRegistryServer', origin: { kind: 'default' } };
}

function pickYarnCredential(
  registryUrl: string,
  scope: string | null,
  lookup: (path: string[]) => Setting | null,
  options: YarnResolveOptions,
): { credential: CredentialResolution; value: string | null } {
  const candidates: Array<{ path: string[]; key: string }> = [];
  if (scope) {
    candidates.push({ path: ['npmScopes', scope, 'npmAuthToken'], key: `npmScopes.${scope}.npmAuthToken` });
    candidates.push({ path: ['npmScopes', scope, 'npmAuthIdent'], key: `npmScopes.${scope}.npmAuthIdent` });
  }
  const normalized = normalizeRegistry(registryUrl);
  for (const registryKey of [normalized, normalized.replace(/^[a-z]+:/, '')]) {
    candidates.push({ path: ['npmRegistries', registryKey, 'npmAuthToken'], key: `npmRegistries["${registryKey}"].npmAuthToken` });
    candidates.push({ path: ['npmRegistries', registryKey, 'npmAuthIdent'], key: `npmRegistries["${registryKey}"].npmAuthIdent` });
  }
  // NOTE: Yarn stops at an `npmRegistries` entry for the registry even when
  // it has no credential; this falls through to the top level instead.
  candidates.push({ path: ['npmAuthToken'], key: 'npmAuthToken' });
  candidates.push({ path: ['npmAuthIdent'], key: 'npmAuthIdent' });

  for (const candidate of candidates) {
    const found = lookup(candidate.path);
    if (!found) continue;
    const variableMatch = /\$\{(\w+)/.exec(found.raw);
    const variable = variableMatch ? variableMatch[1]! : null;
    const opaque = options.opaqueValues?.get(found.value.trim());
    let credentialClass: CredentialResolution['class'] = opaque ? 'secret' : classifyValue(found.value);
    // Yarn's `${VAR}` syntax left in place means the variable was unset.
    if (!opaque && variable && found.value.includes('${')) credentialClass = 'unexpanded-variable';
    const shape = credentialClass === 'secret' ? (opaque?.shape ?? tokenShape(found.value.trim())) : null;
    if (credentialClass === 'secret' && !opaque) registerSecret(found.value);
    const credential: CredentialResolution = {
      class: credentialClass,
      shape,
      key: candidate.key,
      authType: candidate.key.endsWith('npmAuthIdent') ? 'basic' : 'token',
      origin: found.origin,
      variable,
      variableSet: variable !== null && options.env[variable] !== undefined,
      expression: opaque?.expression ?? null,
      otherHosts: [],
    };
    return { credential, value: credentialClass === 'secret' && !opaque ? found.value : null };
  }
  const missing: CredentialResolution = {
    class: 'missing',
    shape: null,
    key: null,
    authType: null,
    origin: null,
    variable: null,
    variableSet: false,
    expression: null,
    otherHosts: [],
  };
  return { credential: missing, value: null };
}
