import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const nerfDart = require('@npmcli/config/lib/nerf-dart.js') as (url: string) => string;

/** npm's credential key prefix for a registry URL, e.g. `//npm.pkg.github.com/`, from npm's own helper. */
export function nerfDartOf(url: string): string {
  return nerfDart(url);
}
