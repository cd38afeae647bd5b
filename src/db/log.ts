/**
 * The transparency log's rows (migration 0025): leaves appended by triggers in the batch of each event,
 * the complete subtrees' hashes and the signed checkpoints written by the log job (src/tlog/job.ts).
 * Hashes are stored as hex.
 */
import { and, asc, between, desc, eq, sql } from "drizzle-orm";
import type { Node } from "../tlog/merkle";
import type { Db } from "./client";
import { logCheckpoints, logLeaves, logNodes } from "./schema";

export const toHex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
export const fromHex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (x) => Number.parseInt(x, 16));

/** How many leaves the log holds (committed events), and how many of them are hashed. */
export async function logSizes(db: Db): Promise<{ leaves: number; hashed: number }> {
  const [r] = await db.all<{ leaves: number; hashed: number }>(sql`
    SELECT (SELECT coalesce(max(idx) + 1, 0) FROM ${logLeaves}) AS leaves,
           (SELECT coalesce(max(idx) + 1, 0) FROM ${logNodes} WHERE level = 0) AS hashed`);
  return r ?? { leaves: 0, hashed: 0 };
}

/** Leaves [from, to), in order. */
export function leavesBetween(db: Db, from: number, to: number) {
  return db
    .select({ idx: logLeaves.idx, data: logLeaves.data })
    .from(logLeaves)
    .where(between(logLeaves.idx, from, to - 1))
    .orderBy(asc(logLeaves.idx));
}

/** Hashes of level `level` nodes [from, to), in order (a tile). */
export function nodesBetween(db: Db, level: number, from: number, to: number) {
  return db
    .select({ idx: logNodes.idx, hash: logNodes.hash })
    .from(logNodes)
    .where(and(eq(logNodes.level, level), between(logNodes.idx, from, to - 1)))
    .orderBy(asc(logNodes.idx));
}

/** The stored hashes of these nodes, by `level/index`; one query per 45 nodes (D1's 100 bound parameters). */
export async function nodesByCoordinates(db: Db, nodes: readonly Node[]): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (let i = 0; i < nodes.length; i += 45) {
    const chunk = nodes.slice(i, i + 45);
    const rows = await db.all<{ level: number; idx: number; hash: string }>(sql`
      SELECT level, idx, hash FROM ${logNodes}
      WHERE (level, idx) IN (VALUES ${sql.join(
        chunk.map((n) => sql`(${n.level}, ${n.index})`),
        sql`, `,
      )})`);
    for (const r of rows) out.set(`${r.level}/${r.idx}`, fromHex(r.hash));
  }
  return out;
}

/** Stores computed nodes; idempotent (two runs compute the same hashes). */
export async function insertNodes(db: Db, rows: { level: number; idx: number; hash: string }[]) {
  const statements = [];
  for (let i = 0; i < rows.length; i += 33) {
    statements.push(
      db
        .insert(logNodes)
        .values(rows.slice(i, i + 33))
        .onConflictDoNothing(),
    );
  }
  for (let i = 0; i < statements.length; i += 50) {
    const [first, ...rest] = statements.slice(i, i + 50);
    if (first) await db.batch([first, ...rest]);
  }
}

export const latestCheckpoint = (db: Db) =>
  db.select().from(logCheckpoints).orderBy(desc(logCheckpoints.size)).limit(1);

export const saveCheckpoint = (db: Db, size: number, root: string, note: string) =>
  db.insert(logCheckpoints).values({ size, root, note }).onConflictDoNothing();

/** The leaf index of each of these label events (the public history's `logIndex`). */
export function leafIndexOfEvents(db: Db, eventIds: readonly string[]) {
  return db
    .select({ idx: logLeaves.idx, eventId: logLeaves.labelEventId })
    .from(logLeaves)
    .where(sql`${logLeaves.labelEventId} IN ${eventIds}`);
}
