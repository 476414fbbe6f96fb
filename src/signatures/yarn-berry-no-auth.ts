import type { Signature } from './types.js';

// Data only: see types.ts for how a signature matches.
export const signature: Signature = {
  id: 'yarn-berry-no-auth',
  title: 'Yarn 2+ had no credential for the registry',
  match: { registry: 'any', httpStatus: null, npmCode: ['YN0033'], method: null, message: null },
  causes: [
    { id: 'yarn-berry-ignores-npmrc', why: 'Yarn 2+ never reads .npmrc, so the token setup-node wrote there is unused', tellApart: 'the workflow uses setup-node registry-url and yarn npm publish' },
    { id: 'token-missing', why: 'neither .yarnrc.yml npmAuthToken nor YARN_NPM_AUTH_TOKEN is set', tellApart: 'the step env has no YARN_NPM_AUTH_TOKEN' },
  ],
  fix: 'set YARN_NPM_AUTH_TOKEN on the publish step, or npmAuthToken: ${NPM_TOKEN} in .yarnrc.yml',
  sources: ['https://yarnpkg.com/configuration/yarnrc#npmAuthToken', 'https://yarnpkg.com/advanced/error-codes'],
  checked: '2026-12',
};
