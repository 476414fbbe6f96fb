/**
 * Keeping credentials on their own origin.
 *
 * npm keys credentials by "nerf dart" (`//host:port/path/`), which ignores
 * the scheme. make-fetch-happen (under npm-registry-fetch) drops the
 * Authorization header on a redirect only when the host name changes. So a
 * redirect to another port, or from https to http, would carry the token
 * along. pubguard sends a credential only to the exact origin (scheme, host
 * and port) of the registry it is configured for, on the first request and
 * on every redirect hop.
 */
import type { Agent, ClientRequest } from 'node:http';
import { getAgent } from '@npmcli/agent';

const DEFAULT_PORTS: Record<string, string> = { 'https:': '443', 'http:': '80' };

/** Return the origin of a URL as `scheme://host:port`, with the default port made explicit. */
export function originOf(url: string | URL): string {
  const parsed = typeof url === 'string' ? new URL(url) : url;
  const port = parsed.port || DEFAULT_PORTS[parsed.protocol] || '';
  return `${parsed.protocol}//${parsed.hostname.toLowerCase()}:${port}`;
}

/** True when `url` is on exactly the origin `allowedOrigin` (from `originOf`). */
export function isSameOrigin(url: string | URL, allowedOrigin: string): boolean {
  try {
    return originOf(url) === allowedOrigin;
  } catch {
    return false;
  }
}

/** Keys of npm's flat options that carry a credential, e.g. `//host/:_authToken`. */
export function isCredentialKey(key: string): boolean {
  return /^\/\/.*:(_authToken|_auth|_password|username|certfile|keyfile)$/.test(key) || key === '_authToken' || key === '_auth' || key === '_password' || key === 'token' || key === 'otp';
}

/** Return a copy of npm's flat options without any credential. */
export function withoutCredentials(options: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (!isCredentialKey(key)) copy[key] = value;
  }
  return copy;
}

/** Agent options npm-registry-fetch would hand to npm's agent for these flat options. */
function agentOptions(options: Record<string, unknown>): Record<string, unknown> {
  return {
    ca: options.ca,
    strictSSL: options.strictSSL,
    proxy: options.httpsProxy ?? options.proxy,
    noProxy: options.noProxy,
    localAddress: options.localAddress,
    maxSockets: options.maxSockets,
    timeout: options.timeout,
  };
}

/**
 * Build the `agent` option for npm-registry-fetch: a function that
 * minipass-fetch calls with each hop's URL. For a hop to any origin other
 * than `allowedOrigin` it returns npm's agent wrapped so that the request
 * loses its Authorization and Cookie headers before they are written.
 */
export function credentialGuardAgent(allowedOrigin: string, options: Record<string, unknown>): (url: URL) => Agent {
  const npmAgentOptions = agentOptions(options);
  return (url: URL) => {
    const agent = getAgent(url.href, npmAgentOptions);
    if (isSameOrigin(url, allowedOrigin)) return agent;
    return stripCredentialsAgent(agent);
  };
}

/** `agent` with an addRequest that removes credential headers first; everything else is the agent's own. */
function stripCredentialsAgent(agent: Agent): Agent {
  const guarded = Object.create(agent) as Agent & { addRequest(request: ClientRequest, options: unknown): void };
  const original = (agent as unknown as { addRequest(request: ClientRequest, options: unknown): void }).addRequest;
  guarded.addRequest = (request: ClientRequest, requestOptions: unknown): void => {
    // The headers are still unsent here: node writes them on the first write or end().
    request.removeHeader('authorization');
    request.removeHeader('cookie');
    original.call(agent, request, requestOptions);
  };
  return guarded;
}
