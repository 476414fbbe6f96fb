// Runs every rule's fixture folder `test/rules/<rule-id>/`: each `bad-*.yml`
// or `good-*.yml` is a workflow (copied to `.github/workflows/` of a fresh
// temporary repository), each `bad-*/` or `good-*/` folder is a whole
// repository. The rule alone runs on it; its one-line findings must equal
// `<case>.out` line by line (a line `/…/` is a regular expression), and a
// `good-*` case must produce nothing.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCheck } from '../../src/check/run.js';
import { findingHeadline } from '../../src/report/findings-summary.js';
import { RULES } from '../../src/rules/index.js';

const RULES_DIRECTORY = new URL('../rules/', import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), 'pubguard-rule-fixtures-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function caseNames(directory: string): string[] {
  return readdirSync(directory)
    .filter((name) => /^(bad|good)-/.test(name))
    .filter((name) => name.endsWith('.yml') || statSync(join(directory, name)).isDirectory())
    .sort();
}

function prepareRepository(directory: string, name: string): string {
  const source = join(directory, name);
  if (statSync(source).isDirectory()) return source;
  const root = join(scratch, name.replace(/\.yml$/, ''));
  mkdirSync(join(root, '.github', 'workflows'), { recursive: true });
  cpSync(source, join(root, '.github', 'workflows', name));
  return root;
}

function matches(expected: string, actual: string): boolean {
  if (expected.length > 1 && expected.startsWith('/') && expected.endsWith('/')) return new RegExp(expected.slice(1, -1)).test(actual);
  return expected === actual;
}

for (const rule of RULES) {
  const directory = join(RULES_DIRECTORY, rule.id);
  if (!existsSync(directory)) continue;
  const cases = caseNames(directory);
  describe(`rule ${rule.id} fixtures`, () => {
    test('has a bad and a good case', () => {
      assert.ok(cases.some((name) => name.startsWith('bad-')), 'no bad-* case');
      assert.ok(cases.some((name) => name.startsWith('good-')), 'no good-* case');
    });
    for (const name of cases) {
      test(name, async () => {
        const root = prepareRepository(directory, name);
        const result = await runCheck({ directory: root, repo: 'fixture-owner/fixture-repo', only: [rule.id] });
        const actual = result.findings.filter((finding) => !finding.suppressed).map(findingHeadline);
        const outFile = join(directory, `${name.replace(/\.yml$/, '')}.out`);
        if (name.startsWith('good-')) {
          assert.deepEqual(actual, [], `good case ${name} must produce no finding`);
          return;
        }
        assert.ok(existsSync(outFile), `missing expected output ${outFile}`);
        const expected = readFileSync(outFile, 'utf8').split('\n').filter((line) => line.trim() !== '');
        assert.ok(expected.length > 0, `${outFile} is empty: a bad case must expect at least one finding`);
        assert.equal(actual.length, expected.length, `expected ${expected.length} findings, got:\n${actual.join('\n')}`);
        expected.forEach((line, index) => assert.ok(matches(line, actual[index]!), `finding ${index + 1}:\nexpected ${line}\nactual   ${actual[index]}`));
      });
    }
  });
}
