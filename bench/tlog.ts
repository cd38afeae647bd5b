/**
 * The transparency log's costs at 1,000,000 leaves, with the Worker's own code (src/tlog/): rows written per
 * append (amortised), rows an inclusion or consistency proof reads, and the CPU of one checkpoint (the root
 * from its ≤ 20 stored subtrees, then the Ed25519 signature of the note). No D1: the rows are counted from
 * the same functions the log job and the proof routes call (src/jobs/log.ts, src/routes/log.ts).
 * `npx tsx bench/tlog.ts` prints one JSON line; it exits 1 past the bars (5 ms a checkpoint, 40 rows
 * a proof, O(1) rows an append).
 */
import { consistencyRanges, decompose, inclusionRanges, newNodes, nodesOf, rootHash } from "../src/tlog/merkle";
import { noteSigner, signCheckpoint } from "../src/tlog/note";

const LEAVES = 1_000_000;

/** CPU milliseconds of `work` (user + system, this process), median of `n` runs. */
async function cpu(work: () => Promise<unknown>, n = 200): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = process.cpuUsage();
    await work();
    const used = process.cpuUsage(start);
    ms.push((used.user + used.system) / 1000);
  }
  return ms.sort((a, b) => a - b)[Math.floor(n / 2)]!;
}

// Rows written: each append writes its leaf (in its event's batch) and its level-0 hash, plus the interior
// nodes it completes (the log job); summed over a million appends, one at a time.
let interior = 0;
for (let size = 0; size < LEAVES; size++) interior += newNodes(size, size + 1).length;
const rowsPerAppend = (2 * LEAVES + interior) / LEAVES;

// Rows read by proofs: the complete subtrees they need, at a few places of the tree.
const inclusion = Math.max(
  ...[0, 1, 123_457, 524_288, LEAVES - 1].map((i) => nodesOf(inclusionRanges(i, LEAVES)).length),
);
const consistency = Math.max(
  ...[1, 777_777, 999_999].map((m) => nodesOf([...consistencyRanges(m, LEAVES), [0, m], [0, LEAVES]]).length),
);

// A checkpoint: the root from the stored subtrees (read: ≤ 20 rows), then the signature.
const signer = await noteSigner("registre.example/log", crypto.getRandomValues(new Uint8Array(32)));
const stored = new Map(
  decompose(0, LEAVES).map((n) => [`${n.level}/${n.index}`, crypto.getRandomValues(new Uint8Array(32))]),
);
const get = (n: { level: number; index: number }) => stored.get(`${n.level}/${n.index}`)!;
const checkpointMs = await cpu(async () => signCheckpoint(signer, LEAVES, await rootHash(LEAVES, get)));

const result = {
  leaves: LEAVES,
  rowsWrittenPerAppend: Number(rowsPerAppend.toFixed(3)),
  inclusionProofRowsRead: inclusion,
  consistencyProofRowsRead: consistency,
  checkpointCpuMs: Number(checkpointMs.toFixed(3)),
};
console.log(JSON.stringify(result));
if (checkpointMs > 5 || inclusion > 40 || rowsPerAppend > 3) process.exit(1);
