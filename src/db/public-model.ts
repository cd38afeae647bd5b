/**
 * Maintenance of the public read model (`public_labels`, one row per structure). Every write that
 * changes what the public sees puts one of these statements in ITS OWN `batch()`, after the
 * statements that change the source rows: the batch lands whole, so the model never lags behind.
 * - `refreshPublicLabels`: THE upsert, recomputing structures' rows from structures, labels and
 *   certifiers, and the results behind the current label from its decision, audit and survey
 *   (structure create/patch/assignment, award/renewal, status changes, the daily expiry), and the
 *   public history (`historyOf`: it comes after the events in the batch); the figures' counters follow
 *   by trigger (src/db/figures.ts);
 * - `renamePublicCertifier`: a body's new name on the rows of the labels it awarded.
 * migrations/0005_backfill_public_labels.sql is the same statement over every structure (0027: the history).
 */
import { eq, getTableColumns, inArray, type SQL, sql } from "drizzle-orm";
import type { Db } from "./client";
import { agentsScoreOf, historyOf, resultsOf } from "./public-results";
import { certifiers, labels, publicLabels, structures } from "./schema";

/**
 * The current label of a structure: its latest label not superseded by a renewal. Ties on the award
 * day go to the latest inserted (`rowid`), which the `labels_structure` index already orders.
 */
export const currentLabelNumber = sql`(select ${labels.number} from ${labels} where ${labels.structureCode} = ${structures.code} and ${labels.supersededBy} is null order by ${labels.awardedOn} desc, ${labels}.rowid desc limit 1)`;

/** Every column but the key, set from the row the upsert proposed. */
const excluded = Object.fromEntries(
  Object.entries(getTableColumns(publicLabels))
    .filter(([key]) => key !== "code")
    .map(([key, col]) => [key, sql.raw(`excluded.${col.name}`)]),
) as Record<keyof typeof publicLabels.$inferInsert, SQL>;

/**
 * Upserts the public rows of `codes` (one Code SP+, or at most ~95 of them: each one is a bound
 * parameter, and a statement binds at most 100), recomputed from the source tables as they stand
 * at this point of the batch. Unknown codes are ignored.
 */
export function refreshPublicLabels(db: Db, codes: string | readonly string[]) {
  const list = typeof codes === "string" ? [codes] : [...new Set(codes)];
  return db
    .insert(publicLabels)
    .select(
      db
        .select({
          code: structures.code,
          name: structures.name,
          network: structures.network,
          city: structures.city,
          department: structures.department,
          searchText: structures.searchText,
          labelNumber: labels.number,
          tier: labels.tier,
          status: labels.status,
          awardedOn: labels.awardedOn,
          expiresOn: labels.expiresOn,
          supersededBy: labels.supersededBy,
          certifierId: labels.certifierId,
          certifierName: certifiers.name,
          region: structures.region,
          results: resultsOf(labels.decisionId).as("results"),
          agentsScore: agentsScoreOf(labels.decisionId).as("agents_score"),
          // A candidate: assigned to a body, no label yet (the figures count them).
          candidate: sql<boolean>`(${labels.number} is null and ${structures.certifierId} is not null)`.as("candidate"),
          auditFunded: structures.auditFunded,
          history: historyOf(structures.code).as("history"),
        })
        .from(structures)
        .leftJoin(labels, eq(labels.number, currentLabelNumber))
        .leftJoin(certifiers, eq(certifiers.id, labels.certifierId))
        // A WHERE is also what lets SQLite parse `INSERT … SELECT … ON CONFLICT` (no join ambiguity).
        .where(list.length === 1 ? eq(structures.code, list[0]!) : inArray(structures.code, list)),
    )
    .onConflictDoUpdate({ target: publicLabels.code, set: excluded });
}

/** A body's new name on the public rows of the labels it awarded (one indexed UPDATE). */
export function renamePublicCertifier(db: Db, certifierId: string, name: string) {
  return db.update(publicLabels).set({ certifierName: name }).where(eq(publicLabels.certifierId, certifierId));
}
