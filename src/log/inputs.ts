import { open, readdir, readFile as readWholeFile, stat } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { createGunzip } from 'node:zlib';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { InputError } from '../errors.js';
import { LineScanner, sniffTextFormat } from './scan.js';
import { parseEntryName, planArchive, readLogArchive, stepNamesOf, type ArchiveEntry } from './archive.js';
import type { LogInputSummary, LogSink, StepName } from './types.js';

const CHUNK_BYTES = 1024 * 1024;
const SNIFF_BYTES = 64 * 1024;

export interface ReadLogsOptions {
  /** Standard input, read when a path is `-`. */
  stdin?: NodeJS.ReadableStream;
  /** Base for relative display names; defaults to the process's working directory. */
  cwd?: string;
}

type InputKind = 'zip' | 'gzip' | 'utf16' | 'binary' | 'text' | 'empty';

/** Classify an input from its first bytes. */
export function sniffKind(head: Uint8Array): InputKind {
  if (head.length === 0) return 'empty';
  if (head[0] === 0x50 && head[1] === 0x4b && (head[2] === 0x03 || head[2] === 0x05) && (head[3] === 0x04 || head[3] === 0x06)) return 'zip';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  // Windows PowerShell saves redirected output as UTF-16 with a byte-order mark.
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) return 'utf16';
  // Text logs never contain NUL bytes; UTF-16 files and executables do.
  const limit = Math.min(head.length, 8192);
  for (let index = 0; index < limit; index += 1) if (head[index] === 0) return 'binary';
  return 'text';
}

/**
 * Read every input in order and stream its lines into `sink`. A path may be
 * a file (text, `.gz`, or a log-archive zip), a directory (read recursively,
 * files in name order) or `-` for standard input. Throws `InputError` for a
 * missing, empty, binary or damaged input.
 */
export async function readLogs(paths: string[], sink: LogSink, options: ReadLogsOptions = {}): Promise<LogInputSummary[]> {
  const summaries: LogInputSummary[] = [];
  for (const path of paths) {
    if (path === '-') {
      if (!options.stdin) throw new InputError('standard input is not available: pass a file path instead of "-"');
      summaries.push(...(await readStream('-', options.stdin, sink)));
      continue;
    }
    // Paths open relative to `cwd` but keep the spelling the user gave, so evidence reads `job.log:12`.
    const full = resolve(options.cwd ?? process.cwd(), path);
    const info = await stat(full).catch((error: NodeJS.ErrnoException) => {
      throw new InputError(`cannot read "${path}": ${error.code === 'ENOENT' ? 'no such file or directory' : error.message}`);
    });
    if (info.isDirectory()) {
      summaries.push(...(await readDirectory(full, path, sink)));
    } else {
      summaries.push(...(await readFile(full, path, sink, false)));
    }
  }
  return summaries;
}

async function listFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.name.startsWith('.')) continue;
    const path = join(directory, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(path)));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

async function readDirectory(directory: string, shown: string, sink: LogSink): Promise<LogInputSummary[]> {
  const files = await listFiles(directory);
  const relativeNames = new Map(files.map((file) => [file, relative(directory, file).split('\\').join('/')]));

  // An unzipped log archive keeps GitHub's layout: whole-job files at the top and a
  // folder of per-step files per job. The archive's rules apply, so no step is read twice.
  const archiveEntries = files
    .map((file) => relativeNames.get(file)!)
    .filter((name) => name.split('/').length <= 2)
    .map(parseEntryName)
    .filter((entry): entry is ArchiveEntry => entry !== null);
  const plan = planArchive(archiveEntries);
  const skipped = new Set(archiveEntries.filter((entry) => !plan.chosen.includes(entry)).map((entry) => entry.name));

  const summaries: LogInputSummary[] = [];
  for (const file of files) {
    const name = relativeNames.get(file)!;
    if (skipped.has(name)) continue;
    const namers = plan.namers.get(name) ?? [];
    const stepNames = namers.length > 0 ? await readStepNames(directory, namers) : undefined;
    // A numbered file in a job folder with no whole-job file beside it is one step of that job.
    const entry = archiveEntries.find((candidate) => candidate.name === name);
    const perStep = entry && entry.step !== null && /^\d+_/.test(basename(name)) ? { job: entry.job, step: entry.step } : undefined;
    summaries.push(...(await readFile(file, join(shown, name).split('\\').join('/'), sink, true, { stepNames, ...perStep })));
  }
  if (summaries.length === 0) throw new InputError(`"${shown}" contains no readable log files`);
  return summaries;
}

async function readStepNames(directory: string, namers: ArchiveEntry[]): Promise<StepName[]> {
  const contents = new Map<string, Uint8Array>();
  for (const entry of namers) {
    const head = await readHead(join(directory, entry.name)).catch(() => undefined);
    if (head) contents.set(entry.name, head);
  }
  return stepNamesOf(namers, (entry) => contents.get(entry.name));
}

