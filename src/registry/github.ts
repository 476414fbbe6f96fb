/**
 * A classic GitHub token's OAuth scopes, read from the `X-OAuth-Scopes`
 * header that the GitHub REST API returns on any authenticated request
 * (https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/scopes-for-oauth-apps).
 * Fine-grained personal access tokens and the Actions `GITHUB_TOKEN` carry
 * no OAuth scopes, so the header is then absent.
 *
 * This sends the token to the GitHub API, which is a different origin from
 * the npm registry, so callers must call it only on the user's explicit
 * request (`pubguard doctor --github-scopes`).
 */
import { redact, registerSecret } from '../report/redact.js';
import { RegistryError, classifyRegistryError } from './errors.js';

export const DEFAULT_GITHUB_API_URL = 'https://api.github.com';

export interface GithubTokenScopes {
  /** The API URL asked, from `GITHUB_API_URL` or the default. */
  apiUrl: string;
  status: number;
  /** Scopes from `X-OAuth-Scopes`, or null when the header was absent (not a classic token or OAuth token). */
  scopes: string[] | null;
  /** True when the scopes include `write:packages`. */
  canWritePackages: boolean;
}

export interface GithubScopesOptions {
  token: string;
  /** Must be true: the caller confirms that the user asked for the token to go to the GitHub API. */
  optIn: boolean;
  /** Defaults to `env.GITHUB_API_URL`, else https://api.github.com. */
  apiUrl?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** Ask the GitHub API which OAuth scopes `token` has. Throws a RegistryError on 401 or any failure. */
export async function fetchGithubTokenScopes(options: GithubScopesOptions): Promise<GithubTokenScopes> {
  if (!options.optIn) throw new Error('fetchGithubTokenScopes needs an explicit opt-in: it sends the token to the GitHub API');
  registerSecret(options.token);
  const apiUrl = (options.apiUrl ?? options.env?.GITHUB_API_URL ?? DEFAULT_GITHUB_API_URL).replace(/\/+$/, '');
  // /rate_limit is a cheap authenticated endpoint that every token may call.
  const url = `${apiUrl}/rate_limit`;

  let response: Response;
  try {
    response = await fetch(url, {
      method: 'GET',
      headers: { authorization: `token ${options.token}`, accept: 'application/vnd.github+json', 'user-agent': 'pubguard' },
      // Never follow a redirect with the token: a redirect is reported, not obeyed.
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    throw classifyRegistryError(cause?.code ? cause : error, { method: 'GET', url }, 1);
  }
  await response.arrayBuffer().catch(() => undefined);

  if (response.status >= 300) {
    throw classifyRegistryError(
      { statusCode: response.status, uri: url, body: { error: redact(`GitHub API answered ${response.status} ${response.statusText}`) } },
      { method: 'GET', url },
      1,
    );
  }
  const header = response.headers.get('x-oauth-scopes');
  const scopes = header === null ? null : header.split(',').map((scope) => scope.trim()).filter((scope) => scope !== '');
  return { apiUrl, status: response.status, scopes, canWritePackages: scopes?.includes('write:packages') ?? false };
}

export { RegistryError };
