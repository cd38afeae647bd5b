/** GET /v1/public/labels/{ref}, the shields endpoint, caching (ETag, 304, purge) and privacy. */
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { codeTag, labelTag } from "../src/changes/public-change";
import { purgeLocally } from "../src/changes/purge";
import { getDb } from "../src/db/client";
import { pastLabelQuery, publicLabelQuery } from "../src/db/public";
import { parisDay } from "../src/domain/badge";
import { parseRef } from "../src/domain/public-ref";
import {
  type LabelOverrides,
  makeAssignment,
  makeCertifier,
  makeLabel,
  makeStatusChange,
  makeStructure,
} from "./factories";
import { call } from "./helpers";

let n = 0;
const code = () => `PUBJ-${++n}`;
let oc: { id: string };

/** A structure (through the API, with a contact e-mail and name) and optionally a label. */
async function labelled(over: LabelOverrides = {}) {
  const s = await makeStructure({
    code: code(),
    contacts: [{ email: "secret.person@private.example", name: "Dominique Secret", role: "Référente" }],
    siret: "11000201100044",
  });
  await makeAssignment(s.code, oc.id);
  const number = (await makeLabel({ structureCode: s.code, certifierId: oc.id, ...over })).number;
  return { code: s.code, number };
}

const get = (path: string, headers: Record<string, string> = {}) => call("GET", path, { token: null, headers });
const today = parisDay(new Date());
const daysFromToday = (d: number) => {
  const t = new Date(`${today}T12:00:00Z`);
  t.setUTCDate(t.getUTCDate() + d);
  return t.toISOString().slice(0, 10);
};

beforeAll(async () => {
  oc = await makeCertifier({ name: "Organisme Public Test", contactEmail: "oc-contact@private.example" });
});

describe("GET /v1/public/labels/{ref}: every status", () => {
  it("valid: the whole public answer, without credentials", async () => {
    const l = await labelled({ tier: "argent", awardedOn: "2026-03-31", expiresOn: "2029-03-30" });
    const r = await get(`/v1/public/labels/${l.code}`);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      valid: true,
      status: "valid",
      tier: "argent",
      labelNumber: l.number,
      awardedOn: "2026-03-31",
      expiresOn: "2029-03-30",
      supersededBy: null,
      structure: { code: l.code, network: "Préfectures", city: "Marseille" },
      certifier: { name: "Organisme Public Test" },
      permalink: `${env.PUBLIC_BASE_URL}/verify/${l.code}`,
    });
    expect(Date.now() - Date.parse(r.json.checkedAt)).toBeLessThan(60_000);
  });

  it("valid through its last day (expiresOn = today is still valid)", async () => {
    const l = await labelled({ expiresOn: today });
    expect((await get(`/v1/public/labels/${l.code}`)).json.status).toBe("valid");
  });

  it.each(["suspended", "withdrawn", "expired"] as const)("%s: valid is false", async (status) => {
    const l = await labelled(status === "expired" ? { status, expiresOn: daysFromToday(-1) } : { status });
    const r = await get(`/v1/public/labels/${l.code}`);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ valid: false, status, labelNumber: l.number });
  });

  it("a label stored valid past its last day shows expired before the cron runs", async () => {
    const l = await labelled({ status: "valid", expiresOn: daysFromToday(-1) });
    expect((await get(`/v1/public/labels/${l.code}`)).json).toMatchObject({ valid: false, status: "expired" });
  });

  it("none: a known structure without a label", async () => {
    const s = await makeStructure({ code: code() });
    const r = await get(`/v1/public/labels/${s.code}`);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      valid: false,
      status: "none",
      tier: null,
      labelNumber: null,
      certifier: null,
      structure: { code: s.code },
    });
  });

  it("unknown code or label number → 404 problem (with CORS), malformed ref → 422", async () => {
    const a = await get("/v1/public/labels/NOPE-404");
    expect(a.status).toBe(404);
    expect(a.headers.get("Content-Type")).toContain("application/problem+json");
    expect(a.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect((await get("/v1/public/labels/SPP-2026-999999")).status).toBe(404);
    expect((await get("/v1/public/labels/%3Cscript%3E")).status).toBe(422);
  });

  it("by label number; the current label of a structure is its latest not superseded", async () => {
    const old = await labelled({ tier: "bronze", awardedOn: "2023-01-10", expiresOn: "2026-01-09" });
    // A second award to the structure renews its label.
    const renewal = (
      await makeLabel({ structureCode: old.code, certifierId: oc.id, tier: "or", expiresOn: "2028-11-30" })
    ).number;
    const byCode = await get(`/v1/public/labels/${old.code}`);
    expect(byCode.json).toMatchObject({ labelNumber: renewal, tier: "or", status: "valid" });
    const byOld = await get(`/v1/public/labels/${old.number}`);
    expect(byOld.json).toMatchObject({ labelNumber: old.number, tier: "bronze", supersededBy: renewal });
  });
});

