/**
 * The last known copy of each signed status list (`/status/{purpose}/{list}`), in Workers KV beside the
 * structures' last known facts (src/public/last-known.ts): verifiers of a credential read its state in its
 * lists, so during a D1 outage they get each list as last signed — dated and kept seconds only, like every
 * stale answer — rather than nothing. Written at each signing and by the `last-known` effect of subject
 * `status/<purpose>/<list>` that each signing queues (src/changes/status-lists.ts, src/changes/last-known.ts).
 * @see docs/adr/0010-last-known-answers.md
 */
import { outageSettings } from "../lib/d1-outage";
import { log, loggableError } from "../lib/log";

/** `factsAt`: when the list was read from D1 (or signed). */
export type KnownStatusList = { v: 1; factsAt: string; document: string };

export const statusListKey = (purpose: string, list: string) => `v1/status/${purpose}/${list}`;

export async function putLastKnownStatusList(env: Env, purpose: string, list: string, facts: KnownStatusList) {
  await env.LAST_KNOWN.put(statusListKey(purpose, list), JSON.stringify(facts), {
    expirationTtl: outageSettings(env).maxAgeSeconds,
  });
}

/** The status list as last known, or null (nothing recent known, or KV failing); logged like `lastKnownAnswer`. */
export async function lastKnownStatusList(
  env: Env,
  purpose: string,
  list: string,
  now: Date,
  cause: unknown,
): Promise<KnownStatusList | null> {
  let known: KnownStatusList | null = null;
  try {
    known = await env.LAST_KNOWN.get<KnownStatusList>(statusListKey(purpose, list), "json");
  } catch (err) {
    log.error("last known status list unreadable (KV failed)", loggableError(err));
    return null;
  }
  const ageSeconds = known ? Math.round((now.getTime() - Date.parse(known.factsAt)) / 1000) : null;
  const fields = { surface: "status-list", ref: `${purpose}/${list}`, ageSeconds, ...loggableError(cause) };
  if (known?.v !== 1 || ageSeconds === null || ageSeconds > outageSettings(env).maxAgeSeconds) {
    log.error("public answer unavailable: D1 failed and no recent last known answer", fields);
    return null;
  }
  log.warn("stale public answer (D1 failed)", { metric: "public.stale", factsAt: known.factsAt, ...fields });
  return known;
}
