/**
 * Registering and editing a structure: its row and its public read-model row in one batch, with the
 * intents of the public change (a registered code stops answering « inconnu »; a new name, town or
 * network shows on its badge and pages), carried out right after.
 */
import { eq, sql } from "drizzle-orm";
import { afterChange } from "../changes/effects";
import {
  FIGURES_TAG,
  figuresChangeStatements,
  intentsOf,
  type PublicChange,
  publicChangeStatements,
} from "../changes/public-change";
import { guardLabelVersion, readLabelVersion, staleLabelState } from "../db/label-version";
import { refreshPublicLabels } from "../db/public-model";
import { publicLabels, structures } from "../db/schema";
import { reindexStructures } from "../db/search";
import { assignCertifier, getStructure, type StructureInput, searchText } from "../db/structures";
import { conflict, invalid } from "../domain/errors";
import { newId } from "../lib/crypto";
import type { Deps } from "./deps";

const taken = (code: string) => conflict(`Structure ${code} already exists (Code SP+ are unique regardless of case)`);

/** The structure registered under this code in any case (one lookup on `structures_code_nocase`). */
export async function findStructureAnyCase(db: Deps["db"], code: string) {
  const [row] = await db
    .select({ code: structures.code })
    .from(structures)
    .where(sql`${structures.code} = ${code} collate nocase`)
    .limit(1);
  return row ?? null;
}

const ownParent = () => invalid("parentCode", "Must differ from code", "A structure cannot be its own parent");

export async function createStructure(deps: Deps, input: StructureInput) {
  const { db } = deps;
  if (input.parentCode === input.code) throw ownParent();
  // Refused before any write (a refused request changes nothing); the batch's ON CONFLICT still guards a race.
  if (await findStructureAnyCase(db, input.code)) throw taken(input.code);
  const now = new Date();
  const change: PublicChange = { structureCode: input.code };
  const [inserted] = await db.batch([
    // Any unique conflict — the code, or the code in another case (`structures_code_nocase`) — is a 409.
    db
      .insert(structures)
      .values({ ...input, searchText: searchText(input) })
      .onConflictDoNothing()
      .returning({ code: structures.code }),
    // On a conflict these recompute the existing structure's rows, and purge its answers: harmless.
    refreshPublicLabels(db, input.code),
    ...reindexStructures(db, input),
    ...publicChangeStatements(db, change, now),
  ]);
  // Recorded intents are carried out whatever the answer (on a conflict: a harmless purge).
  await afterChange(deps, intentsOf(change), now);
  if (inserted.length === 0) throw taken(input.code);
  return getStructure(db, input.code);
}

/**
 * Edits a structure. Its public answers are purged by code and by its current label's number, read
 * before the batch: the batch checks the structure's label version (src/db/label-version.ts) so that an
 * award landing meanwhile cannot leave the new label's answer cached with the old name — and then the
 * edit is decided again (it does not depend on the label, only its purge does), up to three times.
 */
export async function updateStructure(deps: Deps, code: string, patch: Partial<Omit<StructureInput, "code">>) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await updateStructureOnce(deps, code, patch);
    } catch (err) {
      const stale = staleLabelState(err, code);
      if (!stale) throw err;
      if (attempt === 3) throw stale;
    }
  }
}

async function updateStructureOnce(deps: Deps, code: string, patch: Partial<Omit<StructureInput, "code">>) {
  const { db } = deps;
  const version = await readLabelVersion(db, code);
  const current = await getStructure(db, code);
  if (patch.parentCode === code) throw ownParent();
  const now = new Date();
  // Public answers show the name, network and city: by code, and by the current label's number.
  const [pub] = await db
    .select({ labelNumber: publicLabels.labelNumber })
    .from(publicLabels)
    .where(eq(publicLabels.code, code));
  const change: PublicChange = { structureCode: code, labelNumbers: pub?.labelNumber ? [pub.labelNumber] : [] };
  await db.batch([
    guardLabelVersion(db, code, version, { bump: false }),
    db
      .update(structures)
      .set({
        ...patch,
        searchText: searchText({ code, name: patch.name ?? current.name }),
        updatedAt: now.toISOString(),
      })
      .where(eq(structures.code, code)),
    refreshPublicLabels(db, code),
    ...reindexStructures(db, { ...current, ...patch, code }),
    ...publicChangeStatements(db, change, now),
  ]);
  await afterChange(deps, intentsOf(change), now);
  return getStructure(db, code);
}

/**
 * Assigns a body to a structure (its contract reference kept in the history). A structure without a label
 * becomes a candidate: its read-model row and the figures follow in the same batch, and the figures' cached
 * answers are purged.
 */
export async function assignStructure(
  deps: Deps,
  code: string,
  input: { certifierId: string; contractRef: string },
  actor: string,
) {
  const now = new Date();
  const s = await assignCertifier(deps.db, code, input.certifierId, input.contractRef, actor, newId("asg"), [
    refreshPublicLabels(deps.db, code),
    ...figuresChangeStatements(deps.db, now),
  ]);
  await afterChange(deps, [{ kind: "purge", subject: FIGURES_TAG }], now);
  return s;
}
