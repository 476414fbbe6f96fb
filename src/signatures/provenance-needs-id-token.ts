import type { Signature } from './types.js';

// Data only: see types.ts for how a signature matches.
export const signature: Signature = {
  id: 'provenance-needs-id-token',
  title: 'provenance needs the id-token permission',
  match: { registry: 'any', httpStatus: null, npmCode: null, method: null, message: /requires "?write"? access to the "?id-token"? permission/i },
  causes: [
    { id: 'id-token-permission-missing', why: 'npm signs provenance with an OIDC token that GitHub issues only with permissions: id-token: write', tellApart: 'the job permissions: block has no id-token: write' },
  ],
  fix: 'add permissions: id-token: write to the publishing job',
  sources: ['https://docs.npmjs.com/generating-provenance-statements'],
  checked: '2026-12',
};
