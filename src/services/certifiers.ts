/**
 * Editing a certification body. Its name shows on the public answers of every structure whose current
 * label it awarded: a rename is a public change of each of them, in the same batch.
 */
import { eq } from "drizzle-orm";
import { afterChange } from "../changes/effects";
import { certifierIntents, certifierRenameStatements } from "../changes/public-change";
import { type CertifierInput, checkPeriod, getCertifier } from "../db/certifiers";
import { renamePublicCertifier } from "../db/public-model";
import { certifiers } from "../db/schema";
import type { Deps } from "./deps";

export type CertifierPatch = Partial<Omit<CertifierInput, "habilitation">> & {
  habilitation?: Partial<CertifierInput["habilitation"]>;
};

export async function updateCertifier(deps: Deps, id: string, patch: CertifierPatch) {
  const { db } = deps;
  const current = await getCertifier(db, id);
  const h = patch.habilitation;
  checkPeriod({ from: h?.from ?? current.habilitation.from, until: h?.until ?? current.habilitation.until });
  const now = new Date();
  const update = db
    .update(certifiers)
    .set({
      name: patch.name,
      siret: patch.siret,
      contactEmail: patch.contactEmail,
      habilitationFrom: h?.from,
      habilitationUntil: h?.until,
      habilitationStatus: h?.status,
      updatedAt: now.toISOString(),
    })
    .where(eq(certifiers.id, id));
  if (patch.name !== undefined && patch.name !== current.name) {
    await db.batch([update, renamePublicCertifier(db, id, patch.name), ...certifierRenameStatements(db, id, now)]);
    await afterChange(deps, await certifierIntents(db, id), now);
  } else {
    await update;
  }
  return getCertifier(db, id);
}
