import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { outageD1 } from "../src/lib/d1-outage";
import { call } from "./helpers";

describe("GET /health", () => {
  it("answers ok without credentials, and without the database (liveness)", async () => {
    const r = await call("GET", "/health", { token: null });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ status: "ok" });
    const down = await call("GET", "/health", { token: null, env: { DB: outageD1() } });
    expect(down.status).toBe(200);
  });
});

describe("GET /health/ready", () => {
  it("ready: 200, the status alone without credentials, the details for an admin", async () => {
    const anon = await call("GET", "/health/ready", { token: null });
    expect(anon.status).toBe(200);
    expect(anon.json).toEqual({ status: "ready" });
    expect(anon.headers.get("Cache-Control")).toBe("no-store");
    const admin = await call("GET", "/health/ready");
    expect(admin.status).toBe(200);
    expect(admin.json).toMatchObject({
      status: "ready",
      configuration: { valid: true, problems: [] },
      database: { answers: true, error: null },
      backlog: { pendingEffects: expect.any(Number), deadLetteredNotifications: 0, failedEmails: expect.any(Number) },
    });
  });

  it("a missing signing key: 503 not-ready, named in the details (never its value), while /health stays 200", async () => {
    const over = { CREDENTIAL_SIGNING_KEY: undefined };
    const anon = await call("GET", "/health/ready", { token: null, env: over });
    expect(anon.status).toBe(503);
    expect(anon.json).toEqual({ status: "not-ready" });
    const admin = await call("GET", "/health/ready", { env: over });
    expect(admin.status).toBe(503);
    expect(admin.json.configuration.valid).toBe(false);
    expect(admin.json.configuration.problems.join("\n")).toMatch(/^CREDENTIAL_SIGNING_KEY: /m);
    expect((await call("GET", "/health", { token: null, env: over })).status).toBe(200);
  });

  it("a production PUBLIC_BASE_URL that is not an https:// origin (a did:web that cannot resolve): not ready", async () => {
    for (const url of [
      "http://registre.example",
      "https://registre.example/registre",
      "https://registre.example/?x=1",
    ]) {
      const r = await call("GET", "/health/ready", { env: { PUBLIC_BASE_URL: url } });
      expect(r.status, url).toBe(503);
      expect(r.json.configuration.problems.join("\n"), url).toMatch(/^PUBLIC_BASE_URL: .*https:\/\/ origin/m);
    }
    // Loopback is development: http:// is fine there; a bare https:// origin is fine anywhere.
    for (const url of ["http://localhost:8787", "https://registre.example", "https://registre.example/"]) {
      expect((await call("GET", "/health/ready", { env: { PUBLIC_BASE_URL: url } })).status, url).toBe(200);
    }
  });

  it("D1 down or too slow: 503 not-ready, the admin token still gets the details", async () => {
    for (const over of [{ DB: outageD1() }, { DB: outageD1("hang", 3_000), D1_READ_BUDGET_MS: "100" }]) {
      const r = await call("GET", "/health/ready", { env: over });
      expect(r.status).toBe(503);
      expect(r.json).toMatchObject({ status: "not-ready", database: { answers: false }, backlog: null });
      expect(r.json.database.error).toMatch(/D1/);
    }
  });

  it("the backlog: the oldest pending effect's age, dead-lettered notifications and failed e-mails are reported, not fatal", async () => {
    const old = new Date(Date.now() - 3_600_000).toISOString();
    await env.DB.prepare(
      "INSERT INTO effects (id, kind, subject, status, attempts, next_attempt_at, created_at) VALUES ('eff_health_old', 'last-known', 'HEALTH-OLD', 'pending', 3, ?, ?)",
    )
      .bind(new Date(Date.now() + 3_600_000).toISOString(), old)
      .run();
    try {
      const r = await call("GET", "/health/ready");
      expect(r.status).toBe(200);
      expect(r.json.backlog.pendingEffects).toBeGreaterThanOrEqual(1);
      expect(r.json.backlog.oldestPendingEffectSeconds).toBeGreaterThanOrEqual(3_599);
    } finally {
      await env.DB.prepare("DELETE FROM effects WHERE id = 'eff_health_old'").run();
    }
  });
});
