/**
 * The registry client: npm's own HTTP stack (npm-registry-fetch) with the
 * flat options npm itself would use, plus what pubguard needs on top:
 * classified errors, bounded retries, integrity checks, redaction, and
 * credentials that never leave their registry's origin.
 */
import registryFetch, { type FetchOptions, type FetchResponse } from 'npm-registry-fetch';
import ssri from 'ssri';
import { registerSecret } from '../report/redact.js';
import { classifyRegistryError, RegistryError } from './errors.js';
import { credentialGuardAgent, isCredentialKey, isSameOrigin, originOf, withoutCredentials } from './origin.js';

/** npm's flat configuration, as `@npmcli/config`'s `flat` returns it, including nerf-darted credentials. */
export type NpmFlatOptions = Record<string, unknown>;

export interface RetryPolicy {
  /** Retries after the first attempt (default 2; 0 disables retrying). */
  retries: number;
  /** Delay before the first retry, in milliseconds (default 500). */
  minDelayMs: number;
  /** Upper bound of any single delay, in milliseconds (default 4000). */
  maxDelayMs: number;
  /** Each delay is the previous one times this factor (default 2). */
  factor: number;
}

export const DEFAULT_RETRY: Readonly<RetryPolicy> = { retries: 2, minDelayMs: 500, maxDelayMs: 4_000, factor: 2 };
/** Largest delay node's timers accept (2^31 - 1 ms, about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Upper bound on retries whatever the caller requests, so no loop can run for long. */
export const MAX_RETRIES = 10;

export interface RegistryClientOptions {
  /** The registry the package goes to, e.g. `https://npm.pkg.github.com/`. Credentials are sent to this origin only. */
  registry: string;
  /** npm's flat options; credentials for `registry` are read from its nerf-darted keys. */
  npmOptions?: NpmFlatOptions;
  retry?: Partial<RetryPolicy>;
  /** Timeout of one request, in milliseconds (default: npm's `timeout`, else 30000). */
  timeoutMs?: number;
}

export type VersionPresence = 'exists' | 'missing';

export interface Packument {
  name: string;
  'dist-tags'?: Record<string, string>;
  versions: Record<string, PackumentVersion>;
  time?: Record<string, string>;
  [field: string]: unknown;
}

export interface PackumentVersion {
  name: string;
  version: string;
  dist?: { tarball?: string; integrity?: string; shasum?: string; [field: string]: unknown };
  [field: string]: unknown;
}

export interface TarballDownload {
  url: string;
  data: Buffer;
  /** The integrity the bytes were checked against (`dist.integrity`, or sha1 from `dist.shasum`). */
  integrity: string;
  /** sha512 of the downloaded bytes, as npm computes it. */
  actualIntegrity: string;
}

const CORGI_ACCEPT = 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*';
const FULL_ACCEPT = 'application/json';

/** Escape a package name for a registry path, as npm does (`@scope%2fname`). */
export function escapePackageName(name: string): string {
  // npm-package-arg's escapedName keeps a lower-case `%2f` between scope and name.
  return name.startsWith('@') ? `@${encodeURIComponent(name.slice(1)).replace(/%2F/, '%2f')}` : encodeURIComponent(name);
}

export class RegistryClient {
  readonly registry: string;
  readonly origin: string;
  private readonly npmOptions: NpmFlatOptions;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;

  constructor(options: RegistryClientOptions) {
    this.registry = options.registry.endsWith('/') ? options.registry : `${options.registry}/`;
    this.origin = originOf(this.registry);
    this.npmOptions = options.npmOptions ?? {};
    for (const [key, value] of Object.entries(this.npmOptions)) {
      if (isCredentialKey(key) && typeof value === 'string') registerSecret(value);
    }
    const retry = { ...DEFAULT_RETRY, ...options.retry };
    this.retry = { ...retry, retries: Math.max(0, Math.min(MAX_RETRIES, Math.floor(retry.retries))) };
    const npmTimeout = typeof this.npmOptions.timeout === 'number' ? this.npmOptions.timeout : undefined;
    // Node's timers fire at once for delays above 2^31 - 1 ms, so longer timeouts are capped there.
    this.timeoutMs = Math.min(options.timeoutMs ?? npmTimeout ?? 30_000, MAX_TIMER_MS);
  }

