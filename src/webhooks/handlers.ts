/**
 * What each event type does, in ONE dispatch table. A handler receives the validated data and
 * `markApplied`, the statement that marks the inbox row answered; it puts that statement in its
 * own single `db.batch()`, so the effect and the inbox status land together or not at all.
 * A handler may throw a DomainError (409, 422…): the delivery is then stored as rejected.
 */
import type { SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../db/client";
import { type Constraint, violates } from "../db/constraints";
import { findAudit, findSurvey, insertAudit, insertSurvey } from "../db/results";
import { conflict, type DomainError } from "../domain/errors";
import type { LabelAction } from "../domain/label-lifecycle";
import { newId, sha256Hex } from "../lib/crypto";
import { changeLabelStatus } from "../services/change-label-status";
import type { Deps } from "../services/deps";
import { recordDecision } from "../services/record-decision";
import type { EventData, EventType } from "./events";

/** The outcome of a handler: stored as the inbox status and answered as `result`. */
export type Outcome = { status: "applied" | "duplicate"; result: Record<string, unknown> };

export type HandlerContext<T extends EventType> = {
  db: Db;
  /** For the label verbs, which carry out the effects of the change after their batch. */
  deps: Deps;
  certifierId: string;
  data: EventData<T>;
  /** `certifier:<id>`: who the effect is attributed to. */
  actor: string;
  /** The inbox row's id, to link what the event created. */
  eventId: string;
  /**
   * The statement marking the inbox row answered with this outcome; put it in your batch. `computed`
   * sets answer fields known only inside the batch (a new label's number), by JSON path.
   */
  markApplied: (outcome: Outcome, computed?: Record<string, SQL>) => BatchItem<"sqlite">;
};

export type Handler<T extends EventType> = (ctx: HandlerContext<T>) => Promise<Outcome>;

/** What every handler gets, whatever its event type. */
type BaseContext = Pick<HandlerContext<EventType>, "db" | "markApplied">;

const changedContent = (what: string, ref: string, path: string) =>
  conflict(`${what} ${ref} was already received with different content`, [
    { path, message: "Same reference, different content: send a new reference to correct it" },
  ]);

/**
 * Append-once by reference: the same reference with the same content is an idempotent success
 * pointing at the stored row; with other content it is a 409. A concurrent insert of the same
 * reference is caught by the unique index and judged the same way.
 */
async function appendOnce(
  ctx: BaseContext,
  opts: {
    hash: string;
    find: () => Promise<{ id: string; contentHash: string } | null>;
    insert: (id: string) => BatchItem<"sqlite">;
    key: "auditId" | "surveyId";
    /** The unique index on the reference. */
    index: Constraint;
    onConflict: () => DomainError;
  },
): Promise<Outcome> {
  const judge = async (existing: { id: string; contentHash: string }) => {
    if (existing.contentHash !== opts.hash) throw opts.onConflict();
    const outcome: Outcome = { status: "duplicate", result: { [opts.key]: existing.id } };
    await ctx.db.batch([ctx.markApplied(outcome)]);
    return outcome;
  };
  const existing = await opts.find();
  if (existing) return judge(existing);
  const id = newId(opts.key === "auditId" ? "aud" : "srv");
  const outcome: Outcome = { status: "applied", result: { [opts.key]: id } };
  try {
    await ctx.db.batch([opts.insert(id), ctx.markApplied(outcome)]);
    return outcome;
  } catch (err) {
    const raced = violates(err, opts.index) ? await opts.find() : null;
    if (!raced) throw err;
    return judge(raced);
  }
}

/** Content identity of an event's data (zod output: keys in schema order, unknown keys refused). */
const contentHash = (type: EventType, data: unknown) => sha256Hex(JSON.stringify([type, data]));

const auditCompleted: Handler<"audit.completed"> = async (ctx) => {
  const d = ctx.data;
  const criteria = d.criteria ?? [];
  const hash = await contentHash("audit.completed", d);
  return appendOnce(ctx, {
    hash,
    key: "auditId",
    index: "audits_ref",
    find: () => findAudit(ctx.db, ctx.certifierId, d.auditRef),
    onConflict: () => changedContent("Audit", d.auditRef, "data.auditRef"),
    insert: (id) =>
      insertAudit(ctx.db, {
        id,
        structureCode: d.structureCode,
        certifierId: ctx.certifierId,
        auditRef: d.auditRef,
        kind: d.kind,
        auditedOn: d.auditedOn,
        referentialVersion: d.referentialVersion,
        engagements: d.engagements,
        criteria,
        blockingNonConformities: criteria.filter((c) => c.blocking && c.result === "non_conforme").length,
        reportUrl: d.reportUrl,
        contentHash: hash,
        webhookEventId: ctx.eventId,
      }),
  });
};

function surveyHandler<T extends "survey.users.completed" | "survey.agents.completed">(type: T): Handler<T> {
  return async (ctx) => {
    const d = ctx.data as EventData<"survey.users.completed"> & EventData<"survey.agents.completed">;
    const hash = await contentHash(type, d);
    return appendOnce(ctx, {
      hash,
      key: "surveyId",
      index: "surveys_ref",
      find: () => findSurvey(ctx.db, ctx.certifierId, d.surveyRef),
      onConflict: () => changedContent("Survey", d.surveyRef, "data.surveyRef"),
      insert: (id) =>
        insertSurvey(ctx.db, {
          id,
          structureCode: d.structureCode,
          certifierId: ctx.certifierId,
          surveyRef: d.surveyRef,
          kind: type === "survey.users.completed" ? "usagers" : "agents",
          periodStart: d.periodStart,
          periodEnd: d.periodEnd,
          invited: d.invited,
          population: d.population,
          respondents: d.respondents,
          satisfactionRate: d.satisfactionRate,
          netSatisfaction: d.netSatisfaction,
          score: d.score,
          contentHash: hash,
          webhookEventId: ctx.eventId,
        }),
    });
  };
}

const labelDecision: Handler<"label.decision"> = async (ctx) => {
  const d = ctx.data;
  let outcome: Outcome | undefined;
  const { label } = await recordDecision(
    ctx.deps,
    { ...d, source: "webhook", webhookEventId: ctx.eventId, certifierId: ctx.certifierId },
    ctx.actor,
    ({ decisionId, labelNumber }) => {
      // The label's number is what `label.suspended` and the others name: the answer carries it.
      outcome = { status: "applied", result: { decisionId, decision: d.decision, labelNumber: null } };
      return [ctx.markApplied(outcome, labelNumber ? { "$.result.labelNumber": labelNumber } : undefined)];
    },
  );
  return { ...outcome!, result: { ...outcome!.result, labelNumber: label?.number ?? null } };
};

function labelStatusHandler<T extends "label.suspended" | "label.reinstated" | "label.withdrawn">(
  action: LabelAction,
): Handler<T> {
  return async (ctx) => {
    const { labelNumber, reason, effectiveOn } = ctx.data;
    const outcome: Outcome = { status: "applied", result: { labelNumber, action } };
    await changeLabelStatus(ctx.deps, labelNumber, action, { reason, actor: ctx.actor, effectiveOn }, [
      ctx.markApplied(outcome),
    ]);
    return outcome;
  };
}

export const handlers: { [T in EventType]: Handler<T> } = {
  "audit.completed": auditCompleted,
  "survey.users.completed": surveyHandler("survey.users.completed"),
  "survey.agents.completed": surveyHandler("survey.agents.completed"),
  "label.decision": labelDecision,
  "label.suspended": labelStatusHandler("suspend"),
  "label.reinstated": labelStatusHandler("reinstate"),
  "label.withdrawn": labelStatusHandler("withdraw"),
};
