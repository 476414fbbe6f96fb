/**
 * Every `check` rule, listed explicitly (no discovery). To add a rule, add
 * one import line and one entry to `RULES`; order does not matter, because
 * findings are sorted before they are shown.
 */
import type { Rule } from './types.js';

import { rule as continueOnErrorHidesReleaseFailure } from './continue-on-error-hides-release-failure.js';
import { rule as invalidWorkflowYaml } from './invalid-workflow-yaml.js';
import { rule as provenanceWithoutIdToken } from './provenance-without-id-token.js';
import { rule as releaseNotGatedOnPublish } from './release-not-gated-on-publish.js';
import { rule as secretInterpolatedIntoScript } from './secret-interpolated-into-script.js';
import { rule as credentialNotReachingPublish } from './credential-not-reaching-publish.js';
import { rule as githubPackagesScopeMismatch } from './github-packages-scope-mismatch.js';
import { rule as missingPackagesWritePermission } from './missing-packages-write-permission.js';
import { rule as npmrcAuthNotScoped } from './npmrc-auth-not-scoped.js';
import { rule as projectNpmrcShadowsCiCredential } from './project-npmrc-shadows-ci-credential.js';
import { rule as setupNodeTokenIsNotRegistryAuth } from './setup-node-token-is-not-registry-auth.js';
import { rule as trustedPublishingNotPossible } from './trusted-publishing-not-possible.js';

import { rule as errorIgnored } from './error-ignored.js';
import { rule as existenceCheckHidesErrors } from './existence-check-hides-errors.js';
import { rule as pipelineHidesFailure } from './pipeline-hides-failure.js';
import { rule as pipelineStatusCheckMissesFailure } from './pipeline-status-check-misses-failure.js';

export const RULES: Rule[] = [
  continueOnErrorHidesReleaseFailure,
  invalidWorkflowYaml,
  provenanceWithoutIdToken,
  releaseNotGatedOnPublish,
  secretInterpolatedIntoScript,
  credentialNotReachingPublish,
  githubPackagesScopeMismatch,
  missingPackagesWritePermission,
  npmrcAuthNotScoped,
  projectNpmrcShadowsCiCredential,
  setupNodeTokenIsNotRegistryAuth,
  trustedPublishingNotPossible,
  errorIgnored,
  existenceCheckHidesErrors,
  pipelineHidesFailure,
  pipelineStatusCheckMissesFailure,
];
