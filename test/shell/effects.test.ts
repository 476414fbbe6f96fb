import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import {
  analyzeScriptSync,
  formatPath,
  loadBashParser,
  maskExpressions,
  parseGithubEnvContent,
  segmentsToString,
  type Segment,
} from '../../src/shell/index.js';

before(async () => {
  await loadBashParser();
});

// Segments in a compact form: literal text as is, `var:NAME`, `lit-var:NAME`, `expr:EXPR`, `?RAW`.
function compact(segments: Segment[] | null): string[] | null {
  if (segments === null) return null;
  return segments.map((segment) => {
    if (segment.kind === 'literal') return segment.text;
    if (segment.kind === 'variable') return `${segment.literal ? 'lit-var' : 'var'}:${segment.name}`;
    if (segment.kind === 'expression') return `expr:${segment.expression}`;
    return `?${segment.raw}`;
  });
}

describe('expression masking', () => {
  it('keeps the length and remembers the text', () => {
    const script = 'echo "${{ secrets.NPM_TOKEN }}" ${{ format(\'{0}}}\', x) }}';
    const { masked, expressions } = maskExpressions(script);
    assert.equal(masked.length, script.length);
    assert.deepEqual(expressions.map((mask) => mask.expression), ['secrets.NPM_TOKEN', "format('{0}}}', x)"]);
    assert.equal(masked.includes('${{'), false);
  });
});

