// The handed repositories under ../shared/cases/repos, each with exactly the
// findings its README row gives (worked out by hand from npm's, Yarn's and
// setup-node's rules), plus the message parts that explain them.
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { runCheck } from '../../src/check/run.js';
import type { Finding } from '../../src/report/finding.js';

const CASES = resolve(new URL('../..', import.meta.url).pathname, '../shared/cases/repos');

async function check(name: string, repo?: string): Promise<Finding[]> {
  const result = await runCheck({ directory: join(CASES, name), repo: repo ?? null });
  assert.deepEqual(result.failures, [], 'no rule may throw');
  return result.findings.filter((finding) => !finding.suppressed);
}

function ruleIds(findings: Finding[]): string[] {
  return findings.map((finding) => finding.ruleId).sort();
}

describe('handed credential cases', { skip: existsSync(CASES) ? false : `cases folder ${CASES} is absent` }, () => {
  test('yarn berry ignores .npmrc', async () => {
    const findings = await check('yarn-berry-ignores-npmrc');
    assert.deepEqual(ruleIds(findings), ['credential-not-reaching-publish']);

    const [finding] = findings;
    assert.equal(finding!.file, '.github/workflows/release.yml');
    assert.equal(finding!.line, 15);
    assert.match(finding!.message, /Yarn 2\+ reads only `\.yarnrc\.yml`/);
    assert.match(finding!.fix, /YARN_NPM_AUTH_TOKEN/);
    assert.equal(finding!.args.credentialClass, 'missing');
    assert.equal(finding!.args.client, 'yarn-berry');
  });

  test('working directory skips root .npmrc', async () => {
    const findings = await check('working-directory-skips-root-npmrc');
    assert.deepEqual(ruleIds(findings), ['credential-not-reaching-publish']);

    const [finding] = findings;
    assert.equal(finding!.step, 'Publish');
    assert.equal(finding!.line, 17);
    assert.equal(finding!.args.folder, 'packages/sdk');
    assert.equal(finding!.args.credentialClass, 'missing');
    assert.match(finding!.message, /"packages\/sdk\/\.npmrc" \(absent\)/);
    assert.match(finding!.message, /written by step "Authenticate"/);
    // setup-node has no registry-url here, so no config line reads NODE_AUTH_TOKEN: setting it alone changes nothing.
    assert.match(finding!.fix, /add `registry-url: https:\/\/registry\.npmjs\.org\/` to step "#2 actions\/setup-node@v4"/);
    assert.match(finding!.fix, /npm publish \.\/packages\/sdk/);
    assert.deepEqual(
      finding!.related.map((location) => `${location.file}:${location.line}`),
      ['.github/workflows/publish.yml:12'],
    );
  });

  test('GitHub Packages owner path', async () => {
    const findings = await check('gpr-owner-path', 'lakeside-design/tokens');
    assert.deepEqual(ruleIds(findings), ['credential-not-reaching-publish', 'github-packages-scope-mismatch']);

    const scope = findings.find((finding) => finding.ruleId === 'github-packages-scope-mismatch')!;
    assert.match(scope.message, /`@lakeside` is not the repository owner `lakeside-design`/);
    assert.match(scope.message, /setup-node maps only `@lakeside-design`/);
    assert.match(scope.message, /owner path/);
    const credential = findings.find((finding) => finding.ruleId === 'credential-not-reaching-publish')!;
    assert.equal(credential.args.registry, 'https://registry.npmjs.org/');
    assert.equal(credential.args.credentialClass, 'other-host');
  });

  test('OIDC with the npm of Node 22', async () => {
    const findings = await check('oidc-old-npm');
    assert.deepEqual(ruleIds(findings), ['trusted-publishing-not-possible']);

    const [finding] = findings;
    assert.equal(finding!.line, 18);
    assert.equal(finding!.confidence, 'high');
    assert.match(finding!.message, /npm 10\.x/);
    assert.match(finding!.message, /11\.5\.1/);
    assert.match(finding!.message, /placeholder/);
    assert.match(finding!.fix, /"release\.yml"/);
  });
});

