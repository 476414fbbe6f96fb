import type { Finding } from '../report/finding.js';
import { defineRule } from './types.js';

/**
 * npm 9.0.0 stopped accepting `_authToken`, `_auth` and `_password` without
 * a registry prefix in any config file
 * (https://github.com/npm/cli/releases/tag/v9.0.0: "the presence of auth
 * related settings that are not scoped to a specific registry found in a
 * config file is no longer supported and will throw errors"). Every command
 * except `npm config` validates the config first (`lib/base-cmd.js` in npm
 * 11) and stops with ERR_INVALID_AUTH, through `validate()` in
 * @npmcli/config 10, which also rejects `_authtoken` and `-authtoken`.
 */
const UNSCOPED_KEYS = new Set(['_authtoken', '-authtoken', '_auth', '_password']);

export const rule = defineRule({
  id: 'npmrc-auth-not-scoped',
  title: 'credential in .npmrc without a registry prefix',
  severity: 'error',
  confidence: 'high',
  check(context) {
    const findings: Finding[] = [];
    for (const npmrc of context.npmrcFiles()) {
      const registry = npmrc.entries.findLast((entry) => entry.key === 'registry')?.value.replace(/^https?:/, '') ?? '//registry.npmjs.org/';
      const prefix = registry.endsWith('/') ? registry : `${registry}/`;
      for (const entry of npmrc.entries) {
        if (!UNSCOPED_KEYS.has(entry.key.toLowerCase())) continue;
        const renamed = entry.key.toLowerCase() === '_authtoken' || entry.key === '-authtoken' ? '_authToken' : entry.key;
        // Show a `${VAR}` reference as written; a literal value stays out of the message.
        const shown = /^\$\{\w+\??\}$/.test(entry.value.trim()) ? entry.value.trim() : '…';
        findings.push(
          context.finding({
            at: entry.span,
            label: 'no registry prefix',
            message: `${JSON.stringify(entry.span.file)} sets \`${entry.key}\` without a registry prefix; npm 9 and later stop every command with ERR_INVALID_AUTH ("Invalid auth configuration found") before reaching the registry`,
            fix: `prefix the key with the registry it is for, as in "${prefix}:${renamed}=${shown}" (\`npm config fix\` does this), and keep any \`\${VAR}\` reference as it is`,
            args: { key: entry.key, file: entry.span.file, line: entry.line },
          }),
        );
      }
    }
    return findings;
  },
});
