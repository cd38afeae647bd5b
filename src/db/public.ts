/**
 * Public reads: only published fields leave this file (never contacts, SIRET, API keys or actors).
 * Callers pass a D1 session (`withSession("first-unconstrained")`) so reads go to the nearest replica.
 * They read the public read model `public_labels` (one row per structure, kept current in the batch
 * of every write: src/db/public-model.ts): a verification reads one row, a listing page about its size.
 */
import { and, asc, eq, gt, inArray, isNotNull, lt, type SQL, sql } from "drizzle-orm";
import type { PublicStatus } from "../domain/badge";
import type { PublicRef } from "../domain/public-ref";
import type { Db } from "./client";
import type { PublicEvent, StoredResults } from "./public-results";
import { certifiers, labels, publicLabels as p, structures, type Tier } from "./schema";

/** The columns of a public row (`PublicLabelRow`), for every read of the read model. */
export const publicRow = {
  code: p.code,
  name: p.name,
  network: p.network,
  city: p.city,
  department: p.department,
  labelNumber: p.labelNumber,
  tier: p.tier,
  status: p.status,
  awardedOn: p.awardedOn,
  expiresOn: p.expiresOn,
  supersededBy: p.supersededBy,
  certifierName: p.certifierName,
  results: p.results,
  auditFunded: p.auditFunded,
};

/**
 * The history column when a read asks for it (the verification page and the history answer; the last
 * known facts), else `[]` without reading it: the badge, the JSON answer and a bulk verification of 100
 * references don't carry every structure's events.
 */
function historyColumn(history: boolean) {
  return history ? p.history : sql`'[]'`.mapWith(() => [] as PublicEvent[]).as("history");
}

/**
 * One row of the read model: by Code SP+, matched without regard to case (the structure and its
 * current label, if any), or by the number of a current label. Both are one index lookup
 * (`public_labels_code_nocase`, `public_labels_number`).
 */
export function publicLabelQuery(db: Db, ref: PublicRef, history = false) {
  const where = ref.kind === "label" ? eq(p.labelNumber, ref.value) : sql`${p.code} = ${ref.value} collate nocase`;
  return db
    .select({ ...publicRow, history: historyColumn(history) })
    .from(p)
    .where(where)
    .limit(1);
}

/**
 * A label number that is not a current one (a renewed label, or a withdrawn one followed by a new
 * award) is not in the read model: that label, whichever its place in the renewal chain, from the
 * source tables (label, structure and body by primary key: 3 rows; the history, one more). The
 * structure's and the body's names are both `name` in SQL, and D1's batch answers rows keyed by column
 * name: each is aliased, or the body's name would answer as the structure's (and the body as null). No
 * results: those are the current label's.
 */
export function pastLabelQuery(db: Db, number: string, history = false) {
  return db
    .select({
      code: structures.code,
      name: sql<string>`${structures.name}`.as("structure_name"),
      network: structures.network,
      city: structures.city,
      department: structures.department,
      labelNumber: labels.number,
      tier: labels.tier,
      status: labels.status,
      awardedOn: labels.awardedOn,
      expiresOn: labels.expiresOn,
      supersededBy: labels.supersededBy,
      certifierName: sql<string | null>`${certifiers.name}`.as("certifier_name"),
      // The results are those behind the CURRENT label (the read model's): a past label answers none.
      results: sql<StoredResults | null>`null`.as("results"),
      auditFunded: structures.auditFunded,
      // The structure's history is in its read-model row, whichever label was asked.
      history: history
        ? sql`(select ${p.history} from ${p} where ${p.code} = ${structures.code})`
            .mapWith((v: string | null) => (v ? (JSON.parse(v) as PublicEvent[]) : []))
            .as("history")
        : historyColumn(false),
    })
    .from(labels)
    .innerJoin(structures, eq(structures.code, labels.structureCode))
    .leftJoin(certifiers, eq(certifiers.id, labels.certifierId))
    .where(eq(labels.number, number))
    .limit(1);
}

/** The columns of a public row, for searches (src/db/public-search.ts) that return the same rows. */
export { publicRow as publicLabelFields };

/** A row of the read model as listings and searches read it (no history). */
export type PublicLabelRow = Omit<PublicAnswerRow, "history">;
/** A row as one reference's lookup reads it: its history is `[]` unless asked for. */
export type PublicAnswerRow = Awaited<ReturnType<typeof publicLabelQuery>>[number];

