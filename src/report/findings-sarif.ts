/**
 * `check --format sarif`: a SARIF 2.1.0 log that GitHub code scanning
 * accepts. Rule ids are `pubguard/<id>`, `helpUri` is the rule's docs page,
 * severity becomes `level` (info → `note`), columns are UTF-16 code units
 * (`columnKind: utf16CodeUnits`), and suppressed findings carry an
 * `inSource` suppression. Format reference:
 * https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
 */
import type { Finding, Location } from './finding.js';
import type { FindingsReport } from './findings-summary.js';
import { redactDeep } from './redact.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

const LEVEL: Record<Finding['severity'], 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

// GitHub code scanning ranks alerts by `security-severity` (0-10) when a rule carries one.
const SECURITY_SEVERITY: Record<Finding['severity'], string> = { error: '7.0', warning: '5.0', info: '2.0' };

function physicalLocation(location: Location) {
  return {
    artifactLocation: { uri: encodeURI(location.file), uriBaseId: '%SRCROOT%' },
    region: { startLine: location.line, startColumn: location.column, endLine: location.endLine, endColumn: location.endColumn },
  };
}

export function buildSarif(report: FindingsReport): Record<string, unknown> {
  const ruleIndex = new Map(report.rules.map((rule, index) => [rule.id, index]));
  const rules = report.rules.map((rule) => ({
    id: `pubguard/${rule.id}`,
    name: rule.id,
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.title },
    helpUri: rule.docsUrl,
    help: { text: `See ${rule.docsUrl}` },
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: { precision: rule.confidence, 'security-severity': SECURITY_SEVERITY[rule.severity], tags: ['ci', 'npm', 'publishing'] },
  }));
  const results = report.findings.map((finding) => ({
    ruleId: `pubguard/${finding.ruleId}`,
    ...(ruleIndex.has(finding.ruleId) ? { ruleIndex: ruleIndex.get(finding.ruleId) } : {}),
    level: LEVEL[finding.severity],
    message: { text: `${finding.message}. Fix: ${finding.fix}` },
    locations: [{ physicalLocation: physicalLocation(finding) }],
    ...(finding.related.length > 0
      ? { relatedLocations: finding.related.map((location, id) => ({ id, physicalLocation: physicalLocation(location), message: { text: location.label ?? 'related' } })) }
      : {}),
    ...(finding.suppressed ? { suppressions: [{ kind: 'inSource', justification: finding.suppressedBy ?? '' }] } : {}),
    partialFingerprints: { 'pubguard/v1': fingerprint(finding) },
    properties: { confidence: finding.confidence, job: finding.job, step: finding.step },
  }));
  return redactDeep({
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'pubguard', version: report.version, semanticVersion: report.version, informationUri: 'https://github.com/pubguard/pubguard', rules } },
        columnKind: 'utf16CodeUnits',
        originalUriBaseIds: { '%SRCROOT%': { description: { text: 'The checked directory.' } } },
        results,
      },
    ],
  });
}

export function renderFindingsSarif(report: FindingsReport): string {
  return `${JSON.stringify(buildSarif(report), null, 2)}\n`;
}

// Stable across runs and line moves within a step: rule, file, job, step and message.
function fingerprint(finding: Finding): string {
  const text = [finding.ruleId, finding.file, finding.job ?? '', finding.step ?? '', finding.message].join('\u0000');
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}
