import type { CliIO } from '../io.js';
import { UsageError } from '../../errors.js';

// Placeholder until the `verify` verb lands; it must not ship in this state.
export const help = `Usage: pubguard verify\n`;

export async function run(_argv: string[], _io: CliIO): Promise<number> {
  throw new UsageError('verify is not built yet');
}
