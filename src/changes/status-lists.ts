/**
 * Intents of kind `status-list` (subject: `<purpose>/<list>`): the W3C Bitstring status list credential
 * of that purpose and list is computed again from the labels' statuses (a withdrawn label's bit set in
 * `revocation`, a suspended one's in `suspension`) and, when a bit changed or its key is no longer
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
import type { Deps } from "../services/deps";
import type { EffectHandler, EffectOutcome } from "./effects";
import { insertIntents } from "./public-change";
import { purgeLocally } from "./purge";

/** Cache-Tag of a status list's answer. */
export const statusTag = (purpose: StatusPurpose, list: string) => `spp-status-${purpose}-${list}`;

export function parseStatusSubject(subject: string): { purpose: StatusPurpose; list: string } | null {
  const [purpose, list, ...rest] = subject.split("/");
  if (rest.length > 0 || !list || !STATUS_PURPOSES.includes(purpose as StatusPurpose)) return null;
  return { purpose: purpose as StatusPurpose, list };
}

/**
 * Signs the list again if its bits changed, or its key is no longer published, or it was never signed.
 * Then purges its cached answers: here at once, everywhere through a `purge` intent.
 * @returns whether it was signed
 */
export async function signStatusList(deps: Deps, purpose: StatusPurpose, list: string, now: Date): Promise<boolean> {
  const { db } = deps;
  const keys = await issuerKeys(deps.env);
  const bits = await setBits(db, purpose, list);
  const bitsHash = await sha256Hex(bits.join(","));
  const stored = await findStatusList(db, purpose, list);
  if (stored?.bitsHash === bitsHash && keys.published.some((k) => k.id === stored.verificationMethod)) return false;
  const signed = await sign(await statusListCredential(purpose, list, bits, keys, now), keys);
  const tag = statusTag(purpose, list);
  await db.batch([
    saveStatusList(db, {
      purpose,
      list,
      document: JSON.stringify(signed),
      bitsHash,
      verificationMethod: keys.signing.id,
      signedAt: now.toISOString(),
    }),
    ...insertIntents(db, [{ kind: "purge", subject: tag }], now.toISOString()),
  ]);
  await purgeLocally([tag]);
  return true;
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
