import type { Signature } from './types.js';

// Data only: see types.ts for how a signature matches.
export const signature: Signature = {
  id: 'npm-401-invalid-token',
  title: 'the registry rejected the credential (401)',
  match: { registry: 'any', httpStatus: [401], npmCode: null, method: null, message: /Unable to authenticate, your authentication token seems to be invalid|Access token expired or revoked|Incorrect or missing password/i },
  causes: [
    { id: 'token-invalid-or-expired', why: 'npmjs.org granular write tokens live at most 90 days and classic tokens were revoked in late 2025', tellApart: 'the workflow worked before and the token is older than its expiry' },
    { id: 'token-placeholder', why: "setup-node's placeholder was sent instead of a token", tellApart: 'the step env shows NODE_AUTH_TOKEN: XXXXX-XXXXX-XXXXX-XXXXX' },
    { id: 'token-unexpanded-variable', why: 'the literal ${VAR} text was sent', tellApart: 'the variable is missing from the step env' },
  ],
  fix: 'create a new granular access token with read and write access to the package (bypass 2FA for CI), store it as the secret, or move to trusted publishing',
  sources: ['https://github.com/npm/cli/blob/latest/lib/utils/error-message.js', 'https://docs.npmjs.com/about-access-tokens'],
  checked: '2026-12',
};
