/**
 * A real Verdaccio 6 registry for tests, on 127.0.0.1 with a random port.
 *
 * Usage (one registry per test file):
 *
 *   import { before, after, test } from 'node:test';
 *   import { startVerdaccio, type Verdaccio } from '../harness/verdaccio.js';
 *
 *   let registry: Verdaccio;
 *   before(async () => { registry = await startVerdaccio(); });
 *   after(async () => { await registry?.stop(); });
 *
 *   test('alice publishes', async () => {
 *     const token = await registry.login('alice');       // a real JWT from PUT /-/user
 *     await registry.publish({ name: 'demo', version: '1.0.0' }, token);
 *     // npm configuration for a child `npm` process or npm-registry-fetch:
 *     //   registry.url, registry.authKey(), registry.npmrc(token)
 *   });
 *
 * Users (password `<name>-password`): alice and bob. DEFAULT_PACKAGE_RULES
 * below lists who may read and publish which package names, so that real
 * 401 and 403 answers can be produced: a PUT without a token gets 401, bob
 * publishing `alice-only-x` gets 403, bob reading `private-x` gets 403 and
 * an anonymous read of it gets 401.
 *
 * Verdaccio runs in a child process (test/harness/verdaccio-child.cjs), so
 * its modules, timers and logger stay out of the test process and `stop()`
 * can always end it. There are no uplinks: nothing is ever proxied to a
 * public registry. Storage, configuration and the htpasswd file live in a
 * temporary folder that `stop()` removes.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

/** One `packages:` entry of Verdaccio's configuration. */
export interface PackageRule {
  /** Verdaccio package pattern, e.g. `@scope/*` or `locked-*`. */
  pattern: string;
  /** Who may read: `$all`, `$authenticated`, or user names separated by spaces. */
  access: string;
  /** Who may publish; a name that is no user (`nobody`) lets no one publish. */
  publish: string;
  unpublish?: string;
}

export interface VerdaccioOptions {
  /** User name to password; defaults to alice and bob with `<name>-password`. */
  users?: Record<string, string>;
  /** Replaces the default access rules (keep a `**` rule last). */
  packages?: PackageRule[];
  /** Verdaccio log level (`fatal` by default; `http` shows every request on stderr). */
  logLevel?: 'fatal' | 'error' | 'warn' | 'http' | 'info' | 'debug' | 'trace';
  /** Largest accepted request body, in Verdaccio's notation (default `20mb`). */
  maxBodySize?: string;
  /** Milliseconds to wait for Verdaccio to listen before giving up (default 30000). */
  startTimeoutMs?: number;
}

/** A minimal package to publish through `Verdaccio.publish`. */
export interface PackageSpec {
  name: string;
  version: string;
  /** Extra package.json fields. */
  manifest?: Record<string, unknown>;
  /** Extra files, path relative to the package root to content; `index.js` is added when absent. */
  files?: Record<string, string>;
  /** Dist-tag to set (default `latest`). */
  tag?: string;
}

export interface Verdaccio {
  /** Registry URL with a trailing slash, e.g. `http://127.0.0.1:41234/`. */
  readonly url: string;
  readonly port: number;
  /** Temporary folder holding config.yaml, htpasswd and storage/. */
  readonly dir: string;
  /** Passwords of the users the harness created. */
  readonly users: Readonly<Record<string, string>>;
  /** Milliseconds from spawning the child to Verdaccio listening. */
  readonly startupMs: number;
  /** Log in through `PUT /-/user/org.couchdb.user:<name>` and return the JWT Verdaccio issues. */
  login(name: string, password?: string): Promise<string>;
  /** npm's nerf-darted key for this registry, e.g. `//127.0.0.1:41234/:_authToken`. */
  authKey(): string;
  /** `.npmrc` text pointing every package at this registry, with the token when given. */
  npmrc(token?: string, scopes?: string[]): string;
  /** Publish a generated package with npm's own libnpmpublish; throws on any registry error. */
  publish(spec: PackageSpec, token: string): Promise<void>;
  /** Kill Verdaccio (SIGTERM, then SIGKILL after 5 s) and remove the temporary folder. */
  stop(): Promise<void>;
}

