// Benchmark of `pubguard publish` against a sequential loop of `npm publish`,
// on 30 independent packages and a local Verdaccio 6.8 (127.0.0.1, started by
// the test harness). Also measured: in-process publishing with npm's own
// libraries (libnpmpack + libnpmpublish, the path that skips one npm process
// per package), to judge whether it would be worth building.
//
// Every side publishes its own 30 fresh package names, so no side meets
// versions another one published. Times are wall clock on this machine and
// vary with its load; the ratios are the figures to compare.
//
// Run: npm run bench -- publish   (builds first; the pubguard side uses dist/)
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startVerdaccio, type Verdaccio } from '../test/harness/verdaccio.js';

const PACKAGES = 30;
const BIN = fileURLToPath(new URL('../dist/cli/bin.js', import.meta.url));

interface Side {
  label: string;
  ms: number;
  /** Packages the registry lists afterwards, out of PACKAGES. */
  landed: number;
}

function run(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { cwd, env, stdio: ['ignore', 'ignore', 'ignore'] });
    child.on('close', (code) => resolve(code ?? 1));
  });
}

/** A repository with PACKAGES independent workspaces named `<prefix>-<n>`. */
function makeRepository(prefix: string): { root: string; folders: string[]; names: string[] } {
  const root = mkdtempSync(join(tmpdir(), `pubguard-bench-${prefix}-`));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: `${prefix}-root`, private: true, workspaces: ['packages/*'] }));
  const folders: string[] = [];
  const names: string[] = [];
  for (let index = 0; index < PACKAGES; index++) {
    const name = `${prefix}-${index}`;
    const folder = join(root, 'packages', name);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'package.json'), JSON.stringify({ name, version: '1.0.0', main: 'index.js' }));
    writeFileSync(join(folder, 'index.js'), `module.exports = ${JSON.stringify(name)};\n`);
    folders.push(folder);
    names.push(name);
  }
  return { root, folders, names };
}

async function countLanded(registry: Verdaccio, names: string[]): Promise<number> {
  let landed = 0;
  for (const name of names) {
    const response = await fetch(`${registry.url}${name}`, { signal: AbortSignal.timeout(10_000) });
    if (response.ok) landed++;
    else await response.body?.cancel();
  }
  return landed;
}

function environment(registry: Verdaccio, token: string): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(tmpdir(), 'pubguard-bench-home-'));
  writeFileSync(join(home, '.npmrc'), registry.npmrc(token));
  return {
    PATH: process.env.PATH,
    HOME: home,
    NO_COLOR: '1',
    npm_config_userconfig: join(home, '.npmrc'),
    npm_config_cache: join(home, '.npm-cache'),
    npm_config_logs_dir: join(home, '.npm-logs'),
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
}

async function measure(label: string, registry: Verdaccio, names: string[], work: () => Promise<void>): Promise<Side> {
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  return { label, ms, landed: await countLanded(registry, names) };
}

/** Publish folders in this process with npm's libraries: pack (with lifecycle scripts) and PUT. */
async function publishInProcess(folders: string[], registry: Verdaccio, token: string, concurrency: number): Promise<void> {
  const [{ default: pack }, { publish }] = await Promise.all([import('libnpmpack'), import('libnpmpublish')]);
  const queue = [...folders];
  const worker = async (): Promise<void> => {
    for (let folder = queue.shift(); folder !== undefined; folder = queue.shift()) {
      const manifest = (await import(join(folder, 'package.json'), { with: { type: 'json' } })).default as { name: string; version: string };
      const tarball = await pack(`file:${folder}`, { dryRun: true });
      await publish(manifest, tarball, { registry: registry.url, [registry.authKey()]: token, access: 'public', defaultTag: 'latest' });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

export async function run_(): Promise<void> {
  const registry = await startVerdaccio();
  try {
    const token = await registry.login('bob');
    const env = environment(registry, token);
    const sides: Side[] = [];

    const loop = makeRepository('loop');
    sides.push(
      await measure('npm publish, sequential loop', registry, loop.names, async () => {
        for (const folder of loop.folders) {
          const code = await run('npm', ['publish', folder], loop.root, env);
          if (code !== 0) throw new Error(`npm publish ${folder} exited with ${code}`);
        }
      }),
    );

    for (const concurrency of [1, 4]) {
      for (const verify of [false, true]) {
        const repository = makeRepository(`pg${concurrency}${verify ? 'v' : ''}`);
        const args = ['publish', '--concurrency', String(concurrency), ...(verify ? [] : ['--no-verify'])];
        sides.push(
          await measure(`pubguard publish --concurrency ${concurrency}${verify ? ' (with verify)' : ' --no-verify'}`, registry, repository.names, async () => {
            const code = await run(process.execPath, [BIN, ...args], repository.root, env);
            if (code !== 0) throw new Error(`pubguard ${args.join(' ')} exited with ${code}`);
          }),
        );
      }
    }

    for (const concurrency of [1, 4]) {
      const repository = makeRepository(`lib${concurrency}`);
      sides.push(await measure(`in-process libnpmpack + libnpmpublish, concurrency ${concurrency}`, registry, repository.names, () => publishInProcess(repository.folders, registry, token, concurrency)));
    }

    // The fixed cost of one npm process on this machine: start-up, nothing else.
    const starts: number[] = [];
    for (let index = 0; index < 5; index++) {
      const started = performance.now();
      await run('npm', ['--version'], loop.root, env);
      starts.push(performance.now() - started);
    }
    starts.sort((a, b) => a - b);

    const baseline = sides[0]!.ms;
    console.log(`${PACKAGES} independent packages, Verdaccio 6.8 on 127.0.0.1, Node ${process.version}`);
    for (const side of sides) {
      console.log(`  ${side.label.padEnd(58)} ${(side.ms / 1000).toFixed(2).padStart(6)} s  ${(side.ms / baseline).toFixed(2)}x  (${side.landed}/${PACKAGES} listed)`);
    }
    console.log(`  per package: npm loop ${(baseline / PACKAGES).toFixed(0)} ms; one \`npm --version\` process ${starts[2]!.toFixed(0)} ms (median of 5)`);
  } finally {
    await registry.stop();
  }
}

export { run_ as run };
