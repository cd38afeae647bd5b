/** Gathers a structure's latest inputs as of a day and runs the tier engine on them. */
import { and, desc, eq, lte } from "drizzle-orm";
import { evaluate } from "../domain/tier-engine";
import type { Db } from "./client";
import { getActiveReferential, toReferential } from "./referentials";
import { audits, surveys } from "./schema";
import { getStructure } from "./structures";

/** Latest audit (by audit date) and latest survey of each kind (by end of period) dated on or before `on`. */
export async function latestInputs(db: Db, structureCode: string, on: string) {
  const latestSurvey = (kind: "usagers" | "agents") =>
    db
      .select()
      .from(surveys)
      .where(and(eq(surveys.structureCode, structureCode), eq(surveys.kind, kind), lte(surveys.periodEnd, on)))
      .orderBy(desc(surveys.periodEnd), desc(surveys.receivedAt))
      .limit(1);
  const [auditRows, usagersRows, agentsRows] = await db.batch([
    db
      .select()
      .from(audits)
      .where(and(eq(audits.structureCode, structureCode), lte(audits.auditedOn, on)))
      .orderBy(desc(audits.auditedOn), desc(audits.receivedAt))
      .limit(1),
    latestSurvey("usagers"),
    latestSurvey("agents"),
  ]);
  return { audit: auditRows[0] ?? null, usagers: usagersRows[0] ?? null, agents: agentsRows[0] ?? null };
}

/** The evaluation of a structure on `on` under the active référentiel, with the ids of the inputs used. */
export async function evaluateStructure(db: Db, structureCode: string, on: string) {
  const structure = await getStructure(db, structureCode);
  const ref = await getActiveReferential(db);
  const inputs = await latestInputs(db, structureCode, on);
  const evaluation = evaluate(toReferential(ref), inputs, on);
  return {
    structure,
    /** The référentiel row evaluated with (its `revision` guards the award that freezes it). */
    referential: ref,
    evaluation: {
      structureCode,
      ...evaluation,
      inputs: {
        auditId: inputs.audit?.id ?? null,
        usagersSurveyId: inputs.usagers?.id ?? null,
        agentsSurveyId: inputs.agents?.id ?? null,
      },
    },
  };
}
export type StructureEvaluation = Awaited<ReturnType<typeof evaluateStructure>>["evaluation"];
