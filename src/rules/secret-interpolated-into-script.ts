import type { Finding } from '../report/finding.js';
import type { Expression } from '../workflow/expressions.js';
import type { Step } from '../workflow/model.js';
import { defineRule } from './types.js';

/**
 * `${{ secrets.X }}` (or `github.token`) written inside `run:`. The runner
 * substitutes expressions into the script text before the shell starts, so
 * the token's value is written into the script file on the runner's disk, and
 * a value with quotes or `$(…)` becomes shell syntax. Passing the secret
 * through `env:` keeps it out of the script; that form is never flagged.
 */
export const rule = defineRule({
  id: 'secret-interpolated-into-script',
  title: 'secret expanded inside a run script',
  severity: 'warning',
  confidence: 'high',
  check(context) {
    const findings: Finding[] = [];
    for (const script of context.runScripts()) {
      for (const expression of script.expressions) {
        const secret = secretRead(expression, script.step);
        if (!secret) continue;
        const variable = suggestedVariable(secret.name);
        const via = secret.viaInput ? ` (through input ${JSON.stringify(secret.viaInput)} of the action)` : '';
        findings.push(
          context.finding({
            at: { script, start: expression.start, end: expression.end },
            label: 'expanded before the shell runs',
            message: `${secret.label}${via} is expanded into the script of step ${JSON.stringify(script.step.displayName)} by \`${expression.text}\`: the runner writes its value into the script file before the shell starts, and a value with quotes or \`$(…)\` would run as shell code`,
            fix: `set an environment variable in the step's \`env:\` (name ${variable}, value \`${secret.source}\`) and write "$${variable}" in the script`,
            args: { secret: secret.name, origin: secret.origin, expression: expression.text, viaInput: secret.viaInput },
          }),
        );
      }
    }
    return findings;
  },
});

interface SecretRead {
  name: string;
  origin: 'secrets' | 'github.token';
  /** "secret \"NPM_TOKEN\"" or "the job's GITHUB_TOKEN". */
  label: string;
  /** The expression to move into `env:`. */
  source: string;
  /** For a composite action step: the action input that carried the secret. */
  viaInput: string | null;
}

function secretRead(expression: Expression, step: Step): SecretRead | null {
  for (const reference of expression.references) {
    if (reference.origin === 'secrets') {
      return { name: reference.name, origin: 'secrets', label: `secret ${JSON.stringify(reference.name)}`, source: `\${{ secrets.${reference.name} }}`, viaInput: null };
    }
    if (reference.origin === 'github.token') {
      return { name: 'GITHUB_TOKEN', origin: 'github.token', label: 'the job token (`github.token`)', source: '${{ github.token }}', viaInput: null };
    }
    // In a composite action, `inputs.X` is whatever the calling step passed in `with:`.
    if (reference.origin === 'inputs' && step.caller) {
      const passed = step.caller.with.get(reference.name);
      const inner = passed?.expressions.flatMap((item) => item.references).find((item) => item.origin === 'secrets' || item.origin === 'github.token');
      if (inner) {
        const found = secretRead({ ...expression, references: [inner] }, { ...step, caller: null });
        if (found) return { ...found, source: `\${{ inputs.${reference.name} }}`, viaInput: reference.name };
      }
    }
  }
  return null;
}

function suggestedVariable(name: string): string {
  const upper = name.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
  return /^[A-Z_]/.test(upper) ? upper : `SECRET_${upper}`;
}
