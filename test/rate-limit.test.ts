/**
 * Rate limits (Workers Rate Limiting bindings, production values from wrangler.toml): a 429 problem
 * with Retry-After once a client is over its limit; cached public answers are never throttled;
 * webhook deliveries are counted per certification body.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, call, createStructure, fetchWorker } from "./helpers";

/** PUBLIC_LIMITER in wrangler.toml: 300 cache misses a minute per IP. */
const PUBLIC_LIMIT = 300;
/** WEBHOOK_LIMITER in wrangler.toml (TEST_WEBHOOK_LIMITER copies it): 600 deliveries a minute per body. */
const WEBHOOK_LIMIT = 600;

const anonymous = (path: string, ip: string) => call("GET", path, { token: null, headers: { "CF-Connecting-IP": ip } });

function expectThrottled(r: Awaited<ReturnType<typeof call>>) {
  expect(r.status).toBe(429);
  expect(r.headers.get("Content-Type")).toBe("application/problem+json");
  expect(r.json).toMatchObject({ status: 429, code: "rate-limited" });
  expect(Number(r.headers.get("Retry-After"))).toBeGreaterThan(0);
}

/**
 * Sends misses from `ip` until the first 429 and returns it. The limiter counts in fixed 60 s windows:
 * if the run crosses a window boundary the count restarts, so up to 2 × limit misses may pass, never
 * fewer than the limit.
 */
async function exhaust(ip: string, path: (i: number) => string, limit: number) {
  for (let i = 0; i <= 2 * limit; i++) {
    const r = await anonymous(path(i), ip);
    if (r.status === 429) {
      expect(i, "throttled before the limit").toBeGreaterThanOrEqual(limit);
      return r;
    }
    expect(r.status, `request ${i + 1}`).toBe(404);
  }
  throw new Error(`never throttled after ${2 * limit + 1} requests`);
}

describe("public limiter (per client IP, cache misses only)", () => {
  it("answers 429 with Retry-After past the limit; another IP is not affected", async () => {
    const ip = "203.0.113.7";
    // Unknown refs are never cached: each one is a miss that counts.
    expectThrottled(await exhaust(ip, (i) => `/v1/public/labels/NOPE-${i}`, PUBLIC_LIMIT));
    // The listing is limited too (it is not cached).
    expectThrottled(await anonymous("/v1/public/labels", ip));
    expect((await anonymous("/v1/public/labels/NOPE-X", "203.0.113.8")).status).toBe(404);
  }, 60_000);

  it("a cached badge (and verify page) is never throttled, even for a throttled IP", async () => {
    const { code } = await createStructure();
    const ip = "198.51.100.9";
    // Fill the edge cache from another address.
    expect((await anonymous(`/badge/${code}.svg`, "198.51.100.1")).headers.get("X-Cache")).toBe("MISS");
    expect((await anonymous(`/verify/${code}`, "198.51.100.1")).status).toBe(200);
    expectThrottled(await exhaust(ip, (i) => `/v1/public/labels/GONE-${i}`, PUBLIC_LIMIT));
    const badge = await anonymous(`/badge/${code}.svg`, ip);
    expect(badge.status).toBe(200);
    expect(badge.headers.get("X-Cache")).toBe("HIT");
    expect((await anonymous(`/verify/${code}`, ip)).status).toBe(200);
    // …while an uncached badge for this IP is a miss, hence throttled.
    const other = await createStructure();
    expectThrottled(await anonymous(`/badge/${other.code}.svg`, ip));
  }, 60_000);
});

describe("webhook limiter (per certification body)", () => {
  /** The Worker with production's webhook limit (vitest.config.ts raises WEBHOOK_LIMITER for fuzzing). */
  async function deliverUnsigned(certifierId: string) {
    const res = await fetchWorker(
      new Request(`${BASE}/v1/webhooks/certifiers/${certifierId}`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: "{}",
      }),
      { env: { ...env, WEBHOOK_LIMITER: env.TEST_WEBHOOK_LIMITER } },
    );
    return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> };
  }

  it("counts every delivery to a body, even unsigned ones, and throttles that body only", async () => {
    // Fixed 60 s windows: crossing a boundary restarts the count (see `exhaust`).
    let r = await deliverUnsigned("oc_flooded");
    let passed = 0;
    while (r.status !== 429 && passed <= 2 * WEBHOOK_LIMIT) {
      expect(r.status, `delivery ${passed + 1}`).toBe(401);
      passed++;
      r = await deliverUnsigned("oc_flooded");
    }
    expect(passed).toBeGreaterThanOrEqual(WEBHOOK_LIMIT);
    expect(r.status).toBe(429);
    expect(r.headers.get("Content-Type")).toBe("application/problem+json");
    expect(Number(r.headers.get("Retry-After"))).toBeGreaterThan(0);
    // Another body's deliveries still reach signature verification.
    expect((await deliverUnsigned("oc_neighbour")).status).toBe(401);
  }, 60_000);
});
