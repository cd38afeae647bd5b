/**
 * The transparency log's pure parts against the RFC's own definitions: roots, inclusion and consistency
 * proofs computed from stored complete subtrees equal a direct transcription of RFC 9162's recursive
 * MTH, PATH and PROOF, and verify with its verification algorithms; tampering fails them. Checkpoints
 * are C2SP signed notes that verify with the published verifier key, and only with it.
 */
import { describe, expect, it } from "vitest";
import { encodeEntry } from "../src/tlog/entry";
import {
  consistencyRanges,
  equal,
  type Hash,
  inclusionRanges,
  leafHash,
  type Node,
  newNodes,
  nodeHash,
  nodesOf,
  rangeHash,
  rootHash,
  verifyConsistency,
  verifyInclusion,
} from "../src/tlog/merkle";
import { noteSigner, signCheckpoint, verifyCheckpoint } from "../src/tlog/note";
import { encodeIndex, entryBundle, parseTilePath, tileWidth } from "../src/tlog/tiles";

// ─── RFC 9162 §2.1, transcribed as written (slow, recursive, obviously right) ─────────────────────────────
const k = (n: number) => 2 ** Math.ceil(Math.log2(n) - 1);
async function mth(d: Hash[]): Promise<Hash> {
  if (d.length === 0) return new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array()));
  if (d.length === 1) return d[0]!; // already leaf hashes
  const s = k(d.length);
  return nodeHash(await mth(d.slice(0, s)), await mth(d.slice(s)));
}
async function path(m: number, d: Hash[]): Promise<Hash[]> {
  if (d.length <= 1) return [];
  const s = k(d.length);
  return m < s
    ? [...(await path(m, d.slice(0, s))), await mth(d.slice(s))]
    : [...(await path(m - s, d.slice(s))), await mth(d.slice(0, s))];
}
async function subproof(m: number, d: Hash[], b: boolean): Promise<Hash[]> {
  const n = d.length;
  if (m === n) return b ? [] : [await mth(d)];
  const s = k(n);
  return m <= s
    ? [...(await subproof(m, d.slice(0, s), b)), await mth(d.slice(s))]
    : [...(await subproof(m - s, d.slice(s), false)), await mth(d.slice(0, s))];
}

/** Every complete node of a tree of these leaf hashes, as the registry stores them. */
async function store(leaves: Hash[]) {
  const nodes = new Map<string, Hash>(leaves.map((h, i) => [`0/${i}`, h]));
  for (const { level, index } of newNodes(0, leaves.length)) {
    nodes.set(
      `${level}/${index}`,
      await nodeHash(nodes.get(`${level - 1}/${2 * index}`)!, nodes.get(`${level - 1}/${2 * index + 1}`)!),
    );
  }
  return (n: Node) => {
    const h = nodes.get(`${n.level}/${n.index}`);
    if (!h) throw new Error(`node ${n.level}/${n.index} not stored`);
    return h;
  };
}

const leavesOf = (n: number) =>
  Promise.all(
    Array.from({ length: n }, (_, i) =>
      leafHash(encodeEntry({ type: "structure.registered", structure: `S-${i}`, on: "2026-12-06" })),
    ),
  );

