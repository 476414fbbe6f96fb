/**
 * Classified registry failures. Every failed request becomes one
 * RegistryError with a kind that callers switch on, so that no caller ever
 * has to read an HTTP status or an error code, and none can mistake a
 * failed lookup for "not published".
 */
import { redact } from '../report/redact.js';

export type RegistryErrorKind =
  /** 401: no credential, or one the registry does not recognise. */
  | 'unauthorized'
  /** 403: the credential is recognised but may not do this. */
  | 'forbidden'
  /** 404 where a 404 means a failure, e.g. for a tarball or `whoami`. */
  | 'not-found'
  /** The registry requires a one-time password (npm's EOTP). */
  | 'otp-required'
  /** 5xx, or 429 Too Many Requests. */
  | 'server-error'
  /** Any other HTTP status of 400 or more. */
  | 'http-error'
  /** Connection refused, reset, DNS failure, TLS failure. */
  | 'network'
  /** No response, or no complete body, within the timeout. */
  | 'timeout'
  /** Downloaded bytes do not match the expected integrity. */
  | 'integrity-mismatch'
  /** A 2xx response whose body is not what the request needs. */
  | 'invalid-response'
  /**
   * A redirect took the request to another origin, where the credential is
   * not sent, so the response (no user, 404) says nothing about the credential.
   */
  | 'redirected';

export interface RegistryErrorDetails {
  kind: RegistryErrorKind;
  method: string;
  url: string;
  status?: number;
  /** npm's or node's error code: `E401`, `EOTP`, `ECONNREFUSED`, `EINTEGRITY`, … */
  code?: string;
  /** The registry's own error text (`error` or `message` of its JSON body), redacted. */
  registryMessage?: string;
  /** Requests made, counting retries. */
  attempts: number;
  /** For `redirected`: the URL the request was sent to before the redirect. */
  from?: string;
}

/** A failed registry request. Its message and fields are already redacted. */
export class RegistryError extends Error {
  readonly kind: RegistryErrorKind;
  readonly method: string;
  readonly url: string;
  readonly status?: number;
  readonly code?: string;
  readonly registryMessage?: string;
  readonly attempts: number;
  readonly from?: string;

  constructor(details: RegistryErrorDetails, message?: string) {
    super(redact(message ?? describe(details)));
    this.name = 'RegistryError';
    this.kind = details.kind;
    this.method = details.method;
    this.url = redact(details.url);
    this.status = details.status;
    this.code = details.code;
    this.registryMessage = details.registryMessage === undefined ? undefined : redact(details.registryMessage);
    this.attempts = details.attempts;
    this.from = details.from === undefined ? undefined : redact(details.from);
  }

  /** True for failures that may pass on a retry: 5xx, 429, network errors and timeouts. */
  get retryable(): boolean {
    return this.kind === 'server-error' || this.kind === 'network' || this.kind === 'timeout';
  }

  /** Plain fields for `--format json`. */
  toJSON(): RegistryErrorDetails & { message: string } {
    return {
      kind: this.kind,
      method: this.method,
      url: this.url,
      status: this.status,
      code: this.code,
      registryMessage: this.registryMessage,
      attempts: this.attempts,
      from: this.from,
      message: this.message,
    };
  }
}

const NETWORK_TEXT: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed while sending',
  ETIMEDOUT: 'timed out',
  ESOCKETTIMEDOUT: 'timed out',
  UND_ERR_SOCKET: 'connection closed',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate not trusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed TLS certificate in chain',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed TLS certificate',
  CERT_HAS_EXPIRED: 'TLS certificate expired',
};

function describe(details: RegistryErrorDetails): string {
  const request = `${details.method} ${details.url}`;
  const tries = details.attempts > 1 ? ` (after ${details.attempts} attempts)` : '';
  const said = details.registryMessage ? `: "${details.registryMessage}"` : '';
  switch (details.kind) {
    case 'network':
    case 'timeout': {
      const text = details.code ? (NETWORK_TEXT[details.code] ?? details.code) : details.kind;
      return `${request} failed: ${text}${details.code && NETWORK_TEXT[details.code] ? ` (${details.code})` : ''}${tries}`;
    }
    case 'integrity-mismatch':
      return `${request}: downloaded bytes do not match the expected integrity${said}`;
    case 'invalid-response':
      return `${request}: unexpected response${said}`;
    case 'redirected':
      return `${details.method} ${details.from ?? details.url} was redirected to another origin, "${details.url}", where the credential is not sent, so its answer${details.status ? ` (HTTP ${details.status})` : ''} does not speak for the credential`;
    case 'otp-required':
      return `${request} failed with HTTP ${details.status ?? 401}: the registry requires a one-time password (EOTP)${said}`;
    default:
      return `${request} failed with HTTP ${details.status ?? '?'}${said}${tries}`;
  }
}

function kindForStatus(status: number): RegistryErrorKind {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 429 || status >= 500) return 'server-error';
  return 'http-error';
}

/** Pull the registry's own message out of an npm-registry-fetch error body. */
function registryMessageOf(body: unknown): string | undefined {
  if (body && typeof body === 'object' && !Buffer.isBuffer(body)) {
    const record = body as Record<string, unknown>;
    for (const key of ['error', 'message', 'reason']) {
      const value = record[key];
      if (typeof value === 'string' && value.trim() !== '') return value.trim();
    }
    return undefined;
  }
  let text = '';
  if (Buffer.isBuffer(body)) text = body.toString('utf8');
  else if (typeof body === 'string') text = body;
  const trimmed = text.trim();
  // An HTML error page gives nothing useful in one line.
  if (trimmed === '' || trimmed.startsWith('<')) return undefined;
  return trimmed.length > 300 ? `${trimmed.slice(0, 300)}…` : trimmed;
}

/**
 * Turn anything npm-registry-fetch, make-fetch-happen or node threw into a
 * RegistryError. `request` is the request as the client made it. The
 * error's own URI wins when it has one, because after a redirect it names
 * the hop that failed.
 */
export function classifyRegistryError(error: unknown, request: { method: string; url: string }, attempts: number): RegistryError {
  if (error instanceof RegistryError) return error;
  const record = (error && typeof error === 'object' ? error : {}) as Record<string, unknown>;
  const status = typeof record.statusCode === 'number' ? record.statusCode : undefined;
  const code = typeof record.code === 'string' ? record.code : undefined;
  const url = typeof record.uri === 'string' && record.uri !== '' ? record.uri : request.url;
  const base = { method: request.method, url, attempts };

  if (status !== undefined) {
    const registryMessage = registryMessageOf(record.body);
    if (code === 'EOTP') return new RegistryError({ ...base, kind: 'otp-required', status, code, registryMessage });
    return new RegistryError({ ...base, kind: kindForStatus(status), status, code: code ?? `E${status}`, registryMessage });
  }

  if (code === 'EINTEGRITY') {
    return new RegistryError({ ...base, kind: 'integrity-mismatch', code, registryMessage: errorText(error) });
  }
  const type = typeof record.type === 'string' ? record.type : undefined;
  if (type === 'request-timeout' || type === 'body-timeout' || code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT' || record.name === 'TimeoutError') {
    return new RegistryError({ ...base, kind: 'timeout', code: code === 'FETCH_ERROR' || code === undefined ? 'ETIMEDOUT' : code });
  }
  if (code && code !== 'FETCH_ERROR') return new RegistryError({ ...base, kind: 'network', code });

  // A FetchError without a system code: keep its text, which names the cause.
  return new RegistryError({ ...base, kind: 'network', code, registryMessage: errorText(error) });
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
