// Real `.npmrc` and `.yarnrc.yml` files in temporary folders, resolved with
// npm's own loader. Expected values come from npm 11's config rules: the
// project config is the `.npmrc` of the local prefix, an unset `${VAR}` stays
// literal, `@scope:registry` wins over `publishConfig.registry`.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import {
  describeCredential,
  detectClient,
  resolvePublishConfig,
  resolveNpmPublish,
  resolveYarnCredential,
  resolveYarnPublish,
  yarnCredentialFetchOptions,
} from '../../src/npmconfig/index.js';
import { bundledNpmForNodeSpec, supportsTrustedPublishing } from '../../src/npmconfig/node-versions.js';
import { tokenShape } from '../../src/npmconfig/classify.js';
import { redact } from '../../src/report/redact.js';

const roots: string[] = [];
after(async () => {
  for (const root of roots) await rm(root, { recursive: true, force: true });
});

// A fake token: long enough to be registered, without a real prefix.
const TOKEN = 'verdaccio-like-token-0123456789abcdef';

async function makeTree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'pubguard-npmconfig-'));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

/** Environment that keeps the machine's own npm configuration out. */
function isolatedEnv(root: string, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { HOME: join(root, 'home'), ...extra };
}

function isolated(root: string) {
  return { npmPath: join(root, 'no-npm'), execPath: join(root, 'no-node', 'bin', 'node') };
}

const incident = {
  'repo/package.json': '{ "name": "@acme/front", "version": "1.0.0" }\n',
  'repo/.npmrc': `//npm.pkg.github.com/:_authToken=${TOKEN}\n@acme:registry=https://npm.pkg.github.com/\n`,
  'repo/packages/backend/package.json': '{ "name": "@acme/backend", "version": "1.0.0" }\n',
  'runner/.npmrc': '//npm.pkg.github.com/:_authToken=${NODE_AUTH_TOKEN}\n@acme:registry=https://npm.pkg.github.com/\n',
};

test('root publish reads the project .npmrc token', async () => {
  const root = await makeTree(incident);
  const env = isolatedEnv(root, { NPM_CONFIG_USERCONFIG: join(root, 'runner/.npmrc'), NODE_AUTH_TOKEN: 'XXXXX-XXXXX-XXXXX-XXXXX' });
  const result = await resolveNpmPublish({ cwd: join(root, 'repo'), env, ...isolated(root) });

  assert.equal(result.registry.url, 'https://npm.pkg.github.com/');
  assert.equal(result.registry.key, '@acme:registry');
  assert.equal(result.credential.class, 'secret');
  assert.equal(result.credential.key, '//npm.pkg.github.com/:_authToken');
  assert.deepEqual(result.credential.origin, { kind: 'file', file: join(root, 'repo/.npmrc'), line: 1, level: 'project' });
});

test('backend after cd gets the placeholder', async () => {
  const root = await makeTree(incident);
  const env = isolatedEnv(root, { NPM_CONFIG_USERCONFIG: join(root, 'runner/.npmrc'), NODE_AUTH_TOKEN: 'XXXXX-XXXXX-XXXXX-XXXXX' });
  const result = await resolveNpmPublish({ cwd: join(root, 'repo/packages/backend'), env, ...isolated(root) });

  assert.equal(result.localPrefix, join(root, 'repo/packages/backend'));
  assert.equal(result.credential.class, 'placeholder');
  assert.equal(result.credential.variable, 'NODE_AUTH_TOKEN');
  assert.equal(result.credential.variableSet, true);
  assert.deepEqual(result.credential.origin, { kind: 'file', file: join(root, 'runner/.npmrc'), line: 1, level: 'user' });
  const project = result.configFiles.find((file) => file.level === 'project');
  assert.deepEqual(project, { level: 'project', file: join(root, 'repo/packages/backend/.npmrc'), exists: false });
});

