/**
 * Redaction of anything token-shaped. Every line pubguard prints, writes to a
 * log file or puts in a report goes through `redact` first.
 *
 * Two kinds of match: shapes that are secret by themselves (GitHub and npm
 * token prefixes, JWTs, `_authToken=` values, Authorization headers,
 * credentials inside URLs), and exact values that pubguard itself read from
 * npm configuration or the environment and registered with `registerSecret`,
 * because a registry may issue tokens of any shape.
 */

export const REDACTED = '***';

// Values shorter than this are not registered: redacting every "abc" in a
// report would destroy it, and such a short value is no real credential.
const MIN_REGISTERED_LENGTH = 8;

const registeredSecrets = new Set<string>();

/** Placeholders and variable references carry no secret and are the evidence a diagnosis needs. */
export function isNonSecretValue(value: string): boolean {
  const trimmed = value.trim().replace(/^["']|["']$/g, '');
  return (
    trimmed === '' ||
    trimmed === REDACTED ||
    /^X{5}(-X{5}){3}$/.test(trimmed) ||
    /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(trimmed) ||
    /^\$[A-Za-z_][A-Za-z0-9_]*$/.test(trimmed) ||
    /^\$\{\{.*\}\}$/.test(trimmed) ||
    /^\*+$/.test(trimmed)
  );
}

/** Remember a credential value so that it is redacted wherever it later appears. */
export function registerSecret(value: string | undefined | null): void {
  if (!value) return;
  const trimmed = value.trim();
  if (trimmed.length < MIN_REGISTERED_LENGTH || isNonSecretValue(trimmed)) return;
  registeredSecrets.add(trimmed);
  // npm stores `_auth` and `_password` base64-encoded; the decoded form is just as secret.
  if (/^[A-Za-z0-9+/]+=*$/.test(trimmed) && trimmed.length % 4 === 0) {
    const decoded = Buffer.from(trimmed, 'base64').toString('utf8');
    if (/^[\x20-\x7e]+$/.test(decoded) && decoded.length >= MIN_REGISTERED_LENGTH) registeredSecrets.add(decoded);
  }
}

/** Forget registered values (tests use this between cases). */
export function clearRegisteredSecrets(): void {
  registeredSecrets.clear();
}

const SHAPES: Array<[RegExp, (match: string, ...groups: string[]) => string]> = [
  // GitHub tokens: personal (ghp_), OAuth (gho_), app installation (ghs_), user-to-server (ghu_), refresh (ghr_).
  [/\bgh[posur]_[A-Za-z0-9]{16,}/g, () => REDACTED],
  [/\bgithub_pat_[A-Za-z0-9_]{20,}/g, () => REDACTED],
  [/\bnpm_[A-Za-z0-9]{20,}/g, () => REDACTED],
  // JSON Web Tokens, as Verdaccio and OIDC providers issue them.
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, () => REDACTED],
  // npm configuration credentials, with or without a nerf-darted registry prefix.
  [
    /(_authToken|_auth|_password|npmAuthToken|npmAuthIdent|NODE_AUTH_TOKEN|NPM_TOKEN|YARN_NPM_AUTH_TOKEN)(\s*[=:]\s*)(\\?"?)(\$\{\{[^}]*\}\}|[^\s"'`\\]+)/gi,
    (match, key: string, sep: string, quote: string, value: string) => {
      // Sentence punctuation after a value belongs to the message, not to the credential.
      const core = value.replace(/[.,;:)\]>]+$/, '');
      return isNonSecretValue(core) ? match : `${key}${sep}${quote}${REDACTED}${value.slice(core.length)}`;
    },
  ],
  [
    /\b(authorization)(\s*[:=]\s*)(bearer|basic|token)\s+([^\s"',]+)/gi,
    (match, key: string, sep: string, scheme: string, value: string) =>
      isNonSecretValue(value) ? match : `${key}${sep}${scheme} ${REDACTED}`,
  ],
  // Credentials embedded in a URL: https://user:secret@host/ keeps the user name.
  [/\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/@]+):([^\s@/]+)@/gi, (_m, scheme: string, user: string) => `${scheme}${user}:${REDACTED}@`],
];

/** Return `text` with every token-shaped or registered secret replaced by `***`. */
export function redact(text: string): string {
  let result = text;
  for (const secret of registeredSecrets) {
    if (result.includes(secret)) result = result.split(secret).join(REDACTED);
  }
  for (const [pattern, replace] of SHAPES) {
    result = result.replace(pattern, replace as (substring: string, ...args: unknown[]) => string);
  }
  return result;
}

/** Redact every string inside a JSON-compatible value, keys included. */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[redact(key)] = redactDeep(item);
    return out as T;
  }
  return value;
}
