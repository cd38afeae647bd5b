/**
 * Workers Rate Limiting binding wrapper: a 429 problem with Retry-After when the key is over its
 * limit. The binding counts per Cloudflare location and is eventually consistent: it stops abuse,
 * it is not an exact quota.
 * @see https://developers.cloudflare.com/workers/runtime-apis/bindings/rate-limit/
 */
import { ApiError } from "./errors";

/** The bindings' period (60 s in wrangler.toml): the longest a throttled client has to wait. */
const RETRY_AFTER_SECONDS = "60";

/** Counts one request under every key (all of them, even when one is already over); 429 if any is over. */
export async function enforceRateLimit(limiter: RateLimit, ...keys: [string, ...string[]]): Promise<void> {
  const results = await Promise.all(keys.map((key) => limiter.limit({ key })));
  if (results.some((r) => !r.success)) {
    throw new ApiError("rate-limited", "Too many requests; retry later", {
      headers: { "Retry-After": RETRY_AFTER_SECONDS },
    });
  }
}

/** The client's address as Cloudflare sees it (locally absent: one shared bucket). */
export function clientIp(req: Request): string {
  return req.headers.get("CF-Connecting-IP") ?? "local";
}