test('unset variable stays literal', async () => {
  const root = await makeTree(incident);
  const env = isolatedEnv(root, { NPM_CONFIG_USERCONFIG: join(root, 'runner/.npmrc') });
  const result = await resolveNpmPublish({ cwd: join(root, 'repo/packages/backend'), env, ...isolated(root) });

  assert.equal(result.credential.class, 'unexpanded-variable');
  assert.equal(result.credential.variable, 'NODE_AUTH_TOKEN');
  assert.equal(result.credential.variableSet, false);
});

test('empty variable gives empty', async () => {
  const root = await makeTree(incident);
  const env = isolatedEnv(root, { NPM_CONFIG_USERCONFIG: join(root, 'runner/.npmrc'), NODE_AUTH_TOKEN: '' });
  const result = await resolveNpmPublish({ cwd: join(root, 'repo/packages/backend'), env, ...isolated(root) });

  assert.equal(result.credential.class, 'empty');
  assert.equal(result.credential.key, '//npm.pkg.github.com/:_authToken');
});

test('optional variable form expands to empty', async () => {
  const root = await makeTree({
    'repo/package.json': '{ "name": "plain", "version": "1.0.0" }\n',
    'repo/.npmrc': '//registry.npmjs.org/:_authToken=${NPM_TOKEN?}\n',
  });
  const result = await resolveNpmPublish({ cwd: join(root, 'repo'), env: isolatedEnv(root), ...isolated(root) });

  assert.equal(result.credential.class, 'empty');
});

test('workspace member reads the root .npmrc', async () => {
  const root = await makeTree({
    ...incident,
    'repo/package.json': '{ "name": "@acme/front", "version": "1.0.0", "workspaces": ["packages/*"] }\n',
  });
  const env = isolatedEnv(root, { NPM_CONFIG_USERCONFIG: join(root, 'runner/.npmrc'), NODE_AUTH_TOKEN: 'XXXXX-XXXXX-XXXXX-XXXXX' });
  const result = await resolveNpmPublish({ cwd: join(root, 'repo/packages/backend'), env, ...isolated(root) });

  assert.equal(result.localPrefix, join(root, 'repo'));
  assert.equal(result.credential.class, 'secret');
  assert.equal(result.packageName, '@acme/backend');
});

test('publish by path from root uses root config', async () => {
  const root = await makeTree(incident);
  const env = isolatedEnv(root, { NPM_CONFIG_USERCONFIG: join(root, 'runner/.npmrc'), NODE_AUTH_TOKEN: 'XXXXX-XXXXX-XXXXX-XXXXX' });
  const result = await resolveNpmPublish({ cwd: join(root, 'repo'), packageDir: 'packages/backend', env, ...isolated(root) });

  assert.equal(result.packageName, '@acme/backend');
  assert.equal(result.credential.class, 'secret');
});

test('publishConfig.registry and --registry', async () => {
  const root = await makeTree({
    'repo/package.json': '{\n  "name": "plain",\n  "version": "1.0.0",\n  "publishConfig": {\n    "registry": "https://registry.example.com/"\n  }\n}\n',
    'repo/.npmrc': `//registry.example.com/:_authToken=${TOKEN}\n`,
  });
  const fromManifest = await resolveNpmPublish({ cwd: join(root, 'repo'), env: isolatedEnv(root), ...isolated(root) });
  assert.equal(fromManifest.registry.url, 'https://registry.example.com/');
  assert.deepEqual(fromManifest.registry.origin, {
    kind: 'package-json',
    file: join(root, 'repo/package.json'),
    line: 5,
    field: 'publishConfig.registry',
  });
  assert.equal(fromManifest.credential.class, 'secret');

  const fromFlag = await resolveNpmPublish({
    cwd: join(root, 'repo'),
    env: isolatedEnv(root),
    registry: 'https://other.example.org/',
    ...isolated(root),
  });
  assert.equal(fromFlag.registry.url, 'https://other.example.org/');
  assert.deepEqual(fromFlag.registry.origin, { kind: 'cli', flag: '--registry' });
  assert.equal(fromFlag.credential.class, 'other-host');
  assert.deepEqual(
    fromFlag.credential.otherHosts.map((host) => host.key),
    ['//registry.example.com/:_authToken'],
  );
});

