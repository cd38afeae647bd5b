import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { makeAssignment, makeCertifier, makeStructure, structurePayload } from "./factories";
import { call } from "./helpers";

const count = async () => (await env.DB.prepare("SELECT count(*) AS n FROM structures").first<{ n: number }>())!.n;

describe("POST /v1/structures", () => {
  it("registers a structure and answers it with Location", async () => {
    const body = structurePayload({
      code: "S-CREATE-1",
      siret: "11000201100044",
      website: "https://s.example",
      region: "PACA",
    });
    const r = await call("POST", "/v1/structures", { body });
    expect(r.status).toBe(201);
    expect(r.headers.get("Location")).toBe("/v1/structures/S-CREATE-1");
    expect(r.json).toMatchObject({ code: "S-CREATE-1", name: body.name, siret: "11000201100044", certifier: null });
    expect(r.json.contacts).toEqual(body.contacts);
  });

  it("refuses a second structure with the same code (409) and keeps the first", async () => {
    await makeStructure({ code: "S-DUP", name: "Premier" });
    const r = await call("POST", "/v1/structures", { body: structurePayload({ code: "S-DUP", name: "Second" }) });
    expect(r.status).toBe(409);
    expect(r.headers.get("Content-Type")).toBe("application/problem+json");
    expect((await call("GET", "/v1/structures/S-DUP")).json.name).toBe("Premier");
  });

  it.each([
    ["siret", { siret: "11000201100045" }, "siret"],
    ["siret length", { siret: "123" }, "siret"],
    ["postcode", { postcode: "99999" }, "postcode"],
    ["department 20", { department: "20" }, "department"],
    ["category", { category: "mairie" }, "category"],
    ["code", { code: "SPP-2025-000001" }, "code"],
    ["code characters", { code: "a b" }, "code"],
    ["contact e-mail", { contacts: [{ email: "pas-un-email" }] }, "contacts.0.email"],
    ["no contacts", { contacts: [] }, "contacts"],
    ["website", { website: "javascript:alert(1)" }, "website"],
    ["empty name", { name: "   " }, "name"],
    ["unknown field", { extra: 1 }, "extra"],
    ["unknown nested field", { contacts: [{ email: "a@b.example", phone: "1" }] }, "contacts.0.phone"],
  ])("answers 422 naming the wrong field (%s) and stores nothing", async (_what, over, path) => {
    const before = await count();
    const r = await call("POST", "/v1/structures", { body: structurePayload(over) });
    expect(r.status).toBe(422);
    expect(r.json).toMatchObject({
      status: 422,
      code: "validation",
      type: `${env.PUBLIC_BASE_URL}/problems/validation`,
    });
    expect(r.json.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(await count()).toBe(before);
  });

  it("refuses a structure as its own parent: well-formed, refused by a rule (unprocessable)", async () => {
    const before = await count();
    const r = await call("POST", "/v1/structures", {
      body: structurePayload({ code: "S-SELF", parentCode: "S-SELF" }),
    });
    expect(r.status).toBe(422);
    expect(r.json).toMatchObject({ code: "unprocessable", errors: [{ path: "parentCode" }] });
    expect(await count()).toBe(before);
  });

  it("accepts Corsica and overseas departments", async () => {
    for (const [department, postcode] of [
      ["2A", "20000"],
      ["2B", "20200"],
      ["971", "97100"],
      ["976", "97600"],
    ]) {
      const r = await call("POST", "/v1/structures", { body: structurePayload({ department, postcode }) });
      expect(r.status).toBe(201);
    }
  });
});

describe("GET /v1/structures", () => {
  it("searches accent- and case-insensitively, filters, and paginates by keyset", async () => {
    await makeStructure({
      code: "Q-A1",
      name: "Préfecture des Alpes",
      network: "Préfectures",
      department: "05",
      postcode: "05000",
    });
    await makeStructure({
      code: "Q-A2",
      name: "Préfecture du Rhône",
      network: "Préfectures",
      department: "69",
      postcode: "69001",
    });
    await makeStructure({
      code: "Q-B1",
      name: "CAF des Alpes",
      network: "CAF",
      department: "05",
      postcode: "05000",
      category: "organisme_securite_sociale",
    });

    // Names starting with q first; then the other structures of the network « Préfectures », not the CAF.
    const byName = await call("GET", "/v1/structures?q=PREFECTURE");
    const found = byName.json.items.map((s: { code: string }) => s.code);
    expect(found.slice(0, 2)).toEqual(["Q-A1", "Q-A2"]);
    expect(found).not.toContain("Q-B1");

    const byCode = await call("GET", "/v1/structures?q=Q-B");
    expect(byCode.json.items.map((s: { code: string }) => s.code)).toEqual(["Q-B1"]);

    const alps = await call("GET", "/v1/structures?department=05&network=CAF");
    expect(alps.json.items.map((s: { code: string }) => s.code)).toEqual(["Q-B1"]);

    const cat = await call("GET", "/v1/structures?category=organisme_securite_sociale&q=alpes");
    expect(cat.json.items).toHaveLength(1);

    const p1 = await call("GET", "/v1/structures?q=alpes&limit=1");
    expect(p1.json.items).toHaveLength(1);
    expect(p1.json.nextCursor).toEqual(expect.any(String));
    const p2 = await call("GET", `/v1/structures?q=alpes&limit=1&cursor=${p1.json.nextCursor}`);
    expect(p2.json.items).toHaveLength(1);
    expect(p2.json.items[0].code).not.toBe(p1.json.items[0].code);
    expect(p2.json.nextCursor).toBeNull();
  });

  it("treats LIKE wildcards in q literally", async () => {
    await makeStructure({ code: "W-1", name: "Mairie ordinaire" });
    expect((await call("GET", "/v1/structures?q=%25")).json.items).toEqual([]);
    expect((await call("GET", "/v1/structures?q=_")).json.items).toEqual([]);
  });

  it("answers 400 for a forged cursor and 422 for a bad limit", async () => {
    const bad = await call("GET", "/v1/structures?cursor=not-a-cursor");
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0].path).toBe("cursor");
    const limit = await call("GET", "/v1/structures?limit=0");
    expect(limit.status).toBe(422);
    expect(limit.json.errors[0].path).toBe("limit");
  });
});