describe('files written', () => {
  const cases: Array<{ what: string; script: string; kind: string; path: string; append: boolean; content: string[] | null }> = [
    {
      what: 'echo into .npmrc',
      script: 'echo "//npm.pkg.github.com/:_authToken=${NODE_AUTH_TOKEN}" > .npmrc',
      kind: 'npmrc', path: '.npmrc', append: false,
      content: ['//npm.pkg.github.com/:_authToken=', 'var:NODE_AUTH_TOKEN', '\n'],
    },
    {
      what: 'single quotes keep the variable for npm',
      script: "echo '//registry.npmjs.org/:_authToken=${NPM_TOKEN}' >> ~/.npmrc",
      kind: 'npmrc', path: '~/.npmrc', append: true,
      content: ['//registry.npmjs.org/:_authToken=', 'lit-var:NPM_TOKEN', '\n'],
    },
    {
      what: 'expression into $HOME/.npmrc',
      script: 'echo "//registry.npmjs.org/:_authToken=${{ secrets.NPM_TOKEN }}" > "$HOME/.npmrc"',
      kind: 'npmrc', path: '~/.npmrc', append: false,
      content: ['//registry.npmjs.org/:_authToken=', 'expr:secrets.NPM_TOKEN', '\n'],
    },
    {
      what: 'printf with a format',
      script: 'printf "//r.example/:_authToken=%s\\n" "$TOKEN" > "$NPM_CONFIG_USERCONFIG"',
      kind: 'npmrc', path: '$NPM_CONFIG_USERCONFIG', append: false,
      content: ['//r.example/:_authToken=', 'var:TOKEN', '\n'],
    },
    {
      what: 'heredoc through cat',
      script: 'cat <<EOF > .npmrc\n@scope:registry=https://npm.pkg.github.com\n//npm.pkg.github.com/:_authToken=$TOKEN\nEOF',
      kind: 'npmrc', path: '.npmrc', append: false,
      content: ['@scope:registry=https://npm.pkg.github.com\n//npm.pkg.github.com/:_authToken=', 'var:TOKEN', '\n'],
    },
    {
      what: 'quoted heredoc stays literal',
      script: "cat > .yarnrc.yml <<'EOF'\nnpmAuthToken: ${YARN_TOKEN}\nEOF",
      kind: 'yarnrc', path: '.yarnrc.yml', append: false,
      content: ['npmAuthToken: ', 'lit-var:YARN_TOKEN', '\n'],
    },
    {
      what: 'echo piped into tee -a',
      script: 'echo "//r/:_authToken=$T" | tee -a packages/a/.npmrc',
      kind: 'npmrc', path: 'packages/a/.npmrc', append: true,
      content: ['//r/:_authToken=', 'var:T', '\n'],
    },
    {
      what: 'here-string into tee',
      script: 'tee .npmrc <<< "registry=$URL"',
      kind: 'npmrc', path: '.npmrc', append: false,
      content: ['registry=', 'var:URL', '\n'],
    },
    {
      what: 'relative to a cd',
      script: 'cd packages/sdk\necho "x=1" > .npmrc',
      kind: 'npmrc', path: 'packages/sdk/.npmrc', append: false,
      content: ['x=1\n'],
    },
    {
      what: 'grouped echos',
      script: '{ echo "a=1"; echo "b=$B"; } >> .npmrc',
      kind: 'npmrc', path: '.npmrc', append: true,
      content: ['a=1\nb=', 'var:B', '\n'],
    },
    {
      what: 'GITHUB_ENV line',
      script: 'echo "NPM_CONFIG_USERCONFIG=$RUNNER_TEMP/.npmrc" >> "$GITHUB_ENV"',
      kind: 'github-env', path: '$GITHUB_ENV', append: true,
      content: ['NPM_CONFIG_USERCONFIG=', 'var:RUNNER_TEMP', '/.npmrc\n'],
    },
    {
      what: 'GITHUB_PATH line',
      script: 'echo "$HOME/.local/bin" >> $GITHUB_PATH',
      kind: 'github-path', path: '$GITHUB_PATH', append: true,
      content: ['var:HOME', '/.local/bin\n'],
    },
    {
      what: 'heredoc piped into tee',
      script: 'cat <<EOF | tee .npmrc\n//r/:_authToken=${T}\nEOF',
      kind: 'npmrc', path: '.npmrc', append: false,
      content: ['//r/:_authToken=', 'var:T', '\n'],
    },
    {
      what: 'sudo tee with its output discarded',
      script: 'echo "//r/:_authToken=$T" | sudo tee -a ~/.npmrc > /dev/null',
      kind: 'npmrc', path: '~/.npmrc', append: true,
      content: ['//r/:_authToken=', 'var:T', '\n'],
    },
    {
      what: 'heredoc followed by &&',
      script: 'cat <<EOF > .npmrc && npm publish\nregistry=https://r.example/\nEOF',
      kind: 'npmrc', path: '.npmrc', append: false,
      content: ['registry=https://r.example/\n'],
    },
    {
      what: 'heredoc with tab stripping',
      script: 'cat <<-EOF > .npmrc\n\t//r/:_authToken=${T}\n\tEOF',
      kind: 'npmrc', path: '.npmrc', append: false,
      content: ['//r/:_authToken=', 'var:T', '\n'],
    },
    {
      what: 'runner temp expression',
      script: 'echo "registry=https://npm.pkg.github.com/" >> "${{ runner.temp }}/.npmrc"',
      kind: 'npmrc', path: '${{ runner.temp }}/.npmrc', append: true,
      content: ['registry=https://npm.pkg.github.com/\n'],
    },
    {
      what: 'output of an unknown command',
      script: 'node scripts/make-npmrc.js > .npmrc',
      kind: 'npmrc', path: '.npmrc', append: false,
      content: null,
    },
  ];
  for (const { what, script, kind, path, append, content } of cases) {
    it(what, () => {
      const writes = analyzeScriptSync(script).writes.filter((write) => write.kind !== 'other');
      assert.equal(writes.length, 1);
      const write = writes[0]!;
      assert.equal(write.kind, kind);
      assert.equal(formatPath(write.path), path);
      assert.equal(write.append, append);
      assert.deepEqual(compact(write.content), content);
    });
  }

  it('ignores stderr redirects and /dev/null', () => {
    const analysis = analyzeScriptSync('npm view a 2>/dev/null\nnpm view b > /dev/null 2>&1\nnpm ci 2> err.log');
    assert.deepEqual(analysis.writes.map((write) => write.target.raw), []);
  });
});

