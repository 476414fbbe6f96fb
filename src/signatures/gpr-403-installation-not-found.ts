import type { Signature } from './types.js';

// Data only: see types.ts for how a signature matches.
export const signature: Signature = {
  id: 'gpr-403-installation-not-found',
  title: 'GitHub Packages found no installation for the token',
  match: { registry: 'any', httpStatus: [403], npmCode: null, method: null, message: /The requested installation does not exist/i },
  causes: [
    { id: 'scope-owner-mismatch', why: 'GITHUB_TOKEN belongs to the repository owner; a package scope naming another owner has no installation there', tellApart: 'the package scope differs from the repository owner' },
    { id: 'scope-not-found', why: 'the scope names a user or organisation that does not exist', tellApart: 'the scope is misspelt' },
  ],
  fix: 'rename the package scope to the repository owner (lowercase), or publish with a token of the owner the scope names',
  sources: ['https://docs.github.com/en/packages/working-with-a-github-packages-registry/working-with-the-npm-registry'],
  checked: '2026-12',
};
