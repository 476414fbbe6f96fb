import { resolve } from 'node:path';
import type { CliIO } from '../io.js';
import { parseVerbArgs, pickChoice } from '../args.js';
import { UsageError } from '../../errors.js';
import { readVersion } from '../main.js';

export const FORMATS = ['text', 'compact', 'json', 'sarif', 'github', 'markdown'] as const;
export type CheckFormat = (typeof FORMATS)[number];
const SEVERITIES = ['error', 'warning', 'info'] as const;

export const help = `Usage: pubguard check [dir] [options]

Find the ways a repository's publish workflows can fail silently or send
the registry the wrong credential: reads .github/workflows, the composite
actions and reusable workflows they use, package.json files, .npmrc files
and .yarnrc.yml. [dir] defaults to the current folder.

Options:
  -f, --format FORMAT  output format: text (default), compact, json, sarif,
                       github (workflow annotations), markdown
      --rule ID        run only this rule (repeatable, or comma-separated)
      --ignore ID      skip this rule (repeatable, or comma-separated)
      --severity LEVEL show findings at or above LEVEL: error, warning
                       (default), info; only shown findings set the exit status
      --exit-zero      exit 0 even when findings remain (for SARIF upload steps)
      --repo OWNER/NAME
                       the repository's GitHub owner and name (default: read
                       from \`git remote get-url origin\`)
  -h, --help           show this help

Suppress one finding with a comment on its line or in its step:
  # pubguard-ignore <rule-id> <reason>

Exit status: 0 no shown finding remains, 1 at least one does, 2 bad usage,
an unreadable directory, or a rule that failed (a bug in pubguard).
Rules: docs/rules/README.md
`;

function listOption(values: unknown): string[] {
  const list = Array.isArray(values) ? values : values === undefined ? [] : [values];
  return list.flatMap((value) => String(value).split(',')).map((value) => value.trim()).filter(Boolean);
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseVerbArgs('check', argv, {
    format: { type: 'string', short: 'f' },
    rule: { type: 'string', multiple: true },
    ignore: { type: 'string', multiple: true },
    severity: { type: 'string' },
    'exit-zero': { type: 'boolean' },
    repo: { type: 'string' },
  });
  if (positionals.length > 1) {
    throw new UsageError(`check: expected at most one directory, got ${positionals.length}: ${positionals.map((item) => JSON.stringify(item)).join(' ')}`);
  }
  const format = pickChoice('check', 'format', values.format, FORMATS, 'text');
  const threshold = pickChoice('check', 'severity', values.severity, SEVERITIES, 'warning');
  const repo = typeof values.repo === 'string' ? values.repo : null;
  if (repo !== null && !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repo)) {
    throw new UsageError(`check: invalid --repo ${JSON.stringify(repo)}: expected OWNER/NAME, such as octo-org/octo-repo`);
  }
  const directory = resolve(io.cwd, positionals[0] ?? '.');

  const { runCheck } = await import('../../check/run.js');
  const showProgress = io.interactive && format !== 'github';
  const result = await runCheck({
    directory,
    repo,
    only: listOption(values.rule),
    ignore: listOption(values.ignore),
    onRule: showProgress ? (rule, index, total) => io.err(`\r\x1b[2Kchecking ${index + 1}/${total}: ${rule.id}`) : undefined,
  });
  if (showProgress) io.err('\r\x1b[2K');

  for (const note of result.notes) io.err(`pubguard: ${note}\n`);
  const { renderCheckOutput } = await import('../../check/output.js');
  const { text, exitStatus } = await renderCheckOutput(result, { format, threshold, color: io.color, version: readVersion() });
  io.out(text);

  if (result.failures.length > 0) {
    for (const failure of result.failures) {
      io.err(`pubguard: internal error: rule ${failure.ruleId} failed, so this check is incomplete. This is a bug in pubguard; please report it with the command you ran and this trace:\n${failure.stack ?? failure.message}\n`);
    }
    return 2;
  }
  return values['exit-zero'] === true ? 0 : exitStatus;
}