describe("GET and PATCH /v1/structures/{code}", () => {
  it("reads, and 404s an unknown code", async () => {
    await makeStructure({ code: "R-1" });
    expect((await call("GET", "/v1/structures/R-1")).json.code).toBe("R-1");
    const r = await call("GET", "/v1/structures/NOPE");
    expect(r.status).toBe(404);
    expect(r.json.code).toBe("not-found");
  });

  it("changes only the fields sent, and replaces contacts as a whole", async () => {
    await makeStructure({ code: "P-1", name: "Avant", city: "Lyon" });
    const r = await call("PATCH", "/v1/structures/P-1", {
      body: { name: "Après", contacts: [{ email: "nouveau@p.example" }] },
    });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ name: "Après", city: "Lyon", contacts: [{ email: "nouveau@p.example" }] });
    expect((await call("GET", "/v1/structures?q=apres")).json.items.map((s: { code: string }) => s.code)).toContain(
      "P-1",
    );
  });

  it("refuses an empty patch, a code change and a bad value, changing nothing", async () => {
    await makeStructure({ code: "P-2", name: "Intact" });
    for (const body of [{}, { code: "P-3" }, { postcode: "1" }]) {
      const r = await call("PATCH", "/v1/structures/P-2", { body });
      expect(r.status).toBe(422);
    }
    expect((await call("GET", "/v1/structures/P-2")).json.name).toBe("Intact");
    expect((await call("PATCH", "/v1/structures/NOPE", { body: { name: "x" } })).status).toBe(404);
  });
});

describe("PUT /v1/structures/{code}/certifier", () => {
  it("assigns a body with its contract and keeps the history", async () => {
    const a = await makeCertifier({ name: "OC A" });
    const b = await makeCertifier({ name: "OC B" });
    await makeStructure({ code: "A-1" });
    expect((await makeAssignment("A-1", a.id, "M-1")).certifier).toEqual({
      id: a.id,
      name: "OC A",
      contractRef: "M-1",
    });
    expect((await makeAssignment("A-1", b.id, "M-2")).certifier).toEqual({
      id: b.id,
      name: "OC B",
      contractRef: "M-2",
    });
    const history = await env.DB.prepare(
      "SELECT certifier_id, contract_ref FROM assignments WHERE structure_code = 'A-1' ORDER BY assigned_at, rowid",
    ).all();
    expect(history.results).toEqual([
      { certifier_id: a.id, contract_ref: "M-1" },
      { certifier_id: b.id, contract_ref: "M-2" },
    ]);
  });

  it("refuses an unknown body (422) or structure (404)", async () => {
    await makeStructure({ code: "A-2" });
    const r = await call("PUT", "/v1/structures/A-2/certifier", { body: { certifierId: "oc_nope", contractRef: "M" } });
    expect(r.status).toBe(422);
    expect(r.json.errors[0].path).toBe("certifierId");
    const c = await makeCertifier();
    expect(
      (await call("PUT", "/v1/structures/NOPE/certifier", { body: { certifierId: c.id, contractRef: "M" } })).status,
    ).toBe(404);
    expect(
      (await call("PUT", "/v1/structures/A-2/certifier", { body: { certifierId: c.id } })).json.errors[0].path,
    ).toBe("contractRef");
  });
});
