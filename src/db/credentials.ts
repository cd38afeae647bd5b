/**
 * Reads and writes of verifiable credentials and status lists: each label's status entry (assigned once),
 * its signed credential, and the signed status lists. Written by the effects in src/changes/
 * (credentials.ts, status-lists.ts); read by the public routes (src/routes/credentials.ts).
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import { listOfLabel, messageBits, STATUS_LIST_LENGTH } from "../credentials/model";
import type { Db } from "./client";
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
    })
    .from(labels)
    .innerJoin(structures, eq(structures.code, labels.structureCode))
    .leftJoin(decisions, eq(decisions.id, labels.decisionId))
    .leftJoin(referentials, eq(referentials.version, decisions.referentialVersion))
    .leftJoin(statusEntries, eq(statusEntries.labelNumber, labels.number))
    .leftJoin(credentials, eq(credentials.labelNumber, labels.number))
    .where(eq(labels.structureCode, structureCode));
}

/**
 * Gives a label its place in its year's status lists: an index drawn at random among the free ones (64
 * draws; a list is never near full: one year of labels fills a few per cent of it). Does nothing if the
 * label has one. A concurrent draw of the same index fails on `status_entries_list_index`: try again.
 */
export function assignStatusEntry(db: Db, labelNumber: string) {
  const list = listOfLabel(labelNumber);
  return db.run(sql`
    WITH RECURSIVE draw(n, i) AS (
      SELECT 0, random() & ${STATUS_LIST_LENGTH - 1}
      UNION ALL SELECT n + 1, random() & ${STATUS_LIST_LENGTH - 1} FROM draw WHERE n < 63
    )
    INSERT INTO ${statusEntries} (label_number, list, idx)
    SELECT ${labelNumber}, ${list}, i FROM draw
    WHERE i NOT IN (SELECT idx FROM ${statusEntries} WHERE list = ${list})
    LIMIT 1
    ON CONFLICT (label_number) DO NOTHING`);
}

export function saveCredential(db: Db, row: typeof credentials.$inferInsert) {
  const { labelNumber: _, ...update } = row;
  return db.insert(credentials).values(row).onConflictDoUpdate({ target: credentials.labelNumber, set: update });
}

/** A label's signed credential, or null (not signed yet). */
export async function findCredential(db: Db, labelNumber: string): Promise<string | null> {
  const [row] = await db
    .select({ document: credentials.document })
    .from(credentials)
    .where(eq(credentials.labelNumber, labelNumber));
  return row?.document ?? null;
}

/** The label status whose labels have their bit set in a one-bit list of this purpose. */
const STATUS_OF_PURPOSE = { revocation: "withdrawn", suspension: "suspended" } as const;

/**
 * The bit positions set in a list: in `message`, each suspended or withdrawn label's two bits
 * (`messageBits`); in the one-bit lists, the index of each label withdrawn (revocation) or suspended.
 */
export async function setBits(db: Db, purpose: StatusPurpose, list: string): Promise<number[]> {
  const states = purpose === "message" ? Object.values(STATUS_OF_PURPOSE) : [STATUS_OF_PURPOSE[purpose]];
  const rows = await db
    .select({ index: statusEntries.index, status: labels.status })
    .from(statusEntries)
    .innerJoin(labels, eq(labels.number, statusEntries.labelNumber))
    .where(and(eq(statusEntries.list, list), inArray(labels.status, states)))
    .orderBy(statusEntries.index);
  return purpose === "message"
    ? rows.flatMap((r) => messageBits(r.index, r.status as "suspended" | "withdrawn"))
    : rows.map((r) => r.index);
}

/** Whether a label in this status has its bit set in some list (so a new entry changes that list). */
export const setsABit = (status: string) => Object.values(STATUS_OF_PURPOSE).includes(status as never);

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

export function saveStatusList(db: Db, row: typeof statusLists.$inferInsert) {
  const { purpose: _p, list: _l, ...update } = row;
  return db
    .insert(statusLists)
    .values(row)
    .onConflictDoUpdate({ target: [statusLists.purpose, statusLists.list], set: update });
}
