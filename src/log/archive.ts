import { readFile } from 'node:fs/promises';
import { unzipSync } from 'fflate';
import { InputError } from '../errors.js';
import { LineScanner, sniffTextFormat } from './scan.js';
import type { LogInputSummary, LogSink } from './types.js';

interface ArchiveEntry {
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

function parseEntryName(name: string): ArchiveEntry | null {
  if (name.endsWith('/') || !/\.txt$/i.test(name)) return null;
  const parts = name.split('/');
  const base = parts[parts.length - 1]!.replace(/\.txt$/i, '');
  const order = Number(/^(\d+)_/.exec(base)?.[1] ?? 0);
  const title = base.replace(/^\d+_/, '');
  if (parts.length === 1) return { name, job: title, step: null, order };
  return { name, job: parts[parts.length - 2]!, step: title, order };
}

/**
 * Read a workflow run's log archive. GitHub puts one file per job at the top
 * (`0_build.txt`) and may add one folder per job with one file per step
 * (`build/3_Publish.txt`). A job's per-step files are read only when the
 * archive has no whole-job file for it, so no step is counted twice.
 */
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

  const wholeJobs = new Set(entries.filter((entry) => entry.step === null).map((entry) => normaliseJob(entry.job)));
  const chosen = entries
    .filter((entry) => entry.step === null || !wholeJobs.has(normaliseJob(entry.job)))
    .sort((a, b) => (a.step === null && b.step === null ? a.order - b.order : a.job === b.job ? a.order - b.order : a.name < b.name ? -1 : 1));
  if (chosen.length === 0) throw new InputError(`"${path}" contains no job logs (.txt files): is it a GitHub Actions log archive?`);

  const summaries: LogInputSummary[] = [];
  for (const entry of chosen) {
    let content: Uint8Array | undefined;
    try {
      content = unzipSync(bytes, { filter: (file) => file.name === entry.name })[entry.name];
    } catch (error) {
      throw new InputError(`"${path}" is not a readable zip archive (truncated or damaged): ${(error as Error).message}`);
    }
    if (!content) continue;
    const file = `${path}:${entry.name}`;
    const format = sniffTextFormat(content) === 'plain' ? 'plain' : 'log-archive';
    sink.fileStart({ file, format: 'log-archive', job: entry.job, step: entry.step });
    const scanner = new LineScanner(sink, file, format === 'plain' ? 'plain' : 'github-actions', entry.job, entry.step);
    scanner.push(content);
    const counts = scanner.end();
    const summary: LogInputSummary = { file, format: 'log-archive', lines: counts.lines, bytes: counts.bytes };
    sink.fileEnd(summary);
    summaries.push(summary);
  }
  return summaries;
}
