// Rules and their docs pages must match one to one: every rule id has
// `docs/rules/<id>.md` and a line in `docs/rules/README.md`, every page
// belongs to a rule, and every rule lives in `src/rules/<id>.ts`. The
// examples of the pages listed in DOCS_WITH_CHECKED_EXAMPLES must print what
// the page shows.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { RULES } from '../../src/rules/index.js';
import { runCli } from '../helpers/cli.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOCS = join(ROOT, 'docs', 'rules');

const DOCS_WITH_CHECKED_EXAMPLES = [
  'continue-on-error-hides-release-failure',
  'invalid-workflow-yaml',
  'provenance-without-id-token',
  'release-not-gated-on-publish',
  'secret-interpolated-into-script',
];

const scratch = mkdtempSync(join(tmpdir(), 'pubguard-docs-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

test('every rule has a docs page', () => {
  const missing = RULES.filter((rule) => !existsSync(join(ROOT, rule.docs))).map((rule) => rule.docs);
  assert.deepEqual(missing, []);
});

test('every docs page has a rule', () => {
  const ids = new Set(RULES.map((rule) => rule.id));
  const pages = readdirSync(DOCS).filter((name) => name.endsWith('.md') && name !== 'README.md');
  assert.deepEqual(pages.filter((name) => !ids.has(name.slice(0, -3))), []);
});

test('every rule is in the rules index', () => {
  const index = readFileSync(join(DOCS, 'README.md'), 'utf8');
  assert.deepEqual(RULES.filter((rule) => !index.includes(`(${rule.id}.md)`)).map((rule) => rule.id), []);
});

test('every rule lives in a file named after its id', () => {
  assert.deepEqual(RULES.filter((rule) => !existsSync(join(ROOT, 'src', 'rules', `${rule.id}.ts`))).map((rule) => rule.id), []);
  assert.equal(new Set(RULES.map((rule) => rule.id)).size, RULES.length, 'rule ids must be unique');
});

test('checked docs examples print what the page shows', () => {
  for (const id of DOCS_WITH_CHECKED_EXAMPLES) {
    const page = readFileSync(join(DOCS, `${id}.md`), 'utf8');
    const workflow = /```yaml\n# (\.github\/workflows\/[\w.-]+)\n([\s\S]*?)```/.exec(page);
    const output = /```text\n\$ pubguard (check[^\n]*)\n([\s\S]*?)```/.exec(page);
    assert.ok(workflow, `${id}: the page needs a yaml example that starts with \`# .github/workflows/<file>\``);
    assert.ok(output, `${id}: the page needs a text block that starts with \`$ pubguard check\``);
    const root = join(scratch, id);
    mkdirSync(join(root, '.github', 'workflows'), { recursive: true });
    writeFileSync(join(root, workflow[1]!), `# ${workflow[1]}\n${workflow[2]}`);
    const result = runCli(output[1]!.split(' '), { cwd: root });
    assert.equal(result.stderr, '', `${id}: pubguard wrote to standard error`);
    assert.equal(result.stdout, output[2], `${id}: the example output on the page is not what pubguard prints`);
  }
});
