/** The GitHub Actions and repository model (see `model.ts`). */
export * from './model.js';
export { loadRepository, parseRemoteUrl, readManifestRepository, parseRepositoryName, normalizeWorkingDirectory, MAX_WORKFLOW_BYTES, type LoadOptions } from './load.js';
export { findIgnoreComments } from './ignore-comments.js';
export { createFileReader, createMemoryReader, joinPath, type FileReader, type DirectoryEntry } from './files.js';
export { findExpressions, isWholeExpression, readsSecret, type Expression, type ExpressionOrigin, type ExpressionReference } from './expressions.js';
export { resolveShell, LINUX_DEFAULT_SHELL, type ResolvedShell, type ShellSource } from './shells.js';
export { SourceFile, spanOfNode, mapScalarOffsets, type Span, type Position } from './source.js';
export { parseNpmrc, expandWorkspaces } from './packages.js';
export { getEntry, getNode, mapEntries, resolveNode, scalarValue, sequenceItems, spanWithinValue, stringAt, parseYaml } from './yaml-nodes.js';
export { analyzeStepRole, findPublishCommands, findReleaseCommands, findVerifyCommands, stepCreatesRelease, stepPublishes, type StepRole } from './publish-steps.js';
