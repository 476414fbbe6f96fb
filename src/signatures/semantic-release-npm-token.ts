import type { Signature } from './types.js';

// Data only: see types.ts for how a signature matches.
export const signature: Signature = {
  id: 'semantic-release-npm-token',
  title: 'semantic-release found no valid npm token',
  match: { registry: 'any', httpStatus: null, npmCode: ['EINVALIDNPMTOKEN', 'ENONPMTOKEN'], method: null, message: null },
  causes: [
    { id: 'token-invalid-or-expired', why: '@semantic-release/npm checks the token with npm whoami before publishing', tellApart: 'code EINVALIDNPMTOKEN' },
    { id: 'token-missing', why: 'NPM_TOKEN is not set for the step', tellApart: 'code ENONPMTOKEN' },
  ],
  fix: 'set NPM_TOKEN on the semantic-release step to a valid granular token, or use trusted publishing with a release of @semantic-release/npm that supports it',
  sources: ['https://github.com/semantic-release/npm#npm-registry-authentication'],
  checked: '2026-12',
};
