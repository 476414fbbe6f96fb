/**
 * Walks a parsed run script in execution order and records, for every simple
 * command, the shell options, working directory, pipeline and status test in
 * effect, and what the command writes and publishes.
 *
 * It follows the bash manual ("Pipelines" and "The Set Builtin"). A
 * pipeline's status is its last command's unless pipefail is set. errexit
 * does not fire for commands in an `if`/`while`/`until` condition, for any
 * command of an `&&`/`||` list but the last, for any pipeline command but
 * the last, or for a pipeline negated with `!`.
 */

import { detectPublishCommand, detectRegistryQuery, stripWrappers, type ScriptPublishLookup } from './commands.js';
import { detectConfigSet, printedContent, writtenFileKind } from './effects.js';
import { loadBashParser, maskExpressions, parseMasked } from './parser.js';
import { resolvePath } from './paths.js';
import { attachPipestatusReads, existenceChecks, redirectWrites, type CommandExtra, type WalkFacts } from './post-walk.js';
import { copyTree, type SyntaxNode as Node } from './syntax.js';
import {
  bodyAfterKeyword,
  classifyHandler,
  collectPipeOperators,
  COMMAND_LIKE,
  conditionBeforeThen,
  findPipestatusReads,
  findStatusVariable,
  firstCommandLike,
  flattenPipeline,
  isBareAssignment,
  spanOf,
  spanOfNodes,
  splitAssignmentWord,
  splitJoinedAssignments,
  statementChildren,
  STATEMENT_SKIP,
  unwrapNegation,
} from './nodes.js';
import type {
  Assignment,
  ConfigSet,
  ExportedVariable,
  FailureHandler,
  FailureOutcome,
  FileWrite,
  OptionChange,
  Pipeline,
  PublishCommand,
  Redirect,
  RegistryQuery,
  ScriptAnalysis,
  Segment,
  ShellOptions,
  ShellPath,
  SimpleCommand,
  Span,
  StatusTest,
  StreamDestination,
  Word,
} from './types.js';
import { mergeLiterals, WordReader } from './words.js';

/** Looks up a package.json script by name for the directory a command runs in. */
export type ScriptLookup = (scriptName: string, cwd: ShellPath) => string | undefined;

export interface AnalyzeOptions {
  /** The options the shell starts with; `bash -e {0}` (errexit, no pipefail) when omitted. */
  start?: { errexit: boolean; pipefail: boolean };
  /** Finds package.json scripts, so `npm run release` counts when the script publishes. */
  scripts?: ScriptLookup;
}

/** Loads the grammar when needed, then analyses the script. */
export async function analyzeScript(script: string, options: AnalyzeOptions = {}): Promise<ScriptAnalysis> {
  await loadBashParser();
  return analyzeScriptSync(script, options);
}

/** Analyses a script; `loadBashParser()` must have finished first. */
export function analyzeScriptSync(script: string, options: AnalyzeOptions = {}): ScriptAnalysis {
  if (script.length > MEMO_MAX_SCRIPT) return analyzeAtDepth(script, options, 0);
  const key = `${options.start?.errexit ?? true}${options.start?.pipefail ?? false}${options.scripts ? 'L' : '-'}\u0000${script}`;
  const known = memo.get(key);
  const lookup = options.scripts;
  if (known && (!lookup || known.lookups.every((call) => lookup(call.name, call.cwd) === call.body))) {
    // Refresh the entry's place, so the least recently used one leaves first.
    memo.delete(key);
    memo.set(key, known);
    return known.analysis;
  }
  const lookups: MemoEntry['lookups'] = [];
  const recording: AnalyzeOptions = lookup
    ? {
        ...options,
        scripts: (name, cwd) => {
          const body = lookup(name, cwd);
          lookups.push({ name, cwd, body });
          return body;
        },
      }
    : options;
  const analysis = analyzeAtDepth(script, recording, 0);
  memo.set(key, { analysis, lookups });
  if (memo.size > MEMO_ENTRIES) memo.delete(memo.keys().next().value!);
  return analysis;
}

/**
 * Workflows repeat the same scripts (`npm ci`, `npm test`) in many steps and
 * files, and the analysis depends only on the text, the starting options and
 * the package.json scripts it looked up. So the last few hundred analyses are
 * kept by text, and a hit is used only when every lookup it made still gives
 * the same body. Callers treat an analysis as read-only.
 */
interface MemoEntry {
  analysis: ScriptAnalysis;
  lookups: Array<{ name: string; cwd: ShellPath; body: string | undefined }>;
}
const MEMO_ENTRIES = 256;
const MEMO_MAX_SCRIPT = 16 * 1024;
const memo = new Map<string, MemoEntry>();

function analyzeAtDepth(script: string, options: AnalyzeOptions, depth: number): ScriptAnalysis {
  const { masked, expressions } = maskExpressions(script);
  const tree = parseMasked(masked);
  try {
    const walker = new ScriptWalker(script, masked, new WordReader(script, expressions), options, depth);
    let incomplete: string | null = null;
    try {
      walker.run(copyTree(tree, masked));
    } catch (error) {
      // NOTE: the walk recurses once per nesting level; a script nested thousands
      // of levels deep keeps the facts found so far instead of failing the check.
      if (!(error instanceof RangeError)) throw error;
      incomplete = 'the script is nested too deeply to analyse';
    }
    return { ...walker.result(expressions), incomplete };
  } finally {
    tree.delete();
  }
}

