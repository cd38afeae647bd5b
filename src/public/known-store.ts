/**
 * Workers KV `LAST_KNOWN`, as the last known answers use it (src/public/last-known.ts for structures and
 * labels, src/public/known-lists.ts for status lists): one JSON value a key, dated by `factsAt`, expiring at
 * the maximum age (LAST_KNOWN_MAX_AGE_HOURS), and read only when D1 failed. A leaf module: the effects code
 * writes through it without an import cycle.
 * @see docs/adr/0010-last-known-answers.md
 */
import { outageSettings } from "../lib/d1-outage";
import { log, loggableError } from "../lib/log";

export type Known = { v: 1; factsAt: string };

/** Stores `facts` under `key` (an entry lives at most the maximum age: past it, it is never shown). */
export async function putKnown(env: Env, key: string, facts: Known): Promise<void> {
  await env.LAST_KNOWN.put(key, JSON.stringify(facts), { expirationTtl: outageSettings(env).maxAgeSeconds });
}

/**
 * The facts under `key` when D1 failed (`where.cause`), or null when none are known, they are older than the
 * maximum age, or KV itself fails (the caller then answers « vérification indisponible » or 503). Logs one line
 * either way; a stale answer's carries `metric: "public.stale"` to count them (docs/operators.md).
 */
export async function readKnown<T extends Known>(
  env: Env,
  key: string,
  now: Date,
  where: { surface: string; ref: string; cause: unknown },
): Promise<T | null> {
  let known: T | null = null;
  try {
    known = await env.LAST_KNOWN.get<T>(key, "json");
  } catch (err) {
    log.error("last known answer unreadable (KV failed)", { surface: where.surface, ...loggableError(err) });
    return null;
  }
  const ageSeconds = known ? Math.round((now.getTime() - Date.parse(known.factsAt)) / 1000) : null;
  const fields = { surface: where.surface, ref: where.ref, ageSeconds, ...loggableError(where.cause) };
  if (known?.v !== 1 || ageSeconds === null || ageSeconds > outageSettings(env).maxAgeSeconds) {
    log.error("public answer unavailable: D1 failed and no recent last known answer", fields);
    return null;
  }
  log.warn("stale public answer (D1 failed)", { metric: "public.stale", factsAt: known.factsAt, ...fields });
  return known;
}
