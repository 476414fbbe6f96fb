/**
 * `verify --install`: install one version in a new temporary project that
 * reads from the same registry with the same credential, then load its
 * entry point the way the package declares it (require or import).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { redact } from '../report/redact.js';
import type { NpmOptions } from '../publish/registry-access.js';
import type { VerifyCause, VerifyCheck } from './verify.js';

const require = createRequire(import.meta.url);
const nerfDart = require('@npmcli/config/lib/nerf-dart.js') as (url: string) => string;

// The variable that carries the credential into the temporary project's .npmrc, so the token is never written to disk.
const TOKEN_VARIABLE = 'PUBGUARD_VERIFY_AUTH_TOKEN';
const INSTALL_TIMEOUT_MS = 120_000;
const LOAD_TIMEOUT_MS = 30_000;

export interface InstallRequest {
  name: string;
  version: string;
  registry: string;
  npmOptions: NpmOptions;
  env: NodeJS.ProcessEnv;
}

export type EntryKind = 'require' | 'import' | 'none';

/**
 * Decide how a consumer loads the package: `import` when its `exports`
 * offers only an `import` condition or it is `"type": "module"` without a
 * `require` condition, `require` otherwise, and `none` when it declares no
 * entry point and has no `index.js`.
 */
export function entryKind(manifest: Record<string, unknown>, hasIndexJs: boolean): EntryKind[] {
  const exportsField = manifest.exports;
  const root = exportsField && typeof exportsField === 'object' && !Array.isArray(exportsField) && '.' in exportsField ? (exportsField as Record<string, unknown>)['.'] : exportsField;
  if (root !== undefined && root !== null) {
    if (typeof root === 'string' || Array.isArray(root)) return [manifest.type === 'module' || String(root).endsWith('.mjs') ? 'import' : 'require'];
    if (typeof root === 'object') {
      const conditions = Object.keys(root as Record<string, unknown>);
      const kinds: EntryKind[] = [];
      if (conditions.includes('require')) kinds.push('require');
      if (conditions.includes('import')) kinds.push('import');
      if (kinds.length > 0) return kinds;
      if (conditions.includes('node') || conditions.includes('default')) return [manifest.type === 'module' ? 'import' : 'require'];
      return ['none'];
    }
  }
  if (typeof manifest.main === 'string' || hasIndexJs) return [manifest.type === 'module' || String(manifest.main ?? '').endsWith('.mjs') ? 'import' : 'require'];
  return ['none'];
}

interface ProcessResult {
  code: number;
  output: string;
}

function runProcess(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<ProcessResult> {
  return new Promise((resolvePromise) => {
    let output = '';
    const child = spawn(file, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', (error) => (output += `${error.message}\n`));
    child.on('close', (code) => resolvePromise({ code: code ?? 1, output }));
  });
}

/** The error line of a failed node process (`Error: Cannot find module …`), else its last lines. */
function errorLine(text: string): string {
  const line = text.split(/\r?\n/).find((item) => /^\s*(\w*Error|Error)( \[\w+\])?:/.test(item));
  return line ? redact(line.trim()) : lastLines(text, 2);
}

function lastLines(text: string, count: number): string {
  return redact(text.trim().split(/\r?\n/).filter((line) => !/complete log of this run/.test(line)).slice(-count).join(' | '));
}

/** Install `name@version` in a temporary project and load its entry point; the project is removed afterwards. */
export async function installAndLoad(request: InstallRequest): Promise<{ check: VerifyCheck; cause: VerifyCause | null }> {
  const id = `${request.name}@${request.version}`;
  const project = mkdtempSync(join(tmpdir(), 'pubguard-verify-install-'));
  try {
    // Same registry for the name, and the same credential for that registry's origin, through an environment variable.
    const nerfed = nerfDart(request.registry);
    const token = request.npmOptions[`${nerfed}:_authToken`];
    const lines = [`registry=${request.registry}`];
    if (request.name.startsWith('@')) lines.push(`${request.name.split('/')[0]}:registry=${request.registry}`);
    if (typeof token === 'string' && token !== '') lines.push(`${nerfed}:_authToken=\${${TOKEN_VARIABLE}}`);
    writeFileSync(join(project, '.npmrc'), `${lines.join('\n')}\n`, { mode: 0o600 });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'pubguard-verify-install', version: '0.0.0', private: true }));

    const env: NodeJS.ProcessEnv = { ...request.env, [TOKEN_VARIABLE]: typeof token === 'string' ? token : '' };
    // The temporary project's own .npmrc decides the registry; a registry variable from the caller would override it.
    delete env.npm_config_registry;
    delete env.NPM_CONFIG_REGISTRY;
    const install = await runProcess('npm', ['install', id, '--no-audit', '--no-fund', '--no-package-lock', '--ignore-scripts', '--loglevel=error'], project, env, INSTALL_TIMEOUT_MS);
    if (install.code !== 0) {
      return {
        check: { name: 'install', ok: false, detail: `npm install ${id} exited with ${install.code}: ${lastLines(install.output, 4)}` },
        cause: { id: 'install-failed', message: `a new project could not install "${id}" from ${request.registry}: ${lastLines(install.output, 2)}`, fix: 'read npm\'s error above; a consumer with the same configuration would fail the same way' },
      };
    }

    const installedDir = join(project, 'node_modules', ...request.name.split('/'));
    const manifest = JSON.parse(readFileSync(join(installedDir, 'package.json'), 'utf8')) as Record<string, unknown>;
    let hasIndexJs = true;
    try {
      readFileSync(join(installedDir, 'index.js'));
    } catch {
      hasIndexJs = false;
    }
    const kinds = entryKind(manifest, hasIndexJs);
    if (kinds[0] === 'none') {
      return { check: { name: 'install', ok: true, detail: `installed; no entry point declared, so nothing was loaded` }, cause: null };
    }
    for (const kind of kinds) {
      const script = kind === 'require' ? `require(${JSON.stringify(request.name)})` : `await import(${JSON.stringify(request.name)})`;
      const args = kind === 'require' ? ['-e', script] : ['--input-type=module', '-e', script];
      const load = await runProcess(process.execPath, args, project, request.env, LOAD_TIMEOUT_MS);
      if (load.code !== 0) {
        return {
          check: { name: 'install', ok: false, detail: `installed, but ${kind} of "${request.name}" failed: ${errorLine(load.output)}` },
          cause: { id: 'entry-point-failed', message: `"${id}" installs, but loading it with ${kind === 'require' ? 'require()' : 'import()'} fails: ${errorLine(load.output)}`, fix: 'check "main"/"exports" in package.json against the files in the tarball (npm pack --dry-run lists them)' },
        };
      }
    }
    return { check: { name: 'install', ok: true, detail: `installed and loaded with ${kinds.join(' and ')}` }, cause: null };
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}
