/**
 * The one concurrency mechanism of label writes (docs/adr/0007-label-versions.md). D1 has no
 * interactive transaction: whatever a verb read before its batch may be stale by the time the batch
 * runs. So every write that changes a structure's label state (its labels, their statuses, its
 * assigned body) reads the structure's `label_version` FIRST, decides on what it reads after, and puts
 * `guardLabelVersion` first in its batch: the version is bumped if it is still the one read, and set to
 * NULL otherwise — the NOT NULL constraint then fails the whole batch (the project's « NULL id » guard,
 * src/db/constraints.ts), and the verb answers 409 (`staleLabelState`). A write that lands whatever the
 * state (an assignment, the daily expiry, decided in SQL) bumps it unconditionally.
 */
import { eq, inArray, type SQL, sql } from "drizzle-orm";
import { conflict } from "../domain/errors";
import type { Db } from "./client";
import { violates } from "./constraints";
import { referentials, structures } from "./schema";

/** The structure's label version now (0 for an unknown code: the verb's own reads say it is unknown). */
export async function readLabelVersion(db: Db, code: string): Promise<number> {
  const [row] = await db.select({ v: structures.labelVersion }).from(structures).where(eq(structures.code, code));
  return row?.v ?? 0;
}

/**
 * First statement of a label write's batch: bumps the structure's version if it is still `read`;
 * otherwise sets it NULL, and the batch fails whole on `structures.label_version`. With `bump: false`
 * it only checks (a write that depends on the label state without changing it: a rename).
 */
export function guardLabelVersion(db: Db, code: string, read: number, opts: { bump?: boolean } = {}) {
  const next = opts.bump === false ? sql`${structures.labelVersion}` : sql`${structures.labelVersion} + 1`;
  return db
    .update(structures)
    .set({ labelVersion: sql`CASE WHEN ${structures.labelVersion} = ${read} THEN ${next} END` as SQL<number> })
    .where(eq(structures.code, code));
}

/** Bumps the versions of the structures `codes` (a subquery or a list): a write decided in SQL itself. */
export function bumpLabelVersions(db: Db, codes: readonly string[] | SQL) {
  return db
    .update(structures)
    .set({ labelVersion: sql`${structures.labelVersion} + 1` })
    .where(Array.isArray(codes) ? inArray(structures.code, [...codes]) : sql`${structures.code} in ${codes}`);
}

/**
 * For the award that freezes a référentiel version (`usedAt`): the revision its evaluation read must
 * still be the current one, else the revision is set NULL and the batch fails on `referentials.revision`.
 */
export function guardReferentialRevision(db: Db, version: string, read: number) {
  return db
    .update(referentials)
    .set({
      usedAt: sql`coalesce(${referentials.usedAt}, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`,
      revision: sql`CASE WHEN ${referentials.revision} = ${read} THEN ${referentials.revision} END` as SQL<number>,
    })
    .where(eq(referentials.version, version));
}

/** What a caller that lost the race hears: nothing of its write landed; read again and decide again. */
export function staleLabelState(err: unknown, code: string) {
  // The schema's own backstops (two renewals of one label; a status change that changed nothing) mean
  // the same: the version is what fails first, they only fire for a write that bypassed it.
  const backstop = violates(err, "labels_supersedes") || violates(err, "label_events.id");
  if (backstop || violates(err, "structures.label_version")) {
    return conflict(
      `The labels of structure ${code} changed while this request was being handled; nothing was recorded. Read them again and decide again if it still applies (a certification body sends it as a new delivery, with a new webhook-id)`,
      [{ path: "structureCode", message: "Changed by another request meanwhile" }],
    );
  }
  if (violates(err, "referentials.revision")) {
    return conflict(
      "The référentiel's rules were edited while this decision was being evaluated; nothing was recorded. Retry: it will be evaluated under the rules as they are now",
      [{ path: "referentialVersion", message: "Edited by another request meanwhile" }],
    );
  }
  return null;
}
