import type { CliIO } from '../io.js';
import { parseVerbArgs, pickChoice, pickPositiveInteger } from '../args.js';
import { UsageError } from '../../errors.js';

export const help = `Usage: pubguard publish [path…] [options]

Publish packages in dependency order with exact outcomes and full logs.
Without paths: the workspaces declared here (npm, pnpm or Yarn), or the
package in this directory. The client the repository uses (npm, pnpm, or
Yarn 2+ as \`yarn npm publish\`, from packageManager or the lock file) runs in
this directory and names each package by its path (npm publish
./packages/backend), so it reads the npm configuration this directory sees.

For each package: a version already in the registry is skipped
(already-published); a credential that cannot work stops it before
uploading; the client's exit status is taken exactly and a failure is
classified with its cause and fix. After a broken upload pubguard checks
whether the version landed before it reports or uploads again. The first
failure stops the run: later packages are not-attempted, and a rerun
publishes only what is missing. Then the published versions are verified.

Outcomes: published, already-published, failed, not-attempted, dry-run.

Options:
  --tag <tag>              dist-tag to publish under (passed to the client)
  --access <public|restricted>
                           access for scoped packages (passed to the client)
  --provenance             publish with a provenance statement (passed on)
  --otp <code>             one-time password (passed on, never logged)
  --dry-run                run the client with --dry-run; nothing is uploaded
  --log-dir <dir>          folder for one full log per package (folder mode
                           0700, files 0600, redacted); default a new
                           temporary folder
  --concurrency <n>        packages published at once when they do not
                           depend on each other (default 1)
  --no-verify              do not run verify on what was published
  --verify-retries <n>     verify's reads after the first (default 5)
  --landed-wait <ms>       after an upload that broke off (reset, timeout,
                           5xx), how long to keep looking for the version
                           before uploading again (default 10000)
  --format <text|json>     output format (default text)
  -h, --help               show this help

In GitHub Actions (GITHUB_ACTIONS=true) it also writes the step outputs
published, already-published and failed (JSON arrays of name@version) to
$GITHUB_OUTPUT, a table to $GITHUB_STEP_SUMMARY, and one error annotation
per failed package.

Exit status: 0 every package published, already published or dry-run and
verified; 1 a package failed, was not attempted, failed verification, or
was published by a client that then failed (a postpublish script); 2 bad
usage.
`;

