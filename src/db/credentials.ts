/**
 * Reads and writes of verifiable credentials and status lists: each label's status entry (assigned once),
 * its signed credential, and the signed status lists. Written by the effects in src/changes/
 * (credentials.ts, status-lists.ts); read by the public routes (src/routes/credentials.ts).
 */
import { and, eq, inArray, like, or, sql } from "drizzle-orm";
import { STATUS_SIZE } from "../credentials/model";
import { batchable, type Db } from "./client";
import {
  credentials,
  decisions,
  labels,
  referentials,
  type StatusPurpose,
  statusEntries,
  statusLists,
  structures,
} from "./schema";

/** What a structure's labels' credentials are built from, one row per label. */
export async function labelFactsOf(db: Db, structureCode: string) {
  return db
    .select({
      number: labels.number,
      tier: labels.tier,
      status: labels.status,
      awardedOn: labels.awardedOn,
      expiresOn: labels.expiresOn,
      code: structures.code,
      name: structures.name,
      referentialVersion: decisions.referentialVersion,
      official: referentials.official,
      list: statusEntries.list,
      index: statusEntries.index,
      contentHash: credentials.contentHash,
      verificationMethod: credentials.verificationMethod,
      generation: credentials.generation,
    })
    .from(labels)
    .innerJoin(structures, eq(structures.code, labels.structureCode))
    .leftJoin(decisions, eq(decisions.id, labels.decisionId))
    .leftJoin(referentials, eq(referentials.version, decisions.referentialVersion))
    .leftJoin(statusEntries, eq(statusEntries.labelNumber, labels.number))
    .leftJoin(credentials, eq(credentials.labelNumber, labels.number))
    .where(eq(labels.structureCode, structureCode));
}

/** The status lists of one year, in order: `2026`, then `2026-2`, `2026-3`… once each is full. */
export const listOfYear = (year: string, ordinal: number) => (ordinal === 1 ? year : `${year}-${ordinal}`);
const ordinalOf = (list: string) => Number(list.split("-")[1] ?? 1);

/**
 * The list a new entry of this year goes to: the first that still has room for one more, or the next
 * one (a new list of the same year) when all are full. `capacity`: entries a list takes (configuration,
 * STATUS_LIST_CAPACITY; never more than the 131,072 bits a list holds).
 */
export async function openListOfYear(db: Db, year: string, capacity: number): Promise<string> {
  const rows = await db
    .select({ list: statusEntries.list, entries: sql<number>`count(*)` })
    .from(statusEntries)
    .where(or(eq(statusEntries.list, year), like(statusEntries.list, `${year}-%`)))
    .groupBy(statusEntries.list);
  const lists = rows.sort((a, b) => ordinalOf(a.list) - ordinalOf(b.list));
  const open = lists.find((l) => l.entries < capacity);
  return open?.list ?? listOfYear(year, (lists.length > 0 ? ordinalOf(lists.at(-1)!.list) : 0) + 1);
}

/**
 * Gives a label its place in `list`: an index drawn at random among the free ones below `capacity`
 * (64 draws; past them, when the list is nearly full, the lowest free index), only while the list has
 * room — counted in the statement, so two concurrent assignments never overfill it. Changes nothing
 * if the label has a place already, or the list is full (the caller then picks the next list). A
 * concurrent draw of the same index fails on `status_entries_list_index`: the caller tries again.
 */
export function assignStatusEntry(db: Db, labelNumber: string, list: string, capacity: number) {
  const taken = sql`SELECT idx FROM ${statusEntries} WHERE list = ${list}`;
  return batchable(
    db,
    sql`
    WITH RECURSIVE draw(n, i) AS (
      SELECT 0, (random() % ${capacity} + ${capacity}) % ${capacity}
      UNION ALL SELECT n + 1, (random() % ${capacity} + ${capacity}) % ${capacity} FROM draw WHERE n < 63
    ),
    free(i) AS (
      SELECT i FROM draw WHERE i NOT IN (${taken})
      UNION ALL SELECT 0 WHERE 0 NOT IN (${taken})
      UNION ALL SELECT min(e.idx + 1) FROM ${statusEntries} e
        WHERE e.list = ${list} AND e.idx + 1 < ${capacity} AND e.idx + 1 NOT IN (${taken})
    )
    INSERT INTO ${statusEntries} (label_number, list, idx)
    SELECT ${labelNumber}, ${list}, i FROM free
    WHERE i IS NOT NULL AND (SELECT count(*) FROM ${statusEntries} WHERE list = ${list}) < ${capacity}
    LIMIT 1
    ON CONFLICT (label_number) DO NOTHING`,
  );
}

/** A label's place, if it has one. */
export async function statusEntryOf(db: Db, labelNumber: string) {
  const [row] = await db.select().from(statusEntries).where(eq(statusEntries.labelNumber, labelNumber));
  return row ?? null;
}

/**
 * Saves a signed credential, only if the generation `read` (with the facts it was built from; null:
 * none was stored) is still the stored one: a run that read before another run saved loses, and signs
 * again from a fresh read. Returns the new generation, or nothing when it lost (RETURNING gives no row).
 */
