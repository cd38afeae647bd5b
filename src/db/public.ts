/**
 * Public reads: only published fields leave this file (never contacts, SIRET, API keys or actors).
 * Callers pass a D1 session (`withSession("first-unconstrained")`) so reads go to the nearest replica.
 */
import { and, asc, desc, eq, gt, gte, isNull, like, lt, or, type SQL, sql } from "drizzle-orm";
import type { PublicStatus } from "../domain/badge";
import { LABEL_NUMBER_PATTERN } from "../domain/identifiers";
import { fold, likeEscape } from "../lib/text";
import type { Db } from "./client";
import { certifiers, labelEvents, labels, structures, type Tier } from "./schema";

const row = {
  code: structures.code,
  name: structures.name,
  network: structures.network,
  city: structures.city,
  department: structures.department,
  labelNumber: labels.number,
  tier: labels.tier,
  status: labels.status,
  awardedOn: labels.awardedOn,
  expiresOn: labels.expiresOn,
  supersededBy: labels.supersededBy,
  certifierName: certifiers.name,
};

/**
 * The current label of a structure: its latest label not superseded by a renewal. Ties on the
 * award day go to the latest inserted (`rowid`), which the `labels_structure` index already orders:
 * no sort, one index entry read.
 */
const currentLabelNumber = sql`(select ${labels.number} from ${labels} where ${labels.structureCode} = ${structures.code} and ${labels.supersededBy} is null order by ${labels.awardedOn} desc, ${labels}.rowid desc limit 1)`;

/**
 * One statement per ref: by label number (that label, whichever its place in the renewal chain)
 * or by Code SP+ (the structure and its current label, if any).
 */
export function publicLabelQuery(db: Db, ref: string) {
  const byNumber = LABEL_NUMBER_PATTERN.test(ref);
  const q = byNumber
    ? db
        .select(row)
        .from(labels)
        .innerJoin(structures, eq(structures.code, labels.structureCode))
        .leftJoin(certifiers, eq(certifiers.id, labels.certifierId))
        .where(eq(labels.number, ref))
    : db
        .select(row)
        .from(structures)
        .leftJoin(labels, eq(labels.number, currentLabelNumber))
        .leftJoin(certifiers, eq(certifiers.id, labels.certifierId))
        .where(eq(structures.code, ref));
  return q.limit(1);
}

export type PublicLabelRow = Awaited<ReturnType<typeof publicLabelQuery>>[number];

export async function findPublicLabel(db: Db, ref: string): Promise<PublicLabelRow | null> {
  const [r] = await publicLabelQuery(db, ref);
  return r ?? null;
}

/** Status changes of every label of a structure, newest first (no actor, no free-text reason). */
export async function publicHistory(db: Db, structureCode: string, max = 50) {
  return db
    .select({
      labelNumber: labelEvents.labelNumber,
      type: labelEvents.type,
      toStatus: labelEvents.toStatus,
      effectiveOn: labelEvents.effectiveOn,
      tier: labels.tier,
    })
    .from(labelEvents)
    .innerJoin(labels, eq(labels.number, labelEvents.labelNumber))
    .where(eq(labels.structureCode, structureCode))
    .orderBy(desc(labelEvents.effectiveOn), desc(labelEvents.createdAt))
    .limit(max);
}

export type PublicListFilter = {
  tier?: Tier;
  status?: Exclude<PublicStatus, "none">;
  network?: string;
  department?: string;
  q?: string;
  limit: number;
  /** Keyset: the last row's (structure code, label number). */
  after?: [string, string];
  today: string;
};

/** Status as the public sees it, in SQL: a `valid` label past its last day is expired. */
function statusWhere(status: PublicListFilter["status"], today: string): SQL | undefined {
  switch (status) {
    case undefined:
      return undefined;
    case "valid":
      return and(eq(labels.status, "valid"), gte(labels.expiresOn, today));
    case "expired":
      return or(eq(labels.status, "expired"), and(eq(labels.status, "valid"), lt(labels.expiresOn, today)));
    default:
      return eq(labels.status, status);
  }
}

/**
 * Open-data listing: the current (not superseded) labels, sorted by Code SP+ then label number,
 * so it joins with the DITP's `export-structures` on `code_sp_de_la_structure`.
 */
export async function listPublicLabels(db: Db, f: PublicListFilter) {
  const where: (SQL | undefined)[] = [
    isNull(labels.supersededBy),
    f.tier ? eq(labels.tier, f.tier) : undefined,
    statusWhere(f.status, f.today),
    f.network ? eq(structures.network, f.network) : undefined,
    f.department ? eq(structures.department, f.department) : undefined,
    f.after
      ? or(
          gt(labels.structureCode, f.after[0]),
          and(eq(labels.structureCode, f.after[0]), gt(labels.number, f.after[1])),
        )
      : undefined,
  ];
  if (f.q) {
    const q = likeEscape(fold(f.q));
    where.push(or(like(structures.searchText, `%${q}%`), like(structures.code, `${likeEscape(f.q)}%`)));
  }
  const rows = await db
    .select(row)
    .from(labels)
    .innerJoin(structures, eq(structures.code, labels.structureCode))
    .leftJoin(certifiers, eq(certifiers.id, labels.certifierId))
    .where(and(...where))
    .orderBy(asc(labels.structureCode), asc(labels.number))
    .limit(f.limit + 1);
  const items = rows.slice(0, f.limit);
  const last = items.at(-1);
  return { items, next: rows.length > f.limit && last?.labelNumber ? ([last.code, last.labelNumber] as const) : null };
}
