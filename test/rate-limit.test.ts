/**
 * Rate limits (Workers Rate Limiting bindings, production values from wrangler.toml): a 429 problem
 * with Retry-After once a client is over its limit; cached public answers are never throttled;
 * webhook authentication failures are counted per client IP and per body id, apart from the body's
 * own quota, which counts only deliveries it signed.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { auditEvent, makeAssignedStructure, makeStructure } from "./factories";
import { BASE, call, fetchWorker, sql } from "./helpers";
import { deliveryHeaders } from "./webhooks-helpers";

/** PUBLIC_LIMITER in wrangler.toml: 300 cache misses a minute per IP. */
const PUBLIC_LIMIT = 300;
/** WEBHOOK_LIMITER in wrangler.toml (TEST_WEBHOOK_LIMITER copies it): 600 signed deliveries a minute per body. */
const WEBHOOK_LIMIT = 600;
/** WEBHOOK_AUTH_FAIL_LIMITER (TEST_WEBHOOK_AUTH_FAIL_LIMITER copies it): 60 failures a minute per IP and per body id. */
const WEBHOOK_AUTH_FAIL_LIMIT = 60;

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
    const { code } = await makeStructure();
    const ip = "198.51.100.9";
    // Fill the edge cache from another address.
    expect((await anonymous(`/badge/${code}.svg`, "198.51.100.1")).headers.get("X-Cache")).toBe("MISS");
    expect((await anonymous(`/verify/${code}`, "198.51.100.1")).status).toBe(200);
    expectThrottled(await exhaust(ip, (i) => `/v1/public/labels/GONE-${i}`, PUBLIC_LIMIT));
    const badge = await anonymous(`/badge/${code}.svg`, ip);
    expect(badge.status).toBe(200);
    expect(badge.headers.get("X-Cache")).toBe("HIT");
    expect((await anonymous(`/verify/${code}`, ip)).status).toBe(200);
    // …while an uncached badge for this IP is a miss, hence throttled — and still a picture, never stored.
    const other = await makeStructure();
    const throttled = await anonymous(`/badge/${other.code}.svg`, ip);
    expect(throttled.status).toBe(200);
    expect(throttled.headers.get("Content-Type")).toMatch(/^image\/svg\+xml/);
    expect(throttled.headers.get("X-Label-Status")).toBe("throttled");
    expect(throttled.headers.get("Cache-Control")).toBe("no-store");
    expect(throttled.headers.get("Retry-After")).toBe("60");
    expect(throttled.text).toContain("vérification indisponible");
    expect((await anonymous(`/badge/${other.code}.svg`, "198.51.100.1")).headers.get("X-Cache")).toBe("MISS");
  }, 60_000);
});

describe("webhook limiters: failures apart, the body's quota for signed deliveries only", () => {
  /** Production's webhook limits (vitest.config.ts raises both for fuzzing). */
  const production = {
    WEBHOOK_LIMITER: env.TEST_WEBHOOK_LIMITER,
    WEBHOOK_AUTH_FAIL_LIMITER: env.TEST_WEBHOOK_AUTH_FAIL_LIMITER,
  };

  async function post(certifierId: string, ip: string, raw = "{}", headers: Record<string, string> = {}) {
    const res = await fetchWorker(
      new Request(`${BASE}/v1/webhooks/certifiers/${certifierId}`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "CF-Connecting-IP": ip, ...headers },
        body: raw,
      }),
      { env: { ...env, ...production } },
    );
    return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> };
  }
  const signed = (certifierId: string, secret: string, ip: string, body: unknown) => {
    const raw = JSON.stringify(body);
    return post(certifierId, ip, raw, deliveryHeaders({ secret, body: raw }, raw));
  };

  it("700 unsigned requests to a body's endpoint, then its genuine signed delivery: applied", async () => {
    const { certifier, secret, code } = await makeAssignedStructure();
    const statuses: number[] = [];
    for (let i = 0; i < 700; i++) {
      // Badly signed (a made-up signature) from one address, and unsigned from many.
      const r =
        i % 2
          ? await post(certifier.id, "198.51.100.66", "{}", {
              "webhook-id": `msg_forged_${i}`,
              "webhook-timestamp": String(Math.floor(Date.now() / 1000)),
              "webhook-signature": `v1,${btoa("f".repeat(32))}`,
            })
          : await post(certifier.id, `203.0.113.${i % 250}`);
      statuses.push(r.status);
      if (r.status === 429) expect(Number(r.headers.get("Retry-After"))).toBeGreaterThan(0);
    }
    expect(new Set(statuses)).toEqual(new Set([401, 429]));
    // Throttled, at the latest, past the failure limit (per body id) — fixed windows may restart it once.
    expect(statuses.indexOf(429)).toBeGreaterThanOrEqual(WEBHOOK_AUTH_FAIL_LIMIT);
    expect(statuses.indexOf(429)).toBeLessThanOrEqual(2 * WEBHOOK_AUTH_FAIL_LIMIT);

    // From the flooding address itself, and from another one.
    for (const ip of ["198.51.100.66", "192.0.2.10"]) {
      const genuine = await signed(certifier.id, secret, ip, auditEvent(code));
      expect(genuine.status, ip).toBe(200);
      expect(genuine.json).toMatchObject({ status: "applied" });
    }
  }, 120_000);

  it("failures are limited per client IP too: a flooding address is throttled on every body id", async () => {
    const ip = "198.51.100.77";
    let first429 = -1;
    for (let i = 0; i <= 2 * WEBHOOK_AUTH_FAIL_LIMIT && first429 < 0; i++) {
      // A new made-up body id each time: only the address repeats.
      const r = await post(`oc_made_up_${i}`, ip);
      if (r.status === 429) first429 = i;
      else expect(r.status).toBe(401);
    }
    expect(first429).toBeGreaterThanOrEqual(WEBHOOK_AUTH_FAIL_LIMIT);
    expect((await post("oc_made_up_other", "198.51.100.78")).status).toBe(401);
  }, 60_000);

  it("a body's quota counts its signed deliveries only, and throttles that body only", async () => {
    const mine = await makeAssignedStructure();
    const neighbour = await makeAssignedStructure();
    let r = await signed(mine.certifier.id, mine.secret, "192.0.2.1", "not json");
    let passed = 0;
    while (r.status !== 429 && passed <= 2 * WEBHOOK_LIMIT) {
      // Signed, then refused by validation (422): still the body's own traffic.
      expect(r.status, `delivery ${passed + 1}`).toBe(422);
      passed++;
      r = await signed(mine.certifier.id, mine.secret, "192.0.2.1", "not json");
    }
    expect(passed).toBeGreaterThanOrEqual(WEBHOOK_LIMIT);
    expect(r.status).toBe(429);
    expect(r.headers.get("Content-Type")).toBe("application/problem+json");
    // The throttled delivery was not stored: the body retries it later under the same webhook-id.
    const [row] = await sql<{ n: number }>(
      "SELECT count(*) AS n FROM webhook_events WHERE certifier_id = ?",
      mine.certifier.id,
    );
    expect(row?.n).toBe(passed);
    const other = await signed(neighbour.certifier.id, neighbour.secret, "192.0.2.1", auditEvent(neighbour.code));
    expect(other.status).toBe(200);
  }, 120_000);
});
