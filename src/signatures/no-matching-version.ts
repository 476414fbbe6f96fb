import type { Signature } from './types.js';

// Data only: see types.ts for how a signature matches.
export const signature: Signature = {
  id: 'no-matching-version',
  title: 'no published version matches',
  match: { registry: 'any', httpStatus: null, npmCode: ['ETARGET', 'ERR_PNPM_NO_MATCHING_VERSION'], method: null, message: null },
  causes: [
    { id: 'version-not-published', why: 'the version asked for is not in the registry', tellApart: 'an earlier publish of that version failed' },
  ],
  fix: 'fix the failed publish first; this failure follows from it',
  sources: ['https://github.com/npm/cli/blob/latest/lib/utils/error-message.js'],
  checked: '2026-12',
};
