import type { Signature } from './types.js';

// Data only: see types.ts for how a signature matches.
export const signature: Signature = {
  id: 'gpr-403-write-package',
  title: 'the identity may not write this GitHub package',
  match: { registry: 'any', httpStatus: [403], npmCode: null, method: null, message: /permission_denied: write_package/i },
  causes: [
    { id: 'package-permission-denied', why: 'the package exists and is not linked to this repository, or the repository has no write access to it in the package settings', tellApart: 'the token authenticates (no 401) and the job has packages: write' },
    { id: 'workflow-permission-missing', why: 'GITHUB_TOKEN has only read access to packages unless the job sets permissions: packages: write', tellApart: 'the workflow or job permissions: block has no packages: write' },
    { id: 'scope-owner-mismatch', why: 'the scope names another owner than the repository owner', tellApart: 'the package scope differs from the repository owner' },
  ],
  fix: 'link the package to this repository (package settings, Manage Actions access: add the repository with the Write role), and give the job permissions: packages: write',
  sources: ['https://docs.github.com/en/packages/learn-github-packages/about-permissions-for-github-packages', 'https://docs.github.com/en/packages/working-with-a-github-packages-registry/working-with-the-npm-registry'],
  checked: '2026-12',
};
