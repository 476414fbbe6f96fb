import type { Signature } from './types.js';

// Data only: see types.ts for how a signature matches.
export const signature: Signature = {
  id: 'npm-otp-required',
  title: 'the registry wants a one-time password',
  match: { registry: 'any', httpStatus: null, npmCode: null, method: null, message: /\bEOTP\b|one-time pass|two-factor authentication|2FA/i },
  causes: [
    { id: 'token-needs-otp', why: 'write-enabled granular tokens enforce two-factor authentication unless created with bypass 2FA, and packages can require 2FA for every publish', tellApart: 'the token was created without bypass 2FA, or the package settings require 2FA for publishing' },
    { id: 'token-wrong-type', why: 'a token made for interactive use cannot answer an OTP challenge in CI', tellApart: 'the token came from npm login on a laptop' },
  ],
  fix: 'publish with trusted publishing (OIDC), or create a granular token with bypass 2FA and allow tokens in the package publishing settings',
  sources: ['https://github.com/npm/cli/blob/latest/lib/utils/error-message.js', 'https://docs.npmjs.com/requiring-2fa-for-package-publishing-and-settings-modification'],
  checked: '2026-12',
};
