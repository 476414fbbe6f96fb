/**
 * The check before an upload: will the client send a usable credential to
 * the registry this package goes to? It reads the resolution that
 * src/npmconfig makes with npm's own loader for exactly the directory the
 * client runs in, and stops a publish that cannot succeed before anything
 * is sent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, isAbsolute } from 'node:path';
import type { ConfigOrigin, PublishConfigResolution } from '../npmconfig/types.js';
import { checkGithubPackages, checkManifest, checkTrustedPublishing, isGithubPackagesRegistry } from '../doctor/static-checks.js';
import type { EvidenceRef, PublishCause } from './outcome.js';

const require = createRequire(import.meta.url);
const nerfDart = require('@npmcli/config/lib/nerf-dart.js') as (url: string) => string;

const PLACEHOLDER = 'XXXXX-XXXXX-XXXXX-XXXXX';

/** A path as the user knows it: relative to the working directory when inside it. */
export function displayFile(cwd: string, file: string): string {
  const path = relative(cwd, file);
  return path !== '' && !path.startsWith('..') && !isAbsolute(path) ? path : file;
}

/** Render where a configuration value came from: `file:line`, `env:NAME`, `--flag` or `default`. */
export function describeOrigin(cwd: string, origin: ConfigOrigin | null): string {
  if (!origin) return 'nowhere';
  switch (origin.kind) {
    case 'file':
      return `${displayFile(cwd, origin.file)}:${origin.line}`;
    case 'package-json':
      return `${displayFile(cwd, origin.file)}:${origin.line}`;
    case 'env':
      return `env:${origin.variable}`;
    case 'cli':
      return origin.flag;
    case 'default':
      return "npm's default";
  }
}

/** `.npmrc` files above the working directory that carry a credential for `registry` but that npm does not read from there. */
export function findUnreadCredentialFiles(resolution: PublishConfigResolution): Array<{ file: string; line: number; key: string }> {
  const read = new Set(resolution.configFiles.map((entry) => entry.file));
  const nerfed = nerfDart(resolution.registry.url);
  const found: Array<{ file: string; line: number; key: string }> = [];
  let folder = dirname(resolution.cwd);
  for (let depth = 0; depth < 32; depth++) {
    const file = join(folder, '.npmrc');
    if (!read.has(file) && existsSync(file)) {
      const lines = readFileSync(file, 'utf8').split(/\r?\n/);
      lines.forEach((text, index) => {
        const key = /^\s*([^=\s]+)\s*=/.exec(text)?.[1];
        if (key && key.startsWith(nerfed) && /:(_authToken|_auth|_password)$/.test(key)) found.push({ file, line: index + 1, key });
      });
    }
    const parent = dirname(folder);
    if (parent === folder) break;
    folder = parent;
  }
  return found;
}

export interface PreflightOptions {
  /** `--dry-run`: nothing is uploaded, so no credential is needed. */
  dryRun: boolean;
  env: NodeJS.ProcessEnv;
}

/**
 * Return why the client cannot authenticate for this package, or null when
 * it will send a real credential (or needs none). A missing credential on
 * npmjs.org with a GitHub OIDC environment is let through: npm 11.5.1+ can
 * exchange the OIDC token for a publish token (trusted publishing).
 */
