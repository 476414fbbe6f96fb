import type { Signature } from './types.js';

// Data only: see types.ts for how a signature matches.
export const signature: Signature = {
  id: 'provenance-mismatch',
  title: 'the registry rejected the provenance statement',
  match: { registry: 'any', httpStatus: [422], npmCode: null, method: null, message: /provenance|sigstore/i },
  causes: [
    { id: 'provenance-mismatch', why: 'repository.url in package.json must match the repository the build ran in', tellApart: 'the message quotes the repository.url and the expected repository' },
  ],
  fix: 'set repository.url in package.json to the repository that runs the workflow (with directory for a monorepo package)',
  sources: ['https://docs.npmjs.com/generating-provenance-statements'],
  checked: '2026-12',
};