describe("GET /v1/public/labels/{number}: every label of a chain, by its own number", () => {
  // The structure's and the body's names are both `name` in SQL: a label that is not the current one is
  // read from the source tables, where they once collided (the body's name answered as the structure's).
  const expectFacts = (json: any, code: string, number: string) => {
    expect(json.labelNumber).toBe(number);
    expect(json.structure).toMatchObject({ code, name: `Structure ${code}` });
    expect(json.certifier).toEqual({ name: "Organisme Public Test" });
  };
  const named = async (over: LabelOverrides = {}) => {
    const c = code();
    const s = await makeStructure({ code: c, name: `Structure ${c}` });
    await makeAssignment(s.code, oc.id);
    return { code: c, label: await makeLabel({ structureCode: c, certifierId: oc.id, ...over }) };
  };

  it("current, renewed, withdrawn and expired labels answer their own facts with the body's name", async () => {
    const renewedChain = await named({ awardedOn: "2025-06-02" });
    const renewal = await makeLabel({ structureCode: renewedChain.code, certifierId: oc.id });
    const withdrawn = await named({ status: "withdrawn" });
    const afterWithdrawal = await makeLabel({ structureCode: withdrawn.code, certifierId: oc.id });
    const expired = await named({ status: "expired" });
    const cases: [string, string, string][] = [
      [renewedChain.code, renewedChain.label.number, "valid"], // superseded by its renewal: still its own term
      [renewedChain.code, renewal.number, "valid"],
      [withdrawn.code, withdrawn.label.number, "withdrawn"],
      [withdrawn.code, afterWithdrawal.number, "valid"],
      [expired.code, expired.label.number, "expired"],
    ];
    for (const [c, number, status] of cases) {
      const r = await get(`/v1/public/labels/${number}`);
      expect(r.status, number).toBe(200);
      expectFacts(r.json, c, number);
      expect(r.json.status, number).toBe(status);
      const bulk = await call("POST", "/v1/public/labels/verify", { token: null, body: { refs: [number] } });
      expectFacts(bulk.json.items[0], c, number);
    }
  });
});

describe("privacy", () => {
  it("no public answer carries contacts, SIRET, e-mails, actors or reasons", async () => {
    const l = await labelled({ status: "suspended" });
    const paths = [
      `/v1/public/labels/${l.code}`,
      `/v1/public/labels/${l.number}`,
      `/v1/public/labels/${l.code}/shields.json`,
      `/v1/public/labels?q=${l.code}`,
      `/v1/public/labels?q=${l.code}&format=csv`,
      `/badge/${l.code}.svg`,
      `/verify/${l.code}`,
    ];
    for (const p of paths) {
      const r = await get(p);
      expect(r.status, p).toBe(200);
      for (const secret of [
        "secret.person",
        "private.example",
        "Dominique",
        "11000201100044",
        "contracts",
        "MARCHE-TEST",
        "admin:",
        "certifier:",
        "Motif confidentiel",
        oc.id,
        "@",
      ]) {
        expect(r.text, `${p} leaks ${secret}`).not.toContain(secret);
      }
    }
  });
});

describe("caching", () => {
  it("answers CORS *, Cache-Control ≤ 300 s and an ETag; If-None-Match → 304", async () => {
    const l = await labelled();
    const path = `/v1/public/labels/${l.code}`;
    const a = await get(path);
    expect(a.headers.get("Access-Control-Allow-Origin")).toBe("*");
    const maxAge = Number(a.headers.get("Cache-Control")?.match(/max-age=(\d+)/)?.[1]);
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(300);
    const etag = a.headers.get("ETag")!;
    expect(etag).toMatch(/^W\/"[0-9a-f]+"$/);
    const b = await get(path, { "If-None-Match": etag });
    expect(b.status).toBe(304);
    expect(b.text).toBe("");
    expect(b.headers.get("ETag")).toBe(etag);
    expect((await get(path, { "If-None-Match": 'W/"other"' })).status).toBe(200);
  });

  it("CORS preflight is allowed from any origin", async () => {
    const r = await call("OPTIONS", "/v1/public/labels/X", {
      token: null,
      headers: { Origin: "https://mairie.example", "Access-Control-Request-Method": "GET" },
    });
    expect(r.status).toBe(204);
    expect(r.headers.get("Access-Control-Allow-Origin")).toBe("*");
  });

  it("serves from the edge cache, whatever the query string or host", async () => {
    const l = await labelled();
    expect((await get(`/v1/public/labels/${l.code}`)).headers.get("X-Cache")).toBe("MISS");
    expect((await get(`/v1/public/labels/${l.code}?bust=1`)).headers.get("X-Cache")).toBe("HIT");
  });

  it("purging the tags makes a suspension show at once: JSON, by number, badge, shields and page", async () => {
    const l = await labelled({ tier: "or" });
    const paths = [
      `/v1/public/labels/${l.code}`,
      `/v1/public/labels/${l.number}`,
      `/v1/public/labels/${l.code}/shields.json`,
      `/badge/${l.code}.svg`,
      `/verify/${l.code}`,
    ];
    const first = await Promise.all(paths.map((p) => get(p)));
    const etags = first.map((r) => r.headers.get("ETag"));
    for (const p of paths) expect((await get(p)).headers.get("X-Cache"), p).toBe("HIT");

    // A suspension whose effects have not run yet: without a purge the edge still says valid (this is what the purge is for).
    await makeStatusChange(l.number, "suspend", { effects: "pending" });
    expect((await get(`/v1/public/labels/${l.code}`)).json.status).toBe("valid");

    const deleted = await purgeLocally([codeTag(l.code), labelTag(l.number)]);
    expect(deleted).toBe(paths.length);

    const after = await Promise.all(paths.map((p) => get(p)));
    for (const r of after) expect(r.headers.get("X-Cache")).toBe("MISS");
    expect(after[0]!.json).toMatchObject({ valid: false, status: "suspended" });
    expect(after[1]!.json).toMatchObject({ valid: false, status: "suspended" });
    expect(after[2]!.json.message).toBe("Or · suspendu");
    expect(after[3]!.headers.get("X-Label-Status")).toBe("suspended");
    expect(after[3]!.text).toContain("suspendu");
    expect(after[4]!.text).toContain("Label suspendu");
    // The old validators no longer match: a client's copy is refreshed, not confirmed.
    for (const [i, p] of paths.entries()) {
      expect((await get(p, { "If-None-Match": etags[i]! })).status, p).toBe(200);
    }
  });

  it("purging is harmless when nothing is cached", async () => {
    const l = await labelled();
    await get(`/badge/${l.code}.svg`);
    expect(await purgeLocally([codeTag(l.code), labelTag(l.number)])).toBe(1);
    expect(await purgeLocally([codeTag(l.code), labelTag(l.number)])).toBe(0);
  });
});