export async function findPublicLabel(db: Db, ref: PublicRef, history = false): Promise<PublicAnswerRow | null> {
  return (await findPublicLabels(db, [ref], history))[0] ?? null;
}

/**
 * Rows of the read model for many references at once (bulk verification), in the order asked: one
 * round trip for the current rows, one more for label numbers that are not current ones; null for an
 * unknown reference. `findPublicLabel` is this for one reference.
 */
export async function findPublicLabels(
  db: Db,
  refs: readonly PublicRef[],
  history = false,
): Promise<(PublicAnswerRow | null)[]> {
  if (refs.length === 0) return [];
  const [first, ...rest] = refs.map((r) => publicLabelQuery(db, r, history));
  const current = (await db.batch([first!, ...rest])).map((rows) => rows[0] ?? null);
  const past = refs.flatMap((r, i) => (current[i] || r.kind !== "label" ? [] : [i]));
  if (past.length > 0) {
    const [p0, ...pn] = past.map((i) => pastLabelQuery(db, refs[i]!.value, history));
    const found = await db.batch([p0!, ...pn]);
    past.forEach((i, k) => {
      current[i] = found[k]![0] ?? null;
    });
  }
  return current;
}

export type PublicListFilter = {
  tier?: Tier;
  status?: Exclude<PublicStatus, "none">;
  network?: string;
  department?: string;
  limit: number;
  /** Keyset: the last row's structure code (one row per structure). */
  after?: string;
  today: string;
};

/**
 * The public status in SQL, as `publicStatus` (src/domain/badge.ts) computes it: a stored `valid` or
 * `suspended` label whose last day is before today shows `expired`. Each branch is an indexed range;
 * `expired` is two (stored expired, and valid/suspended past their end), read as two queries.
 */
export function statusBranches(status: PublicListFilter["status"], today: string): (SQL | undefined)[] {
  // `+expires_on` keeps the planner on (status, code), whose order is the listing's: the expiry
  // check only drops the few labels the daily job has not lapsed yet.
  const notPast = sql`+${p.expiresOn} >= ${today}`;
  switch (status) {
    case undefined:
      return [undefined];
    case "valid":
    case "suspended":
      return [and(eq(p.status, status), notPast)];
    case "withdrawn":
      return [eq(p.status, "withdrawn")];
    case "expired":
      return [eq(p.status, "expired"), and(inArray(p.status, ["valid", "suspended"]), lt(p.expiresOn, today))];
  }
}

/**
 * The queries of one listing page (one, or two for `status=expired`), each reading at most a page
 * plus one row in code order. Exported for query-plan tests.
 */
export function listPublicLabelsQueries(db: Db, f: PublicListFilter) {
  const common: (SQL | undefined)[] = [
    isNotNull(p.labelNumber),
    f.tier ? eq(p.tier, f.tier) : undefined,
    f.network ? eq(p.network, f.network) : undefined,
    f.department ? eq(p.department, f.department) : undefined,
    f.after !== undefined ? gt(p.code, f.after) : undefined,
  ];
  return statusBranches(f.status, f.today).map((status) =>
    db
      .select(publicRow)
      .from(p)
      .where(and(...common, status))
      .orderBy(asc(p.code))
      .limit(f.limit + 1),
  );
}

/**
 * Open-data listing: one row per labelled structure (its current label), sorted by Code SP+ so it
 * joins with the DITP's `export-structures` on `code_sp_de_la_structure`; `next` is the last code.
 */
export async function listPublicLabels(db: Db, f: PublicListFilter) {
  const [first, second] = listPublicLabelsQueries(db, f);
  // Two queries go in one batch: one round trip; their rows are disjoint (different stored statuses).
  const parts = second ? await db.batch([first!, second]) : [await first!];
  const rows = parts
    .flat()
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
    .slice(0, f.limit + 1);
  const items = rows.slice(0, f.limit);
  const last = items.at(-1);
  return { items, next: rows.length > f.limit && last ? last.code : null };
}

/**
 * Codes SP+ of the public read model in code order (the primary key's), `limit` from `offset`: the
 * verification pages a sitemap lists. Every known structure has one, labelled or not.
 */
export async function publicCodes(db: Db, offset: number, limit: number): Promise<string[]> {
  const rows = await db.select({ code: p.code }).from(p).orderBy(p.code).limit(limit).offset(offset);
  return rows.map((r) => r.code);
}

/** How many verification pages there are (one per known structure). */
export async function countPublicCodes(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)` }).from(p);
  return row?.n ?? 0;
}