/** Say why a plan has no package: private packages, or workspace patterns that match no folder. */
function nothingToPublish(plan: import('../../publish/plan.js').PublishPlan): string {
  const names = plan.skipped.map((entry) => `"${entry.name ?? entry.path}"`).join(', ');
  if (plan.skipped.length === 0) return `the ${plan.source} match no package folder; check the workspace patterns`;
  if (plan.source === 'the package in the working directory') return `${names} is marked "private": true in package.json; remove that field to publish it`;
  return `every workspace is marked "private": true (${names})`;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseVerbArgs('publish', argv, {
    tag: { type: 'string' },
    access: { type: 'string' },
    provenance: { type: 'boolean' },
    otp: { type: 'string' },
    'dry-run': { type: 'boolean' },
    'log-dir': { type: 'string' },
    concurrency: { type: 'string' },
    'no-verify': { type: 'boolean' },
    'verify-retries': { type: 'string' },
    'landed-wait': { type: 'string' },
    format: { type: 'string' },
  });
  const format = pickChoice('publish', 'format', values.format, ['text', 'json'] as const, 'text');
  const access = values.access === undefined ? undefined : pickChoice('publish', 'access', values.access, ['public', 'restricted'] as const, 'public');
  const concurrency = pickPositiveInteger('publish', 'concurrency', values.concurrency, 1);
  const verifyRetries = values['verify-retries'] === undefined ? 5 : Number(values['verify-retries']);
  if (!Number.isSafeInteger(verifyRetries) || verifyRetries < 0) {
    throw new UsageError(`publish: invalid --verify-retries ${JSON.stringify(values['verify-retries'])}: expected a whole number of 0 or more`);
  }
  const landedWaitMs = values['landed-wait'] === undefined ? 10_000 : Number(values['landed-wait']);
  if (!Number.isSafeInteger(landedWaitMs) || landedWaitMs < 0 || !/^\d+$/.test(String(values['landed-wait'] ?? '0'))) {
    throw new UsageError(`publish: invalid --landed-wait ${JSON.stringify(values['landed-wait'])}: expected milliseconds, a whole number of 0 or more`);
  }
  const tag = values.tag as string | undefined;
  if (tag !== undefined && (tag === '' || /\s/.test(tag))) throw new UsageError(`publish: invalid --tag ${JSON.stringify(tag)}: expected a dist-tag name such as "next"`);
  if (tag !== undefined) {
    // npm's publish command rejects a tag that semver reads as a version range ("v1", "1.x"), after packing.
    const { createRequire } = await import('node:module');
    const semver = createRequire(import.meta.url)('semver') as { validRange(range: string): string | null };
    if (semver.validRange(tag) !== null) throw new UsageError(`publish: invalid --tag ${JSON.stringify(tag)}: npm rejects a tag that is also a version range; use a name such as "legacy" or "v1-maintenance"`);
  }
  const { registerSecret } = await import('../../report/redact.js');
  const otp = values.otp as string | undefined;
  if (otp) registerSecret(otp);

  const [{ publishPackages }, { getPublishPlan }, { detectClient }, render, github, outcome] = await Promise.all([
    import('../../publish/publish.js'),
    import('../../publish/plan.js'),
    import('../../publish/client.js'),
    import('../../publish/render.js'),
    import('../../publish/github.js'),
    import('../../publish/outcome.js'),
  ]);

  const plan = await getPublishPlan(io.cwd, positionals);
  if (plan.packages.length === 0) throw new UsageError(`publish: nothing to publish in ${io.cwd}: ${nothingToPublish(plan)}`);
  const client = await detectClient(plan.cwd);
  io.err(render.renderPlan(plan, client.name));

  const report = await publishPackages({
    cwd: io.cwd,
    env: io.env,
    paths: positionals,
    plan,
    concurrency,
    logDir: values['log-dir'] as string | undefined,
    tag,
    access,
    provenance: values.provenance === true,
    otp,
    dryRun: values['dry-run'] === true,
    landedWaitMs,
    onProgress: (line) => io.err(`${line}\n`),
  });

  let exitCode = outcome.publishExitCode(report);
  let verifyReport: import('../../verify/verify.js').VerifyReport | null = null;
  const published = report.packages.filter((entry) => entry.status === 'published');
  if (values['no-verify'] !== true && published.length > 0) {
    io.err(`pubguard: verifying ${published.length} published version${published.length === 1 ? '' : 's'}\n`);
    const { verifyVersions } = await import('../../verify/verify.js');
    verifyReport = await verifyVersions({
      cwd: io.cwd,
      env: io.env,
      // npm publishes under --tag, else the package's publishConfig.tag, else latest.
      targets: published.map((entry) => {
        const publishConfig = plan.packages.find((planned) => planned.name === entry.name)?.manifest.publishConfig as { tag?: unknown } | undefined;
        const packageTag = typeof publishConfig?.tag === 'string' ? publishConfig.tag : undefined;
        return { name: entry.name, version: entry.version, registry: entry.registry ?? undefined, tag: tag ?? packageTag };
      }),
      tag: tag ?? 'latest',
      retries: verifyRetries,
      onProgress: (line) => io.err(`${line}\n`),
    });
    if (verifyReport.summary.failed > 0) exitCode = 1;
  }

  if (format === 'json') {
    const document = JSON.parse(render.renderPublishJson(report)) as Record<string, unknown>;
    document.verify = verifyReport;
    io.out(`${JSON.stringify(document, null, 2)}\n`);
  } else {
    io.out(render.renderPublishText(report));
    if (verifyReport) {
      const { renderVerifyText } = await import('../../verify/render.js');
      io.out(`\nverify:\n${renderVerifyText(verifyReport)}`);
    }
  }

  if (github.isGitHubActions(io.env)) {
    if (io.env.GITHUB_OUTPUT) github.writeStepOutputs(io.env.GITHUB_OUTPUT, report);
    if (io.env.GITHUB_STEP_SUMMARY) github.writeStepSummary(io.env.GITHUB_STEP_SUMMARY, report);
    if (io.env.GITHUB_STEP_SUMMARY && verifyReport) github.writeVerifySummary(io.env.GITHUB_STEP_SUMMARY, verifyReport);
    // The runner reads workflow commands from standard error too, which keeps them out of --format json.
    const place = { cwd: io.cwd, workspace: io.env.GITHUB_WORKSPACE };
    for (const entry of report.packages.filter((item) => item.status === 'failed' || (item.status === 'published' && item.cause))) io.err(github.formatAnnotation(entry, place));
    for (const entry of verifyReport?.packages.filter((item) => item.status === 'failed') ?? []) {
      io.err(github.formatVerifyAnnotation(entry, report.packages.find((item) => item.name === entry.name && item.version === entry.version), place));
    }
  }
  return exitCode;
}
