/**
 * The daily job's retention step for the webhook inbox: deliveries older than INBOX_RETENTION_DAYS
 * that no audit, survey or decision references are deleted (rejected ones, duplicates, status
 * changes — whose effect is kept as a label event). Referenced deliveries stay whole: they are the raw
 * record of what was applied. History is untouched: audits, surveys, decisions and label events are
 * never deleted. A deleted delivery can no longer be replayed, and a copy of its webhook-id arriving
 * later would be treated as new (its audit or survey ref still makes it a duplicate).
 *
 * And for notifications: deliveries to subscribers that are finished (delivered, or failed for good)
 * and older than NOTIFICATION_RETENTION_DAYS leave the delivery log, then the notifications no delivery
 * refers to any more. Without it the log grows by one row per subscriber per label event (at 100,000
 * labels and 100 subscribers watching everything, ~90,000 rows on a day of expiries). Pending and queued
 * deliveries are never deleted: nothing not yet delivered is lost.
 *
 * And `Idempotency-Key`s older than IDEMPOTENCY_RETENTION_HOURS (src/lib/idempotency.ts).
 */
import type { Db } from "../db/client";
import { purgeInbox } from "../db/inbox";
import { IDEMPOTENCY_RETENTION_HOURS, purgeIdempotencyKeys } from "../lib/idempotency";
import { purgeDeliveries, purgeNotifications } from "../notifications/subscriptions";

/** Rows per DELETE, and DELETEs per run: a run stays short; a backlog is worked off over the next days. */
export const PURGE_CHUNK = 1000;
export const MAX_CHUNKS_PER_RUN = 50;

export type RetentionResult = { before: string; purged: number; backlog: boolean };

/** Runs `purge` chunk by chunk on what is older than `retentionDays`, within one run's budget. */
async function purgeOlderThan(
  now: number,
  retentionDays: number,
  purge: (before: string, limit: number) => Promise<number>,
  chunks = MAX_CHUNKS_PER_RUN,
): Promise<RetentionResult> {
  const before = new Date(now - retentionDays * 86_400_000).toISOString();
  let purged = 0;
  for (let i = 0; i < chunks; i++) {
    const n = await purge(before, PURGE_CHUNK);
    purged += n;
    if (n < PURGE_CHUNK) return { before, purged, backlog: false };
  }
  return { before, purged, backlog: true };
}

export function runInboxRetention(db: Db, now: number, retentionDays: number): Promise<RetentionResult> {
  return purgeOlderThan(now, retentionDays, (before, limit) => purgeInbox(db, before, limit));
}

export async function runNotificationRetention(
  db: Db,
  now: number,
  retentionDays: number,
): Promise<{ deliveries: RetentionResult; notifications: RetentionResult }> {
  const deliveries = await purgeOlderThan(now, retentionDays, (before, limit) => purgeDeliveries(db, before, limit));
  const notifications = await purgeOlderThan(now, retentionDays, (before, limit) =>
    purgeNotifications(db, before, limit),
  );
  return { deliveries, notifications };
}

export function runIdempotencyRetention(db: Db, now: number): Promise<RetentionResult> {
  return purgeOlderThan(now, IDEMPOTENCY_RETENTION_HOURS / 24, (before, limit) =>
    purgeIdempotencyKeys(db, before, limit),
  );
}