export function checkCredential(resolution: PublishConfigResolution, options: PreflightOptions): PublishCause | null {
  const { credential, registry, cwd } = resolution;
  if (options.dryRun || credential.class === 'secret') return null;
  const oidc = Boolean(options.env.ACTIONS_ID_TOKEN_REQUEST_URL) && /^https:\/\/registry\.npmjs\.org\/?$/.test(registry.url);
  if (credential.class === 'missing' && oidc) return null;

  const evidence: EvidenceRef[] = [];
  const where = describeOrigin(cwd, credential.origin);
  if (credential.key) evidence.push({ where, text: `${credential.key}=${credential.variable ? `\${${credential.variable}}` : '…'}` });
  if (credential.variable) {
    const value = options.env[credential.variable];
    let state = 'set';
    if (value === undefined) state = 'unset';
    else if (value.trim() === PLACEHOLDER) state = PLACEHOLDER;
    else if (value === '') state = 'empty';
    evidence.push({ where: `env:${credential.variable}`, text: state });
  }

  const unread = findUnreadCredentialFiles(resolution);
  const project = resolution.configFiles.find((entry) => entry.level === 'project');
  let unreadText = '';
  if (unread.length > 0) {
    const first = unread[0]!;
    const projectText = project ? `"${project.file}"${project.exists ? '' : ' (absent)'}` : 'none';
    unreadText = ` A credential for this registry is in "${first.file}:${first.line}", but npm does not read that file from "${cwd}": its project config there is ${projectText}.`;
    for (const entry of unread) evidence.push({ where: `${entry.file}:${entry.line}`, text: `${entry.key}=… (not read from ${cwd})` });
  }

  const target = `"${registry.url}"`;
  let id: PublishCause['id'];
  let message: string;
  switch (credential.class) {
    case 'placeholder':
      id = 'token-placeholder';
      message = `the credential npm will send to ${target} is setup-node's placeholder "${PLACEHOLDER}": "${credential.key}" at ${where} refers to \${${credential.variable ?? 'NODE_AUTH_TOKEN'}}, which holds the placeholder.${unreadText}`;
      break;
    case 'unexpanded-variable':
      id = 'token-unexpanded-variable';
      message = `the credential npm will send to ${target} is the literal text "\${${credential.variable}}": "${credential.key}" at ${where} refers to ${credential.variable}, which is unset, and npm 7+ sends the text unchanged.${unreadText}`;
      break;
    case 'empty':
      id = 'token-empty';
      message = `the credential for ${target} is empty: "${credential.key}" at ${where}${credential.variable ? ` refers to ${credential.variable}, which is set but empty` : ' has no value'}.${unreadText}`;
      break;
    case 'other-host': {
      id = 'token-missing';
      const hosts = credential.otherHosts.map((entry) => `"${entry.key}" at ${describeOrigin(cwd, entry.origin)}`).join(', ');
      message = `no credential is configured for ${target}, the registry this package goes to; the credentials found are for other registries: ${hosts}.${unreadText}`;
      for (const entry of credential.otherHosts) evidence.push({ where: describeOrigin(cwd, entry.origin), text: `${entry.key}=…` });
      break;
    }
    default:
      id = 'token-missing';
      message = `no credential is configured for ${target}, the registry this package goes to (registry from ${describeOrigin(cwd, registry.origin)}).${unreadText}`;
  }

  const fix =
    unread.length > 0
      ? `run pubguard from "${dirname(unread[0]!.file)}" (the folder whose .npmrc holds the credential) and name the package by its path (pubguard publish ${relative(dirname(unread[0]!.file), resolution.packageDir) || '.'}), or give this step the real token in the variable its config refers to${credential.variable ? ` (${credential.variable})` : ''}`
      : credential.variable
        ? `set ${credential.variable} to the registry token for this step (in GitHub Actions: env: ${credential.variable}: \${{ secrets.<NAME> }} on the publish step)`
        : `add "${nerfDart(registry.url)}:_authToken=\${NODE_AUTH_TOKEN}" to the .npmrc npm reads from "${cwd}" and set NODE_AUTH_TOKEN for this step`;

  return { id, message, fix, evidence, alternatives: [] };
}

export interface StaticCheckInput {
  folder: string;
  manifest: Record<string, unknown>;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/**
 * Run doctor's checks that need no network (package.json fields, GitHub
 * Packages naming and token kind, npm's version for trusted publishing) and
 * return the first high-confidence error as the cause, or null. A
 * medium-confidence error does not stop a publish, because it may be wrong.
 */
export async function checkStatically(input: StaticCheckInput, resolution: PublishConfigResolution): Promise<PublishCause | null> {
  const manifestPath = join(input.folder, 'package.json');
  const manifestText = await readFile(manifestPath, 'utf8').catch(() => null);
  const context = { folder: input.folder, manifestFile: displayFile(input.cwd, manifestPath), manifestText, manifest: input.manifest };

  const findings = [...checkManifest(context)];
  if (isGithubPackagesRegistry(resolution.registry.url)) findings.push(...checkGithubPackages(context, resolution, input.cwd));
  findings.push(...(await checkTrustedPublishing(context, resolution, input.env)).findings);

  const blocking = findings.find((finding) => finding.severity === 'error' && finding.confidence === 'high' && !finding.suppressed);
  if (!blocking) return null;
  return {
    id: blocking.ruleId,
    message: blocking.message,
    fix: blocking.fix,
    evidence: [{ where: `${blocking.file}:${blocking.line}`, text: evidenceLine(blocking.file === context.manifestFile ? manifestText : null, blocking.line) ?? blocking.ruleId }],
    alternatives: [],
  };
}

/** The trimmed text of a 1-based line, or null. */
function evidenceLine(text: string | null, line: number): string | null {
  const value = text?.split(/\r?\n/)[line - 1]?.trim();
  return value ? value : null;
}
