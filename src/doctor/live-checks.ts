/**
 * Checks that ask the registry (and, on request, the GitHub API): whether
 * it responds, who the credential belongs to, and whether this exact
 * version is already there. A failed lookup is reported as failed, never
 * read as "not published".
 */
import registryFetch from 'npm-registry-fetch';
import type { Finding } from '../report/finding.js';
import type { PublishConfigResolution } from '../npmconfig/types.js';
import { RegistryClient, RegistryError, fetchGithubTokenScopes, type NpmFlatOptions } from '../registry/index.js';
import { makeFinding } from './finding.js';
import type { LiveChecks } from './types.js';

export interface LiveCheckInput {
  resolution: PublishConfigResolution;
  npmOptions: NpmFlatOptions;
  name: string | null;
  version: string | null;
  /** package.json path relative to the directory doctor runs in. */
  manifestFile: string;
  /** Location that set the registry URL, such as `.npmrc:1`, for messages. */
  registrySource: string;
  timeoutMs: number;
  retries: number;
  /**
   * Ping results by registry URL, shared by the packages of one run, so a
   * slow or dead registry costs its timeout once rather than once per package.
   */
  pingCache?: Map<string, Promise<{ status: number; ms: number }>>;
}

export function emptyLiveChecks(): LiveChecks {
  return { reachable: null, pingStatus: null, whoami: null, versionExists: null, error: null, githubScopes: null, npmVersion: null };
}

function errorSummary(error: RegistryError): LiveChecks['error'] {
  return { kind: error.kind, status: error.status ?? null, code: error.code ?? null, message: error.message };
}

function cachedPing(client: RegistryClient, registry: string, cache: LiveCheckInput['pingCache']): Promise<{ status: number; ms: number }> {
  if (!cache) return client.ping();
  let ping = cache.get(registry);
  if (!ping) {
    ping = client.ping();
    cache.set(registry, ping);
  }
  return ping;
}

/** Run reachability, whoami and version-exists against the package's registry. */
export async function runLiveChecks(input: LiveCheckInput): Promise<{ live: LiveChecks; findings: Finding[] }> {
  const { resolution, manifestFile: file } = input;
  const registry = resolution.registry.url;
  const live = emptyLiveChecks();
  const findings: Finding[] = [];
  const client = new RegistryClient({
    registry,
    npmOptions: input.npmOptions,
    timeoutMs: input.timeoutMs,
    retry: { retries: input.retries, minDelayMs: 250, maxDelayMs: 2_000 },
  });

  // 1. Reachable at all? Without it nothing else can be asked.
  try {
    const ping = await cachedPing(client, registry, input.pingCache);
    live.reachable = true;
    live.pingStatus = ping.status;
  } catch (error) {
    const failure = error instanceof RegistryError ? error : undefined;
    const summary = failure ? errorSummary(failure) : { kind: 'network', status: null, code: null, message: String(error) };
    live.error = summary;
    const serverError = failure?.kind === 'server-error';
    live.reachable = serverError;
    if (serverError) live.pingStatus = failure?.status ?? null;
    findings.push(
      makeFinding({
        ruleId: serverError ? 'registry-server-error' : 'registry-unreachable',
        severity: 'error',
        message: serverError
          ? `the registry "${registry}" responds with server errors, so a publish would fail now: ${summary?.message}`
          : `the registry "${registry}" cannot be reached, so a publish would fail: ${summary?.message}`,
        fix: serverError
          ? 'retry later, and check the registry status page'
          : `check the registry URL ("${resolution.registry.key}" from ${input.registrySource}) and the network, proxy and DNS settings of this job`,
        file,
        args: { registry, kind: summary?.kind, code: summary?.code, status: summary?.status },
      }),
    );
    return { live, findings };
  }

  // 2 and 3 run together: who the credential is, and whether the version is there.
  const [whoamiFindings, versionFindings] = await Promise.all([checkWhoami(client, input, live), checkVersion(client, input, live)]);
  findings.push(...whoamiFindings, ...versionFindings);
  return { live, findings };
}

/** Name the kind of credential for messages: a token, or a user name and password with the key that carries them. */
function credentialWords(resolution: PublishConfigResolution): string {
  if (resolution.credential.authType !== 'basic') return 'the token';
  const key = resolution.credential.key?.replace(/^.*:/, '') ?? 'basic';
  return `the user name and password (${key})`;
}

/** Ask whoami with a real credential: the credential findings already explain placeholders and empty values. */
async function checkWhoami(client: RegistryClient, input: LiveCheckInput, live: LiveChecks): Promise<Finding[]> {
  const { resolution, manifestFile: file } = input;
  const registry = resolution.registry.url;
  const findings: Finding[] = [];
  if (resolution.credential.class === 'secret') {
    try {
      live.whoami = await client.whoami();
      if (live.whoami === null) {
        findings.push(
          makeFinding({
            ruleId: 'token-rejected',
            severity: 'error',
            message: `the registry "${registry}" does not recognise ${credentialWords(resolution)} configured for it: whoami names no user`,
            fix: 'replace the token with a valid, unexpired one for this registry',
            file,
          }),
        );
      }
    } catch (error) {
      const failure = error as RegistryError;
      live.error ??= errorSummary(failure);
      if (failure.kind === 'redirected') {
        findings.push(
          makeFinding({
            ruleId: 'registry-redirected',
            severity: 'error',
            confidence: 'medium',
            message: `the registry "${registry}" sends its requests on to another origin, so the token cannot be checked there and may not be sent with the publish: ${failure.message}`,
            fix: `set "${resolution.registry.key}" (from ${input.registrySource}) to the registry's real URL, the origin it redirects to, and key the token to that URL`,
            file,
            args: { kind: failure.kind, status: failure.status ?? null, redirectedTo: failure.url },
          }),
        );
        return findings;
      }
      const rejected = failure.kind === 'unauthorized';
      findings.push(
        makeFinding({
          ruleId: rejected ? 'token-rejected' : 'whoami-failed',
          severity: rejected ? 'error' : 'warning',
          message: rejected
            ? `the registry "${registry}" rejects ${credentialWords(resolution)} configured for it: ${failure.message}`
            : `whoami on "${registry}" failed, so the token could not be confirmed: ${failure.message}`,
          fix: rejected ? 'replace the token with a valid, unexpired one for this registry' : 'run `npm whoami` in the same directory to see the error',
          file,
          args: { kind: failure.kind, status: failure.status ?? null },
        }),
      );
    }
  }
  return findings;
}

