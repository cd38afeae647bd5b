/**
 * The delivery job: sends the outbox's due e-mails through the configured transport.
 * Rows are claimed atomically (see `claimDue`), so overlapping runs never send the same row;
 * a transient failure is retried with exponential backoff, a permanent one (or the last attempt)
 * marks the row `failed`, visible in GET /v1/outbox?status=failed.
 */
import type { Db } from "../db/client";
import { claimDue, finish, labelsNotRemindable } from "../db/outbox";
import { afterFailure } from "../domain/retry";
import { subjectLine } from "../email/templates";
import type { Transport } from "../email/transport";
import { newId } from "../lib/crypto";

/** Rows claimed per round, sent concurrently; rounds stop at MAX_PER_RUN to bound one invocation. */
const ROUND = 25;
const MAX_PER_RUN = 500;
/** A claim lapses after this: a run that died mid-way releases its rows to a later run. */
const LOCK_MS = 15 * 60_000;

export type DeliveryResult = { sent: number; retrying: number; failed: number; skipped: number };

export async function deliverOutbox(db: Db, transport: Transport, from: string, now: number): Promise<DeliveryResult> {
  const nowIso = new Date(now).toISOString();
  const token = newId("claim");
  const result: DeliveryResult = { sent: 0, retrying: 0, failed: 0, skipped: 0 };
  let handled = 0;
  while (handled < MAX_PER_RUN) {
    const rows = await claimDue(db, nowIso, new Date(now + LOCK_MS).toISOString(), token, ROUND);
    if (rows.length === 0) break;
    handled += rows.length;
    // A reminder queued before the label was suspended, withdrawn or renewed is no longer wanted.
    const reminders = rows.filter((r) => r.kind.startsWith("reminder-") && r.labelNumber);
    const unwanted = await labelsNotRemindable(
      db,
      reminders.map((r) => r.labelNumber!),
    );
    await Promise.all(
      rows.map(async (r) => {
        if (r.kind.startsWith("reminder-") && r.labelNumber && unwanted.has(r.labelNumber)) {
          result.skipped++;
          await finish(db, r.id, token, {
            status: "skipped",
            lastError: "Label no longer valid or renewed",
            updatedAt: nowIso,
          });
          return;
        }
        const attempts = r.attempts + 1;
        const sent = await transport.send({
          id: r.id,
          from,
          to: r.recipients,
          // Read back from D1 as a string: made one line again on the way out.
          subject: subjectLine(r.subject),
          text: r.text,
          html: r.html,
        });
        if (sent.ok) {
          result.sent++;
          await finish(db, r.id, token, {
            status: "sent",
            attempts,
            providerId: sent.providerId,
            transport: transport.name,
            sentAt: nowIso,
            lastError: null,
            updatedAt: nowIso,
          });
          return;
        }
        const next = afterFailure(attempts, sent.permanent, now);
        if (next.status === "failed") result.failed++;
        else result.retrying++;
        await finish(db, r.id, token, {
          status: next.status,
          attempts,
          nextAttemptAt: next.status === "pending" ? next.nextAttemptAt : null,
          lastError: sent.error,
          transport: transport.name,
          updatedAt: nowIso,
        });
      }),
    );
  }
  return result;
}
