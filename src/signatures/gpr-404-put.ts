import type { Signature } from './types.js';

// Data only: see types.ts for how a signature matches.
export const signature: Signature = {
  id: 'gpr-404-put',
  title: 'GitHub Packages answered 404 to the publish',
  match: { registry: 'github-packages', httpStatus: [404], npmCode: null, method: ['PUT'], message: null },
  causes: [
    { id: 'scope-owner-mismatch', why: 'GitHub Packages accepts only scoped names, @OWNER/name, where OWNER is the user or organisation that owns the repository; an unscoped name or another owner\'s scope has nowhere to go', tellApart: 'the package name has no scope, or its scope is not the repository owner' },
    { id: 'package-permission-denied', why: 'the package already exists under the owner and is linked to another repository that this token may not write', tellApart: 'the package page on GitHub names another repository' },
  ],
  fix: 'name the package @OWNER/name with OWNER the repository owner in lowercase, and map that scope to https://npm.pkg.github.com in .npmrc or publishConfig',
  sources: ['https://docs.github.com/en/packages/working-with-a-github-packages-registry/working-with-the-npm-registry', 'https://github.com/JS-DevTools/npm-publish/issues/220'],
  checked: '2026-12',
};
