/**
 * `Idempotency-Key` on the admin API's POSTs (IETF httpapi « The Idempotency-Key HTTP Header Field »,
 * as Stripe answers it) and on the back-office's forms (a hidden per-form key): a request sent twice —
 * a client's retry after a timeout, a double click on « Enregistrer la décision » — is carried out once.
 *
 * - The key is claimed before the request runs: a row (caller, key) holding the fingerprint of the
 *   request (method, path, body). The claim is one INSERT … ON CONFLICT DO NOTHING: of two copies that
 *   arrive together, exactly one claims it.
 * - A success (2xx, 3xx) is stored with the claim, and every later copy with the same body gets it back
 *   (`Idempotent-Replayed: true`). A failure releases the claim: nothing was written, so the next copy
 *   runs (a corrected body under the same key included).
 * - The same key with another method, path or body → 422; a copy that arrives while the first still
 *   runs waits for it a few seconds (and gets its answer), then answers 409 with `Retry-After`.
 * - A claim whose request died between its write and the answer (the isolate stopped) stays unanswered:
 *   a copy gets 409 saying so, never a second execution; the verbs' own checks (one current label per
 *   structure, docs/adr/) are what keep such a retry under a new key from doubling a write.
 * Keys are kept IDEMPOTENCY_RETENTION_HOURS (the daily job deletes older ones), scoped to the caller (a
 * hash of its credential), so a key can't reach another caller's answer.
 */
import { and, eq, lt, sql } from "drizzle-orm";
import type { Context, MiddlewareHandler } from "hono";
import { getDb } from "../db/client";
import { idempotencyKeys } from "../db/schema";
import { sha256Hex } from "./crypto";
import { ApiError } from "./errors";

/** How long keys are kept: a client retries within minutes; a day covers a retry after an outage. */
export const IDEMPOTENCY_RETENTION_HOURS = 24;
/** How long a copy waits for the first request to finish before answering 409. */
const WAIT_MS = 5_000;
const POLL_MS = 100;
/** `Idempotency-Key`: a client-chosen string (UUIDs are the usual choice); printable ASCII, 1–255. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** Response headers worth replaying (others are per-request: ids, dates, security headers added later). */
const KEPT_HEADERS = ["content-type", "location", "etag", "cache-control"];

export type IdempotencyOptions = {
  /**
   * The client's key for this request and who is asking (a stable string: keys are scoped to it), or
   * undefined when the request carries no key or is not one to guard (it then runs as is).
   */
  identify: (c: Context) => Promise<{ key: string; scope: string } | undefined>;
  /** The answer when the key is malformed, reused with another body, or still running. */
  refuse: (c: Context, error: ApiError) => Response | Promise<Response>;
};

export function idempotency(o: IdempotencyOptions): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method !== "POST") return next();
    // The body as sent, for the fingerprint: read from a copy, before `identify` may parse the original (a
    // form parsed first would come back re-encoded, with a new multipart boundary each time).
    const copy = c.req.raw.clone();
    const who = await o.identify(c);
    if (!who) {
      await copy.body?.cancel();
      return next();
    }
    const { key } = who;
    if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
      return o.refuse(
        c,
        new ApiError("validation", "Idempotency-Key: 1–255 printable ASCII characters", {
          errors: [{ path: "Idempotency-Key", message: "1–255 printable ASCII characters (a UUID, for instance)" }],
        }),
      );
    }
    const db = getDb(c.env.DB);
    const scope = await sha256Hex(who.scope);
    const fingerprint = await sha256Hex(`${c.req.method} ${c.req.path}\n${await copy.text()}`);
    const claimed = await db
      .insert(idempotencyKeys)
      .values({ scope, key, fingerprint })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (claimed.length === 0) return replay(c, o, scope, key, fingerprint);

    let ok = false;
    try {
      await next();
      ok = c.res.status < 400;
    } finally {
      const mine = and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key));
      if (ok) {
        const res = c.res.clone();
        const headers = Object.fromEntries(
          KEPT_HEADERS.flatMap((h) => (res.headers.has(h) ? [[h, res.headers.get(h)!]] : [])),
        );
        await db
          .update(idempotencyKeys)
          .set({ status: res.status, headers: JSON.stringify(headers), body: await res.text() })
          .where(mine);
      } else {
        // Nothing was written (a refusal, or an error before the write's batch): the next copy may run.
        await db.delete(idempotencyKeys).where(mine);
      }
    }
  };
}

/** A copy of a claimed key: the stored answer, or why there is none. */
async function replay(c: Context, o: IdempotencyOptions, scope: string, key: string, fingerprint: string) {
  const db = getDb(c.env.DB);
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const [row] = await db
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
    if (!row) {
      // Released meanwhile (the first copy failed and wrote nothing): this copy may be sent again.
      return o.refuse(
        c,
        new ApiError("conflict", "The first request with this Idempotency-Key failed just now; send it again", {
          headers: { "Retry-After": "1" },
        }),
      );
    }
    if (row.fingerprint !== fingerprint) {
      return o.refuse(
        c,
        new ApiError("unprocessable", "This Idempotency-Key was used with another request (method, path or body)", {
          errors: [{ path: "Idempotency-Key", message: "Already used for another request: use a new key" }],
        }),
      );
    }
    if (row.status !== null) {
      const headers = new Headers(JSON.parse(row.headers ?? "{}") as Record<string, string>);
      headers.set("Idempotent-Replayed", "true");
      return new Response(row.body ?? null, { status: row.status, headers });
    }
    const age = Date.now() - Date.parse(row.createdAt);
    if (Date.now() >= deadline || age > 60_000) {
      return o.refuse(
        c,
        new ApiError(
          "conflict",
          age > 60_000
            ? "A request with this Idempotency-Key started and never answered: check the resource's state before sending it again under a new key"
            : "A request with this Idempotency-Key is still running; send it again in a moment",
          age > 60_000 ? {} : { headers: { "Retry-After": "2" } },
        ),
      );
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** The daily job's step: keys older than the retention, up to `limit` at a time. */
export async function purgeIdempotencyKeys(db: ReturnType<typeof getDb>, before: string, limit: number) {
  const r = await db.run(sql`
    DELETE FROM ${idempotencyKeys} WHERE rowid IN (
      SELECT rowid FROM ${idempotencyKeys} WHERE ${lt(idempotencyKeys.createdAt, before)} LIMIT ${limit}
    )`);
  return r.meta.changes;
}
