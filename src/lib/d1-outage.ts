/**
 * D1 failing: how the registry tells an outage from a defect, bounds the time a public read waits, and (for
 * tests and the load run only) makes one happen. An outage makes writes answer 503 `unavailable` with
 * `Retry-After` (src/app.ts) and public reads answer from the last known facts (src/public/last-known.ts).
 * @see docs/adr/0010-last-known-answers.md
 */
import { config } from "../env";
import { ApiError } from "./errors";

/** A public read that did not answer within its budget (D1_READ_BUDGET_MS). */
export class D1Timeout extends Error {
  constructor(ms: number) {
    super(`D1 did not answer within ${ms} ms`);
    this.name = "D1Timeout";
  }
}

/** Seconds a client is asked to wait before retrying a write refused during an outage. */
export const OUTAGE_RETRY_AFTER_SECONDS = 30;

/**
 * True when `err` (or one of its causes: drizzle wraps the binding's error) says the database is not
 * answering — a lost connection, an overloaded or restarting database, a timeout, a schema being rebuilt —
 * rather than that a statement broke a rule (`SQLITE_CONSTRAINT`: a defect, answered 500).
 */
export function isD1Unavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof D1Timeout) return true;
    if (/SQLITE_CONSTRAINT/.test(e.message)) return false;
    if (/^D1_|D1 DB|Network connection lost|overloaded|storage operation|reset because|timed out/i.test(e.message)) {
      return true;
    }
  }
  return false;
}

/** The problem a request answers when D1 is down: 503 `unavailable` with `Retry-After`; null for anything else. */
export function asOutage(err: unknown): ApiError | null {
  if (!isD1Unavailable(err)) return null;
  return new ApiError("unavailable", "The registry's database does not answer: nothing was recorded. Retry later", {
    headers: { "Retry-After": String(OUTAGE_RETRY_AFTER_SECONDS) },
  });
}

/** The problem a public read answers when D1 is down and nothing recent is known: 503 with `Retry-After`. */
export function nothingRecentKnown(): ApiError {
  return new ApiError("unavailable", "The registry's database does not answer and nothing recent is known", {
    headers: { "Retry-After": String(OUTAGE_RETRY_AFTER_SECONDS) },
  });
}

/** `work()`, or a D1Timeout after `ms` (the work itself is abandoned, not cancelled: D1 has no cancel). */
export async function withinBudget<T>(ms: number, work: () => Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new D1Timeout(ms)), ms);
  });
  try {
    return await Promise.race([work(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The error an unreachable D1 binding throws (the message Cloudflare's own binding uses). */
export const outageError = () => new Error("D1_ERROR: Network connection lost. (injected outage)");

/**
 * A D1 binding that is down: every query fails (`error`), or answers nothing for `hangMs` and then fails
 * (`hang`, a database too slow for any budget). Used by tests (they wrap the binding they pass) and by the
 * dev-only outage of the load run (src/routes/dev-faults.ts); production never builds one.
 */
export function outageD1(mode: "error" | "hang" = "error", hangMs = 5_000): D1Database {
  const fail = async (): Promise<never> => {
    if (mode === "hang") await new Promise((r) => setTimeout(r, hangMs));
    throw outageError();
  };
  const statement: D1PreparedStatement = {
    bind: () => statement,
    first: fail,
    all: fail,
    run: fail,
    raw: fail,
  } as unknown as D1PreparedStatement;
  const db = {
    prepare: () => statement,
    batch: fail,
    exec: fail,
    dump: fail,
    withSession: () => db,
  };
  return db as unknown as D1Database;
}

/**
 * The outage settings (D1_READ_BUDGET_MS, LAST_KNOWN_MAX_AGE_HOURS). A configuration invalid elsewhere (a
 * missing signing key: readiness says so) must not take the public reads down with it: the defaults then.
 */
export function outageSettings(env: Env): { budgetMs: number; maxAgeSeconds: number } {
  try {
    const cfg = config(env);
    return { budgetMs: cfg.D1_READ_BUDGET_MS, maxAgeSeconds: cfg.LAST_KNOWN_MAX_AGE_HOURS * 3_600 };
  } catch {
    return { budgetMs: 1_500, maxAgeSeconds: 168 * 3_600 };
  }
}
