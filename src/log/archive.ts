import { readFile } from 'node:fs/promises';
import { unzipSync } from 'fflate';
import { InputError } from '../errors.js';
import { LineScanner, sniffTextFormat, stripAnsi } from './scan.js';
import type { LogInputSummary, LogSink, StepName } from './types.js';

export interface ArchiveEntry {
  name: string;
  job: string;
  step: string | null;
  order: number;
}

// Names are compared loosely because GitHub shortens and sanitises job names
// differently in file names and folder names.
function normaliseJob(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '');
}

export function parseEntryName(name: string): ArchiveEntry | null {
  if (name.endsWith('/') || !/\.txt$/i.test(name)) return null;
  const parts = name.split('/');
  const base = parts[parts.length - 1]!.replace(/\.txt$/i, '');
  const order = Number(/^(\d+)_/.exec(base)?.[1] ?? 0);
  const title = base.replace(/^\d+_/, '');
  if (parts.length === 1) return { name, job: title, step: null, order };
  return { name, job: parts[parts.length - 2]!, step: title, order };
}

/** The files of a log archive to read, and for each whole-job file the per-step files that name its steps. */
export interface ArchivePlan {
  chosen: ArchiveEntry[];
  /** Per-step files of each chosen whole-job file, keyed by its entry name, in step order. */
  namers: Map<string, ArchiveEntry[]>;
}

/**
 * Choose the files of a log archive to read. GitHub puts one file per job at
 * the top (`0_build.txt`) and may add one folder per job with one file per
 * step (`build/3_Publish.txt`). A job's per-step files are read only when the
 * archive has no whole-job file for it, so no step is counted twice. When the
 * whole-job file is there, they only give their names to its steps.
 */
export function planArchive(entries: ArchiveEntry[]): ArchivePlan {
  const wholeJobs = new Map(entries.filter((entry) => entry.step === null).map((entry) => [normaliseJob(entry.job), entry]));
  const chosen = entries
    .filter((entry) => entry.step === null || !wholeJobs.has(normaliseJob(entry.job)))
    .sort((a, b) => (a.step === null && b.step === null ? a.order - b.order : a.job === b.job ? a.order - b.order : a.name < b.name ? -1 : 1));
  const namers = new Map<string, ArchiveEntry[]>();
  for (const entry of entries) {
    const whole = entry.step === null ? undefined : wholeJobs.get(normaliseJob(entry.job));
    if (!whole) continue;
    const list = namers.get(whole.name) ?? [];
    list.push(entry);
    namers.set(whole.name, list);
  }
  for (const list of namers.values()) list.sort((a, b) => a.order - b.order);
  return { chosen, namers };
}

const TIMESTAMP_PREFIX = /^\uFEFF?\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z ?/;

/** Return the first `##[group]Run …` line of a per-step file, without timestamp or colour codes, or null. */
export function firstStepHeader(content: Uint8Array): string | null {
  const head = Buffer.from(content.buffer, content.byteOffset, Math.min(content.length, 64 * 1024)).toString('utf8');
  for (const raw of head.split('\n')) {
    const line = stripAnsi(raw.replace(/\r+$/, '').replace(/^\uFEFF/, '').replace(TIMESTAMP_PREFIX, ''));
    if (line.startsWith('##[group]Run ')) return line;
  }
  return null;
}

/** Pair each per-step file's name with the header that starts its step; steps without a header are left out. */
export function stepNamesOf(namers: ArchiveEntry[], read: (entry: ArchiveEntry) => Uint8Array | undefined): StepName[] {
  const names: StepName[] = [];
  for (const entry of namers) {
    const content = read(entry);
    const header = content ? firstStepHeader(content) : null;
    if (header && entry.step) names.push({ header, name: entry.step });
  }
  return names;
}

/** Read a workflow run's log archive; `planArchive` decides which files are read. */
export async function readLogArchive(path: string, sink: LogSink, data?: Buffer): Promise<LogInputSummary[]> {
  const bytes = data ?? (await readFile(path).catch((error: Error) => {
    throw new InputError(`cannot read "${path}": ${error.message}`);
  }));

  // NOTE: the archive is held in memory and each entry is inflated whole;
  // run log archives are compressed text of a few megabytes, unlike the
  // single job logs the text reader streams.
  const entries: ArchiveEntry[] = [];
  try {
    unzipSync(bytes, {
      filter(file) {
        const entry = parseEntryName(file.name);
        if (entry) entries.push(entry);
        return false;
      },
    });
  } catch (error) {
    throw new InputError(`"${path}" is not a readable zip archive (truncated or damaged): ${(error as Error).message}`);
  }

  const { chosen, namers } = planArchive(entries);
  if (chosen.length === 0) throw new InputError(`"${path}" contains no job logs (.txt files): is it a GitHub Actions log archive?`);

  const summaries: LogInputSummary[] = [];
  for (const entry of chosen) {
    const content = inflateEntry(bytes, entry.name, path);
    if (!content) continue;
    const file = `${path}:${entry.name}`;
    const format = sniffTextFormat(content) === 'plain' ? 'plain' : 'log-archive';
    const stepNames = stepNamesOf(namers.get(entry.name) ?? [], (namer) => inflateEntry(bytes, namer.name, path));
    sink.fileStart({ file, format: 'log-archive', job: entry.job, step: entry.step, stepNames });
    const scanner = new LineScanner(sink, file, format === 'plain' ? 'plain' : 'github-actions', entry.job, entry.step);
    scanner.push(content);
    const counts = scanner.end();
    const summary: LogInputSummary = { file, format: 'log-archive', lines: counts.lines, bytes: counts.bytes };
    sink.fileEnd(summary);
    summaries.push(summary);
  }
  return summaries;
}

function inflateEntry(bytes: Buffer, name: string, path: string): Uint8Array | undefined {
  try {
    return unzipSync(bytes, { filter: (file) => file.name === name })[name];
  } catch (error) {
    throw new InputError(`"${path}" is not a readable zip archive (truncated or damaged): ${(error as Error).message}`);
  }
}
