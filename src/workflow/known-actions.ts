/**
 * Known GitHub Actions and what they do to npm's configuration, as data.
 *
 * Every fact here was read in the action's own source at the tag named next
 * to it (as of 2026-12). When an action changes, update the row and its
 * source, never the code that reads the table.
 */

/** Placeholder that setup-node before v7 exports as `NODE_AUTH_TOKEN` when the step gave none. */
export const SETUP_NODE_PLACEHOLDER_TOKEN = 'XXXXX-XXXXX-XXXXX-XXXXX';

export type KnownActionKind = 'setup-node' | 'checkout' | 'publish' | 'release-tool';

/** One input of a known action, with the majors in which it exists. */
export interface KnownActionInput {
  name: string;
  /** First major version that accepts the input. */
  sinceMajor: number;
  /** Last major version that accepts it, when it was removed later. */
  untilMajor?: number;
  /** The input carries a credential. */
  credential?: boolean;
  /** What the input is used for, in one line. */
  purpose: string;
}

export interface KnownAction {
  /** `owner/repo`, lower case. */
  action: string;
  kind: KnownActionKind;
  /** The action runs a publish itself (it is the publish step). */
  publishes: boolean;
  inputs: KnownActionInput[];
  /** Public URLs of the source each fact was read in. */
  sources: string[];
  /** One line on how it handles the registry credential. */
  credentialNote: string;
}

export const KNOWN_ACTIONS: readonly KnownAction[] = [
  {
    action: 'actions/setup-node',
    kind: 'setup-node',
    publishes: false,
    // Inputs read from action.yml at tags v1.4.6, v2.0.0, v3.9.1, v4.4.0,
    // v5.0.0, v6.0.0, v6.1.0 and v7.0.0 of
    // https://github.com/actions/setup-node/blob/v7.0.0/action.yml
    inputs: [
      { name: 'node-version', sinceMajor: 1, purpose: 'version spec of Node to install; without it the Node on PATH stays' },
      { name: 'node-version-file', sinceMajor: 2, purpose: 'file to read the Node version from' },
      { name: 'architecture', sinceMajor: 2, purpose: 'Node architecture' },
      { name: 'check-latest', sinceMajor: 2, purpose: 'look up the newest matching Node' },
      {
        name: 'registry-url',
        sinceMajor: 1,
        purpose: 'writes `//host/path/:_authToken=${NODE_AUTH_TOKEN}` and `registry=` to $RUNNER_TEMP/.npmrc',
      },
      { name: 'scope', sinceMajor: 1, purpose: 'writes `@scope:registry=` in place of `registry=`' },
      // Removed by "Remove always-auth configuration handling from action"
      // (https://github.com/actions/setup-node/commit/b9b25d45f70a5d94d88496aa4896bf9ed8f49b67),
      // first released in v6.1.0.
      { name: 'always-auth', sinceMajor: 1, untilMajor: 6, purpose: 'writes `always-auth=<value>` (ignored by npm 7+)' },
      {
        name: 'token',
        sinceMajor: 2,
        credential: true,
        purpose: 'authenticates downloads of Node distributions from actions/node-versions, not the npm registry',
      },
      { name: 'cache', sinceMajor: 2, purpose: 'package manager whose cache to restore' },
      { name: 'package-manager-cache', sinceMajor: 5, purpose: 'turns automatic caching on or off' },
      { name: 'cache-dependency-path', sinceMajor: 2, purpose: 'lock file paths for the cache key' },
      { name: 'mirror', sinceMajor: 4, purpose: 'Node download mirror' },
      { name: 'mirror-token', sinceMajor: 4, credential: true, purpose: 'authenticates the Node download mirror' },
    ],
    sources: [
      'https://github.com/actions/setup-node/blob/v6.5.0/src/authutil.ts',
      'https://github.com/actions/setup-node/blob/v7.0.0/src/authutil.ts',
      'https://github.com/actions/setup-node/commit/0355742c943ddb13ca8a6b700f824231caa91e75',
      'https://github.com/actions/setup-node/blob/v7.0.0/action.yml',
    ],
    credentialNote:
      'with `registry-url`, writes `${NODE_AUTH_TOKEN}` to $RUNNER_TEMP/.npmrc and exports NPM_CONFIG_USERCONFIG; the value comes from NODE_AUTH_TOKEN of each later step',
  },
  {
    action: 'actions/checkout',
    kind: 'checkout',
    publishes: false,
    inputs: [
      { name: 'token', sinceMajor: 1, credential: true, purpose: 'authenticates git fetch and push, not any npm registry' },
      { name: 'path', sinceMajor: 1, purpose: 'folder under $GITHUB_WORKSPACE to check out into' },
      { name: 'persist-credentials', sinceMajor: 2, purpose: 'keeps the token in the local git config' },
    ],
    sources: ['https://github.com/actions/checkout/blob/main/action.yml'],
    credentialNote: 'writes no npm configuration; `path:` moves the repository below $GITHUB_WORKSPACE',
  },
  {
    action: 'changesets/action',
    kind: 'release-tool',
    publishes: true,
    inputs: [
      { name: 'publish', sinceMajor: 1, purpose: 'command that publishes (for example `changeset publish`)' },
      { name: 'version', sinceMajor: 1, purpose: 'command that bumps versions' },
      { name: 'cwd', sinceMajor: 1, purpose: 'folder the commands run in' },
      { name: 'createGithubReleases', sinceMajor: 1, purpose: 'creates GitHub releases after publishing' },
    ],
    // Read in https://github.com/changesets/action/blob/main/src/index.ts:
    // before publishing it writes or appends
    // `//registry.npmjs.org/:_authToken=<value of NPM_TOKEN>` to $HOME/.npmrc
    // unless that file already has an auth line for registry.npmjs.org or
    // npm.pkg.github.com.
    // NOTE: older releases wrote the line even with NPM_TOKEN unset (the
    // text "undefined"), and newer ones skip it for OIDC; the simulation adds
    // it only when the step sets NPM_TOKEN.
    sources: ['https://github.com/changesets/action/blob/main/src/index.ts'],
    credentialNote:
      'writes the NPM_TOKEN value to $HOME/.npmrc for registry.npmjs.org only; npm ignores that file when NPM_CONFIG_USERCONFIG points elsewhere (as after setup-node with `registry-url`)',
  },
  {
    action: 'js-devtools/npm-publish',
    kind: 'publish',
    publishes: true,
    inputs: [
      { name: 'token', sinceMajor: 1, credential: true, purpose: 'registry token, written to a temporary npmrc for the publish' },
      { name: 'registry', sinceMajor: 1, purpose: 'registry URL (default registry.npmjs.org)' },
      { name: 'package', sinceMajor: 1, purpose: 'package folder or package.json' },
      { name: 'tag', sinceMajor: 1, purpose: 'dist-tag' },
      { name: 'access', sinceMajor: 1, purpose: 'public or restricted' },
      { name: 'provenance', sinceMajor: 2, purpose: 'publish with provenance' },
    ],
    sources: ['https://github.com/JS-DevTools/npm-publish/blob/main/action.yml'],
    credentialNote: 'takes its credential from the `token` input and writes its own npmrc',
  },
  {
    action: 'cycjimmy/semantic-release-action',
    kind: 'release-tool',
    publishes: true,
    inputs: [{ name: 'working_directory', sinceMajor: 1, purpose: 'folder semantic-release runs in' }],
    sources: ['https://github.com/cycjimmy/semantic-release-action/blob/main/action.yml'],
    credentialNote: 'runs semantic-release, whose npm plugin reads NPM_TOKEN and writes its own npmrc',
  },
];

