import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Scalar } from 'yaml';
import { mapScalarOffsets, SourceFile } from '../../src/workflow/source.js';
import { getNode, parseYaml } from '../../src/workflow/yaml-nodes.js';

/** Parse `text`, take the scalar at `run:` and return the file position of `needle` inside its value. */
function positionOf(text: string, needle: string): { line: number; column: number; value: string } {
  const file = new SourceFile('w.yml', text);
  const document = parseYaml(text);
  const node = getNode(document, document.contents, 'run') as Scalar;
  const value = String(node.value);
  const offsets = mapScalarOffsets(file, node, value);
  const index = value.indexOf(needle);
  assert.notEqual(index, -1, `${needle} not in ${JSON.stringify(value)}`);
  return { ...file.positionAt(offsets[index]!), value };
}

test('literal block keeps lines and columns', () => {
  const text = 'run: |\n  echo start\n  npm publish --tag next\n';
  assert.deepEqual(positionOf(text, 'npm'), { line: 3, column: 3, value: 'echo start\nnpm publish --tag next\n' });
  assert.equal(positionOf(text, '--tag').column, 15);
});

test('literal block with more-indented lines', () => {
  const text = 'run: |\n    if true; then\n      npm publish\n    fi\n';
  const found = positionOf(text, 'npm');
  assert.equal(found.line, 3);
  assert.equal(found.column, 7);
});

test('folded block maps across folded line breaks', () => {
  const text = 'run: >\n  npm publish\n  --access public\n';
  const found = positionOf(text, '--access');
  assert.equal(found.value, 'npm publish --access public\n');
  assert.deepEqual({ line: found.line, column: found.column }, { line: 3, column: 3 });
});

test('plain scalar', () => {
  assert.deepEqual(positionOf('run: npm publish\n', 'publish'), { line: 1, column: 10, value: 'npm publish' });
});

test('double-quoted scalar with escapes', () => {
  const text = 'run: "echo \\"hi\\" && npm publish"\n';
  const found = positionOf(text, 'npm');
  assert.equal(found.value, 'echo "hi" && npm publish');
  assert.equal(found.column, 22);
});

test('single-quoted scalar with doubled quotes', () => {
  const text = "run: 'echo ''hi'' && npm publish'\n";
  const found = positionOf(text, 'npm');
  assert.equal(found.value, "echo 'hi' && npm publish");
  assert.equal(found.column, 22);
});

test('columns count UTF-16 code units', () => {
  // The emoji is one code point but two UTF-16 code units.
  // `n` is the 18th code point of the line but the 19th UTF-16 code unit.
  const found = positionOf('run: echo "😀" && npm publish\n', 'npm');
  assert.equal(found.column, 19);
});

test('CRLF line endings', () => {
  const found = positionOf('run: |\r\n  echo a\r\n  npm publish\r\n', 'npm');
  assert.equal(found.line, 3);
  assert.equal(found.column, 3);
});

test('SourceFile positions and line text', () => {
  const file = new SourceFile('a.yml', 'ab\ncd\r\nef');
  assert.deepEqual(file.positionAt(0), { line: 1, column: 1 });
  assert.deepEqual(file.positionAt(3), { line: 2, column: 1 });
  assert.deepEqual(file.positionAt(8), { line: 3, column: 2 });
  assert.deepEqual(file.positionAt(9), { line: 3, column: 3 });
  assert.equal(file.lineText(2), 'cd');
  assert.deepEqual(file.spanOf(3, 5), { file: 'a.yml', line: 2, column: 1, endLine: 2, endColumn: 3 });
});

test('spanWithinValue maps an expression inside a quoted value', async () => {
  const { scalarValue, spanWithinValue } = await import('../../src/workflow/yaml-nodes.js');
  const text = 'with:\n  token: "Bearer ${{ secrets.NPM_TOKEN }}"\n';
  const file = new SourceFile('w.yml', text);
  const document = parseYaml(text);
  const value = scalarValue(file, document, getNode(document, getNode(document, document.contents, 'with'), 'token'))!;
  const [expression] = value.expressions;
  assert.equal(value.text.slice(expression!.start, expression!.end), '${{ secrets.NPM_TOKEN }}');
  assert.deepEqual(spanWithinValue(value, expression!.start, expression!.end), { file: 'w.yml', line: 2, column: 18, endLine: 2, endColumn: 42 });
});
