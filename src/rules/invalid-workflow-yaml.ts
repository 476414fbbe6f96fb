import type { Finding } from '../report/finding.js';
import { defineRule } from './types.js';

const FIXES: Record<string, string> = {
  'invalid-yaml': 'fix the YAML at this position; GitHub rejects the whole file, so none of its jobs runs',
  'not-a-workflow': 'move files that are not workflows out of `.github/workflows/`, or give this one `on:` and a `jobs:` mapping',
  'too-large': 'split the workflow into smaller files or reusable workflows',
  unreadable: 'make the file readable',
};

/** Workflow files that cannot be read as a workflow at all: every other rule is blind to them. */
export const rule = defineRule({
  id: 'invalid-workflow-yaml',
  title: 'workflow file is not valid YAML or not a workflow',
  severity: 'error',
  confidence: 'high',
  check(context) {
    const findings: Finding[] = [];
    for (const problem of context.repository.problems) {
      findings.push(
        context.finding({
          at: problem.span,
          message: `${problem.message}; pubguard did not check this file`,
          fix: FIXES[problem.kind] ?? 'fix the file',
          args: { kind: problem.kind },
          step: null,
          job: null,
        }),
      );
    }
    return findings;
  },
});
