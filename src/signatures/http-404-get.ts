import type { Signature } from './types.js';

// Data only: see types.ts for how a signature matches.
export const signature: Signature = {
  id: 'http-404-get',
  title: 'the package or version is not in the registry',
  match: { registry: 'any', httpStatus: [404], npmCode: null, method: ['GET'], message: null },
  causes: [
    { id: 'version-not-published', why: 'the package or version was never published (for example because its publish failed)', tellApart: 'an earlier publish of the same package failed in the log' },
    { id: 'token-missing', why: 'registries answer 404 for private packages the request may not read', tellApart: 'the package is private and the install step has no token' },
  ],
  fix: 'fix the failed publish first; this failure follows from it',
  sources: ['https://github.com/npm/cli/blob/latest/lib/utils/error-message.js'],
  checked: '2026-12',
};