describe('credential fixes that work', () => {
  const FIXTURES = new URL('../rules/credential-not-reaching-publish/', import.meta.url).pathname;

  test('unscoped-auth fix keeps the variable', async () => {
    const directory = new URL('../rules/npmrc-auth-not-scoped/bad-unscoped', import.meta.url).pathname;
    const result = await runCheck({ directory, repo: null, only: ['npmrc-auth-not-scoped'] });
    assert.equal(result.findings.length, 1);
    assert.match(result.findings[0]!.fix, /as in "\/\/registry\.npmjs\.org\/:_authToken=\$\{NPM_TOKEN\}"/);
  });

  test('publish action gets a token input', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pubguard-credential-fix-'));
    try {
      mkdirSync(join(root, '.github', 'workflows'), { recursive: true });
      cpSync(join(FIXTURES, 'bad-publish-action-without-token.yml'), join(root, '.github', 'workflows', 'release.yml'));
      const result = await runCheck({ directory: root, repo: null, only: ['credential-not-reaching-publish'] });
      assert.equal(result.findings.length, 1);
      assert.equal(result.findings[0]!.fix, 'give step "Publish" `token: ${{ secrets.NPM_TOKEN }}` in its `with:`');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('scope fix keeps the enterprise registry', async () => {
    const directory = new URL('../rules/github-packages-scope-mismatch/bad-ghes-other-scope', import.meta.url).pathname;
    const result = await runCheck({ directory, repo: 'fixture-owner/ui', only: ['github-packages-scope-mismatch'] });
    assert.equal(result.findings.length, 1);
    assert.equal(
      result.findings[0]!.fix,
      'rename the package to `@fixture-owner/…` (GitHub Packages requires the owner\'s scope), and give setup-node `registry-url: https://ghe.acme.com/_registry/npm/` without an owner path and `scope: fixture-owner`',
    );
  });

  test('semantic-release gets NPM_TOKEN', async () => {
    const result = await runCheck({ directory: join(FIXTURES, 'bad-semantic-release-no-token'), repo: null, only: ['credential-not-reaching-publish'] });
    assert.equal(result.findings.length, 1);
    assert.equal(result.findings[0]!.fix, 'set NPM_TOKEN to `${{ secrets.NPM_TOKEN }}` in the `env:` of step "Release"; semantic-release\'s npm plugin writes it to its own .npmrc');
  });

  test('yarnrc variable is the one to set', async () => {
    const result = await runCheck({ directory: join(FIXTURES, 'bad-yarnrc-variable-unset'), repo: null, only: ['credential-not-reaching-publish'] });
    assert.equal(result.findings.length, 1);
    assert.equal(result.findings[0]!.fix, 'set NPM_AUTH_TOKEN (which .yarnrc.yml:2 reads) or YARN_NPM_AUTH_TOKEN to `${{ secrets.NPM_TOKEN }}` in the `env:` of step "Publish"; Yarn 2+ ignores NODE_AUTH_TOKEN and `.npmrc`');
  });

  test('written token names the writing step', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pubguard-credential-fix-'));
    try {
      mkdirSync(join(root, '.github', 'workflows'), { recursive: true });
      cpSync(join(FIXTURES, 'bad-written-token-variable-unset.yml'), join(root, '.github', 'workflows', 'release.yml'));
      const result = await runCheck({ directory: root, repo: null, only: ['credential-not-reaching-publish'] });
      assert.equal(result.findings.length, 1);
      assert.equal(result.findings[0]!.fix, 'set NPM_TOKEN to `${{ secrets.NPM_TOKEN }}` in the `env:` of step "Authenticate", which writes the token');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('unprefixed token gets a prefix', async () => {
    const result = await runCheck({ directory: join(FIXTURES, 'bad-unscoped-auth-token'), repo: null, only: ['credential-not-reaching-publish'] });
    assert.equal(result.findings.length, 1);
    assert.equal(
      result.findings[0]!.fix,
      'prefix the key in .npmrc:1 with the registry it is for: `//registry.npmjs.org/:_authToken=${PUBLISH_TOKEN}`',
    );
  });
});

describe('invalid registry URL', () => {
  // Every rule runs: the invalid registry must be one finding, and no rule may throw on it.
  test('registry without scheme gives one finding', async () => {
    const fixture = resolve(new URL('..', import.meta.url).pathname, 'rules/credential-not-reaching-publish/bad-registry-url-without-scheme');
    const result = await runCheck({ directory: fixture, repo: 'fixture-owner/fixture-repo' });
    assert.deepEqual(result.failures, []);

    const findings = result.findings.filter((finding) => !finding.suppressed);
    assert.deepEqual(ruleIds(findings), ['credential-not-reaching-publish']);
    assert.equal(findings[0]!.file, '.npmrc');
    assert.equal(findings[0]!.line, 2);
    assert.equal(findings[0]!.args.registry, 'npm.pkg.github.com');
    assert.match(findings[0]!.message, /ERR_INVALID_URL/);
    assert.match(findings[0]!.fix, /`https:\/\/npm\.pkg\.github\.com\/`/);
  });

  test('setup-node registry-url https gives one finding', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pubguard-invalid-registry-'));
    try {
      mkdirSync(join(root, '.github', 'workflows'), { recursive: true });
      cpSync(
        resolve(new URL('..', import.meta.url).pathname, 'rules/credential-not-reaching-publish/bad-setup-node-registry-url-invalid.yml'),
        join(root, '.github', 'workflows', 'release.yml'),
      );
      cpSync(resolve(new URL('..', import.meta.url).pathname, 'rules/credential-not-reaching-publish/bad-registry-url-without-scheme/package.json'), join(root, 'package.json'));
      const result = await runCheck({ directory: root, repo: 'fixture-owner/fixture-repo' });
      assert.deepEqual(result.failures, []);

      const findings = result.findings.filter((finding) => !finding.suppressed);
      assert.deepEqual(ruleIds(findings), ['credential-not-reaching-publish']);
      assert.equal(findings[0]!.line, 11);
      assert.equal(findings[0]!.column, 25);
      assert.equal(findings[0]!.args.registry, 'https/');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
