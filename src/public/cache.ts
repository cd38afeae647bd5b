/**
 * Edge caching of public answers (badge, JSON, shields, verification page) with the Workers Cache API
 * and conditional requests (ETag → 304). Only answers about a known reference are stored, under the
 * canonical path of that reference (src/domain/public-ref.ts) and with its Cache-Tags, so that one purge
 * (src/changes/purge.ts) reaches every spelling of every answer.
 * @see https://developers.cloudflare.com/workers/runtime-apis/cache/
 */
import { secondsUntilParisMidnight } from "../domain/paris-time";
import { log, loggableError } from "../lib/log";

/** The most a public answer may be stale anywhere when no purge reaches it. */
export const MAX_AGE_SECONDS = 300;

/**
 * `max-age` of a public answer computed `now`: never past the next midnight in France, when a label's
 * last valid day ends and its answer changes by itself (nothing purges then).
 */
export function maxAgeAt(now: Date): number {
  return Math.min(MAX_AGE_SECONDS, secondsUntilParisMidnight(now));
}

export const publicCacheControl = (now: Date) => `public, max-age=${maxAgeAt(now)}`;

/** The Cache API wants absolute URLs; one fixed origin keeps keys independent of the host asked. */
const CACHE_ORIGIN = "https://public-cache.invalid";

/**
 * The cache key of a canonical path. Keys ignore the host and the query string: an answer depends on
 * its canonical path alone, so `?v=123` cannot bypass the cache and a purge knows every key.
 */
export function cacheKey(canonicalPath: string): Request {
  return new Request(new URL(canonicalPath, CACHE_ORIGIN).toString(), { method: "GET" });
}

/** The edge cache's answer under `key`, marked `X-Cache: HIT`; null on a miss. */
export async function cachedAnswer(key: Request): Promise<Response | null> {
  let hit: Response | undefined;
  try {
    hit = await caches.default.match(key);
  } catch (err) {
    // The cache is an optimisation: failing, it is a miss (and the database answers).
    log.warn("edge cache read failed", loggableError(err));
    return null;
  }
  if (!hit) return null;
  const res = new Response(hit.body, hit);
  res.headers.set("X-Cache", "HIT");
  return res;
}

/** A weak ETag over what the answer means (weak: `checkedAt` may differ between equal answers). */
export async function weakEtag(stable: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(stable));
  const hex = [...new Uint8Array(digest).slice(0, 12)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `W/"${hex}"`;
}

/** RFC 9110 §13.1.2: weak comparison of `If-None-Match` against the answer's ETag. */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string | null): boolean {
  if (!ifNoneMatch || !etag) return false;
  if (ifNoneMatch.trim() === "*") return true;
  const bare = (t: string) => t.trim().replace(/^W\//, "");
  return ifNoneMatch.split(",").some((t) => bare(t) === bare(etag));
}

/** Answers 304 with the validators and caching headers when the client's copy is current. */
export function conditional(req: Request, res: Response): Response {
  const etag = res.headers.get("ETag");
  if (res.status !== 200 || !matchesEtag(req.headers.get("If-None-Match") ?? undefined, etag)) return res;
  const headers = new Headers();
  for (const h of ["ETag", "Cache-Control", "Cache-Tag", "Access-Control-Allow-Origin", "Vary", "X-Cache"]) {
    const v = res.headers.get(h);
    if (v) headers.set(h, v);
  }
  return new Response(null, { status: 304, headers });
}
