#!/usr/bin/env node
// Runs every test/**/*.test.ts file with node's built-in runner. Node 20's
// `--test` takes no glob patterns, so the file list is built here.
// Usage: node scripts/run-tests.mjs [substring…]  (only files whose path contains one of them)
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

function findTests(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'fixtures' && entry.name !== 'node_modules') found.push(...findTests(path));
    } else if (entry.name.endsWith('.test.ts')) {
      found.push(relative(process.cwd(), path));
    }
  }
  return found;
}

const filters = process.argv.slice(2);
const files = findTests('test')
  .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
  .sort();
if (files.length === 0) {
  console.error(`no test files matched ${filters.join(', ') || 'test/**/*.test.ts'}`);
  process.exit(1);
}

const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
