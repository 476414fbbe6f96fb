/**
 * Resolve, with npm's own configuration loader, which registry `npm publish`
 * targets for a package and which credential it sends there.
 *
 * The order follows npm 11's `lib/commands/publish.js`: load the config
 * cascade from the working directory (builtin, global, user, project by local
 * prefix or workspace root, env `npm_config_*`, command line), lay
 * `publishConfig` over it except for keys given on the command line, pick the
 * registry with npm-registry-fetch's `pickRegistry` (`@scope:registry`, then
 * `registry`), and read the credential npm's `getCredentialsByURI` would read
 * for that registry's nerf dart.
 */
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, relative, resolve } from 'node:path';

import { registerSecret } from '../report/redact.js';
import { classifyValue, referencedVariables, tokenShape } from './classify.js';
import type {
  ConfigLevel,
  ConfigOrigin,
  CredentialResolution,
  OpaqueValue,
  PublishConfigResolution,
  RegistryTarget,
  UnscopedAuthProblem,
} from './types.js';

const require = createRequire(import.meta.url);

// @npmcli/config and npm-registry-fetch ship no types: these interfaces cover
// only the members this file calls.
type ConfigWhere = 'default' | 'builtin' | 'global' | 'user' | 'project' | 'env' | 'cli';
interface NpmConfigData {
  data: Record<string, unknown>;
  raw?: Record<string, unknown>;
  source?: string;
  loadError?: NodeJS.ErrnoException;
}
interface NpmConfig {
  load(): Promise<void>;
  get(key: string, where?: ConfigWhere): unknown;
  find(key: string): ConfigWhere | null;
  set(key: string, value: unknown, where: ConfigWhere): void;
  flat: Record<string, unknown>;
  data: Map<ConfigWhere, NpmConfigData>;
  localPrefix: string;
  validate(): boolean;
}
interface NpmConfigConstructor {
  new (options: Record<string, unknown>): NpmConfig;
}
interface NpmDefinitions {
  definitions: Record<string, unknown>;
  shorthands: Record<string, string[]>;
  flatten: (object: Record<string, unknown>, flat?: Record<string, unknown>) => Record<string, unknown>;
  nerfDarts: string[];
}

const Config = require('@npmcli/config') as NpmConfigConstructor;
const npmDefinitions = require('@npmcli/config/lib/definitions/index.js') as NpmDefinitions;
const nerfDart = require('@npmcli/config/lib/nerf-dart.js') as (url: string) => string;
const envReplace = require('@npmcli/config/lib/env-replace.js') as (text: string, env: Record<string, string | undefined>) => string;

/**
 * Pick the registry for a package as `pickRegistry` of npm-registry-fetch 19
 * does (lib/index.js): the package scope's `@scope:registry`, then the
 * `scope` config's registry, then `registry`. Copied as four lines because
 * loading npm-registry-fetch costs about 170 ms. The scope is read from the
 * package name directly: npm-package-arg would add about 70 ms to every run
 * to parse a name we already have.
 */
function pickRegistry(name: string | null, options: Record<string, unknown>): string {
  const scope = name?.startsWith('@') && name.includes('/') ? name.slice(0, name.indexOf('/')) : null;
  let registry = scope ? options[`${scope.replace(/^@?/, '@')}:registry`] : undefined;
  if (!registry && typeof options.scope === 'string' && options.scope) registry = options[`${options.scope.replace(/^@?/, '@')}:registry`];
  return String(registry || options.registry || DEFAULT_NPM_REGISTRY);
}

export const DEFAULT_NPM_REGISTRY = 'https://registry.npmjs.org/';

export interface NpmResolveOptions {
  /** Directory npm runs in. */
  cwd: string;
  /** Environment npm runs with. */
  env: Record<string, string | undefined>;
  /** Package directory being published; defaults to `cwd`. */
  packageDir?: string;
  /** `--registry` on the command line. */
  registry?: string;
  /** `--userconfig` on the command line. */
  userconfig?: string;
  /** Folder of the npm installation (its `npmrc` is the builtin config); found on PATH when absent. */
  npmPath?: string;
  /** Path of the node binary; decides the default global prefix. */
  execPath?: string;
  /** Values in `env` that stand for workflow expressions (simulation only). */
  opaqueValues?: Map<string, OpaqueValue>;
  /** Client that runs the publish; pnpm reads the same files. */
  client?: 'npm' | 'pnpm';
}

