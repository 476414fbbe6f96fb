/**
 * The npm that ships with each Node release line, for telling which npm a
 * job runs when it never installs one itself.
 *
 * Sources (as of 2026-12): the "deps: upgrade npm" entries of Node's
 * changelogs, https://github.com/nodejs/node/tree/main/doc/changelogs
 * (CHANGELOG_V20.md, CHANGELOG_V22.md, CHANGELOG_V24.md). Node 24.5.0 is the
 * first release with npm 11.5.1 ("deps: upgrade npm to 11.5.1", nodejs/node
 * pull request 59199, in the 24.5.0 notes of 2025-07-31).
 */
import semver from 'semver';

/** One range of Node releases and the npm they bundle. */
export interface BundledNpm {
  /** semver range of Node versions. */
  node: string;
  /** The lowest npm version a release in that range bundles. */
  npm: string;
}

// Ordered from newest to oldest; the first matching row wins.
// NOTE: a row gives the lowest npm of its range, which can be older than
// what the range's newest release ships (Node 18.20 ships npm 10). Every
// row below 24.5.0 stays under 11.5.1, the one threshold callers test.
export const BUNDLED_NPM: readonly BundledNpm[] = [
  { node: '>=25.0.0', npm: '11.6.0' },
  { node: '>=24.5.0 <25.0.0', npm: '11.5.1' },
  { node: '>=24.0.0 <24.5.0', npm: '11.3.0' },
  { node: '>=22.0.0 <24.0.0', npm: '10.5.1' },
  { node: '>=20.10.0 <22.0.0', npm: '10.2.3' },
  { node: '>=20.0.0 <20.10.0', npm: '9.6.4' },
  { node: '>=18.0.0 <20.0.0', npm: '8.6.0' },
  { node: '>=16.0.0 <18.0.0', npm: '7.10.0' },
];

/** The first npm that can publish with trusted publishing (OIDC) on npmjs.org. */
export const TRUSTED_PUBLISHING_MIN_NPM = '11.5.1';

/**
 * The runner's own Node when no setup-node step picks one.
 * NOTE: GitHub's ubuntu images shipped Node 20 as the default through 2025;
 * this is an assumption until the image's readme is read for the job's
 * `runs-on`, so callers should lower their confidence when they use it.
 */
export const RUNNER_DEFAULT_NODE = '20';

/** Known facts about the npm of a job. */
export interface JobNpm {
  /** The lowest npm version the job may run, or null when unknown. */
  minimum: string | null;
  /** Source of the version. */
  source: 'node-version' | 'npm-install' | 'runner-default' | 'unknown';
  /** The Node version spec it was derived from, when any. */
  nodeVersion: string | null;
}

/**
 * Give the npm a Node version spec brings, as the table's row for it.
 * setup-node installs the newest release matching the spec, so a bare major
 * (`24`, `24.x`) counts as that line's newest release; any other range
 * counts as its lowest version, the safe value for a decision like "is npm
 * at least 11.5.1".
 */
export function bundledNpmForNodeSpec(spec: string): string | null {
  const trimmed = spec.trim().replace(/^v/, '');
  if (/^(lts\/\*|latest|current|node)$/i.test(trimmed)) return BUNDLED_NPM[0]!.npm;

  // A bare major or `x` range resolves to that line's newest release.
  const major = /^(\d+)(?:\.x|\.\*)?$/.exec(trimmed);
  const version = major ? newestOfMajor(Number(major[1])) : semver.minVersion(trimmed)?.version ?? null;
  if (!version) return null;
  return BUNDLED_NPM.find((row) => semver.satisfies(version, row.node))?.npm ?? null;
}

// Used only to place a bare major in the table: any version past every split point of that major.
function newestOfMajor(major: number): string {
  return `${major}.999.0`;
}

/** The npm version an `npm install -g npm@<spec>` installs at least, or null when the spec is not a version. */
export function npmFromInstallSpec(spec: string): string | null {
  const trimmed = spec.trim();
  if (trimmed === 'latest' || trimmed === '') return '11.5.1';
  const minimum = semver.minVersion(trimmed.replace(/^\^|^~/, (prefix) => prefix));
  return minimum?.version ?? null;
}

/** True when `version` is at least the npm trusted publishing needs. */
export function supportsTrustedPublishing(version: string | null): boolean | null {
  if (!version) return null;
  return semver.gte(version, TRUSTED_PUBLISHING_MIN_NPM);
}
