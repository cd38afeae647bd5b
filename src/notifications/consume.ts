/**
 * The queue consumer (this Worker's `queue` handler): each message holds deliveries of one
 * subscription (src/notifications/enqueue.ts), POSTed in order, signed, until one fails — the endpoint
 * is then down or refusing, and the rest wait with it. The outcome of each is written to the delivery
 * log; what remains is retried by the queue after an exponential backoff (`message.retry`), for
 * 3 days. A subscription whose endpoint has failed for 3 days is disabled, its waiting deliveries marked
 * failed, and its contact told by e-mail (the outbox). A message the consumer itself keeps failing on
 * (it throws) is retried by the queue, then lands in the dead-letter queue: `deadLetters` marks its
 * deliveries failed, for an admin to re-deliver.
 */
import { and, asc, eq, inArray, isNull, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { getDb } from "../db/client";
import { chunk, MAX_PARAMS } from "../db/outbox";
import { deliveries, notifications, outbox, subscriptions } from "../db/schema";
import { endpointProblem } from "../domain/endpoint-url";
import { log, loggableError } from "../lib/log";
import type { Deps } from "../services/deps";
import { disabledOutboxRow } from "./emails";
import type { NotifyMessage } from "./enqueue";
import { RETRY_WINDOW_MS } from "./produce";
import { postSigned, type SendResult } from "./send";
import { endpointRules, subscriptionSecrets } from "./subscriptions";

/** Backoff after the n-th failed attempt: 30 s, 1 min, 2 min… capped at 12 h (the queue's longest delay). */
export function backoffSeconds(attempts: number): number {
  return Math.min(30 * 2 ** Math.max(0, attempts - 1), 12 * 3600);
}

/** A consumer invocation stops starting POSTs after this long, and re-queues what it did not try. */
const BUDGET_MS = 10 * 60_000;

const WAITING = ["pending", "queued"] as const;

type Outcome = { ack: true } | { retryAfterSeconds: number } | { requeue: string[] };

export async function consumeNotifications(deps: Deps, batch: MessageBatch<NotifyMessage>, now = new Date()) {
  const deadline = Date.now() + BUDGET_MS;
  const requeue: NotifyMessage[] = [];
  for (const msg of batch.messages) {
    let outcome: Outcome;
    if (Date.now() > deadline) outcome = { requeue: msg.body.deliveryIds };
    else outcome = await deliverMessage(deps, msg.body, now, deadline);
    if ("retryAfterSeconds" in outcome) msg.retry({ delaySeconds: outcome.retryAfterSeconds });
    else {
      if ("requeue" in outcome) requeue.push({ subscriptionId: msg.body.subscriptionId, deliveryIds: outcome.requeue });
      msg.ack();
    }
  }
  // Not a failure: out of time, the rest go back to the queue as new messages, without backoff.
  if (requeue.length > 0)
    await (deps.env.NOTIFICATIONS as Queue<NotifyMessage>).sendBatch(requeue.map((body) => ({ body })));
}

/** The message's deliveries still waiting, oldest first, with their bodies. */
async function waitingDeliveries(deps: Deps, m: NotifyMessage) {
  const rows = [];
  for (const part of chunk(m.deliveryIds, MAX_PARAMS - 5)) {
    rows.push(
      ...(await deps.db
        .select({
          id: deliveries.id,
          notificationId: deliveries.notificationId,
          attempts: deliveries.attempts,
          retryUntil: deliveries.retryUntil,
          createdAt: deliveries.createdAt,
          payload: notifications.payload,
        })
        .from(deliveries)
        .innerJoin(notifications, eq(notifications.id, deliveries.notificationId))
        .where(
          // By primary key (`+` keeps SQLite off `deliveries_status`, which would walk every waiting one).
          and(
            inArray(deliveries.id, part),
            sql`+${deliveries.subscriptionId} = ${m.subscriptionId}`,
            sql`+${deliveries.status} in ('pending', 'queued')`,
          ),
        )
        .orderBy(asc(deliveries.createdAt), asc(deliveries.id))),
    );
  }
  return rows.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));
}