export function saveCredential(db: Db, row: Omit<typeof credentials.$inferInsert, "generation">, read: number | null) {
  const { labelNumber: _, ...update } = row;
  return db
    .insert(credentials)
    .values({ ...row, generation: 1 })
    .onConflictDoUpdate({
      target: credentials.labelNumber,
      set: { ...update, generation: sql`${credentials.generation} + 1` },
      setWhere: read === null ? sql`false` : eq(credentials.generation, read),
    })
    .returning({ generation: credentials.generation });
}

/** A label's signed credential, or null (not signed yet). */
export async function findCredential(db: Db, labelNumber: string): Promise<string | null> {
  const [row] = await db
    .select({ document: credentials.document })
    .from(credentials)
    .where(eq(credentials.labelNumber, labelNumber));
  return row?.document ?? null;
}

/**
 * Which labels have bits set in a list of a purpose: the withdrawn ones in `revocation`, the suspended
 * ones in `suspension`, both in `message`. The one place that says what a bit means: the signed bits are
 * read with it, and a save lands only if it still gives the bits that were signed.
 */
const STATUS_OF_PURPOSE = { revocation: "withdrawn", suspension: "suspended" } as const;

/**
 * The set bit positions of a list, in order, as a query (read before signing, checked again by the
 * save). In `message`, an entry is STATUS_SIZE (2) bits, most significant first, holding 0x1 suspended or
 * 0x2 withdrawn (the `statusMessage` of src/credentials/model.ts): withdrawn sets the entry's first bit,
 * suspended its second. test/credentials.test.ts reads each state back with the status library.
 */
// Written into the SQL, not bound: D1 binds a JS number as a REAL, which would make every position a REAL
// (`5.0`), and the save's check, comparing the positions as text with the ones signed (`5`), would never hold.
const ENTRY_BITS = sql.raw(String(STATUS_SIZE));
const setBitsQuery = (purpose: StatusPurpose, list: string) =>
  purpose === "message"
    ? sql`
  SELECT se.idx * ${ENTRY_BITS} + (CASE l.status WHEN 'withdrawn' THEN 0 ELSE 1 END) AS idx
  FROM ${statusEntries} se JOIN ${labels} l ON l.number = se.label_number
  WHERE se.list = ${list} AND l.status IN ('withdrawn', 'suspended') ORDER BY 1`
    : sql`
  SELECT se.idx FROM ${statusEntries} se JOIN ${labels} l ON l.number = se.label_number
  WHERE se.list = ${list} AND l.status = ${STATUS_OF_PURPOSE[purpose]} ORDER BY se.idx`;

/** The indexes whose bit is set in a list, in order. */
export async function setBits(db: Db, purpose: StatusPurpose, list: string): Promise<number[]> {
  const rows = await db.all<{ idx: number }>(setBitsQuery(purpose, list));
  return rows.map((r) => r.idx);
}

export async function findStatusList(db: Db, purpose: StatusPurpose, list: string) {
  const [row] = await db
    .select()
    .from(statusLists)
    .where(and(eq(statusLists.purpose, purpose), eq(statusLists.list, list)));
  return row ?? null;
}

/** Which of these lists exist (signed at least once), as `purpose/list`. */
export async function existingStatusLists(db: Db, lists: readonly string[]): Promise<Set<string>> {
  if (lists.length === 0) return new Set();
  const rows = await db
    .select({ purpose: statusLists.purpose, list: statusLists.list })
    .from(statusLists)
    .where(inArray(statusLists.list, [...lists]));
  return new Set(rows.map((r) => `${r.purpose}/${r.list}`));
}

/**
 * Saves a signed status list, only if (1) the generation `read` before signing (null: none stored) is
 * still the stored one — a run that read before another run saved loses — and (2) the list's bits, as
 * the labels say NOW (inside the write), are still the `bits` that were signed: a label suspended or
 * withdrawn while the list was being signed makes the save land nothing. The loser reads and signs again.
 * Returns the new generation, or no row when it lost.
 */
export function saveStatusList(
  db: Db,
  row: Omit<typeof statusLists.$inferInsert, "generation">,
  signed: { read: number | null; bits: readonly number[] },
) {
  const bits = signed.bits.length > 0 ? signed.bits.join(",") : null;
  return batchable(
    db,
    sql`
    INSERT INTO ${statusLists} (purpose, list, document, bits_hash, verification_method, signed_at, generation)
    SELECT ${row.purpose}, ${row.list}, ${row.document}, ${row.bitsHash}, ${row.verificationMethod}, ${row.signedAt}, 1
    WHERE (SELECT group_concat(idx, ',') FROM (${setBitsQuery(row.purpose, row.list)})) IS ${bits}
    ON CONFLICT (purpose, list) DO UPDATE SET
      document = excluded.document, bits_hash = excluded.bits_hash,
      verification_method = excluded.verification_method, signed_at = excluded.signed_at,
      generation = ${statusLists.generation} + 1
    WHERE ${read(signed.read)}
    RETURNING generation`,
  );
}

const read = (generation: number | null) =>
  generation === null ? sql`false` : sql`${statusLists.generation} = ${generation}`;
