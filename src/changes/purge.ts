/**
 * Purging cached public answers, by Cache-Tag: here, by deleting the Cache API entries each tag stands
 * for (canonical keys: src/public/cache.ts), and in every data centre through Cloudflare's purge API
 * (`POST /zones/{zone}/purge_cache {"tags": […]}`), which also reaches entries a Worker stored with the
 * Cache API under its own keys.
 * @see https://developers.cloudflare.com/cache/how-to/purge-cache/purge-by-tags/
 * @see https://developers.cloudflare.com/cache/how-to/purge-cache/purge-cache-key/ (Cache API keys: purge by tag)
 */
import { STATUS_PURPOSES, type StatusPurpose } from "../db/schema";
import { canonicalPath, SURFACES } from "../domain/public-ref";
import { config } from "../env";
import { cacheKey } from "../public/cache";
import type { EffectHandler } from "./effects";
import { FIGURES_PATHS, FIGURES_TAG } from "./public-change";

export const PURGE_API = "https://api.cloudflare.com/client/v4/zones";
/** Tags per purge request: the API's « max operations per request » on every plan. */
export const TAGS_PER_REQUEST = 100;
/** A purge request that has not answered by then is abandoned and retried (like e-mails: at least once). */
export const PURGE_TIMEOUT_MS = 10_000;

export type GlobalPurge = { zoneId: string; token: string; requestsPerRun: number };

/** The reference a tag stands for (`spp-code-X` → X, `spp-label-N` → N). */
function refOfTag(tag: string): string | null {
  const m = /^spp-(?:code|label)-(.+)$/.exec(tag);
  return m ? m[1]! : null;
}

/** The canonical paths a tag stands for: a reference's surfaces, or a status list (`spp-status-<purpose>-<list>`). */
function pathsOfTag(tag: string): string[] {
  if (tag === FIGURES_TAG) return [...FIGURES_PATHS];
  const status = /^spp-status-([a-z]+)-(.+)$/.exec(tag);
  if (status && STATUS_PURPOSES.includes(status[1] as StatusPurpose)) return [`/status/${status[1]}/${status[2]}`];
  const ref = refOfTag(tag);
  return ref ? SURFACES.map((s) => canonicalPath(s, ref)) : [];
}

/** Deletes, in this data centre, every cached answer the tags stand for. @returns how many were deleted */
export async function purgeLocally(tags: readonly string[]): Promise<number> {
  const keys = tags.flatMap((t) => pathsOfTag(t).map(cacheKey));
  const deleted = await Promise.all(keys.map((k) => caches.default.delete(k)));
  return deleted.filter(Boolean).length;
}

export type PurgeOutcome = { purged: string[]; failed: { tags: string[]; error: string; retryAfterMs?: number }[] };

/**
 * Purges `tags` in every data centre, in requests of at most TAGS_PER_REQUEST tags and at most
 * `requestsPerRun` requests (the plan's rate: Free allows 5 a minute); what is left over, or refused,
 * comes back as failed and is retried later. A 429 stops the run (its Retry-After is kept).
 */
export async function purgeEverywhere(cfg: GlobalPurge, tags: readonly string[]): Promise<PurgeOutcome> {
  const out: PurgeOutcome = { purged: [], failed: [] };
  const chunks: string[][] = [];
  for (let i = 0; i < tags.length; i += TAGS_PER_REQUEST) chunks.push(tags.slice(i, i + TAGS_PER_REQUEST));
  let sent = 0;
  for (const chunk of chunks) {
    if (sent >= cfg.requestsPerRun) {
      out.failed.push({ tags: chunk, error: "Deferred: this run used its purge requests" });
      continue;
    }
    sent++;
    const r = await purgeRequest(cfg, chunk);
    if (r.ok) out.purged.push(...chunk);
    else {
      out.failed.push({ tags: chunk, error: r.error, retryAfterMs: r.retryAfterMs });
      if (r.status === 429) sent = cfg.requestsPerRun; // the account's bucket is empty: stop here
    }
  }
  return out;
}

async function purgeRequest(
  cfg: GlobalPurge,
  tags: string[],
): Promise<{ ok: true } | { ok: false; status?: number; error: string; retryAfterMs?: number }> {
  let res: Response;
  try {
    res = await fetch(`${PURGE_API}/${encodeURIComponent(cfg.zoneId)}/purge_cache`, {
      method: "POST",
      headers: { Authorization: `Bearer ${cfg.token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ tags }),
      signal: AbortSignal.timeout(PURGE_TIMEOUT_MS),
    });
  } catch (err) {
    return { ok: false, error: `Purge API unreachable: ${err instanceof Error ? err.message : String(err)}` };
  }
  const text = await res.text().catch(() => "");
  let success = false;
  try {
    success = (JSON.parse(text) as { success?: unknown }).success === true;
  } catch {
    success = false;
  }
  if (res.ok && success) return { ok: true };
  const retryAfter = Number(res.headers.get("Retry-After"));
  return {
    ok: false,
    status: res.status,
    error: `Purge API HTTP ${res.status}: ${text.slice(0, 300)}`,
    retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
  };
}

/** The global purge's configuration, or null (local dev, tests): then only this data centre is purged. */
export function globalPurge(env: Env): GlobalPurge | null {
  const cfg = config(env);
  if (!cfg.CLOUDFLARE_ZONE_ID || !cfg.CLOUDFLARE_PURGE_TOKEN) return null;
  return {
    zoneId: cfg.CLOUDFLARE_ZONE_ID,
    token: cfg.CLOUDFLARE_PURGE_TOKEN,
    requestsPerRun: cfg.PURGE_REQUESTS_PER_MINUTE,
  };
}

/**
 * Intents of kind `purge` (subject: a Cache-Tag): this data centre, then everywhere when configured.
 * After a change, one request (a change has ≤ 3 tags); the minute cron, the plan's requests a minute.
 */
export const purgeHandler: EffectHandler = {
  async carryOut(deps, tags, run) {
    try {
      await purgeLocally(tags);
    } catch (err) {
      // The Cache API failing here: every tag is tried again later, here and everywhere.
      return {
        done: [],
        failed: [{ subjects: tags, error: `Cache API: ${err instanceof Error ? err.message : String(err)}` }],
      };
    }
    const cfg = globalPurge(deps.env);
    if (!cfg) return { done: tags, failed: [] };
    const out = await purgeEverywhere(run.after === "change" ? { ...cfg, requestsPerRun: 1 } : cfg, tags);
    return { done: out.purged, failed: out.failed.map((f) => ({ subjects: f.tags, ...f })) };
  },
  background: (env) => globalPurge(env) !== null,
  perCronRun: (env) => (globalPurge(env)?.requestsPerRun ?? 10) * TAGS_PER_REQUEST,
};
