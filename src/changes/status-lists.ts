/**
 * Intents of kind `status-list` (subject: `<purpose>/<list>`): the W3C Bitstring status list credential
 * of that purpose and list is computed again from the labels' statuses (a withdrawn label's bit set in
 * `revocation`, a suspended one's in `suspension`, both in `message` with 2 bits per entry: every label
 * change queues all three purposes of its list) and, when a bit changed or its key is no longer
 * published, signed again, stored, and purged from the caches like any public answer (its own Cache-Tag).
 * A burst of changes to one list leaves one pending intent: one signature, however many bits flipped.
 * @see docs/adr/0006-verifiable-credentials.md
 */
import { issuerKeys } from "../credentials/keys";
import { statusListCredential } from "../credentials/model";
import { sign } from "../credentials/sign";
import { findStatusList, saveStatusList, setBits } from "../db/credentials";
import { STATUS_PURPOSES, type StatusPurpose } from "../db/schema";
import { sha256Hex } from "../lib/crypto";
import { log, loggableError } from "../lib/log";
import { putLastKnownStatusList } from "../public/known-lists";
import type { Deps } from "../services/deps";
import type { EffectHandler, EffectOutcome } from "./effects";
import { insertIntents, lastKnownListIntent } from "./public-change";
import { purgeLocally } from "./purge";

/** Cache-Tag of a status list's answer. */
export const statusTag = (purpose: StatusPurpose, list: string) => `spp-status-${purpose}-${list}`;

export function parseStatusSubject(subject: string): { purpose: StatusPurpose; list: string } | null {
  const [purpose, list, ...rest] = subject.split("/");
  if (rest.length > 0 || !list || !STATUS_PURPOSES.includes(purpose as StatusPurpose)) return null;
  return { purpose: purpose as StatusPurpose, list };
}

/** Runs that lose a save (another run saved, or a bit changed, meanwhile) read and sign again this often. */
export const SAVE_ATTEMPTS = 5;

/**
 * Signs the list again if its bits changed, or its key is no longer published, or it was never signed.
 * The bits are read, then signed, then saved only if no other run saved meanwhile AND the labels still
 * give those bits (checked inside the write: src/db/credentials.ts saveStatusList); a run that loses
 * reads everything again, so what is saved always says what the labels say at the moment it lands.
 * Then purges its cached answers: here at once, everywhere through a `purge` intent of the same batch.
 * @returns whether it was signed
 */
export async function signStatusList(deps: Deps, purpose: StatusPurpose, list: string, now: Date): Promise<boolean> {
  const { db } = deps;
  const keys = await issuerKeys(deps.env);
  const tag = statusTag(purpose, list);
  for (let attempt = 1; attempt <= SAVE_ATTEMPTS; attempt++) {
    const stored = await findStatusList(db, purpose, list);
    const bits = await setBits(db, purpose, list);
    const bitsHash = await sha256Hex(bits.join(","));
    if (stored?.bitsHash === bitsHash && keys.published.some((k) => k.id === stored.verificationMethod)) return false;
    const signed = await sign(await statusListCredential(purpose, list, bits, keys, now), keys);
    const [saved] = await db.batch([
      saveStatusList(
        db,
        {
          purpose,
          list,
          document: JSON.stringify(signed),
          bitsHash,
          verificationMethod: keys.signing.id,
          signedAt: now.toISOString(),
        },
        { read: stored?.generation ?? null, bits },
      ),
      // Its last known copy (for verifiers during a D1 outage) follows by the effects queue; written at once
      // below too, so that an outage starting right after the change finds it. The queued one re-reads D1:
      // whichever run lands last, the copy ends as the list D1 holds.
      ...insertIntents(db, [{ kind: "purge", subject: tag }, lastKnownListIntent(purpose, list)], now.toISOString()),
    ]);
    if ((saved as unknown[]).length > 0) {
      await purgeLocally([tag]);
      await putLastKnownStatusList(deps.env, purpose, list, {
        v: 1,
        factsAt: now.toISOString(),
        document: JSON.stringify(signed),
      }).catch((err) => log.warn("last known status list not written; the queued effect will", loggableError(err)));
      return true;
    }
  }
  throw new Error(`Status list ${purpose}/${list} changed during each of ${SAVE_ATTEMPTS} signings; retried later`);
}

/** Carries out each subject on its own: one list that fails does not hold back the others. */
export async function eachSubject(
  subjects: string[],
  work: (subject: string) => Promise<unknown>,
): Promise<EffectOutcome> {
  const out: EffectOutcome = { done: [], failed: [] };
  for (const subject of subjects) {
    try {
      await work(subject);
      out.done.push(subject);
    } catch (err) {
      out.failed.push({ subjects: [subject], error: err instanceof Error ? err.message : String(err) });
    }
  }
  return out;
}

export const statusListHandler: EffectHandler = {
  carryOut: (deps, subjects, run) =>
    eachSubject(subjects, async (subject) => {
      const s = parseStatusSubject(subject);
      // A malformed subject can never succeed: done, so it is not retried forever.
      if (s) await signStatusList(deps, s.purpose, s.list, run.now);
    }),
  // CPU only (a few milliseconds: docs/benchmarks.md), no call outside: done before the change answers.
  background: () => false,
  perCronRun: () => 20,
};
