export type { Signature, SignatureCause, RegistryKind } from './types.js';
export { CAUSES, CAUSE_IDS, isCauseId, type CauseId } from './causes.js';
export { SIGNATURES, getSignature } from './catalogue.js';
export { parseFailureLines, parseNameVersion, registryOrigin, type FailureFacts } from './parse.js';
export { classifyPublishOutput, matchSignature, registryKind, type PublishFailureClassification, type RankedCause, type ClassifyOptions } from './classify.js';
