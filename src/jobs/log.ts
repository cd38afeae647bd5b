/**
 * The log job, run by the minute cron (src/scheduled.ts) and after tests' writes: hashes the leaves
 * appended since its last run (their events' batches wrote them, in commit order), stores every complete
 * subtree they complete, and signs a checkpoint of the whole tree when it grew — so a checkpoint is at
 * most a minute behind the last event. Idempotent: two overlapping runs compute and store the same
 * hashes (INSERT OR IGNORE), and each checkpoint they sign is of a real tree size.
 */

import { seedOf } from "../credentials/keys";
import type { Db } from "../db/client";
import {
  insertNodes,
  latestCheckpoint,
  leavesBetween,
  logSizes,
  nodesByCoordinates,
  saveCheckpoint,
  toHex,
} from "../db/log";
import { config } from "../env";
import { decompose, leafHash, newNodes, nodeHash, rootHash } from "../tlog/merkle";
import { noteSigner, signCheckpoint } from "../tlog/note";

/** Leaves hashed per run: a backfill of a million leaves is worked off over the following minutes. */
export const LEAVES_PER_RUN = 20_000;

export type LogRun = { hashed: number; size: number; checkpoint: number | null };

/** The log's origin line and key name: the registry's host and `/log` (C2SP: a schema-less URL). */
export const logOrigin = (publicBaseUrl: string) => `${new URL(publicBaseUrl).host}/log`;

/** The checkpoints' signer under this configuration; null until LOG_SIGNING_KEY is set. */
export async function logSigner(env: Env) {
  const cfg = config(env);
  if (!cfg.LOG_SIGNING_KEY) return null;
  return noteSigner(logOrigin(cfg.PUBLIC_BASE_URL), seedOf(cfg.LOG_SIGNING_KEY, "LOG_SIGNING_KEY"));
}

export async function runLog(db: Db, env: Env): Promise<LogRun> {
  const { leaves, hashed } = await logSizes(db);
  const size = Math.min(leaves, hashed + LEAVES_PER_RUN);
  if (size > hashed) await hashLeaves(db, hashed, size);
  const signer = await logSigner(env);
  const [last] = await latestCheckpoint(db);
  if (!signer || size === 0 || (last && last.size >= size)) {
    return { hashed: size - hashed, size, checkpoint: null };
  }
  const get = await lookupFor(db, decompose(0, size));
  const root = await rootHash(size, get);
  await saveCheckpoint(db, size, toHex(root), await signCheckpoint(signer, size, root));
  return { hashed: size - hashed, size, checkpoint: size };
}

/** Hashes leaves [from, to) and stores them and every subtree they complete. */
async function hashLeaves(db: Db, from: number, to: number) {
  const rows = await leavesBetween(db, from, to);
  if (rows.length !== to - from || rows.some((r, i) => r.idx !== from + i)) {
    // Indexes come from max(idx) + 1 in each event's batch: a gap would mean a lost leaf. Say so loudly.
    throw new Error(`log leaves ${from}–${to - 1} are not contiguous`);
  }
  const known = new Map<string, Uint8Array>();
  const out: { level: number; idx: number; hash: string }[] = [];
  for (const r of rows) {
    const h = await leafHash(new TextEncoder().encode(r.data));
    known.set(`0/${r.idx}`, h);
    out.push({ level: 0, idx: r.idx, hash: toHex(h) });
  }
  const created = newNodes(from, to);
  // Children older than this run (left siblings completed earlier) are read once, all together.
  const older = created
    .flatMap((n) => [
      { level: n.level - 1, index: 2 * n.index },
      { level: n.level - 1, index: 2 * n.index + 1 },
    ])
    .filter((c) => (c.level === 0 ? c.index < from : !created.some((n) => n.level === c.level && n.index === c.index)));
  for (const [k, v] of await nodesByCoordinates(db, older)) known.set(k, v);
  for (const n of created) {
    const left = known.get(`${n.level - 1}/${2 * n.index}`);
    const right = known.get(`${n.level - 1}/${2 * n.index + 1}`);
    if (!left || !right) throw new Error(`log node ${n.level}/${n.index}: a child is missing`);
    const h = await nodeHash(left, right);
    known.set(`${n.level}/${n.index}`, h);
    out.push({ level: n.level, idx: n.index, hash: toHex(h) });
  }
  await insertNodes(db, out);
}

/** A lookup over the stored hashes of these nodes (throws for one not stored: the tree is not there yet). */
export async function lookupFor(db: Db, nodes: ReturnType<typeof decompose>) {
  const found = await nodesByCoordinates(db, nodes);
  return (n: { level: number; index: number }) => {
    const h = found.get(`${n.level}/${n.index}`);
    if (!h) throw new Error(`log node ${n.level}/${n.index} is not stored yet`);
    return h;
  };
}
