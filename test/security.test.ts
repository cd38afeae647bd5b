/**
 * Security properties that are not about one resource: strict headers on every HTML answer, and
 * secrets (API keys, webhook secrets, ADMIN_TOKEN) never written to the logs, even on a 500.
 */
import { env } from "cloudflare:workers";
import { DrizzleQueryError } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { loggableError } from "../src/lib/log";
import { auditEvent, makeAssignedStructure, makeLabel, makeStructure } from "./factories";
import { ADMIN, call, daily, fetchWorker } from "./helpers";
import { deliver } from "./webhooks-helpers";

function expectStrictHtmlHeaders(res: { headers: Headers }, what: string) {
  const h = res.headers;
  expect(h.get("Content-Type"), what).toMatch(/^text\/html/);
  const csp = h.get("Content-Security-Policy") ?? "";
  expect(csp, what).toContain("default-src 'none'");
  expect(csp, what).toContain("frame-ancestors 'none'");
  expect(csp, what).toContain("base-uri 'none'");
  expect(csp, what).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
  expect(h.get("X-Content-Type-Options"), what).toBe("nosniff");
  expect(h.get("X-Frame-Options"), what).toBe("DENY");
  expect(h.get("Referrer-Policy"), what).toBe("strict-origin-when-cross-origin");
}

describe("security headers on HTML", () => {
  it("verification page (found, not found, cached), dev outbox pages", async () => {
    const { code } = await makeStructure();
    const page = await call("GET", `/verify/${code}`, { token: null });
    expect(page.status).toBe(200);
    expectStrictHtmlHeaders(page, "verify");
    expect(page.headers.get("Content-Security-Policy")).not.toContain("script-src");
    const hit = await call("GET", `/verify/${code}`, { token: null });
    expect(hit.headers.get("X-Cache")).toBe("HIT");
    expectStrictHtmlHeaders(hit, "verify (cached)");
    const missing = await call("GET", "/verify/NOPE-404", { token: null });
    expect(missing.status).toBe(404);
    expectStrictHtmlHeaders(missing, "verify 404");

    const l = await makeLabel({ expiresOn: "2030-03-31" });
    await daily("2030-03-24");
    const list = await fetchWorker("http://localhost:8787/dev/outbox");
    const html = await list.text();
    expectStrictHtmlHeaders(list, "dev outbox");
    const id = html.match(/\/dev\/outbox\/(eml_[a-z0-9]+)/)?.[1];
    expect(id, `an e-mail of ${l.number} is listed`).toBeTruthy();
    expectStrictHtmlHeaders(await fetchWorker(`http://localhost:8787/dev/outbox/${id}`), "dev e-mail");
  });

  it("/docs runs only Scalar's scripts, under a fresh nonce per answer", async () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 2; i++) {
      const docs = await call("GET", "/docs", { token: null });
      expect(docs.status).toBe(200);
      expectStrictHtmlHeaders(docs, "/docs");
      const csp = docs.headers.get("Content-Security-Policy")!;
      const nonce = csp.match(/script-src 'self' 'nonce-([A-Za-z0-9+/=]+)';/)?.[1];
      expect(nonce, csp).toBeTruthy();
      nonces.add(nonce!);
      // Every script of the page carries the nonce: none would run otherwise, none else may.
      const scripts = docs.text.match(/<script\b[^>]*>/g) ?? [];
      expect(scripts.length).toBeGreaterThan(0);
      for (const s of scripts) expect(s).toContain(`nonce="${nonce}"`);
      expect(docs.text).toContain("/openapi.json");
    }
    expect(nonces.size).toBe(2);
  });

  it("JSON and SVG answers are not sniffable either", async () => {
    const { code } = await makeStructure();
    const badge = await call("GET", `/badge/${code}.svg`, { token: null });
    expect(badge.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(badge.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
  });
});

