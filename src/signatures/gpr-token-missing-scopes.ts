import type { Signature } from './types.js';

// Data only: see types.ts for how a signature matches.
export const signature: Signature = {
  id: 'gpr-token-missing-scopes',
  title: 'the token is recognised but lacks the scopes GitHub Packages needs',
  match: { registry: 'any', httpStatus: [401, 403], npmCode: null, method: null, message: /does not match expected scopes|has not been granted the required scopes|requires one of the following scopes/i },
  causes: [
    { id: 'token-missing-scope', why: 'a classic personal access token needs write:packages (and read:packages) to publish', tellApart: 'the message names the scopes the token has and the ones it needs' },
    { id: 'token-wrong-type', why: 'a token of another kind (fine-grained, OAuth app) cannot carry package scopes for this registry', tellApart: 'the secret is a github_pat_ or gho_ token' },
  ],
  fix: 'add write:packages (which includes read:packages) to the classic personal access token, or use GITHUB_TOKEN with permissions: packages: write',
  sources: ['https://docs.github.com/en/packages/working-with-a-github-packages-registry/working-with-the-npm-registry', 'https://docs.github.com/en/packages/learn-github-packages/about-permissions-for-github-packages'],
  checked: '2026-12',
};
