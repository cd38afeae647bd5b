/**
 * The transparency log end to end, in workerd on real D1: every structure registration and label event is
 * a leaf in commit order (written by the event's own batch), the log job hashes them and signs a
 * checkpoint, the tree equals a reference computation over the leaves, proofs served over HTTP verify,
 * and the monitor anyone can run (examples/monitor.mjs) passes — and fails when a stored leaf or hash is
 * tampered with.
 */
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { monitor } from "../examples/monitor.mjs";
import { getDb } from "../src/db/client";
import { runLog } from "../src/jobs/log";
import { equal, leafHash, nodeHash, verifyConsistency, verifyInclusion } from "../src/tlog/merkle";
import { unb64, verifyCheckpoint } from "../src/tlog/note";
import { makeLabel, makeStatusChange, makeStructure } from "./factories";
import { BASE, call, fetchWorker, sql } from "./helpers";

const db = () => getDb(env.DB);
const get = (path: string, init?: RequestInit) => fetchWorker(new Request(`${BASE}${path}`, init));

/** RFC 9162's MTH over the stored leaves' bytes, computed here from scratch. */
async function referenceRoot(size: number) {
  const rows = await sql<{ data: string }>("SELECT data FROM log_leaves WHERE idx < ? ORDER BY idx", size);
  const hashes = await Promise.all(rows.map((r) => leafHash(new TextEncoder().encode(r.data))));
  const mth = async (lo: number, hi: number): Promise<Uint8Array> => {
    if (hi - lo === 1) return hashes[lo]!;
    let k = 1;
    while (k * 2 < hi - lo) k *= 2;
    return nodeHash(await mth(lo, lo + k), await mth(lo + k, hi));
  };
  return mth(0, size);
}

let first: { size: number; root: Uint8Array };
let key: string;

beforeAll(async () => {
  const a = await makeLabel({ tier: "or" });
  await makeStatusChange(a.number, "suspend");
  await makeLabel({ status: "withdrawn" });
  await runLog(db(), env);
  key = (await (await get("/log/key")).text()).trim();
  first = await verifyCheckpoint(await (await get("/log/checkpoint")).text(), key);
});

describe("the log", () => {
  it("holds every registration and public label event as a leaf, in commit order, without actors or reasons", async () => {
    const leaves = await sql<{ idx: number; data: string }>("SELECT idx, data FROM log_leaves ORDER BY idx");
    expect(leaves.map((l) => l.idx)).toEqual(leaves.map((_, i) => i));
    const types = leaves.map((l) => JSON.parse(l.data).type);
    expect(types).toContain("structure.registered");
    expect(types).toEqual(expect.arrayContaining(["label.awarded", "label.suspended", "label.withdrawn"]));
    const suspended = leaves.map((l) => JSON.parse(l.data)).find((d) => d.type === "label.suspended");
    expect(Object.keys(suspended)).toEqual(["v", "type", "structure", "label", "tier", "on"]);
    for (const l of leaves) expect(l.data).not.toMatch(/Motif|admin:|@/);
    // An award's event comes after its structure's registration.
    const i = types.indexOf("label.awarded");
    const code = JSON.parse(leaves[i]!.data).structure;
    expect(leaves.findIndex((l) => JSON.parse(l.data).structure === code)).toBeLessThan(i);
  });

  it("the checkpoint's root equals a reference computation over the leaves", async () => {
    expect(first.size).toBe((await sql("SELECT idx FROM log_leaves")).length);
    expect(equal(first.root, await referenceRoot(first.size))).toBe(true);
  });

  it("inclusion proofs served over HTTP verify for every leaf", async () => {
    for (let index = 0; index < first.size; index++) {
      const p = (await call("GET", `/log/proof/inclusion?index=${index}&size=${first.size}`, { token: null })).json;
      const ok = await verifyInclusion(index, first.size, unb64(p.leafHash), p.proof.map(unb64), first.root);
      expect(ok, `leaf ${index}`).toBe(true);
    }
    expect(
      (await call("GET", `/log/proof/inclusion?index=${first.size}&size=${first.size}`, { token: null })).status,
    ).toBe(422);
  });

  it("a consistency proof between two checkpoints verifies; the monitor passes, then sees the log grow", async () => {
    const run1 = await monitor({ get, state: {}, key: undefined });
    expect(run1.lines.join("\n")).toMatch(/agrees with the log/);
    expect(run1.ok, run1.lines.join("\n")).toBe(true);

    const s = await makeStructure();
    await makeLabel({ structureCode: s.code });
    await runLog(db(), env);
    const second = await verifyCheckpoint(await (await get("/log/checkpoint")).text(), key);
    expect(second.size).toBeGreaterThan(first.size);
    const p = (await call("GET", `/log/proof/consistency?from=${first.size}&to=${second.size}`, { token: null })).json;
    expect(await verifyConsistency(first.size, second.size, first.root, second.root, p.proof.map(unb64))).toBe(true);

    const run2 = await monitor({ get, state: run1.state, key: undefined });
    expect(run2.ok, run2.lines.join("\n")).toBe(true);
    expect(run2.lines.join("\n")).toMatch(/consistent with the checkpoint kept last time/);
  });

  it("tampering with a stored leaf, or with a stored hash, makes the monitor fail", async () => {
    const clean = await monitor({ get, state: {}, key: undefined });
    expect(clean.ok, clean.lines.join("\n")).toBe(true);

    const [leaf] = await sql<{ idx: number; data: string }>(
      "SELECT idx, data FROM log_leaves WHERE data LIKE '%label.withdrawn%'",
    );
    await sql(
      "UPDATE log_leaves SET data = ? WHERE idx = ?",
      leaf!.data.replace("label.withdrawn", "label.reinstated"),
      leaf!.idx,
    );
    const r = await monitor({ get, state: clean.state, key: undefined });
    expect(r.ok).toBe(false);
    expect(r.lines.join("\n")).toMatch(/DISAGREEMENT/);
    await sql("UPDATE log_leaves SET data = ? WHERE idx = ?", leaf!.data, leaf!.idx);

    await sql("UPDATE log_nodes SET hash = ? WHERE level = 0 AND idx = 1", "00".repeat(32));
    const t = await monitor({ get, state: clean.state, key: undefined });
    expect(t.ok).toBe(false);
    expect(t.lines.join("\n")).toMatch(/hash tile 0\/0/);
  });

  it("a public answer that disagrees with the log's last event makes the monitor fail", async () => {
    const [leaf] = await sql<{ data: string }>("SELECT data FROM log_leaves WHERE data LIKE '%label.suspended%'");
    const label = JSON.parse(leaf!.data).label;
    await sql("UPDATE public_labels SET status = 'valid' WHERE label_number = ?", label);
    await sql("UPDATE labels SET status = 'valid' WHERE number = ?", label);
    const r = await monitor({ get, state: {}, key: undefined });
    expect(r.ok).toBe(false);
    expect(r.lines.join("\n")).toMatch(new RegExp(`${label}: the log's last event is label.suspended`));
  });
});

