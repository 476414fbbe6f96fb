/**
 * The publish plan: which packages, from which folders, in which order.
 * Workspaces come from npm's and Yarn's `workspaces` field or pnpm's
 * `pnpm-workspace.yaml`, matched with npm's own @npmcli/map-workspaces.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { InputError } from '../errors.js';
import { packagePathArgument } from './client.js';

export interface PlannedPackage {
  name: string;
  version: string;
  /** Absolute folder. */
  folder: string;
  /** Folder as the client is given it: `.` or `./packages/backend`. */
  path: string;
  manifest: Record<string, unknown>;
  /** Names of other planned packages this one depends on (any dependency field). */
  dependsOn: string[];
  /** 0 for packages with no planned dependency, else one more than the deepest dependency's level. */
  level: number;
}

export interface SkippedPackage {
  folder: string;
  path: string;
  name: string | null;
  reason: string;
}

export interface PublishPlan {
  cwd: string;
  /** Packages in dependency order: every package comes after the ones it depends on. */
  packages: PlannedPackage[];
  /** Workspaces left out, such as `private: true` ones. */
  skipped: SkippedPackage[];
  /** Source of the package list: the paths given, the workspaces of a file, or the working directory. */
  source: string;
}

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'] as const;

/**
 * Build the plan for `paths` (folders relative to `cwd`), or, when none are
 * given, for the workspaces declared at `cwd` (or the package at `cwd`
 * itself when it declares none).
 */
export async function getPublishPlan(cwd: string, paths: string[]): Promise<PublishPlan> {
  const root = resolve(cwd);
  let folders: string[];
  let source: string;
  const skipped: SkippedPackage[] = [];

  // Error messages name a folder as the user typed it.
  const typed = new Map<string, string>();
  if (paths.length > 0) {
    folders = paths.map((path) => resolve(root, path));
    paths.forEach((path, index) => typed.set(folders[index]!, path));
    source = 'the paths given';
  } else {
    const workspaces = await findWorkspaces(root);
    if (workspaces) {
      folders = workspaces.folders;
      source = `workspaces of ${workspaces.file}`;
    } else {
      folders = [root];
      source = 'the package in the working directory';
    }
  }

  const packages: PlannedPackage[] = [];
  const seen = new Map<string, string>();
  for (const folder of [...new Set(folders)]) {
    const path = packagePathArgument(root, folder);
    const manifest = readManifest(folder, typed.get(folder) ?? path);
    const name = manifest.name as string;
    // Private workspaces are skipped as `npm publish --workspaces` skips them; a private path given by hand is the user's error.
    if (manifest.private === true) {
      if (paths.length > 0) {
        throw new InputError(`${path}/package.json: "${name}" is marked "private": true, so no client will publish it; remove that path or the "private" field`);
      }
      skipped.push({ folder, path, name, reason: 'private: true' });
      continue;
    }
    const previous = seen.get(name);
    if (previous !== undefined) {
      throw new InputError(`two folders hold the package "${name}": ${JSON.stringify(previous)} and ${JSON.stringify(path)}`);
    }
    seen.set(name, path);
    packages.push({ name, version: manifest.version as string, folder, path, manifest, dependsOn: [], level: 0 });
  }

  return { cwd: root, packages: orderByDependencies(packages), skipped, source };
}

/**
 * Sort packages so that each comes after the planned packages it depends on,
 * keeping the given order among independent ones, and set each package's
 * level. Throws an InputError naming the cycle when there is one.
 */
export function orderByDependencies(packages: PlannedPackage[]): PlannedPackage[] {
  const byName = new Map(packages.map((entry) => [entry.name, entry]));
  for (const entry of packages) {
    const names = new Set<string>();
    for (const field of DEPENDENCY_FIELDS) {
      const dependencies = entry.manifest[field];
      if (!dependencies || typeof dependencies !== 'object') continue;
      for (const dependency of Object.keys(dependencies)) {
        if (dependency !== entry.name && byName.has(dependency)) names.add(dependency);
      }
    }
    entry.dependsOn = [...names].sort();
  }

  const ordered: PlannedPackage[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (entry: PlannedPackage, trail: string[]): number => {
    const current = state.get(entry.name);
    if (current === 'done') return entry.level;
    if (current === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(entry.name)), entry.name];
      throw new InputError(`the packages depend on each other in a cycle (${cycle.join(' -> ')}), so no publish order exists; break the cycle or publish them with separate commands`);
    }
    state.set(entry.name, 'visiting');
    let level = 0;
    for (const dependency of entry.dependsOn) {
      level = Math.max(level, visit(byName.get(dependency)!, [...trail, entry.name]) + 1);
    }
    entry.level = level;
    state.set(entry.name, 'done');
    ordered.push(entry);
    return level;
  };
  for (const entry of packages) visit(entry, []);
  return ordered;
}

async function findWorkspaces(root: string): Promise<{ file: string; folders: string[] } | null> {
  let patterns: string[] | null = null;
  let file = '';

  const pnpmFile = join(root, 'pnpm-workspace.yaml');
  if (existsSync(pnpmFile)) {
    const document = parseYaml(readFileSync(pnpmFile, 'utf8')) as { packages?: unknown } | null;
    if (Array.isArray(document?.packages)) {
      patterns = document.packages.filter((item): item is string => typeof item === 'string');
      file = 'pnpm-workspace.yaml';
    }
  }
  if (!patterns && existsSync(join(root, 'package.json'))) {
    let manifest: { workspaces?: unknown } = {};
    try {
      manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces?: unknown };
    } catch (error) {
      throw new InputError(`package.json is not valid JSON (${(error as Error).message})`);
    }
    const workspaces = manifest.workspaces;
    // Yarn also accepts `{ packages: [...] }`.
    const list = Array.isArray(workspaces) ? workspaces : (workspaces as { packages?: unknown } | undefined)?.packages;
    if (Array.isArray(list) && list.length > 0) {
      patterns = list.filter((item): item is string => typeof item === 'string');
      file = 'package.json';
    }
  }
  if (!patterns || patterns.length === 0) return null;

  const { default: mapWorkspaces } = await import('@npmcli/map-workspaces');
  const map = await mapWorkspaces({ cwd: root, pkg: { workspaces: patterns } });
  const folders = [...map.values()].filter((folder) => folder !== root);
  // A pnpm workspace often lists the root itself (`.`); npm's never does.
  if (patterns.some((pattern) => pattern === '.' || pattern === './')) folders.unshift(root);
  return { file, folders };
}

function readManifest(folder: string, path: string): Record<string, unknown> {
  const file = join(folder, 'package.json');
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new InputError(`${JSON.stringify(path)} is not a folder: give the folder of a package (the one with its package.json)`);
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new InputError(`no package.json in ${JSON.stringify(path === '.' ? folder : path)}: run pubguard in a package folder, or name package folders (pubguard publish packages/a)`);
    }
    throw new InputError(`${path}/package.json is not valid JSON (${(error as Error).message})`);
  }
  const record = (manifest ?? {}) as Record<string, unknown>;
  if (typeof record.name !== 'string' || record.name === '') throw new InputError(`${path}/package.json has no "name"`);
  if (typeof record.version !== 'string' || record.version === '') throw new InputError(`${path}/package.json has no "version"`);
  return record;
}
