/**
 * The default `check` output. Each finding gets the grep-able headline, a
 * code frame with labelled underlines for the primary and related locations,
 * then `fix:` and `docs:` lines. A blank line separates the blocks, and a
 * single summary line closes the output. Suppressed findings are counted in the
 * summary, not shown.
 */
import type { Finding, Location } from './finding.js';
import { findingHeadline, summaryLine, type FindingsReport } from './findings-summary.js';

export interface TextOptions {
  color: boolean;
}

const MAX_FRAME_LINES = 4;

const COLORS = { error: '\x1b[31m', warning: '\x1b[33m', info: '\x1b[36m', dim: '\x1b[2m', bold: '\x1b[1m', reset: '\x1b[0m' };

export function renderFindingsText(report: FindingsReport, options: TextOptions): string {
  const paint = (code: string, text: string) => (options.color ? `${code}${text}${COLORS.reset}` : text);
  // Suppressed findings are only counted here; json and sarif list them.
  const blocks = report.findings.filter((finding) => !finding.suppressed).map((finding) => {
    const lines: string[] = [paint(COLORS.bold, colorSeverity(findingHeadline(finding), finding, options.color))];
    lines.push(...frame(report, finding, finding.label ?? '', paint));
    for (const related of finding.related) {
      lines.push(paint(COLORS.dim, `  related: ${related.file}:${related.line}:${related.column}`));
      lines.push(...frame(report, related, related.label ?? '', paint));
    }
    lines.push(`  fix: ${finding.fix}`);
    lines.push(`  docs: ${finding.docs}`);
    return lines.join('\n');
  });
  blocks.push(summaryLine(report));
  return `${blocks.join('\n\n')}\n`;
}

function colorSeverity(headline: string, finding: Finding, color: boolean): string {
  if (!color) return headline;
  return headline.replace(`: ${finding.severity}: `, `: ${COLORS[finding.severity]}${finding.severity}${COLORS.reset}${COLORS.bold}: `);
}

/** Draw a source frame: numbered lines with a `^~~~` underline under the span and its label. */
function frame(report: FindingsReport, span: Location, label: string, paint: (code: string, text: string) => string): string[] {
  const source = report.sources.get(span.file);
  if (!source || span.line < 1 || span.line > source.lineCount) return [];
  // A span that ends at the start of a line (a YAML mapping with its line break) ends on the line before.
  const location =
    span.endLine > span.line && span.endColumn === 1
      ? { ...span, endLine: span.endLine - 1, endColumn: source.lineText(span.endLine - 1).length + 1 }
      : span;
  const last = Math.min(location.endLine, location.line + MAX_FRAME_LINES - 1, source.lineCount);
  const width = String(last).length;
  const lines: string[] = [];
  for (let line = location.line; line <= last; line += 1) {
    const text = source.lineText(line).replace(/\t/g, ' ');
    lines.push(`  ${paint(COLORS.dim, `${String(line).padStart(width)} |`)} ${text}`);
    const from = line === location.line ? location.column : firstNonSpace(text);
    const to = line === location.endLine ? location.endColumn : text.length + 1;
    if (to <= from && !(line === location.line && line === location.endLine)) continue;
    const underline = `${' '.repeat(Math.max(0, from - 1))}^${'~'.repeat(Math.max(0, to - from - 1))}`;
    const tail = line === last && label ? ` ${label}` : '';
    lines.push(`  ${' '.repeat(width)} ${paint(COLORS.dim, '|')} ${paint(COLORS.bold, underline + tail)}`);
  }
  if (last < location.endLine) lines.push(`  ${' '.repeat(width)} ${paint(COLORS.dim, '|')} …`);
  return lines;
}

function firstNonSpace(text: string): number {
  const index = text.search(/\S/);
  return index === -1 ? 1 : index + 1;
}
