import type { Signature } from './types.js';

// Data only: see types.ts for how a signature matches.
export const signature: Signature = {
  id: 'network-failure',
  title: 'the connection to the registry failed',
  match: { registry: 'any', httpStatus: null, npmCode: ['ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'ECONNREFUSED', 'ERR_SOCKET_TIMEOUT', 'EAI_FAIL'], method: null, message: null },
  causes: [
    { id: 'network', why: 'the request was cut off, timed out or the host name did not resolve', tellApart: 'the same publish works when re-run; the error names a network code' },
  ],
  fix: 're-run the job; if it keeps failing, check proxy settings and the registry URL',
  sources: ['https://github.com/npm/cli/blob/latest/lib/utils/error-message.js'],
  checked: '2026-12',
};
