import type { Signature } from './types.js';

// Data only: see types.ts for how a signature matches.
export const signature: Signature = {
  id: 'yarn1-env-replace',
  title: 'Yarn 1 could not expand a variable in .npmrc',
  match: { registry: 'any', httpStatus: null, npmCode: null, method: null, message: /Failed to replace env in config: \$\{[A-Za-z_][A-Za-z0-9_]*\}/ },
  causes: [
    { id: 'token-unexpanded-variable', why: 'Yarn 1 aborts when an .npmrc names ${VAR} and VAR is unset (npm 7+ would send the literal text instead)', tellApart: 'the message names the variable' },
  ],
  fix: 'set the named variable on the step (env:), or remove the line from the .npmrc Yarn reads',
  sources: ['https://github.com/yarnpkg/yarn/issues/6130'],
  checked: '2026-12',
};
