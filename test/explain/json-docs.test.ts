// docs/json-output.md documents every field `explain --format json` prints, and nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { explainLogs } from '../../src/explain/index.js';
import { renderExplainJson } from '../../src/report/explain-json.js';

function documentedFields(): string[] {
  const page = readFileSync(new URL('../../docs/json-output.md', import.meta.url), 'utf8');
  const section = page.slice(page.indexOf('## explain'), page.indexOf('\n## ', page.indexOf('## explain') + 1));
  return [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((match) => match[1]!);
}

// Field paths of a json value, with `[]` for arrays; evidence objects are documented once, below the table.
function fieldPaths(value: unknown, prefix: string, out: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) fieldPaths(item, `${prefix}[]`, out);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, item] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (key === 'evidence') {
      out.add(`${path}[]`);
      continue;
    }
    if (Array.isArray(item) && item.length > 0 && typeof item[0] === 'object') {
      out.add(`${path}[]`);
      fieldPaths(item, path, out);
    } else if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
      fieldPaths(item, path, out);
    } else {
      out.add(path);
    }
  }
}

test('json docs: every printed field documented', async () => {
  const report = await explainLogs([fileURLToPath(new URL('../../examples/logs/incident-backend-401.log', import.meta.url))]);
  const printed = new Set<string>();
  fieldPaths(JSON.parse(renderExplainJson(report)), '', printed);
  const documented = new Set(documentedFields());
  assert.deepEqual([...printed].filter((path) => !documented.has(path)).sort(), []);
});

test('json docs: no documented field missing', async () => {
  const report = await explainLogs([fileURLToPath(new URL('../../examples/logs/incident-backend-401.log', import.meta.url))]);
  const printed = new Set<string>();
  fieldPaths(JSON.parse(renderExplainJson(report)), '', printed);
  const missing = documentedFields().filter((path) => !printed.has(path) && !printed.has(`${path}[]`) && !path.endsWith('[]'));
  assert.deepEqual(missing, []);
});