/** The destination of a statement's status, built by the construct that contains it. */
interface Sink {
  /** The test applied to the status; `negated` is true for `! cmd`, which swaps the branches. */
  test(negated: boolean): StatusTest | null;
  errexitApplies: boolean;
  andList: boolean;
  background: boolean;
  /** The outcome when no test catches the failure and errexit does not fire. */
  fallback: FailureOutcome;
}

interface ShellState {
  options: ShellOptions;
  cwd: ShellPath;
  oldPwd: ShellPath | null;
  dirStack: ShellPath[];
}

/** Redirects of enclosing statements and the input they give (heredoc, here-string). */
interface IoFrame {
  redirects: Redirect[];
  stdin: Segment[] | null;
}


class ScriptWalker {
  private readonly commands: SimpleCommand[] = [];
  private readonly extras: CommandExtra[] = [];
  private readonly pipelines: Pipeline[] = [];
  private readonly optionChanges: OptionChange[] = [];
  private readonly exports: ExportedVariable[] = [];
  private readonly configSets: ConfigSet[] = [];
  private readonly teeWrites: FileWrite[] = [];
  private readonly publishes = new Map<number, PublishCommand>();
  private readonly queries = new Map<number, RegistryQuery>();
  private readonly syntaxErrors: Span[] = [];
  private readonly io: IoFrame[] = [];
  /** Compound pipeline elements being walked (`{ …; } | tee f`): their commands write to the pipe. */
  private readonly enclosingElements: ElementContext[] = [];
  private readonly start: ShellOptions;
  private state: ShellState;
  private substitutionDepth = 0;
  private scopeDepth = 0;
  private functionName: string | null = null;

  constructor(
    private readonly script: string,
    private readonly masked: string,
    private readonly words: WordReader,
    private readonly options: AnalyzeOptions,
    private readonly depth: number,
  ) {
    const start = options.start ?? { errexit: true, pipefail: false };
    this.start = { errexit: start.errexit, pipefail: start.pipefail, errexitSetAt: null, pipefailSetAt: null };
    this.state = { options: { ...this.start }, cwd: { known: true, base: { kind: 'step' }, path: '.' }, oldPwd: null, dirStack: [] };
  }

  run(root: Node): void {
    const lastStatus: FailureOutcome = { kind: 'step-fails', via: 'last-status' };
    this.statements(statementChildren(root), { test: () => null, errexitApplies: true, andList: false, background: false, fallback: lastStatus });
  }

  result(expressions: ScriptAnalysis['expressions']): ScriptAnalysis {
    const facts: WalkFacts = { script: this.script, commands: this.commands, extras: this.extras, pipelines: this.pipelines, queries: this.queries };
    const pipestatus = attachPipestatusReads(facts);
    for (const pipeline of this.pipelines) pipeline.pipestatusReads = pipestatus.get(pipeline.id) ?? [];
    return {
      script: this.script,
      masked: this.masked,
      expressions,
      start: this.start,
      commands: this.commands,
      pipelines: this.pipelines,
      optionChanges: this.optionChanges,
      writes: [...redirectWrites(facts), ...this.teeWrites].sort((a, b) => a.span.start - b.span.start),
      exports: this.exports,
      configSets: this.configSets,
      publishes: this.publishes,
      queries: this.queries,
      existenceChecks: existenceChecks(facts),
      syntaxErrors: this.syntaxErrors,
      incomplete: null,
    };
  }

  // ---- statement lists and compound statements ----

