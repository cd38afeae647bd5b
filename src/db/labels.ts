/**
 * Decisions and labels. Every write is ONE `db.batch()`: the decision, the label, its number, its
 * events and the caller's `extra` statements (e.g. the webhook inbox row marked applied) land together
 * or not at all.
 *
 * Every change of a label's status goes through `changeLabelStatus` (awards through `recordDecision`):
 * the place to hook side effects such as purging cached public answers. Both refresh the structure's
 * public read model row (`refreshPublicLabels`) in their batch.
 */
import { and, asc, desc, eq, isNull, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { labelExpiresOn, todayUtc } from "../domain/label-dates";
import { type LabelAction, nextStatus, TRANSITIONS } from "../domain/label-lifecycle";
import { newId } from "../lib/crypto";
import { ApiError, notFound } from "../lib/errors";
import { purgePublicCache } from "../public/cache";
import type { Db } from "./client";
import { evaluateStructure } from "./evaluations";
import { refreshPublicLabels } from "./public-model";
import { findReferential, markReferentialUsed } from "./referentials";
import { counters, decisions, labelEvents, labels, type Tier } from "./schema";

export type Extra = BatchItem<"sqlite">[];

export type DecisionInput = {
  structureCode: string;
  decision: "award" | "refuse";
  /** For an award: the tier decided; defaults to the proposed tier. */
  tier?: Tier;
  decidedOn: string;
  /** Required when the tier differs from the proposal; kept with the decision. */
  justification?: string;
  source?: "admin" | "webhook";
  webhookEventId?: string;
  /** The deciding body; defaults to the structure's assigned body, and must be it. */
  certifierId?: string;
  /** The registry's today (tests); defaults to the UTC date. */
  today?: string;
};

const invalid = (path: string, message: string, detail = message) =>
  new ApiError("unprocessable", detail, { errors: [{ path, message }] });

/** Label number `SPP-YYYY-NNNNNN`, YYYY the decision's year, read from the counter the same batch bumps. */
const numberFrom = (counter: string) =>
  sql`(SELECT 'SPP-' || substr(${counter}, 7) || '-' || printf('%06d', ${counters.value}) FROM ${counters} WHERE ${counters.name} = ${counter})`;

/**
 * Records a body's decision on a structure, evaluated as of `decidedOn`.
 * - `decidedOn` in the future → 422; no body assigned → 422; another body than the assigned one → 403.
 * - award: the evaluation must be `complete` (422 with what is missing); a tier other than the
 *   proposal needs a `justification` (422). Creates the label (awarded on `decidedOn`, expiring after
 *   the référentiel's `validityMonths`), superseding the structure's previous label unless it was withdrawn.
 * - refuse: recorded, no label.
 * The référentiel version used becomes immutable.
 */
/**
 * Records a decision (and, for an award, its label) in one batch. `extra` lands in the same batch;
 * given as a function it receives the new decision's id (the webhook inbox stores it in its answer).
 */
export async function recordDecision(
  db: Db,
  input: DecisionInput,
  actor: string,
  extraOrFn: Extra | ((created: { decisionId: string }) => Extra) = [],
) {
  const today = input.today ?? todayUtc();
  if (input.decidedOn > today) throw invalid("decidedOn", `Must not be after today (${today})`);
  const { structure, evaluation } = await evaluateStructure(db, input.structureCode, input.decidedOn);
  if (!structure.certifier) {
    throw invalid("structureCode", "No certification body is assigned to this structure");
  }
  const certifierId = input.certifierId ?? structure.certifier.id;
  if (certifierId !== structure.certifier.id) {
    throw new ApiError("forbidden", `Structure ${input.structureCode} is not assigned to this certification body`);
  }
  const id = newId("dec");
  const extra = typeof extraOrFn === "function" ? extraOrFn({ decisionId: id }) : extraOrFn;
  const base = {
    id,
    structureCode: input.structureCode,
    certifierId,
    decision: input.decision,
    proposedTier: evaluation.proposedTier,
    referentialVersion: evaluation.referentialVersion,
    evaluation,
    justification: input.justification ?? null,
    decidedOn: input.decidedOn,
    actor,
    source: input.source ?? "admin",
    webhookEventId: input.webhookEventId ?? null,
  };

  if (input.decision === "refuse") {
    if (input.tier) throw invalid("tier", "A refusal has no tier");
    await db.batch([
      db.insert(decisions).values({ ...base, tier: null, labelNumber: null }),
      markReferentialUsed(db, evaluation.referentialVersion),
      ...extra,
    ]);
    return { decision: await getDecision(db, id), label: null };
  }

  if (evaluation.state !== "complete") {
    throw new ApiError("unprocessable", `An award needs a complete evaluation; it is ${evaluation.state}`, {
      errors: evaluation.missing.map((m) => ({ path: `evaluation.${m.input}`, message: `${m.reason}: ${m.detail}` })),
    });
  }
  const tier = input.tier ?? evaluation.proposedTier;
  if (!tier) throw invalid("tier", "No tier is proposed: give the tier and a justification");
  if (tier !== evaluation.proposedTier && !input.justification) {
    throw invalid(
      "justification",
      `Required: the tier ${tier} differs from the proposed ${evaluation.proposedTier ?? "none"}`,
    );
  }

  // Renewal chain: the structure's latest label not yet superseded, unless it was withdrawn.
  const [previous] = await db
    .select()
    .from(labels)
    .where(and(eq(labels.structureCode, input.structureCode), isNull(labels.supersededBy)))
    .orderBy(desc(labels.awardedOn), desc(labels.createdAt))
    .limit(1);
  const renewed = previous && previous.status !== "withdrawn" ? previous : null;
  if (renewed && input.decidedOn < renewed.awardedOn) {
    throw invalid("decidedOn", `Must not be before the award of the label it renews (${renewed.awardedOn})`);
  }

  const ref = evaluation.referentialVersion;
  const { validityMonths } = (await findReferential(db, ref))!.rules;
  const counter = `label:${input.decidedOn.slice(0, 4)}`;
  const number = numberFrom(counter);
  const statements: Extra = [
    db
      .insert(counters)
      .values({ name: counter, value: 1 })
      .onConflictDoUpdate({ target: counters.name, set: { value: sql`${counters.value} + 1` } }),
    db.insert(decisions).values({ ...base, tier, labelNumber: number }),
    db.insert(labels).values({
      number,
      structureCode: input.structureCode,
      certifierId,
      tier,
      status: "valid",
      awardedOn: input.decidedOn,
      expiresOn: labelExpiresOn(input.decidedOn, validityMonths),
      originalAwardedOn: renewed?.originalAwardedOn ?? input.decidedOn,
      supersedes: renewed?.number ?? null,
      decisionId: id,
    }),
    db.insert(labelEvents).values({
      id: newId("lev"),
      labelNumber: number,
      type: "awarded",
      fromStatus: null,
      toStatus: "valid",
      reason: input.justification ?? `Décision d'attribution (${tier})`,
      actor,
      effectiveOn: input.decidedOn,
    }),
  ];
  if (renewed) {
    // The renewed label keeps its status until its own term (or a withdrawal) ends it; only the chain changes.
    statements.push(
      db.update(labels).set({ supersededBy: number }).where(eq(labels.number, renewed.number)),
      db.insert(labelEvents).values({
        id: newId("lev"),
        labelNumber: renewed.number,
        type: "superseded",
        fromStatus: renewed.status,
        toStatus: renewed.status,
        reason: "Renouvellement",
        actor,
        effectiveOn: input.decidedOn,
      }),
    );
  }
  // After the label rows: the read model picks the new label as the structure's current one.
  statements.push(markReferentialUsed(db, ref), refreshPublicLabels(db, input.structureCode), ...extra);
  try {
    await db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  } catch (err) {
    // labels_supersedes: another award renewed the same label meanwhile; nothing of this batch landed.
    if (String(err).includes("UNIQUE") && String(err).includes("supersedes")) {
      throw new ApiError("conflict", "Another decision renewed this structure's label at the same time; retry");
    }
    throw err;
  }
  const [label] = await db.select().from(labels).where(eq(labels.decisionId, id));
  await purgePublicCache(input.structureCode, renewed ? [label!.number, renewed.number] : [label!.number]);
  return { decision: await getDecision(db, id), label: label! };
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

export async function getLabel(db: Db, number: string) {
  const [row] = await db.select().from(labels).where(eq(labels.number, number));
  if (!row) throw notFound(`Label ${number}`);
  return row;
}

export async function listLabelEvents(db: Db, number: string) {
  await getLabel(db, number);
  return db
    .select()
    .from(labelEvents)
    .where(eq(labelEvents.labelNumber, number))
    .orderBy(asc(labelEvents.createdAt), asc(labelEvents.id));
}

export type StatusChange = { reason: string; actor: string; effectiveOn?: string; today?: string };

/**
 * THE one way a label's status changes: suspend ↔ reinstate, withdraw (final), expire (the cron).
 * Invalid transition → 409; `effectiveOn` (default today) after today or before the award → 422.
 * The update is guarded on the status read; if a concurrent change got there first the batch fails
 * whole (nothing applied, `extra` included) and the caller gets 409.
 */
export async function changeLabelStatus(
  db: Db,
  labelNumber: string,
  action: LabelAction,
  change: StatusChange,
  extra: Extra = [],
) {
  const today = change.today ?? todayUtc();
  const effectiveOn = change.effectiveOn ?? today;
  const label = await getLabel(db, labelNumber);
  const to = nextStatus(label.status, action);
  if (!to) {
    throw new ApiError("conflict", `Cannot ${action} label ${labelNumber}: it is ${label.status}`, {
      errors: [{ path: "status", message: `${action} applies to ${TRANSITIONS[action].from.join(" or ")} labels` }],
    });
  }
  if (effectiveOn > today) throw invalid("effectiveOn", `Must not be after today (${today})`);
  if (effectiveOn < label.awardedOn) {
    throw invalid("effectiveOn", `Must not be before the award (${label.awardedOn})`);
  }
  const eventId = newId("lev");
  try {
    await db.batch([
      db
        .update(labels)
        .set({ status: to, statusChangedAt: new Date().toISOString() })
        .where(and(eq(labels.number, labelNumber), eq(labels.status, label.status))),
      // All the table's columns, in order (drizzle's insert-select lists them all). When the guarded
      // update changed nothing, the id is NULL: the NOT NULL constraint fails the whole batch, `extra` included.
      db.insert(labelEvents).select(
        sql`SELECT CASE WHEN changes() = 1 THEN ${eventId} END, ${labelNumber}, ${TRANSITIONS[action].event},
                   ${label.status}, ${to}, ${change.reason}, ${change.actor}, ${effectiveOn},
                   strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`,
      ),
      refreshPublicLabels(db, label.structureCode),
      ...extra,
    ]);
  } catch (err) {
    if (String((err as Error)?.cause ?? err).includes("NOT NULL") || String(err).includes("NOT NULL")) {
      throw new ApiError("conflict", `Label ${labelNumber} changed meanwhile; read it again`);
    }
    throw err;
  }
  await purgePublicCache(label.structureCode, [labelNumber]);
  return getLabel(db, labelNumber);
}
