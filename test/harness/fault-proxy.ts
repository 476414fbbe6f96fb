/**
 * An HTTP proxy on 127.0.0.1 in front of a test registry that injects the
 * faults a real registry cannot be made to produce on demand.
 *
 * Usage:
 *
 *   const registry = await startVerdaccio();
 *   const proxy = await startFaultProxy({ target: registry.url });
 *   // point the client at proxy.url instead of registry.url; npm keys
 *   // credentials by origin, so use proxy.authKey() for the token.
 *   proxy.addFault({ method: 'GET', path: /^\/demo$/, times: 2, fault: { kind: 'status', status: 503 } });
 *   proxy.addFault({ method: 'PUT', fault: { kind: 'reset-upload', afterBytes: 512 } });
 *   proxy.addFault({ method: 'PUT', fault: { kind: 'reset-upload', deliver: true } });
 *   proxy.addFault({ method: 'GET', fault: { kind: 'delay', ms: 2000 } });
 *   proxy.addFault({ method: 'PUT', fault: { kind: 'late-visibility', ms: 3000 } });
 *   proxy.addFault({ method: 'GET', fault: { kind: 'redirect', status: 302 } });
 *   ...
 *   proxy.foreign.requests   // what the other origin received, with its Authorization header
 *   proxy.requests           // every request the proxy saw, with the fault applied
 *   await proxy.stop();      // in after(), before registry.stop()
 *
 * Faults:
 * - `status`: respond with that status (and an npm-style JSON error body)
 *   without forwarding the request.
 * - `reset-upload`: destroy the client's socket in the middle of a request
 *   body. With `deliver: false` (default) nothing reaches the registry and
 *   the socket dies after `afterBytes` bytes. With `deliver: true` the whole
 *   body is forwarded, the registry responds (the upload landed), and the
 *   client still sees a reset instead of that answer.
 * - `delay`: wait `ms` milliseconds, then forward as usual.
 * - `late-visibility`: on a successful PUT of a package document, hide each
 *   version it adds from packument, version and tarball GETs for `ms`
 *   milliseconds, as a registry behind a slow cache does.
 * - `redirect`: respond with a redirect to the same path on another origin
 *   (`proxy.foreign`, a second local server, unless `location` is given).
 *   The foreign server records each request's Authorization header and
 *   serves the registry's response without any credential, as a CDN would.
 *
 * Each fault applies to the first `times` matching requests (all of them
 * when `times` is absent) and the first matching fault wins. Both servers
 * listen on 127.0.0.1 only, bound every request in time, and buffer at most
 * MAX_BODY_BYTES of a request body.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Fault =
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
  | { kind: 'reset-upload'; afterBytes?: number; deliver?: boolean }
  | { kind: 'delay'; ms: number }
  | { kind: 'late-visibility'; ms: number }
  | { kind: 'redirect'; status?: 301 | 302 | 303 | 307 | 308; location?: string };

export interface FaultRule {
  /** HTTP method to match, e.g. `PUT`; all methods when absent. */
  method?: string;
  /** Exact path (with the query string) or a pattern; all paths when absent. Paths keep the client's encoding, e.g. `/@scope%2fname`. */
  path?: string | RegExp;
  /** Apply to this many matching requests, then stop matching. */
  times?: number;
  fault: Fault;
}

export interface ProxyRequestRecord {
  method: string;
  path: string;
  /** Whether the request carried an Authorization header (never its value). */
  hadAuthorization: boolean;
  /** Kind of the fault applied, if any. */
  fault?: Fault['kind'];
  /** Status sent to the client; undefined when the socket was destroyed. */
  status?: number;
}

export interface ForeignRequestRecord {
  method: string;
  path: string;
  /** The Authorization header exactly as received, so a test can assert that none leaked. */
  authorization?: string;
  /** Any other header that could carry a credential (`npm-auth-type`, cookies). */
  cookie?: string;
}

export interface FaultProxy {
  /** Proxy URL with a trailing slash, e.g. `http://127.0.0.1:40001/`. */
  readonly url: string;
  readonly port: number;
  /** npm's nerf-darted key for the proxy origin, e.g. `//127.0.0.1:40001/:_authToken`. */
  authKey(): string;
  addFault(rule: FaultRule): void;
  clearFaults(): void;
  /** Every request the proxy received, oldest first. */
  readonly requests: ProxyRequestRecord[];
  /** The other origin that redirects point at. */
  readonly foreign: { readonly url: string; readonly port: number; readonly requests: ForeignRequestRecord[] };
  /** Close both servers, destroy open sockets and cancel pending delays. */
  stop(): Promise<void>;
}

export interface FaultProxyOptions {
  /** Registry URL to forward to, e.g. Verdaccio's `url`; must be on 127.0.0.1. */
  target: string;
  faults?: FaultRule[];
  /** Maximum duration of a single request, in milliseconds (default 30000). */
  requestTimeoutMs?: number;
}

/** Largest request body the proxy buffers; publish bodies in tests are far smaller. */
export const MAX_BODY_BYTES = 50 * 1024 * 1024;
/** Maximum delay or hiding period of a fault, in milliseconds, so no test can hang on it. */
export const MAX_FAULT_MS = 60_000;

