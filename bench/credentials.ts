/**
 * Credentials for the benchmark's seed, and the CPU cost of one signature. Run by bench/run.mjs with
 * tsx: `tsx bench/credentials.ts <D1 sqlite file> <labels> <signing seed>`. It signs, with the Worker's
 * own code (src/credentials/: model, keys, sign) and the bench's key, the credentials of the first
 * `labels` current labels (each at a random index of its year's lists) and the status lists they point
 * at, plus 1,000 status lists with made-up ids (`/status/{revocation,suspension}/1000…1499`: a status
 * list cache miss needs a different list per request, and a registry has one list per purpose and year).
 * Prints one JSON line: the CPU milliseconds of one credential signature and of one status list.
 */
import { DatabaseSync } from "node:sqlite";
// The pure-JavaScript Ed25519 the Worker's bundle uses (ed25519-multikey's `browser` build); Node's own
// run of the libraries signs with node:crypto, so this is timed apart.
import * as noble from "@noble/ed25519";
import { deriveIssuerKeys } from "../src/credentials/keys";
import { labelCredential, listOfLabel, STATUS_LIST_LENGTH, statusListCredential } from "../src/credentials/model";
import { sign } from "../src/credentials/sign";
import { STATUS_PURPOSES } from "../src/db/schema";

const [file, count, seed] = process.argv.slice(2);
if (!file || !count || !seed) throw new Error("usage: tsx bench/credentials.ts <sqlite file> <labels> <seed>");
const db = new DatabaseSync(file);
const keys = await deriveIssuerKeys("http://127.0.0.1:8900", seed, []);

/** CPU milliseconds of `work` (user + system, this process). */
async function cpu<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = process.cpuUsage();
  const value = await work();
  const used = process.cpuUsage(start);
  return { value, ms: (used.user + used.system) / 1000 };
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

type Row = {
  number: string;
  tier: "bronze" | "argent" | "or";
  awarded_on: string;
  expires_on: string;
  code: string;
  name: string;
};
const rows = db
  .prepare(
    `SELECT l.number, l.tier, l.awarded_on, l.expires_on, s.code, s.name FROM labels l
     JOIN structures s ON s.code = l.structure_code
     WHERE l.superseded_by IS NULL AND l.number NOT IN (SELECT label_number FROM credentials)
     ORDER BY substr(l.number, -3), l.number LIMIT ?`,
  )
  .all(Number(count)) as Row[];

const used = new Map<string, Set<number>>();
const drawIndex = (list: string) => {
  const taken = used.get(list) ?? new Set<number>();
  used.set(list, taken);
  for (;;) {
    const i = Math.floor(Math.random() * STATUS_LIST_LENGTH);
    if (!taken.has(i)) {
      taken.add(i);
      return i;
    }
  }
};
const insEntry = db.prepare("INSERT INTO status_entries (label_number, list, idx) VALUES (?, ?, ?)");
const insCredential = db.prepare(
  "INSERT INTO credentials (label_number, document, content_hash, verification_method, signed_at) VALUES (?, ?, ?, ?, ?)",
);
const insList = db.prepare(
  `INSERT OR REPLACE INTO status_lists (purpose, list, document, bits_hash, verification_method, signed_at)
   VALUES (?, ?, ?, ?, ?, ?)`,
);
const now = new Date();
const credentialMs: number[] = [];
db.exec("BEGIN");
for (const r of rows) {
  const list = listOfLabel(r.number);
  const index = drawIndex(list);
  const unsigned = labelCredential(
    {
      number: r.number,
      tier: r.tier,
      awardedOn: r.awarded_on,
      expiresOn: r.expires_on,
      structure: { code: r.code, name: r.name },
      referential: null,
      entry: { list, index },
    },
    keys,
  );
  const { value, ms } = await cpu(() => sign(unsigned, keys));
  credentialMs.push(ms);
  insEntry.run(r.number, list, index);
  insCredential.run(r.number, JSON.stringify(value), "bench", keys.signing.id, now.toISOString());
}
const listMs: number[] = [];
const lists = [...new Set(rows.map((r) => listOfLabel(r.number)))];
const madeUp = Array.from({ length: 500 }, (_, i) => String(1000 + i));
for (const list of [...lists, ...madeUp]) {
  for (const purpose of STATUS_PURPOSES) {
    const { value, ms } = await cpu(async () => sign(await statusListCredential(purpose, list, [], keys, now), keys));
    listMs.push(ms);
    insList.run(purpose, list, JSON.stringify(value), "bench", keys.signing.id, now.toISOString());
  }
}
db.exec("COMMIT");
db.close();
// eddsa-rdfc-2022 signs 64 bytes (two SHA-256 digests).
const message = crypto.getRandomValues(new Uint8Array(64));
const secret = crypto.getRandomValues(new Uint8Array(32));
const ed25519Ms: number[] = [];
for (let i = 0; i < 200; i++) ed25519Ms.push((await cpu(() => noble.sign(message, secret))).ms);
// The first signatures pay for compiling the libraries: the median is the steady cost.
console.log(
  JSON.stringify({
    credentials: rows.length,
    lists: listMs.length,
    credentialMs: +median(credentialMs).toFixed(2),
    credentialMaxMs: +Math.max(...credentialMs, 0).toFixed(1),
    statusListMs: +median(listMs).toFixed(2),
    workerEd25519Ms: +median(ed25519Ms).toFixed(2),
  }),
);
