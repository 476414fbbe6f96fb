/**
 * Facts computed after the script walk from the commands and pipelines it
 * recorded: files written by redirects, `${PIPESTATUS[…]}` reads matched to
 * their pipelines, and registry existence checks.
 */
import { resolvePath } from './paths.js';
import { printedContent, writtenFileKind } from './effects.js';
import type { SyntaxNode as Node } from './syntax.js';
import { spanOf } from './nodes.js';
import type { ExistenceCheck, FileWrite, Pipeline, PipestatusRead, Redirect, RegistryQuery, Segment, SimpleCommand, Span } from './types.js';
import { mergeLiterals } from './words.js';

/** The walk's private facts about a command, beyond `SimpleCommand`. */
export interface CommandExtra {
  stdin: Segment[] | null;
  stdoutTarget: Redirect | null;
  pipestatusReads: Array<{ span: Span; index: string | null }>;
  node: Node;
}

/** The records of one walk that the functions here read. */
export interface WalkFacts {
  script: string;
  commands: SimpleCommand[];
  extras: CommandExtra[];
  pipelines: Pipeline[];
  queries: Map<number, RegistryQuery>;
}

const NOT_FOUND_PATTERN = /E404|\b404\b|not found|notfound/i;

// One write per file redirect: the text of every command whose stdout ends there.
export function redirectWrites(facts: WalkFacts): FileWrite[] {
  const byRedirect = new Map<Redirect, number[]>();
  for (const command of facts.commands) {
    const target = facts.extras[command.id]!.stdoutTarget;
    if (target) byRedirect.set(target, [...(byRedirect.get(target) ?? []), command.id]);
  }

  const writes: FileWrite[] = [];
  for (const [redirect, ids] of byRedirect) {
    const target = redirect.target!;
    const first = facts.commands[ids[0]!]!;
    let content: Segment[] | null = [];
    for (const id of ids) {
      const printed = printedContent(facts.commands[id]!.argv, facts.extras[id]!.stdin);
      if (printed === null) {
        content = null;
        break;
      }
      content.push(...printed);
    }
    writes.push({
      kind: writtenFileKind(target),
      target,
      path: resolvePath(target, first.cwd),
      append: redirect.operator === '>>' || redirect.operator === '&>>',
      via: 'redirect',
      content: content === null ? null : mergeLiterals(content),
      span: { start: Math.min(first.span.start, redirect.span.start), end: Math.max(first.span.end, redirect.span.end) },
      command: first.id,
      cwd: first.cwd,
    });
  }
  return writes;
}

// Attaches each `${PIPESTATUS[…]}` read to the latest pipeline of two or more commands before it.
export function attachPipestatusReads(facts: WalkFacts): Map<number, PipestatusRead[]> {
  const reads = new Map<number, PipestatusRead[]>();
  for (const command of facts.commands) {
    const found = facts.extras[command.id]!.pipestatusReads;
    if (found.length === 0) continue;
    const pipeline = latestPipelineBefore(facts, command);
    if (!pipeline) continue;
    const lastId = Math.max(...pipeline.elementCommands.flat());
    // Fresh when this is the first command after the pipeline.
    // NOTE: commands are counted in source order, so a skipped `|| exit 1`
    // between the pipeline and the read makes a read that is fresh at run time look stale.
    const fresh = command.id === lastId + 1;
    for (const read of found) {
      reads.set(pipeline.id, [...(reads.get(pipeline.id) ?? []), { span: read.span, index: read.index, fresh, command: command.id }]);
    }
  }
  return reads;
}

function latestPipelineBefore(facts: WalkFacts, command: SimpleCommand): Pipeline | null {
  let best: Pipeline | null = null;
  for (const pipeline of facts.pipelines) {
    if (pipeline.elements.length < 2) continue;
    const ids = pipeline.elementCommands.flat();
    if (ids.length === 0 || ids.includes(command.id)) continue;
    if (Math.max(...ids) >= command.id) continue;
    if (!best || Math.max(...ids) > Math.max(...best.elementCommands.flat())) best = pipeline;
  }
  return best;
}

export function existenceChecks(facts: WalkFacts): ExistenceCheck[] {
  const checks: ExistenceCheck[] = [];
  for (const [id, query] of facts.queries) {
    if (query.kind !== 'view') continue;
    if (!query.versioned && query.field !== 'version' && query.field !== 'versions') continue;
    const command = facts.commands[id]!;
    const pipeline = facts.pipelines[command.pipeline.id]!;
    // `if npm view … | grep -q …` decides on the pipeline's status, whichever command it carries.
    const statusTest = pipeline.statusTest && pipeline.statusTest.kind !== 'and' ? pipeline.statusTest : null;
    const capture = command.stdout === 'captured' ? captureSpan(facts, command) : null;
    const stderrDiscarded = command.stderr === 'null' ? discardRedirect(command) : null;
    if (!statusTest && !capture) continue;
    // NOTE: a heuristic. npm's error must reach a pipe, capture or file, and
    // a test for E404 must follow on the same line or the next three.
    const nearby = facts.script.slice(command.span.start).split('\n').slice(0, 4).join('\n');
    const distinguishesNotFound = command.stderr !== 'null' && command.stderr !== 'inherited' && NOT_FOUND_PATTERN.test(nearby);
    checks.push({ command: id, query, stderrDiscarded, statusTest, capture, distinguishesNotFound });
  }
  return checks;
}

function captureSpan(facts: WalkFacts, command: SimpleCommand): Span | null {
  let node: Node | null = facts.extras[command.id]!.node;
  while (node && node.type !== 'command_substitution') node = node.parent;
  return node ? spanOf(node) : null;
}

// The redirect that sends stderr to /dev/null; for `>/dev/null 2>&1` a span covering both.
function discardRedirect(command: SimpleCommand): Redirect | null {
  const redirects = command.redirects;
  for (let i = redirects.length - 1; i >= 0; i--) {
    const redirect = redirects[i]!;
    const target = redirect.target?.text;
    if (target === '/dev/null' && (redirect.descriptor === 2 || redirect.operator.startsWith('&'))) return redirect;
    if (redirect.operator === '>&' && redirect.descriptor === 2 && target === '1') {
      const toNull = redirects.slice(0, i).reverse().find((earlier) => earlier.target?.text === '/dev/null' && (earlier.descriptor ?? 1) === 1);
      if (!toNull) return redirect;
      const span = { start: toNull.span.start, end: redirect.span.end };
      return { operator: '>&', descriptor: 2, target: redirect.target, span };
    }
  }
  return null;
}
