import type { Signature } from './types.js';

// Data only: see types.ts for how a signature matches.
export const signature: Signature = {
  id: 'gpr-403-installation-not-allowed',
  title: 'GITHUB_TOKEN may not write this organisation package',
  match: { registry: 'any', httpStatus: [403], npmCode: null, method: null, message: /installation not allowed to (Write|Create) organization package/i },
  causes: [
    { id: 'package-permission-denied', why: 'the organisation package is not linked to this repository or does not grant it write access', tellApart: 'the package already exists and was first published from another repository' },
    { id: 'workflow-permission-missing', why: 'the job lacks permissions: packages: write, or the run comes from a fork, whose GITHUB_TOKEN is read-only', tellApart: 'the run was triggered by a pull request from a fork, or permissions: has no packages: write' },
  ],
  fix: "grant this repository the Write role in the package's Manage Actions access settings, and set permissions: packages: write",
  sources: ['https://docs.github.com/en/packages/learn-github-packages/about-permissions-for-github-packages'],
  checked: '2026-12',
};
