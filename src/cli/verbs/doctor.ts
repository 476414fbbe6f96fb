import type { CliIO } from '../io.js';
import { parseVerbArgs, pickChoice, pickPositiveInteger } from '../args.js';
import { UsageError } from '../../errors.js';

/** Upper bound of --timeout: an hour per request is already far beyond any registry. */
const MAX_TIMEOUT_SECONDS = 3600;

export const help = `Usage: pubguard doctor [pkg…] [options]

Show, for each package, the registry and credential npm will use from this
directory (file and line, or variable; never the value), whether the
registry responds, who the token belongs to, whether this exact version is
already published, and what the tarball would contain. Packages are the
workspaces found here (npm, pnpm or Yarn), or the package folders given.

Options:
  --format text|json   output format (default text)
  --offline            do not contact the registry
  --github-scopes      send the GitHub Packages token to the GitHub API at
                       GITHUB_API_URL (default https://api.github.com) to
                       read a classic token's scopes; off by default because
                       it sends the token to a second service (it does so
                       even with --offline)
  --timeout <seconds>  timeout of one registry request (default 15, at
                       most 3600)
  -h, --help           show this help

Exit status: 0 when every package would publish, 1 when a publish would
fail (the first error of each package says why), 2 for bad usage.

Examples:
  pubguard doctor                        # the package or workspaces here
  pubguard doctor . packages/backend     # run from the root, name the folders
  pubguard doctor --offline --format json
`;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const args = parseVerbArgs('doctor', argv, {
    format: { type: 'string' },
    offline: { type: 'boolean' },
    'github-scopes': { type: 'boolean' },
    timeout: { type: 'string' },
  });
  if (args.help) {
    io.out(help);
    return 0;
  }
  const format = pickChoice('doctor', 'format', args.values.format, ['text', 'json'] as const, 'text');
  const timeoutSeconds = pickPositiveInteger('doctor', 'timeout', args.values.timeout, 15);
  if (timeoutSeconds > MAX_TIMEOUT_SECONDS) {
    throw new UsageError(`doctor: invalid --timeout ${JSON.stringify(args.values.timeout)}: expected at most ${MAX_TIMEOUT_SECONDS} seconds`);
  }

  const [{ runDoctor }, { renderDoctorJson, renderDoctorText }] = await Promise.all([import('../../doctor/doctor.js'), import('../../doctor/render.js')]);
  const report = await runDoctor({
    cwd: io.cwd,
    env: io.env,
    paths: args.positionals,
    offline: args.values.offline === true,
    githubScopes: args.values['github-scopes'] === true,
    timeoutMs: timeoutSeconds * 1000,
  });
  io.out(format === 'json' ? renderDoctorJson(report) : renderDoctorText(report));
  return report.summary.wouldFail > 0 ? 1 : 0;
}