describe("headers on every answer", () => {
  it("nosniff everywhere; no-store on every answer that is not public, errors included; public ones keep their caching", async () => {
    const { certifier, secret, code } = await makeAssignedStructure();
    const big = "x".repeat(1024 * 1024 + 1);
    const privateAnswers = {
      "admin list": await call("GET", "/v1/structures"),
      "admin read": await call("GET", `/v1/certifiers/${certifier.id}`),
      "admin write": await call("PATCH", `/v1/structures/${code}`, { body: { city: "Aix" } }),
      "no credentials (401)": await call("GET", "/v1/structures", { token: null }),
      "certifier key on an admin route (403)": await call("GET", "/v1/webhook-events", { token: certifier.apiKey }),
      "validation (422)": await call("POST", "/v1/structures", { body: {} }),
      "unknown id (404)": await call("GET", "/v1/certifiers/oc_nope"),
      "unknown /v1 route (404)": await call("GET", "/v1/nope", { token: null }),
      "too large (413)": await call("POST", "/v1/structures", {
        raw: big,
        headers: { "Content-Type": "application/json" },
      }),
      "webhook applied": await deliver(certifier.id, { secret, body: auditEvent(code) }),
      "webhook unsigned (401)": await call("POST", `/v1/webhooks/certifiers/${certifier.id}`, {
        token: null,
        raw: "{}",
      }),
      inbox: await call("GET", "/v1/webhook-events"),
      outbox: await call("GET", "/v1/outbox"),
      "dev outbox": await call("GET", "/dev/outbox", { token: null }),
    };
    for (const [what, r] of Object.entries(privateAnswers)) {
      expect(r.status, what).not.toBe(500);
      expect(r.headers.get("X-Content-Type-Options"), what).toBe("nosniff");
      expect(r.headers.get("Cache-Control"), what).toBe("no-store");
    }
    expect(privateAnswers["too large (413)"].status).toBe(413);

    const publicAnswers = {
      health: await call("GET", "/health", { token: null }),
      openapi: await call("GET", "/openapi.json", { token: null }),
      "public JSON": await call("GET", `/v1/public/labels/${code}`, { token: null }),
      "public listing": await call("GET", "/v1/public/labels", { token: null }),
      badge: await call("GET", `/badge/${code}.svg`, { token: null }),
      "verification page": await call("GET", `/verify/${code}`, { token: null }),
      "unknown page (404)": await call("GET", "/nope", { token: null }),
    };
    for (const [what, r] of Object.entries(publicAnswers)) {
      expect(r.headers.get("X-Content-Type-Options"), what).toBe("nosniff");
      expect(r.headers.get("Cache-Control") ?? "", what).not.toBe("no-store");
    }
    expect(publicAnswers["public JSON"].headers.get("Cache-Control")).toMatch(/max-age=\d+/);
    expect(publicAnswers.badge.headers.get("Cache-Control")).toMatch(/max-age=\d+/);
  });
});

describe("secrets never reach the logs", () => {
  let lines: string[] = [];
  beforeEach(() => {
    lines = [];
    for (const level of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        lines.push(args.map((a) => (typeof a === "string" ? a : (JSON.stringify(a) ?? String(a)))).join(" "));
      });
    }
  });
  afterEach(() => vi.restoreAllMocks());

  it("creating a body, rotating its secret, delivering webhooks and failing with a 500", async () => {
    const secrets: string[] = [ADMIN, env.ADMIN_TOKEN];
    const { certifier, secret, code } = await makeAssignedStructure();
    secrets.push(certifier.apiKey, secret);
    const rotated = await call("POST", `/v1/certifiers/${certifier.id}/webhook-secrets`);
    expect(rotated.status).toBeLessThan(300);
    secrets.push(rotated.json.webhookSecret);
    const key = await call("POST", "/v1/api-keys", { body: { role: "admin", name: "ops" } });
    secrets.push(key.json.apiKey);
    // Authenticated with each secret, and refused with near-misses of them.
    expect((await call("GET", "/v1/structures", { token: key.json.apiKey })).status).toBe(200);
    expect((await call("GET", "/v1/structures", { token: `${key.json.apiKey}x` })).status).toBe(401);
    expect((await deliver(certifier.id, { secret: rotated.json.webhookSecret, body: auditEvent(code) })).status).toBe(
      200,
    );
    expect((await deliver(certifier.id, { secret: `${secret.slice(0, -4)}AAA=`, body: auditEvent(code) })).status).toBe(
      401,
    );

    // A 500 in the middle of writing a new secret: the failing batch held the secret as a parameter.
    await env.DB.prepare(
      "CREATE TRIGGER fail_secret BEFORE INSERT ON webhook_secrets BEGIN SELECT RAISE(ABORT, 'injected fault'); END",
    ).run();
    try {
      const failed = await call("POST", `/v1/certifiers/${certifier.id}/webhook-secrets`);
      expect(failed.status).toBe(500);
      const created = await call("POST", "/v1/certifiers", {
        body: { name: "OC", contactEmail: "oc@x.example", habilitation: { from: "2024-01-01", until: "2030-01-01" } },
      });
      expect(created.status).toBe(500);
    } finally {
      await env.DB.prepare("DROP TRIGGER fail_secret").run();
    }
    // The capture works: the 500s were logged…
    expect(lines.filter((l) => l.includes("unhandled error"))).toHaveLength(2);
    // …and no secret, nor the generated ones that never got stored, appears anywhere.
    const all = lines.join("\n");
    for (const s of secrets) expect(all).not.toContain(s);
    expect(all).not.toMatch(/whsec_[A-Za-z0-9+/]{20,}/);
    expect(all).not.toMatch(/spp_[A-Za-z0-9_-]{20,}/);
  });

  it("a failed query's bound values (e.g. a secret) are dropped from what is logged", () => {
    const err = new DrizzleQueryError(
      "insert into webhook_secrets (id, secret) values (?, ?)",
      ["whs_1", "whsec_c2VjcmV0LXZhbHVlLW5ldmVyLWxvZ2dlZA=="],
      new Error("D1_ERROR: UNIQUE constraint failed"),
    );
    expect(String(err)).toContain("whsec_");
    const logged = JSON.stringify(loggableError(err));
    expect(logged).not.toContain("whsec_");
    expect(logged).toContain("UNIQUE constraint failed");
    expect(logged).toContain("insert into webhook_secrets");
  });
});
