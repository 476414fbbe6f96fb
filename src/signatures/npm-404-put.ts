import type { Signature } from './types.js';

// Data only: see types.ts for how a signature matches.
export const signature: Signature = {
  id: 'npm-404-put',
  title: 'the registry answered 404 to the publish',
  match: { registry: 'any', httpStatus: [404], npmCode: null, method: ['PUT'], message: null },
  causes: [
    { id: 'token-missing', why: 'npmjs.org answers 404 (not 401) when a publish carries no usable credential', tellApart: 'no token reaches the step and no trusted publisher is set up' },
    { id: 'package-permission-denied', why: 'the credential may not create or write this name, for example a scope that belongs to another user or organisation', tellApart: 'the package is scoped and the scope is not the account or one of its organisations' },
    { id: 'token-invalid-or-expired', why: 'an expired or revoked token counts as no credential', tellApart: 'the workflow worked for months and then started failing' },
    { id: 'oidc-not-configured', why: 'trusted publishing was meant but no trusted publisher matches, so npm sent no credential', tellApart: 'the job has id-token: write and passes no token' },
    { id: 'npm-too-old-for-oidc', why: 'npm before 11.5.1 never tries the OIDC exchange', tellApart: 'the runner uses Node 20 or 22 with its bundled npm 10' },
    { id: 'scope-not-found', why: 'the scope in the name does not exist on npmjs.org', tellApart: 'npm org ls on the scope fails' },
  ],
  fix: 'make sure the publish step gets a credential for the registry (NODE_AUTH_TOKEN with setup-node registry-url, or trusted publishing with npm 11.5.1+), and that the account may publish the name and scope',
  sources: ['https://github.com/npm/cli/blob/latest/lib/utils/error-message.js', 'https://docs.npmjs.com/trusted-publishers'],
  checked: '2026-12',
};
