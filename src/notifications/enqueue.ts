/**
 * The `notify` effect: hands the pending deliveries to the queue, grouped per subscription — one
 * message carries up to DELIVERIES_PER_MESSAGE deliveries of one subscription, and messages go in
 * batches of MESSAGES_PER_SEND — then marks them `queued`. Sent before marked: a run cut in between
 * sends them again (at least once; a subscriber recognises a copy by its `webhook-id`).
 *
 * The bound: a change of one label enqueues at most one message per subscription watching it. The
 * daily expiry writes its labels in chunks of ≤ 90 (src/jobs/daily.ts), each chunk followed by this
 * effect, so N expired labels and S subscriptions watching them all enqueue at most ⌈N / 90⌉ × S
 * messages (not N × S) in ⌈N / 90⌉ × ⌈S / 50⌉ send calls. @see docs/operators.md « Notifications »
 */
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { EffectHandler } from "../changes/effects";
import type { Db } from "../db/client";
import { chunk, MAX_PARAMS } from "../db/outbox";
import { deliveries } from "../db/schema";
import { log, loggableError } from "../lib/log";

/** Deliveries per queue message: one subscription's, POSTed one after the other by the consumer. */
export const DELIVERIES_PER_MESSAGE = 100;
/** Messages per `sendBatch` (Queues: ≤ 100 messages and ≤ 256 KB a call; a message of 100 ids is ~3 KB). */
export const MESSAGES_PER_SEND = 50;
/** Pending deliveries read per page, and pages per run; what is left goes to the next run. */
const PAGE = 5_000;
const PAGES_PER_RUN = 10;

/** The body of a queue message. */
export type NotifyMessage = { subscriptionId: string; deliveryIds: string[] };

export type EnqueueResult = { messages: number; deliveries: number; more: boolean };

/** Enqueues the pending deliveries (up to PAGE × PAGES_PER_RUN of them). */
export async function enqueuePending(db: Db, queue: Queue<NotifyMessage>): Promise<EnqueueResult> {
  const out: EnqueueResult = { messages: 0, deliveries: 0, more: false };
  for (let page = 0; page < PAGES_PER_RUN; page++) {
    const rows = await db
      .select({ id: deliveries.id, subscriptionId: deliveries.subscriptionId })
      .from(deliveries)
      .where(eq(deliveries.status, "pending"))
      .orderBy(asc(deliveries.subscriptionId), asc(deliveries.createdAt))
      .limit(PAGE);
    if (rows.length === 0) return out;
    const bySubscription = new Map<string, string[]>();
    for (const r of rows) {
      const ids = bySubscription.get(r.subscriptionId);
      if (ids) ids.push(r.id);
      else bySubscription.set(r.subscriptionId, [r.id]);
    }
    const messages: NotifyMessage[] = [];
    for (const [subscriptionId, ids] of bySubscription) {
      for (const part of chunk(ids, DELIVERIES_PER_MESSAGE)) messages.push({ subscriptionId, deliveryIds: part });
    }
    for (const part of chunk(messages, MESSAGES_PER_SEND)) await queue.sendBatch(part.map((body) => ({ body })));
    const ids = rows.map((r) => r.id);
    const marks = chunk(ids, MAX_PARAMS - 5).map((part) =>
      db
        .update(deliveries)
        .set({ status: "queued" })
        // The unary `+` keeps SQLite on the primary key for `id IN (…)`: on `deliveries_status` it would
        // walk every pending delivery for each chunk (quadratic on a big batch).
        .where(and(inArray(deliveries.id, part), sql`+${deliveries.status} = 'pending'`)),
    );
    await db.batch(marks as [(typeof marks)[number], ...typeof marks]);
    out.messages += messages.length;
    out.deliveries += rows.length;
    if (rows.length < PAGE) return out;
  }
  out.more = true;
  return out;
}

/** The `notify` intent: one subject (« the pending deliveries »), done when none is left. */
export const notifyHandler: EffectHandler = {
  async carryOut(deps, subjects) {
    let r: EnqueueResult;
    try {
      r = await enqueuePending(deps.db, deps.env.NOTIFICATIONS as Queue<NotifyMessage>);
    } catch (err) {
      // The change is recorded whatever happens here: its deliveries stay pending, the minute cron retries.
      return { done: [], failed: [{ subjects, error: `Queue unavailable: ${loggableError(err).error}` }] };
    }
    if (r.messages > 0) log.info("notifications enqueued", { messages: r.messages, deliveries: r.deliveries });
    if (!r.more) return { done: subjects, failed: [] };
    return { done: [], failed: [{ subjects, error: "More deliveries pending than a run enqueues" }] };
  },
  // A queue send takes milliseconds: done before the answer, so the caller's next read sees it queued.
  background: () => false,
  perCronRun: () => 1,
};
