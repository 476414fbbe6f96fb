// Regenerates docs/signatures.md and docs/causes.md from the catalogue: npx tsx test/signatures/generate-docs.ts
import { writeFileSync } from 'node:fs';
import { renderCausesDoc, renderSignaturesDoc } from '../../src/signatures/docs.js';

writeFileSync(new URL('../../docs/signatures.md', import.meta.url), renderSignaturesDoc());
writeFileSync(new URL('../../docs/causes.md', import.meta.url), renderCausesDoc());
console.log('wrote docs/signatures.md and docs/causes.md');
