/**
 * The `doctor` report: per package, what the client will do (registry,
 * credential), what the registry returns (reachable, whoami, version), what
 * the tarball holds, and the findings with their verdict.
 */
import type { Finding } from '../report/finding.js';
import type { CredentialClass, PublishClient, TokenShape } from '../npmconfig/types.js';

export interface DoctorOptions {
  /** Directory pubguard runs in; npm's configuration is resolved for exactly this directory. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Package folders relative to `cwd`; the workspaces (or the package at `cwd`) when empty. */
  paths: string[];
  /** Skip every network request (registry and GitHub API). */
  offline: boolean;
  /** Send a GitHub token to the GitHub API at `GITHUB_API_URL` to read its scopes. */
  githubScopes: boolean;
  /** Timeout of one registry request, in milliseconds. */
  timeoutMs?: number;
  /** Retries of a registry request after 5xx or network errors. */
  retries?: number;
}

/** Results of the live checks; each field is `null` when that check did not run. */
export interface LiveChecks {
  /** True when the registry responded; null when not asked (offline). */
  reachable: boolean | null;
  /** HTTP status of the ping. */
  pingStatus: number | null;
  /** User name from whoami; null when it named none or was not asked. */
  whoami: string | null;
  /** `exists`, `missing`, `unknown` (the lookup failed), or null when not asked. */
  versionExists: 'exists' | 'missing' | 'unknown' | null;
  /** The classified error of the first failed request, redacted. */
  error: { kind: string; status: number | null; code: string | null; message: string } | null;
  /** Scopes of a classic GitHub token, from `--github-scopes`; null when not asked or absent. */
  githubScopes: string[] | null;
  /** npm's version on PATH, when trusted publishing was checked. */
  npmVersion: string | null;
}

export interface TarballSummary {
  files: number;
  /** Gzipped size in bytes. */
  packedSize: number;
  unpackedSize: number;
  /** Paths in the tarball that look like secrets. */
  secretFiles: string[];
}

export interface DoctorPackageReport {
  name: string | null;
  version: string | null;
  /** Package folder relative to `cwd`, `.` for `cwd` itself. */
  path: string;
  client: PublishClient;
  registry: { url: string; key: string; source: string };
  credential: {
    class: CredentialClass;
    shape: TokenShape | null;
    key: string | null;
    authType: string | null;
    /** `file:line`, `variable NAME` or `nowhere`. */
    source: string;
    variable: string | null;
  };
  /** npm's local prefix relative to `cwd`: the folder whose `.npmrc` is the project config. */
  localPrefix: string | null;
  live: LiveChecks;
  tarball: TarballSummary | null;
  findings: Finding[];
  /** `would-fail` when an error finding means the publish would fail, else `ok`. */
  verdict: 'ok' | 'would-fail';
}

export interface DoctorReport {
  cwd: string;
  packages: DoctorPackageReport[];
  /** Workspaces left out, with the reason (such as `private: true`). */
  skipped: Array<{ path: string; name: string | null; reason: string }>;
  summary: { packages: number; wouldFail: number; errors: number; warnings: number; info: number };
}
