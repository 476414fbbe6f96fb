import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { analyzeScriptSync, loadBashParser, type PublishCommand } from '../../src/shell/index.js';

before(async () => {
  await loadBashParser();
});

// The publish command of the first command line that has one, else null.
function publishOf(line: string, scripts: Record<string, string> = {}): PublishCommand | null {
  const analysis = analyzeScriptSync(line, { scripts: (name) => scripts[name] });
  return [...analysis.publishes.values()][0] ?? null;
}

describe('publish command detection', () => {
  const cases: Array<{ line: string; form: string | null; launcher?: string | null; recursive?: boolean; dryRun?: boolean }> = [
    { line: 'npm publish', form: 'npm publish', launcher: null, recursive: false },
    { line: 'npm publish ./packages/a --access public', form: 'npm publish' },
    { line: 'npm --registry https://r.example publish', form: 'npm publish' },
    { line: 'npm publish --workspaces', form: 'npm publish', recursive: true },
    { line: 'npm publish --dry-run', form: 'npm publish', dryRun: true },
    { line: 'sudo -E npm publish', form: 'npm publish' },
    { line: 'env NODE_AUTH_TOKEN=x npm publish', form: 'npm publish' },
    { line: 'NODE_AUTH_TOKEN=x npm publish', form: 'npm publish' },
    { line: 'time npm publish', form: 'npm publish' },
    { line: 'pnpm publish --no-git-checks', form: 'pnpm publish', recursive: false },
    { line: 'pnpm -r publish', form: 'pnpm -r publish', recursive: true },
    { line: 'pnpm --recursive publish --access public', form: 'pnpm -r publish', recursive: true },
    { line: 'pnpm publish -r', form: 'pnpm -r publish', recursive: true },
    { line: 'pnpm --filter ./packages/a publish', form: 'pnpm publish' },
    { line: 'yarn npm publish --access public', form: 'yarn npm publish' },
    { line: 'yarn publish --non-interactive', form: 'yarn publish' },
    { line: 'yarn workspaces foreach -A --topological npm publish', form: 'yarn workspaces foreach npm publish', recursive: true },
    { line: 'lerna publish from-git --yes', form: 'lerna publish', recursive: true },
    { line: 'npx lerna publish from-package', form: 'lerna publish', launcher: 'npx' },
    { line: 'changeset publish', form: 'changeset publish', recursive: true },
    { line: 'changesets publish', form: 'changeset publish' },
    { line: 'npx changeset publish', form: 'changeset publish', launcher: 'npx' },
    { line: 'npx -p @changesets/cli changeset publish', form: 'changeset publish', launcher: 'npx' },
    { line: 'pnpm dlx semantic-release', form: 'semantic-release', launcher: 'pnpm dlx' },
    { line: 'npx --yes semantic-release', form: 'semantic-release', launcher: 'npx' },
    { line: 'semantic-release --dry-run', form: 'semantic-release', dryRun: true },
    { line: 'yarn dlx semantic-release', form: 'semantic-release', launcher: 'yarn dlx' },
    { line: 'npm exec -- semantic-release', form: 'semantic-release', launcher: 'npm exec' },
    { line: 'yarn changeset publish', form: 'changeset publish', launcher: 'yarn' },
    { line: 'pnpm changeset publish', form: 'changeset publish', launcher: 'pnpm' },
    { line: 'bun publish', form: 'bun publish' },
    { line: 'corepack pnpm publish -r', form: 'pnpm -r publish' },
    { line: 'npx --yes lerna@8 publish from-git', form: 'lerna publish', launcher: 'npx' },
    { line: 'npx @changesets/cli publish', form: 'changeset publish', launcher: 'npx' },
    { line: 'npm -w packages/a publish', form: 'npm publish' },
    { line: 'xargs -n1 npm publish', form: 'npm publish' },
    { line: 'x=$(npm publish 2>&1)', form: 'npm publish' },
    // Near misses: another program runs, or nothing is published.
    { line: 'echo npm publish', form: null },
    { line: "grep 'npm publish' README.md", form: null },
    { line: '# npm publish', form: null },
    { line: 'npm publish --help', form: null },
    { line: 'npm help publish', form: null },
    { line: 'npm view pkg version', form: null },
    { line: 'npm pack', form: null },
    { line: 'lerna version patch', form: null },
    { line: 'changeset version', form: null },
    { line: 'command -v npm', form: null },
    { line: 'npm run build', form: null },
    { line: 'cat <<EOF\nnpm publish\nEOF', form: null },
    { line: 'command -v npm && echo found', form: null },
    { line: 'npm search publish', form: null },
  ];
  for (const { line, form, launcher, recursive, dryRun } of cases) {
    it(`reads ${JSON.stringify(line)}`, () => {
      const found = publishOf(line);
      assert.equal(found?.form ?? null, form);
      if (launcher !== undefined) assert.equal(found?.launcher, launcher);
      if (recursive !== undefined) assert.equal(found?.recursive, recursive);
      if (dryRun !== undefined) assert.equal(found?.dryRun, dryRun);
    });
  }
});

