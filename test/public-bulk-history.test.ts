/**
 * Bulk verification (POST /v1/public/labels/verify) and the public history
 * (GET /v1/public/labels/{ref}/history): the same reading of references and the same answers as the
 * single verification, the history cached and purged like it, never an actor or a private reason.
 */
import { describe, expect, it } from "vitest";
import { addDays, todayUtc } from "../src/domain/label-dates";
import { makeAssignment, makeCertifier, makeInputs, makeStructure } from "./factories";
import { call } from "./helpers";

const today = todayUtc();
const anonymous = (method: string, path: string, body?: unknown, ip = "192.0.2.10") =>
  call(method, path, { token: null, body, headers: { "CF-Connecting-IP": ip } });

async function labelled() {
  const oc = await makeCertifier();
  const s = await makeStructure();
  await makeAssignment(s.code, oc.id);
  await makeInputs(s.code, oc.id, { on: addDays(today, -10) });
  const r = await call("POST", `/v1/structures/${s.code}/decisions`, { body: { decision: "award", decidedOn: today } });
  return { code: s.code, number: r.json.label.number as string };
}

describe("POST /v1/public/labels/verify", () => {
  it("answers each reference in order, as the single answer does; unknown ones as unknown", async () => {
    const a = await labelled();
    const b = await labelled();
    const bare = await makeStructure();
    const refs = [a.code.toLowerCase(), b.number.toLowerCase(), "NOPE-999", bare.code, a.number, "not a ref!", a.code];
    const r = await anonymous("POST", "/v1/public/labels/verify", { refs });
    expect(r.status).toBe(200);
    expect(r.headers.get("Cache-Control")).toBe("no-store");
    expect(r.json.items.map((i: any) => i.ref)).toEqual(refs);
    const single = async (ref: string) => {
      const { checkedAt: _, ...rest } = (await anonymous("GET", `/v1/public/labels/${ref}`)).json;
      return rest;
    };
    const strip = ({ checkedAt: _, ref: __, ...rest }: any) => rest;
    expect(strip(r.json.items[0])).toEqual(await single(a.code));
    expect(strip(r.json.items[1])).toEqual(await single(b.number));
    expect(r.json.items[2]).toEqual({ ref: "NOPE-999", valid: false, status: "unknown" });
    expect(r.json.items[3]).toMatchObject({ valid: false, status: "none", labelNumber: null });
    expect(strip(r.json.items[4])).toEqual(await single(a.code));
    expect(r.json.items[5]).toEqual({ ref: "not a ref!", valid: false, status: "unknown" });
    expect(r.json.items[0].structure.code).toBe(a.code);
  });

  it("a renewed label's number answers its own (past) label, as the single answer", async () => {
    const a = await labelled();
    const renewal = await call("POST", `/v1/structures/${a.code}/decisions`, {
      body: { decision: "award", decidedOn: today },
    });
    const r = await anonymous("POST", "/v1/public/labels/verify", { refs: [a.number, a.code] });
    expect(r.json.items[0]).toMatchObject({ labelNumber: a.number, supersededBy: renewal.json.label.number });
    expect(r.json.items[1]).toMatchObject({ labelNumber: renewal.json.label.number });
  });

  it("1–100 references: none or 101 → 422; each reference counts against the public rate limit", async () => {
    expect((await anonymous("POST", "/v1/public/labels/verify", { refs: [] })).status).toBe(422);
    const tooMany = await anonymous("POST", "/v1/public/labels/verify", {
      refs: Array.from({ length: 101 }, (_, i) => `R-${i}`),
    });
    expect(tooMany.status).toBe(422);
    expect(tooMany.json.errors[0].path).toBe("refs");
    const hundred = Array.from({ length: 100 }, (_, i) => `NOPE-${i}`);
    const ip = "198.51.100.77";
    // The public limiter allows 300 misses a minute per IP: three bulks of 100 use it all.
    for (let i = 0; i < 3; i++) {
      expect((await anonymous("POST", "/v1/public/labels/verify", { refs: hundred }, ip)).status).toBe(200);
    }
    const over = await anonymous("POST", "/v1/public/labels/verify", { refs: ["NOPE-1"] }, ip);
    expect(over.status).toBe(429);
    expect((await anonymous("GET", "/v1/public/labels/NOPE-1", undefined, ip)).status).toBe(429);
    expect((await anonymous("POST", "/v1/public/labels/verify", { refs: ["NOPE-1"] }, "198.51.100.78")).status).toBe(
      200,
    );
  });

  it("is open to browsers on other sites (CORS preflight for POST)", async () => {
    const r = await call("OPTIONS", "/v1/public/labels/verify", {
      token: null,
      headers: {
        Origin: "https://portail.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
      },
    });
    expect(r.status).toBe(204);
    expect(r.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(r.headers.get("Access-Control-Allow-Methods")).toContain("POST");
  });
});

describe("GET /v1/public/labels/{ref}/history", () => {
  it("lists the public events of the structure's labels, newest first, without actors or reasons", async () => {
    const a = await labelled();
    await call("POST", `/v1/labels/${a.number}/suspend`, { body: { reason: "Motif confidentiel A" } });
    await call("POST", `/v1/labels/${a.number}/reinstate`, { body: { reason: "Motif confidentiel B" } });
    const renewal = (
      await call("POST", `/v1/structures/${a.code}/decisions`, { body: { decision: "award", decidedOn: today } })
    ).json.label.number;
    await call("POST", `/v1/labels/${renewal}/withdraw`, { body: { reason: "Motif confidentiel C" } });

    const r = await anonymous("GET", `/v1/public/labels/${a.code}/history`);
    expect(r.status).toBe(200);
    expect(r.json.structure.code).toBe(a.code);
    expect(r.json.items.map((i: any) => [i.labelNumber, i.type, i.status])).toEqual([
      [renewal, "withdrawn", "withdrawn"],
      [renewal, "renewed", "valid"],
      [a.number, "reinstated", "valid"],
      [a.number, "suspended", "suspended"],
      [a.number, "awarded", "valid"],
    ]);
    expect(r.text).not.toMatch(/Motif|admin|certifier:|@/);
    // By label number (any of its labels, any case): the same history, at its canonical path.
    const byNumber = await anonymous("GET", `/v1/public/labels/${a.number.toLowerCase()}/history`);
    expect(byNumber.status).toBe(301);
    expect(byNumber.headers.get("Location")).toBe(`/v1/public/labels/${a.number}/history`);
    expect((await anonymous("GET", `/v1/public/labels/${a.number}/history`)).json.items).toEqual(r.json.items);
    expect((await anonymous("GET", "/v1/public/labels/NOPE-42/history")).status).toBe(404);
    // The verification page shows the same events, in French.
    const page = await anonymous("GET", `/verify/${a.code}`);
    expect(page.text).toContain("Renouvelé");
    expect(page.text).not.toContain("Remplacé");
  });

  it("is cached at the edge with the label's Cache-Tags, and purged by the next change", async () => {
    const a = await labelled();
    const path = `/v1/public/labels/${a.code}/history`;
    const first = await anonymous("GET", path);
    expect(first.headers.get("X-Cache")).toBe("MISS");
    expect(first.headers.get("Cache-Tag")).toBe(`spp-code-${a.code},spp-label-${a.number}`);
    const hit = await anonymous("GET", path);
    expect(hit.headers.get("X-Cache")).toBe("HIT");
    const etag = hit.headers.get("ETag")!;
    expect((await call("GET", path, { token: null, headers: { "If-None-Match": etag } })).status).toBe(304);
    await call("POST", `/v1/labels/${a.number}/suspend`, { body: { reason: "x" } });
    const after = await anonymous("GET", path);
    expect(after.headers.get("X-Cache")).toBe("MISS");
    expect(after.json.items[0]).toMatchObject({ type: "suspended" });
  });
});
