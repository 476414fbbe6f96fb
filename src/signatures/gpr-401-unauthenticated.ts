import type { Signature } from './types.js';

// Data only: see types.ts for how a signature matches.
export const signature: Signature = {
  id: 'gpr-401-unauthenticated',
  title: 'GitHub Packages did not recognise the token that was sent',
  match: { registry: 'github-packages', httpStatus: [401], npmCode: null, method: null, message: /unauthenticated: User cannot be authenticated with the token provided/i },
  causes: [
    { id: 'token-placeholder', why: "setup-node's user .npmrc sends \${NODE_AUTH_TOKEN}, which is the placeholder XXXXX-XXXXX-XXXXX-XXXXX unless the step sets NODE_AUTH_TOKEN", tellApart: 'the step env shows NODE_AUTH_TOKEN: XXXXX-XXXXX-XXXXX-XXXXX, or no NODE_AUTH_TOKEN next to NPM_CONFIG_USERCONFIG' },
    { id: 'workdir-config-differs', why: 'the command ran in a folder with its own package.json, so npm read that folder\'s .npmrc instead of the one holding the real token', tellApart: 'another publish to the same registry worked in the same job; this step changed directory (cd, working-directory, a path argument)' },
    { id: 'token-unexpanded-variable', why: 'an .npmrc line names ${VAR} and VAR is unset, so npm 7+ sends the literal text', tellApart: 'the variable the .npmrc names is missing from the step env' },
    { id: 'token-empty', why: 'the credential variable is set to an empty value (a secret that does not exist expands to empty)', tellApart: 'the step env shows the variable with no value' },
    { id: 'token-invalid-or-expired', why: 'a real token was sent but it was revoked, expired or mistyped', tellApart: 'the same token worked before and nothing else changed; no other publish in the job worked with it' },
    { id: 'token-wrong-type', why: 'GitHub Packages does not accept fine-grained personal access tokens', tellApart: 'the secret holds a github_pat_ token' },
  ],
  fix: 'give the publish step the real token as NODE_AUTH_TOKEN (an env: entry NODE_AUTH_TOKEN set to ${{ secrets.GITHUB_TOKEN }}), or publish from the folder whose .npmrc holds it',
  sources: ['https://docs.github.com/en/packages/working-with-a-github-packages-registry/working-with-the-npm-registry', 'https://github.com/actions/setup-node/blob/main/docs/advanced-usage.md'],
  checked: '2026-12',
};
