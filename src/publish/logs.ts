/**
 * Per-package log files: the full, redacted output of each client run. The
 * folder is created with mode 0700 and each file with mode 0600, because a
 * client's output may carry registry details worth keeping private even
 * after redaction.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { redact } from '../report/redact.js';
import { InputError } from '../errors.js';

/**
 * Create `folder` and its missing parents, one level at a time.
 * NOTE: Node 20's `mkdirSync(path, { recursive: true })` never returns for a
 * path under a missing folder in /proc (seen with /proc/nope/x on Node
 * 20.20), so the walk is done here and every failure surfaces.
 */
function makeFolders(folder: string): void {
  const missing: string[] = [];
  for (let current = folder; !existsSync(current); current = dirname(current)) {
    missing.unshift(current);
    if (dirname(current) === current) break;
  }
  const existing = missing.length > 0 ? dirname(missing[0]!) : folder;
  if (!statSync(existing).isDirectory()) {
    throw Object.assign(new Error(`${existing} is not a folder`), { code: 'ENOTDIR' });
  }
  for (const path of missing) mkdirSync(path, { mode: 0o700 });
}

/**
 * Create (or reuse) the log folder and tighten it to 0700. Without a
 * folder given, a new one is made under `$RUNNER_TEMP` in GitHub Actions,
 * else under the system temporary folder.
 */
export function prepareLogDir(logDir: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string {
  if (logDir === undefined) {
    const base = env.RUNNER_TEMP && env.RUNNER_TEMP !== '' ? env.RUNNER_TEMP : tmpdir();
    return mkdtempSync(join(base, 'pubguard-logs-'));
  }
  const folder = resolve(cwd, logDir);
  try {
    makeFolders(folder);
    // mkdir's mode is masked by the umask and ignored for a folder that exists, so set it explicitly.
    chmodSync(folder, 0o700);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'EEXIST' || code === 'ENOTDIR' ? 'a file is in the way' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (code ?? (error as Error).message);
    throw new InputError(`publish: --log-dir ${JSON.stringify(logDir)} cannot be used as a folder (${reason}): give a folder that can be created or written`);
  }
  return folder;
}

/** File name for a package's log: `@scope/name` becomes `scope__name@1.2.3.log`. */
export function logFileName(name: string, version: string): string {
  return `${name.replace(/^@/, '').replace(/\//g, '__')}@${version}.log`.replace(/[^A-Za-z0-9@._+-]/g, '_');
}

/** Write a package's log, redacted, readable and writable by the owner only. */
export function writeLogFile(folder: string, name: string, version: string, text: string): string {
  const file = join(folder, logFileName(name, version));
  writeFileSync(file, redact(text), { mode: 0o600 });
  // The mode given to writeFileSync applies only when the file is created.
  chmodSync(file, 0o600);
  return file;
}
