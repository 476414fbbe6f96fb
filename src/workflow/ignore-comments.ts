import type { IgnoreComment } from './model.js';
import type { SourceFile } from './source.js';

const IGNORE_COMMENT = /[#;]\s*pubguard-ignore[ \t]+([a-z0-9][a-z0-9-]*)(?:[ \t]+(.*))?$/;

/** Find `# pubguard-ignore <rule-id> <reason>` comments in a file (`;` also starts one, as in `.npmrc`). */
export function findIgnoreComments(file: SourceFile): IgnoreComment[] {
  if (!file.text.includes('pubguard-ignore')) return [];
  const found: IgnoreComment[] = [];
  for (let line = 1; line <= file.lineCount; line += 1) {
    const text = file.lineText(line);
    const match = IGNORE_COMMENT.exec(text);
    if (match) found.push({ ruleId: match[1]!, reason: (match[2] ?? '').trim(), line, file: file.path, wholeLine: /^\s*[#;]/.test(text) });
  }
  return found;
}
