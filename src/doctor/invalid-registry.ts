/**
 * A registry setting that is not a URL, such as `@acme:registry=npm.pkg.github.com`
 * without its scheme. npm stops with ERR_INVALID_URL before sending anything;
 * the resolver marks such a registry invalid, and doctor finds the line that
 * sets the value and reports it as the cause.
 */
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Finding } from '../report/finding.js';
import { makeFinding, readText } from './finding.js';
import { displayPath } from './static-checks.js';

/** `.npmrc` files npm may read for a package: every folder from the package and from `cwd` up to `/`, the user and the global config. */
function candidateFiles(cwd: string, folder: string, env: NodeJS.ProcessEnv): string[] {
  const files: string[] = [];
  for (const start of [folder, cwd]) {
    let dir = resolve(start);
    for (;;) {
      files.push(join(dir, '.npmrc'));
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  const userconfig = env.NPM_CONFIG_USERCONFIG ?? env.npm_config_userconfig;
  files.push(userconfig ? resolve(cwd, userconfig) : join(env.HOME ?? homedir(), '.npmrc'));
  const globalconfig = env.NPM_CONFIG_GLOBALCONFIG ?? env.npm_config_globalconfig;
  if (globalconfig) files.push(resolve(cwd, globalconfig));
  return [...new Set(files)];
}

/** Find the first `key=value` line whose value is `input`, or a package.json `"registry"` field with it. */
function findSetting(cwd: string, folder: string, env: NodeJS.ProcessEnv, input: string): { file: string; line: number; key: string } | null {
  for (const file of candidateFiles(cwd, folder, env)) {
    const lines = readText(file)?.split(/\r?\n/) ?? [];
    for (const [index, text] of lines.entries()) {
      const match = /^\s*([^=;#\s][^=]*?)\s*=\s*(.*?)\s*$/.exec(text);
      if (match && match[2]!.replace(/^(["'])(.*)\1$/, '$2') === input && /registry$/i.test(match[1]!)) {
        return { file, line: index + 1, key: match[1]! };
      }
    }
  }
  const manifestFile = join(folder, 'package.json');
  const lines = readText(manifestFile)?.split(/\r?\n/) ?? [];
  const index = lines.findIndex((text) => text.includes(`"registry"`) && text.includes(JSON.stringify(input)));
  return index >= 0 ? { file: manifestFile, line: index + 1, key: 'publishConfig.registry' } : null;
}

/** Build the `registry-invalid-url` finding and the registry fields of the report for a value that is not a URL. */
export function invalidRegistry(
  cwd: string,
  folder: string,
  env: NodeJS.ProcessEnv,
  input: string,
  manifestFile: string,
): { finding: Finding; registry: { url: string; key: string; source: string } } {
  const setting = findSetting(cwd, folder, env, input);
  const where = setting ? `${displayPath(cwd, setting.file)}:${setting.line}` : null;
  const example = /^[a-z0-9.-]+\.[a-z]{2,}(\/.*)?$/i.test(input) ? `, such as "https://${input.replace(/\/?$/, '/')}"` : '';
  const finding = makeFinding({
    ruleId: 'registry-invalid-url',
    severity: 'error',
    message: `${JSON.stringify(input)}${where ? ` at ${where}` : ''} is not a URL, so npm stops with ERR_INVALID_URL before sending anything`,
    fix: `write ${setting ? `"${setting.key}"` : 'the registry'} as a full URL with its scheme${example}`,
    file: setting ? displayPath(cwd, setting.file) : manifestFile,
    line: setting?.line ?? 1,
    args: { value: input, key: setting?.key ?? null },
  });
  return { finding, registry: { url: input, key: setting?.key ?? 'registry', source: where ?? 'unknown' } };
}
