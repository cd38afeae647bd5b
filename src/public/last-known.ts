/**
 * The last known public answer: for every structure (by its Code SP+) and every one of its labels (by
 * number), the facts its public answers are rendered from — the read-model row, the public history, the
 * signed credential — as they were when last read from D1, with that time. Written to Workers KV by the
 * `last-known` effect of every change (src/changes/last-known.ts); purges never touch it. Read only when D1
 * fails or exceeds its budget: the answer is then rendered from these facts as of today (a label past its
 * last day shows « expiré »; a suspended one stays suspended), marked stale with the time of the facts, and
 * kept at the edge for seconds only. Facts older than LAST_KNOWN_MAX_AGE_HOURS are not shown.
 * @see docs/adr/0010-last-known-answers.md
 */
import { afterChange } from "../changes/effects";
import { insertIntents, lastKnownIntent } from "../changes/public-change";
import type { PublicLabelRow } from "../db/public";
import type { PublicEvent } from "../db/public-results";
import { parisDay } from "../domain/paris-time";
import type { PublicRef } from "../domain/public-ref";
import { DEFAULT_POLICY, type PublicationPolicy } from "../domain/publication";
import { config } from "../env";
import { outageSettings } from "../lib/d1-outage";
import { log, loggableError } from "../lib/log";
import type { Deps } from "../services/deps";
import { putKnown, readKnown } from "./known-store";
import { type PublicLabel, toPublicLabel } from "./present";

export type LastKnown = {
  /** The shape's version: a reader meeting another one ignores the entry (as if nothing were known). */
  v: 1;
  /** When these facts were read from D1 (the time a stale answer states). */
  factsAt: string;
  row: PublicLabelRow;
  history: PublicEvent[];
  /** The label's signed credential as stored (null: no label, or not signed yet). */
  credential: string | null;
};

/**
 * The publication policy (PUBLICATION_POLICY) for public answers, fresh or stale: the last known facts keep
 * the stored results whole, and the policy of the moment cuts them, so a stale answer publishes exactly
 * what a fresh one would. Like `outageSettings`, an invalid configuration elsewhere falls back to the default.
 */
export function publicationPolicy(env: Env): PublicationPolicy {
  try {
    return config(env).PUBLICATION_POLICY;
  } catch {
    return DEFAULT_POLICY;
  }
}

/** Seconds a stale answer may be kept by the edge and browsers: D1 may be back any moment. */
export const STALE_MAX_AGE_SECONDS = 10;

/** The KV key of a reference: codes are matched without regard to ASCII case, label numbers are upper case. */
export function lastKnownKey(ref: PublicRef): string {
  const value = ref.value.replace(/[a-z]+/g, (s) => s.toUpperCase());
  return `v1/${ref.kind}/${value}`;
}

/** Stores the facts of a reference (an entry lives at most the maximum age: past it, it is never shown). */
export const putLastKnown = (env: Env, ref: PublicRef, facts: LastKnown) => putKnown(env, lastKnownKey(ref), facts);

export type StaleAnswer = { label: PublicLabel; known: LastKnown };

/**
 * The last known answer about `ref`, rendered as of `now` and marked stale; null when nothing is known,
 * the facts are older than the maximum age, or KV itself fails (then the caller answers « vérification
 * indisponible »). `cause`: why D1 was not used, for the log line that counts stale answers.
 */
export async function lastKnownAnswer(
  env: Env,
  ref: PublicRef,
  now: Date,
  where: { surface: string; cause: unknown },
): Promise<StaleAnswer | null> {
  const known = await readKnown<LastKnown>(env, lastKnownKey(ref), now, { ...where, ref: ref.value });
  if (!known) return null;
  const label = toPublicLabel(known.row, parisDay(now), now.toISOString(), env.PUBLIC_BASE_URL, publicationPolicy(env));
  return { label: { ...label, stale: true, factsAt: known.factsAt }, known };
}

/**
 * After a fresh answer (D1 answered): when the stored facts of `ref` are missing or older than a day (or half
 * the maximum age), the structure's `last-known` effect is recorded and carried out — so a structure that
 * changes rarely still has recent facts, and one from before the last known answers gets them on first read.
 * Through the effects queue, never a direct write: a change at the same moment is then never overwritten by
 * facts read before it (ADR 0004's rule: one pending intent per subject, a change during a run adds another).
 * Runs after the answer (`waitUntil`); a failure is logged and changes nothing.
 */
export async function refreshIfOld(deps: Deps, ref: PublicRef, structureCode: string, now: Date): Promise<void> {
  try {
    const refreshAfterMs = Math.min(86_400, outageSettings(deps.env).maxAgeSeconds / 2) * 1000;
    const known = await deps.env.LAST_KNOWN.get<LastKnown>(lastKnownKey(ref), "json");
    if (known && known.v === 1 && now.getTime() - Date.parse(known.factsAt) < refreshAfterMs) return;
    const intent = lastKnownIntent(structureCode);
    const [insert] = insertIntents(deps.db, [intent], now.toISOString());
    await deps.db.batch([insert!]);
    await afterChange(deps, [intent], now);
  } catch (err) {
    log.warn("last known answer not refreshed", { ref: ref.value, ...loggableError(err) });
  }
}
