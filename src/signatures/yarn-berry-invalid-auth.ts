import type { Signature } from './types.js';

// Data only: see types.ts for how a signature matches.
export const signature: Signature = {
  id: 'yarn-berry-invalid-auth',
  title: 'Yarn 2+ was refused by the registry',
  match: { registry: 'any', httpStatus: null, npmCode: ['YN0041'], method: null, message: null },
  causes: [
    { id: 'token-invalid-or-expired', why: 'the token Yarn sent is not recognised', tellApart: 'the message says Invalid authentication, not an anonymous user' },
    { id: 'token-missing', why: 'Yarn sent no token at all', tellApart: 'the message says (as an anonymous user)' },
    { id: 'yarn-berry-ignores-npmrc', why: 'the token was written to .npmrc, which Yarn 2+ never reads', tellApart: 'the step configures .npmrc and not .yarnrc.yml' },
  ],
  fix: 'set YARN_NPM_AUTH_TOKEN to a valid token on the publish step',
  sources: ['https://yarnpkg.com/advanced/error-codes', 'https://yarnpkg.com/configuration/yarnrc#npmAuthToken'],
  checked: '2026-12',
};
