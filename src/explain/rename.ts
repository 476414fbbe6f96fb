import type { ExplainReport } from './model.js';

/** Rewrite every file name in a report in place (the CLI shows paths as the user typed them). */
export function renameFiles(report: ExplainReport, rename: (file: string) => string): void {
  const all = [
    ...report.inputs,
    ...report.steps.flatMap((step) => step.evidence),
    ...report.published.flatMap((item) => item.evidence),
    ...report.failures.flatMap((failure) => [
      ...failure.evidence,
      ...failure.causes.flatMap((cause) => cause.evidence),
      ...failure.fixes.flatMap((fix) => fix.evidence),
    ]),
  ];
  for (const item of all) item.file = rename(item.file);
}
