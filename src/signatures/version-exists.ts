import type { Signature } from './types.js';

// Data only: see types.ts for how a signature matches.
export const signature: Signature = {
  id: 'version-exists',
  title: 'this version is already in the registry',
  match: { registry: 'any', httpStatus: null, npmCode: null, method: null, message: /cannot publish over|Cannot publish over existing version|EPUBLISHCONFLICT|409 Conflict|version already exists/i },
  causes: [
    { id: 'version-exists', why: 'registries never overwrite a published version', tellApart: 'npm view name@version returns it' },
  ],
  fix: 'bump the version before publishing, or skip versions that already exist (pubguard publish does)',
  sources: ['https://github.com/npm/cli/blob/latest/lib/utils/error-message.js', 'https://docs.npmjs.com/cli/v11/commands/npm-publish'],
  checked: '2026-12',
};
