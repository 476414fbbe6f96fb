// Registry client: npm's own HTTP stack with classified errors, bounded
// retries, integrity checks and credentials kept on their origin.
export {
  RegistryClient,
  DEFAULT_RETRY,
  MAX_RETRIES,
  escapePackageName,
  type NpmFlatOptions,
  type Packument,
  type PackumentVersion,
  type RegistryClientOptions,
  type RetryPolicy,
  type TarballDownload,
  type VersionPresence,
} from './client.js';
export { RegistryError, classifyRegistryError, type RegistryErrorDetails, type RegistryErrorKind } from './errors.js';
export { originOf, isSameOrigin, isCredentialKey, withoutCredentials } from './origin.js';
export { fetchGithubTokenScopes, DEFAULT_GITHUB_API_URL, type GithubTokenScopes } from './github.js';
