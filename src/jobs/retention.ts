/**
 * The daily job's retention step for the webhook inbox: deliveries older than INBOX_RETENTION_DAYS
 * that no audit, survey or decision references are deleted (rejected ones, duplicates, status
 * changes — whose effect is kept as a label event). Referenced deliveries stay whole: they are the raw
 * record of what was applied. History is untouched: audits, surveys, decisions and label events are
 * never deleted. A deleted delivery can no longer be replayed, and a copy of its webhook-id arriving
 * later would be treated as new (its audit or survey ref still makes it a duplicate).
 */
import type { Db } from "../db/client";
import { purgeInbox } from "../db/inbox";

/** Rows per DELETE, and DELETEs per run: a run stays short; a backlog is worked off over the next days. */
export const PURGE_CHUNK = 1000;
export const MAX_CHUNKS_PER_RUN = 50;

export type RetentionResult = { receivedBefore: string; purged: number; backlog: boolean };

export async function runInboxRetention(db: Db, now: number, retentionDays: number): Promise<RetentionResult> {
  const receivedBefore = new Date(now - retentionDays * 86_400_000).toISOString();
  let purged = 0;
  for (let i = 0; i < MAX_CHUNKS_PER_RUN; i++) {
    const n = await purgeInbox(db, receivedBefore, PURGE_CHUNK);
    purged += n;
    if (n < PURGE_CHUNK) return { receivedBefore, purged, backlog: false };
  }
  return { receivedBefore, purged, backlog: true };
}
