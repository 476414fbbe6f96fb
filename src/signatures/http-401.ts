import type { Signature } from './types.js';

// Data only: see types.ts for how a signature matches.
export const signature: Signature = {
  id: 'http-401',
  title: 'the registry rejected the credential (401)',
  match: { registry: 'any', httpStatus: [401], npmCode: null, method: null, message: null },
  causes: [
    { id: 'token-invalid-or-expired', why: 'a credential was sent and not recognised', tellApart: 'the token worked before' },
    { id: 'token-placeholder', why: "setup-node's placeholder was sent", tellApart: 'the step env shows NODE_AUTH_TOKEN: XXXXX-XXXXX-XXXXX-XXXXX' },
    { id: 'token-unexpanded-variable', why: 'the literal ${VAR} text was sent', tellApart: 'the variable is missing from the step env' },
    { id: 'token-missing', why: 'no credential was sent', tellApart: 'no .npmrc maps the registry to a token' },
  ],
  fix: 'give the publish step a valid token for the registry',
  sources: ['https://github.com/npm/cli/blob/latest/lib/utils/error-message.js'],
  checked: '2026-12',
};