  /**
   * Check that the registry responds at all (`GET /-/ping`, as `npm ping`
   * does) and return the HTTP status and the round trip in milliseconds.
   * Any HTTP status below 500 counts as reachable, because some registries
   * do not implement the ping endpoint. Throws a RegistryError for network
   * errors, timeouts and 5xx after retries.
   */
  async ping(): Promise<{ status: number; ms: number }> {
    const url = `${this.registry}-/ping`;
    const started = performance.now();
    try {
      const response = await this.request('GET', url);
      await response.text().catch(() => '');
      return { status: response.status, ms: Math.round(performance.now() - started) };
    } catch (error) {
      if (error instanceof RegistryError && error.status !== undefined && error.status < 500) {
        return { status: error.status, ms: Math.round(performance.now() - started) };
      }
      throw error;
    }
  }

  /** Return the user name the registry associates with the credential, or null when it names none. */
  async whoami(): Promise<string | null> {
    const url = `${this.registry}-/whoami`;
    const response = await this.request('GET', url);
    this.assertSameOrigin(response, 'GET', url);
    const body = await this.readJson(response, 'GET', url);
    const username = (body as { username?: unknown }).username;
    // NOTE: Verdaccio 6 returns 200 with `{}` for an anonymous or unrecognised
    // token, where npmjs.org returns 401. Both mean the request carried no recognised user.
    return typeof username === 'string' && username !== '' ? username : null;
  }

  /**
   * Fetch a package document. `corgi` requests npm's abbreviated install
   * form (versions, dist and dependencies only). Throws a RegistryError for
   * every failure, including 404 (kind `not-found`).
   */
  async packument(name: string, options: { corgi?: boolean } = {}): Promise<Packument> {
    const url = `${this.registry}${escapePackageName(name)}`;
    const response = await this.request('GET', url, { accept: options.corgi ? CORGI_ACCEPT : FULL_ACCEPT });
    const body = await this.readJson(response, 'GET', url);
    if (!body || typeof body !== 'object' || typeof (body as Packument).versions !== 'object') {
      throw new RegistryError({ kind: 'invalid-response', method: 'GET', url, attempts: 1, registryMessage: 'the package document has no versions object' });
    }
    return body as Packument;
  }

  /**
   * Tell whether `name@version` is in the registry. Only a 404 for the
   * package, or a package document without that version, is `missing`.
   * Every other failure (401, 403, 5xx after retries, network) throws a
   * RegistryError, because a failed lookup proves nothing.
   */
  async versionExists(name: string, version: string): Promise<VersionPresence> {
    let packument: Packument;
    try {
      packument = await this.packument(name, { corgi: true });
    } catch (error) {
      if (error instanceof RegistryError && error.kind === 'not-found') {
        // A 404 from another origin, reached without the credential, proves nothing.
        if (!isSameOrigin(error.url, this.origin)) {
          throw new RegistryError({ kind: 'redirected', method: 'GET', url: error.url, from: `${this.registry}${escapePackageName(name)}`, status: 404, attempts: error.attempts });
        }
        return 'missing';
      }
      throw error;
    }
    // NOTE: GitHub Packages may respond differently for a package that does
    // not exist yet. No primary source documents it, so only 404 counts here.
    return Object.hasOwn(packument.versions, version) ? 'exists' : 'missing';
  }

