/**
 * Decisions, labels and their events: reads, and the statements a label write puts in its batch. The
 * writes themselves — one batch each, with the durable intents of their effects — are the verbs in
 * src/services/ (record-decision.ts, change-label-status.ts).
 */
import { and, asc, desc, eq, inArray, isNull, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { type LabelAction, TRANSITIONS } from "../domain/label-lifecycle";
import { newId } from "../lib/crypto";
import { notFound } from "../lib/errors";
import type { Db } from "./client";
import { counters, decisions, labelEvents, labels, structures } from "./schema";

/**
 * Commit order of label events: SQLite's rowid, assigned max + 1 as each batch lands (events are never
 * deleted, so it only grows; a VACUUM or an export may renumber, never reorder). Not `created_at`, an
 * instant some writers take before their reads (docs/adr/0007-label-versions.md).
 */
export const eventOrder = sql`${labelEvents}.rowid`;

export type Extra = BatchItem<"sqlite">[];

/** Who made a change, from the actor (`admin:…`, `certifier:…`, `system:…`). */
export type ActorRole = "admin" | "certifier" | "system";
export const roleOf = (actor: string): ActorRole =>
  actor.startsWith("admin:") ? "admin" : actor.startsWith("certifier:") ? "certifier" : "system";

/** Label number `SPP-YYYY-NNNNNN`, YYYY the decision's year, read from the counter the same batch bumps. */
export const labelNumberFrom = (counter: string) =>
  sql<string>`(SELECT 'SPP-' || substr(${counter}, 7) || '-' || printf('%06d', ${counters.value}) FROM ${counters} WHERE ${counters.name} = ${counter})`;

/** The statement that bumps a year's label counter; `labelNumberFrom` reads it afterwards in the batch. */
export const bumpLabelCounter = (db: Db, counter: string) =>
  db
    .insert(counters)
    .values({ name: counter, value: 1 })
    .onConflictDoUpdate({ target: counters.name, set: { value: sql`${counters.value} + 1` } });

/** A label row as an award writes it: its number may be SQL (`labelNumberFrom`, read in the same batch). */
export type AwardedLabel = Omit<typeof labels.$inferInsert, "number" | "status" | "supersededBy"> & {
  number: string | SQL<string>;
};

/**
 * An award's label, valid, and its `awarded` event (after the year's counter is bumped and the decision
 * inserted, in the same batch). The one place these two rows are built: `recordDecision` writes them,
 * and so do the test factories for labels that predate a later write rule (test/factories.ts).
 */
export function awardedLabelStatements(
  db: Db,
  label: AwardedLabel,
  event: { id: string; reason: string; actor: string },
): Extra {
  return [
    db.insert(labels).values({ ...label, status: "valid" }),
    db.insert(labelEvents).values({
      id: event.id,
      labelNumber: label.number,
      type: "awarded",
      fromStatus: null,
      toStatus: "valid",
      reason: event.reason,
      actor: event.actor,
      actorRole: roleOf(event.actor),
      effectiveOn: label.awardedOn,
    }),
  ];
}

/**
 * The structure's latest label not yet superseded (the one a renewal replaces): the public read
 * model's current label (src/db/public-model.ts), ties on the award day broken by commit order.
 */
export async function latestLabel(db: Db, structureCode: string) {
  const [row] = await db
    .select()
    .from(labels)
    .where(and(eq(labels.structureCode, structureCode), isNull(labels.supersededBy)))
    .orderBy(desc(labels.awardedOn), sql`${labels}.rowid desc`)
    .limit(1);
  return row ?? null;
}

export async function getDecision(db: Db, id: string) {
  const [row] = await db.select().from(decisions).where(eq(decisions.id, id));
  if (!row) throw notFound(`Decision ${id}`);
  return row;
}

export async function listDecisions(db: Db, structureCode: string) {
  return db
    .select()
    .from(decisions)
    .where(eq(decisions.structureCode, structureCode))
    .orderBy(asc(decisions.decidedOn), asc(decisions.createdAt));
}

/** A label and its structure's label version, read together (what a status change is decided on). */
export async function getLabelWithVersion(db: Db, number: string) {
  const [row] = await db
    .select({ label: labels, labelVersion: structures.labelVersion })
    .from(labels)
    .innerJoin(structures, eq(structures.code, labels.structureCode))
    .where(eq(labels.number, number));
  if (!row) throw notFound(`Label ${number}`);
  return { ...row.label, labelVersion: row.labelVersion };
}

export async function getLabel(db: Db, number: string) {
  const [row] = await db.select().from(labels).where(eq(labels.number, number));
  if (!row) throw notFound(`Label ${number}`);
  return row;
}

export async function listLabelEvents(db: Db, number: string) {
  await getLabel(db, number);
  return db.select().from(labelEvents).where(eq(labelEvents.labelNumber, number)).orderBy(asc(eventOrder));
}

/** Who put the label in its current suspension (its latest `suspended` event), to judge who may lift it. */
export async function currentSuspension(db: Db, number: string) {
  const [row] = await db
    .select({ actor: labelEvents.actor, role: labelEvents.actorRole })
    .from(labelEvents)
    .where(and(eq(labelEvents.labelNumber, number), eq(labelEvents.type, "suspended")))
    .orderBy(desc(eventOrder))
    .limit(1);
  return row ?? null;
}

export type StatusStatement = {
  action: LabelAction;
  reason: string;
  actor: string;
  /** A day, or an SQL expression over the label's columns (the expiry's day after `expiresOn`). */
  effectiveOn: string | ReturnType<typeof sql>;
  nowIso: string;
};

/**
 * One label's status change, guarded on the status it was read with: the update, then its event. If a
 * concurrent change got there first, the update changes nothing and the event's id is NULL: the NOT
 * NULL constraint fails the whole batch (whatever else it holds), and the verb answers 409.
 */
export function guardedStatusChange(
  db: Db,
  number: string,
  from: string,
  s: StatusStatement,
  eventId = newId("lev"),
): Extra {
  const t = TRANSITIONS[s.action];
  return [
    db
      .update(labels)
      .set({ status: t.to, statusChangedAt: s.nowIso })
      .where(and(eq(labels.number, number), eq(labels.status, from as never))),
    // All the table's columns, in order (drizzle's insert-select lists them all).
    db.insert(labelEvents).select(
      // Stamped when the batch runs, not with the verb's `now` (taken before its reads).
      sql`SELECT CASE WHEN changes() = 1 THEN ${eventId} END, ${number}, ${t.event}, ${from}, ${t.to},
                 ${s.reason}, ${s.actor}, ${s.effectiveOn}, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ${roleOf(s.actor)}`,
    ),
  ];
}

/**
 * The same change on many labels at once (the daily expiry), for those still in a status it applies to
 * when the batch runs: their events first (so an overlapping run's batch finds nothing to record), then
 * the update, which returns the labels THIS batch changed. The unary `+` keeps SQLite on the primary
 * key for `number IN (…)` (on the status index it would walk every valid label).
 */
export function bulkStatusChange(db: Db, numbers: readonly string[], s: StatusStatement) {
  const t = TRANSITIONS[s.action];
  const still = and(sql`+${labels.status} in ${t.from}`, inArray(labels.number, [...numbers]));
  return {
    events: db.insert(labelEvents).select(
      db
        .select({
          id: sql<string>`'lev_' || lower(hex(randomblob(10)))`.as("id"),
          labelNumber: labels.number,
          type: sql<string>`${t.event}`.as("type"),
          fromStatus: labels.status,
          toStatus: sql<string>`${t.to}`.as("to_status"),
          reason: sql<string>`${s.reason}`.as("reason"),
          actor: sql<string>`${s.actor}`.as("actor"),
          effectiveOn: sql<string>`${s.effectiveOn}`.as("effective_on"),
          createdAt: sql<string>`${s.nowIso}`.as("created_at"),
          actorRole: sql<ActorRole>`${roleOf(s.actor)}`.as("actor_role"),
        })
        .from(labels)
        .where(still),
    ),
    update: db
      .update(labels)
      .set({ status: t.to, statusChangedAt: s.nowIso })
      .where(still)
      .returning({ number: labels.number, structureCode: labels.structureCode }),
  };
}
