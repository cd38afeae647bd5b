/**
 * The last known copy of each signed status list (`/status/{purpose}/{list}`), in Workers KV beside the
 * structures' last known facts (src/public/last-known.ts): verifiers of a credential read its state in its
 * lists, so during a D1 outage they get each list as last signed — dated and kept seconds only, like every
 * stale answer — rather than nothing. Written at each signing and by the `last-known` effect of subject
 * `status/<purpose>/<list>` that each signing queues (src/changes/status-lists.ts, src/changes/last-known.ts).
 * @see docs/adr/0010-last-known-answers.md
 */
import { type Known, putKnown, readKnown } from "./known-store";

/** `factsAt`: when the list was read from D1 (or signed). */
export type KnownStatusList = Known & { document: string };

export const statusListKey = (purpose: string, list: string) => `v1/status/${purpose}/${list}`;

export const putLastKnownStatusList = (env: Env, purpose: string, list: string, facts: KnownStatusList) =>
  putKnown(env, statusListKey(purpose, list), facts);

/** The status list as last known, or null (nothing recent known, or KV failing). */
export const lastKnownStatusList = (env: Env, purpose: string, list: string, now: Date, cause: unknown) =>
  readKnown<KnownStatusList>(env, statusListKey(purpose, list), now, {
    surface: "status-list",
    ref: `${purpose}/${list}`,
    cause,
  });