  /**
   * Download `name@version`'s tarball with this client's credential and
   * check its bytes against `dist.integrity` (or `dist.shasum`). Throws a
   * RegistryError of kind `integrity-mismatch` when they differ.
   */
  async tarball(name: string, version: string): Promise<TarballDownload> {
    const packument = await this.packument(name, { corgi: true });
    const manifest = packument.versions[version];
    const packageUrl = `${this.registry}${escapePackageName(name)}`;
    if (!manifest) {
      throw new RegistryError({ kind: 'not-found', method: 'GET', url: packageUrl, status: 404, attempts: 1, registryMessage: `version "${version}" is not in the package document` });
    }
    const dist = manifest.dist ?? {};
    const expected = dist.integrity ?? (dist.shasum ? ssri.fromHex(dist.shasum, 'sha1').toString() : undefined);
    if (!dist.tarball || !expected) {
      throw new RegistryError({ kind: 'invalid-response', method: 'GET', url: packageUrl, attempts: 1, registryMessage: `version "${version}" has no dist.tarball or no integrity` });
    }
    return this.downloadTarball(dist.tarball, expected);
  }

  /** Download a tarball URL and check it against `integrity`; credentials go along only on this registry's origin. */
  async downloadTarball(url: string, integrity: string): Promise<TarballDownload> {
    const response = await this.request('GET', url, { accept: '*/*' });
    let data: Buffer;
    try {
      data = await response.buffer();
    } catch (error) {
      throw classifyRegistryError(error, { method: 'GET', url }, 1);
    }
    const actualIntegrity = ssri.fromData(data, { algorithms: ['sha512'] }).toString();
    if (!ssri.checkData(data, integrity)) {
      throw new RegistryError({
        kind: 'integrity-mismatch',
        method: 'GET',
        url,
        code: 'EINTEGRITY',
        attempts: 1,
        registryMessage: `expected ${integrity}, got ${actualIntegrity}`,
      });
    }
    return { url, data, integrity, actualIntegrity };
  }

  /**
   * Send one request through npm-registry-fetch with bounded retries for
   * 5xx, 429, network errors and timeouts. Resolves only with a 2xx or 3xx
   * response; throws a classified RegistryError otherwise.
   */
  async request(method: string, url: string, options: { accept?: string; body?: unknown } = {}): Promise<FetchResponse> {
    const fetchOptions: FetchOptions = {
      ...(isSameOrigin(url, this.origin) ? this.npmOptions : withoutCredentials(this.npmOptions)),
      registry: this.registry,
      method,
      headers: options.accept ? { accept: options.accept } : {},
      body: options.body,
      timeout: this.timeoutMs,
      // Retries happen here, where they are counted and bounded, not inside make-fetch-happen.
      retry: { retries: 0 },
      agent: credentialGuardAgent(this.origin, this.npmOptions),
      // No cache: a version check must see the registry, not a local copy.
      cache: undefined,
      preferOnline: true,
    };

    let delay = this.retry.minDelayMs;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await registryFetch(url, fetchOptions);
      } catch (error) {
        const classified = classifyRegistryError(error, { method, url }, attempt);
        if (!classified.retryable || attempt > this.retry.retries) throw classified;
      }
      await sleep(delay);
      delay = Math.min(this.retry.maxDelayMs, delay * this.retry.factor);
    }
  }

  /** Throw a `redirected` error when a redirect took the request away from the registry's origin. */
  private assertSameOrigin(response: FetchResponse, method: string, url: string): void {
    const finalUrl = typeof response.url === 'string' && response.url !== '' ? response.url : url;
    if (isSameOrigin(finalUrl, this.origin)) return;
    throw new RegistryError({ kind: 'redirected', method, url: finalUrl, from: url, status: response.status, attempts: 1 });
  }

  private async readJson(response: FetchResponse, method: string, url: string): Promise<unknown> {
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw classifyRegistryError(error, { method, url }, 1);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new RegistryError({ kind: 'invalid-response', method, url, status: response.status, attempts: 1, registryMessage: 'the response is not JSON' });
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
