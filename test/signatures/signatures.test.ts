// Signatures one by one with real-shaped lines, the catalogue's integrity, and the docs generated from it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { CAUSE_IDS, SIGNATURES, classifyPublishOutput, isCauseId } from '../../src/signatures/index.js';
import { renderCausesDoc, renderSignaturesDoc } from '../../src/signatures/docs.js';

// [signature id, output lines, expected status, expected package]
const CASES: Array<[string, string[], number | null, string | null]> = [
  ['gpr-401-unauthenticated', ['npm error code E401', 'npm error 401 Unauthorized - PUT https://npm.pkg.github.com/@acme%2fapi - unauthenticated: User cannot be authenticated with the token provided.'], 401, '@acme/api'],
  ['gpr-401-token-not-provided', ['npm ERR! code E401', 'npm ERR! 401 Unauthorized - PUT https://npm.pkg.github.com/@acme%2fapi - authentication token not provided'], 401, '@acme/api'],
  ['gpr-token-missing-scopes', ['npm error code E403', 'npm error 403 403 Forbidden - PUT https://npm.pkg.github.com/@acme%2fapi - Permission permission_denied: The token provided does not match expected scopes.'], 403, '@acme/api'],
  ['gpr-token-missing-scopes', ["npm ERR! 401 Unauthorized - PUT https://npm.pkg.github.com/@acme%2fapi - Your token has not been granted the required scopes to execute this query. The 'id' field requires one of the following scopes: ['read:packages'], but your token has only been granted the: ['repo'] scopes."], 401, '@acme/api'],
  ['gpr-403-write-package', ['npm error code E403', 'npm error 403 403 Forbidden - PUT https://npm.pkg.github.com/@acme%2fapi - Permission permission_denied: write_package'], 403, '@acme/api'],
  ['gpr-403-installation-not-found', ['npm error 403 403 Forbidden - PUT https://npm.pkg.github.com/@other%2fapi - The requested installation does not exist.'], 403, '@other/api'],
  ['gpr-403-installation-not-allowed', ['npm ERR! 403 403 Forbidden - PUT https://npm.pkg.github.com/@acme%2fweb - Permission installation not allowed to Write organization package'], 403, '@acme/web'],
  ['npm-401-invalid-token', ['npm error code E401', 'npm error Unable to authenticate, your authentication token seems to be invalid.', 'npm error To correct this please try logging in again with:', 'npm error   npm login'], 401, null],
  ['npm-403-credentials', ['npm error 403 403 Forbidden - PUT https://registry.npmjs.org/left-pad - You may not perform that action with these credentials.'], 403, 'left-pad'],
  ['npm-otp-required', ['npm error code EOTP', 'npm error This operation requires a one-time password from your authenticator.'], null, null],
  ['npm-otp-required', ['npm error code E403', 'npm error 403 403 Forbidden - PUT https://registry.npmjs.org/kestrel - Two-factor authentication or granular access token with bypass 2fa enabled is required to publish packages.'], 403, 'kestrel'],
  ['npm-402-payment-required', ['npm ERR! code E402', 'npm ERR! 402 Payment Required - PUT https://registry.npmjs.org/@acme%2fui - You must sign up for private packages'], 402, '@acme/ui'],
  ['npm-404-put', ['npm error code E404', 'npm error 404 Not Found - PUT https://registry.npmjs.org/@acme%2fcli - Not found'], 404, '@acme/cli'],
  ['version-exists', ['npm ERR! code E403', 'npm ERR! 403 403 Forbidden - PUT https://registry.npmjs.org/left-pad - You cannot publish over the previously published versions: 1.3.0.'], 403, 'left-pad'],
  ['version-exists', ['npm error code E409', 'npm error 409 Conflict - PUT https://npm.pkg.github.com/@acme%2fcore - Cannot publish over existing version'], 409, '@acme/core'],
  ['provenance-mismatch', ['npm error code E422', 'npm error 422 Unprocessable Entity - PUT https://registry.npmjs.org/forms - Error verifying sigstore provenance bundle: Failed to validate repository information'], 422, 'forms'],
  ['provenance-needs-id-token', ['npm error code EUSAGE', 'npm error Provenance generation in GitHub Actions requires "write" access to the "id-token" permission'], null, null],
  ['oidc-exchange-failed', ['npm verbose oidc Failed token exchange request with body message: No matching trusted publisher', 'npm error code ENEEDAUTH'], null, null],
  ['npm-need-auth', ['npm error code ENEEDAUTH', 'npm error need auth This command requires you to be logged in to https://registry.npmjs.org/'], null, null],
  ['npm-invalid-auth-config', ['npm error code ERR_INVALID_AUTH', 'npm error Invalid auth configuration found: `_authToken` must be renamed to `//registry.npmjs.org/:_authToken` in user config'], null, null],
  ['network-failure', ['npm error code ECONNRESET', 'npm error network aborted', 'npm error network This is a problem related to network connectivity.'], null, null],
  ['network-failure', ['npm ERR! code EAI_AGAIN', 'npm ERR! errno EAI_AGAIN', 'npm ERR! request to https://registry.npmjs.org/left-pad failed, reason: getaddrinfo EAI_AGAIN registry.npmjs.org'], null, 'left-pad'],
  ['registry-server-error', ['npm error code E503', 'npm error 503 Service Unavailable - PUT https://registry.npmjs.org/left-pad - Service Unavailable'], 503, 'left-pad'],
  ['yarn1-env-replace', ['error An unexpected error occurred: "Failed to replace env in config: ${NPM_TOKEN}".'], null, null],
  ['yarn-berry-no-auth', ['➤ YN0033: No authentication configured for request', '➤ YN0000: Failed with errors in 0s 318ms'], null, null],
  ['yarn-berry-invalid-auth', ['➤ YN0041: Invalid authentication (as an anonymous user)'], null, null],
  ['semantic-release-npm-token', ['[9:41:02 AM] [semantic-release] › ✘  EINVALIDNPMTOKEN Invalid npm token.'], null, null],
  ['http-404-get', ['npm error code E404', 'npm error 404 Not Found - GET https://npm.pkg.github.com/@acme%2fbackend - npm package "backend" does not exist under owner "acme"'], 404, '@acme/backend'],
  ['no-matching-version', ['npm error code ETARGET', 'npm error notarget No matching version found for @acme/backend@2.4.0.'], null, '@acme/backend'],
  ['http-401', ['npm error code E401', 'npm error 401 Unauthorized - PUT https://registry.example.com/left-pad'], 401, 'left-pad'],
  ['http-403', ['npm error code E403', 'npm error 403 403 Forbidden - PUT https://registry.example.com/left-pad - blocked by policy'], 403, 'left-pad'],
  ['no-matching-version', [' ERR_PNPM_NO_MATCHING_VERSION  No matching version found for @acme/web@2.0.0'], null, '@acme/web'],
  ['http-404-get', [' ERR_PNPM_FETCH_404  GET https://npm.pkg.github.com/@acme%2Fweb: Not Found - 404'], 404, '@acme/web'],
  ['provenance-self-hosted-runner', ['npm error code E422', 'npm error 422 Unprocessable Entity - PUT https://registry.npmjs.org/@acme%2fweb - Error verifying sigstore provenance bundle: Unsupported GitHub Actions runner environment: "self-hosted". Only "github-hosted" runners are supported when publishing with provenance.'], 422, '@acme/web'],
  ['npm-403-name-too-similar', ['npm error code E403', 'npm error 403 403 Forbidden - PUT https://registry.npmjs.org/mdkanban - Package name too similar to existing package md-kanban; try renaming your package to \'@crankshift/mdkanban\' and publishing with \'npm publish --access=public\' instead'], 403, 'mdkanban'],
  ['gpr-404-put', ['npm error code E404', 'npm error 404 Not Found - PUT https://npm.pkg.github.com/@acme%2fweb - The expected resource was not found.'], 404, '@acme/web'],
];

