// The benchmark's credentials (issue 12): signs them into the seed once (bench/credentials.ts, with the
// Worker's own signing code, run by tsx), keeps the measured CPU cost of one signature beside the seed,
// and gives the scenarios the labels and status lists they request.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { d1File } from "./seed.mjs";

/** Labels whose credential is signed into the seed: the credential cache-miss rows cycle through them. */
const SIGNED_LABELS = 2_000;
/** A fixed Ed25519 seed for the bench only (its credentials are served, never trusted). */
const BENCH_SIGNING_KEY = "YmVuY2gtb25seS1rZXktbm90LWZvci1wcm9kdWN0aW8";

/** Signs the seed's credentials unless it holds them; returns the CPU cost measured when they were signed. */
export function seedCredentials(info, log = console.error) {
  const file = join(info.dir, "credentials.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8"));
  log(`bench: signing ${SIGNED_LABELS} credentials and their status lists into the seed (once per seed)`);
  const r = spawnSync(
    "npx",
    ["tsx", "bench/credentials.ts", d1File(info.dir), String(SIGNED_LABELS), BENCH_SIGNING_KEY],
    {
      encoding: "utf8",
    },
  );
  if (r.status !== 0) throw new Error(`bench/credentials.ts failed:\n${r.stdout}\n${r.stderr}`);
  const measured = JSON.parse(r.stdout.trim().split("\n").pop());
  writeFileSync(file, `${JSON.stringify(measured, null, 2)}\n`);
  return measured;
}

/** What the credential rows request: labels with a stored credential, and status lists, shuffled. */
export function credentialSample(info) {
  const db = new DatabaseSync(d1File(info.dir), { readOnly: true });
  const credentialNumbers = db
    .prepare("SELECT label_number AS n FROM credentials ORDER BY substr(label_number, -2), label_number")
    .all()
    .map((r) => r.n);
  const statusLists = db
    .prepare("SELECT purpose || '/' || list AS p FROM status_lists ORDER BY substr(list, -2), list, purpose")
    .all()
    .map((r) => r.p);
  db.close();
  return { credentialNumbers, statusLists };
}

/** The summary line of the signing cost (docs/benchmarks.md « Credentials »). */
export const signingSummary = (m) =>
  `Signing (CPU of one signature, Node ${process.version}, the Worker's code and libraries, median of ` +
  `${m.credentials} credentials / ${m.lists} status lists): credential **${m.credentialMs} ms** (the first, ` +
  `compiling: ${m.credentialMaxMs} ms), status list **${m.statusListMs} ms**, plus in the Worker the pure-JS ` +
  `Ed25519 of its bundle: **${m.workerEd25519Ms ?? "—"} ms** a signature — a change signs at most one credential per ` +
  "label of its structure and two lists.";
