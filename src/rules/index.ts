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

export const RULES: Rule[] = [
  continueOnErrorHidesReleaseFailure,
  invalidWorkflowYaml,
  provenanceWithoutIdToken,
  releaseNotGatedOnPublish,
  secretInterpolatedIntoScript,
];
