import type { CliIO } from '../io.js';
import { parseVerbArgs, pickChoice } from '../args.js';
import { InputError, UsageError } from '../../errors.js';

export const help = `Usage: pubguard verify [name@version…] [options]

Prove that published versions are in the registry, intact and installable.
Without arguments: the workspaces in this directory (or the package here) at
their local versions.

For each version: the packument lists it; the tarball downloads with the
credential npm would send and matches dist.integrity; the dist-tag points at
it. Reads are retried with backoff while the registry propagates.

Options:
  --local <dir>        also pack <dir> in-process as npm packs it and require
                       the same integrity as the registry's (repeatable; runs
                       prepack/prepare/postpack unless --ignore-scripts);
                       without name@version arguments, verifies <dir>'s package
  --install            install each version in a temporary project with the
                       same registry configuration and load its entry point
                       (require or import, as the package declares)
  --tag <tag>          dist-tag that must point at each version (default latest)
  --no-tag-check       do not check any dist-tag
  --retries <n>        reads after the first while a version is not yet
                       visible (default 5)
  --retry-delay <ms>   first wait between reads, doubled each time up to 8 s
                       (default 500)
  --ignore-scripts     do not run lifecycle scripts when packing --local
  --format <text|json> output format (default text)
  -h, --help           show this help

Exit status: 0 every version verified, 1 a check failed, 2 bad usage.
`;

function pickNonNegativeInteger(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^\d+$/.test(value)) {
    throw new UsageError(`verify: invalid --${name} ${JSON.stringify(value)}: expected a whole number of 0 or more`);
  }
  return Number(value);
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseVerbArgs('verify', argv, {
    local: { type: 'string', multiple: true },
    install: { type: 'boolean' },
    tag: { type: 'string' },
    'no-tag-check': { type: 'boolean' },
    retries: { type: 'string' },
    'retry-delay': { type: 'string' },
    'ignore-scripts': { type: 'boolean' },
    format: { type: 'string' },
  });
  const format = pickChoice('verify', 'format', values.format, ['text', 'json'] as const, 'text');
  const retries = pickNonNegativeInteger('retries', values.retries, 5);
  const retryDelayMs = pickNonNegativeInteger('retry-delay', values['retry-delay'], 500);
  if (values.tag !== undefined && values['no-tag-check']) throw new UsageError('verify: --tag and --no-tag-check exclude each other');

  const { verifyVersions, parseTargetSpec, targetsFromPlan } = await import('../../verify/verify.js');
  const { renderVerifyJson, renderVerifyText } = await import('../../verify/render.js');
  const { resolve } = await import('node:path');
  const { readFileSync } = await import('node:fs');

  const localFolders = ((values.local as string[] | undefined) ?? []).map((folder) => resolve(io.cwd, folder));
  let targets;
  try {
    targets = positionals.map(parseTargetSpec);
    if (targets.length === 0) targets = await targetsFromPlan(io.cwd, localFolders);
  } catch (error) {
    // The plan and spec errors are shared with publish; name this verb so the line says which command failed.
    if (error instanceof UsageError || error instanceof InputError) {
      const message = error.message.replace(/^publish: /, '').replace(/, or name package folders \(pubguard publish packages\/a\)$/, ', or name the versions to verify (pubguard verify name@1.2.3)');
      throw new (error.constructor as typeof UsageError)(`verify: ${message}`);
    }
    throw error;
  }

  // Match each --local folder to the target of the same package name.
  for (const folder of localFolders) {
    let name: string | undefined;
    try {
      name = (JSON.parse(readFileSync(resolve(folder, 'package.json'), 'utf8')) as { name?: string }).name;
    } catch {
      throw new UsageError(`verify: --local ${JSON.stringify(folder)} has no readable package.json`);
    }
    const target = targets.find((entry) => entry.name === name);
    if (!target) throw new UsageError(`verify: --local ${JSON.stringify(folder)} holds "${name}", which is not among the versions to verify`);
    target.localFolder = folder;
  }

  const report = await verifyVersions({
    cwd: io.cwd,
    env: io.env,
    targets,
    tag: values['no-tag-check'] ? null : ((values.tag as string | undefined) ?? 'latest'),
    install: values.install === true,
    ignoreScripts: values['ignore-scripts'] === true,
    retries,
    retryDelayMs,
    onProgress: (line) => io.err(`${line}\n`),
  });
  io.out(format === 'json' ? renderVerifyJson(report) : renderVerifyText(report));
  return report.summary.failed > 0 ? 1 : 0;
}
