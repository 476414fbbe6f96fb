/**
 * Run-script analysis on tree-sitter-bash: pipelines and exit statuses,
 * shell options, working directories, files written, exported variables,
 * `npm config set`, publish commands and registry queries.
 *
 * Load the grammar once with `await loadBashParser()` (or call the async
 * `analyzeScript`), then `analyzeScriptSync` parses each script without
 * waiting.
 */
export { analyzeScript, analyzeScriptSync, type AnalyzeOptions, type ScriptLookup } from './analyze.js';
export { detectPublishCommand, detectRegistryQuery, stripWrappers, type ScriptPublishLookup } from './commands.js';
export { detectConfigSet, parseGithubEnvContent, printedContent, writtenFileKind, type GithubEnvEntry } from './effects.js';
export {
  findIgnoredFailures,
  findPipelineFailures,
  findUnsafeExistenceChecks,
  excerpt,
  roleOf,
  type CommandRole,
  type IgnoredFailure,
  type PipelineFailure,
  type UnsafeExistenceCheck,
} from './failures.js';
export { loadBashParser, maskExpressions } from './parser.js';
export { formatPath, joinPath, resolvePath } from './paths.js';
export { literalText, segmentsToString } from './words.js';
export type * from './types.js';
