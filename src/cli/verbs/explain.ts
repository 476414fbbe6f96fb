import type { CliIO } from '../io.js';
import { UsageError } from '../../errors.js';

// Placeholder until the `explain` verb lands; it must not ship in this state.
export const help = `Usage: pubguard explain\n`;

export async function run(_argv: string[], _io: CliIO): Promise<number> {
  throw new UsageError('explain is not built yet');
}
