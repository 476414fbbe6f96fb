import type { Signature } from './types.js';

// Data only: see types.ts for how a signature matches.
export const signature: Signature = {
  id: 'npm-402-payment-required',
  title: 'a scoped package was published as private',
  match: { registry: 'any', httpStatus: [402], npmCode: null, method: null, message: null },
  causes: [
    { id: 'private-package-needs-access', why: 'scoped packages are private by default and private packages need a paid plan', tellApart: 'the package name starts with @scope/ and no --access public was given' },
  ],
  fix: 'publish with --access public, or set "publishConfig": { "access": "public" } in package.json',
  sources: ['https://docs.npmjs.com/creating-and-publishing-scoped-public-packages'],
  checked: '2026-12',
};