describe('publish flags', () => {
  it('reads registry, tag, access, provenance and userconfig', () => {
    const found = publishOf('npm publish ./dist --registry=https://npm.pkg.github.com --tag next --access public --provenance --userconfig "$RUNNER_TEMP/.npmrc"');
    assert.equal(found?.target?.text, './dist');
    assert.equal(found?.registry !== true && found?.registry?.text, 'https://npm.pkg.github.com');
    assert.equal(found?.tag !== true && found?.tag?.text, 'next');
    assert.equal(found?.access !== true && found?.access?.text, 'public');
    assert.equal(found?.provenance, true);
    assert.equal(found?.userconfig !== true && found?.userconfig?.raw, '"$RUNNER_TEMP/.npmrc"');
  });

  it('reads workspace names', () => {
    const found = publishOf('npm publish -w @scope/a --workspace b');
    assert.deepEqual(found?.workspaces.map((word) => word.text), ['@scope/a', 'b']);
  });

  it('reads --provenance=false as off', () => {
    assert.equal(publishOf('npm publish --provenance=false')?.provenance, false);
  });
});

describe('publish through package.json scripts', () => {
  it('follows npm run to a publishing script', () => {
    const found = publishOf('npm run release', { release: 'npm run build && changeset publish' });
    assert.equal(found?.form, 'changeset publish');
    assert.equal(found?.launcher, 'npm run release');
    assert.deepEqual(found?.script, { name: 'release', body: 'npm run build && changeset publish' });
  });

  it('follows yarn <script> and pnpm run <script>', () => {
    assert.equal(publishOf('yarn release', { release: 'npm publish' })?.launcher, 'yarn release');
    assert.equal(publishOf('pnpm run release', { release: 'pnpm -r publish' })?.form, 'pnpm -r publish');
  });

  it('ignores scripts that do not publish', () => {
    assert.equal(publishOf('npm run build', { build: 'tsc' }), null);
  });

  it('stops at scripts that call themselves', () => {
    assert.equal(publishOf('npm run loop', { loop: 'npm run loop' }), null);
  });
});

describe('registry query detection', () => {
  const cases: Array<{ line: string; kind: string | null; versioned?: boolean; field?: string | null }> = [
    { line: 'npm view pkg@1.2.3 version', kind: 'view', versioned: true, field: 'version' },
    { line: 'npm info "$NAME@$VERSION"', kind: 'view', versioned: true, field: null },
    { line: 'npm show @scope/pkg versions --json', kind: 'view', versioned: false, field: 'versions' },
    { line: 'npm v pkg', kind: 'view', versioned: false },
    { line: 'pnpm view pkg@1.0.0', kind: 'view', versioned: true },
    { line: 'yarn npm info pkg', kind: 'view' },
    { line: 'yarn info pkg@1.0.0 version', kind: 'view', versioned: true },
    { line: 'npm install @scope/pkg@1.2.3', kind: 'install', versioned: true },
    { line: 'npm i -g pkg@latest', kind: 'install' },
    { line: 'npm dist-tag ls pkg', kind: 'dist-tag' },
    { line: 'npm install', kind: null },
    { line: 'npm ci', kind: null },
    { line: 'npm install @scope/pkg', kind: null },
    { line: 'echo npm view pkg', kind: null },
    { line: 'npm dist-tag add pkg@1.0.0 latest', kind: null },
  ];
  for (const { line, kind, versioned, field } of cases) {
    it(`reads ${JSON.stringify(line)}`, () => {
      const analysis = analyzeScriptSync(line);
      const query = [...analysis.queries.values()][0] ?? null;
      assert.equal(query?.kind ?? null, kind);
      if (versioned !== undefined) assert.equal(query?.versioned, versioned);
      if (field !== undefined) assert.equal(query?.field, field);
    });
  }
});