export const DEFAULT_USERS: Readonly<Record<string, string>> = {
  alice: 'alice-password',
  bob: 'bob-password',
};

// A group that no user belongs to: Verdaccio then lets nobody publish.
const NOBODY = 'nobody';

// Verdaccio applies the first pattern that matches a package name:
//   @alice-only/<name>, alice-only-<name>  everyone reads, only alice publishes
//   @locked/<name>, locked-<name>          everyone reads, nobody publishes
//   @private/<name>, private-<name>        only alice reads and publishes
//   any other name, scoped or not          everyone reads, any logged-in user publishes
export const DEFAULT_PACKAGE_RULES: readonly PackageRule[] = [
  { pattern: '@alice-only/*', access: '$all', publish: 'alice' },
  { pattern: '@locked/*', access: '$all', publish: NOBODY },
  { pattern: '@private/*', access: 'alice', publish: 'alice' },
  { pattern: '@*/*', access: '$all', publish: '$authenticated' },
  { pattern: 'alice-only-*', access: '$all', publish: 'alice' },
  { pattern: 'locked-*', access: '$all', publish: NOBODY },
  { pattern: 'private-*', access: 'alice', publish: 'alice' },
  { pattern: '**', access: '$all', publish: '$authenticated' },
];

const CHILD_SCRIPT = fileURLToPath(new URL('./verdaccio-child.cjs', import.meta.url));
const STOP_GRACE_MS = 5_000;
// Only the tail of the child's output is kept, for error messages when it fails to start.
const MAX_CHILD_OUTPUT = 16_384;

