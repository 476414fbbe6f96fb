/**
 * What a step does for a release: publishes packages, verifies a publish,
 * decides whether to publish, or creates a GitHub release or a git tag.
 *
 * `analyzeStepRole` reads bash and sh scripts with `src/shell/`'s parsed
 * analysis, which `analyzeStep` shares with the other rules. The line-based
 * patterns below are the fallback for other shells and for the sync
 * `stepPublishes` check.
 */
import type { FileReader } from './files.js';
import { isPublishAction } from './known-actions.js';
import type { RunScript, Step } from './model.js';

/** A command found in a run script, with its range in the script text. */
export interface CommandMatch {
  /** The matched command text, such as `npm publish`. */
  text: string;
  start: number;
  end: number;
}

const PUBLISH_COMMAND =
  /(?:^|[\s;&|(`]|\$\()(?:(?:npx|pnpx|bunx)\s+(?:-y\s+|--yes\s+)?)?(?:(?:npm|pnpm)(?:\s+-{1,2}[\w-]+(?:=\S+)?)*\s+publish\b|yarn\s+npm\s+publish\b|yarn(?:\s+workspaces\s+foreach\s+(?:-\S+\s+)*)?\s+publish\b|lerna\s+publish\b|changeset\s+publish\b|semantic-release\b|bun\s+publish\b)/g;

const VERIFY_COMMAND =
  /(?:^|[\s;&|(`]|\$\()(?:(?:npm|pnpm)\s+(?:view|info|show|v)\b|yarn\s+(?:npm\s+)?info\b|(?:npm|pnpm)\s+(?:install|i|add)\s+(?:-\S+\s+)*[@\w][^\s]*@\S*|yarn\s+add\s+[@\w][^\s]*@\S*|pubguard\s+verify\b)/g;

const RELEASE_COMMAND =
  /(?:^|[\s;&|(`]|\$\()(?:gh\s+release\s+create\b|git\s+tag\b(?!\s+(?:-l|--list|-d|--delete)\b)|git\s+push\b[^\n;&|]*(?:--tags|--follow-tags|refs\/tags|\bv\$|\$\{?\w*TAG))/g;

/** Actions that create a GitHub release or a tag (owner/repo, lower case). */
export const RELEASE_ACTIONS: readonly string[] = [
  'softprops/action-gh-release',
  'ncipollo/release-action',
  'actions/create-release',
  'mathieudutour/github-tag-action',
  'rickstaa/action-create-tag',
  'anothrnick/github-tag-action',
  'marvinpinto/action-automatic-releases',
];

/**
 * Find commands in the non-comment lines of a script. `mustContain` is a word
 * every match of `pattern` contains, so a script without it is skipped unread.
 */
function findCommands(script: RunScript, pattern: RegExp, mustContain: RegExp): CommandMatch[] {
  const found: CommandMatch[] = [];
  if (!mustContain.test(script.text)) return found;
  let lineStart = 0;
  for (const line of script.text.split('\n')) {
    const commentAt = line.search(/(^|\s)#/);
    const code = commentAt === -1 ? line : line.slice(0, commentAt);
    for (const match of code.matchAll(pattern)) {
      const leading = match[0].length - match[0].trimStart().replace(/^\$\(/, '').length;
      const start = lineStart + match.index! + leading;
      found.push({ text: script.text.slice(start, lineStart + match.index! + match[0].length), start, end: lineStart + match.index! + match[0].length });
    }
    lineStart += line.length + 1;
  }
  return found;
}

/** Publish commands in a run script (`npm publish`, `pnpm -r publish`, `changeset publish`, …). */
export function findPublishCommands(script: RunScript): CommandMatch[] {
  return findCommands(script, PUBLISH_COMMAND, /publish|semantic-release/).filter((match) => !/--dry-run\b/.test(lineAt(script.text, match.start)));
}

/** Registry queries that check a publish (`npm view`, `npm install pkg@ver`). */
export function findVerifyCommands(script: RunScript): CommandMatch[] {
  return findCommands(script, VERIFY_COMMAND, /npm|yarn|pubguard/);
}

/** `gh release create`, `git tag`, `git push --tags` and similar. */
export function findReleaseCommands(script: RunScript): CommandMatch[] {
  return findCommands(script, RELEASE_COMMAND, /gh|git/);
}

function lineAt(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  const end = text.indexOf('\n', offset);
  return text.slice(start, end === -1 ? text.length : end);
}

// Several rules ask the same questions about every step.
const publishes = new WeakMap<Step, boolean>();

/** True when the step publishes: a publish command in its script or a known publish action. */
export function stepPublishes(step: Step): boolean {
  let answer = publishes.get(step);
  if (answer === undefined) {
    answer = (step.uses?.kind === 'repository' && isPublishAction(step.uses.raw)) || (step.run !== null && findPublishCommands(step.run).length > 0);
    publishes.set(step, answer);
  }
  return answer;
}

/** True when the step queries the registry to check a package (`npm view`, `npm install pkg@ver`). */
export function stepVerifiesPublish(step: Step): boolean {
  return step.run !== null && findVerifyCommands(step.run).length > 0;
}

/** True when the step creates a GitHub release or a git tag. */
export function stepCreatesRelease(step: Step): boolean {
  if (step.uses?.action && RELEASE_ACTIONS.some((action) => step.uses!.action === action || step.uses!.action!.startsWith(`${action}/`))) return true;
  return step.run !== null && findReleaseCommands(step.run).length > 0;
}

/** Step ids (`steps.<id>.…`) read by an `if:` condition or other expression text. */
export function stepIdsReferenced(text: string): string[] {
  return [...text.matchAll(/\bsteps\s*\.\s*([A-Za-z_][\w-]*)\s*\./g)].map((match) => match[1]!);
}

/**
 * Steps of the same job whose result decides whether a publish step runs:
 * steps whose ids the publish step's `if:` reads.
 */
export function stepsDecidingPublish(publishStep: Step, steps: readonly Step[]): Step[] {
  const condition = publishStep.if?.text ?? '';
  const ids = new Set(stepIdsReferenced(condition));
  return steps.filter((step) => step !== publishStep && step.id !== null && ids.has(step.id) && step.job === publishStep.job);
}

/** True when a `continue-on-error:` or `if:`-like value is literally true. */
export function isTrue(value: { value: unknown } | null): boolean {
  return value !== null && (value.value === true || value.value === 'true');
}

/** A step's part in a release, with the script ranges that show it. */
export interface StepRole {
  publishes: boolean;
  verifies: boolean;
  /** The first publish command (`npm publish`) or the publish action's `uses:` value. */
  publishCommand: string | null;
  /** The first registry query (`npm view my-package@1.2.3 version`). */
  verifyCommand: string | null;
  /**
   * A publish whose failure the script itself hides: piped without pipefail,
   * a status check that tests the wrong command, `|| true`, `set +e`.
   */
  masked: { start: number; end: number; command: string; how: 'pipeline' | 'ignored' } | null;
  /**
   * `--provenance` flags of the publish commands, as script ranges; a publish
   * run through `npm run <script>` points at that command. Null when the
   * script was not parsed (not bash or sh).
   */
  provenanceFlags: Array<{ start: number; end: number; text: string }> | null;
  /** Package specs that `npm install`, `pnpm add` or `yarn add` install (`@acme/backend`, `pkg@1.2.3`), as written. */
  installs: Array<{ spec: string; command: string }>;
}

const roles = new WeakMap<Step, Promise<StepRole>>();
// Loaded once: with a module loader hook (tsx) every `import()` call is a
// round trip to the loader's thread, even for a module already loaded.
let scriptModules: Promise<[typeof import('../npmconfig/rule-support.js'), typeof import('../shell/index.js')]> | null = null;

/** Describe a step's part in a release, parsing its script once per run. */
export function analyzeStepRole(step: Step, files: FileReader): Promise<StepRole> {
  let role = roles.get(step);
  if (!role) {
    role = describeRole(step, files);
    roles.set(step, role);
  }
  return role;
}

async function describeRole(step: Step, files: FileReader): Promise<StepRole> {
  const viaAction = step.uses?.kind === 'repository' && isPublishAction(step.uses.raw);
  const role: StepRole = { publishes: viaAction, verifies: false, publishCommand: viaAction ? step.uses!.raw : null, verifyCommand: null, masked: null, provenanceFlags: null, installs: [] };
  if (!step.run) return role;

  // The shell layer and the shared per-step analysis load only when a run script exists.
  const [{ analyzeStep }, shell] = await (scriptModules ??= Promise.all([import('../npmconfig/rule-support.js'), import('../shell/index.js')]));
  const analysis = step.shell.posix ? await analyzeStep(step, files) : null;
  if (!analysis) {
    const publish = findPublishCommands(step.run)[0];
    const verify = findVerifyCommands(step.run)[0];
    return {
      ...role,
      publishes: role.publishes || publish !== undefined,
      publishCommand: role.publishCommand ?? publish?.text ?? null,
      verifies: verify !== undefined,
      verifyCommand: verify?.text ?? null,
    };
  }

  const publishes = [...analysis.publishes.values()].filter((publish) => !publish.dryRun);
  const provenanceFlags: NonNullable<StepRole['provenanceFlags']> = [];
  for (const [id, publish] of analysis.publishes) {
    if (publish.dryRun || !publish.provenance) continue;
    const command = analysis.commands.find((candidate) => candidate.id === id);
    if (!command) continue;
    const flag = command.argv.find((word) => word.text === '--provenance' || word.text === '--provenance=true');
    const span = flag?.span ?? command.span;
    provenanceFlags.push({ start: span.start, end: span.end, text: flag?.text ?? shell.excerpt(analysis, command.span) });
  }
  const query = analysis.commands.find((command) => analysis.queries.has(command.id));
  const installs: StepRole['installs'] = [];
  for (const command of analysis.commands) {
    const [tool, verb, ...rest] = command.argv.map((word) => word.text ?? word.raw);
    if (!['npm', 'pnpm', 'yarn'].includes(tool ?? '') || !['install', 'i', 'add'].includes(verb ?? '')) continue;
    for (const spec of rest) if (!spec.startsWith('-')) installs.push({ spec, command: shell.excerpt(analysis, command.span) });
  }
  const pipeline = shell.findPipelineFailures(analysis).find((failure) => failure.role === 'publish');
  const ignored = shell.findIgnoredFailures(analysis).find((failure) => failure.role === 'publish');
  const masked = pipeline ?? ignored;
  return {
    publishes: role.publishes || publishes.length > 0,
    publishCommand: role.publishCommand ?? publishes[0]?.form ?? null,
    verifies: query !== undefined,
    verifyCommand: query ? shell.excerpt(analysis, query.span) : null,
    masked: masked
      ? { start: masked.command.span.start, end: masked.command.span.end, command: shell.excerpt(analysis, masked.command.span), how: pipeline ? 'pipeline' : 'ignored' }
      : null,
    provenanceFlags,
    installs,
  };
}