async function deliverMessage(deps: Deps, m: NotifyMessage, now: Date, deadline: number): Promise<Outcome> {
  const { db } = deps;
  const nowIso = now.toISOString();
  const [sub] = await db.select().from(subscriptions).where(eq(subscriptions.id, m.subscriptionId));
  const rows = await waitingDeliveries(deps, m);
  if (rows.length === 0) return { ack: true };
  if (sub?.status !== "active") {
    // Disabled meanwhile: the deliveries stop here; an admin may re-deliver them once it is enabled.
    await markFailed(
      deps,
      rows.map((r) => r.id),
      "The subscription is disabled",
    );
    return { ack: true };
  }
  const refused = endpointProblem(sub.url, endpointRules(deps.env));
  const secrets = refused ? [] : await subscriptionSecrets(db, sub.id, now);
  const sent: { id: string; result: SendResult }[] = [];
  let failed: { row: (typeof rows)[number]; result: SendResult } | null = null;
  let untried: string[] = [];
  for (const [i, row] of rows.entries()) {
    if (Date.now() > deadline) {
      untried = rows.slice(i).map((r) => r.id);
      break;
    }
    const result = refused
      ? { ok: false, status: null, error: `Endpoint refused: ${refused}`, response: null }
      : await postSigned(sub.url, row.notificationId, row.payload, secrets);
    if (result.ok) {
      sent.push({ id: row.id, result });
      continue;
    }
    failed = { row, result };
    untried = rows.slice(i + 1).map((r) => r.id);
    break;
  }

  const statements: BatchItem<"sqlite">[] = sent.map(({ id, result }) =>
    db
      .update(deliveries)
      .set({
        status: "delivered",
        attempts: sql`${deliveries.attempts} + 1`,
        lastStatus: result.status,
        lastError: null,
        lastResponse: result.response,
        nextAttemptAt: null,
        deliveredAt: nowIso,
      })
      .where(eq(deliveries.id, id)),
  );
  if (sent.length > 0) {
    statements.push(db.update(subscriptions).set({ failingSince: null }).where(eq(subscriptions.id, sub.id)));
  }
  if (!failed) {
    if (statements.length > 0) await db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
    return untried.length > 0 ? { requeue: untried } : { ack: true };
  }

  // A failure: this delivery's attempt is counted; the untried ones wait with it.
  const attempts = failed.row.attempts + 1;
  const failingSince = sent.length > 0 || !sub.failingSince ? nowIso : sub.failingSince;
  const giveUp = nowIso >= failed.row.retryUntil;
  const delay = backoffSeconds(attempts);
  const nextAttemptAt = new Date(now.getTime() + delay * 1000).toISOString();
  const { result } = failed;
  statements.push(
    db
      .update(deliveries)
      .set({
        status: giveUp ? "failed" : "queued",
        attempts,
        lastStatus: result.status,
        lastError: giveUp ? `${result.error}; retried for 3 days, given up` : result.error,
        lastResponse: result.response,
        nextAttemptAt: giveUp ? null : nextAttemptAt,
      })
      .where(eq(deliveries.id, failed.row.id)),
    ...chunk(untried, MAX_PARAMS - 5).map((part) =>
      db.update(deliveries).set({ nextAttemptAt }).where(inArray(deliveries.id, part)),
    ),
  );
  // The subscription's run of failures starts at its first failure since its last success.
  statements.push(
    db
      .update(subscriptions)
      .set({ failingSince })
      .where(and(eq(subscriptions.id, sub.id), sent.length > 0 ? undefined : isNull(subscriptions.failingSince))),
  );
  if (now.getTime() - Date.parse(failingSince) >= RETRY_WINDOW_MS) {
    statements.push(...disable(deps, sub, failingSince, result.error, nowIso));
    await db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
    log.warn("subscription disabled after 3 days of failures", { subscriptionId: sub.id, lastError: result.error });
    return { ack: true };
  }
  await db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  log.info("notification delivery failed; retried later", {
    subscriptionId: sub.id,
    deliveryId: failed.row.id,
    attempts,
    error: result.error,
    retryInSeconds: giveUp ? null : delay,
  });
  // Its own 3 days ran out but the subscription still works at times: the others go on.
  if (giveUp && untried.length === 0) return { ack: true };
  return { retryAfterSeconds: delay };
}

/**
 * Disables the subscription, fails every delivery still waiting, and queues the e-mail to its contact —
 * the e-mail only if THIS batch disabled it (overlapping runs send one).
 */
