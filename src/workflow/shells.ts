/**
 * What a `run:` step's `shell:` really runs. Facts from GitHub's workflow
 * syntax reference ("jobs.<job_id>.steps[*].shell", checked 2026-12):
 * https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#jobsjob_idstepsshell
 * - no `shell:` on Linux and macOS runs `bash -e {0}` (no pipefail), falling
 *   back to `sh -e {0}` when bash is absent;
 * - `shell: bash` runs `bash --noprofile --norc -eo pipefail {0}`;
 * - `shell: sh` runs `sh -e {0}`;
 * - on Windows the default is `pwsh`; `cmd`, `powershell`, `python` exist too;
 * - any other value is a command template where `{0}` is the script file.
 */

export type ShellSource = 'default' | 'step' | 'job-defaults' | 'workflow-defaults';

export interface ResolvedShell {
  /** The command template GitHub runs, such as `bash -e {0}`. */
  command: string;
  /** The program's base name: `bash`, `sh`, `pwsh`, `python`, `cmd`, `powershell`, or what a custom template names. */
  program: string;
  /** True for bash and sh, whose scripts pubguard analyses. */
  posix: boolean;
  /** Whether the shell starts with `-o pipefail`. */
  pipefail: boolean;
  /** Whether the shell starts with `-e` (errexit). */
  errexit: boolean;
  /** The level that set the value. */
  source: ShellSource;
  /** The `shell:` text as written, or null for the runner default. */
  written: string | null;
}

const BUILTIN: Record<string, string> = {
  bash: 'bash --noprofile --norc -eo pipefail {0}',
  sh: 'sh -e {0}',
  pwsh: 'pwsh -command ". \'{0}\'"',
  powershell: 'powershell -command ". \'{0}\'"',
  python: 'python {0}',
  cmd: '%ComSpec% /D /E:ON /V:OFF /S /C "CALL "{0}""',
};

/** The shell GitHub uses for a step on a Linux or macOS runner when nothing sets `shell:`. */
export const LINUX_DEFAULT_SHELL = 'bash -e {0}';

/**
 * Resolve a `shell:` value. `written` is null when no level sets one;
 * `windows` selects the Windows default (`pwsh`).
 */
export function resolveShell(written: string | null, source: ShellSource, windows = false): ResolvedShell {
  const key = `${source}\u0000${windows}\u0000${written ?? ''}`;
  let shell = resolved.get(key);
  if (!shell) {
    shell = Object.freeze(describeShell(written, source, windows));
    resolved.set(key, shell);
  }
  return shell;
}

// Few distinct `shell:` values exist in a repository; each step shares the frozen result.
const resolved = new Map<string, ResolvedShell>();

function describeShell(written: string | null, source: ShellSource, windows: boolean): ResolvedShell {
  if (written === null || written.trim() === '') {
    if (windows) return describeCommand(BUILTIN.pwsh!, 'default', null);
    return describeCommand(LINUX_DEFAULT_SHELL, 'default', null);
  }
  const trimmed = written.trim();
  const builtin = BUILTIN[trimmed];
  return describeCommand(builtin ?? trimmed, source, trimmed);
}

function describeCommand(command: string, source: ShellSource, written: string | null): ResolvedShell {
  const words = splitWords(command);
  const first = words[0] ?? '';
  const program = (first.split(/[\\/]/).pop() ?? first).replace(/\.exe$/i, '');
  let pipefail = false;
  let errexit = false;
  for (let i = 1; i < words.length; i += 1) {
    const word = words[i]!;
    if (word === '{0}' || !word.startsWith('-') && !word.startsWith('+')) continue;
    if (word === '-o' || word === '+o') {
      if (words[i + 1] === 'pipefail') pipefail = word === '-o';
      if (words[i + 1] === 'errexit') errexit = word === '-o';
      i += 1;
      continue;
    }
    if (/^-[a-zA-Z]+$/.test(word) && !word.startsWith('--')) {
      if (word.includes('e')) errexit = true;
      if (word.endsWith('o') && words[i + 1] === 'pipefail') {
        pipefail = true;
        i += 1;
      }
    }
  }
  const posix = program === 'bash' || program === 'sh' || program === 'dash' || program === 'zsh' || program === 'ksh';
  // NOTE: a `sh` that is really dash has no pipefail before dash 0.5.11; GitHub's
  // Ubuntu images link sh to dash, so `sh -o pipefail` is taken at its word here.
  return { command, program, posix, pipefail, errexit, source, written };
}

function splitWords(command: string): string[] {
  const words: string[] = [];
  for (const match of command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) words.push(match[1] ?? match[2] ?? match[3] ?? '');
  return words;
}