for (const [id, lines, status, name] of CASES) {
  test(`signature ${id}: ${lines[lines.length - 1]!.slice(0, 60)}`, () => {
    const result = classifyPublishOutput(lines);
    assert.equal(result.signature?.id ?? null, id);
    assert.equal(result.facts.httpStatus, status);
    assert.equal(result.facts.package, name);
    assert.ok(result.causes.length > 0);
    assert.ok(result.fix);
  });
}

test('every signature has a table case', () => {
  const covered = new Set(CASES.map(([id]) => id));
  assert.deepEqual(SIGNATURES.map((signature) => signature.id).filter((id) => !covered.has(id)), []);
});

test('catalogue lists every signature file', () => {
  const files = readdirSync(new URL('../../src/signatures/', import.meta.url)).filter((file) => file.endsWith('.ts') && !['types.ts', 'causes.ts', 'catalogue.ts', 'classify.ts', 'parse.ts', 'index.ts', 'docs.ts'].includes(file));
  assert.deepEqual(files.map((file) => file.slice(0, -3)).sort(), SIGNATURES.map((signature) => signature.id).sort());
});

test('signatures use known causes and https sources', () => {
  for (const signature of SIGNATURES) {
    assert.ok(signature.causes.length > 0, signature.id);
    for (const cause of signature.causes) assert.ok(isCauseId(cause.id), `${signature.id}: ${cause.id}`);
    assert.ok(signature.sources.length > 0, signature.id);
    for (const source of signature.sources) assert.match(source, /^https:\/\//, signature.id);
    assert.match(signature.checked, /^\d{4}-\d{2}$/);
  }
});

test('status alone never beats a message', () => {
  // A 401 whose message names scopes is a scope problem, not an invalid token.
  const scopes = classifyPublishOutput(["npm error 401 Unauthorized - PUT https://npm.pkg.github.com/@a%2fb - Your token has not been granted the required scopes to execute this query. The 'id' field requires one of the following scopes: ['read:packages']"]);
  assert.equal(scopes.causes[0]!.id, 'token-missing-scope');
  const forbidden = classifyPublishOutput(['npm error 403 403 Forbidden - PUT https://registry.npmjs.org/left-pad - You cannot publish over the previously published versions: 1.0.0.']);
  assert.equal(forbidden.causes[0]!.id, 'version-exists');
});

test('classify: registry and package options fill gaps', () => {
  const result = classifyPublishOutput(['➤ YN0033: No authentication configured for request'], { registry: 'https://npm.pkg.github.com', package: '@acme/tokens' });
  assert.equal(result.facts.registry, 'https://npm.pkg.github.com/');
  assert.equal(result.facts.package, '@acme/tokens');
});

test('classify: unknown failure returns null signature', () => {
  const result = classifyPublishOutput(['npm error Missing script: "build"']);
  assert.equal(result.signature, null);
  assert.deepEqual(result.causes, []);
  assert.equal(result.fix, null);
});

// Raw npm output per npm major, in test/fixtures/logs/npmNN/<case>.txt.
const FIXTURES: Array<[string, string, string]> = [
  ['npm8', 'e402-scoped-private', 'npm-402-payment-required'],
  ['npm8', 'eotp', 'npm-otp-required'],
  ['npm10', 'e404-put-scoped', 'npm-404-put'],
  ['npm10', 'e409-version-exists', 'version-exists'],
  ['npm10', 'eneedauth', 'npm-need-auth'],
  ['npm10', 'etarget', 'no-matching-version'],
  ['npm11', 'e404-put-oidc', 'npm-404-put'],
  ['npm11', 'e422-provenance', 'provenance-mismatch'],
  ['npm11', 'err-invalid-auth', 'npm-invalid-auth-config'],
  ['npm11', 'provenance-id-token', 'provenance-needs-id-token'],
];

for (const [major, name, id] of FIXTURES) {
  test(`fixture ${major}/${name}: ${id}`, () => {
    const text = readFileSync(new URL(`../fixtures/logs/${major}/${name}.txt`, import.meta.url), 'utf8');
    assert.equal(classifyPublishOutput(text.split('\n')).signature?.id, id);
  });
}

test('npm 10 and 11 404 texts give the version', () => {
  const npm10 = classifyPublishOutput(readFileSync(new URL('../fixtures/logs/npm10/e404-put-scoped.txt', import.meta.url), 'utf8').split('\n'));
  assert.equal(npm10.facts.version, '2.0.1');
  const npm11 = classifyPublishOutput(readFileSync(new URL('../fixtures/logs/npm11/e404-put-oidc.txt', import.meta.url), 'utf8').split('\n'));
  assert.equal(npm11.facts.package, 'orchard-forms');
  assert.equal(npm11.facts.version, '1.3.0');
});

test('ETARGET text gives package and version', () => {
  const facts = classifyPublishOutput(readFileSync(new URL('../fixtures/logs/npm10/etarget.txt', import.meta.url), 'utf8').split('\n')).facts;
  assert.equal(facts.package, '@acme/lib');
  assert.equal(facts.version, '1.2.0');
});

test('docs/signatures.md matches the catalogue', () => {
  const page = readFileSync(new URL('../../docs/signatures.md', import.meta.url), 'utf8');
  assert.equal(page, renderSignaturesDoc(), 'regenerate with: npx tsx test/signatures/generate-docs.ts');
});

test('docs/causes.md lists every cause id', () => {
  const page = readFileSync(new URL('../../docs/causes.md', import.meta.url), 'utf8');
  assert.equal(page, renderCausesDoc(), 'regenerate with: npx tsx test/signatures/generate-docs.ts');
  for (const id of CAUSE_IDS) assert.match(page, new RegExp(`\\| \`${id}\` \\|`));
});