interface ActiveRule extends FaultRule {
  used: number;
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  if (target.hostname !== '127.0.0.1') throw new Error(`fault proxy target must be on 127.0.0.1, got "${target.host}"`);
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;

  const rules: ActiveRule[] = [];
  const requests: ProxyRequestRecord[] = [];
  const foreignRequests: ForeignRequestRecord[] = [];
  // Package name -> version -> time (ms since epoch) until which it stays hidden.
  const hidden = new Map<string, Map<string, number>>();
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, Math.min(ms, MAX_FAULT_MS));
      timers.add(timer);
    });

  const addFault = (rule: FaultRule): void => {
    const fault = rule.fault;
    if ((fault.kind === 'delay' || fault.kind === 'late-visibility') && (fault.ms < 0 || fault.ms > MAX_FAULT_MS)) {
      throw new Error(`fault ${fault.kind} takes 0 to ${MAX_FAULT_MS} ms, got ${fault.ms}`);
    }
    rules.push({ ...rule, used: 0 });
  };
  for (const rule of options.faults ?? []) addFault(rule);

  const takeFault = (method: string, path: string): Fault | undefined => {
    for (const rule of rules) {
      if (rule.times !== undefined && rule.used >= rule.times) continue;
      if (rule.method && rule.method.toUpperCase() !== method) continue;
      if (rule.path !== undefined && (typeof rule.path === 'string' ? rule.path !== path : !rule.path.test(path))) continue;
      rule.used += 1;
      return rule.fault;
    }
    return undefined;
  };

  // The foreign origin: records what it receives and serves the registry's
  // answer fetched without credentials.
  const foreign = createServer((req, res) => {
    foreignRequests.push({
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      authorization: req.headers.authorization,
      cookie: req.headers.cookie,
    });
    void readBody(req).then(
      (body) => forward(req.method ?? 'GET', req.url ?? '/', stripCredentials(req.headers), body, res),
      () => res.destroy(),
    );
  });

  const proxy = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) {
        res.statusCode = 502;
        res.end(JSON.stringify({ error: 'fault proxy could not reach the registry' }));
      } else {
        res.destroy();
      }
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const path = req.url ?? '/';
    const record: ProxyRequestRecord = { method, path, hadAuthorization: req.headers.authorization !== undefined };
    requests.push(record);
    res.on('finish', () => {
      record.status = res.statusCode;
    });
    const fault = takeFault(method, path);
    if (fault) record.fault = fault.kind;

    if (fault?.kind === 'reset-upload' && !fault.deliver) {
      await readBody(req, fault.afterBytes ?? 0).catch(() => undefined);
      req.socket.destroy();
      return;
    }

    const body = await readBody(req);

    switch (fault?.kind) {
      case 'status': {
        res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
        res.end(fault.body ?? JSON.stringify({ error: `injected ${fault.status} from the fault proxy` }));
        return;
      }
      case 'redirect': {
        const location = fault.location ?? `http://127.0.0.1:${foreignPort()}${path}`;
        res.writeHead(fault.status ?? 302, { location });
        res.end();
        return;
      }
      case 'delay':
        await sleep(fault.ms);
        break;
      case 'reset-upload': {
        // deliver: true, so the registry stores the upload but the client never learns it.
        await collect(method, path, req.headers, body);
        req.socket.destroy();
        return;
      }
      default:
        break;
    }

    if (method === 'GET' && isHiddenPath(path)) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'not found' }));
      return;
    }

    const upstream = await collect(method, path, req.headers, body);
    let payload = upstream.body;

    if (fault?.kind === 'late-visibility' && method === 'PUT' && upstream.status < 300) {
      hideAddedVersions(body, fault.ms);
    }
    if (method === 'GET' && upstream.status === 200) payload = filterPackument(path, upstream.headers, payload);

    const headers = { ...upstream.headers };
    delete headers['content-length'];
    delete headers['transfer-encoding'];
    headers['content-length'] = String(payload.length);
    res.writeHead(upstream.status, headers);
    res.end(payload);
  }

  function hideAddedVersions(body: Buffer, ms: number): void {
    let document: { name?: unknown; versions?: Record<string, unknown> };
    try {
      document = JSON.parse(body.toString('utf8')) as typeof document;
    } catch {
      return;
    }
    if (typeof document.name !== 'string' || !document.versions) return;
    const versions = hidden.get(document.name) ?? new Map<string, number>();
    for (const version of Object.keys(document.versions)) versions.set(version, Date.now() + ms);
    hidden.set(document.name, versions);
  }

  function hiddenVersions(name: string): Set<string> {
    const versions = hidden.get(name);
    const now = Date.now();
    const result = new Set<string>();
    for (const [version, until] of versions ?? []) if (until > now) result.add(version);
    return result;
  }

  // Paths of a hidden version itself: `/<name>/<version>` and its tarball.
  function isHiddenPath(path: string): boolean {
    const parsed = parsePackagePath(path);
    if (!parsed) return false;
    const versions = hiddenVersions(parsed.name);
    if (parsed.version && versions.has(parsed.version)) return true;
    if (parsed.tarball) return [...versions].some((version) => parsed.tarball === `${parsed.name.split('/').pop()}-${version}.tgz`);
    return false;
  }

  function filterPackument(path: string, headers: IncomingHttpHeaders, payload: Buffer): Buffer {
    const parsed = parsePackagePath(path);
    if (!parsed || parsed.version || parsed.tarball) return payload;
    const versions = hiddenVersions(parsed.name);
    if (versions.size === 0 || !String(headers['content-type'] ?? '').includes('json')) return payload;
    let packument: { versions?: Record<string, unknown>; time?: Record<string, unknown>; 'dist-tags'?: Record<string, string> };
    try {
      packument = JSON.parse(payload.toString('utf8')) as typeof packument;
    } catch {
      return payload;
    }
    for (const version of versions) {
      delete packument.versions?.[version];
      delete packument.time?.[version];
    }
    // A dist-tag must not point at a version the cache does not show yet.
    for (const [tag, version] of Object.entries(packument['dist-tags'] ?? {})) {
      if (versions.has(version)) delete packument['dist-tags']?.[tag];
    }
    return Buffer.from(JSON.stringify(packument));
  }

  function collect(
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
    body: Buffer,
  ): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const upstream = httpRequest(
        {
          host: '127.0.0.1',
          port: target.port,
          method,
          path,
          // The client's Host header is kept, so Verdaccio writes tarball URLs
          // that point at the proxy (or the foreign origin), as a registry
          // behind a CDN does. Identity encoding lets packuments be filtered.
          headers: { ...headers, host: headers.host ?? target.host, 'accept-encoding': 'identity', 'content-length': String(body.length) },
          timeout: requestTimeoutMs,
        },
        (response) => {
          readBody(response).then(
            (data) => resolve({ status: response.statusCode ?? 502, headers: response.headers, body: data }),
            reject,
          );
        },
      );
      upstream.on('timeout', () => upstream.destroy(new Error('registry timed out')));
      upstream.on('error', reject);
      upstream.end(body);
    });
  }

  function forward(method: string, path: string, headers: IncomingHttpHeaders, body: Buffer, res: ServerResponse): void {
    collect(method, path, headers, body).then(
      (upstream) => {
        const out = { ...upstream.headers };
        delete out['transfer-encoding'];
        out['content-length'] = String(upstream.body.length);
        res.writeHead(upstream.status, out);
        res.end(upstream.body);
      },
      () => res.destroy(),
    );
  }

  function readBody(stream: IncomingMessage, stopAfter?: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const timer = setTimeout(() => reject(new Error('request body timed out')), requestTimeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        stream.off('data', onData);
        resolve(Buffer.concat(chunks));
      };
      const onData = (chunk: Buffer): void => {
        chunks.push(chunk);
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          clearTimeout(timer);
          stream.destroy();
          reject(new Error('request body too large'));
        } else if (stopAfter !== undefined && size >= stopAfter) {
          done();
        }
      };
      stream.on('data', onData);
      stream.on('end', done);
      stream.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  for (const server of [proxy, foreign]) {
    server.requestTimeout = requestTimeoutMs;
    server.headersTimeout = Math.min(requestTimeoutMs, 10_000);
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
  }
  const proxyPort = await listen(proxy);
  const foreignPortNumber = await listen(foreign);
  const foreignPort = (): number => foreignPortNumber;

  return {
    url: `http://127.0.0.1:${proxyPort}/`,
    port: proxyPort,
    authKey: () => `//127.0.0.1:${proxyPort}/:_authToken`,
    addFault,
    clearFaults: () => {
      rules.length = 0;
      hidden.clear();
    },
    requests,
    foreign: { url: `http://127.0.0.1:${foreignPortNumber}/`, port: foreignPortNumber, requests: foreignRequests },
    stop: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const socket of sockets) socket.destroy();
      await Promise.all([close(proxy), close(foreign)]);
    },
  };
}

/** Split a registry path into package name and, when present, version or tarball file name. */
export function parsePackagePath(path: string): { name: string; version?: string; tarball?: string } | undefined {
  const pathname = path.split('?')[0] ?? '';
  if (pathname.startsWith('/-/')) return undefined;
  const parts = pathname.slice(1).split('/').map((part) => decodeURIComponent(part));
  if (parts.length === 0 || parts[0] === '') return undefined;
  // `/@scope%2fname` decodes to one part, `/@scope/name` is two.
  let name = parts.shift() as string;
  if (name.startsWith('@') && !name.includes('/')) {
    const rest = parts.shift();
    if (!rest) return undefined;
    name = `${name}/${rest}`;
  }
  if (parts.length === 0) return { name };
  if (parts[0] === '-' && parts[1]) return { name, tarball: parts[parts.length - 1] };
  if (parts.length === 1 && parts[0]) return { name, version: parts[0] };
  return { name };
}

function stripCredentials(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const copy = { ...headers };
  delete copy.authorization;
  delete copy.cookie;
  return copy;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
