import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getPublishPlan } from '../../src/publish/plan.js';
import { InputError } from '../../src/errors.js';
import { writeTree } from './helpers.js';

test('plan orders npm workspaces by dependencies', async () => {
  const repo = writeTree({
    'package.json': { name: 'root', private: true, workspaces: ['packages/*'] },
    'packages/app/package.json': { name: 'app', version: '1.0.0', dependencies: { lib: '^1.0.0' }, devDependencies: { tools: '1.0.0' } },
    'packages/lib/package.json': { name: 'lib', version: '1.0.0', peerDependencies: { core: '*' } },
    'packages/core/package.json': { name: 'core', version: '2.0.0', dependencies: { 'left-pad': '1.0.0' } },
    'packages/tools/package.json': { name: 'tools', version: '1.0.0' },
    'packages/internal/package.json': { name: 'internal', version: '1.0.0', private: true },
  });
  const plan = await getPublishPlan(repo, []);
  const names = plan.packages.map((entry) => entry.name);
  assert.ok(names.indexOf('core') < names.indexOf('lib'));
  assert.ok(names.indexOf('lib') < names.indexOf('app'));
  assert.ok(names.indexOf('tools') < names.indexOf('app'));
  assert.equal(names.length, 4);
  const app = plan.packages.find((entry) => entry.name === 'app')!;
  assert.deepEqual(app.dependsOn, ['lib', 'tools']);
  assert.equal(app.level, 2);
  assert.equal(app.path, './packages/app');
  assert.deepEqual(plan.skipped.map((entry) => [entry.name, entry.reason]), [['internal', 'private: true']]);
  assert.equal(plan.source, 'workspaces of package.json');
});

test('plan reads pnpm-workspace.yaml', async () => {
  const repo = writeTree({
    'package.json': { name: 'root', private: true },
    'pnpm-workspace.yaml': "packages:\n  - 'libs/*'\n",
    'libs/one/package.json': { name: 'one', version: '1.0.0', dependencies: { two: 'workspace:*' } },
    'libs/two/package.json': { name: 'two', version: '1.0.0' },
  });
  const plan = await getPublishPlan(repo, []);
  assert.deepEqual(plan.packages.map((entry) => entry.name), ['two', 'one']);
  assert.equal(plan.source, 'workspaces of pnpm-workspace.yaml');
});

test('plan uses the package here without workspaces', async () => {
  const repo = writeTree({ 'package.json': { name: 'solo', version: '0.1.0' } });
  const plan = await getPublishPlan(repo, []);
  assert.deepEqual(plan.packages.map((entry) => [entry.name, entry.path]), [['solo', '.']]);
});

test('plan keeps the given paths in order', async () => {
  const repo = writeTree({
    'package.json': { name: 'front', version: '1.0.0' },
    'packages/backend/package.json': { name: 'backend', version: '1.0.0' },
  });
  const plan = await getPublishPlan(repo, ['.', 'packages/backend']);
  assert.deepEqual(plan.packages.map((entry) => entry.path), ['.', './packages/backend']);
});

test('plan rejects a dependency cycle', async () => {
  const repo = writeTree({
    'a/package.json': { name: 'a', version: '1.0.0', dependencies: { b: '1' } },
    'b/package.json': { name: 'b', version: '1.0.0', dependencies: { a: '1' } },
  });
  await assert.rejects(getPublishPlan(repo, ['a', 'b']), (error: unknown) => error instanceof InputError && /cycle \(a -> b -> a\)/.test(error.message));
});

test('plan rejects a private path given by hand', async () => {
  const repo = writeTree({ 'package.json': { name: 'secret-app', version: '1.0.0', private: true } });
  await assert.rejects(getPublishPlan(repo, ['.']), (error: unknown) => error instanceof InputError && /"private": true/.test(error.message));
});

test('plan rejects a folder without package.json', async () => {
  const repo = writeTree({ 'empty/README.md': 'x' });
  await assert.rejects(getPublishPlan(repo, ['empty']), (error: unknown) => error instanceof InputError && error.message === 'no package.json in "empty": run pubguard in a package folder, or name package folders (pubguard publish packages/a)');
});
