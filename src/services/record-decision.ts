/**
 * Recording a certification body's decision (from its signed `label.decision`, or from an admin on its
 * behalf): the decision, and for an award the label, its number, its event, the renewal chain, the
 * public read model and the intents of its effects — one batch.
 */
import { eq, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { afterChange } from "../changes/effects";
import { intentsOf, type PublicChange, publicChangeStatements } from "../changes/public-change";
import { violates } from "../db/constraints";
import { evaluateStructure } from "../db/evaluations";
import {
  awardedLabelStatements,
  bumpLabelCounter,
  type Extra,
  getDecision,
  labelNumberFrom,
  latestLabel,
  roleOf,
} from "../db/labels";
import { refreshPublicLabels } from "../db/public-model";
import { findReferential, markReferentialUsed } from "../db/referentials";
import { decisions, labelEvents, labels, type Tier } from "../db/schema";
import { DomainError, forbidden, invalid, raced } from "../domain/errors";
import { labelExpiresOn } from "../domain/label-dates";
import { parisDay } from "../domain/paris-time";
import { newId } from "../lib/crypto";
import type { Deps } from "./deps";

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
  /** The registry's today (tests); defaults to today in France. */
  today?: string;
};

/** What the caller's `extra` statements may refer to: the new decision, and (award) its label's number in SQL. */
export type Created = { decisionId: string; labelNumber: SQL<string> | null };

/**
 * Records a body's decision on a structure, evaluated as of `decidedOn`.
 * - `decidedOn` in the future → 422; no body assigned → 422; another body than the assigned one → 403.
 * - award: the evaluation must be `complete` (422 with what is missing); a tier other than the
 *   proposal needs a `justification` (422). Creates the label (awarded on `decidedOn`, expiring after
 *   the référentiel's `validityMonths`), superseding the structure's previous label unless it was withdrawn.
 * - refuse: recorded, no label.
 * The référentiel version used becomes immutable. `extra` lands in the same batch; given as a function it
 * receives what was created (the webhook inbox stores the decision id and the label number in its answer).
 */
export async function recordDecision(
  deps: Deps,
  input: DecisionInput,
  actor: string,
  extraOrFn: Extra | ((created: Created) => Extra) = [],
) {
  const { db } = deps;
  const now = new Date();
  const today = input.today ?? parisDay(now);
  if (input.decidedOn > today) throw invalid("decidedOn", `Must not be after today (${today})`);
  const { structure, evaluation } = await evaluateStructure(db, input.structureCode, input.decidedOn);
  if (!structure.certifier) {
    throw invalid("structureCode", "No certification body is assigned to this structure");
  }
  const certifierId = input.certifierId ?? structure.certifier.id;
  if (certifierId !== structure.certifier.id) {
    throw forbidden(`Structure ${input.structureCode} is not assigned to this certification body`);
  }
  const id = newId("dec");
  const counter = `label:${input.decidedOn.slice(0, 4)}`;
  const number = input.decision === "award" ? labelNumberFrom(counter) : null;
  const extra = typeof extraOrFn === "function" ? extraOrFn({ decisionId: id, labelNumber: number }) : extraOrFn;
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

  if (!number) {
    if (input.tier) throw invalid("tier", "A refusal has no tier");
    await db.batch([
      db.insert(decisions).values({ ...base, tier: null, labelNumber: null }),
      markReferentialUsed(db, evaluation.referentialVersion),
      ...extra,
    ]);
    return { decision: await getDecision(db, id), label: null };
  }

  if (evaluation.state !== "complete") {
    throw new DomainError(
      "invalid",
      `An award needs a complete evaluation; it is ${evaluation.state}`,
      evaluation.missing.map((m) => ({ path: `evaluation.${m.input}`, message: `${m.reason}: ${m.detail}` })),
    );
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
  const previous = await latestLabel(db, input.structureCode);
  const renewed = previous && previous.status !== "withdrawn" ? previous : null;
  if (renewed && input.decidedOn < renewed.awardedOn) {
    throw invalid("decidedOn", `Must not be before the award of the label it renews (${renewed.awardedOn})`);
  }

  const ref = evaluation.referentialVersion;
  const { validityMonths } = (await findReferential(db, ref))!.rules;
  // The new label's number is new: no answer by that number was ever cached. The renewed label's answer
  // changes (it is superseded), and so do the structure's.
  const eventId = newId("lev");
  const publicChange: PublicChange = {
    structureCode: input.structureCode,
    labelNumbers: renewed ? [renewed.number] : [],
    // `label.awarded`, or `label.renewed` when it supersedes a label (src/notifications/produce.ts).
    notify: { baseUrl: deps.env.PUBLIC_BASE_URL, eventIds: [eventId] },
  };
  const statements: Extra = [
    bumpLabelCounter(db, counter),
    db.insert(decisions).values({ ...base, tier, labelNumber: number }),
    ...awardedLabelStatements(
      db,
      {
        number,
        structureCode: input.structureCode,
        certifierId,
        tier,
        awardedOn: input.decidedOn,
        expiresOn: labelExpiresOn(input.decidedOn, validityMonths),
        originalAwardedOn: renewed?.originalAwardedOn ?? input.decidedOn,
        supersedes: renewed?.number ?? null,
        decisionId: id,
      },
      { id: eventId, reason: input.justification ?? `Décision d'attribution (${tier})`, actor },
    ),
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
        actorRole: roleOf(actor),
        effectiveOn: input.decidedOn,
      }),
    );
  }
  // After the label rows: the read model picks the new label as the structure's current one.
  statements.push(
    markReferentialUsed(db, ref),
    refreshPublicLabels(db, input.structureCode),
    ...publicChangeStatements(db, publicChange, now),
    ...extra,
  );
  try {
    await db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  } catch (err) {
    // labels_supersedes: another award renewed the same label meanwhile; nothing of this batch landed.
    if (violates(err, "labels_supersedes")) {
      throw raced("Another decision renewed this structure's label at the same time; retry");
    }
    throw err;
  }
  await afterChange(deps, intentsOf(publicChange), now);
  const [label] = await db.select().from(labels).where(eq(labels.decisionId, id));
  return { decision: await getDecision(db, id), label: label! };
}
