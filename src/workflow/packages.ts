/**
 * The repository's packages and package-manager config files: the root
 * `package.json`, workspace packages (npm/Yarn `workspaces`,
 * `pnpm-workspace.yaml`), every `.npmrc` that git does not ignore, and
 * `.yarnrc.yml`. Everything is read through the `FileReader`.
 */
import { spawnSync } from 'node:child_process';
import { isScalar } from 'yaml';
import { joinPath, type FileReader } from './files.js';
import type { NpmrcEntry, NpmrcFile, PackageLayout, PackageManifest, Repository } from './model.js';
import { findIgnoreComments } from './ignore-comments.js';
import { SourceFile } from './source.js';
import { getNode, parseYaml, sequenceItems } from './yaml-nodes.js';

const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git']);
const MAX_WALK_DEPTH = 16;
const MAX_WALK_ENTRIES = 100_000;

export function loadPackages(reader: FileReader, repository: Repository): PackageLayout {
  const read = (path: string): SourceFile | null => {
    const cached = repository.files.get(path);
    if (cached) return cached;
    const text = reader.readText(path);
    if (text === null) return null;
    const file = new SourceFile(path, text);
    repository.files.set(path, file);
    repository.ignoreComments.set(path, findIgnoreComments(file));
    return file;
  };

  const root = readManifest(read, '', true, repository);
  const layout: PackageLayout = {
    root,
    workspaces: [],
    workspaceSource: null,
    npmrcFiles: [],
    yarnrc: null,
    packageManager: typeof root?.json.packageManager === 'string' ? root.json.packageManager : null,
  };

  let patterns = workspacePatterns(root?.json.workspaces);
  if (patterns.length > 0) layout.workspaceSource = 'package.json';
  const pnpm = read('pnpm-workspace.yaml');
  if (pnpm) {
    const document = parseYaml(pnpm.text);
    const items = sequenceItems(document, getNode(document, document.contents, 'packages'));
    const pnpmPatterns = items.flatMap((item) => (isScalar(item) ? [String(item.value)] : []));
    if (pnpmPatterns.length > 0) {
      patterns = pnpmPatterns;
      layout.workspaceSource = 'pnpm-workspace.yaml';
    }
  }
  for (const directory of expandWorkspaces(reader, patterns)) {
    const manifest = readManifest(read, directory, false, repository);
    if (manifest) layout.workspaces.push(manifest);
  }

  const npmrcPaths = filterIgnored(reader, findFiles(reader, '.npmrc', repository));
  for (const path of npmrcPaths) {
    const file = read(path);
    if (file) layout.npmrcFiles.push(parseNpmrc(file));
  }

  const yarnrc = read('.yarnrc.yml');
  if (yarnrc) layout.yarnrc = { file: yarnrc, document: parseYaml(yarnrc.text) };
  return layout;
}

function readManifest(read: (path: string) => SourceFile | null, directory: string, isRoot: boolean, repository: Repository): PackageManifest | null {
  const path = joinPath(directory, 'package.json');
  const file = read(path);
  if (!file) return null;
  let json: unknown;
  try {
    json = JSON.parse(file.text);
  } catch (error) {
    repository.notes.push(`${path}: skipped: invalid JSON (${error instanceof Error ? error.message : String(error)})`);
    return null;
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) {
    repository.notes.push(`${path}: skipped: not a JSON object`);
    return null;
  }
  const object = json as Record<string, unknown>;
  const publishConfig = object.publishConfig && typeof object.publishConfig === 'object' ? (object.publishConfig as Record<string, unknown>) : {};
  return {
    directory,
    file,
    // JSON is YAML 1.2, so the yaml parser gives positions for every value.
    document: parseYaml(file.text),
    json: object,
    name: typeof object.name === 'string' ? object.name : null,
    version: typeof object.version === 'string' ? object.version : null,
    private: object.private === true,
    publishConfig,
    isRoot,
  };
}

function workspacePatterns(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value && typeof value === 'object' && Array.isArray((value as { packages?: unknown }).packages) ? (value as { packages: unknown[] }).packages : [];
  return list.filter((item): item is string => typeof item === 'string');
}

/**
 * Expand workspace globs (`packages/*`, `apps/**`, `!packages/private`) to
 * folders that hold a `package.json`. Supports `*` and `**` segments, which
 * is what npm, Yarn and pnpm workspace lists use in practice.
 */
