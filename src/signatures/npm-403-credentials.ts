import type { Signature } from './types.js';

// Data only: see types.ts for how a signature matches.
export const signature: Signature = {
  id: 'npm-403-credentials',
  title: 'the account may not publish this package',
  match: { registry: 'any', httpStatus: [403], npmCode: null, method: null, message: /You may not perform that action with these credentials|You do not have permission to publish/i },
  causes: [
    { id: 'package-permission-denied', why: 'the token is valid but its account is not a maintainer of the package, or the name belongs to someone else', tellApart: 'npm view on the package shows other maintainers, or the name is taken' },
    { id: 'token-wrong-type', why: 'a read-only token, or a granular token whose package list does not cover this package', tellApart: 'the token works for other packages of the same account' },
  ],
  fix: 'publish under a name you own (or a scope of yours), or give the token read and write access to this package on npmjs.com',
  sources: ['https://docs.npmjs.com/about-access-tokens', 'https://github.com/npm/cli/blob/latest/lib/utils/error-message.js'],
  checked: '2026-12',
};
