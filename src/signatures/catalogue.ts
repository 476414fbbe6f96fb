/**
 * The signature catalogue, in match order: signatures with a message pattern
 * come before those that match on status or code alone, so the message
 * decides whenever the registry sent one. Listed by hand, no discovery.
 */
import type { Signature } from './types.js';
import { signature as gpr401Unauthenticated } from './gpr-401-unauthenticated.js';
import { signature as gpr401TokenNotProvided } from './gpr-401-token-not-provided.js';
import { signature as gprTokenMissingScopes } from './gpr-token-missing-scopes.js';
import { signature as gpr403WritePackage } from './gpr-403-write-package.js';
import { signature as gpr403InstallationNotFound } from './gpr-403-installation-not-found.js';
import { signature as gpr403InstallationNotAllowed } from './gpr-403-installation-not-allowed.js';
import { signature as yarn1EnvReplace } from './yarn1-env-replace.js';
import { signature as provenanceNeedsIdToken } from './provenance-needs-id-token.js';
import { signature as provenanceSelfHostedRunner } from './provenance-self-hosted-runner.js';
import { signature as provenanceMismatch } from './provenance-mismatch.js';
import { signature as oidcExchangeFailed } from './oidc-exchange-failed.js';
import { signature as npmOtpRequired } from './npm-otp-required.js';
import { signature as versionExists } from './version-exists.js';
import { signature as npm403NameTooSimilar } from './npm-403-name-too-similar.js';
import { signature as npm403Credentials } from './npm-403-credentials.js';
import { signature as npm401InvalidToken } from './npm-401-invalid-token.js';
import { signature as npm402PaymentRequired } from './npm-402-payment-required.js';
import { signature as npmNeedAuth } from './npm-need-auth.js';
import { signature as npmInvalidAuthConfig } from './npm-invalid-auth-config.js';
import { signature as yarnBerryNoAuth } from './yarn-berry-no-auth.js';
import { signature as yarnBerryInvalidAuth } from './yarn-berry-invalid-auth.js';
import { signature as semanticReleaseNpmToken } from './semantic-release-npm-token.js';
import { signature as networkFailure } from './network-failure.js';
import { signature as registryServerError } from './registry-server-error.js';
import { signature as gpr404Put } from './gpr-404-put.js';
import { signature as npm404Put } from './npm-404-put.js';
import { signature as noMatchingVersion } from './no-matching-version.js';
import { signature as http404Get } from './http-404-get.js';
import { signature as http401 } from './http-401.js';
import { signature as http403 } from './http-403.js';

export const SIGNATURES: readonly Signature[] = [
  gpr401Unauthenticated,
  gpr401TokenNotProvided,
  gprTokenMissingScopes,
  gpr403WritePackage,
  gpr403InstallationNotFound,
  gpr403InstallationNotAllowed,
  yarn1EnvReplace,
  provenanceNeedsIdToken,
  provenanceSelfHostedRunner,
  provenanceMismatch,
  oidcExchangeFailed,
  npmOtpRequired,
  versionExists,
  npm403NameTooSimilar,
  npm403Credentials,
  npm401InvalidToken,
  npm402PaymentRequired,
  npmNeedAuth,
  npmInvalidAuthConfig,
  yarnBerryNoAuth,
  yarnBerryInvalidAuth,
  semanticReleaseNpmToken,
  networkFailure,
  registryServerError,
  gpr404Put,
  npm404Put,
  noMatchingVersion,
  http404Get,
  http401,
  http403,
];

export function getSignature(id: string): Signature | undefined {
  return SIGNATURES.find((signature) => signature.id === id);
}
