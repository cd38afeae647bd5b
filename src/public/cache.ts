/**
 * Edge caching of public answers (badge, JSON, shields, verification page) with the Workers Cache
 * API, conditional requests (ETag → 304), and the purge called on every label status change.
 *
 * Limit, by design of the Cache API: `caches.default` is local to one Cloudflare data centre, so
 * a purge empties the data centre where the change was made at once; elsewhere a cached answer
 * lives until its `max-age` (MAX_AGE_SECONDS) runs out. Browsers keep it as long.
 * @see https://developers.cloudflare.com/workers/runtime-apis/cache/
 */
import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { clientIp, enforceRateLimit } from "../lib/rate-limit";

/** The most a public answer may be stale anywhere (issue 5: ≤ 300 s). */
export const MAX_AGE_SECONDS = 300;
export const PUBLIC_CACHE_CONTROL = `public, max-age=${MAX_AGE_SECONDS}`;

/**
 * Cache keys ignore the host and the query string: every answer depends on the path alone, so
 * `?v=123` cannot bypass the cache, and a purge knows every key without seeing the requests.
 */
export function cacheKey(path: string): Request {
  return new Request(new URL(path, CACHE_ORIGIN).toString(), { method: "GET" });
}

/** The Cache API wants absolute URLs; one fixed origin keeps keys independent of the host asked. */
const CACHE_ORIGIN = "https://public-cache.invalid";

/** Every public path whose answer depends on one structure's labels. */
export function publicPaths(structureCode: string, labelNumbers: readonly string[]): string[] {
  const refs = [structureCode, ...labelNumbers].map(encodeURIComponent);
  return refs.flatMap((ref) => [
    `/badge/${ref}.svg`,
    `/verify/${ref}`,
    `/v1/public/labels/${ref}`,
    `/v1/public/labels/${ref}/shields.json`,
  ]);
}

/**
 * Deletes the cached public answers of one structure (badge, JSON, verification page, shields) under
 * its code and under the label numbers whose answer changed, in this data centre. Called by the label
 * write path (src/db/labels.ts) after every award, renewal and status change, and by the expiry job.
 * @returns how many cached answers were deleted
 */
export async function purgePublicCache(structureCode: string, labelNumbers: readonly string[]): Promise<number> {
  const deleted = await Promise.all(
    publicPaths(structureCode, labelNumbers).map((p) => caches.default.delete(cacheKey(p))),
  );
  return deleted.filter(Boolean).length;
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
  for (const h of ["ETag", "Cache-Control", "Access-Control-Allow-Origin", "Vary", "X-Cache"]) {
    const v = res.headers.get(h);
    if (v) headers.set(h, v);
  }
  return new Response(null, { status: 304, headers });
}

/**
 * Serves from the edge cache, or renders, stores (status 200 only) and serves. `X-Cache` says
 * which, for tests and for whoever debugs a stale badge.
 */
export async function cached(c: Context<AppEnv>, render: () => Promise<Response>): Promise<Response> {
  const key = cacheKey(new URL(c.req.url).pathname);
  const hit = await caches.default.match(key);
  let res: Response;
  if (hit) {
    res = new Response(hit.body, hit);
    res.headers.set("X-Cache", "HIT");
  } else {
    // Only misses are throttled: the edge cache absorbs embedded-badge traffic, which is never limited.
    await enforceRateLimit(c.env.PUBLIC_LIMITER, clientIp(c.req.raw));
    res = await render();
    if (res.status === 200) {
      // Awaited (not waitUntil): a put takes a few ms locally, and a purge right after must find it.
      await caches.default.put(key, res.clone());
    }
    res = new Response(res.body, res);
    res.headers.set("X-Cache", "MISS");
  }
  return conditional(c.req.raw, res);
}
