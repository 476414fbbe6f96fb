/**
 * Plain-text descriptions of resolution results for messages. None of them
 * contains a credential value: only keys, files, lines and variable names.
 */
import { relative } from 'node:path';

import type { ConfigOrigin, CredentialResolution } from './types.js';

/** `path:line` relative to `root` (with `/`), `variable NAME`, `--flag`, or `npm's default`. */
export function describeOrigin(origin: ConfigOrigin | null, root?: string): string {
  if (!origin) return 'nowhere';
  switch (origin.kind) {
    case 'file':
    case 'package-json': {
      const file = root ? relative(root, origin.file).split('\\').join('/') || origin.file : origin.file;
      return origin.line > 0 ? `${file}:${origin.line}` : file;
    }
    case 'env':
      return `variable ${origin.variable}`;
    case 'cli':
      return origin.flag;
    case 'default':
      return "npm's default";
  }
}

/** Describe in one clause what the client sends, for example `the placeholder "XXXXX-XXXXX-XXXXX-XXXXX"`. */
export function describeCredential(credential: CredentialResolution): string {
  switch (credential.class) {
    case 'secret':
      return credential.expression ? `the value of \`${credential.expression}\`` : `a ${credential.shape ?? 'token'} credential`;
    case 'placeholder':
      return 'setup-node\'s placeholder "XXXXX-XXXXX-XXXXX-XXXXX"';
    case 'unexpanded-variable':
      return `the literal text "\${${credential.variable ?? 'VAR'}}" (the variable is not set)`;
    case 'empty':
      if (!credential.variable) return 'nothing, because the value is empty';
      // `${NAME?}` (npm) and `${NAME:-}` (Yarn) give an empty value for an unset variable.
      return credential.variableSet
        ? `nothing, because "${credential.variable}" is set but empty`
        : `nothing, because "${credential.variable}" is not set and its reference expands to an empty value`;
    case 'missing':
      return 'nothing, because no credential is configured for that registry';
    case 'other-host':
      return `nothing, because the only credentials are for ${credential.otherHosts.map((host) => `"${host.key.replace(/:[^:]+$/, '')}"`).join(', ')}`;
  }
}
