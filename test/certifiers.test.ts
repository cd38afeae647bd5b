import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { certifierPayload, makeCertifier } from "./factories";
import { call } from "./helpers";

describe("POST /v1/certifiers", () => {
  it("registers a body and shows its API key and webhook secret once", async () => {
    const r = await call("POST", "/v1/certifiers", { body: certifierPayload({ siret: "11000201100044" }) });
    expect(r.status).toBe(201);
    expect(r.headers.get("Cache-Control")).toBe("no-store");
    expect(r.json).toMatchObject({
      id: expect.stringMatching(/^oc_/),
      siret: "11000201100044",
      habilitation: { from: "2024-01-01", until: "2030-12-31", status: "active" },
      apiKey: expect.stringMatching(/^spp_/),
      webhookSecret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]+=*$/),
    });
    const again = await call("GET", `/v1/certifiers/${r.json.id}`);
    expect(again.json.apiKey).toBeUndefined();
    expect(again.json.webhookSecret).toBeUndefined();
    // Only the hash is stored.
    const stored = await env.DB.prepare("SELECT hash FROM api_keys WHERE certifier_id = ?")
      .bind(r.json.id)
      .first<{ hash: string }>();
    expect(stored!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored!.hash).not.toContain(r.json.apiKey);
  });

  it("accepts a habilitation entirely in the past (history)", async () => {
    const r = await call("POST", "/v1/certifiers", {
      body: certifierPayload({ habilitation: { from: "2019-01-01", until: "2022-12-31" } }),
    });
    expect(r.status).toBe(201);
  });

  it.each([
    [{ habilitation: { from: "2026-01-01", until: "2025-01-01" } }, "habilitation.until"],
    [{ habilitation: { from: "2026-02-30", until: "2027-01-01" } }, "habilitation.from"],
    [{ contactEmail: "nope" }, "contactEmail"],
    [{ siret: "12345678901234" }, "siret"],
    [{ name: "" }, "name"],
  ])("answers 422 naming the wrong field (%j) and stores nothing", async (over, path) => {
    const before = await env.DB.prepare("SELECT count(*) AS n FROM certifiers").first<{ n: number }>();
    const r = await call("POST", "/v1/certifiers", { body: certifierPayload(over) });
    expect(r.status).toBe(422);
    expect(r.json.errors.map((e: { path: string }) => e.path)).toContain(path);
    const after = await env.DB.prepare("SELECT count(*) AS n FROM certifiers").first<{ n: number }>();
    expect(after!.n).toBe(before!.n);
  });
});

describe("GET, list and PATCH /v1/certifiers", () => {
  it("lists with keyset pagination", async () => {
    await makeCertifier({ name: "L1" });
    await makeCertifier({ name: "L2" });
    const p1 = await call("GET", "/v1/certifiers?limit=1");
    expect(p1.json.items).toHaveLength(1);
    const p2 = await call("GET", `/v1/certifiers?limit=1&cursor=${p1.json.nextCursor}`);
    expect(p2.json.items[0].id).not.toBe(p1.json.items[0].id);
  });

  it("extends or suspends a habilitation, keeping what is not sent", async () => {
    const c = await makeCertifier({ name: "Patchable" });
    const r = await call("PATCH", `/v1/certifiers/${c.id}`, {
      body: { habilitation: { until: "2031-06-30", status: "suspended" } },
    });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      name: "Patchable",
      habilitation: { from: "2024-01-01", until: "2031-06-30", status: "suspended" },
    });
    const bad = await call("PATCH", `/v1/certifiers/${c.id}`, { body: { habilitation: { until: "2020-01-01" } } });
    expect(bad.status).toBe(422);
    expect(bad.json.errors[0].path).toBe("habilitation.until");
    expect((await call("GET", "/v1/certifiers/oc_nope")).status).toBe(404);
  });
});

describe("POST /v1/certifiers/{id}/webhook-secrets", () => {
  it("issues a new secret and gives the old one a grace period", async () => {
    const c = await makeCertifier();
    const r = await call("POST", `/v1/certifiers/${c.id}/webhook-secrets`);
    expect(r.status).toBe(201);
    expect(r.json.webhookSecret).toMatch(/^whsec_/);
    expect(r.json.webhookSecret).not.toBe(c.webhookSecret);
    const hours = (Date.parse(r.json.previousValidUntil) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThanOrEqual(24);
    const rows = await env.DB.prepare(
      "SELECT secret, expires_at FROM webhook_secrets WHERE certifier_id = ? ORDER BY created_at",
    )
      .bind(c.id)
      .all<{ secret: string; expires_at: string | null }>();
    expect(rows.results).toEqual([
      { secret: c.webhookSecret, expires_at: r.json.previousValidUntil },
      { secret: r.json.webhookSecret, expires_at: null },
    ]);
  });
});

describe("API keys", () => {
  it("creates admin keys that work, lists them without secrets, and revokes them at once", async () => {
    const created = await call("POST", "/v1/api-keys", { body: { role: "admin", name: "import" } });
    expect(created.status).toBe(201);
    const key = created.json.apiKey as string;
    expect((await call("GET", "/v1/structures", { token: key })).status).toBe(200);

    const list = await call("GET", "/v1/api-keys");
    expect(JSON.stringify(list.json)).not.toContain(key);

    const revoked = await call("POST", `/v1/api-keys/${created.json.id}/revoke`);
    expect(revoked.json.revokedAt).toEqual(expect.any(String));
    expect((await call("GET", "/v1/structures", { token: key })).status).toBe(401);
  });

  it("requires a body for certifier keys and refuses one for admin keys", async () => {
    expect((await call("POST", "/v1/api-keys", { body: { role: "certifier" } })).json.errors[0].path).toBe(
      "certifierId",
    );
    const c = await makeCertifier();
    expect((await call("POST", "/v1/api-keys", { body: { role: "admin", certifierId: c.id } })).status).toBe(422);
    expect((await call("POST", "/v1/api-keys", { body: { role: "certifier", certifierId: c.id } })).status).toBe(201);
    expect((await call("POST", "/v1/api-keys", { body: { role: "certifier", certifierId: "oc_nope" } })).status).toBe(
      404,
    );
  });
});