function disable(
  deps: Deps,
  sub: typeof subscriptions.$inferSelect,
  failingSince: string,
  lastError: string | null,
  nowIso: string,
): BatchItem<"sqlite">[] {
  const { db } = deps;
  const reason = "Disabled automatically after 3 days of failed deliveries";
  const mail = disabledOutboxRow(sub, failingSince, lastError, nowIso);
  const v = <T>(value: T, name: string) => sql<T>`${value}`.as(name);
  return [
    db
      .update(subscriptions)
      .set({ status: "disabled", disabledReason: reason, disabledAt: nowIso, updatedAt: nowIso })
      .where(and(eq(subscriptions.id, sub.id), eq(subscriptions.status, "active"))),
    markFailedStatement(deps, eq(deliveries.subscriptionId, sub.id), reason),
    // Every column of `outbox`, in order (an insert-select lists them all).
    db.insert(outbox).select(
      db
        .select({
          id: v(mail.id, "id"),
          kind: v(mail.kind, "kind"),
          labelNumber: sql<null>`null`.as("label_number"),
          recipients: v(JSON.stringify(mail.recipients), "recipients"),
          subject: v(mail.subject, "subject"),
          text: v(mail.text, "text"),
          html: v(mail.html, "html"),
          status: sql<"pending">`'pending'`.as("status"),
          attempts: sql<number>`0`.as("attempts"),
          nextAttemptAt: v(nowIso, "next_attempt_at"),
          claimToken: sql<null>`null`.as("claim_token"),
          lockedUntil: sql<null>`null`.as("locked_until"),
          lastError: sql<null>`null`.as("last_error"),
          providerId: sql<null>`null`.as("provider_id"),
          transport: sql<null>`null`.as("transport"),
          sentAt: sql<null>`null`.as("sent_at"),
          createdAt: v(nowIso, "created_at"),
          updatedAt: v(nowIso, "updated_at"),
        })
        .from(subscriptions)
        .where(
          and(
            eq(subscriptions.id, sub.id),
            eq(subscriptions.disabledAt, nowIso),
            eq(subscriptions.disabledReason, reason),
          ),
        ),
    ),
  ];
}

/** `byIds`: `+` keeps SQLite on the primary key (see `waitingDeliveries`); else on `deliveries_status`. */
function markFailedStatement(deps: Deps, where: SQL | undefined, reason: string, byIds = false) {
  const waiting = byIds ? sql`+${deliveries.status} in ('pending', 'queued')` : inArray(deliveries.status, WAITING);
  return deps.db
    .update(deliveries)
    .set({ status: "failed", lastError: reason, nextAttemptAt: null })
    .where(and(where, waiting));
}

async function markFailed(deps: Deps, ids: string[], reason: string) {
  const [first, ...rest] = chunk(ids, MAX_PARAMS - 5).map((part) =>
    markFailedStatement(deps, inArray(deliveries.id, part), reason, true),
  );
  if (first) await deps.db.batch([first, ...rest]);
}

/** The dead-letter queue: messages the consumer failed on too often. Their deliveries are marked failed. */
export async function deadLetters(deps: Deps, batch: MessageBatch<NotifyMessage>) {
  for (const msg of batch.messages) {
    const ids = Array.isArray(msg.body?.deliveryIds) ? msg.body.deliveryIds.filter((i) => typeof i === "string") : [];
    log.error("notification message dead-lettered", {
      subscriptionId: msg.body?.subscriptionId,
      deliveries: ids.length,
    });
    await markFailed(deps, ids, "Dead-lettered: the registry failed to process it repeatedly; re-deliver it");
    msg.ack();
  }
}

/** This Worker's `queue` handler: the notifications queue, or its dead-letter queue. */
export async function handleQueue(batch: MessageBatch<NotifyMessage>, env: Env, ctx: ExecutionContext) {
  const deps: Deps = { db: getDb(env.DB), env, waitUntil: (w) => ctx.waitUntil(w) };
  try {
    if (batch.queue.endsWith("-dlq")) await deadLetters(deps, batch);
    else await consumeNotifications(deps, batch);
  } catch (err) {
    // Thrown: every message not yet acked is retried by the queue (then dead-lettered).
    log.error("notification consumer failed", { queue: batch.queue, ...loggableError(err) });
    throw err;
  }
}
