// The json contract and the markdown size limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { explainLogs } from '../../src/explain/index.js';
import { renderExplainJson } from '../../src/report/explain-json.js';
import { renderExplainMarkdown, STEP_SUMMARY_MAX_BYTES } from '../../src/report/explain-markdown.js';

const LOG = fileURLToPath(new URL('../../examples/logs/incident-backend-401.log', import.meta.url));
const report = await explainLogs([LOG]);
const json = JSON.parse(renderExplainJson(report));

test('json: top-level fields', () => {
  assert.deepEqual(Object.keys(json).sort(), ['failures', 'inputs', 'published', 'steps', 'summary']);
});

test('json: every failure field present', () => {
  const fields = ['step', 'job', 'package', 'version', 'registry', 'httpStatus', 'npmCode', 'signature', 'masked', 'maskedBy', 'consequenceOf', 'causes', 'fixes', 'evidence'];
  for (const failure of json.failures) {
    assert.deepEqual(Object.keys(failure).sort(), [...fields].sort());
    for (const field of fields) assert.notEqual(failure[field], undefined, field);
    for (const cause of failure.causes) assert.deepEqual(Object.keys(cause).sort(), ['confidence', 'evidence', 'id', 'summary']);
    for (const evidence of failure.evidence) assert.deepEqual(Object.keys(evidence).sort(), ['file', 'line', 'text']);
  }
});

test('json: every published field present', () => {
  assert.deepEqual(Object.keys(json.published[0]).sort(), ['evidence', 'job', 'package', 'registry', 'step', 'version']);
});

test('json: unknown values are null', async () => {
  const plain = await explainLogs([fileURLToPath(new URL('../../examples/logs/yarn-berry-no-auth.log', import.meta.url))]);
  const failure = JSON.parse(renderExplainJson(plain)).failures[0];
  assert.equal(failure.registry, null);
  assert.equal(failure.httpStatus, null);
  assert.equal(failure.masked, false);
  assert.equal(failure.maskedBy, null);
  assert.equal(failure.consequenceOf, null);
});

test('markdown: within the limit', () => {
  const markdown = renderExplainMarkdown(report);
  assert.ok(Buffer.byteLength(markdown) <= STEP_SUMMARY_MAX_BYTES);
  assert.match(markdown, /### Failure 0: publish of `@acme\/backend@2\.4\.0`/);
  assert.doesNotMatch(markdown, /Report truncated/);
});

test('markdown: truncates with a note', () => {
  const markdown = renderExplainMarkdown(report, { maxBytes: 3000 });
  assert.ok(Buffer.byteLength(markdown) <= 3000, `${Buffer.byteLength(markdown)} bytes`);
  assert.match(markdown, /Report truncated/);
  assert.match(markdown, /--format json/);
});

test('markdown: placeholder evidence stays readable', () => {
  const markdown = renderExplainMarkdown(report);
  assert.match(markdown, /`` {3}NODE_AUTH_TOKEN: XXXXX-XXXXX-XXXXX-XXXXX ``/);
});
