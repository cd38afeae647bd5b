/**
 * The webhook inbox. Every authenticated delivery is stored raw first; the unique
 * `(certifier_id, webhook_id)` decides, in the database, which one copy applies it.
 * Storage stays bounded: a rejected delivery keeps an excerpt of its body, and rows nothing
 * references are purged after the retention period (src/jobs/retention.ts).
 */
import { and, desc, eq, isNotNull, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { notFound } from "../domain/errors";
import { newId } from "../lib/crypto";
import type { Db } from "./client";
import { violates } from "./constraints";
import { audits, decisions, surveys, type WebhookEventStatus, webhookEvents } from "./schema";

export type InboxRow = typeof webhookEvents.$inferSelect;

/** What was answered to a delivery: HTTP status and the exact body, answered again to copies. */
export type StoredAnswer = { status: number; body: string };

/**
 * Stores a delivery. The first copy gets `{ inserted: true }`, holds the claim (`claimToken`, given
 * here) and must apply it; any later copy (sequential or concurrent) counts one more delivery and gets
 * the stored row back.
 */
export async function storeDelivery(
  db: Db,
  d: {
    id: string;
    certifierId: string;
    webhookId: string;
    type: string;
    payload: string;
    payloadSha256: string;
    payloadSize: number;
    receivedAt: string;
    claimToken: string;
  },
): Promise<{ inserted: true } | { inserted: false; row: InboxRow }> {
  const inserted = await db
    .insert(webhookEvents)
    .values({ ...d, status: "received", claimedAt: d.receivedAt })
    .onConflictDoNothing({ target: [webhookEvents.certifierId, webhookEvents.webhookId] })
    .returning({ id: webhookEvents.id });
  if (inserted.length > 0) return { inserted: true };
  const [row] = await db
    .update(webhookEvents)
    .set({ deliveries: sql`${webhookEvents.deliveries} + 1` })
    .where(and(eq(webhookEvents.certifierId, d.certifierId), eq(webhookEvents.webhookId, d.webhookId)))
    .returning();
  // Only the retention purge deletes rows, months after their last delivery.
  if (!row) throw new Error("inbox row vanished");
  return { inserted: false, row };
}

/** Whether `body` is the body stored in `row` (compared by hash: a rejected row keeps an excerpt only). */
export function sameBody(row: InboxRow, body: string, bodySha256: string): boolean {
  // Rows stored before the hash column have their whole body.
  return row.payloadSha256 === null ? row.payload === body : row.payloadSha256 === bodySha256;
}

/** What a rejected delivery keeps of its body: the first bytes, cut on a character boundary. */
export const INBOX_EXCERPT_BYTES = 4096;

export function excerpt(body: string, maxBytes = INBOX_EXCERPT_BYTES): { text: string; truncated: boolean } {
  const bytes = new TextEncoder().encode(body);
  if (bytes.length <= maxBytes) return { text: body, truncated: false };
  let end = maxBytes;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--; // never split a UTF-8 sequence
  return { text: new TextDecoder().decode(bytes.subarray(0, end)), truncated: true };
}

export function answerOf(row: InboxRow): StoredAnswer | null {
  return row.responseStatus !== null && row.responseBody !== null
    ? { status: row.responseStatus, body: row.responseBody }
    : null;
}

/**
 * Waits (bounded) until the copy being applied has stored its answer. Null on timeout, when the
 * applying request failed or let its claim go (`error` set while no answer is stored), or when its claim
 * is older than `stalledBefore` (nothing to wait for: the caller may take it over at once).
 */
export async function waitForAnswer(db: Db, id: string, stalledBefore: string, timeoutMs = 10_000, stepMs = 50) {
  const deadline = Date.now() + timeoutMs;
  for (let wait = stepMs; ; wait = Math.min(wait * 2, 500)) {
    const row = await findInboxRow(db, id);
    const answer = row && answerOf(row);
    if (answer) return answer;
    const stalled = row && (row.claimedAt ?? row.receivedAt) < stalledBefore;
    if (!row || row.error !== null || stalled || Date.now() + wait > deadline) return null;
    await new Promise((r) => setTimeout(r, wait));
  }
}

/** The claim of the copy applying a delivery: its row, and the token only that copy holds. */
export type Claim = { id: string; token: string };

/**
 * The statement that marks a delivery applied (or duplicate), for the handler's own batch. `computed`
 * sets fields of the JSON body that only the batch knows (`{ "$.result.labelNumber": <SQL> }`). If the
 * copy no longer holds the claim (another copy took it over), it sets the status NULL: the NOT NULL
 * constraint fails the whole batch, so nothing of it lands twice (`lostClaim` tells that failure).
 */
export function markAnswered(
  db: Db,
  claim: Claim,
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
      status: sql`CASE WHEN ${webhookEvents.claimToken} = ${claim.token} THEN ${status} END` as SQL<typeof status>,
      responseStatus: answer.status,
      responseBody: body,
      error: null,
      appliedAt: new Date().toISOString(),
      claimToken: null,
    })
    .where(eq(webhookEvents.id, claim.id));
}

