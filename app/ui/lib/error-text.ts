/** The message of whatever was thrown, for a sentence shown to a person. */
export function errorText(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