describe('exports and npm config set', () => {
  it('reads export with and without a value', () => {
    const analysis = analyzeScriptSync('export NODE_AUTH_TOKEN="${{ secrets.NPM_TOKEN }}" NPM_CONFIG_PROVENANCE\nexport A=$B');
    assert.deepEqual(
      analysis.exports.map((entry) => [entry.name, entry.value ? compact(entry.value.segments) : null]),
      [
        ['NODE_AUTH_TOKEN', ['expr:secrets.NPM_TOKEN']],
        ['NPM_CONFIG_PROVENANCE', null],
        ['A', ['var:B']],
      ],
    );
  });

  const configCases: Array<{ line: string; tool: string; key: string | null; value: string | null; location: string }> = [
    { line: 'npm config set //npm.pkg.github.com/:_authToken "$TOKEN"', tool: 'npm', key: '//npm.pkg.github.com/:_authToken', value: '"$TOKEN"', location: 'user' },
    { line: 'npm config set registry https://r.example --location project', tool: 'npm', key: 'registry', value: 'https://r.example', location: 'project' },
    { line: 'npm config set -L global registry https://r.example', tool: 'npm', key: 'registry', value: 'https://r.example', location: 'global' },
    { line: 'npm config set --global registry https://r.example', tool: 'npm', key: 'registry', value: 'https://r.example', location: 'global' },
    { line: 'npm set @scope:registry=https://npm.pkg.github.com', tool: 'npm', key: '@scope:registry', value: 'https://npm.pkg.github.com', location: 'user' },
    { line: 'npm config set --userconfig ./ci.npmrc always-auth true', tool: 'npm', key: 'always-auth', value: 'true', location: 'user' },
    { line: 'pnpm config set --location project registry https://r.example', tool: 'pnpm', key: 'registry', value: 'https://r.example', location: 'project' },
    { line: 'yarn config set npmAuthToken "$YARN_TOKEN"', tool: 'yarn', key: 'npmAuthToken', value: '"$YARN_TOKEN"', location: 'project' },
    { line: 'yarn config set -H npmAuthToken x', tool: 'yarn', key: 'npmAuthToken', value: 'x', location: 'user' },
  ];
  for (const { line, tool, key, value, location } of configCases) {
    it(`reads ${JSON.stringify(line)}`, () => {
      const [config] = analyzeScriptSync(line).configSets;
      assert.ok(config);
      assert.equal(config.tool, tool);
      assert.equal(config.key, key);
      assert.equal(config.value?.raw ?? null, value);
      assert.equal(config.location, location);
    });
  }

  it('does not read npm config get', () => {
    assert.deepEqual(analyzeScriptSync('npm config get registry').configSets, []);
  });
});

describe('GITHUB_ENV content', () => {
  it('splits NAME=value lines and heredoc blocks', () => {
    const analysis = analyzeScriptSync(
      'echo "NPM_CONFIG_USERCONFIG=$RUNNER_TEMP/.npmrc" >> "$GITHUB_ENV"\n' +
        'cat >> "$GITHUB_ENV" <<EOF\nNOTES<<END\nline one\nline $TWO\nEND\nTAG=next\nEOF',
    );
    const entries = analysis.writes.filter((write) => write.kind === 'github-env').flatMap((write) => parseGithubEnvContent(write.content ?? []));
    assert.deepEqual(
      entries.map((entry) => [entry.name, segmentsToString(entry.value)]),
      [
        ['NPM_CONFIG_USERCONFIG', '$RUNNER_TEMP/.npmrc'],
        ['NOTES', 'line one\nline $TWO'],
        ['TAG', 'next'],
      ],
    );
  });
});
