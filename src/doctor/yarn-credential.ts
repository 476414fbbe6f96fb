/**
 * The token Yarn 2+ sends, read again from the line the resolution names,
 * so that the live checks ask the registry with the credential Yarn would
 * use: `npmAuthToken` or `npmAuthIdent` in `.yarnrc.yml`, or
 * `YARN_NPM_AUTH_TOKEN`.
 */
import { parse as parseYaml } from 'yaml';
import type { PublishConfigResolution } from '../npmconfig/types.js';
import { readText } from './finding.js';

// Yarn's `${NAME}`, `${NAME-fallback}` and `${NAME:-fallback}`.
// NOTE: the same rules as the Yarn resolver in src/npmconfig, which does
// not export them or the value it resolved.
const YARN_VARIABLE = /\$\{(\w+)(:)?(?:-([^}]*))?\}/g;

function expandYarnVariables(text: string, env: NodeJS.ProcessEnv): string {
  return text.replace(YARN_VARIABLE, (whole, name: string, colon: string | undefined, fallback: string | undefined) => {
    const current = env[name];
    if (current !== undefined && !(colon && current === '')) return current;
    return fallback ?? whole;
  });
}

/** Return the raw value of a one-line `key: value` YAML entry, or null. */
function valueOnLine(file: string, line: number): string | null {
  const text = readText(file);
  const entry = text?.split(/\r?\n/)[line - 1];
  if (!entry) return null;
  try {
    const parsed = parseYaml(entry.trim()) as unknown;
    if (!parsed || typeof parsed !== 'object') return null;
    const values = Object.values(parsed as Record<string, unknown>);
    return values.length === 1 && typeof values[0] === 'string' ? values[0] : null;
  } catch {
    return null;
  }
}

/**
 * Build npm-style flat credential options for the Yarn 2+ credential of a
 * resolution: `_authToken` for `npmAuthToken`, `_auth` for
 * `npmAuthIdent` (`user:password`). Empty when there is no usable value.
 */
export function yarnCredentialOptions(resolution: PublishConfigResolution, env: NodeJS.ProcessEnv, nerfDart: string): { options: Record<string, string>; value: string | null } {
  const { credential } = resolution;
  if (credential.class !== 'secret' || !credential.origin) return { options: {}, value: null };
  let raw: string | null = null;
  if (credential.origin.kind === 'env') raw = env[credential.origin.variable] ?? null;
  else if (credential.origin.kind === 'file') raw = valueOnLine(credential.origin.file, credential.origin.line);
  if (raw === null) return { options: {}, value: null };
  const value = expandYarnVariables(raw, env).trim();
  if (value === '') return { options: {}, value: null };
  if (credential.authType === 'basic') {
    const ident = value.includes(':') ? Buffer.from(value, 'utf8').toString('base64') : value;
    return { options: { [`${nerfDart}:_auth`]: ident }, value };
  }
  return { options: { [`${nerfDart}:_authToken`]: value }, value };
}
