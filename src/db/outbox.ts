/**
 * Outbox queries: stored e-mails, claimed atomically for delivery, listed for admins.
 * @see src/db/schema.ts `outbox` for the invariants.
 */
import { and, asc, desc, eq, getTableColumns, inArray, lt, lte, or, type SQL } from "drizzle-orm";
import { conflict, notFound } from "../domain/errors";
import type { Db } from "./client";
import { labels, type OutboxStatus, outbox } from "./schema";

export type OutboxInsert = typeof outbox.$inferInsert;

/** D1 binds at most 100 parameters per statement. */
export const MAX_PARAMS = 100;

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Each row binds one parameter per column, so this many rows fit in one statement. */
const ROWS_PER_INSERT = Math.floor(MAX_PARAMS / Object.keys(getTableColumns(outbox)).length);

/**
 * INSERT … ON CONFLICT DO NOTHING statements for `rows`, chunked: a (label, kind) already present
 * keeps its first row, so a repeated or overlapping run adds nothing. To be put in the caller's batch.
 */
export function insertOutbox(db: Db, rows: OutboxInsert[]) {
  return chunk(rows, ROWS_PER_INSERT).map((part) => db.insert(outbox).values(part).onConflictDoNothing());
}

/**
 * Claims up to `limit` e-mails due at `now` for one delivery run, in ONE statement: SQLite runs it
 * atomically, so two overlapping runs never claim the same row. A `sending` row whose lock has
 * lapsed (a run that died mid-way) is claimed again.
 */
export async function claimDue(db: Db, now: string, lockedUntil: string, token: string, limit: number) {
  const due = db
    .select({ id: outbox.id })
    .from(outbox)
    .where(
      or(
        and(eq(outbox.status, "pending"), lte(outbox.nextAttemptAt, now)),
        and(eq(outbox.status, "sending"), lte(outbox.lockedUntil, now)),
      ),
    )
    .orderBy(asc(outbox.nextAttemptAt))
    .limit(limit);
  return db
    .update(outbox)
    .set({ status: "sending", claimToken: token, lockedUntil, updatedAt: now })
    .where(inArray(outbox.id, due))
    .returning();
}

/** Ends a claimed row; a run that lost its claim (token changed) changes nothing. */
export function finish(
  db: Db,
  id: string,
  token: string,
  set: Partial<
    Pick<OutboxInsert, "status" | "attempts" | "nextAttemptAt" | "lastError" | "providerId" | "transport" | "sentAt">
  > & {
    updatedAt: string;
  },
) {
  return db
    .update(outbox)
    .set({ ...set, claimToken: null, lockedUntil: null })
    .where(and(eq(outbox.id, id), eq(outbox.claimToken, token)));
}

/** Labels among `numbers` that no longer want a reminder: not valid any more, or renewed. */
export async function labelsNotRemindable(db: Db, numbers: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const part of chunk(numbers, MAX_PARAMS - 1)) {
    const rows = await db
      .select({ number: labels.number, status: labels.status, supersededBy: labels.supersededBy })
      .from(labels)
      .where(inArray(labels.number, part));
    for (const r of rows) if (r.status !== "valid" || r.supersededBy) out.add(r.number);
  }
  return out;
}

export type OutboxFilter = {
  status?: OutboxStatus;
  kind?: string;
  labelNumber?: string;
  limit: number;
  /** Keyset: the last row's (createdAt, id), newest first. */
  after?: [string, string];
};

const listColumns = {
  id: outbox.id,
  kind: outbox.kind,
  labelNumber: outbox.labelNumber,
  recipients: outbox.recipients,
  subject: outbox.subject,
  status: outbox.status,
  attempts: outbox.attempts,
  nextAttemptAt: outbox.nextAttemptAt,
  lastError: outbox.lastError,
  providerId: outbox.providerId,
  transport: outbox.transport,
  sentAt: outbox.sentAt,
  createdAt: outbox.createdAt,
  updatedAt: outbox.updatedAt,
};

export async function listOutbox(db: Db, f: OutboxFilter) {
  const where: (SQL | undefined)[] = [
    f.status ? eq(outbox.status, f.status) : undefined,
    f.kind ? eq(outbox.kind, f.kind) : undefined,
    f.labelNumber ? eq(outbox.labelNumber, f.labelNumber) : undefined,
    f.after
      ? or(lt(outbox.createdAt, f.after[0]), and(eq(outbox.createdAt, f.after[0]), lt(outbox.id, f.after[1])))
      : undefined,
  ];
  const rows = await db
    .select(listColumns)
    .from(outbox)
    .where(and(...where))
    .orderBy(desc(outbox.createdAt), desc(outbox.id))
    .limit(f.limit + 1);
  const items = rows.slice(0, f.limit);
  const last = items.at(-1);
  return { items, next: rows.length > f.limit && last ? ([last.createdAt, last.id] as [string, string]) : null };
}

export async function findOutboxEmail(db: Db, id: string) {
  const [row] = await db
    .select({ ...listColumns, text: outbox.text, html: outbox.html })
    .from(outbox)
    .where(eq(outbox.id, id));
  return row ?? null;
}

/**
 * Puts a `failed` e-mail back in the queue, due now: the next delivery run (every 10 minutes) tries it
 * again, with the usual backoff while attempts remain. Only failed e-mails (409 otherwise): a pending
 * one is already queued, a sent one went out, a skipped one is not wanted any more.
 */
export async function retryEmail(db: Db, id: string, now = new Date()) {
  const at = now.toISOString();
  const [row] = await db
    .update(outbox)
    .set({ status: "pending", nextAttemptAt: at, updatedAt: at })
    .where(and(eq(outbox.id, id), eq(outbox.status, "failed")))
    .returning({ id: outbox.id });
  const e = await findOutboxEmail(db, id);
  if (!e) throw notFound(`E-mail ${id}`);
  if (!row) throw conflict(`E-mail ${id} is ${e.status}: only failed e-mails are retried`);
  return e;
}
