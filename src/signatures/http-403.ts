import type { Signature } from './types.js';

// Data only: see types.ts for how a signature matches.
export const signature: Signature = {
  id: 'http-403',
  title: 'the registry refused the request (403)',
  match: { registry: 'any', httpStatus: [403], npmCode: null, method: null, message: null },
  causes: [
    { id: 'package-permission-denied', why: 'the identity is known but may not write this package', tellApart: 'the message after the URL says what was refused' },
    { id: 'token-missing-scope', why: 'the token lacks a scope or permission the request needs', tellApart: 'the message names scopes or permissions' },
    { id: 'token-wrong-type', why: 'the kind of token cannot publish', tellApart: 'a read-only token' },
  ],
  fix: 'read the message after the URL: it names what the registry refused',
  sources: ['https://github.com/npm/cli/blob/latest/lib/utils/error-message.js'],
  checked: '2026-12',
};