test('scope registry wins over publishConfig.registry', async () => {
  const root = await makeTree({
    'repo/package.json': '{ "name": "@acme/x", "version": "1.0.0", "publishConfig": { "registry": "https://registry.example.com/" } }\n',
    'repo/.npmrc': '@acme:registry=https://npm.pkg.github.com/\n',
  });
  const result = await resolveNpmPublish({ cwd: join(root, 'repo'), env: isolatedEnv(root), ...isolated(root) });

  assert.equal(result.registry.url, 'https://npm.pkg.github.com/');
  assert.equal(result.registry.key, '@acme:registry');
  assert.equal(result.credential.class, 'missing');
});

test('token from npm_config_ variable', async () => {
  const root = await makeTree({ 'repo/package.json': '{ "name": "plain", "version": "1.0.0" }\n' });
  const env = isolatedEnv(root, { 'npm_config_//registry.npmjs.org/:_authToken': `npm_${'a'.repeat(36)}` });
  const result = await resolveNpmPublish({ cwd: join(root, 'repo'), env, ...isolated(root) });

  assert.equal(result.registry.url, 'https://registry.npmjs.org/');
  assert.equal(result.credential.class, 'secret');
  assert.equal(result.credential.shape, 'npm_');
  assert.deepEqual(result.credential.origin, { kind: 'env', variable: 'npm_config_//registry.npmjs.org/:_authToken' });
});

test('unscoped _authToken is reported', async () => {
  const root = await makeTree({
    'repo/package.json': '{ "name": "plain", "version": "1.0.0" }\n',
    'repo/.npmrc': 'registry=https://registry.npmjs.org/\n_authToken=${NPM_TOKEN}\n',
  });
  const result = await resolveNpmPublish({ cwd: join(root, 'repo'), env: isolatedEnv(root, { NPM_TOKEN: TOKEN }), ...isolated(root) });

  assert.deepEqual(result.unscopedAuth, [{ key: '_authToken', level: 'project', file: join(root, 'repo/.npmrc'), line: 2 }]);
  assert.equal(result.credential.class, 'missing');
});

test('secret values are registered for redaction', async () => {
  const root = await makeTree(incident);
  const env = isolatedEnv(root, { NPM_CONFIG_USERCONFIG: join(root, 'runner/.npmrc') });
  await resolveNpmPublish({ cwd: join(root, 'repo'), env, ...isolated(root) });

  assert.equal(redact(`sent ${TOKEN} to the registry`), 'sent *** to the registry');
});

test('yarn berry ignores .npmrc', async () => {
  const root = await makeTree({
    'repo/package.json': '{ "name": "@fern/charts", "version": "3.1.0", "packageManager": "yarn@4.5.0" }\n',
    'repo/.yarnrc.yml': 'nodeLinker: node-modules\n',
    'repo/.npmrc': `//registry.npmjs.org/:_authToken=${TOKEN}\n`,
  });
  assert.equal(await detectClient(join(root, 'repo')), 'yarn-berry');
  const result = await resolvePublishConfig({ cwd: join(root, 'repo'), env: isolatedEnv(root, { NODE_AUTH_TOKEN: TOKEN }) });

  assert.equal(result.client, 'yarn-berry');
  assert.equal(result.registry.url, 'https://registry.yarnpkg.com');
  assert.equal(result.credential.class, 'missing');
});

