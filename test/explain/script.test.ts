// Script analysis: which shell constructs lose a publish command's exit status.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeScript, isLocalOnlyCommand, isPublishCommand } from '../../src/explain/script.js';
import type { LogLine } from '../../src/log/types.js';

function scriptOf(text: string): LogLine[] {
  return text.split('\n').map((line, index) => ({ file: 'job.log', line: 10 + index, text: line, job: null, step: null }));
}

async function maskingOf(text: string, shellPipefail = false): Promise<Array<[string, number]>> {
  const analysis = await analyzeScript(scriptOf(text), shellPipefail);
  const publish = analysis.commands.find((command) => command.isPublish);
  assert.ok(publish, 'the script has a publish command');
  return publish.masking.map((masking) => [masking.maskedBy, masking.line.line]);
}

// [script, shell has pipefail, expected masking kinds with their log lines]
const CASES: Array<[string, boolean, Array<[string, number]>]> = [
  ['npm publish | tee publish.log', false, [['pipeline', 10]]],
  ['npm publish | tee publish.log', true, []],
  ['set -o pipefail\nnpm publish | tee publish.log', false, []],
  ['npm publish | tee publish.log\nset -o pipefail', false, [['pipeline', 10]]],
  ['npm publish 2>&1 | tee /tmp/publish.log || {\n  EXIT_CODE=${PIPESTATUS[0]}\n  exit $EXIT_CODE\n}', false, [['pipeline', 10]]],
  ['npm publish || true', false, [['or-true', 10]]],
  ['npm publish || echo "publish failed"', false, [['or-true', 10]]],
  ['npm publish || exit 1', false, []],
  ['if ! npm publish; then\n  echo "::warning::publish failed"\nfi', false, [['ignored-status', 10]]],
  ['if ! npm publish; then\n  echo "publish failed"\n  exit 1\nfi', false, []],
  ['set +e\nnpm publish\necho done', false, [['ignored-status', 10]]],
  ['cd packages/api\nnpm publish', false, []],
];

for (const [script, pipefail, expected] of CASES) {
  test(`masking: ${script.split('\n')[0]}${pipefail ? ' (pipefail)' : ''}`, async () => {
    assert.deepEqual(await maskingOf(script, pipefail), expected);
  });
}

test('directory changes are recorded', async () => {
  const analysis = await analyzeScript(scriptOf('cd packages/api\nnpm publish'), false);
  assert.deepEqual(analysis.directoryChanges.map((change) => [change.directory, change.line.line]), [['packages/api', 10]]);
});

const PUBLISH_COMMANDS: Array<[string, boolean]> = [
  ['npm publish', true],
  ['npm publish --provenance --access public', true],
  ['pnpm -r publish --no-git-checks', true],
  ['yarn npm publish', true],
  ['npx lerna publish from-package --yes', true],
  ['npx changeset publish', true],
  ['npx semantic-release', true],
  ['NODE_AUTH_TOKEN=x npm publish', true],
  ['npm install', false],
  ['echo npm publish', false],
  ['npm run build', false],
];

for (const [command, expected] of PUBLISH_COMMANDS) {
  test(`publish command: ${command}`, () => {
    assert.equal(isPublishCommand(command.split(' ')), expected);
  });
}

const LOCAL_COMMANDS: Array<[string, boolean]> = [
  ['npm test', true],
  ['pnpm run lint', true],
  ['yarn build', true],
  ['npx vitest run', true],
  ['node --test', true],
  ['echo npm error code E401', true],
  ['npm run release', false],
  ['npm install', false],
  ['npm view @acme/lib version', false],
  ['yarn', false],
  ['./scripts/publish.sh', false],
];

for (const [command, expected] of LOCAL_COMMANDS) {
  test(`local-only command: ${command}`, () => {
    assert.equal(isLocalOnlyCommand(command.split(' ')), expected);
  });
}

// Constructs around a publish: a subshell in a pipeline, a `||` handler after `fi`, an `elif` condition.
const NESTED_CASES: Array<[string, Array<[string, number]>]> = [
  ['(cd pkg && npm publish) | tee publish.log', [['pipeline', 10]]],
  ['if [ -f .npmrc ]; then npm publish; fi || true', [['or-true', 10]]],
  ['if [ -n "$DRY" ]; then :\nelif ! npm publish; then\n  echo "publish failed"\nfi', [['ignored-status', 11]]],
];

for (const [script, expected] of NESTED_CASES) {
  test(`masking: ${script.split('\n')[0]}`, async () => {
    assert.deepEqual(await maskingOf(script), expected);
  });
}

test('pipeline masking names the last element', async () => {
  const analysis = await analyzeScript(scriptOf('(cd pkg && npm publish) | tee publish.log'), false);
  const publish = analysis.commands.find((command) => command.isPublish);
  assert.match(publish?.masking[0]?.detail ?? '', /piped into `tee`/);
});

test('wrapped test command is local-only', async () => {
  const analysis = await analyzeScript(scriptOf('sudo npm test\nenv CI=1 npm run lint'), false);
  assert.deepEqual(analysis.commands.map((command) => command.isLocalOnly), [true, true]);
});

test('test brackets are not listed', async () => {
  const analysis = await analyzeScript(scriptOf('if [ -n "$CI" ]; then npm test; fi'), false);
  assert.deepEqual(analysis.commands.map((command) => command.text), ['npm test']);
});
