/**
 * Reads only the back-office needs: the dashboard's counts, label lists, a structure's labels and
 * assignment history. Everything the API also reads comes from the API's own queries.
 */
import { and, asc, count, desc, eq, gt, gte, isNull, lte, or, type SQL } from "drizzle-orm";
import type { Db } from "./client";
import { eventOrder } from "./labels";
import {
  apiKeys,
  assignments,
  certifiers,
  type LabelStatus,
  labelEvents,
  labels,
  outbox,
  structures,
  webhookEvents,
  webhookSecrets,
} from "./schema";

/** The horizons of « labels expiring within N days » on the dashboard. */
export const EXPIRY_HORIZONS = [30, 90, 180] as const;

/** Current labels: the latest of each renewal chain (a renewed label is not « expiring »). */
const current = (certifierId?: string) =>
  and(isNull(labels.supersededBy), certifierId ? eq(labels.certifierId, certifierId) : undefined);

/**
 * What the dashboard shows, in one round trip: current labels by stored status, valid ones ending within
 * each horizon, rejected deliveries and failed e-mails. A body's member sees its own labels and deliveries.
 */
export async function dashboardCounts(db: Db, today: string, until: Record<number, string>, certifierId?: string) {
  const expiring = (last: string) =>
    db
      .select({ n: count() })
      .from(labels)
      .where(
        and(
          current(certifierId),
          eq(labels.status, "valid"),
          gte(labels.expiresOn, today),
          lte(labels.expiresOn, last),
        ),
      );
  const [byStatus, rejected, failed, ...horizons] = await db.batch([
    db.select({ status: labels.status, n: count() }).from(labels).where(current(certifierId)).groupBy(labels.status),
    db
      .select({ n: count() })
      .from(webhookEvents)
      .where(
        and(eq(webhookEvents.status, "rejected"), certifierId ? eq(webhookEvents.certifierId, certifierId) : undefined),
      ),
    db.select({ n: count() }).from(outbox).where(eq(outbox.status, "failed")),
    ...EXPIRY_HORIZONS.map((d) => expiring(until[d]!)),
  ]);
  return {
    byStatus: Object.fromEntries(byStatus.map((r) => [r.status, r.n])) as Partial<Record<LabelStatus, number>>,
    rejectedDeliveries: rejected[0]?.n ?? 0,
    failedEmails: failed[0]?.n ?? 0,
    expiring: Object.fromEntries(EXPIRY_HORIZONS.map((d, i) => [d, horizons[i]![0]?.n ?? 0])) as Record<number, number>,
  };
}

export type LabelFilter = {
  status?: LabelStatus;
  /** Valid labels whose last day is between `from` and `until`. */
  expiring?: { from: string; until: string };
  certifierId?: string;
  limit: number;
  /** Keyset: the last row's `[expiresOn, number]`, soonest end first. */
  after?: [string, string];
};

/** Current labels, soonest end first, with their structure's name and body's name. */
export async function listCurrentLabels(db: Db, f: LabelFilter) {
  const where: (SQL | undefined)[] = [
    current(f.certifierId),
    f.status ? eq(labels.status, f.status) : undefined,
    f.expiring
      ? and(eq(labels.status, "valid"), gte(labels.expiresOn, f.expiring.from), lte(labels.expiresOn, f.expiring.until))
      : undefined,
    f.after
      ? or(gt(labels.expiresOn, f.after[0]), and(eq(labels.expiresOn, f.after[0]), gt(labels.number, f.after[1])))
      : undefined,
  ];
  const rows = await db
    .select({
      number: labels.number,
      structureCode: labels.structureCode,
      structureName: structures.name,
      tier: labels.tier,
      status: labels.status,
      awardedOn: labels.awardedOn,
      expiresOn: labels.expiresOn,
      certifierName: certifiers.name,
    })
    .from(labels)
    .innerJoin(structures, eq(structures.code, labels.structureCode))
    .innerJoin(certifiers, eq(certifiers.id, labels.certifierId))
    .where(and(...where))
    .orderBy(asc(labels.expiresOn), asc(labels.number))
    .limit(f.limit + 1);
  const items = rows.slice(0, f.limit);
  const last = items.at(-1);
  return { items, next: rows.length > f.limit && last ? ([last.expiresOn, last.number] as [string, string]) : null };
}

/** Every label of a structure, newest first (the renewal chain and what came before a withdrawal). */
export async function labelsOfStructure(db: Db, code: string) {
  return db
    .select()
    .from(labels)
    .where(eq(labels.structureCode, code))
    .orderBy(desc(labels.awardedOn), desc(labels.createdAt));
}

/** The events of every label of a structure, by label number, each label's oldest first (one query). */
export async function eventsOfStructure(db: Db, code: string) {
  const rows = await db
    .select({ event: labelEvents })
    .from(labelEvents)
    .innerJoin(labels, eq(labels.number, labelEvents.labelNumber))
    .where(eq(labels.structureCode, code))
    .orderBy(asc(eventOrder));
  const byLabel = new Map<string, (typeof rows)[number]["event"][]>();
  for (const { event } of rows) {
    const events = byLabel.get(event.labelNumber);
    if (events) events.push(event);
    else byLabel.set(event.labelNumber, [event]);
  }
  return byLabel;
}

/** Which bodies were assigned to a structure, newest first, with who recorded it. */
export async function assignmentsOf(db: Db, code: string) {
  return db
    .select({
      certifierId: assignments.certifierId,
      certifierName: certifiers.name,
      contractRef: assignments.contractRef,
      assignedAt: assignments.assignedAt,
      actor: assignments.actor,
    })
    .from(assignments)
    .innerJoin(certifiers, eq(certifiers.id, assignments.certifierId))
    .where(eq(assignments.structureCode, code))
    .orderBy(desc(assignments.assignedAt), desc(assignments.id));
}

/** A body's webhook secrets, newest first: when each was issued and ends — never the secret itself. */
export async function secretsOf(db: Db, certifierId: string) {
  return db
    .select({ id: webhookSecrets.id, createdAt: webhookSecrets.createdAt, expiresAt: webhookSecrets.expiresAt })
    .from(webhookSecrets)
    .where(eq(webhookSecrets.certifierId, certifierId))
    .orderBy(desc(webhookSecrets.createdAt));
}

/** A body's API keys (metadata only: the keys are kept as hashes), newest first. */
export async function keysOf(db: Db, certifierId: string) {
  return db
    .select({
      id: apiKeys.id,
      prefix: apiKeys.prefix,
      name: apiKeys.name,
      createdAt: apiKeys.createdAt,
      revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .where(eq(apiKeys.certifierId, certifierId))
    .orderBy(desc(apiKeys.createdAt));
}
