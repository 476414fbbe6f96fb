import type { Signature } from './types.js';

// Data only: see types.ts for how a signature matches.
export const signature: Signature = {
  id: 'npm-invalid-auth-config',
  title: 'npm rejected a credential without a registry prefix',
  match: { registry: 'any', httpStatus: null, npmCode: ['ERR_INVALID_AUTH'], method: null, message: null },
  causes: [
    { id: 'auth-config-not-scoped', why: 'npm 9+ accepts credentials only nerf-darted to a registry (//host/:_authToken=)', tellApart: 'the .npmrc has a bare _authToken=, _auth= or _password= line' },
  ],
  fix: 'prefix the credential with its registry, for example //registry.npmjs.org/:_authToken=${NPM_TOKEN}',
  sources: ['https://docs.npmjs.com/cli/v11/configuring-npm/npmrc'],
  checked: '2026-12',
};
