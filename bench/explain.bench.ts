// Benchmark for `pubguard explain`: generates a GitHub Actions log of
// PUBGUARD_BENCH_LOG_MB megabytes (default 1024) with planted publish failures
// and look-alike lines (test names and echoed hints that mention npm errors),
// then compares explain's wall time with `grep -c 'npm error'` on the same
// file and reports explain's peak RSS. Run: npm run bench -- explain
import { createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../dist/cli/bin.js', import.meta.url));
const RSS_BUDGET_MB = 150;
const RATIO_BUDGET = 3;

interface Planted {
  package: string;
  status: number;
}

function timestamp(index: number): string {
  const seconds = Math.floor(index / 1000);
  const date = new Date(Date.UTC(2026, 1, 10, 20, 0, 0) + seconds * 1000);
  return `${date.toISOString().slice(0, 19)}.${String(index % 10_000_000).padStart(7, '0')}Z`;
}

// Lines a test run and its hints print; none of them is a failure.
function noiseLine(index: number): string {
  switch (index % 50) {
    case 7:
      return `  ✓ maps npm error code E401 to token-invalid (${index % 97} ms)`;
    case 19:
      return `hint: if you see "npm error 404 Not Found - PUT", check that NODE_AUTH_TOKEN reaches the step`;
    case 31:
      return `    ✓ explains npm ERR! 403 403 Forbidden - PUT https://registry.npmjs.org/fixture-${index % 13} (2 ms)`;
    default:
      return `  ✓ renders component ${index % 1009} with props set ${index % 31} (${index % 53} ms)`;
  }
}

function failureBlock(planted: Planted): string[] {
  const encoded = planted.package.replace('/', '%2f');
  const messages: Record<number, string> = {
    401: `npm error 401 Unauthorized - PUT https://npm.pkg.github.com/${encoded} - unauthenticated: User cannot be authenticated with the token provided.`,
    403: `npm error 403 403 Forbidden - PUT https://registry.npmjs.org/${encoded} - You may not perform that action with these credentials.`,
    404: `npm error 404 Not Found - PUT https://registry.npmjs.org/${encoded} - Not found`,
  };
  return [
    `##[group]Run npm publish --workspace ${planted.package} | tee publish.log`,
    `npm publish --workspace ${planted.package} | tee publish.log`,
    'shell: /usr/bin/bash -e {0}',
    '##[endgroup]',
    `npm notice 📦  ${planted.package}@1.0.0`,
    `npm notice Publishing to ${planted.status === 401 ? 'https://npm.pkg.github.com/' : 'https://registry.npmjs.org/'} with tag latest and default access`,
    `npm error code E${planted.status}`,
    messages[planted.status]!,
    'npm error A complete log of this run can be found in: /home/runner/.npm/_logs/debug-0.log',
  ];
}

function testStepHeader(index: number): string[] {
  return [
    `##[group]Run npm test -- --shard=${index}`,
    `echo "if this fails with npm error code E401, re-run with NODE_AUTH_TOKEN set"`,
    `npm test -- --shard=${index}`,
    'shell: /usr/bin/bash -e {0}',
    '##[endgroup]',
  ];
}

async function generate(path: string, targetBytes: number): Promise<Planted[]> {
  const planted: Planted[] = [];
  const statuses = [401, 403, 404];
  const plantEvery = Math.max(1, Math.floor(targetBytes / 8));
  let nextPlant = Math.floor(plantEvery / 2);
  const stream = createWriteStream(path);
  let written = 0;
  let line = 0;
  let step = 0;
  while (written < targetBytes) {
    const parts: string[] = [];
    if (written >= nextPlant) {
      const block = { package: `@bench/pkg-${planted.length}`, status: statuses[planted.length % statuses.length]! };
      planted.push(block);
      for (const text of failureBlock(block)) parts.push(`${timestamp(line++)} ${text}`);
      nextPlant += plantEvery;
    }
    for (const text of testStepHeader(step++)) parts.push(`${timestamp(line++)} ${text}`);
    for (let index = 0; index < 20_000; index += 1) parts.push(`${timestamp(line++)} ${noiseLine(line)}`);
    const chunk = `${parts.join('\n')}\n`;
    written += Buffer.byteLength(chunk);
    if (!stream.write(chunk)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return planted;
}

function timed(command: string, args: string[]): { ms: number; stdout: string; stderr: string; status: number | null } {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { ms, stdout: result.stdout, stderr: result.stderr, status: result.status };
}

export async function run(): Promise<void> {
  const megabytes = Number(process.env.PUBGUARD_BENCH_LOG_MB ?? 1024);
  if (!Number.isFinite(megabytes) || megabytes <= 0) throw new Error(`invalid PUBGUARD_BENCH_LOG_MB ${JSON.stringify(process.env.PUBGUARD_BENCH_LOG_MB)}: expected a positive number`);
  const dir = mkdtempSync(join(tmpdir(), 'pubguard-bench-explain-'));
  try {
    const log = join(dir, 'job.log');
    const hook = join(dir, 'rss-hook.mjs');
    // Reports the explain process's own peak resident set size when it exits.
    writeFileSync(hook, "import { writeSync } from 'node:fs';\nprocess.on('exit', () => writeSync(2, `\\nPUBGUARD_BENCH_MAX_RSS_KB=${process.resourceUsage().maxRSS}\\n`));\n");

    console.log(`generating a ${megabytes} MB log in ${dir} …`);
    const planted = await generate(log, megabytes * 1024 * 1024);
    const size = statSync(log).size;

    // Warm the page cache so neither command pays for the first read.
    timed('grep', ['-c', 'npm error', log]);
    const grep = timed('grep', ['-c', 'npm error', log]);
    const explain = timed(process.execPath, ['--import', `file://${hook}`, BIN, 'explain', '--format', 'json', log]);

    const rssKb = Number(/PUBGUARD_BENCH_MAX_RSS_KB=(\d+)/.exec(explain.stderr)?.[1] ?? NaN);
    const report = JSON.parse(explain.stdout) as { failures: Array<{ package: string | null; httpStatus: number | null }> };
    const found = new Set(report.failures.map((failure) => `${failure.package}:${failure.httpStatus}`));
    const missing = planted.filter((item) => !found.has(`${item.package}:${item.status}`));
    const extra = report.failures.filter((failure) => !planted.some((item) => item.package === failure.package));
    const ratio = explain.ms / grep.ms;

    console.log(`log: ${(size / 1024 / 1024).toFixed(0)} MiB, ${planted.length} planted failures, grep counted ${grep.stdout.trim()} lines with "npm error" (look-alikes included)`);
    console.log(`grep -c 'npm error': ${grep.ms.toFixed(0)} ms`);
    console.log(`pubguard explain:     ${explain.ms.toFixed(0)} ms (exit ${explain.status})`);
    console.log(`ratio explain/grep:   ${ratio.toFixed(2)} (budget ${RATIO_BUDGET})`);
    console.log(`explain peak RSS:     ${(rssKb / 1024).toFixed(0)} MB (budget ${RSS_BUDGET_MB} MB)`);
    console.log(`planted failures found: ${planted.length - missing.length} of ${planted.length}; look-alikes reported: ${extra.length}`);

    const problems: string[] = [];
    if (missing.length > 0) problems.push(`missed planted failures: ${missing.map((item) => item.package).join(', ')}`);
    if (extra.length > 0) problems.push(`reported look-alikes: ${extra.map((failure) => failure.package).join(', ')}`);
    if (ratio > RATIO_BUDGET) problems.push(`explain took ${ratio.toFixed(2)}x grep's time, over the budget of ${RATIO_BUDGET}x`);
    if (rssKb / 1024 > RSS_BUDGET_MB) problems.push(`peak RSS ${(rssKb / 1024).toFixed(0)} MB is over ${RSS_BUDGET_MB} MB`);
    if (problems.length > 0) {
      for (const problem of problems) console.error(`FAIL: ${problem}`);
      process.exitCode = 1;
    } else {
      console.log('OK: every planted failure found, no look-alike reported, within the time and memory budgets');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