/** Find the npm installation folder from PATH, as a shell would; null when npm is not on PATH. */
export async function findNpmPath(env: Record<string, string | undefined>): Promise<string | null> {
  for (const folder of (env.PATH ?? '').split(delimiter)) {
    if (!folder) continue;
    const candidate = join(folder, 'npm');
    try {
      const { realpath } = await import('node:fs/promises');
      const real = await realpath(candidate);
      // npm's bin/npm-cli.js sits in <npmPath>/bin.
      const npmPath = dirname(dirname(real));
      await stat(join(npmPath, 'package.json'));
      return npmPath;
    } catch {
      continue;
    }
  }
  return null;
}

/** Resolve the registry and credential `npm publish` uses for one package. */
export async function resolveNpmPublish(options: NpmResolveOptions): Promise<PublishConfigResolution> {
  const cwd = resolve(options.cwd);
  const packageDir = resolve(cwd, options.packageDir ?? '.');
  const npmPath = options.npmPath ?? (await findNpmPath(options.env)) ?? join(cwd, '.pubguard-no-npm');

  const argv = ['node', 'npm', 'publish'];
  if (options.registry) argv.push('--registry', options.registry);
  if (options.userconfig) argv.push('--userconfig', options.userconfig);

  const config = new Config({
    definitions: npmDefinitions.definitions,
    shorthands: npmDefinitions.shorthands,
    flatten: npmDefinitions.flatten,
    nerfDarts: npmDefinitions.nerfDarts,
    npmPath,
    // load() writes INIT_CWD and npm_config_* keys into the env object it is
    // given, so a shared object would leak one resolution into the next.
    env: { ...options.env },
    argv,
    cwd,
    execPath: options.execPath ?? process.execPath,
    platform: 'linux',
    warn: false,
  });
  await config.load();

  const fileCache = new Map<string, string[]>();
  const manifest = await readManifest(packageDir);
  const notes: string[] = [];
  const workspace = options.client === 'pnpm' ? await layPnpmWorkspaceConfig(config, cwd) : null;
  const origins = { workspace, fileCache };

  const registry = await pickPublishRegistry(config, manifest, packageDir, origins);
  const credential = registry.valid ? await resolveCredential(config, registry.url, options, origins) : missingCredential([]);
  const unscopedAuth = await findUnscopedAuth(config, fileCache);

  if (!registry.valid) {
    notes.push(`the registry ${JSON.stringify(registry.url)} is not a URL, so npm stops with ERR_INVALID_URL before sending anything`);
  }

  if (config.localPrefix !== cwd) {
    notes.push(`npm's local prefix is "${config.localPrefix}", so its project config is "${join(config.localPrefix, '.npmrc')}"`);
  }

  return {
    client: options.client ?? 'npm',
    cwd,
    packageDir,
    packageName: typeof manifest.content?.name === 'string' ? manifest.content.name : null,
    packageVersion: typeof manifest.content?.version === 'string' ? manifest.content.version : null,
    localPrefix: config.localPrefix,
    configFiles: listConfigFiles(config, workspace),
    registry,
    credential,
    unscopedAuth,
    notes,
  };
}

interface ManifestFile {
  file: string;
  text: string | null;
  content: Record<string, unknown> | null;
}

async function readManifest(packageDir: string): Promise<ManifestFile> {
  const file = join(packageDir, 'package.json');
  try {
    const text = await readFile(file, 'utf8');
    const content = JSON.parse(text) as Record<string, unknown>;
    return { file, text, content };
  } catch {
    return { file, text: null, content: null };
  }
}

function listConfigFiles(config: NpmConfig, workspace: WorkspaceLayer | null): PublishConfigResolution['configFiles'] {
  const files: PublishConfigResolution['configFiles'] = [];
  for (const level of ['builtin', 'global', 'user', 'project'] as const) {
    const entry = config.data.get(level);
    if (!entry?.source || entry.source.startsWith('(')) continue;
    files.push({ level, file: entry.source, exists: !entry.loadError });
    // pnpm reads the workspace file after the project config and before the user config.
    if (level === 'project' && workspace) files.push({ level: 'workspace', file: workspace.file, exists: workspace.exists });
  }
  return files;
}

/** The keys a pnpm workspace root's `.npmrc` adds, with the 1-based line of each. */
interface WorkspaceLayer {
  file: string;
  exists: boolean;
  lines: Map<string, number>;
}

/** Where the origin of a loaded key is looked up: the pnpm workspace layer and the cached file lines. */
interface OriginSources {
  workspace: WorkspaceLayer | null;
  fileCache: Map<string, string[]>;
}