describe("Merkle tree (RFC 9162 §2.1)", () => {
  it("roots, inclusion and consistency proofs equal the RFC's definitions for every size up to 70", async () => {
    const all = await leavesOf(70);
    for (let size = 1; size <= 70; size++) {
      const d = all.slice(0, size);
      const get = await store(d);
      const root = await rootHash(size, get);
      expect(equal(root, await mth(d)), `root of ${size}`).toBe(true);
      for (const m of [0, Math.floor(size / 2), size - 1]) {
        const proof = await Promise.all(inclusionRanges(m, size).map(([s, e]) => rangeHash(s, e, get)));
        expect(proof.map((h) => [...h])).toEqual((await path(m, d)).map((h) => [...h]));
        expect(await verifyInclusion(m, size, d[m]!, proof, root)).toBe(true);
        // Another leaf's hash never verifies at this index (in a tree of one, it is the same leaf).
        expect(await verifyInclusion(m, size, d[(m + 1) % size]!, proof, root)).toBe(size === 1);
      }
      for (const from of [1, Math.max(1, size - 3), size]) {
        const proof = await Promise.all(consistencyRanges(from, size).map(([s, e]) => rangeHash(s, e, get)));
        expect(proof.map((h) => [...h])).toEqual(
          from === size ? [] : (await subproof(from, d, true)).map((h) => [...h]),
        );
        const old = await mth(d.slice(0, from));
        expect(await verifyConsistency(from, size, old, root, proof)).toBe(true);
        if (from < size) {
          const forged = d.slice(0, from).map((h, i) => (i === 0 ? Uint8Array.from(h, (b) => b ^ 1) : h));
          expect(await verifyConsistency(from, size, await mth(forged), root, proof)).toBe(false);
        }
      }
    }
  });

  it("a proof reads O(log n) stored nodes: at 1,000,000 leaves, ≤ 40", () => {
    for (const m of [0, 1, 123_456, 999_999])
      expect(nodesOf(inclusionRanges(m, 1_000_000)).length).toBeLessThanOrEqual(40);
    expect(nodesOf(consistencyRanges(777_777, 1_000_000)).length).toBeLessThanOrEqual(60);
  });

  it("appending creates each complete node exactly once", () => {
    const seen = new Set<string>();
    let size = 0;
    for (const step of [1, 1, 3, 7, 100, 200, 1000]) {
      for (const n of newNodes(size, size + step)) {
        const id = `${n.level}/${n.index}`;
        expect(seen.has(id)).toBe(false);
        seen.add(id);
      }
      size += step;
    }
    // A tree of n leaves has n − popcount(n) complete nodes above its leaves.
    expect(seen.size).toBe(size - (size.toString(2).split("1").length - 1));
  });
});

describe("tiles (C2SP tlog-tiles)", () => {
  it("paths: groups of three digits with x prefixes; partial tiles; nothing else", () => {
    expect(encodeIndex(1_234_067)).toBe("x001/x234/067");
    expect(encodeIndex(0)).toBe("000");
    expect(parseTilePath("0/x001/x234/067")).toEqual({ level: 0, index: 1_234_067, width: 256, partial: false });
    expect(parseTilePath("entries/000.p/7")).toEqual({ level: "entries", index: 0, width: 7, partial: true });
    for (const bad of ["0/1", "0/000.p/256", "0/000.p/0", "0/x000/001", "64/000", "0/000/", "-1/000", "0/000.p/07"]) {
      expect(parseTilePath(bad), bad).toBeNull();
    }
    expect(tileWidth(0, 0, 300)).toBe(256);
    expect(tileWidth(0, 1, 300)).toBe(44);
    expect(tileWidth(1, 0, 300)).toBe(1);
    expect(tileWidth(1, 0, 255)).toBe(0);
  });

  it("an entry bundle is each entry's big-endian uint16 length, then its bytes", () => {
    expect([...entryBundle([Uint8Array.of(7), new Uint8Array(258)])].slice(0, 6)).toEqual([0, 1, 7, 1, 2, 0]);
  });
});

describe("checkpoints (C2SP tlog-checkpoint, signed-note)", () => {
  const seed = Uint8Array.from({ length: 32 }, (_, i) => i);
  it("a signed checkpoint verifies with the verifier key, and fails when anything changes", async () => {
    const signer = await noteSigner("registre.example/log", seed);
    expect(signer.verifierKey).toMatch(/^registre\.example\/log\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
    const root = await mth(await leavesOf(5));
    const note = await signCheckpoint(signer, 5, root);
    expect(note.split("\n").slice(0, 4)).toEqual(["registre.example/log", "5", btoa(String.fromCharCode(...root)), ""]);
    const cp = await verifyCheckpoint(note, signer.verifierKey);
    expect(cp.size).toBe(5);
    await expect(verifyCheckpoint(note.replace("\n5\n", "\n6\n"), signer.verifierKey)).rejects.toThrow(
      /does not verify/,
    );
    const other = await noteSigner(
      "registre.example/log",
      seed.map((b) => b ^ 0xff),
    );
    await expect(verifyCheckpoint(note, other.verifierKey)).rejects.toThrow();
  });
});