describe("D1 reads", () => {
  const rowsRead = async (q: { toSQL(): { sql: string; params: unknown[] } }) => {
    const { sql, params } = q.toSQL();
    const r = await env.DB.prepare(sql)
      .bind(...params)
      .run();
    return { rows: r.results.length, read: r.meta.rows_read };
  };

  it("one row of the read model per verification, by code or by current label number", async () => {
    const l = await labelled();
    for (const ref of [l.code, l.number]) {
      expect(await rowsRead(publicLabelQuery(getDb(env.DB), parseRef(ref)!)), ref).toEqual({ rows: 1, read: 1 });
    }
  });

  it("a renewed label's number falls back to the labels table: at most 3 more rows", async () => {
    const l = await labelled({ awardedOn: "2023-01-01", expiresOn: "2025-12-31" });
    const renewal = (await makeLabel({ structureCode: l.code, certifierId: oc.id })).number;
    expect(await rowsRead(publicLabelQuery(getDb(env.DB), { kind: "label", value: l.number }))).toEqual({
      rows: 0,
      read: 0,
    });
    const past = await rowsRead(pastLabelQuery(getDb(env.DB), l.number));
    expect(past.rows).toBe(1);
    expect(past.read).toBeLessThanOrEqual(3);
    const r = await get(`/v1/public/labels/${l.number}`);
    expect(r.json).toMatchObject({ labelNumber: l.number, supersededBy: renewal, structure: { code: l.code } });
  });
});

describe("shields.io endpoint", () => {
  it("follows the endpoint schema, and flags unknown refs as errors without a 404", async () => {
    const l = await labelled({ tier: "bronze", expiresOn: "2029-03-30" });
    const r = await get(`/v1/public/labels/${l.code}/shields.json`);
    expect(r.json).toEqual({
      schemaVersion: 1,
      label: "Services Publics +",
      message: "Bronze · valide jusqu'au 30/03/2029",
      color: "#18753c",
      labelColor: "#000091",
      cacheSeconds: 300,
    });
    const u = await get("/v1/public/labels/NOPE-SHIELDS/shields.json");
    expect(u.status).toBe(200);
    expect(u.json).toMatchObject({ message: "inconnu", isError: true });
  });
});

describe("OpenAPI", () => {
  it("documents the public routes", async () => {
    const r = await get("/openapi.json");
    expect(r.status).toBe(200);
    for (const p of [
      "/v1/public/labels",
      "/v1/public/labels/{ref}",
      "/v1/public/labels/{ref}/shields.json",
      "/badge/{file}",
      "/verify/{ref}",
    ]) {
      expect(Object.keys(r.json.paths), p).toContain(p);
    }
  });
});

describe("renaming a structure", () => {
  it("purges its cached public answers, by code and by label number", async () => {
    const l = await labelled();
    const paths = [`/v1/public/labels/${l.code}`, `/v1/public/labels/${l.number}`, `/verify/${l.code}`];
    for (const p of paths) await get(p);
    for (const p of paths) expect((await get(p)).headers.get("X-Cache"), p).toBe("HIT");
    const r = await call("PATCH", `/v1/structures/${l.code}`, { body: { name: "Nouveau nom officiel" } });
    expect(r.status).toBe(200);
    const [byCode, byNumber, page] = await Promise.all(paths.map((p) => get(p)));
    expect(byCode!.json.structure.name).toBe("Nouveau nom officiel");
    expect(byNumber!.json.structure.name).toBe("Nouveau nom officiel");
    expect(page!.text).toContain("Nouveau nom officiel");
  });
});
