// Benchmark of `pubguard verify` of 30 versions (one process, requests in
// flight together) against a loop of `npm view name@version`, one npm
// process per version, on a local Verdaccio 6.8 (127.0.0.1). Both sides read
// the same 30 versions; pubguard also downloads and checks each tarball,
// which `npm view` does not.
//
// Run: npm run bench -- verify   (builds first; the pubguard side uses dist/)
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startVerdaccio } from '../test/harness/verdaccio.js';

const VERSIONS = 30;
const RUNS = 3;
const BIN = fileURLToPath(new URL('../dist/cli/bin.js', import.meta.url));

function run(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    let stdout = '';
    const child = spawn(file, args, { cwd, env, stdio: ['ignore', 'pipe', 'ignore'] });
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout }));
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function run_(): Promise<void> {
  const registry = await startVerdaccio();
  try {
    const token = await registry.login('bob');
    const specs: string[] = [];
    for (let index = 0; index < VERSIONS; index++) {
      const name = `verify-bench-${index}`;
      await registry.publish({ name, version: '1.0.0' }, token);
      specs.push(`${name}@1.0.0`);
    }
    const home = mkdtempSync(join(tmpdir(), 'pubguard-bench-home-'));
    writeFileSync(join(home, '.npmrc'), registry.npmrc(token));
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: home,
      NO_COLOR: '1',
      npm_config_userconfig: join(home, '.npmrc'),
      npm_config_cache: join(home, '.npm-cache'),
      npm_config_logs_dir: join(home, '.npm-logs'),
      npm_config_update_notifier: 'false',
      // npm view would answer from its cache after the first run otherwise.
      npm_config_prefer_online: 'true',
    };

    const loopTimes: number[] = [];
    const verifyTimes: number[] = [];
    for (let round = 0; round < RUNS; round++) {
      let started = performance.now();
      for (const spec of specs) {
        const result = await run('npm', ['view', spec, 'version'], home, env);
        if (result.code !== 0 || result.stdout.trim() !== '1.0.0') throw new Error(`npm view ${spec} failed`);
      }
      loopTimes.push(performance.now() - started);

      started = performance.now();
      const result = await run(process.execPath, [BIN, 'verify', ...specs, '--format', 'json'], home, env);
      verifyTimes.push(performance.now() - started);
      const report = JSON.parse(result.stdout) as { summary: { verified: number } };
      if (result.code !== 0 || report.summary.verified !== VERSIONS) throw new Error('pubguard verify did not verify every version');
    }

    const loop = median(loopTimes);
    const verify = median(verifyTimes);
    console.log(`${VERSIONS} versions, Verdaccio 6.8 on 127.0.0.1, Node ${process.version}, median of ${RUNS} runs`);
    console.log(`  npm view name@version, sequential loop   ${(loop / 1000).toFixed(2).padStart(6)} s  1.00x`);
    console.log(`  pubguard verify (one process)            ${(verify / 1000).toFixed(2).padStart(6)} s  ${(verify / loop).toFixed(3)}x`);
  } finally {
    await registry.stop();
  }
}

export { run_ as run };