  private statements(nodes: Node[], sink: Sink): void {
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i]!;
      const isLast = i === nodes.length - 1;
      const background = node.nextSibling?.type === '&';
      if (isLast && !background) {
        this.statement(node, sink);
        continue;
      }
      this.statement(node, this.nextSink(sink, nodes[i + 1] ?? null, background));
    }
  }

  // The sink of a statement followed by another: only `$?` in the next one reads its status.
  private nextSink(parent: Sink, next: Node | null, background: boolean): Sink {
    const reader = next && !background ? this.statusReader(next) : null;
    return {
      test: () => reader,
      errexitApplies: parent.errexitApplies,
      andList: false,
      background,
      fallback: { kind: 'ignored', reason: 'errexit-off' },
    };
  }

  // A status-variable test when the first command of `next` reads `$?`.
  private statusReader(next: Node): StatusTest | null {
    const first = firstCommandLike(next);
    if (!first) return null;
    const read = findStatusVariable(first);
    if (!read) return null;
    const storesOnly = first.type === 'variable_assignment' || (first.type === 'command' && !first.childForFieldName('name'));
    const outcome = storesOnly ? 'unknown' : classifyHandler([next]);
    return { kind: 'status-variable', span: spanOf(read), handler: { span: spanOf(next), outcome } };
  }

  private statement(node: Node, sink: Sink): void {
    if (node.type === 'ERROR' || node.isMissing) this.syntaxErrors.push(spanOf(node));

    switch (node.type) {
      case 'list':
        return this.list(node, sink);
      case 'pipeline':
        return this.pipeline(node, sink, false);
      case 'negated_command':
        return this.pipeline(node, sink, false);
      case 'redirected_statement':
        return this.redirectedWithContinuation(node, sink);
      case 'subshell':
        return this.scoped(() => this.statements(statementChildren(node), sink));
      case 'compound_statement':
        return this.statements(statementChildren(node), sink);
      case 'if_statement':
        return this.ifStatement(node, sink);
      case 'while_statement':
        return this.whileStatement(node, sink);
      case 'for_statement':
      case 'c_style_for_statement':
      case 'select_statement':
        return this.forStatement(node, sink);
      case 'case_statement':
        return this.caseStatement(node, sink);
      case 'function_definition':
        return this.functionDefinition(node);
      default:
        if (COMMAND_LIKE.has(node.type)) return this.pipeline(node, sink, false);
        // An ERROR node or an unknown construct: walk what it contains.
        this.statements(statementChildren(node), sink);
    }
  }

  private list(node: Node, sink: Sink): void {
    const left = node.namedChildren[0];
    const right = node.namedChildren[node.namedChildren.length - 1];
    const operator = node.children.find((child) => child?.type === '&&' || child?.type === '||');
    if (!left || !right || !operator || left === right) return this.statements(statementChildren(node), sink);
    this.listParts(operator, right, sink, (leftSink) => this.statement(left, leftSink));
  }

  private listParts(operator: Node, right: Node, sink: Sink, walkLeft: (leftSink: Sink) => void): void {
    const operatorSpan = spanOf(operator);
    const rightSpan = spanOf(right);
    let leftSink: Sink;
    if (operator.type === '||') {
      // `a || b`: b runs when a fails; a negated `! a || b` never runs b when a fails.
      leftSink = {
        test: (negated) =>
          negated
            ? { kind: 'not', span: operatorSpan, handler: null }
            : { kind: 'or', span: operatorSpan, handler: { span: rightSpan, outcome: classifyHandler([right]) } },
        errexitApplies: false,
        andList: false,
        background: sink.background,
        fallback: sink.fallback,
      };
    } else {
      // `a && b`: a failing skips b and becomes the list's status, tested only by what tests the list.
      leftSink = {
        test: (negated) =>
          negated
            ? { kind: 'not', span: operatorSpan, handler: { span: rightSpan, outcome: classifyHandler([right]) } }
            : (sink.test(false) ?? { kind: 'and', span: operatorSpan, handler: null }),
        errexitApplies: false,
        andList: true,
        background: sink.background,
        fallback: sink.fallback.kind === 'ignored' ? { kind: 'ignored', reason: 'and-list' } : sink.fallback,
      };
    }
    walkLeft(leftSink);
    this.statement(right, sink);
  }

  // The grammar puts what follows `cat <<EOF` on its line (`| tee f`, `&& x`)
  // inside the heredoc redirect; this walks it as the pipeline or list it is.
  private redirectedWithContinuation(node: Node, sink: Sink): void {
    const heredoc = node.childrenForFieldName('redirect').find((child) => child.type === 'heredoc_redirect');
    const piped = heredoc?.namedChildren.find((child) => child.type === 'pipeline') ?? null;
    const right = heredoc?.childForFieldName('right') ?? null;
    const operator = heredoc?.childForFieldName('operator') ?? null;

    if (piped) {
      const elements = [node, ...flattenPipeline(piped)];
      const operators = collectPipeOperators(piped);
      return this.registerPipeline(node, elements, operators, false, sink, null, null);
    }
    if (right && operator && (operator.type === '&&' || operator.type === '||')) {
      return this.listParts(operator, right, sink, (leftSink) => this.redirected(node, leftSink));
    }
    this.redirected(node, sink);
  }

  private redirected(node: Node, sink: Sink): void {
    const body = node.childForFieldName('body');
    const frame = this.ioFrame(node);
    // `a | b > f` redirects only b, though the grammar wraps the whole pipeline.
    if (body?.type === 'pipeline') return this.pipeline(body, sink, false, frame);
    this.io.push(frame);
    try {
      if (body) this.statement(body, sink);
    } finally {
      this.io.pop();
    }
  }

  private ioFrame(node: Node): IoFrame {
    return this.ioFrameOf(node.childrenForFieldName('redirect').filter((child): child is Node => child !== null));
  }

  private ioFrameOf(redirectNodes: Node[]): IoFrame {
    const redirects: Redirect[] = [];
    let stdin: Segment[] | null = null;
    const visit = (redirect: Node) => {
      if (redirect.type === 'file_redirect') {
        redirects.push(this.redirect(redirect));
      } else if (redirect.type === 'herestring_redirect') {
        const value = redirect.namedChildren.find((child) => child !== null);
        stdin = value ? mergeLiterals([...this.words.segments(value), { kind: 'literal', text: '\n' }]) : null;
        redirects.push({ operator: '<<<', descriptor: null, target: null, span: spanOf(redirect) });
      } else if (redirect.type === 'heredoc_redirect') {
        const start = redirect.children.find((child) => child?.type === 'heredoc_start');
        const body = redirect.children.find((child) => child?.type === 'heredoc_body');
        const operator = redirect.children[0]?.type ?? '<<';
        const quoted = start ? /['"\\]/.test(start.text) : false;
        stdin = body ? this.words.heredoc(body, quoted, operator === '<<-') : [];
        redirects.push({ operator, descriptor: null, target: null, span: spanOf(redirect) });
        // `cat <<EOF > file`: the grammar nests the file redirect inside the heredoc redirect.
        for (const inner of redirect.childrenForFieldName('redirect')) if (inner) visit(inner);
      }
    };
    for (const redirect of redirectNodes) visit(redirect);
    return { redirects, stdin };
  }

  private redirect(node: Node): Redirect {
    const descriptor = node.childForFieldName('descriptor');
    const destination = node.childrenForFieldName('destination').find((child) => child !== null) ?? null;
    const operator = node.children.find((child) => child !== null && !child.isNamed)?.type ?? '>';
    return {
      operator,
      descriptor: descriptor ? Number(descriptor.text) : null,
      target: destination ? this.words.word(destination) : null,
      span: spanOf(node),
    };
  }

  private ifStatement(node: Node, sink: Sink): void {
    const conditions = conditionBeforeThen(node);
    const clauses = node.namedChildren.filter((child): child is Node => child?.type === 'elif_clause' || child?.type === 'else_clause');
    const thenBody = bodyAfterKeyword(node, 'then', clauses[0] ?? null);
    const keyword = node.children[0]!;
    this.branches(keyword, conditions, thenBody, clauses, sink, 'if');
  }

  // Walks an `if` or `elif` condition and its branches, keeping the working directory only when all branches agree.
  private branches(keyword: Node, conditions: Node[], thenBody: Node[], clauses: Node[], sink: Sink, kind: 'if' | 'elif'): void {
    const elseNodes = clauses;
    const thenHandler: FailureHandler = { span: spanOfNodes(thenBody, keyword), outcome: classifyHandler(thenBody) };
    const elseHandler: FailureHandler | null = elseNodes.length > 0 ? { span: spanOfNodes(elseNodes, keyword), outcome: classifyHandler(elseNodes) } : null;
    const keywordSpan = spanOf(keyword);
    const conditionSink: Sink = {
      test: (negated) => ({ kind, span: keywordSpan, handler: negated ? thenHandler : elseHandler }),
      errexitApplies: false,
      andList: false,
      background: false,
      fallback: { kind: 'tested' },
    };
    this.conditionList(conditions, conditionSink);

    const before = this.state;
    const outcomes: ShellState[] = [];
    this.state = cloneState(before);
    this.statements(thenBody, sink);
    outcomes.push(this.state);

    const first = elseNodes[0];
    this.state = cloneState(before);
    if (first?.type === 'elif_clause') {
      const elifConditions = conditionBeforeThen(first);
      const rest = elseNodes.slice(1);
      const elifBody = bodyAfterKeyword(first, 'then', null);
      this.branches(first.children[0]!, elifConditions, elifBody, rest, sink, 'elif');
    } else if (first?.type === 'else_clause') {
      this.statements(statementChildren(first), sink);
    }
    outcomes.push(this.state);
    this.state = mergeStates(outcomes, spanOf(keyword));
  }

  // Walks the statements of a condition: only the last one's status is tested.
  private conditionList(conditions: Node[], sink: Sink): void {
    const nodes = conditions.flatMap((node) => (node.type === ';' ? [] : [node])).filter((node) => node.isNamed && !STATEMENT_SKIP.has(node.type));
    this.statements(nodes, sink);
  }

  private whileStatement(node: Node, sink: Sink): void {
    const until = node.children[0]?.type === 'until';
    const conditions = node.childrenForFieldName('condition').filter((child): child is Node => child !== null);
    const keywordSpan = spanOf(node.children[0]!);
    this.conditionList(conditions, {
      test: () => ({ kind: until ? 'until' : 'while', span: keywordSpan, handler: null }),
      errexitApplies: false,
      andList: false,
      background: false,
      fallback: { kind: 'tested' },
    });
    this.loopBody(node.childForFieldName('body'), sink, keywordSpan);
  }

  private forStatement(node: Node, sink: Sink): void {
    for (const value of node.childrenForFieldName('value')) if (value) this.substitutionsIn(value, null);
    this.loopBody(node.childForFieldName('body'), sink, spanOf(node.children[0]!));
  }

  private loopBody(body: Node | null, sink: Sink, keyword: Span): void {
    if (!body) return;
    const before = cloneState(this.state);
    this.statements(statementChildren(body), sink);
    this.state = mergeStates([before, this.state], keyword);
  }

  private caseStatement(node: Node, sink: Sink): void {
    const value = node.childForFieldName('value');
    if (value) this.substitutionsIn(value, null);
    const before = this.state;
    const outcomes: ShellState[] = [cloneState(before)];
    for (const item of node.namedChildren) {
      if (item?.type !== 'case_item') continue;
      this.state = cloneState(before);
      const body = item.namedChildren.filter((child): child is Node => child !== null && !item.childrenForFieldName('value').includes(child) && !STATEMENT_SKIP.has(child.type));
      this.statements(body, sink);
      outcomes.push(this.state);
    }
    this.state = mergeStates(outcomes, spanOf(node.children[0]!));
  }

  private functionDefinition(node: Node): void {
    const name = node.childForFieldName('name')?.text ?? null;
    const body = node.childForFieldName('body');
    if (!body) return;
    const outer = this.functionName;
    this.functionName = name;
    // NOTE: a function body is analysed once, where it is defined, with the
    // options and directory of that point; calls are not followed.
    this.scoped(() =>
      this.statement(body, { test: () => null, errexitApplies: true, andList: false, background: false, fallback: { kind: 'unknown' } }),
    );
    this.functionName = outer;
  }

  // Runs `walk` in a subshell-like scope: option and directory changes do not leak out.
  private scoped(walk: () => void): void {
    const saved = cloneState(this.state);
    this.scopeDepth++;
    try {
      walk();
    } finally {
      this.scopeDepth--;
      this.state = saved;
    }
  }

  // ---- pipelines and simple commands ----

  private pipeline(node: Node, sink: Sink, negatedFromParent: boolean, lastFrame: IoFrame | null = null): void {
    let negated = negatedFromParent;
    let elements: Node[];
    let operators: Node[] = [];
    if (node.type === 'pipeline') {
      elements = node.namedChildren.filter((child): child is Node => child !== null && child.type !== 'comment');
      operators = node.children.filter((child): child is Node => child?.type === '|' || child?.type === '|&');
      // The grammar reads `! a | b` as a pipeline whose first element is negated; bash negates the whole pipeline.
      if (elements[0]?.type === 'negated_command') {
        negated = true;
        elements = [unwrapNegation(elements[0]), ...elements.slice(1)];
      }
    } else if (node.type === 'negated_command') {
      const inner = unwrapNegation(node);
      if (inner.type === 'pipeline') return this.pipeline(inner, sink, !negatedFromParent, lastFrame);
      negated = !negatedFromParent;
      elements = [inner];
    } else {
      elements = [node];
    }

    // The grammar bug that joins `a=1 b=2` with the next line's command is undone here.
    if (elements.length === 1 && elements[0]!.type === 'command') {
      const parts = splitJoinedAssignments(elements[0]!, this.masked);
      if (parts) {
        this.simpleCommandStatement(parts.assignments, this.nextSink(sink, null, false));
        elements = [elements[0]!];
        return this.registerPipeline(node, elements, operators, negated, sink, parts.rest, lastFrame);
      }
    }
    this.registerPipeline(node, elements, operators, negated, sink, null, lastFrame);
  }

  private registerPipeline(
    node: Node,
    elements: Node[],
    operators: Node[],
    negated: boolean,
    sink: Sink,
    restChildren: Node[] | null,
    lastFrame: IoFrame | null,
  ): void {
    const options = { ...this.state.options };
    const test = sink.test(negated);
    const failure = this.resolveFailure(sink, options, negated, test);
    const pipeline: Pipeline = {
      id: this.pipelines.length,
      span: restChildren ? { start: restChildren[0]!.startIndex, end: node.endIndex } : spanOf(node),
      elements: elements.map(spanOf),
      elementCommands: [],
      operators: operators.map(spanOf),
      negated,
      options,
      statusTest: test,
      pipestatusReads: [],
      failure,
    };
    this.pipelines.push(pipeline);

    let stdin: Segment[] | null | undefined;
    elements.forEach((element, index) => {
      const isLast = index === elements.length - 1;
      const pipesStderr = operators[index]?.type === '|&';
      const elementFailure: FailureOutcome = !isLast && !options.pipefail ? { kind: 'lost-in-pipeline' } : failure;
      const before = this.commands.length;
      const context: ElementContext = { pipeline, index, stdin: stdin ?? null, stdout: isLast ? null : 'pipe', stderrToPipe: pipesStderr, failure: elementFailure, test };
      const walk = () => {
        if (isLast && lastFrame) this.io.push(lastFrame);
        try {
          this.element(element, context, restChildren);
        } finally {
          if (isLast && lastFrame) this.io.pop();
        }
      };
      // Every element of a pipeline of two or more runs in a subshell.
      if (elements.length > 1) this.scoped(walk);
      else walk();
      const ids = this.commands.slice(before).map((command) => command.id);
      pipeline.elementCommands.push(ids);
      stdin = this.elementOutput(ids);
    });
  }

  private resolveFailure(sink: Sink, options: ShellOptions, negated: boolean, test: StatusTest | null): FailureOutcome {
    if (test && test.kind !== 'and' && test.kind !== 'status-variable') return { kind: 'tested' };
    if (sink.background) return { kind: 'ignored', reason: 'background' };
    // errexit stops the script before a later `$?` could be read.
    if (options.errexit && sink.errexitApplies && !negated) return { kind: 'step-fails', via: 'errexit' };
    if (test?.kind === 'status-variable') return { kind: 'tested' };
    if (negated) return { kind: 'ignored', reason: 'negated' };
    const fallback = sink.fallback;
    if (fallback.kind === 'ignored' && (fallback.reason === 'errexit-off' || fallback.reason === 'condition' || fallback.reason === 'and-list')) {
      if (!options.errexit) return { kind: 'ignored', reason: 'errexit-off' };
      return { kind: 'ignored', reason: sink.andList ? 'and-list' : 'condition' };
    }
    return fallback;
  }

  // The text the last element printed to the pipe, when every command of it is known.
  private elementOutput(ids: number[]): Segment[] | null {
    if (ids.length === 0) return null;
    const parts: Segment[] = [];
    for (const id of ids) {
      const command = this.commands[id]!;
      if (command.inSubstitution) continue;
      if (command.stdout !== 'pipe') continue;
      const printed = printedContent(command.argv, this.extras[id]!.stdin);
      if (printed === null) return null;
      parts.push(...printed);
    }
    return parts.length > 0 ? mergeLiterals(parts) : null;
  }

  private element(node: Node, context: ElementContext, restChildren: Node[] | null): void {
    if (COMMAND_LIKE.has(node.type)) return this.simpleCommand(node, context, restChildren);
    if (node.type === 'redirected_statement') {
      const frame = this.ioFrame(node);
      this.io.push(frame);
      try {
        const body = node.childForFieldName('body');
        if (body) this.element(body, { ...context, stdin: frame.stdin ?? context.stdin }, restChildren);
      } finally {
        this.io.pop();
      }
      return;
    }
    // A compound element: its last statement's status is the element's.
    const sink: Sink = {
      test: () => context.test,
      errexitApplies: context.failure.kind === 'step-fails',
      andList: false,
      background: false,
      fallback: context.failure,
    };
    this.enclosingElements.push(context);
    try {
      this.statement(node, sink);
    } finally {
      this.enclosingElements.pop();
    }
  }

  // A statement made only of assignments split off a joined command.
  private simpleCommandStatement(children: Node[], sink: Sink): void {
    const options = { ...this.state.options };
    const test = sink.test(false);
    const failure = this.resolveFailure(sink, options, false, test);
    const pipeline: Pipeline = {
      id: this.pipelines.length,
      span: { start: children[0]!.startIndex, end: children[children.length - 1]!.endIndex },
      elements: [],
      elementCommands: [],
      operators: [],
      negated: false,
      options,
      statusTest: test,
      pipestatusReads: [],
      failure,
    };
    pipeline.elements.push(pipeline.span);
    this.pipelines.push(pipeline);
    const before = this.commands.length;
    this.simpleCommand(children[0]!.parent!, { pipeline, index: 0, stdin: null, stdout: null, stderrToPipe: false, failure, test }, children);
    pipeline.elementCommands.push(this.commands.slice(before).map((command) => command.id));
  }

  private simpleCommand(node: Node, context: ElementContext, onlyChildren: Node[] | null): void {
    const isAssignmentStatement = node.type === 'variable_assignment' || node.type === 'variable_assignments';
    const children = onlyChildren ?? (isAssignmentStatement ? [node] : node.children.filter((child): child is Node => child !== null));
    const span = { start: children[0]?.startIndex ?? node.startIndex, end: children[children.length - 1]?.endIndex ?? node.endIndex };
    const ownRedirects: Redirect[] = [];
    const assignments: Assignment[] = [];
    const words: Word[] = [];
    let ownStdin: Segment[] | null = null;

    // Substitutions run before the command itself, so their commands come first.
    const bareAssignment = isBareAssignment(node, children);
    for (const child of children) this.substitutionsIn(child, bareAssignment ? context : null);

    this.collectParts(node, children, words, assignments, ownRedirects, (stdin) => (ownStdin = stdin));

    const argv = node.type === 'declaration_command' || node.type === 'test_command' ? words : stripWrappers(words);
    const frames = this.io;
    const inherited = frames.flatMap((frame) => frame.redirects);
    const stdinFromFrames = frames.length > 0 ? frames[frames.length - 1]!.stdin : null;
    const stdin = ownStdin ?? stdinFromFrames ?? context.stdin;
    const redirects = [...inherited, ...ownRedirects];
    const streams = this.streams(redirects, context);

    const command: SimpleCommand = {
      id: this.commands.length,
      name: argv[0]?.text ?? null,
      words,
      argv,
      assignments,
      redirects,
      span,
      cwd: this.state.cwd,
      options: { ...this.state.options },
      pipeline: { id: context.pipeline.id, index: context.index, length: context.pipeline.elements.length },
      stdout: streams.stdout,
      stderr: streams.stderr,
      inSubstitution: this.substitutionDepth > 0,
      inFunction: this.functionName,
      statusTest: context.test,
      failure: context.failure,
    };
    this.commands.push(command);
    this.extras.push({ stdin, stdoutTarget: streams.stdoutTarget, pipestatusReads: findPipestatusReads(children), node });

    this.effects(command, stdin);
  }

  private collectParts(node: Node, children: Node[], words: Word[], assignments: Assignment[], redirects: Redirect[], setStdin: (stdin: Segment[]) => void): void {
    if (node.type === 'test_command') {
      const bracket = node.children[0] ?? node;
      words.push({ raw: bracket.text, text: bracket.text, segments: [{ kind: 'literal', text: bracket.text }], span: spanOf(bracket) });
      return;
    }
    for (const child of children) {
      if (child.type === 'variable_assignment') {
        assignments.push(this.assignment(child));
      } else if (child.type === 'variable_assignments') {
        for (const inner of child.namedChildren) if (inner?.type === 'variable_assignment') assignments.push(this.assignment(inner));
      } else if (child.type === 'file_redirect') {
        redirects.push(this.redirect(child));
      } else if (child.type === 'herestring_redirect' || child.type === 'heredoc_redirect') {
        const frame = this.ioFrameOf([child]);
        redirects.push(...frame.redirects);
        if (frame.stdin) setStdin(frame.stdin);
      } else if (child.type === 'comment') {
        continue;
      } else if (child.isNamed) {
        words.push(this.words.word(child));
      } else if (child.type !== '=' && (node.type === 'declaration_command' || node.type === 'unset_command')) {
        // Declaration keywords (`export`, `local`, `unset`) are unnamed nodes but are the command's name.
        words.push({ raw: child.text, text: child.text, segments: [{ kind: 'literal', text: child.text }], span: spanOf(child) });
      }
    }
  }

  private assignment(node: Node): Assignment {
    const name = node.childForFieldName('name')?.text ?? '';
    const value = node.childForFieldName('value');
    return { name, value: value ? this.words.word(value) : null, span: spanOf(node) };
  }

  // Where stdout and stderr go after the redirects, applied left to right.
  private streams(redirects: Redirect[], context: ElementContext): { stdout: StreamDestination; stderr: StreamDestination; stdoutTarget: Redirect | null } {
    type Target = { destination: StreamDestination; redirect: Redirect | null };
    const fds: Record<number, Target> = {
      1: { destination: context.stdout ?? this.inheritedStdout(), redirect: null },
      2: { destination: context.stderrToPipe ? 'pipe' : 'inherited', redirect: null },
    };
    for (const redirect of redirects) {
      const target = redirect.target?.text ?? null;
      if (redirect.target === null) continue;
      const fileTarget = (): Target =>
        target === '/dev/null'
          ? { destination: 'null', redirect: null }
          : target === '/dev/stdout'
            ? { ...fds[1]! }
            : target === '/dev/stderr'
              ? { ...fds[2]! }
              : { destination: 'file', redirect };
      if (redirect.operator === '>' || redirect.operator === '>>' || redirect.operator === '>|') {
        fds[redirect.descriptor ?? 1] = fileTarget();
      } else if (redirect.operator === '&>' || redirect.operator === '&>>') {
        fds[1] = fileTarget();
        fds[2] = fds[1];
      } else if (redirect.operator === '>&' && target !== null && /^\d+$/.test(target)) {
        fds[redirect.descriptor ?? 1] = { ...(fds[Number(target)] ?? { destination: 'inherited', redirect: null }) };
      } else if (redirect.operator === '>&' && target !== '-') {
        fds[1] = fileTarget();
        fds[2] = fds[1];
      }
    }
    return { stdout: fds[1]!.destination, stderr: fds[2]!.destination, stdoutTarget: fds[1]!.destination === 'file' ? fds[1]!.redirect : null };
  }

  private inheritedStdout(): StreamDestination {
    const element = this.enclosingElements[this.enclosingElements.length - 1];
    if (element?.stdout) return element.stdout;
    return this.substitutionDepth > 0 ? 'captured' : 'inherited';
  }

  // Walks the command substitutions inside a node. In a bare assignment
  // (`x=$(cmd)`) the substitution's status becomes the statement's.
  private substitutionsIn(node: Node, bareAssignment: ElementContext | null): void {
    const visit = (current: Node) => {
      if (current.type === 'command_substitution' || current.type === 'process_substitution') {
        this.substitution(current, bareAssignment);
        return;
      }
      if (current.type === 'heredoc_body' || current.type === 'heredoc_redirect' || current.type === 'herestring_redirect' || current.type === 'file_redirect') {
        for (const child of current.namedChildren) if (child) visit(child);
        return;
      }
      for (const child of current.namedChildren) if (child) visit(child);
    };
    visit(node);
  }

  private substitution(node: Node, bareAssignment: ElementContext | null): void {
    const fallback: FailureOutcome = bareAssignment ? bareAssignment.failure : { kind: 'ignored', reason: 'substitution' };
    const sink: Sink = {
      test: () => (bareAssignment ? bareAssignment.test : null),
      errexitApplies: bareAssignment !== null && bareAssignment.failure.kind === 'step-fails',
      andList: false,
      background: false,
      fallback,
    };
    const savedElements = this.enclosingElements.splice(0);
    const savedFrames = this.io.splice(0);
    this.substitutionDepth++;
    this.scoped(() => {
      // NOTE: bash clears errexit inside `$( … )` unless `shopt -s inherit_errexit`
      // (bash manual, "Command Execution Environment"); sh keeps it.
      this.state.options = { ...this.state.options, errexit: false };
      this.statements(statementChildren(node), sink);
    });
    this.substitutionDepth--;
    this.enclosingElements.push(...savedElements);
    this.io.push(...savedFrames);
  }

  // ---- what a command changes or produces ----

  private effects(command: SimpleCommand, stdin: Segment[] | null): void {
    const name = command.name;
    const args = command.argv.slice(1);

    if (name === 'set') this.setOptions(command, args);
    if (name === 'cd' || name === 'pushd' || name === 'popd') this.changeDirectory(command, name, args);
    if (name === 'export' || ((name === 'declare' || name === 'typeset') && args.some((word) => /^-\w*x/.test(word.text ?? '')))) {
      this.recordExports(command);
    }
    if (name === 'tee') this.recordTee(command, args, stdin);

    const config = detectConfigSet(command.argv);
    if (config) this.configSets.push({ ...config, span: command.span, command: command.id, cwd: command.cwd });

    const publish = detectPublishCommand(command.argv, this.scriptLookup(command.cwd));
    if (publish) this.publishes.set(command.id, publish);
    const query = detectRegistryQuery(command.argv);
    if (query) this.queries.set(command.id, query);
  }

  private scriptLookup(cwd: ShellPath): ScriptPublishLookup | undefined {
    const lookup = this.options.scripts;
    if (!lookup || this.depth >= 2) return undefined;
    return (scriptName) => {
      const body = lookup(scriptName, cwd);
      if (body === undefined) return null;
      const inner = analyzeAtDepth(body, { ...this.options, start: { errexit: false, pipefail: false } }, this.depth + 1);
      const first = [...inner.publishes.values()][0];
      return first ? { ...first, script: { name: scriptName, body } } : null;
    };
  }

  private setOptions(command: SimpleCommand, args: Word[]): void {
    const change = (option: 'errexit' | 'pipefail', enabled: boolean) => {
      const options = this.state.options;
      options[option] = enabled;
      if (option === 'errexit') options.errexitSetAt = command.span;
      else options.pipefailSetAt = command.span;
      this.optionChanges.push({ option, enabled, span: command.span, scoped: this.scopeDepth > 0 });
    };
    for (let i = 0; i < args.length; i++) {
      const text = args[i]!.text ?? '';
      if (text === '--' || text === '-' || !/^[-+][A-Za-z]+$/.test(text)) break;
      const enabled = text[0] === '-';
      for (const letter of text.slice(1)) {
        if (letter === 'e') change('errexit', enabled);
        if (letter === 'o') {
          const optionName = args[++i]?.text;
          if (optionName === 'pipefail' || optionName === 'errexit') change(optionName, enabled);
        }
      }
    }
  }

  private changeDirectory(command: SimpleCommand, name: string, args: Word[]): void {
    const state = this.state;
    const operand = args.find((word) => !/^-[LPe@n]+$/.test(word.text ?? '') || word.text === '-');
    if (name === 'popd') {
      const previous = state.dirStack.pop();
      state.cwd = previous ?? { known: false, reason: 'popd with an empty directory stack', span: command.span };
      return;
    }
    const current = state.cwd;
    let next: ShellPath;
    if (!operand) {
      next = name === 'cd' ? { known: true, base: { kind: 'home' }, path: '.' } : { known: false, reason: 'pushd without a directory swaps the stack', span: command.span };
    } else if (operand.text === '-') {
      next = state.oldPwd ?? { known: false, reason: '`cd -` before any other cd', span: command.span };
    } else {
      next = resolvePath(operand, current);
    }
    if (name === 'pushd') state.dirStack.push(current);
    state.oldPwd = current;
    state.cwd = next;
  }

  private recordExports(command: SimpleCommand): void {
    for (const assignment of command.assignments) {
      this.exports.push({ name: assignment.name, value: assignment.value, span: assignment.span, command: command.id });
    }
    for (const word of command.argv.slice(1)) {
      if (word.text && /^[A-Za-z_][A-Za-z0-9_]*$/.test(word.text)) {
        this.exports.push({ name: word.text, value: null, span: word.span, command: command.id });
        continue;
      }
      // `export A=b` read as a plain word, which happens after the joined-assignment workaround.
      const split = splitAssignmentWord(word);
      if (split) this.exports.push({ ...split, span: word.span, command: command.id });
    }
  }

  private recordTee(command: SimpleCommand, args: Word[], stdin: Segment[] | null): void {
    const append = args.some((word) => word.text === '-a' || word.text === '--append');
    for (const target of args) {
      if ((target.text ?? '').startsWith('-')) continue;
      this.teeWrites.push({
        kind: writtenFileKind(target),
        target,
        path: resolvePath(target, command.cwd),
        append,
        via: 'tee',
        content: stdin,
        span: command.span,
        command: command.id,
        cwd: command.cwd,
      });
    }
  }

}

interface ElementContext {
  pipeline: Pipeline;
  index: number;
  stdin: Segment[] | null;
  /** `pipe` for every element but the last. */
  stdout: StreamDestination | null;
  stderrToPipe: boolean;
  failure: FailureOutcome;
  test: StatusTest | null;
}

function cloneState(state: ShellState): ShellState {
  return { options: { ...state.options }, cwd: state.cwd, oldPwd: state.oldPwd, dirStack: [...state.dirStack] };
}

// After branches: keep a directory only when every branch ends in the same one.
function mergeStates(states: ShellState[], at: Span): ShellState {
  const first = states[0]!;
  const merged = cloneState(states[states.length - 1]!);
  const same = states.every((state) => samePath(state.cwd, first.cwd));
  merged.cwd = same ? first.cwd : { known: false, reason: 'branches leave different working directories', span: at };
  return merged;
}

function samePath(a: ShellPath, b: ShellPath): boolean {
  if (a.known !== b.known) return false;
  if (!a.known || !b.known) return a === b;
  return a.path === b.path && JSON.stringify(a.base) === JSON.stringify(b.base);
}