test('yarn berry token sources', async () => {
  const root = await makeTree({
    'repo/package.json': '{ "name": "@fern/charts", "version": "3.1.0" }\n',
    'repo/.yarnrc.yml': 'npmScopes:\n  fern:\n    npmRegistryServer: "https://npm.pkg.github.com"\n    npmAuthToken: "${GH_TOKEN}"\n',
  });
  const unset = await resolveYarnPublish({ cwd: join(root, 'repo'), env: isolatedEnv(root) });
  assert.equal(unset.registry.url, 'https://npm.pkg.github.com');
  assert.equal(unset.registry.key, 'npmScopes.fern.npmRegistryServer');
  assert.equal(unset.credential.class, 'unexpanded-variable');
  assert.equal(unset.credential.variable, 'GH_TOKEN');
  assert.deepEqual(unset.credential.origin, { kind: 'file', file: join(root, 'repo/.yarnrc.yml'), line: 4, level: 'yarnrc' });

  const set = await resolveYarnPublish({ cwd: join(root, 'repo'), env: isolatedEnv(root, { GH_TOKEN: `ghs_${'b'.repeat(36)}` }) });
  assert.equal(set.credential.class, 'secret');
  assert.equal(set.credential.shape, 'ghs_');

  const plain = await makeTree({ 'repo/package.json': '{ "name": "plain", "version": "1.0.0" }\n', 'repo/.yarnrc.yml': '' });
  const fromEnv = await resolveYarnPublish({ cwd: join(plain, 'repo'), env: isolatedEnv(plain, { YARN_NPM_AUTH_TOKEN: `npm_${'c'.repeat(36)}` }) });
  assert.equal(fromEnv.credential.class, 'secret');
  assert.deepEqual(fromEnv.credential.origin, { kind: 'env', variable: 'YARN_NPM_AUTH_TOKEN' });
});

test('empty credential from an unset variable', async () => {
  const root = await makeTree({
    'repo/package.json': '{ "name": "@acme/widget", "version": "1.2.0" }\n',
    'repo/.yarnrc.yml': 'npmAuthToken: "${NPM_AUTH_TOKEN:-}"\n',
  });
  const unset = await resolveYarnPublish({ cwd: join(root, 'repo'), env: isolatedEnv(root) });
  assert.equal(unset.credential.class, 'empty');
  assert.equal(unset.credential.variable, 'NPM_AUTH_TOKEN');
  assert.equal(unset.credential.variableSet, false);
  assert.equal(describeCredential(unset.credential), 'nothing, because "NPM_AUTH_TOKEN" is not set and its reference expands to an empty value');

  const empty = await resolveYarnPublish({ cwd: join(root, 'repo'), env: isolatedEnv(root, { NPM_AUTH_TOKEN: '' }) });
  assert.equal(empty.credential.variableSet, true);
  assert.equal(describeCredential(empty.credential), 'nothing, because "NPM_AUTH_TOKEN" is set but empty');
});

test('token shapes', () => {
  const cases: Array<[string, string]> = [
    [`ghp_${'a'.repeat(36)}`, 'ghp_'],
    [`gho_${'a'.repeat(36)}`, 'gho_'],
    [`ghs_${'a'.repeat(36)}`, 'ghs_'],
    [`github_pat_${'a'.repeat(40)}`, 'github_pat_'],
    [`npm_${'a'.repeat(36)}`, 'npm_'],
    ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl', 'jwt'],
    ['0123456789abcdef', 'other'],
  ];
  for (const [value, shape] of cases) assert.equal(tokenShape(value), shape, value.slice(0, 12));
});

test('bundled npm by Node version', () => {
  assert.equal(bundledNpmForNodeSpec('22'), '10.5.1');
  assert.equal(supportsTrustedPublishing(bundledNpmForNodeSpec('22')), false);
  assert.equal(supportsTrustedPublishing(bundledNpmForNodeSpec('20.x')), false);
  assert.equal(supportsTrustedPublishing(bundledNpmForNodeSpec('24')), true);
  assert.equal(supportsTrustedPublishing(bundledNpmForNodeSpec('24.1.0')), false);
  assert.equal(supportsTrustedPublishing(bundledNpmForNodeSpec('24.5.0')), true);
  assert.equal(supportsTrustedPublishing(bundledNpmForNodeSpec('lts/*')), true);
});