/** The parts of a `uses:` value. `path` is empty for an action at a repository root. */
export interface UsesReference {
  owner: string;
  repo: string;
  path: string;
  ref: string;
}

/** Split `owner/repo[/path]@ref`; null for local (`./…`) and `docker://` references. */
export function parseUses(uses: string): UsesReference | null {
  const trimmed = uses.trim();
  if (trimmed.startsWith('./') || trimmed.startsWith('docker://')) return null;

  const at = trimmed.lastIndexOf('@');
  const target = at === -1 ? trimmed : trimmed.slice(0, at);
  const ref = at === -1 ? '' : trimmed.slice(at + 1);
  const [owner, repo, ...rest] = target.split('/');
  if (!owner || !repo) return null;
  return { owner, repo, path: rest.join('/'), ref };
}

/** Find the table row for a `uses:` value, ignoring case and the ref. */
export function findKnownAction(uses: string): KnownAction | undefined {
  const parsed = parseUses(uses);
  if (!parsed) return undefined;
  const name = `${parsed.owner}/${parsed.repo}`.toLowerCase();
  return KNOWN_ACTIONS.find((row) => row.action === name);
}

/** True when the action itself publishes packages (it is a publish step). */
export function isPublishAction(uses: string): boolean {
  return findKnownAction(uses)?.publishes ?? false;
}

export function isSetupNode(uses: string): boolean {
  return findKnownAction(uses)?.kind === 'setup-node';
}

/**
 * Major version of an action ref: `v4`, `v4.1.0` and `4` give 4. A commit
 * SHA or a branch gives null, because the version cannot be read from it.
 * A trailing `# v4.1.0` comment, as pinning tools write it, is the caller's
 * to pass as `commentRef`.
 */
export function actionMajorVersion(ref: string, commentRef?: string): number | null {
  for (const candidate of [ref, commentRef ?? '']) {
    const match = /^v?(\d+)(?:\.\d+){0,2}$/.exec(candidate.trim());
    if (match) return Number(match[1]);
  }
  return null;
}

