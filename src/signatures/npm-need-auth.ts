import type { Signature } from './types.js';

// Data only: see types.ts for how a signature matches.
export const signature: Signature = {
  id: 'npm-need-auth',
  title: 'npm had no credential for the registry',
  match: { registry: 'any', httpStatus: null, npmCode: ['ENEEDAUTH'], method: null, message: null },
  causes: [
    { id: 'token-missing', why: 'no _authToken is configured for the registry in any .npmrc npm read', tellApart: 'setup-node got no registry-url, or the .npmrc is in another folder' },
    { id: 'npm-too-old-for-oidc', why: 'npm before 11.5.1 cannot use trusted publishing and so has no credential', tellApart: 'the job has id-token: write and no token; npm is 10.x' },
    { id: 'oidc-not-configured', why: 'the OIDC exchange did not produce a token', tellApart: 'npm 11.5.1+ and a verbose log line about oidc' },
    { id: 'workdir-config-differs', why: 'the .npmrc with the token is not read from this working directory', tellApart: 'an earlier step wrote the token to an .npmrc in another folder' },
  ],
  fix: 'configure a credential for the registry (setup-node registry-url plus NODE_AUTH_TOKEN), or upgrade npm to 11.5.1+ for trusted publishing',
  sources: ['https://github.com/npm/cli/blob/latest/lib/utils/error-message.js', 'https://docs.npmjs.com/trusted-publishers'],
  checked: '2026-12',
};