/**
 * Lay the `.npmrc` of the pnpm workspace root (the nearest folder above
 * `cwd` with `pnpm-workspace.yaml`) into npm's loaded config, as pnpm does.
 * @pnpm/npm-conf reads the project `.npmrc`, then the workspace one, then
 * the user and global ones (https://pnpm.io/npmrc), so a workspace key wins
 * over the user config but not over the project config, the environment or
 * the command line. npm's loader has no such level, so the keys are set on
 * its user level and their origin is kept here. Returns null outside a pnpm
 * workspace, or when the workspace root is npm's local prefix (its `.npmrc`
 * is then already the project config).
 * NOTE: pnpm 10 and later read only auth and registry settings from
 * `.npmrc`; other keys are laid in too, which changes nothing this resolver
 * reads.
 */
async function layPnpmWorkspaceConfig(config: NpmConfig, cwd: string): Promise<WorkspaceLayer | null> {
  const root = await findPnpmWorkspaceRoot(cwd);
  if (root === null || root === resolve(config.localPrefix)) return null;

  const file = join(root, '.npmrc');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return { file, exists: false, lines: new Map() };
  }

  const env = (config as unknown as { env: Record<string, string | undefined> }).env;
  const lines = new Map<string, number>();
  const values = new Map<string, { value: string; raw: string }>();
  text.split(/\r?\n/).forEach((line, index) => {
    const parsed = parseIniLine(line);
    if (!parsed) return;
    // As in @npmcli/config, `${VAR}` is replaced in keys and values, and the last assignment wins.
    const key = envReplace(parsed.key, env);
    values.set(key, { value: envReplace(parsed.value, env), raw: parsed.value });
    lines.set(key, index + 1);
  });

  const user = config.data.get('user');
  for (const [key, { value, raw }] of values) {
    const where = config.find(key);
    if (where === 'project' || where === 'env' || where === 'cli') {
      lines.delete(key);
      continue;
    }
    config.set(key, value, 'user');
    // Keep the unexpanded text, from which the credential's `${VAR}` is read.
    if (user?.raw) user.raw[key] = raw;
  }
  return { file, exists: true, lines };
}

async function findPnpmWorkspaceRoot(cwd: string): Promise<string | null> {
  let folder = resolve(cwd);
  for (;;) {
    try {
      await stat(join(folder, 'pnpm-workspace.yaml'));
      return folder;
    } catch {
      const parent = dirname(folder);
      if (parent === folder) return null;
      folder = parent;
    }
  }
}

async function pickPublishRegistry(
  config: NpmConfig,
  manifest: ManifestFile,
  packageDir: string,
  origins: OriginSources,
): Promise<RegistryTarget> {
  const options: Record<string, unknown> = { ...config.flat };

  // publishConfig overrides the loaded config, except for keys given on the
  // command line (npm 11 lib/commands/publish.js, #getManifest).
  const publishConfig = manifest.content?.publishConfig;
  const cliRaw = config.data.get('cli')?.raw ?? {};
  const fromPublishConfig = new Set<string>();
  if (publishConfig && typeof publishConfig === 'object') {
    const kept = Object.fromEntries(Object.entries(publishConfig as Record<string, unknown>).filter(([key]) => !(key in cliRaw)));
    npmDefinitions.flatten(kept, options);
    for (const key of Object.keys(kept)) fromPublishConfig.add(key);
  }

  const name = typeof manifest.content?.name === 'string' ? manifest.content.name : null;
  const scope = name?.startsWith('@') ? name.slice(0, name.indexOf('/')) : null;
  const url = pickRegistry(name, options);

  // Work out which key produced that URL, in pickRegistry's order.
  const candidates: string[] = [];
  if (scope) candidates.push(`${scope}:registry`);
  const configuredScope = options.scope;
  if (typeof configuredScope === 'string' && configuredScope) candidates.push(`${configuredScope.replace(/^@?/, '@')}:registry`);
  const valid = isNerfDartable(url);
  for (const key of candidates) {
    if (options[key] === url) return { url, key, origin: await originOf(config, key, fromPublishConfig, manifest, origins), valid };
  }
  return { url, key: 'registry', origin: await originOf(config, 'registry', fromPublishConfig, manifest, origins), valid };
}

