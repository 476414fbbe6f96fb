// The known-actions table and the helpers around it. Expected values are
// read from setup-node's src/authutil.ts at v6.5.0 and v7.0.0 and from the
// action.yml of each major.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  SETUP_NODE_PLACEHOLDER_TOKEN,
  actionAcceptsInput,
  actionMajorVersion,
  isPublishAction,
  setupNodeAuthEffect,
  setupNodeExportsPlaceholder,
} from '../../src/workflow/known-actions.js';
import { clientFromPackageManager } from '../../src/npmconfig/index.js';
import { isGitHubPackages } from '../../src/npmconfig/rule-support.js';

test('setup-node for GitHub Packages', () => {
  const effect = setupNodeAuthEffect({ registryUrl: 'https://npm.pkg.github.com', repositoryOwner: 'Lakeside-Design', major: 4 });

  assert.deepEqual(effect.lines, ['//npm.pkg.github.com/:_authToken=${NODE_AUTH_TOKEN}', '@lakeside-design:registry=https://npm.pkg.github.com/']);
  assert.equal(effect.scope, '@lakeside-design');
  assert.equal(effect.scopeFromOwner, true);
  assert.deepEqual(effect.exports, { NPM_CONFIG_USERCONFIG: '$RUNNER_TEMP/.npmrc', NODE_AUTH_TOKEN: SETUP_NODE_PLACEHOLDER_TOKEN });
});

test('setup-node scope input and owner path', () => {
  const effect = setupNodeAuthEffect({ registryUrl: 'https://npm.pkg.github.com/acme', scopeInput: 'Acme', repositoryOwner: 'other', major: 7 });

  assert.deepEqual(effect.lines, ['//npm.pkg.github.com/acme/:_authToken=${NODE_AUTH_TOKEN}', '@acme:registry=https://npm.pkg.github.com/acme/']);
  assert.equal(effect.scopeFromOwner, false);
  assert.deepEqual(effect.exports, { NPM_CONFIG_USERCONFIG: '$RUNNER_TEMP/.npmrc' });
});

test('setup-node exports by major', () => {
  assert.equal(setupNodeExportsPlaceholder(4), true);
  assert.equal(setupNodeExportsPlaceholder(6), true);
  assert.equal(setupNodeExportsPlaceholder(7), false);
  assert.equal(setupNodeExportsPlaceholder(null), true);

  const withToken = setupNodeAuthEffect({ registryUrl: 'https://registry.npmjs.org', major: 4, stepNodeAuthToken: 'opaque-value' });
  assert.equal(withToken.exports.NODE_AUTH_TOKEN, 'opaque-value');
  const emptyBeforeV7 = setupNodeAuthEffect({ registryUrl: 'https://registry.npmjs.org', major: 6, stepNodeAuthToken: '' });
  assert.equal(emptyBeforeV7.exports.NODE_AUTH_TOKEN, SETUP_NODE_PLACEHOLDER_TOKEN);
  const alwaysAuth = setupNodeAuthEffect({ registryUrl: 'https://registry.npmjs.org', major: 5, alwaysAuthInput: 'false' });
  assert.equal(alwaysAuth.lines[2], 'always-auth=false');
});

test('action refs and inputs', () => {
  assert.equal(actionMajorVersion('v4'), 4);
  assert.equal(actionMajorVersion('v4.1.0'), 4);
  assert.equal(actionMajorVersion('1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b', 'v6.0.0'), 6);
  assert.equal(actionMajorVersion('main'), null);
  assert.equal(actionAcceptsInput('actions/setup-node@v1', 'token', 1), false);
  assert.equal(actionAcceptsInput('actions/setup-node@v2', 'token', 2), true);
  assert.equal(actionAcceptsInput('actions/setup-node@v7', 'always-auth', 7), false);
  assert.equal(actionAcceptsInput('actions/setup-node@v6', 'always-auth', 6), true);
});

test('publish actions', () => {
  assert.equal(isPublishAction('changesets/action@v1'), true);
  assert.equal(isPublishAction('JS-DevTools/npm-publish@v3'), true);
  assert.equal(isPublishAction('actions/setup-node@v4'), false);
  assert.equal(isPublishAction('./.github/actions/publish'), false);
});

test('client from packageManager', () => {
  assert.equal(clientFromPackageManager('yarn@4.5.0'), 'yarn-berry');
  assert.equal(clientFromPackageManager('yarn@1.22.22'), 'yarn-classic');
  assert.equal(clientFromPackageManager('pnpm@9.1.0'), 'pnpm');
  assert.equal(clientFromPackageManager('npm@11.5.1'), 'npm');
});

test('GitHub Packages registry names', () => {
  assert.equal(isGitHubPackages('https://npm.pkg.github.com/'), true);
  assert.equal(isGitHubPackages('https://npm.pkg.github.com/lakeside-design'), true);
  assert.equal(isGitHubPackages('https://npm.octo.ghe.com/'), true);
  assert.equal(isGitHubPackages('https://github.example.com/_registry/npm/'), true);
  assert.equal(isGitHubPackages('https://npm.example.com/'), false);
  assert.equal(isGitHubPackages('https://registry.npmjs.org/'), false);
});
