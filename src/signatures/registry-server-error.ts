import type { Signature } from './types.js';

// Data only: see types.ts for how a signature matches.
export const signature: Signature = {
  id: 'registry-server-error',
  title: 'the registry answered with a server error',
  match: { registry: 'any', httpStatus: [500, 502, 503, 504], npmCode: null, method: null, message: null },
  causes: [
    { id: 'registry-unavailable', why: 'the registry had an outage or overload', tellApart: 'the status page of the registry shows an incident; a re-run works' },
  ],
  fix: 're-run the job later; pubguard publish skips versions that did reach the registry',
  sources: ['https://www.githubstatus.com/', 'https://status.npmjs.org/'],
  checked: '2026-12',
};