async function originOf(
  config: NpmConfig,
  key: string,
  fromPublishConfig: Set<string>,
  manifest: ManifestFile,
  origins: OriginSources,
): Promise<ConfigOrigin> {
  if (fromPublishConfig.has(key) && manifest.text) {
    return { kind: 'package-json', file: manifest.file, line: lineOfJsonKey(manifest.text, key), field: `publishConfig.${key}` };
  }
  return configOrigin(config, key, origins);
}

/** Find where a loaded key was set: file and line, env variable, command-line flag or default. */
async function configOrigin(config: NpmConfig, key: string, origins: OriginSources): Promise<ConfigOrigin> {
  const where = config.find(key);
  if (where === 'cli') return { kind: 'cli', flag: `--${key}` };
  if (where === 'env') return { kind: 'env', variable: envVariableFor(config, key) };
  const fromWorkspace = where === 'user' ? origins.workspace?.lines.get(key) : undefined;
  if (fromWorkspace !== undefined) return { kind: 'file', file: origins.workspace!.file, line: fromWorkspace, level: 'workspace' };
  if (where === 'builtin' || where === 'global' || where === 'user' || where === 'project') {
    const file = config.data.get(where)?.source ?? '';
    return { kind: 'file', file, line: await lineOfIniKey(file, key, config, origins.fileCache), level: where };
  }
  return { kind: 'default' };
}

function envVariableFor(config: NpmConfig, key: string): string {
  const env = (config as unknown as { env: Record<string, string | undefined> }).env;
  for (const name of Object.keys(env)) {
    if (!/^npm_config_/i.test(name)) continue;
    let candidate = name.slice('npm_config_'.length);
    if (!candidate.startsWith('//')) candidate = candidate.replace(/(?!^)_/g, '-').toLowerCase();
    if (candidate === key) return name;
  }
  return `npm_config_${key}`;
}

async function fileLines(file: string, fileCache: Map<string, string[]>): Promise<string[]> {
  const cached = fileCache.get(file);
  if (cached) return cached;
  let lines: string[] = [];
  try {
    lines = (await readFile(file, 'utf8')).split(/\r?\n/);
  } catch {
    lines = [];
  }
  fileCache.set(file, lines);
  return lines;
}

/** 1-based line of the last assignment to `key` in an ini file (the one `ini` keeps); 0 when not found. */
async function lineOfIniKey(file: string, key: string, config: NpmConfig, fileCache: Map<string, string[]>): Promise<number> {
  const env = (config as unknown as { env: Record<string, string | undefined> }).env;
  const lines = await fileLines(file, fileCache);
  let found = 0;
  lines.forEach((line, index) => {
    const parsed = parseIniLine(line);
    if (parsed && envReplace(parsed.key, env) === key) found = index + 1;
  });
  return found;
}

