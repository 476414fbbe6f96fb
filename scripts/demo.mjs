#!/usr/bin/env node
// The newcomer's first run: explain the incident's CI log, then check the
// repository that produced it. Both commands exit 1 because they find the
// failure; the demo succeeds when they do.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = [
  ['explain', 'examples/logs/incident-backend-401.log'],
  ['check', 'examples/repos/incident', '--repo', 'harbor-tools/harbor'],
];

let unexpected = 0;
for (const args of runs) {
  process.stdout.write(`\n$ pubguard ${args.join(' ')}\n\n`);
  const result = spawnSync(process.execPath, ['dist/cli/bin.js', ...args], { cwd: root, stdio: 'inherit' });
  if (result.status !== 1) {
    unexpected++;
    process.stderr.write(`demo: expected exit status 1 (failure found) from \`pubguard ${args[0]}\`, got ${result.status}\n`);
  }
}
process.exit(unexpected === 0 ? 0 : 1);
