/**
 * The transparency log's Merkle tree, as RFC 9162 §2.1 (and RFC 6962) defines it: leaf hash
 * SHA-256(0x00 ‖ entry), interior node SHA-256(0x01 ‖ left ‖ right), the tree of n leaves split at the
 * largest power of two below n. Pure: no I/O. The registry stores every COMPLETE subtree's hash (a node
 * (level, index) covers leaves [index·2^level, (index+1)·2^level)); any other hash a proof or a root
 * needs is folded from the few complete subtrees that `decompose` names, so a proof reads O(log n) rows.
 * The monitor (examples/monitor.mjs) computes the same with node:crypto; test/tlog.test.ts checks both
 * against a direct transcription of the RFC's recursive definitions.
 * @see https://www.rfc-editor.org/rfc/rfc9162#section-2.1
 */

export type Hash = Uint8Array;
/** A complete subtree: `level` = log2 of its leaf count, `index` = its position at that level. */
export type Node = { level: number; index: number };

const sha256 = async (...parts: Uint8Array[]): Promise<Hash> => {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return new Uint8Array(await crypto.subtle.digest("SHA-256", all));
};

export const leafHash = (entry: Uint8Array) => sha256(Uint8Array.of(0), entry);
export const nodeHash = (left: Hash, right: Hash) => sha256(Uint8Array.of(1), left, right);
/** The root of the empty tree: SHA-256 of nothing. */
export const emptyRoot = () => sha256();

/** The largest power of two strictly below n (n ≥ 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The complete subtrees whose hashes make MTH(D[start:end]), largest first, as the RFC's recursion splits
 * the range: `start` must be aligned to the range's first split (it always is for the ranges proofs use).
 */
export function decompose(start: number, end: number): Node[] {
  const out: Node[] = [];
  while (end > start) {
    const n = end - start;
    const k = n & (n - 1) ? split(n) : n; // a power of two is one complete subtree
    const level = Math.log2(k);
    out.push({ level, index: start / k });
    start += k;
  }
  return out;
}

export type Lookup = (node: Node) => Hash;

/** MTH(D[start:end]) from the complete subtrees `decompose` names: folded from the right. */
export async function rangeHash(start: number, end: number, get: Lookup): Promise<Hash> {
  const parts = decompose(start, end).map(get);
  let h = parts.pop()!;
  while (parts.length > 0) h = await nodeHash(parts.pop()!, h);
  return h;
}

/** The root hash of the first `size` leaves. */
export async function rootHash(size: number, get: Lookup): Promise<Hash> {
  return size === 0 ? emptyRoot() : rangeHash(0, size, get);
}

/** The ranges [start, end) whose MTH make the inclusion proof of leaf `index` in a tree of `size` (RFC 9162 §2.1.3.1). */
export function inclusionRanges(index: number, size: number): [number, number][] {
  if (index < 0 || index >= size) throw new RangeError("index outside the tree");
  const out: [number, number][] = [];
  const path = (m: number, start: number, end: number) => {
    const n = end - start;
    if (n <= 1) return;
    const k = split(n);
    if (m < k) {
      path(m, start, start + k);
      out.push([start + k, end]);
    } else {
      path(m - k, start + k, end);
      out.push([start, start + k]);
    }
  };
  path(index, 0, size);
  return out;
}

/** The ranges whose MTH make the consistency proof from `from` to `to` leaves (RFC 9162 §2.1.4.1). */
export function consistencyRanges(from: number, to: number): [number, number][] {
  if (from < 1 || from > to) throw new RangeError("need 1 ≤ from ≤ to");
  const out: [number, number][] = [];
  const sub = (m: number, start: number, end: number, b: boolean) => {
    const n = end - start;
    if (m === n) {
      if (!b) out.push([start, end]);
      return;
    }
    const k = split(n);
    if (m <= k) {
      sub(m, start, start + k, b);
      out.push([start + k, end]);
    } else {
      sub(m - k, start + k, end, false);
      out.push([start, start + k]);
    }
  };
  if (from < to) sub(from, 0, to, true);
  return out;
}

/** Every complete subtree the ranges need: what to read before computing proofs. */
export const nodesOf = (ranges: readonly [number, number][]): Node[] => ranges.flatMap(([s, e]) => decompose(s, e));

/** RFC 9162 §2.1.3.2: does `proof` show the leaf hash at `index` in the tree of `size` with `root`? */
export async function verifyInclusion(index: number, size: number, leaf: Hash, proof: Hash[], root: Hash) {
  if (index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 && equal(r, root);
}

/** RFC 9162 §2.1.4.2: does `proof` show the tree of `from` leaves (`oldRoot`) is a prefix of the one of `to` (`newRoot`)? */
export async function verifyConsistency(from: number, to: number, oldRoot: Hash, newRoot: Hash, proof: Hash[]) {
  if (from === to) return proof.length === 0 && equal(oldRoot, newRoot);
  if (from < 1 || from > to || proof.length === 0) return false;
  const path = isPowerOfTwo(from) ? [oldRoot, ...proof] : [...proof];
  let fn = from - 1;
  let sn = to - 1;
  while (fn % 2 === 1) {
    fn >>= 1;
    sn >>= 1;
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 && equal(fr, oldRoot) && equal(sr, newRoot);
}

const isPowerOfTwo = (n: number) => (n & (n - 1)) === 0;

export function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

/**
 * The complete nodes that appending leaves [from, to) creates above level 0, level by level: node
 * (l, i) is complete once leaf (i+1)·2^l − 1 exists. What the log effect computes and stores.
 */
export function newNodes(from: number, to: number): Node[] {
  const out: Node[] = [];
  for (let level = 1; 2 ** level <= to; level++) {
    const width = 2 ** level;
    const first = Math.floor(from / width); // the first node not complete before `from` leaves
    const last = Math.floor(to / width); // nodes below this one are complete now
    for (let index = first; index < last; index++) if ((index + 1) * width > from) out.push({ level, index });
  }
  return out;
}
