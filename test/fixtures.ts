/**
 * Audits and surveys written straight into D1, the way the webhooks (issue 3) will store them, so the
 * evaluation and decisions can be tested before the webhooks land.
 */
import { env } from "cloudflare:test";
import { getDb } from "../src/db/client";
import { audits, surveys } from "../src/db/schema";

let seq = 0;
const next = (p: string) => `${p}-${++seq}`;

export async function insertAudit(
  structureCode: string,
  certifierId: string,
  over: { auditedOn?: string; scores?: number[]; blocking?: number } = {},
) {
  const scores = over.scores ?? [75, 75, 75, 75, 75, 75, 75, 75];
  const id = next("aud");
  await getDb(env.DB)
    .insert(audits)
    .values({
      id,
      structureCode,
      certifierId,
      auditRef: next("AUDIT"),
      kind: "initial",
      auditedOn: over.auditedOn ?? "2026-01-15",
      engagements: scores.map((score, i) => ({ number: i + 1, score })),
      criteria: [],
      blockingNonConformities: over.blocking ?? 0,
      contentHash: id,
    });
  return id;
}

export async function insertSurvey(
  structureCode: string,
  certifierId: string,
  kind: "usagers" | "agents",
  over: { periodEnd?: string; respondents?: number; value?: number; base?: number | null } = {},
) {
  const id = next("srv");
  const periodEnd = over.periodEnd ?? "2026-01-31";
  await getDb(env.DB)
    .insert(surveys)
    .values({
      id,
      structureCode,
      certifierId,
      surveyRef: next("SURVEY"),
      kind,
      periodStart: `${periodEnd.slice(0, 8)}01`,
      periodEnd,
      respondents: over.respondents ?? 200,
      ...(kind === "usagers"
        ? { invited: over.base === undefined ? 1000 : over.base, satisfactionRate: over.value ?? 75 }
        : { population: over.base === undefined ? 100 : over.base, score: over.value ?? 75 }),
      contentHash: id,
    });
  return id;
}

/** A structure with an audit and both surveys that the illustrative référentiel rates `argent`. */
export async function fullInputs(structureCode: string, certifierId: string, on = "2026-01-15") {
  await insertAudit(structureCode, certifierId, { auditedOn: on });
  await insertSurvey(structureCode, certifierId, "usagers", { periodEnd: on });
  await insertSurvey(structureCode, certifierId, "agents", { periodEnd: on, respondents: 50 });
}