/** Whether a batch failed because its copy of a delivery had lost its claim (`markAnswered`). */
export const lostClaim = (err: unknown) => violates(err, "webhook_events.status");

/**
 * Marks a delivery rejected, keeping only an excerpt of its body (`payload`, the body it was applied
 * from): its hash and size stay, so copies are still recognised, but it can no longer be replayed.
 * Only while the copy holds the claim: a copy that was taken over changes nothing.
 */
/** Stores a refusal as the delivery's answer; false when the claim was lost (another copy holds it now). */
export async function markRejected(
  db: Db,
  claim: Claim,
  payload: string,
  answer: StoredAnswer,
  error: string,
): Promise<boolean> {
  const kept = excerpt(payload);
  const r = await db
    .update(webhookEvents)
    .set({
      status: "rejected",
      responseStatus: answer.status,
      responseBody: answer.body,
      error,
      claimToken: null,
      ...(kept.truncated ? { payload: kept.text, payloadTruncated: true } : {}),
    })
    .where(held(claim));
  return r.meta.changes > 0;
}

/**
 * An unexpected failure (a bug, D1 unavailable), or a refusal that says « retry » (a race lost to a
 * concurrent write): no answer is stored and the claim is let go, so the next copy applies it again.
 */
export async function markFailed(db: Db, claim: Claim, error: string) {
  await db
    .update(webhookEvents)
    .set({ error: error.slice(0, 1000), claimToken: null })
    .where(held(claim));
}

const held = (claim: Claim) => and(eq(webhookEvents.id, claim.id), eq(webhookEvents.claimToken, claim.token));

/**
 * Takes a delivery over to apply it again: a rejected one (a replay), or one whose applying request
 * failed, let it go, or stalled (claimed before `stalledBefore`). Conditional, so two concurrent claims
 * cannot both win; the winner gets a new claim token, so the copy it took over from can no longer mark
 * anything (`markAnswered`, `markRejected`, `markFailed` check it). A replay records who asked for it.
 */
export async function claim(
  db: Db,
  id: string,
  opts: { rejected: boolean; stalledBefore?: string; replayedBy?: string },
): Promise<(InboxRow & { claimToken: string }) | null> {
  const stalled = or(
    isNotNull(webhookEvents.error),
    opts.stalledBefore
      ? lt(sql`coalesce(${webhookEvents.claimedAt}, ${webhookEvents.receivedAt})`, opts.stalledBefore)
      : undefined,
  );
  const claimable = [and(eq(webhookEvents.status, "received"), isNull(webhookEvents.responseStatus), stalled)];
  // A rejected delivery whose body was cut to an excerpt has nothing left to apply.
  if (opts.rejected)
    claimable.push(and(eq(webhookEvents.status, "rejected"), eq(webhookEvents.payloadTruncated, false)));
  const rows = await db
    .update(webhookEvents)
    .set({
      status: "received",
      responseStatus: null,
      responseBody: null,
      error: null,
      claimToken: newId("clm"),
      claimedAt: new Date().toISOString(),
      ...(opts.replayedBy ? { replayedBy: opts.replayedBy, replayedAt: new Date().toISOString() } : {}),
    })
    .where(and(eq(webhookEvents.id, id), or(...claimable)))
    .returning();
  return (rows[0] as (InboxRow & { claimToken: string }) | undefined) ?? null;
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

/**
 * Deletes up to `limit` deliveries received before `before` that no audit, survey or decision
 * references (those stay whole: they are the raw record of what was applied). Returns how many.
 */
export async function purgeInbox(db: Db, before: string, limit: number): Promise<number> {
  const r = await db.run(sql`
    DELETE FROM ${webhookEvents} WHERE ${webhookEvents.id} IN (
      SELECT e.id FROM ${webhookEvents} e
      WHERE e.received_at < ${before}
        AND NOT EXISTS (SELECT 1 FROM ${audits} a WHERE a.webhook_event_id = e.id)
        AND NOT EXISTS (SELECT 1 FROM ${surveys} s WHERE s.webhook_event_id = e.id)
        AND NOT EXISTS (SELECT 1 FROM ${decisions} d WHERE d.webhook_event_id = e.id)
      ORDER BY e.received_at
      LIMIT ${limit}
    )`);
  return r.meta.changes;
}
