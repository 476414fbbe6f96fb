/**
 * The cause vocabulary shared by `explain`'s json output, the signature
 * catalogue and the `publish` verb. Ids are a contract: add, never rename.
 * The credential classes of `check` and `doctor` appear here prefixed with
 * `token-`.
 */
export const CAUSES = {
  'token-placeholder': "npm sent setup-node's placeholder `XXXXX-XXXXX-XXXXX-XXXXX`: the step had no `NODE_AUTH_TOKEN` of its own",
  'token-unexpanded-variable': 'an `.npmrc` line refers to `${VAR}` and `VAR` was unset, so npm 7+ sent the literal text (Yarn 1 aborts instead)',
  'token-empty': 'the credential variable was set but empty',
  'token-missing': 'no credential was configured for the registry the publish went to',
  'token-invalid-or-expired': 'a credential was sent but the registry does not recognise it: mistyped, expired or revoked',
  'token-missing-scope': 'the token is recognised but lacks a scope the request needs (for GitHub Packages, `write:packages`)',
  'token-wrong-type': 'the kind of token cannot do this (a read-only or granular npm token not covering the package, a fine-grained GitHub token on GitHub Packages)',
  'token-needs-otp': 'the registry wants a one-time password: two-factor authentication applies to this token or package',
  'package-permission-denied': 'the identity is recognised but may not write this package (not a maintainer, or the package is not linked to the repository)',
  'workflow-permission-missing': 'the job\'s `GITHUB_TOKEN` lacks `packages: write` in `permissions:`',
  'scope-owner-mismatch': 'the package scope is not the GitHub owner (user or organisation) the token belongs to',
  'scope-not-found': 'the scope or organisation in the package name does not exist on the registry',
  'package-name-rejected': 'the registry refuses the package name itself (on npmjs.org, an unscoped name too similar to an existing package)',
  'version-exists': 'this version of the package is already in the registry and versions cannot be overwritten',
  'registry-propagation-delay': 'the version was published moments earlier, but the registry or npm\'s cache still served package metadata without it',
  'version-not-published': 'the version asked for is not in the registry (often because its publish failed earlier)',
  'private-package-needs-access': 'a scoped package is published as private by default, which needs a paid account: publish with `--access public`',
  'provenance-mismatch': "the provenance statement does not match the package (`repository.url` differs from the repository that built it)",
  'runner-not-github-hosted': 'provenance and trusted publishing on npmjs.org need a GitHub-hosted runner, and the job ran on a self-hosted one',
  'id-token-permission-missing': 'provenance or trusted publishing needs `permissions: id-token: write`, which the job lacks',
  'oidc-not-configured': 'trusted publishing (OIDC) was meant, but no trusted publisher on npmjs.com matches this repository and workflow file, or the exchange did not happen',
  'npm-too-old-for-oidc': 'trusted publishing needs npm 11.5.1 or later; older npm sends the publish without a credential',
  'auth-config-not-scoped': 'npm 9+ rejects `_auth`, `_authToken` or `_password` keys without a registry prefix such as `//registry.npmjs.org/:` in front of the key',
  'yarn-berry-ignores-npmrc': 'Yarn 2+ never reads `.npmrc`; it takes its credential from `.yarnrc.yml` (`npmAuthToken`) or `YARN_NPM_AUTH_TOKEN`',
  'workdir-config-differs': 'the failed command ran where npm read other configuration than a command that worked (another working directory, so another project `.npmrc`, or other environment)',
  'network': 'the connection to the registry failed (reset, timeout, name resolution)',
  'registry-unavailable': 'the registry answered with a server error (5xx)',
} as const;

export type CauseId = keyof typeof CAUSES;

export const CAUSE_IDS = Object.keys(CAUSES) as CauseId[];

export function isCauseId(value: string): value is CauseId {
  return Object.hasOwn(CAUSES, value);
}
