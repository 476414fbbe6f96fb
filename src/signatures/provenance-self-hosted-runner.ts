import type { Signature } from './types.js';

// Data only: see types.ts for how a signature matches.
export const signature: Signature = {
  id: 'provenance-self-hosted-runner',
  title: 'the registry accepts provenance only from GitHub-hosted runners',
  match: { registry: 'any', httpStatus: [422], npmCode: null, method: null, message: /Unsupported GitHub Actions runner environment/i },
  causes: [
    { id: 'runner-not-github-hosted', why: 'npmjs.org verifies a provenance statement only when it was built on a GitHub-hosted runner; the job ran on a self-hosted one', tellApart: 'the message names "self-hosted"; the job\'s runs-on names a self-hosted label' },
  ],
  fix: 'run the publishing job on a GitHub-hosted runner (runs-on: ubuntu-latest), or publish without --provenance from the self-hosted runner',
  sources: ['https://docs.npmjs.com/generating-provenance-statements', 'https://docs.npmjs.com/trusted-publishers'],
  checked: '2026-12',
};
