import type { Signature } from './types.js';

// Data only: see types.ts for how a signature matches.
export const signature: Signature = {
  id: 'gpr-401-token-not-provided',
  title: 'no credential reached GitHub Packages',
  match: { registry: 'github-packages', httpStatus: [401], npmCode: null, method: null, message: /authentication token not provided/i },
  causes: [
    { id: 'token-missing', why: 'npm had no credential for npm.pkg.github.com: the publish step was not given NODE_AUTH_TOKEN, or no .npmrc maps the registry to a token', tellApart: 'the step env has NPM_CONFIG_USERCONFIG (setup-node ran) but no NODE_AUTH_TOKEN' },
    { id: 'workdir-config-differs', why: 'the .npmrc holding the token is not the one npm read in this working directory', tellApart: 'an earlier step wrote a token to an .npmrc in another folder' },
    { id: 'token-empty', why: 'the credential variable expanded to nothing', tellApart: 'the step env shows the variable with an empty value' },
  ],
  fix: 'set NODE_AUTH_TOKEN on the publish step (an env: entry NODE_AUTH_TOKEN set to ${{ secrets.GITHUB_TOKEN }}) with setup-node registry-url: https://npm.pkg.github.com',
  sources: ['https://docs.github.com/en/packages/working-with-a-github-packages-registry/working-with-the-npm-registry', 'https://github.com/actions/setup-node/blob/main/docs/advanced-usage.md'],
  checked: '2026-12',
};
