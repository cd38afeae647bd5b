/**
 * The one way to log: one JSON line carrying the id of the request (`requestId`) or cron run (`runId`)
 * it belongs to (src/lib/trace.ts), so the id an integrator sends us finds every line of that request.
 *
 * Logs leave the Worker (Workers Logs, tail), so they must never carry a secret (webhook secrets, key
 * hashes, contacts' e-mails): see `loggableError`.
 * @see test/security.test.ts "secrets never reach the logs"
 */
import { DrizzleQueryError } from "drizzle-orm";
import { currentTrace } from "./trace";

type Fields = Record<string, unknown>;

function write(level: "log" | "warn" | "error", msg: string, fields: Fields) {
  console[level](JSON.stringify({ msg, ...currentTrace(), ...fields }));
}

export const log = {
  info: (msg: string, fields: Fields = {}) => write("log", msg, fields),
  warn: (msg: string, fields: Fields = {}) => write("warn", msg, fields),
  error: (msg: string, fields: Fields = {}) => write("error", msg, fields),
};

/**
 * What of an error may be logged: drizzle's `DrizzleQueryError` writes every bound parameter into its
 * message and stack, so only its SQL text (placeholders, no values) and the driver's own error are kept.
 */
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
