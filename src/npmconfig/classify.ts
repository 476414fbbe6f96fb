import { SETUP_NODE_PLACEHOLDER_TOKEN } from '../workflow/known-actions.js';
import type { CredentialClass, TokenShape } from './types.js';

/** Variables referenced as `${NAME}` or `${NAME?}`, the two forms npm's env-replace understands. */
const NPM_VARIABLE = /(?<!\\)\$\{([^${}?]+)\??\}/g;

/** Names of the `${VAR}` references in a configured value, in order. */
export function referencedVariables(raw: string): string[] {
  return [...raw.matchAll(NPM_VARIABLE)].map((match) => match[1]!);
}

/**
 * Tell a token's family from its prefix: `ghp_` (classic personal access
 * token), `gho_` (OAuth), `ghs_` (app installation, which GITHUB_TOKEN is),
 * `github_pat_` (fine-grained) and `npm_`. Verdaccio and OIDC exchanges
 * issue JWTs.
 */
export function tokenShape(value: string): TokenShape {
  if (value.startsWith('github_pat_')) return 'github_pat_';
  if (value.startsWith('ghp_')) return 'ghp_';
  if (value.startsWith('gho_')) return 'gho_';
  if (value.startsWith('ghs_')) return 'ghs_';
  if (value.startsWith('npm_')) return 'npm_';
  if (/^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(value)) return 'jwt';
  return 'other';
}

/**
 * Class of a value npm resolved for a credential key. npm 7+ keeps an unset
 * `${VAR}` as the literal text (`env-replace.js` in @npmcli/config 10 returns
 * the match unchanged unless the `?` modifier requests an empty string), so a
 * value still containing `${…}` after loading is what the registry receives.
 */
export function classifyValue(value: string): Exclude<CredentialClass, 'missing' | 'other-host'> {
  const trimmed = value.trim();
  if (trimmed === '') return 'empty';
  if (trimmed === SETUP_NODE_PLACEHOLDER_TOKEN) return 'placeholder';
  if (referencedVariables(trimmed).length > 0) return 'unexpanded-variable';
  return 'secret';
}
