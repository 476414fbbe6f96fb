/**
 * Errors that end a command with exit status 2 and one line of text, never a
 * stack trace. Anything else that escapes a verb is a bug in pubguard.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly exitCode = 2;
}

/** An input that is missing, unreadable or not in any format pubguard reads. */
export class InputError extends Error {
  override readonly name = 'InputError';
  readonly exitCode = 2;
}

export function isExpectedError(error: unknown): error is UsageError | InputError {
  return error instanceof UsageError || error instanceof InputError;
}