test('--userconfig replaces the user config', async () => {
  const root = await makeTree({
    ...incident,
    'other/.npmrc': `@acme:registry=https://npm.pkg.github.com/\n//npm.pkg.github.com/:_authToken=${TOKEN}\n`,
  });
  const env = isolatedEnv(root, { NPM_CONFIG_USERCONFIG: join(root, 'runner/.npmrc'), NODE_AUTH_TOKEN: 'XXXXX-XXXXX-XXXXX-XXXXX' });
  const result = await resolveNpmPublish({
    cwd: join(root, 'repo/packages/backend'),
    env,
    userconfig: join(root, 'other/.npmrc'),
    ...isolated(root),
  });

  assert.equal(result.registry.url, 'https://npm.pkg.github.com/');
  assert.equal(result.credential.class, 'secret');
  assert.deepEqual(result.credential.origin, { kind: 'file', file: join(root, 'other/.npmrc'), line: 2, level: 'user' });
  const user = result.configFiles.find((file) => file.level === 'user');
  assert.equal(user?.file, join(root, 'other/.npmrc'));
});

test('registry without scheme is invalid', async () => {
  const root = await makeTree({
    'repo/package.json': '{ "name": "@acme/x", "version": "1.0.0" }\n',
    'repo/.npmrc': `//npm.pkg.github.com/:_authToken=${TOKEN}\n@acme:registry=npm.pkg.github.com\n`,
  });
  const result = await resolvePublishConfig({ cwd: join(root, 'repo'), env: isolatedEnv(root), client: 'npm', ...isolated(root) });

  assert.equal(result.registry.url, 'npm.pkg.github.com');
  assert.equal(result.registry.valid, false);
  assert.equal(result.registry.key, '@acme:registry');
  assert.deepEqual(result.registry.origin, { kind: 'file', file: join(root, 'repo/.npmrc'), line: 2, level: 'project' });
  // npm 11 throws ERR_INVALID_URL before it reads any credential, so none is sent.
  assert.equal(result.credential.class, 'missing');
  assert.equal(result.credential.key, null);
});

test('invalid registry from each source', async () => {
  const root = await makeTree({
    'repo/package.json': '{\n  "name": "plain",\n  "version": "1.0.0",\n  "publishConfig": {\n    "registry": "https"\n  }\n}\n',
  });
  const fromManifest = await resolveNpmPublish({ cwd: join(root, 'repo'), env: isolatedEnv(root), ...isolated(root) });
  assert.equal(fromManifest.registry.url, 'https');
  assert.equal(fromManifest.registry.valid, false);
  assert.deepEqual(fromManifest.registry.origin, { kind: 'package-json', file: join(root, 'repo/package.json'), line: 5, field: 'publishConfig.registry' });

  const fromFlag = await resolveNpmPublish({ cwd: join(root, 'repo'), env: isolatedEnv(root), registry: '127.0.0.1:4873', ...isolated(root) });
  assert.equal(fromFlag.registry.url, '127.0.0.1:4873');
  assert.equal(fromFlag.registry.valid, false);
  assert.deepEqual(fromFlag.registry.origin, { kind: 'cli', flag: '--registry' });

  const fromEnv = await resolveNpmPublish({ cwd: join(root, 'repo'), env: isolatedEnv(root, { npm_config_registry: 'https/' }), registry: undefined, ...isolated(root) });
  // publishConfig.registry still wins over the environment.
  assert.equal(fromEnv.registry.url, 'https');
  assert.equal(fromEnv.registry.valid, false);
});

test('valid registry is marked valid', async () => {
  const root = await makeTree(incident);
  const result = await resolveNpmPublish({ cwd: join(root, 'repo'), env: isolatedEnv(root), ...isolated(root) });
  assert.equal(result.registry.valid, true);
});