describe("the public history points into the log", () => {
  it("each event carries its logIndex: that leaf records it, and its inclusion proof verifies", async () => {
    const l = await makeLabel({ tier: "bronze" });
    await makeStatusChange(l.number, "suspend");
    await runLog(db(), env);
    const cp = await verifyCheckpoint(await (await get("/log/checkpoint")).text(), key);
    const h = (await call("GET", `/v1/public/labels/${l.structureCode}/history`, { token: null })).json;
    expect(h.items.map((i: any) => i.type)).toEqual(["suspended", "awarded"]);
    for (const item of h.items) {
      const [leaf] = await sql<{ data: string }>("SELECT data FROM log_leaves WHERE idx = ?", item.logIndex);
      expect(JSON.parse(leaf!.data)).toMatchObject({
        type: `label.${item.type}`,
        label: l.number,
        on: item.effectiveOn,
      });
      const p = (await call("GET", `/log/proof/inclusion?index=${item.logIndex}&size=${cp.size}`, { token: null }))
        .json;
      const hash = await leafHash(new TextEncoder().encode(leaf!.data));
      expect(await verifyInclusion(item.logIndex, cp.size, hash, p.proof.map(unb64), cp.root)).toBe(true);
    }
  });
});

describe("tiles", () => {
  it("paths as C2SP tlog-tiles reads them; a tile beyond the checkpoint is 404", async () => {
    const [cp] = await sql<{ size: number }>("SELECT max(size) AS size FROM log_checkpoints");
    const size = cp!.size;
    const tile = await get(`/log/tile/0/000.p/${size}`);
    expect(tile.status).toBe(200);
    expect(tile.headers.get("Content-Type")).toBe("application/octet-stream");
    expect((await tile.arrayBuffer()).byteLength).toBe(32 * size);
    expect((await get("/log/tile/0/000")).status).toBe(404); // not full yet
    expect((await get(`/log/tile/0/000.p/${size + 1}`)).status).toBe(404);
    expect((await get("/log/tile/0/1")).status).toBe(404); // not the spec's spelling
    const entries = await get(`/log/tile/entries/000.p/${size}`);
    expect(entries.status).toBe(200);
  });
});
