/**
 * The webhook inbox. Every authenticated delivery is stored raw first; the unique
 * `(certifier_id, webhook_id)` decides, in the database, which one copy applies it.
 */
import { and, desc, eq, isNotNull, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { notFound } from "../domain/errors";
import type { Db } from "./client";
import { type WebhookEventStatus, webhookEvents } from "./schema";

export type InboxRow = typeof webhookEvents.$inferSelect;

/** What was answered to a delivery: HTTP status and the exact body, answered again to copies. */
export type StoredAnswer = { status: number; body: string };

/**
 * Stores a delivery. The first copy gets `{ inserted: true }` and must apply it; any later copy
 * (sequential or concurrent) counts one more delivery and gets the stored row back.
 */
export async function storeDelivery(
  db: Db,
  d: { id: string; certifierId: string; webhookId: string; type: string; payload: string },
): Promise<{ inserted: true } | { inserted: false; row: InboxRow }> {
  const inserted = await db
    .insert(webhookEvents)
    .values({ ...d, status: "received" })
    .onConflictDoNothing({ target: [webhookEvents.certifierId, webhookEvents.webhookId] })
    .returning({ id: webhookEvents.id });
  if (inserted.length > 0) return { inserted: true };
  const [row] = await db
    .update(webhookEvents)
    .set({ deliveries: sql`${webhookEvents.deliveries} + 1` })
    .where(and(eq(webhookEvents.certifierId, d.certifierId), eq(webhookEvents.webhookId, d.webhookId)))
    .returning();
  if (!row) throw new Error("inbox row vanished"); // rows are never deleted
  return { inserted: false, row };
}

export function answerOf(row: InboxRow): StoredAnswer | null {
  return row.responseStatus !== null && row.responseBody !== null
    ? { status: row.responseStatus, body: row.responseBody }
    : null;
}

/**
 * Waits (bounded) until the copy being applied has stored its answer. Null on timeout, or when
 * the applying request failed unexpectedly (`error` set while no answer is stored).
 */
export async function waitForAnswer(db: Db, id: string, timeoutMs = 10_000, stepMs = 50) {
  const deadline = Date.now() + timeoutMs;
  for (let wait = stepMs; ; wait = Math.min(wait * 2, 500)) {
    const row = await findInboxRow(db, id);
    const answer = row && answerOf(row);
    if (answer) return answer;
    if (!row || row.error !== null || Date.now() + wait > deadline) return null;
    await new Promise((r) => setTimeout(r, wait));
  }
}

/**
 * The statement that marks a delivery applied (or duplicate), for the handler's own batch. `computed`
 * sets fields of the JSON body that only the batch knows (`{ "$.result.labelNumber": <SQL> }`).
 */
export function markAnswered(
  db: Db,
  id: string,
  status: "applied" | "duplicate",
  answer: StoredAnswer,
  computed: Record<string, SQL> = {},
): BatchItem<"sqlite"> {
  const body = Object.entries(computed).reduce<SQL>(
    (json, [path, value]) => sql`json_set(${json}, ${path}, ${value})`,
    sql`${answer.body}`,
  );
  return db
    .update(webhookEvents)
    .set({
      status,
      responseStatus: answer.status,
      responseBody: body,
      error: null,
      appliedAt: new Date().toISOString(),
    })
    .where(eq(webhookEvents.id, id));
}

export async function markRejected(db: Db, id: string, answer: StoredAnswer, error: string) {
  await db
    .update(webhookEvents)
    .set({ status: "rejected", responseStatus: answer.status, responseBody: answer.body, error })
    .where(eq(webhookEvents.id, id));
}

/** An unexpected failure (a bug, D1 unavailable): no answer is stored, so a redelivery retries. */
export async function markFailed(db: Db, id: string, error: string) {
  await db
    .update(webhookEvents)
    .set({ error: `internal: ${error}`.slice(0, 1000) })
    .where(eq(webhookEvents.id, id));
}

/**
 * Takes a delivery over to apply it again: a rejected one (admin replay), or one whose applying
 * request failed or stalled. Conditional, so two concurrent claims cannot both win.
 */
export async function claim(db: Db, id: string, opts: { rejected: boolean; stalledBefore?: string }) {
  const stalled = or(
    isNotNull(webhookEvents.error),
    opts.stalledBefore ? lt(webhookEvents.receivedAt, opts.stalledBefore) : undefined,
  );
  const claimable = [and(eq(webhookEvents.status, "received"), isNull(webhookEvents.responseStatus), stalled)];
  if (opts.rejected) claimable.push(eq(webhookEvents.status, "rejected"));
  const rows = await db
    .update(webhookEvents)
    .set({ status: "received", responseStatus: null, responseBody: null, error: null })
    .where(and(eq(webhookEvents.id, id), or(...claimable)))
    .returning();
  return rows[0] ?? null;
}

export async function findInboxRow(db: Db, id: string) {
  const [row] = await db.select().from(webhookEvents).where(eq(webhookEvents.id, id));
  return row ?? null;
}

export async function getInboxRow(db: Db, id: string) {
  const row = await findInboxRow(db, id);
  if (!row) throw notFound(`Webhook event ${id}`);
  return row;
}

export type InboxFilter = {
  status?: WebhookEventStatus;
  type?: string;
  certifierId?: string;
  limit: number;
  /** Keyset: the last item's `[receivedAt, id]`; newest first. */
  after?: [string, string];
};

export async function listInbox(db: Db, f: InboxFilter) {
  const where: (SQL | undefined)[] = [
    f.status ? eq(webhookEvents.status, f.status) : undefined,
    f.type ? eq(webhookEvents.type, f.type) : undefined,
    f.certifierId ? eq(webhookEvents.certifierId, f.certifierId) : undefined,
    f.after
      ? or(
          lt(webhookEvents.receivedAt, f.after[0]),
          and(eq(webhookEvents.receivedAt, f.after[0]), lt(webhookEvents.id, f.after[1])),
        )
      : undefined,
  ];
  const rows = await db
    .select()
    .from(webhookEvents)
    .where(and(...where))
    .orderBy(desc(webhookEvents.receivedAt), desc(webhookEvents.id))
    .limit(f.limit + 1);
  const items = rows.slice(0, f.limit);
  const last = items.at(-1);
  return { items, next: rows.length > f.limit && last ? ([last.receivedAt, last.id] as [string, string]) : null };
}
