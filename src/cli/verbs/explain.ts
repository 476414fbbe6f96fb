import type { CliIO } from '../io.js';
import { parseVerbArgs, pickChoice } from '../args.js';
import { UsageError } from '../../errors.js';

export const help = `Usage: pubguard explain [options] <log…>

Turn CI logs into an investigation report: what each step really did, which
publishes worked, which failed, what hid a failure from the CI status, the
root cause ranked by the evidence, and the lines to change.

Inputs (recognised automatically, several at once allowed):
  a GitHub Actions job log as downloaded (with or without timestamps)
  a run's log archive (.zip), or a .gz of a log
  the output of \`gh run view --log\` or \`gh run view --log-failed\`
  plain npm, pnpm, yarn, lerna, changesets or semantic-release output
  a directory (every file in it, in name order)
  -  to read standard input

Options:
  --format <text|markdown|json>  output format (default: text); markdown
                                 fits $GITHUB_STEP_SUMMARY, json is the
                                 contract described in docs/json-output.md
  -h, --help                     show this help

Exit status: 0 no failure found (also when the log has no publish at all),
1 a publish or registry failure was found, 2 bad usage or unreadable input.

Examples:
  pubguard explain job.log
  gh run view 1234 --log-failed | pubguard explain -
  pubguard explain --format markdown logs.zip >> "$GITHUB_STEP_SUMMARY"
`;

const FORMATS = ['text', 'markdown', 'json'] as const;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const args = parseVerbArgs('explain', argv, { format: { type: 'string' } });
  if (args.help) {
    io.out(help);
    return 0;
  }
  const format = pickChoice('explain', 'format', args.values.format, FORMATS, 'text');
  if (args.positionals.length === 0) throw new UsageError('explain: missing log path: pass one or more files, a directory, or - for standard input (see `pubguard explain --help`)');

  // Heavy modules load here, so `pubguard --help` stays fast.
  const { explainLogs } = await import('../../explain/index.js');
  const report = await explainLogs(args.positionals, { stdin: io.stdin, cwd: io.cwd });

  if (format === 'json') {
    const { renderExplainJson } = await import('../../report/explain-json.js');
    io.out(renderExplainJson(report));
  } else if (format === 'markdown') {
    const { renderExplainMarkdown } = await import('../../report/explain-markdown.js');
    io.out(renderExplainMarkdown(report));
  } else {
    const { renderExplainText } = await import('../../report/explain-text.js');
    io.out(renderExplainText(report));
  }
  return report.failures.length > 0 ? 1 : 0;
}
