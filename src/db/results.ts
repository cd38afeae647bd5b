/** Audits and survey aggregates received from certification bodies. Appended, never overwritten. */
import { and, eq } from "drizzle-orm";
import type { Db } from "./client";
import { audits, surveys } from "./schema";

export type AuditRow = typeof audits.$inferInsert;
export type SurveyRow = typeof surveys.$inferInsert;

export async function findAudit(db: Db, certifierId: string, auditRef: string) {
  const [row] = await db
    .select({ id: audits.id, contentHash: audits.contentHash })
    .from(audits)
    .where(and(eq(audits.certifierId, certifierId), eq(audits.auditRef, auditRef)));
  return row ?? null;
}

export async function findSurvey(db: Db, certifierId: string, surveyRef: string) {
  const [row] = await db
    .select({ id: surveys.id, contentHash: surveys.contentHash, kind: surveys.kind })
    .from(surveys)
    .where(and(eq(surveys.certifierId, certifierId), eq(surveys.surveyRef, surveyRef)));
  return row ?? null;
}

export const insertAudit = (db: Db, row: AuditRow) => db.insert(audits).values(row);
export const insertSurvey = (db: Db, row: SurveyRow) => db.insert(surveys).values(row);

export async function getAudit(db: Db, id: string) {
  const [row] = await db.select().from(audits).where(eq(audits.id, id));
  return row ?? null;
}

export async function getSurvey(db: Db, id: string) {
  const [row] = await db.select().from(surveys).where(eq(surveys.id, id));
  return row ?? null;
}