test('resolution leaves the env object unchanged', async () => {
  const root = await makeTree({
    ...incident,
    'repo/package.json': '{ "name": "@acme/front", "version": "1.0.0", "workspaces": ["packages/*"] }\n',
  });
  const env = isolatedEnv(root, { NPM_CONFIG_USERCONFIG: join(root, 'runner/.npmrc'), NODE_AUTH_TOKEN: 'XXXXX-XXXXX-XXXXX-XXXXX' });
  const before = { ...env };

  const first = await resolveNpmPublish({ cwd: join(root, 'repo'), env, ...isolated(root) });
  assert.deepEqual(env, before);
  const second = await resolveNpmPublish({ cwd: join(root, 'repo/packages/backend'), env, ...isolated(root) });
  assert.deepEqual(env, before);

  assert.deepEqual(first.registry.origin, { kind: 'file', file: join(root, 'repo/.npmrc'), line: 2, level: 'project' });
  assert.deepEqual(second.registry.origin, { kind: 'file', file: join(root, 'repo/.npmrc'), line: 2, level: 'project' });
  const again = await resolveNpmPublish({ cwd: join(root, 'repo'), env, ...isolated(root) });
  assert.deepEqual(again, first);
});

test('pnpm reads the workspace root .npmrc', async () => {
  const root = await makeTree({
    'repo/package.json': '{ "name": "monorepo", "private": true }\n',
    'repo/pnpm-workspace.yaml': 'packages:\n  - packages/*\n',
    'repo/.npmrc': `# registry for the scope\n@acme:registry=https://npm.pkg.github.com/\n//npm.pkg.github.com/:_authToken=${TOKEN}\n`,
    'repo/packages/a/package.json': '{ "name": "@acme/a", "version": "1.0.0" }\n',
  });
  const result = await resolvePublishConfig({ cwd: join(root, 'repo/packages/a'), env: isolatedEnv(root), client: 'pnpm', ...isolated(root) });

  assert.equal(result.registry.url, 'https://npm.pkg.github.com/');
  assert.deepEqual(result.registry.origin, { kind: 'file', file: join(root, 'repo/.npmrc'), line: 2, level: 'workspace' });
  assert.equal(result.credential.class, 'secret');
  assert.equal(result.credential.key, '//npm.pkg.github.com/:_authToken');
  assert.deepEqual(result.credential.origin, { kind: 'file', file: join(root, 'repo/.npmrc'), line: 3, level: 'workspace' });
  assert.ok(result.configFiles.some((file) => file.level === 'workspace' && file.file === join(root, 'repo/.npmrc') && file.exists));

  // npm has no pnpm workspace: its local prefix is packages/a, whose .npmrc does not exist.
  const npm = await resolvePublishConfig({ cwd: join(root, 'repo/packages/a'), env: isolatedEnv(root), client: 'npm', ...isolated(root) });
  assert.equal(npm.registry.url, 'https://registry.npmjs.org/');
  assert.equal(npm.credential.class, 'missing');
});

test('pnpm package .npmrc wins over the workspace one', async () => {
  const root = await makeTree({
    'repo/pnpm-workspace.yaml': 'packages:\n  - packages/*\n',
    'repo/.npmrc': `@acme:registry=https://npm.pkg.github.com/\n//npm.pkg.github.com/:_authToken=${TOKEN}\n`,
    'repo/packages/a/package.json': '{ "name": "@acme/a", "version": "1.0.0" }\n',
    'repo/packages/a/.npmrc': '@acme:registry=https://registry.example.com/\n',
    'home/.npmrc': '//npm.pkg.github.com/:_authToken=${UNSET_USER_TOKEN}\n',
  });
  const result = await resolvePublishConfig({ cwd: join(root, 'repo/packages/a'), env: isolatedEnv(root), client: 'pnpm', ...isolated(root) });
  assert.equal(result.registry.url, 'https://registry.example.com/');
  assert.equal(result.registry.origin.kind === 'file' && result.registry.origin.level, 'project');

  // The workspace file wins over the user file for the same key.
  const gpr = await makeTree({
    'repo/pnpm-workspace.yaml': 'packages:\n  - packages/*\n',
    'repo/.npmrc': `@acme:registry=https://npm.pkg.github.com/\n//npm.pkg.github.com/:_authToken=${TOKEN}\n`,
    'repo/packages/a/package.json': '{ "name": "@acme/a", "version": "1.0.0" }\n',
    'home/.npmrc': '//npm.pkg.github.com/:_authToken=${UNSET_USER_TOKEN}\n',
  });
  const fromWorkspace = await resolvePublishConfig({ cwd: join(gpr, 'repo/packages/a'), env: isolatedEnv(gpr), client: 'pnpm', ...isolated(gpr) });
  assert.equal(fromWorkspace.credential.class, 'secret');
  assert.deepEqual(fromWorkspace.credential.origin, { kind: 'file', file: join(gpr, 'repo/.npmrc'), line: 2, level: 'workspace' });
});

