/**
 * What of an error may be logged. Logs leave the Worker (Workers Logs, tail), so they must never
 * carry a secret: drizzle's `DrizzleQueryError` writes every bound parameter (webhook secrets, key
 * hashes, contacts' e-mails) into its message and stack, so only its SQL text (placeholders, no
 * values) and the driver's own error are kept.
 * @see test/security.test.ts "secrets never reach the logs"
 */
import { DrizzleQueryError } from "drizzle-orm";

export type LoggedError = { error: string; query?: string; stack?: string };

export function loggableError(err: unknown): LoggedError {
  if (err instanceof DrizzleQueryError) {
    const cause = err.cause instanceof Error ? err.cause : undefined;
    return {
      error: `DrizzleQueryError: ${cause ? String(cause) : "query failed"}`,
      query: err.query,
      stack: cause?.stack,
    };
  }
  if (err instanceof Error) return { error: String(err), stack: err.stack };
  return { error: typeof err === "string" ? err : "non-Error thrown" };
}