/** True when `input` exists in that major of the action; unknown majors accept every input. */
export function actionAcceptsInput(uses: string, input: string, major: number | null): boolean {
  const row = findKnownAction(uses);
  const spec = row?.inputs.find((candidate) => candidate.name === input);
  if (!row || !spec) return false;
  if (major === null) return true;
  return major >= spec.sinceMajor && (spec.untilMajor === undefined || major <= spec.untilMajor);
}

/**
 * True when that setup-node major exports the placeholder as
 * `NODE_AUTH_TOKEN` when the step gave none. Every release before v7 does
 * (`process.env.NODE_AUTH_TOKEN || 'XXXXX-XXXXX-XXXXX-XXXXX'` in
 * https://github.com/actions/setup-node/blob/v6.5.0/src/authutil.ts); v7.0.0
 * exports it only when the step set it, so the variable stays unset
 * (https://github.com/actions/setup-node/commit/0355742c943ddb13ca8a6b700f824231caa91e75).
 */
export function setupNodeExportsPlaceholder(major: number | null): boolean {
  // NOTE: a ref pinned to a commit SHA without a version comment counts as
  // before v7, because v7 came out in 2026-07 and most pins predate it.
  return major === null || major < 7;
}

/** What one setup-node step with `registry-url` does to the runner. */
export interface SetupNodeAuthEffect {
  /** Path of the file it writes, as `$RUNNER_TEMP/.npmrc`. */
  userconfigPath: string;
  /** Lines appended to that file, in order. */
  lines: string[];
  /** The registry key it sets: `registry` or `@scope:registry`. */
  registryKey: string;
  /** Normalised registry URL, always ending in `/`. */
  registryUrl: string;
  /** Variables exported to later steps (`$GITHUB_ENV`). */
  exports: Record<string, string>;
  /** The scope it mapped, `@owner` style, or null. */
  scope: string | null;
  /** True when the scope came from the repository owner, not the `scope:` input. */
  scopeFromOwner: boolean;
}

/**
 * Work out what setup-node writes for `registry-url`. Mirrors
 * `writeRegistryToFile` in https://github.com/actions/setup-node/blob/v7.0.0/src/authutil.ts:
 * the URL gets a trailing slash; with no `scope:` and a URL containing
 * `npm.pkg.github.com`, the scope is the repository owner; the scope is
 * lower-cased and prefixed with `@`; the auth line is the URL without its
 * scheme plus `:_authToken=${NODE_AUTH_TOKEN}`; releases up to v6.0 also
 * write `always-auth=<input>` (empty input gives `always-auth=`).
 *
 * `stepNodeAuthToken` tells whether the setup-node step itself had
 * NODE_AUTH_TOKEN in its environment: then it is exported as it was.
 */
export function setupNodeAuthEffect(options: {
  registryUrl: string;
  scopeInput?: string;
  alwaysAuthInput?: string;
  repositoryOwner?: string;
  major: number | null;
  stepNodeAuthToken?: string;
}): SetupNodeAuthEffect {
  let registryUrl = options.registryUrl.trim();
  if (!registryUrl.endsWith('/')) registryUrl += '/';

  let scope = (options.scopeInput ?? '').trim();
  let scopeFromOwner = false;
  if (!scope && registryUrl.includes('npm.pkg.github.com') && options.repositoryOwner) {
    scope = options.repositoryOwner;
    scopeFromOwner = true;
  }
  if (scope && !scope.startsWith('@')) scope = `@${scope}`;
  scope = scope.toLowerCase();

  const registryKey = scope ? `${scope}:registry` : 'registry';
  const lines = [`${registryUrl.replace(/^\w+:/, '')}:_authToken=\${NODE_AUTH_TOKEN}`, `${registryKey}=${registryUrl}`];
  const writesAlwaysAuth = options.major !== null && options.major <= 6 && options.alwaysAuthInput !== undefined;
  if (writesAlwaysAuth) lines.push(`always-auth=${options.alwaysAuthInput}`);

  const userconfigPath = '$RUNNER_TEMP/.npmrc';
  const exports: Record<string, string> = { NPM_CONFIG_USERCONFIG: userconfigPath };
  if (options.stepNodeAuthToken !== undefined && options.stepNodeAuthToken !== '') {
    exports.NODE_AUTH_TOKEN = options.stepNodeAuthToken;
  } else if (setupNodeExportsPlaceholder(options.major)) {
    exports.NODE_AUTH_TOKEN = SETUP_NODE_PLACEHOLDER_TOKEN;
  } else if (options.stepNodeAuthToken !== undefined) {
    // v7 exports the variable whenever it exists, even empty.
    exports.NODE_AUTH_TOKEN = options.stepNodeAuthToken;
  }

  return { userconfigPath, lines, registryKey, registryUrl, exports, scope: scope || null, scopeFromOwner };
}
