import { describe, expect, it } from "vitest";
import { addDays, todayUtc } from "../src/domain/label-dates";
import { ReferentialRulesSchema } from "../src/domain/referential";
import { makeAssignment, makeCertifier, makeInputs, makeStructure } from "./factories";
import { call } from "./helpers";

async function seeded() {
  const r = await call("GET", "/v1/referentials/2023-illustratif");
  expect(r.status).toBe(200);
  return r.json;
}

describe("référentiels", () => {
  it("the migrations seed an illustrative, non-official, active version with the 8 engagements", async () => {
    const ref = await seeded();
    expect(ref).toMatchObject({ version: "2023-illustratif", official: false, active: true, usedAt: null });
    expect(ref.description).toContain("ILLUSTRATIF");
    expect(ReferentialRulesSchema.safeParse(ref.rules).success).toBe(true);
    expect(ref.rules.validityMonths).toBe(36);
    expect(ref.rules.engagements).toHaveLength(8);
    expect(ref.rules.engagements[3]).toEqual({
      number: 4,
      heading: "Un service public plus efficace",
      wording: "Votre demande est traitée dans les délais annoncés",
    });
    // Engagement 8's wording is not public: left for an administrator.
    expect(ref.rules.engagements[7]).toEqual({ number: 8, heading: "Un service public plus simple", wording: null });
  });

  it("creates, edits while unused, and activates a version; evaluations follow the active one", async () => {
    const base = await seeded();
    const rules = structuredClone(base.rules);
    rules.engagements[7].wording = "Texte de l'engagement 8 saisi par l'administrateur";
    rules.tiers.bronze.auditScoreMin = 76; // stricter than the 75 of the factories (SCORE_FOR.argent)
    rules.tiers.argent.auditScoreMin = 76;
    rules.tiers.or.auditScoreMin = 80;
    let r = await call("POST", "/v1/referentials", {
      body: { version: "2026-test", description: "Version de test", official: false, rules },
    });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ version: "2026-test", active: false, usedAt: null });
    expect(r.headers.get("Location")).toBe("/v1/referentials/2026-test");

    r = await call("POST", "/v1/referentials", {
      body: { version: "2026-test", description: "x", official: false, rules },
    });
    expect(r.status).toBe(409);

    r = await call("PUT", "/v1/referentials/2026-test", {
      body: { description: "Version de test, corrigée", official: false, rules },
    });
    expect(r.status).toBe(200);
    expect(r.json.description).toBe("Version de test, corrigée");

    const oc = await makeCertifier();
    const { code } = await makeStructure();
    await makeAssignment(code, oc.id);
    await makeInputs(code, oc.id, { on: addDays(todayUtc(), -5) });
    r = await call("GET", `/v1/structures/${code}/evaluation`);
    expect(r.json).toMatchObject({ referentialVersion: "2023-illustratif", proposedTier: "argent" });

    r = await call("POST", "/v1/referentials/2026-test/activate");
    expect(r.status).toBe(200);
    expect(r.json.active).toBe(true);
    expect((await seeded()).active).toBe(false);
    r = await call("GET", "/v1/referentials");
    expect(r.json.items.filter((i: any) => i.active).map((i: any) => i.version)).toEqual(["2026-test"]);

    r = await call("GET", `/v1/structures/${code}/evaluation`);
    expect(r.json).toMatchObject({ referentialVersion: "2026-test", proposedTier: null, state: "complete" });

    await call("POST", "/v1/referentials/2023-illustratif/activate");
  });

  it("refuses invalid rules with the path of each problem", async () => {
    const rules = structuredClone((await seeded()).rules);
    rules.tiers.or.agentScoreMin = 10;
    rules.engagements = rules.engagements.slice(0, 7);
    const r = await call("POST", "/v1/referentials", {
      body: { version: "bad", description: "x", official: false, rules },
    });
    expect(r.status).toBe(422);
    expect(r.json.errors.map((e: any) => e.path)).toContain("rules.engagements");
  });

  it("refuses rules where a higher tier is easier", async () => {
    const rules = structuredClone((await seeded()).rules);
    rules.tiers.or.agentScoreMin = 10;
    const r = await call("POST", "/v1/referentials", {
      body: { version: "bad", description: "x", official: false, rules },
    });
    expect(r.status).toBe(422);
    expect(r.json.errors.map((e: any) => e.path)).toEqual(["rules.tiers.or.agentScoreMin"]);
  });

  it("is for admins only", async () => {
    const oc = await makeCertifier();
    expect((await call("GET", "/v1/referentials", { token: oc.apiKey })).status).toBe(403);
    expect((await call("GET", "/v1/referentials", { token: null })).status).toBe(401);
    expect((await call("GET", "/v1/referentials/unknown")).status).toBe(404);
  });
});