export function expandWorkspaces(reader: FileReader, patterns: string[]): string[] {
  const included = new Set<string>();
  const excluded: RegExp[] = [];
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!');
    const clean = joinPath(pattern.replace(/^!/, '').replace(/^\.\//, ''));
    if (negated) {
      excluded.push(globToRegExp(clean));
      continue;
    }
    for (const directory of matchGlob(reader, clean.split('/'), '', 0)) {
      if (reader.kindOf(joinPath(directory, 'package.json')) === 'file') included.add(directory);
    }
  }
  // A symlinked folder that resolves to the root or to a folder already listed is no new package.
  const seen = new Set<string>([reader.realPath('') ?? '']);
  return [...included]
    .sort()
    .filter((directory) => directory !== '' && !excluded.some((pattern) => pattern.test(directory)))
    .filter((directory) => {
      const real = reader.realPath(directory) ?? directory;
      if (seen.has(real)) return false;
      seen.add(real);
      return true;
    });
}

function matchGlob(reader: FileReader, segments: string[], base: string, depth: number): string[] {
  if (segments.length === 0) return [base];
  if (depth > MAX_WALK_DEPTH) return [];
  const [segment, ...rest] = segments as [string, ...string[]];
  if (segment === '**') {
    const results = matchGlob(reader, rest, base, depth + 1);
    for (const entry of reader.listDirectory(base)) {
      if (entry.kind !== 'directory' || SKIPPED_DIRECTORIES.has(entry.name)) continue;
      results.push(...matchGlob(reader, segments, joinPath(base, entry.name), depth + 1));
    }
    return results;
  }
  if (!/[*?[]/.test(segment)) {
    const next = joinPath(base, segment);
    return reader.kindOf(next) === 'directory' ? matchGlob(reader, rest, next, depth + 1) : [];
  }
  const pattern = globToRegExp(segment);
  return reader
    .listDirectory(base)
    .filter((entry) => (entry.kind === 'directory' || entry.kind === 'symlink') && !SKIPPED_DIRECTORIES.has(entry.name) && pattern.test(entry.name))
    .filter((entry) => entry.kind === 'directory' || reader.kindOf(joinPath(base, entry.name)) === 'directory')
    .flatMap((entry) => matchGlob(reader, rest, joinPath(base, entry.name), depth + 1));
}

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i += 1) {
    const char = glob[i]!;
    if (char === '*' && glob[i + 1] === '*') {
      source += '.*';
      i += 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/**
 * Find files with one exact name in the tree, skipping `node_modules` and
 * `.git`. Symlinked folders are not entered, so a symlink loop cannot
 * recurse; a symlinked file is read if its target resolves.
 */
function findFiles(reader: FileReader, name: string, repository: Repository): string[] {
  const found: string[] = [];
  let visited = 0;
  const walk = (directory: string, depth: number) => {
    if (depth > MAX_WALK_DEPTH || visited > MAX_WALK_ENTRIES) return;
    for (const entry of reader.listDirectory(directory)) {
      visited += 1;
      const path = joinPath(directory, entry.name);
      if (entry.kind === 'directory' && !SKIPPED_DIRECTORIES.has(entry.name)) walk(path, depth + 1);
      else if (entry.name === name && (entry.kind === 'file' || (entry.kind === 'symlink' && reader.kindOf(path) === 'file'))) found.push(path);
      else if (entry.name === name && entry.kind === 'symlink') repository.notes.push(`${path}: skipped: the symlink does not resolve to a file (missing target or loop)`);
    }
  };
  walk('', 0);
  if (visited > MAX_WALK_ENTRIES) repository.notes.push(`stopped looking for ${name} files after ${MAX_WALK_ENTRIES} entries`);
  return found;
}

/** Drop paths that git ignores, so only committed (or committable) files count. */
function filterIgnored(reader: FileReader, paths: string[]): string[] {
  if (paths.length === 0 || reader.kindOf('.git') === null) return paths;
  const result = spawnSync('git', ['-C', reader.root, 'check-ignore', '--stdin'], {
    input: paths.join('\n'),
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'ignore'],
    timeout: 5000,
  });
  // Status 0 lists the ignored paths, 1 means none is ignored; anything else (no git) keeps every path.
  if (result.status !== 0) return paths;
  const ignored = new Set(result.stdout.split('\n').filter(Boolean));
  return paths.filter((path) => !ignored.has(path));
}

/**
 * Parse `.npmrc` lines into key/value entries with positions. The values stay
 * as written (`${NPM_TOKEN}` unexpanded); npm's own loader in `src/npmconfig/`
 * decides what they resolve to.
 */
export function parseNpmrc(file: SourceFile): NpmrcFile {
  const entries: NpmrcEntry[] = [];
  let offset = 0;
  for (const rawLine of file.text.split('\n')) {
    const line = rawLine.replace(/\r$/, '');
    const match = /^\s*([^=;#\s][^=]*?)\s*=\s*(.*?)\s*$/.exec(line);
    if (match && !/^\s*[;#]/.test(line) && !/^\s*\[/.test(line)) {
      const keyStart = offset + line.indexOf(match[1]!);
      const position = file.positionAt(keyStart);
      entries.push({ key: match[1]!, value: match[2]!, line: position.line, span: file.spanOf(keyStart, offset + line.length) });
    }
    offset += rawLine.length + 1;
  }
  const slash = file.path.lastIndexOf('/');
  return { directory: slash === -1 ? '' : file.path.slice(0, slash), file, entries };
}

