/**
 * The outcome model of `publish`: one named state per package, never a
 * boolean. The names are part of the json contract and of the GitHub step
 * outputs.
 */

/**
 * - `published`: the client exited 0 (or a transport error hid an upload that
 *   the registry then listed), and the version is new.
 * - `already-published`: the registry listed this exact version before the
 *   upload, so nothing was sent.
 * - `failed`: the preflight stopped it, the lookup failed, or the client
 *   exited non-zero and the version is not in the registry.
 * - `not-attempted`: an earlier failure stopped the run first.
 * - `dry-run`: `--dry-run` ran the client without uploading.
 */
export type PublishStatus = 'published' | 'already-published' | 'failed' | 'not-attempted' | 'dry-run';

export const PUBLISH_STATUSES: readonly PublishStatus[] = ['published', 'already-published', 'failed', 'not-attempted', 'dry-run'];

/** Evidence for a claim: a file and line, an environment variable, or a log line. */
export interface EvidenceRef {
  /** `path:line` (relative to the working directory when inside it), `env:NAME`, or a log file line. */
  where: string;
  /** The redacted text at that place. */
  text: string;
}

/** The reason a package failed or was not attempted. */
export interface PublishCause {
  /** Kebab-case cause id, e.g. `token-placeholder`, `lifecycle-script-failed`, `stopped-after-failure`. */
  id: string;
  /** Explanation of what happened and why, in one or two sentences. */
  message: string;
  /** The change to make. */
  fix: string;
  evidence: EvidenceRef[];
  /** Other plausible causes, most likely first (from the signature catalogue). */
  alternatives: Array<{ id: string; message: string }>;
}

/**
 * One package's result. `cause` is set for `failed` and `not-attempted`, and
 * for `published` when the version landed but the client failed afterwards.
 */
export interface PackageOutcome {
  name: string;
  version: string;
  /** Package folder relative to the directory pubguard ran in, `.` for that directory itself. */
  path: string;
  /** Registry URL the package goes to, or null when it could not be resolved. */
  registry: string | null;
  status: PublishStatus;
  cause: PublishCause | null;
  /** Full redacted log of this package's client run, or null when the client never ran. */
  logFile: string | null;
  /** The client's exit status, or null when it did not run. */
  exitCode: number | null;
  /** The client command line as run (redacted), or null when it did not run. */
  command: string | null;
  /** Uploads started for this package (0, 1, or 2 after a confirmed-absent transient failure). */
  attempts: number;
  durationMs: number;
  /** Integrity the client reported for the uploaded tarball, when it reported one. */
  integrity: string | null;
}

export interface PublishSummary {
  total: number;
  published: number;
  alreadyPublished: number;
  failed: number;
  notAttempted: number;
  dryRun: number;
  durationMs: number;
}

export interface PublishReport {
  /** The client that ran: `npm`, `pnpm` or `yarn`. */
  client: string;
  /** Directory the client ran in (pubguard's working directory). */
  cwd: string;
  packages: PackageOutcome[];
  summary: PublishSummary;
}

/** Count the outcomes of a run. */
export function summarize(packages: PackageOutcome[], durationMs: number): PublishSummary {
  const count = (status: PublishStatus): number => packages.filter((entry) => entry.status === status).length;
  return {
    total: packages.length,
    published: count('published'),
    alreadyPublished: count('already-published'),
    failed: count('failed'),
    notAttempted: count('not-attempted'),
    dryRun: count('dry-run'),
    durationMs: Math.round(durationMs),
  };
}

/**
 * Exit status of a publish run: 1 when anything failed or was left out after
 * a stop, or when a version landed but the client still failed (a
 * `postpublish` script), which shows as `published` with a cause.
 */
export function publishExitCode(report: PublishReport): number {
  return report.packages.some((entry) => entry.status === 'failed' || entry.status === 'not-attempted' || entry.cause !== null) ? 1 : 0;
}