test('yarn credential value for sending', async () => {
  const root = await makeTree({
    'repo/package.json': '{ "name": "@fern/charts", "version": "3.1.0" }\n',
    'repo/.yarnrc.yml': 'npmScopes:\n  fern:\n    npmRegistryServer: "https://npm.pkg.github.com/fern"\n    npmAuthToken: "${GH_TOKEN}"\n',
  });
  const token = `ghs_${'d'.repeat(36)}`;
  const sent = await resolveYarnCredential({ cwd: join(root, 'repo'), env: isolatedEnv(root, { GH_TOKEN: token }) });
  assert.ok(sent);
  assert.equal(sent.value, token);
  assert.equal(sent.authType, 'token');
  assert.equal(sent.registry, 'https://npm.pkg.github.com/fern');
  assert.deepEqual(yarnCredentialFetchOptions(sent), { '//npm.pkg.github.com/fern/:_authToken': token });
  assert.equal(redact(`sent ${token}`), 'sent ***');

  const unset = await resolveYarnCredential({ cwd: join(root, 'repo'), env: isolatedEnv(root) });
  assert.equal(unset, null);
});

test('yarn npmAuthIdent is sent as basic auth', async () => {
  const root = await makeTree({
    'repo/package.json': '{ "name": "plain", "version": "1.0.0" }\n',
    'repo/.yarnrc.yml': 'npmRegistryServer: "http://127.0.0.1:4873"\nnpmAuthIdent: "alice:${YARN_TEST_PASSWORD}"\n',
  });
  const password = 'correct-horse-battery-staple-0123';
  const sent = await resolveYarnCredential({ cwd: join(root, 'repo'), env: isolatedEnv(root, { YARN_TEST_PASSWORD: password }) });
  assert.ok(sent);
  assert.equal(sent.authType, 'basic');
  assert.equal(sent.value, `alice:${password}`);
  // Yarn base64-encodes a `user:password` ident for the Basic header, as npm's `_auth` holds it.
  assert.deepEqual(yarnCredentialFetchOptions(sent), { '//127.0.0.1:4873/:_auth': Buffer.from(`alice:${password}`).toString('base64') });
});

test('yarn registry without scheme is invalid', async () => {
  const root = await makeTree({
    'repo/package.json': '{ "name": "@fern/charts", "version": "3.1.0" }\n',
    'repo/.yarnrc.yml': `npmScopes:\n  fern:\n    npmRegistryServer: "npm.pkg.github.com"\n    npmAuthToken: "${TOKEN}"\n`,
  });
  const result = await resolveYarnPublish({ cwd: join(root, 'repo'), env: isolatedEnv(root) });
  assert.equal(result.registry.url, 'npm.pkg.github.com');
  assert.equal(result.registry.valid, false);
  assert.deepEqual(result.registry.origin, { kind: 'file', file: join(root, 'repo/.yarnrc.yml'), line: 3, level: 'yarnrc' });

  // No value is handed out for a registry that cannot be keyed.
  assert.equal(await resolveYarnCredential({ cwd: join(root, 'repo'), env: isolatedEnv(root) }), null);
});
