/**
 * Reading the facts of one failure out of package-manager output: HTTP
 * status, method and URL, npm-style error code, registry, package and
 * version. Works on npm (`npm ERR!` up to npm 9, `npm error` from npm 10),
 * pnpm, Yarn 1 and 2+, lerna, changesets and semantic-release output.
 */

export interface FailureFacts {
  /** Registry origin with a trailing slash, such as `https://npm.pkg.github.com/`. */
  registry: string | null;
  httpStatus: number | null;
  /** `E401`, `EOTP`, `ENEEDAUTH`, `YN0033`, `ERR_PNPM_…` and the like. */
  npmCode: string | null;
  method: string | null;
  url: string | null;
  package: string | null;
  version: string | null;
  /** The registry's own message after the URL, when there is one. */
  registryMessage: string | null;
  /** The failure lines joined by newlines, prefixes kept. */
  message: string;
  /** Index into the input lines of the line that best states the failure. */
  keyLine: number;
}

// changesets writes the status with npm's code letter: `E404 Not Found - PUT …`.
const STATUS_LINE = /\bE?([1-5]\d\d) (?:[1-5]\d\d )?[A-Z][A-Za-z ]*? - (GET|PUT|POST|DELETE|PATCH|HEAD) (https?:\/\/[^\s'"]+)(?: - (.*))?/;
// npm prints the code alone on its line; a sentence after it is a quote (a test name, an echoed hint).
// pnpm: ` ERR_PNPM_FETCH_404  GET https://npm.pkg.github.com/@scope%2Fname: Not Found - 404`.
const PNPM_FETCH_LINE = /ERR_PNPM_FETCH_([1-5]\d\d)\s+(GET|PUT|POST|DELETE|PATCH|HEAD) (https?:\/\/[^\s'"]+?):?(?:\s|$)(?:(.*?)(?: - \d{3})?$)?/;
const CODE_LINE = /^(?:npm (?:ERR!|error)|lerna ERR!)\s+code\s+([A-Z][A-Z0-9_]+)\s*$/;
const LERNA_CODE = /^lerna ERR!\s+(E\d{3}|E[A-Z]+)\b/;
const NETWORK_CODE = /\b(ECONNRESET|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|ECONNREFUSED|ERR_SOCKET_TIMEOUT|EAI_FAIL)\b/;
const YARN_BERRY_CODE = /\b(YN(?!0000)\d{4})\b/;
const SEMANTIC_RELEASE_CODE = /\b(EINVALIDNPMTOKEN|ENONPMTOKEN|ENOPKGNAME|ENOPKG)\b/;
const PNPM_CODE = /\b(ERR_PNPM_[A-Z0-9_]+)\b/;
const OTP_CODE = /\bEOTP\b/;
// changesets prints `an error occurred while publishing name: E401 …` with no `code` line.
const BARE_STATUS_CODE = /: (E\d{3})\b/;
const YARN1_STATUS = /Request failed \\?"(\d{3})|: (Unauthorized|Forbidden|Not [Ff]ound|Payment Required|Conflict)\\?"?\.?\s*$/;
const NAME_VERSION = /^(@[a-z0-9][\w.-]*\/[\w.-]+|[a-z0-9][\w.-]*)@(\d+\.\d+\.\d+[\w.+-]*)$/i;

const STATUS_BY_TEXT: Record<string, number> = { Unauthorized: 401, Forbidden: 403, 'Not Found': 404, 'Not found': 404, 'Payment Required': 402, Conflict: 409 };

/** Split `name@version` (scoped or not); null when it is not one. */
export function parseNameVersion(text: string): { name: string; version: string } | null {
  const match = NAME_VERSION.exec(text.trim());
  return match ? { name: match[1]!, version: match[2]! } : null;
}

/** Registry origin with a trailing slash, or null for text that is no URL. */
export function registryOrigin(url: string): string | null {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
    return `${parsed.protocol}//${parsed.host}/`;
  } catch {
    return null;
  }
}

// `https://npm.pkg.github.com/@scope%2fname` and `…/@scope/name/-/…` carry the package name.
function packageFromUrl(url: string): string | null {
  try {
    const path = decodeURIComponent(new URL(url).pathname).replace(/^\/+/, '');
    if (path.startsWith('-/')) return null;
    const parts = path.split('/');
    if (parts[0]?.startsWith('@')) return parts.length >= 2 && parts[1] ? `${parts[0]}/${parts[1]}` : null;
    return parts[0] || null;
  } catch {
    return null;
  }
}

/** Read the facts of one failure from its output lines (prefixes such as `npm error` kept). */
export function parseFailureLines(lines: string[]): FailureFacts {
  const facts: FailureFacts = {
    registry: null,
    httpStatus: null,
    npmCode: null,
    method: null,
    url: null,
    package: null,
    version: null,
    registryMessage: null,
    message: lines.join('\n'),
    keyLine: 0,
  };
  let keyLineFound = false;

  lines.forEach((line, index) => {
    const status = STATUS_LINE.exec(line);
    if (status && facts.httpStatus === null) {
      facts.httpStatus = Number(status[1]);
      facts.method = status[2]!;
      facts.url = status[3]!;
      facts.registryMessage = status[4]?.trim() || null;
      facts.keyLine = index;
      keyLineFound = true;
    }
    const pnpmFetch = status ? null : PNPM_FETCH_LINE.exec(line);
    if (pnpmFetch && facts.httpStatus === null) {
      facts.httpStatus = Number(pnpmFetch[1]);
      facts.method = pnpmFetch[2]!;
      facts.url = pnpmFetch[3]!;
      facts.registryMessage = pnpmFetch[4]?.trim() || null;
      facts.keyLine = index;
      keyLineFound = true;
    }
    const code = CODE_LINE.exec(line) ?? LERNA_CODE.exec(line);
    if (code && facts.npmCode === null) facts.npmCode = code[1]!;
    const other = YARN_BERRY_CODE.exec(line) ?? SEMANTIC_RELEASE_CODE.exec(line) ?? PNPM_CODE.exec(line) ?? NETWORK_CODE.exec(line) ?? OTP_CODE.exec(line) ?? BARE_STATUS_CODE.exec(line);
    if (other && facts.npmCode === null) {
      facts.npmCode = other[1] ?? other[0];
      if (!keyLineFound) {
        facts.keyLine = index;
        keyLineFound = true;
      }
    }
    const yarnStatus = YARN1_STATUS.exec(line);
    if (yarnStatus && facts.httpStatus === null) {
      facts.httpStatus = yarnStatus[1] ? Number(yarnStatus[1]) : STATUS_BY_TEXT[yarnStatus[2]!] ?? null;
      // Yarn 1 prints no method, but its wrapper message shows whether it was publishing or fetching.
      if (/Couldn't publish package/.test(line)) facts.method = 'PUT';
      else if (/An unexpected error occurred/.test(line)) facts.method = 'GET';
    }
    if (!facts.url) {
      const url = /https?:\/\/[^\s'"\\]+/.exec(line)?.[0];
      if (url && !/\/_logs\/|github\.com\/settings|docs\.npmjs\.com|yarnpkg\.com\/(en\/)?docs/.test(url)) facts.url = url.replace(/[:.,]$/, '');
    }
    // npm 10: `'name@1.0.0' is not in this registry`; npm 11: `The requested resource 'name@1.0.0' could not be found`.
    const quoted = /'([^'\s]+@[^'\s]+)'/.exec(line);
    if (quoted && !facts.version) {
      const parsed = parseNameVersion(quoted[1]!);
      if (parsed) {
        facts.package = parsed.name;
        facts.version = parsed.version;
      }
    }
    // npm's ETARGET and pnpm's ERR_PNPM_NO_MATCHING_VERSION: `No matching version found for name@1.0.0.`
    const noMatch = /No matching version found for (\S+?)\.?(?:\s|$)/.exec(line);
    const wanted = noMatch ? parseNameVersion(noMatch[1]!) : null;
    if (wanted && !facts.version) {
      facts.package = wanted.name;
      facts.version = wanted.version;
    }
    const failedPackage = /(?:Package failed to publish|occurred while publishing|failed to publish):?\s+"?(@?[\w./-]+?)"?(?:\s|:|$)/i.exec(line);
    if (failedPackage && !facts.package) facts.package = failedPackage[1]!.replace(/@(\d[\w.+-]*)$/, '');
  });

  if (facts.httpStatus === null && facts.npmCode && /^E\d{3}$/.test(facts.npmCode)) facts.httpStatus = Number(facts.npmCode.slice(1));
  if (facts.npmCode === null && facts.httpStatus !== null) facts.npmCode = `E${facts.httpStatus}`;
  if (facts.url) {
    facts.registry = registryOrigin(facts.url);
    facts.package ??= packageFromUrl(facts.url);
  }
  // A network failure is best stated by npm's `request to <url> failed, reason: …` line.
  const networkReason = keyLineFound ? -1 : lines.findIndex((line) => /request to \S+ failed, reason:/.test(line));
  if (networkReason >= 0) {
    facts.keyLine = networkReason;
    keyLineFound = true;
  }
  if (!keyLineFound) {
    const firstStatement = lines.findIndex((line) => !/\bcode\s+[A-Z]/.test(line) && line.trim() !== '');
    facts.keyLine = firstStatement >= 0 ? firstStatement : 0;
  }
  return facts;
}