/** Look up this exact version; a failed lookup is an error, never "not published". */
async function checkVersion(client: RegistryClient, input: LiveCheckInput, live: LiveChecks): Promise<Finding[]> {
  const registry = input.resolution.registry.url;
  const file = input.manifestFile;
  const findings: Finding[] = [];
  if (input.name && input.version) {
    const spec = `${input.name}@${input.version}`;
    try {
      live.versionExists = await client.versionExists(input.name, input.version);
      if (live.versionExists === 'exists') {
        findings.push(
          makeFinding({
            ruleId: 'version-already-published',
            // A warning: pubguard publish skips this version as already-published and exits 0,
            // so a rerun after a partial failure must not be stopped here.
            severity: 'warning',
            message: `"${spec}" is already in "${registry}": pubguard publish skips it as already-published, and a plain npm publish fails because a registry never accepts the same version twice`,
            fix: 'raise "version" in package.json to publish a new release; leave it when this run only completes an earlier partial publish',
            file,
            args: { spec, registry },
          }),
        );
      }
    } catch (error) {
      const failure = error as RegistryError;
      live.versionExists = 'unknown';
      live.error ??= errorSummary(failure);
      findings.push(
        makeFinding({
          ruleId: 'version-check-failed',
          severity: 'error',
          message: `could not tell whether "${spec}" is already in "${registry}": ${failure.message}`,
          fix: versionCheckFix(failure),
          file,
          args: { spec, kind: failure.kind, status: failure.status ?? null, code: failure.code ?? null },
        }),
      );
    }
  }
  return findings;
}

function versionCheckFix(error: RegistryError): string {
  switch (error.kind) {
    case 'unauthorized':
      return 'the registry did not accept the credential for reading; fix the credential shown above (a publish with it would fail the same way)';
    case 'forbidden':
      return 'the credential is recognised but may not read this package; grant its user access to the package, or use a credential that has it';
    case 'redirected':
      return "set the registry to the origin it redirects to, so the credential goes with the request; a 404 from another origin does not prove that the version is missing";
    case 'network':
    case 'timeout':
      return 'check the network, proxy and DNS settings of this job, then run doctor again';
    default:
      return 'run doctor again; if the error stays, check the registry status';
  }
}

export interface GithubScopesInput {
  resolution: PublishConfigResolution;
  npmOptions: NpmFlatOptions;
  manifestFile: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
}

/**
 * Read a classic GitHub token's scopes from the GitHub API, for
 * `--github-scopes` only: it sends the registry token to a second service.
 */
export async function checkGithubScopes(input: GithubScopesInput, live: LiveChecks): Promise<Finding[]> {
  const { resolution, manifestFile: file } = input;
  if (resolution.credential.class !== 'secret') return [];
  const shape = resolution.credential.shape;
  // GITHUB_TOKEN (ghs_) and fine-grained tokens have permissions, not OAuth scopes.
  // npm tokens and JWTs are no GitHub tokens at all, so they must not go to the GitHub API.
  if (shape === 'ghs_' || shape === 'github_pat_' || shape === 'npm_' || shape === 'jwt') return [];
  const token = registryFetch.getAuth(resolution.registry.url, { ...input.npmOptions, registry: resolution.registry.url }).token;
  if (!token) return [];
  try {
    const result = await fetchGithubTokenScopes({ token, optIn: true, env: input.env, timeoutMs: input.timeoutMs });
    live.githubScopes = result.scopes;
    if (result.scopes === null) {
      return [
        makeFinding({
          ruleId: 'github-token-scopes',
          severity: 'info',
          message: `the GitHub API at "${result.apiUrl}" reports no OAuth scopes for the token, so it is not a personal access token (classic)`,
          fix: 'GitHub Packages accepts GITHUB_TOKEN or a personal access token (classic); use one of those',
          file,
        }),
      ];
    }
    if (!result.canWritePackages) {
      return [
        makeFinding({
          ruleId: 'github-token-missing-write-packages',
          severity: 'error',
          message: `the token's scopes are ${result.scopes.map((scope) => `"${scope}"`).join(', ') || 'none'}, without "write:packages", so GitHub Packages rejects the publish`,
          fix: 'create a personal access token (classic) with the write:packages scope, or use GITHUB_TOKEN with "permissions: packages: write"',
          file,
          args: { scopes: result.scopes },
        }),
      ];
    }
    return [];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return [
      makeFinding({
        ruleId: 'github-token-scopes',
        severity: 'warning',
        message: `could not read the token's scopes from the GitHub API: ${message}`,
        fix: 'check GITHUB_API_URL and the network; the other checks do not depend on this one',
        file,
      }),
    ];
  }
}
