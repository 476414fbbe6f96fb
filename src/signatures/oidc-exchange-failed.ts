import type { Signature } from './types.js';

// Data only: see types.ts for how a signature matches.
export const signature: Signature = {
  id: 'oidc-exchange-failed',
  title: 'the trusted-publishing token exchange failed',
  match: { registry: 'any', httpStatus: null, npmCode: null, method: null, message: /oidc Failed token exchange|OIDC token exchange|trusted publish/i },
  causes: [
    { id: 'oidc-not-configured', why: 'npmjs.com has no trusted publisher for exactly this repository and workflow file name', tellApart: 'the package settings on npmjs.com list another repository or workflow file' },
    { id: 'id-token-permission-missing', why: 'without id-token: write GitHub issues no OIDC token', tellApart: 'the job permissions: block has no id-token: write' },
  ],
  fix: 'register a trusted publisher on npmjs.com naming this repository and workflow file, and give the job permissions: id-token: write',
  sources: ['https://docs.npmjs.com/trusted-publishers', 'https://github.com/npm/cli/blob/latest/lib/utils/oidc.js'],
  checked: '2026-12',
};
