/**
 * Shared set-up for publish and verify tests: temporary repositories,
 * an npm environment that talks to the local Verdaccio only, and an
 * asynchronous runner for the built CLI (the fault proxy lives in the test
 * process, so a synchronous spawn would block it).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BIN } from '../helpers/cli.js';

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Run the built `pubguard` without blocking the event loop. */
export function runCliAsync(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CliRun> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], timeout: options.timeoutMs ?? 120_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('close', (status) => resolvePromise({ status, stdout, stderr }));
  });
}

/**
 * An environment in which npm reads only the given user config and talks
 * to `registry` only: its own HOME, cache and logs folder, no audit, fund or
 * update check, and no fetch retries of its own (so fault tests stay fast
 * and count uploads exactly).
 */
export function isolatedEnv(registry: string, userconfigText: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(tmpdir(), 'pubguard-home-'));
  const userconfig = join(home, '.npmrc');
  writeFileSync(userconfig, userconfigText);
  return {
    PATH: process.env.PATH,
    HOME: home,
    TMPDIR: process.env.TMPDIR,
    NO_COLOR: '1',
    npm_config_userconfig: userconfig,
    npm_config_cache: join(home, '.npm-cache'),
    npm_config_logs_dir: join(home, '.npm-logs'),
    npm_config_registry: registry,
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    npm_config_fetch_retries: '0',
    // Anything not aimed at 127.0.0.1 goes to a closed local port, so no test can reach a real registry.
    HTTPS_PROXY: 'http://127.0.0.1:9',
    HTTP_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: '127.0.0.1,localhost',
    ...extra,
  };
}

export interface PackageFiles {
  [path: string]: string | Record<string, unknown>;
}

/** Write a temporary folder tree; objects are written as JSON. */
export function writeTree(files: PackageFiles, root = mkdtempSync(join(tmpdir(), 'pubguard-repo-'))): string {
  for (const [path, content] of Object.entries(files)) {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return root;
}

let counter = 0;
/** A package name no other test in the run uses (Verdaccio is shared per file). */
export function uniqueName(prefix: string): string {
  counter++;
  return `${prefix}-${process.pid.toString(36)}-${counter}`;
}

/** Every file below `folder`, for scanning logs for a token. */
export function readAllFiles(folder: string): Array<{ file: string; text: string; mode: number }> {
  const found: Array<{ file: string; text: string; mode: number }> = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) found.push(...readAllFiles(path));
    else found.push({ file: path, text: readFileSync(path, 'utf8'), mode: statSync(path).mode & 0o777 });
  }
  return found;
}

/** The registry's versions of a package, read directly (404 gives none). */
export async function registryVersions(registry: string, name: string, token?: string): Promise<string[]> {
  const response = await fetch(`${registry}${name.replace('/', '%2f')}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: AbortSignal.timeout(10_000),
  });
  if (response.status === 404) return [];
  const body = (await response.json()) as { versions?: Record<string, unknown> };
  return Object.keys(body.versions ?? {});
}
