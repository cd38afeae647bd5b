/** Référentiel versions: create, edit until used, activate one, read. */
import { asc, eq, gt, sql } from "drizzle-orm";
import { conflict, DomainError, notFound } from "../domain/errors";
import type { Referential, ReferentialInput } from "../domain/referential";
import type { Db } from "./client";
import { referentials } from "./schema";

type Row = typeof referentials.$inferSelect;

function present(row: Row) {
  // The revision is the award's concurrency guard (src/db/label-version.ts), not part of the contract.
  const { rules, revision: _revision, ...rest } = row;
  return { ...rest, rules };
}
export type ReferentialView = ReturnType<typeof present>;

/** The rules as the tier engine reads them. */
export function toReferential(row: Pick<Row, "version" | "official" | "rules">): Referential {
  return { ...row.rules, version: row.version, official: row.official };
}

export async function findReferential(db: Db, version: string) {
  const [row] = await db.select().from(referentials).where(eq(referentials.version, version));
  return row ?? null;
}

export async function getReferential(db: Db, version: string) {
  const row = await findReferential(db, version);
  if (!row) throw notFound(`Référentiel version ${version}`);
  return present(row);
}

/** The active version; a registry without one cannot evaluate (the seed migration installs one). */
export async function getActiveReferential(db: Db) {
  const [row] = await db.select().from(referentials).where(eq(referentials.active, true));
  if (!row) throw new DomainError("invalid", "No référentiel version is active; activate one first");
  return row;
}

export async function listReferentials(db: Db, limit: number, after?: string) {
  const rows = await db
    .select()
    .from(referentials)
    .where(after ? gt(referentials.version, after) : undefined)
    .orderBy(asc(referentials.version))
    .limit(limit + 1);
  const items = rows.slice(0, limit).map(present);
  return { items, next: rows.length > limit ? (items.at(-1)?.version ?? null) : null };
}

/** Creates a version, inactive; `activate` makes it the one evaluations use. */
export async function createReferential(db: Db, input: ReferentialInput) {
  const inserted = await db
    .insert(referentials)
    .values({ version: input.version, description: input.description, official: input.official, rules: input.rules })
    .onConflictDoNothing()
    .returning({ version: referentials.version });
  if (inserted.length === 0) throw conflict(`Référentiel version ${input.version} already exists`);
  return getReferential(db, input.version);
}

/**
 * Replaces a version's rules while no decision has used it (e.g. to fill in engagement 8's wording).
 * The `used_at IS NULL` guard is in the statement itself, so a decision landing meanwhile wins.
 */
export async function updateReferential(db: Db, version: string, input: Omit<ReferentialInput, "version">) {
  await getReferential(db, version);
  const updated = await db
    .update(referentials)
    .set({
      description: input.description,
      official: input.official,
      rules: input.rules,
      updatedAt: new Date().toISOString(),
      // An award evaluated under the previous rules and not landed yet must not freeze these.
      revision: sql`${referentials.revision} + 1`,
    })
    .where(sql`${referentials.version} = ${version} AND ${referentials.usedAt} IS NULL`)
    .returning({ version: referentials.version });
  if (updated.length === 0) {
    throw conflict(`Référentiel version ${version} has been used by a decision and is immutable`);
  }
  return getReferential(db, version);
}

/** Makes `version` the only active one (one batch: the partial unique index allows a single active row). */
export async function activateReferential(db: Db, version: string) {
  await getReferential(db, version);
  await db.batch([
    db.update(referentials).set({ active: false }).where(eq(referentials.active, true)),
    db
      .update(referentials)
      .set({ active: true, updatedAt: new Date().toISOString() })
      .where(eq(referentials.version, version)),
  ]);
  return getReferential(db, version);
}
