import type { Signature } from './types.js';

// Data only: see types.ts for how a signature matches.
export const signature: Signature = {
  id: 'npm-403-name-too-similar',
  title: 'npmjs.org rejects the package name as too similar to an existing one',
  match: { registry: 'any', httpStatus: [403], npmCode: null, method: null, message: /Package name too similar to existing packages?/i },
  causes: [
    { id: 'package-name-rejected', why: 'npmjs.org refuses a new unscoped name that matches an existing package once punctuation is removed, or that is close to a popular one', tellApart: 'the message names the existing package and suggests a scoped name' },
  ],
  fix: 'publish under a scope you own (@your-scope/name with --access public), or choose another unscoped name',
  sources: ['https://docs.npmjs.com/package-name-guidelines', 'https://docs.npmjs.com/creating-and-publishing-scoped-public-packages'],
  checked: '2026-12',
};