/** Split one ini line into key and raw value, ignoring comments and sections. */
export function parseIniLine(line: string): { key: string; value: string } | null {
  const trimmed = line.trim();
  if (!trimmed || trimmed.startsWith(';') || trimmed.startsWith('#') || trimmed.startsWith('[')) return null;
  const equals = trimmed.indexOf('=');
  const rawKey = (equals === -1 ? trimmed : trimmed.slice(0, equals)).trim();
  const rawValue = equals === -1 ? '' : trimmed.slice(equals + 1).trim();
  const unquote = (text: string) => (/^(["']).*\1$/.test(text) ? text.slice(1, -1) : text);
  return { key: unquote(rawKey), value: unquote(rawValue) };
}

function lineOfJsonKey(text: string, key: string): number {
  const lines = text.split(/\r?\n/);
  const publishLine = lines.findIndex((line) => line.includes('"publishConfig"'));
  const start = publishLine === -1 ? 0 : publishLine;
  for (let index = start; index < lines.length; index++) {
    if (lines[index]!.includes(`"${key}"`)) return index + 1;
  }
  return publishLine + 1;
}

/** Credential keys of one nerf dart, in the order npm's getCredentialsByURI tries them. */
function credentialKeys(nerfed: string): Array<{ key: string; authType: CredentialResolution['authType']; pair?: string }> {
  return [
    { key: `${nerfed}:_authToken`, authType: 'token' },
    { key: `${nerfed}:_password`, authType: 'basic', pair: `${nerfed}:username` },
    { key: `${nerfed}:_auth`, authType: 'basic' },
    { key: `${nerfed}:certfile`, authType: 'client-certificate', pair: `${nerfed}:keyfile` },
  ];
}

async function resolveCredential(
  config: NpmConfig,
  registryUrl: string,
  options: NpmResolveOptions,
  origins: OriginSources,
): Promise<CredentialResolution> {
  const nerfed = nerfDart(registryUrl);
  const env = options.env;

  // The first key with a non-empty value is what npm sends.
  for (const candidate of credentialKeys(nerfed)) {
    const value = config.get(candidate.key);
    if (typeof value !== 'string' || value === '') continue;
    if (candidate.pair && !config.get(candidate.pair)) continue;
    return describeCredential(config, candidate.key, candidate.authType, value, options, origins);
  }

  // A key that is present but empty is `empty`: npm sends nothing for it.
  for (const candidate of credentialKeys(nerfed)) {
    if (config.find(candidate.key) === null) continue;
    const described = await describeCredential(config, candidate.key, candidate.authType, '', options, origins);
    return { ...described, class: 'empty', shape: null };
  }

  const otherHosts: CredentialResolution['otherHosts'] = [];
  const seen = new Set<string>();
  for (const where of ['builtin', 'global', 'user', 'project', 'env', 'cli'] as const) {
    const data = config.data.get(where)?.data ?? {};
    for (const [key, value] of Object.entries(data)) {
      const match = /^(\/\/.+):(_authToken|_auth|_password)$/.exec(key);
      if (!match || match[1] === nerfed || typeof value !== 'string' || value === '' || seen.has(key)) continue;
      seen.add(key);
      otherHosts.push({ key, origin: await configOrigin(config, key, origins) });
    }
  }
  void env;
  return missingCredential(otherHosts);
}

/** No credential for the target: `other-host` when another registry has one, else `missing`. */
function missingCredential(otherHosts: CredentialResolution['otherHosts']): CredentialResolution {
  return {
    class: otherHosts.length > 0 ? 'other-host' : 'missing',
    shape: null,
    key: null,
    authType: null,
    origin: null,
    variable: null,
    variableSet: false,
    expression: null,
    otherHosts,
  };
}

/**
 * True when npm can derive the credential key prefix (the nerf dart) of
 * `url`. @npmcli/config's nerf-dart.js passes the value to `new URL`, which
 * throws ERR_INVALID_URL for text such as `npm.pkg.github.com` or `https/`.
 */
function isNerfDartable(url: string): boolean {
  try {
    nerfDart(url);
    return true;
  } catch {
    return false;
  }
}

async function describeCredential(
  config: NpmConfig,
  key: string,
  authType: CredentialResolution['authType'],
  value: string,
  options: NpmResolveOptions,
  origins: OriginSources,
): Promise<CredentialResolution> {
  const origin = await configOrigin(config, key, origins);
  const where = config.find(key);
  const raw = where ? config.data.get(where)?.raw?.[key] : undefined;
  let rawText = value;
  if (typeof raw === 'string') rawText = raw;
  else if (origin.kind === 'env') rawText = String(options.env[origin.variable] ?? '');
  const variables = referencedVariables(rawText);
  const variable = variables[0] ?? null;
  const variableSet = variable !== null && options.env[variable] !== undefined;

  const opaque = options.opaqueValues?.get(value.trim());
  let credentialClass = classifyValue(value);
  let shape = credentialClass === 'secret' ? tokenShape(value.trim()) : null;
  if (opaque) {
    credentialClass = 'secret';
    shape = opaque.shape;
  }
  if (credentialClass === 'secret' && !opaque) registerSecret(value);

  return {
    class: credentialClass,
    shape,
    key,
    authType,
    origin,
    variable,
    variableSet,
    expression: opaque?.expression ?? null,
    otherHosts: [],
  };
}

/** Unscoped `_authToken`, `_auth`, `_password` in a file, which npm 9+ rejects with ERR_INVALID_AUTH. */
async function findUnscopedAuth(config: NpmConfig, fileCache: Map<string, string[]>): Promise<UnscopedAuthProblem[]> {
  const problems: UnscopedAuthProblem[] = [];
  for (const level of ['global', 'user', 'project'] as const) {
    const entry = config.data.get(level);
    if (!entry?.source || entry.loadError) continue;
    for (const key of ['_authToken', '_auth', '_password', '_authtoken', '-authtoken']) {
      if (!Object.hasOwn(entry.data, key) || !entry.data[key]) continue;
      problems.push({ key, level, file: entry.source, line: await lineOfIniKey(entry.source, key, config, fileCache) });
    }
  }
  return problems;
}

/** Path relative to `root` with `/`, for messages. */
export function displayPath(root: string, file: string): string {
  const rel = relative(root, file).split('\\').join('/');
  return rel === '' ? '.' : rel;
}
