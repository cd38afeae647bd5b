/** GET /v1/public/labels: the open-data listing, JSON and CSV. */
import { beforeAll, describe, expect, it } from "vitest";
import { parisDay } from "../src/domain/badge";
import { type LabelOverrides, makeAssignment, makeCertifier, makeLabel, makeStructure } from "./factories";
import { call, fetchWorker } from "./helpers";

const get = (path: string, headers: Record<string, string> = {}) => call("GET", path, { token: null, headers });
const yesterday = (() => {
  const t = new Date(`${parisDay(new Date())}T12:00:00Z`);
  t.setUTCDate(t.getUTCDate() - 1);
  return t.toISOString().slice(0, 10);
})();

const codes: Record<string, string> = {};
let renewal = "";
let old = "";

beforeAll(async () => {
  const oc = await makeCertifier({ name: "OC Liste" });
  const mk = async (key: string, over: Record<string, unknown>, label: LabelOverrides) => {
    const s = await makeStructure({ code: `PUBL-${key}`, ...over });
    await makeAssignment(s.code, oc.id);
    codes[key] = s.code;
    return (await makeLabel({ structureCode: s.code, certifierId: oc.id, ...label })).number;
  };
  await mk("A", { name: "Préfecture des Bouches-du-Rhône", department: "13" }, { tier: "or" });
  await mk(
    "B",
    { name: "CAF du Gard", network: "CAF", department: "30", postcode: "30000", city: "Nîmes" },
    { tier: "argent" },
  );
  await mk(
    "C",
    { name: "Urssaf Centre", network: "Urssaf", department: "45", postcode: "45000", city: "Orléans" },
    { tier: "bronze", status: "suspended" },
  );
  await mk("D", { name: "Mairie retirée", department: "13" }, { tier: "or", status: "withdrawn" });
  await mk("E", { name: "Lycée expiré", department: "13" }, { tier: "argent", status: "valid", expiresOn: yesterday });
  old = await mk(
    "F",
    { name: "Hôpital renouvelé", department: "13" },
    { tier: "bronze", awardedOn: "2023-01-01", expiresOn: "2025-12-31" },
  );
  // A second award to the same structure renews its label.
  renewal = (await makeLabel({ structureCode: "PUBL-F", certifierId: oc.id, tier: "or", awardedOn: "2025-12-01" }))
    .number;
  await makeStructure({ code: "PUBL-G", name: "Sans label" });
});

const codesOf = (r: { json: { items: { structure: { code: string } }[] } }) =>
  r.json.items.map((i) => i.structure.code);

describe("GET /v1/public/labels (JSON)", () => {
  it("lists current labels sorted by Code SP+, without structures lacking a label nor superseded labels", async () => {
    const r = await get("/v1/public/labels?q=PUBL-");
    expect(r.status).toBe(200);
    expect(codesOf(r)).toEqual(["PUBL-A", "PUBL-B", "PUBL-C", "PUBL-D", "PUBL-E", "PUBL-F"]);
    expect(r.json.items.find((i: any) => i.structure.code === "PUBL-F").labelNumber).toBe(renewal);
    expect(r.json.items.map((i: any) => i.labelNumber)).not.toContain(old);
    expect(r.headers.get("Access-Control-Allow-Origin")).toBe("*");
  });

  it.each([
    ["tier=or", ["PUBL-A", "PUBL-D", "PUBL-F"]],
    ["status=valid", ["PUBL-A", "PUBL-B", "PUBL-F"]],
    ["status=suspended", ["PUBL-C"]],
    ["status=withdrawn", ["PUBL-D"]],
    ["status=expired", ["PUBL-E"]],
    ["network=CAF", ["PUBL-B"]],
    ["department=13&status=valid", ["PUBL-A", "PUBL-F"]],
    // A name starting with q first, then the other matches (the network « Préfectures »), registration order.
    ["q=prefecture", ["PUBL-A", "PUBL-D", "PUBL-E", "PUBL-F"]],
    ["q=HOPITAL", ["PUBL-F"]],
  ])("filters %s", async (query, expected) => {
    const r = await get(`/v1/public/labels?${query}`);
    expect(r.status).toBe(200);
    expect(codesOf(r).filter((c) => c.startsWith("PUBL-"))).toEqual(expected);
  });

  it("paginates by keyset until nextCursor is null", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await get(`/v1/public/labels?q=PUBL-&limit=4${cursor ? `&cursor=${cursor}` : ""}`);
      expect(r.status).toBe(200);
      seen.push(...codesOf(r));
      cursor = r.json.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(2);
    expect(seen).toEqual(["PUBL-A", "PUBL-B", "PUBL-C", "PUBL-D", "PUBL-E", "PUBL-F"]);
  });

  it("rejects bad filters and tampered cursors as problems, never 500", async () => {
    expect((await get("/v1/public/labels?tier=platine")).status).toBe(422);
    expect((await get("/v1/public/labels?status=none")).status).toBe(422);
    expect((await get("/v1/public/labels?limit=0")).status).toBe(422);
    expect((await get("/v1/public/labels?limit=201")).status).toBe(422);
    const bad = await get("/v1/public/labels?cursor=not-a-cursor");
    expect(bad.status).toBe(400);
    expect(bad.headers.get("Content-Type")).toContain("application/problem+json");
  });

  it("answers 304 to a matching If-None-Match", async () => {
    const a = await get("/v1/public/labels?q=PUBL-");
    const b = await get("/v1/public/labels?q=PUBL-", { "If-None-Match": a.headers.get("ETag")! });
    expect(b.status).toBe(304);
  });
});

describe("GET /v1/public/labels (CSV)", () => {
  it("with Accept: text/csv or format=csv: BOM, ; separator, keyed on code_sp_de_la_structure", async () => {
    for (const r of [
      await get("/v1/public/labels?q=PUBL-", { Accept: "text/csv" }),
      await get("/v1/public/labels?q=PUBL-&format=csv"),
    ]) {
      expect(r.status).toBe(200);
      expect(r.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
      expect(r.headers.get("Content-Disposition")).toContain("attachment");
      expect(r.headers.get("Vary")).toBe("Accept");
      const lines = r.text.split("\r\n");
      // Response.text() drops the BOM, as spreadsheets do; check it on the bytes below.
      expect(lines[0]!.replace(/^\uFEFF/, "").split(";")[0]).toBe("code_sp_de_la_structure");
      expect(lines.filter((l) => l.startsWith("PUBL-"))).toHaveLength(6);
      expect(lines.find((l) => l.startsWith("PUBL-B;"))).toContain(";CAF du Gard;CAF;Nîmes;30;");
      expect(lines.find((l) => l.startsWith("PUBL-E;"))).toContain(";expiré;non;");
    }
  });

  it("starts with a UTF-8 byte-order mark so French spreadsheets read accents", async () => {
    const res = await fetchWorker("https://registry.test/v1/public/labels?format=csv&q=PUBL-");
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });

  it("gives the next page in a Link header", async () => {
    const r = await get("/v1/public/labels?q=PUBL-&format=csv&limit=5");
    const link = r.headers.get("Link")!;
    expect(link).toMatch(/^<\/v1\/public\/labels\?.*cursor=.*>; rel="next"$/);
    const next = await get(link.slice(1, link.indexOf(">")));
    expect(next.text.split("\r\n").filter((l) => l.startsWith("PUBL-"))).toEqual([expect.stringMatching(/^PUBL-F;/)]);
    expect(next.headers.get("Link")).toBeNull();
  });
});
