import type { Signature } from './types.js';

// Data only: see types.ts for how a signature matches.
export const signature: Signature = {
  id: 'npm-invalid-auth-config',
  title: 'npm rejected a credential without a registry prefix',
  match: { registry: 'any', httpStatus: null, npmCode: ['ERR_INVALID_AUTH'], method: null, message: null },
  causes: [
    { id: 'auth-config-not-scoped', why: 'npm 9+ accepts credential keys only with a registry prefix, such as //registry.npmjs.org/: in front of _authToken', tellApart: 'the .npmrc has a bare _authToken=, _auth= or _password= line' },
  ],
  fix: 'put the registry in front of the credential key: //registry.npmjs.org/:_authToken instead of _authToken',
  sources: ['https://docs.npmjs.com/cli/v11/configuring-npm/npmrc'],
  checked: '2026-12',
};