/** Start a Verdaccio child process; resolves once it listens. */
export async function startVerdaccio(options: VerdaccioOptions = {}): Promise<Verdaccio> {
  const users = options.users ?? DEFAULT_USERS;
  const dir = mkdtempSync(join(tmpdir(), 'pubguard-verdaccio-'));
  mkdirSync(join(dir, 'storage'));

  // htpasswd lines in the `{SHA}` form, which verdaccio-htpasswd verifies
  // without bcrypt's deliberate slowness.
  const htpasswd = Object.entries(users)
    .map(([name, password]) => `${name}:{SHA}${createHash('sha1').update(password, 'utf8').digest('base64')}:autocreated`)
    .join('\n');
  writeFileSync(join(dir, 'htpasswd'), `${htpasswd}\n`);

  const packages: Record<string, Record<string, string>> = {};
  for (const rule of options.packages ?? DEFAULT_PACKAGE_RULES) {
    packages[rule.pattern] = {
      access: rule.access,
      publish: rule.publish,
      unpublish: rule.unpublish ?? rule.publish,
    };
  }
  const config = {
    storage: './storage',
    auth: { htpasswd: { file: './htpasswd', max_users: -1 } },
    // JWT API tokens: the default legacy tokens carry the password and make
    // Verdaccio re-check its hash on every request.
    security: {
      api: { legacy: false, jwt: { sign: { expiresIn: '2h' } } },
      web: { sign: { expiresIn: '2h' } },
    },
    uplinks: {},
    packages,
    web: { enable: false },
    max_body_size: options.maxBodySize ?? '20mb',
    server: { keepAliveTimeout: 5 },
    middlewares: { audit: { enabled: false } },
    log: { type: 'stdout', format: 'json', level: options.logLevel ?? 'fatal' },
  };
  const configPath = join(dir, 'config.yaml');
  writeFileSync(configPath, stringify(config));

  const started = performance.now();
  const child = fork(CHILD_SCRIPT, [configPath], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    // tsx's loader is of no use to Verdaccio's plain JavaScript and slows its start.
    execArgv: [],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  let output = '';
  const keepOutput = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-MAX_CHILD_OUTPUT);
    if (options.logLevel && options.logLevel !== 'fatal') process.stderr.write(chunk);
  };
  child.stdout?.on('data', keepOutput);
  child.stderr?.on('data', keepOutput);

  let port: number;
  try {
    port = await waitForPort(child, options.startTimeoutMs ?? 30_000, () => output);
  } catch (error) {
    await killChild(child);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const startupMs = performance.now() - started;
  const url = `http://127.0.0.1:${port}/`;

  let stopped = false;
  const handle: Verdaccio = {
    url,
    port,
    dir,
    users,
    startupMs,
    login: (name, password) => loginUser(url, name, password ?? users[name] ?? ''),
    authKey: () => `//127.0.0.1:${port}/:_authToken`,
    npmrc: (token, scopes = []) => {
      const lines = [`registry=${url}`, ...scopes.map((scope) => `${scope}:registry=${url}`)];
      if (token !== undefined) lines.push(`//127.0.0.1:${port}/:_authToken=${token}`);
      return `${lines.join('\n')}\n`;
    },
    publish: (spec, token) => publishPackage(url, port, spec, token),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await killChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return handle;
}

function waitForPort(child: ChildProcess, timeoutMs: number, output: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`verdaccio did not start within ${timeoutMs} ms; its output:\n${output()}`));
    }, timeoutMs);
    const onMessage = (message: unknown): void => {
      const data = message as { type?: string; port?: number; message?: string };
      finish();
      if (data.type === 'listening' && typeof data.port === 'number') resolve(data.port);
      else reject(new Error(`verdaccio failed to start: ${data.message ?? 'unknown error'}\n${output()}`));
    };
    const onExit = (code: number | null, signal: string | null): void => {
      finish();
      reject(new Error(`verdaccio exited before listening (code ${code}, signal ${signal}); its output:\n${output()}`));
    };
    function finish(): void {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    }
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function loginUser(url: string, name: string, password: string): Promise<string> {
  const response = await fetch(`${url}-/user/org.couchdb.user:${encodeURIComponent(name)}`, {
    method: 'PUT',
    // Verdaccio logs in an existing user only when the request also carries
    // that user's Basic credentials; without them it tries to register one.
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${name}:${password}`).toString('base64')}`,
    },
    body: JSON.stringify({ _id: `org.couchdb.user:${name}`, name, password, type: 'user', roles: [], date: new Date().toISOString() }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await response.json().catch(() => ({}))) as { token?: string; error?: string };
  if (!response.ok || typeof body.token !== 'string') {
    throw new Error(`verdaccio login of "${name}" failed with HTTP ${response.status}: ${body.error ?? 'no token in the response'}`);
  }
  return body.token;
}

async function publishPackage(url: string, port: number, spec: PackageSpec, token: string): Promise<void> {
  // npm's own packing and publishing libraries, loaded only by tests that publish.
  const [{ packFolder }, { publish }] = await Promise.all([import('../../src/publish/pack.js'), import('libnpmpublish')]);
  const dir = mkdtempSync(join(tmpdir(), 'pubguard-package-'));
  try {
    const manifest = { name: spec.name, version: spec.version, main: 'index.js', ...spec.manifest };
    writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
    const files = { 'index.js': `module.exports = ${JSON.stringify(`${spec.name}@${spec.version}`)};\n`, ...spec.files };
    for (const [path, content] of Object.entries(files)) {
      const target = join(dir, path);
      mkdirSync(join(target, '..'), { recursive: true });
      writeFileSync(target, content);
    }
    const { tarball } = await packFolder(dir, { ignoreScripts: true });
    await publish(manifest, tarball, {
      registry: url,
      [`//127.0.0.1:${port}/:_authToken`]: token,
      defaultTag: spec.tag ?? 'latest',
      access: 'public',
      retry: { retries: 0 },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
