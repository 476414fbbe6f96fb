import { CAUSES, CAUSE_IDS } from './causes.js';
import { SIGNATURES } from './catalogue.js';

function list(values: readonly (string | number)[] | null): string {
  return values ? values.map((value) => `\`${value}\``).join(', ') : 'any';
}

/** Render docs/signatures.md from the catalogue, so the page cannot drift from the data. */
export function renderSignaturesDoc(): string {
  const out: string[] = [
    '# Registry failure signatures',
    '',
    '<!-- Generated from src/signatures/*.ts by `npx tsx test/signatures/generate-docs.ts`; a test fails when this page and the data differ. -->',
    '',
    'A signature is a known registry failure: which registry, HTTP status, npm-style code and message pattern it has, its causes ranked by how often they are the real one, how to tell them apart, and the fix. `pubguard explain` and `pubguard publish` classify failures with this catalogue (`classifyPublishOutput` in the library). Signatures are tried in the order below: those with a message pattern first, because the message decides, not the status alone. Cause ids are described in [causes.md](causes.md).',
    '',
    '| # | id | registry | status | code | method | message pattern |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  SIGNATURES.forEach((signature, index) => {
    const { match } = signature;
    const pattern = match.message ? `\`${match.message.source.replace(/\|/g, '\\|')}\`` : 'any';
    out.push(`| ${index + 1} | [\`${signature.id}\`](#${signature.id}) | ${match.registry} | ${list(match.httpStatus)} | ${list(match.npmCode)} | ${list(match.method)} | ${pattern} |`);
  });
  for (const signature of SIGNATURES) {
    out.push('', `## ${signature.id}`, '', `${signature.title[0]!.toUpperCase()}${signature.title.slice(1)}.`, '', 'Causes, most likely first:', '');
    signature.causes.forEach((cause, rank) => {
      out.push(`${rank + 1}. \`${cause.id}\`: ${cause.why}. Tell apart: ${cause.tellApart}.`);
    });
    out.push('', `Fix: ${signature.fix}.`, '', `Sources (checked ${signature.checked}):`, '', ...signature.sources.map((source) => `- <${source}>`));
  }
  return `${out.join('\n')}\n`;
}

/** Render docs/causes.md: every cause id with its meaning and the signatures that name it. */
export function renderCausesDoc(): string {
  const out: string[] = [
    '# Cause ids',
    '',
    '<!-- Generated from src/signatures/causes.ts by `npx tsx test/signatures/generate-docs.ts`; a test fails when this page and the data differ. -->',
    '',
    "`pubguard explain --format json` names each likely cause of a failure with one of these ids (`failures[].causes[].id`). Ids are a contract: new ones are added, none is renamed. The credential classes of `check` and `doctor` (`placeholder`, `unexpanded-variable`, `empty`, `missing`) appear here prefixed with `token-`.",
    '',
    '| id | meaning | signatures that list it |',
    '| --- | --- | --- |',
  ];
  for (const id of CAUSE_IDS) {
    const users = SIGNATURES.filter((signature) => signature.causes.some((cause) => cause.id === id)).map((signature) => `[\`${signature.id}\`](signatures.md#${signature.id})`);
    let note = '';
    if (id === 'version-not-published') note = ' Also given to a failure that follows from an earlier failed publish (`consequenceOf`).';
    if (id === 'workdir-config-differs') note = ' Also added when another package was published to the same registry in the same job.';
    out.push(`| \`${id}\` | ${CAUSES[id].replace(/\|/g, '\\|')}.${note} | ${users.join(', ') || '(evidence only)'} |`);
  }
  return `${out.join('\n')}\n`;
}
