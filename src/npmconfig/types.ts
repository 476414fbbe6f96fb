/**
 * Types for the registry and credential npm, pnpm or Yarn will use for one
 * publish, with the origin of each part.
 */

/**
 * Credential class: a real value, setup-node's placeholder, a literal
 * `${VAR}`, an empty value, nothing configured, or only another registry's.
 */
export type CredentialClass = 'secret' | 'placeholder' | 'unexpanded-variable' | 'empty' | 'missing' | 'other-host';

/** The prefix family of a token, never its value. */
export type TokenShape = 'ghp_' | 'gho_' | 'ghs_' | 'github_pat_' | 'npm_' | 'jwt' | 'other';

/** The client that runs the publish. pnpm reads `.npmrc` like npm; Yarn 2+ reads only `.yarnrc.yml`. */
export type PublishClient = 'npm' | 'pnpm' | 'yarn-berry' | 'yarn-classic';

/** Origin of a configuration value. Lines are 1-based. */
export type ConfigOrigin =
  | { kind: 'file'; file: string; line: number; level: ConfigLevel }
  | { kind: 'env'; variable: string }
  | { kind: 'cli'; flag: string }
  | { kind: 'package-json'; file: string; line: number; field: string }
  | { kind: 'default' };

/** `workspace` is the `.npmrc` beside `pnpm-workspace.yaml`, which pnpm reads between the project and user configs. */
export type ConfigLevel = 'builtin' | 'global' | 'user' | 'project' | 'workspace' | 'yarnrc';

/** The registry a package goes to. */
export interface RegistryTarget {
  /** The URL npm uses, as configured (trailing slash kept). */
  url: string;
  /** The config key that set it: `registry`, `@scope:registry`, `publishConfig.registry`, `npmRegistryServer`, … */
  key: string;
  origin: ConfigOrigin;
  /**
   * False when `url` does not parse as a URL, such as `npm.pkg.github.com`
   * without its scheme. npm 11 then stops with ERR_INVALID_URL when it looks
   * up the credential for it, after packing and before any request.
   */
  valid: boolean;
}

/** The credential a client will send to the target registry. */
export interface CredentialResolution {
  class: CredentialClass;
  /** Token family, for `secret` only. */
  shape: TokenShape | null;
  /** The config key that carries it, such as `//npm.pkg.github.com/:_authToken`; null when nothing is configured. */
  key: string | null;
  /** `token`, `basic` (`_auth` or `username` + `_password`) or `client-certificate`. */
  authType: 'token' | 'basic' | 'client-certificate' | null;
  /** Origin of the key. */
  origin: ConfigOrigin | null;
  /** The `${VAR}` the configured value refers to, if any, whether or not it was set. */
  variable: string | null;
  /** True when that variable was set in the environment the client saw. */
  variableSet: boolean;
  /** For simulated values: the workflow expression the value stands for, such as `secrets.NPM_TOKEN`. */
  expression: string | null;
  /** Nerf-darted registries that do carry a credential, when the target has none (`other-host`). */
  otherHosts: Array<{ key: string; origin: ConfigOrigin | null }>;
}

/** An `_authToken`, `_auth` or `_password` without a registry prefix, which npm 9+ rejects with ERR_INVALID_AUTH. */
export interface UnscopedAuthProblem {
  key: string;
  level: ConfigLevel;
  file: string;
  line: number;
}

/** Registry, credential and config files for one package publish. */
export interface PublishConfigResolution {
  client: PublishClient;
  /** Absolute directory the client runs in. */
  cwd: string;
  /** Absolute package directory. */
  packageDir: string;
  packageName: string | null;
  packageVersion: string | null;
  /** npm's local prefix: the folder whose `.npmrc` is the project config. Null for Yarn 2+. */
  localPrefix: string | null;
  /** Configuration files the client reads, in the order it reads them, with whether each exists. */
  configFiles: Array<{ level: ConfigLevel; file: string; exists: boolean }>;
  registry: RegistryTarget;
  credential: CredentialResolution;
  unscopedAuth: UnscopedAuthProblem[];
  /** Plain notes about the resolution, such as "ignoring workspace config". */
  notes: string[];
}

/** What an opaque value in a simulated environment stands for. */
export interface OpaqueValue {
  /** The workflow expression, such as `secrets.NPM_TOKEN` or `github.token`. */
  expression: string;
  shape: TokenShape;
}