// A log written by a job is named after that job, `release.log` or `3_release.txt`.
function jobFromFileName(path: string): string | null {
  const name = basename(path).replace(/\.(log|txt)$/i, '').replace(/^\d+_/, '');
  return name || null;
}

async function readWhole(full: string, path: string): Promise<Buffer> {
  return readWholeFile(full).catch((error: Error) => {
    throw new InputError(`cannot read "${path}": ${error.message}`);
  });
}

async function readHead(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** What a directory's layout says about a file: its job, its step, and the names of its steps. */
interface FileOrigin {
  job?: string;
  step?: string | null;
  stepNames?: StepName[];
}

async function readFile(full: string, path: string, sink: LogSink, insideDirectory: boolean, origin: FileOrigin = {}): Promise<LogInputSummary[]> {
  const head = await readHead(full).catch((error: NodeJS.ErrnoException) => {
    throw new InputError(`cannot read "${path}": ${error.code === 'EISDIR' ? 'is a directory' : error.message}`);
  });
  const kind = sniffKind(head);

  // Inside a directory, files that are no log at all are passed over.
  if (insideDirectory && (kind === 'binary' || kind === 'empty')) return [];
  if (kind === 'empty') throw new InputError(`"${path}" is empty: expected a CI log`);
  if (kind === 'binary') throw new InputError(`"${path}" is a binary file, not a CI log (expected text, a log-archive zip or a .gz file)`);
  if (kind === 'zip') return readLogArchive(path, sink, await readWhole(full, path));
  if (kind === 'utf16') {
    // NOTE: a UTF-16 log is decoded whole; such logs come from local shells and are small.
    const bytes = await readWhole(full, path);
    const text = bytes[0] === 0xff ? bytes.subarray(2).toString('utf16le') : Buffer.from(bytes.subarray(2)).swap16().toString('utf16le');
    return readStream(path, Readable.from([Buffer.from(text, 'utf8')]), sink, null);
  }
  if (kind === 'gzip') {
    return readStream(path, createReadStream(full).pipe(createGunzip()), sink, jobFromFileName(path.replace(/\.gz$/i, '')));
  }

  const format = sniffTextFormat(head);
  const job = origin.job ?? (format === 'github-actions' ? jobFromFileName(path) : null);
  const step = origin.step ?? null;
  sink.fileStart({ file: path, format, job, step, stepNames: origin.stepNames });
  const scanner = new LineScanner(sink, path, format, job, step);
  const handle = await open(full, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      // The scanner keeps no reference to the chunk except a copied carry, so the buffer is reused.
      scanner.push(buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  const counts = scanner.end();
  const summary: LogInputSummary = { file: path, format, lines: counts.lines, bytes: counts.bytes };
  sink.fileEnd(summary);
  return [summary];
}

/** Read a stream (standard input or a decompressed file): sniff its first bytes, then scan the rest. */
async function readStream(name: string, stream: NodeJS.ReadableStream, sink: LogSink, job: string | null = null): Promise<LogInputSummary[]> {
  const pending: Buffer[] = [];
  let pendingBytes = 0;
  let scanner: LineScanner | null = null;
  let format: LogInputSummary['format'] = 'plain';
  let zipParts: Buffer[] | null = null;

  const start = (): void => {
    const head = Buffer.concat(pending);
    const kind = sniffKind(head);
    if (kind === 'binary') throw new InputError(`${name === '-' ? 'standard input' : `"${name}"`} is binary data, not a CI log`);
    if (kind === 'zip') {
      zipParts = [...pending];
      return;
    }
    format = sniffTextFormat(head);
    sink.fileStart({ file: name, format, job, step: null });
    scanner = new LineScanner(sink, name, format, job, null);
    scanner.push(head);
  };

  try {
    for await (const part of stream as AsyncIterable<Buffer | string>) {
      const chunk = typeof part === 'string' ? Buffer.from(part) : part;
      if (zipParts) {
        (zipParts as Buffer[]).push(chunk);
      } else if (scanner) {
        (scanner as LineScanner).push(chunk);
      } else {
        pending.push(chunk);
        pendingBytes += chunk.length;
        if (pendingBytes >= SNIFF_BYTES) start();
      }
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`cannot read ${name === '-' ? 'standard input' : `"${name}"`}: ${(error as Error).message}`);
  }

  if (!scanner && !zipParts) {
    if (pendingBytes === 0) throw new InputError(`${name === '-' ? 'standard input' : `"${name}"`} is empty: expected a CI log`);
    start();
  }
  if (zipParts) return readLogArchive(name, sink, Buffer.concat(zipParts));
  const counts = (scanner as unknown as LineScanner).end();
  const summary: LogInputSummary = { file: name, format, lines: counts.lines, bytes: counts.bytes };
  sink.fileEnd(summary);
  return [summary];
}
