#!/usr/bin/env node
/**
 * Seeds the benchmark's local D1 with N structures (default 100,000) and their labels in a realistic
 * mix, in seconds: wrangler applies the migrations to bench/.data (the same files as production),
 * then rows are written straight into miniflare's SQLite file with Node's built-in `node:sqlite`,
 * in one transaction with prepared statements.
 *
 * Mix (per structure): 80% valid label (1% of all structures due: expiring on or before the bench
 * day), 5% suspended, 3% withdrawn, 7% expired, 5% no label; tiers 50% bronze / 35% argent / 15% or;
 * a quarter of valid labels are renewals (the superseded label is kept, as nothing is deleted).
 * Deterministic: the same N gives the same rows. All names and e-mails are fictional.
 *
 *   node bench/seed.mjs [--count 100000] [--force]
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { parseArgs } from "node:util";
import { backfillFiles, searchIndexFile } from "../scripts/backfill-file.mjs";

export const DATA_DIR = "bench/.data";
/** The pristine seed of N structures; bench/run.mjs copies it to bench/.data/run for each `wrangler dev`. */
export const seedDir = (count) => join(DATA_DIR, `seed-${count}`);
/** The bench day: « today » for the daily cron scenario; expiry dates are spread around it. */
export const BENCH_DAY = "2026-12-01";
const SEED_VERSION = 4;

/** mulberry32: a small deterministic PRNG, so two runs seed the same data. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Same folding as src/lib/text.ts `fold`, for structures.search_text. */
const fold = (v) =>
  v
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();

const DEPARTMENTS = [
  ...Array.from({ length: 19 }, (_, i) => String(i + 1).padStart(2, "0")),
  "2A",
  "2B",
  ...Array.from({ length: 75 }, (_, i) => String(i + 21)),
  "971",
  "972",
  "973",
  "974",
  "976",
];
/** Real towns with their department; half the structures sit in one of them, the rest elsewhere. */
const CITIES = [
  ["Nîmes", "30"],
  ["Saint-Étienne", "42"],
  ["Besançon", "25"],
  ["Orléans", "45"],
  ["Évry-Courcouronnes", "91"],
  ["Béziers", "34"],
  ["Angoulême", "16"],
  ["Ajaccio", "2A"],
  ["Bastia", "2B"],
  ["Pointe-à-Pitre", "971"],
  ["Fort-de-France", "972"],
  ["Cayenne", "973"],
  ["Saint-Denis", "974"],
  ["Mamoudzou", "976"],
  ["Lyon", "69"],
  ["Marseille", "13"],
  ["Créteil", "94"],
  ["Châlons-en-Champagne", "51"],
  ["Montluçon", "03"],
  ["Périgueux", "24"],
];
/** [network, code prefix, head label, typology, category, weight]: a plausible spread of networks in scope. */
const NETWORKS = [
  ["CAF", "CAF", "Caisse d'allocations familiales", "Accueil physique", "organisme_securite_sociale", 8],
  ["CPAM", "CPAM", "Caisse primaire d'assurance maladie", "Accueil physique", "organisme_securite_sociale", 8],
  ["Urssaf", "URSSAF", "Urssaf", "Accueil téléphonique", "organisme_securite_sociale", 4],
  ["MSA", "MSA", "Mutualité sociale agricole", "Accueil physique", "organisme_securite_sociale", 3],
  ["France Travail", "FT", "Agence France Travail", "Accueil physique", "etablissement_public_etat", 8],
  ["Préfectures", "PREF", "Préfecture", "Accueil physique", "service_deconcentre_etat", 4],
  ["DGFiP", "DGFIP", "Service des impôts des particuliers", "Accueil physique", "service_deconcentre_etat", 10],
  ["France services", "FS", "Maison France services", "Accueil physique", "collectivite_territoriale", 15],
  ["Éducation nationale", "EPLE", "Lycée", "EPLE", "eple", 20],
  ["Hôpitaux", "CH", "Centre hospitalier", "Accueil physique", "etablissement_public_sante", 8],
  ["Communes", "MAIRIE", "Mairie", "Accueil physique", "collectivite_territoriale", 10],
  ["Intercommunalités", "EPCI", "Communauté de communes", "Accueil physique", "etablissement_public_local", 2],
];
const TIERS = [
  ["bronze", 0.5],
  ["argent", 0.35],
  ["or", 0.15],
];

const pickWeighted = (rand, items, weight) => {
  const total = items.reduce((s, x) => s + weight(x), 0);
  let r = rand() * total;
  for (const x of items) {
    r -= weight(x);
    if (r < 0) return x;
  }
  return items.at(-1);
};

const DAY_MS = 86_400_000;
const addDays = (day, n) => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
const minusYears = (day, n) => `${Number(day.slice(0, 4)) - n}${day.slice(4)}`.replace(/-02-29$/, "-02-28");

function postcodeFor(dept, rand) {
  if (dept === "2A") return `200${String(Math.floor(rand() * 20)).padStart(2, "0")}`;
  if (dept === "2B") return `20${String(200 + Math.floor(rand() * 400))}`;
  if (dept.length === 3) return `${dept}${String(Math.floor(rand() * 90) + 10)}`;
  return `${dept}${String(Math.floor(rand() * 99) * 10).padStart(3, "0")}`;
}

/** Hash of the migrations, so a schema change re-seeds instead of reusing stale data. */
function migrationsFingerprint() {
  const h = createHash("sha256");
  for (const f of readdirSync("migrations")
    .filter((f) => f.endsWith(".sql"))
    .sort()) {
    h.update(f).update(readFileSync(join("migrations", f)));
  }
  return h.update(readFileSync("scripts/demo-data.sql")).digest("hex").slice(0, 16);
}

/** The miniflare SQLite file behind the DB binding (the newest non-metadata .sqlite). */
export function d1File(root) {
  const dir = join(root, "v3", "d1", "miniflare-D1DatabaseObject");
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite") : [];
  if (files.length === 0) throw new Error(`No D1 SQLite file under ${dir}: did the migrations apply?`);
  return files.map((f) => join(dir, f)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
}

function writeRows(file, count) {
  const rand = prng(count);
  const db = new DatabaseSync(file);
  // A large page cache: the indexes are filled in random order, and the default 2 MB thrashes.
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144;");
  db.exec(readFileSync("scripts/demo-data.sql", "utf8"));
  const benchBodies = Array.from({ length: 12 }, (_, i) => `oc_bench_${String(i + 1).padStart(2, "0")}`);
  // The demo body (scripts/demo-data.sql, whose webhook secret is public) audits 1 structure in 13,
  // so signed-webhook scenarios have structures assigned to a body whose secret they know.
  const certifierIds = ["oc_demo", ...benchBodies];
  const insCertifier = db.prepare(
    "INSERT INTO certifiers (id, name, contact_email, habilitation_from, habilitation_until) VALUES (?, ?, ?, ?, ?)",
  );
  const insStructure = db.prepare(
    `INSERT INTO structures (code, name, network, typology, category, parent_code, postcode, city, department,
       contacts, certifier_id, contract_ref, search_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insLabel = db.prepare(
    `INSERT INTO labels (number, structure_code, certifier_id, tier, status, awarded_on, expires_on,
       original_awarded_on, supersedes, superseded_by, status_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insEvent = db.prepare(
    `INSERT INTO label_events (id, label_number, type, from_status, to_status, reason, actor, effective_on)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let labelSeq = 0;
  let eventSeq = 0;
  const stats = { structures: 0, labels: 0, events: 0, due: 0, byStatus: {} };
  const event = (label, type, from, to, actor, on, reason = null) => {
    insEvent.run(`lev_b${++eventSeq}`, label, type, from, to, reason, actor, on);
    stats.events++;
  };
  const label = (s, tier, status, awardedOn, original, supersedes = null, supersededBy = null) => {
    const number = `SPP-${awardedOn.slice(0, 4)}-${String(++labelSeq).padStart(6, "0")}`;
    return {
      number,
      s,
      tier,
      status,
      awardedOn,
      expiresOn: minusYears(awardedOn, -3),
      original,
      supersedes,
      supersededBy,
    };
  };
  const insertLabel = (l, changedOn) => {
    insLabel.run(
      l.number,
      l.s.code,
      l.s.certifierId,
      l.tier,
      l.status,
      l.awardedOn,
      l.expiresOn,
      l.original,
      l.supersedes,
      l.supersededBy,
      `${changedOn}T03:00:00.000Z`,
    );
    stats.labels++;
    stats.byStatus[l.status] = (stats.byStatus[l.status] ?? 0) + 1;
  };

  db.exec("BEGIN");
  for (const [i, id] of benchBodies.entries()) {
    insCertifier.run(
      id,
      `Organisme de certification fictif ${i + 1}`,
      `contact@oc${i + 1}.example`,
      "2024-01-01",
      "2031-12-31",
    );
  }
  // Network heads first (parents), then the structures of each network.
  const heads = new Map();
  for (const [network, prefix, , , category] of NETWORKS) {
    const code = `${prefix}-TETE`;
    const name = `Tête de réseau ${network} (fictive)`;
    insStructure.run(
      code,
      name,
      network,
      "Tête de réseau",
      category,
      null,
      "75007",
      "Paris",
      "75",
      JSON.stringify([{ email: `pilotage@${code.toLowerCase()}.example`, role: "Pilote qualité" }]),
      null,
      null,
      fold(`${name} ${code}`),
    );
    heads.set(network, code);
    stats.structures++;
  }
  const dueEvery = 100; // 1% of structures hold a valid label expiring on or before the bench day
  for (let n = 1; n <= count - NETWORKS.length; n++) {
    const [network, prefix, head, typology, category] = pickWeighted(rand, NETWORKS, (x) => x[5]);
    const [city, dept] =
      rand() < 0.5
        ? CITIES[Math.floor(rand() * CITIES.length)]
        : ((d) => [`Commune fictive du ${d}`, d])(DEPARTMENTS[Math.floor(rand() * DEPARTMENTS.length)]);
    const code = `${prefix}-${dept}-${String(n).padStart(6, "0")}`;
    const name = `${head} de ${city} n° ${n} (fictif)`;
    const r = rand();
    const kind =
      n % dueEvery === 0
        ? "due"
        : r < 0.79 / 0.99
          ? "valid"
          : pickWeighted(
              rand,
              [
                ["suspended", 5],
                ["withdrawn", 3],
                ["expired", 7],
                ["none", 5],
              ],
              (x) => x[1],
            )[0];
    const certifierId = kind === "none" && rand() < 0.5 ? null : certifierIds[n % certifierIds.length];
    const s = { code, certifierId };
    insStructure.run(
      code,
      name,
      network,
      typology,
      category,
      heads.get(network),
      postcodeFor(dept, rand),
      city,
      dept,
      JSON.stringify([{ email: `qualite.${n}@structure.example`, role: "Référent qualité" }]),
      certifierId,
      certifierId ? `MARCHE-BENCH-${n}` : null,
      fold(`${name} ${code}`),
    );
    stats.structures++;
    if (kind === "none") continue;
    const tier = pickWeighted(rand, TIERS, (x) => x[1])[0];
    // Expiry relative to the bench day: due ∈ [day−3, day]; valid/suspended ∈ (day, day+3y];
    // expired ∈ [day−2y, day); withdrawn anywhere in the 3-year term.
    const span = { due: [-3, 0], valid: [1, 1095], suspended: [1, 1095], expired: [-730, -1], withdrawn: [-365, 900] }[
      kind
    ];
    const expiresOn = addDays(BENCH_DAY, span[0] + Math.floor(rand() * (span[1] - span[0] + 1)));
    const awardedOn = minusYears(expiresOn, 3);
    const status = kind === "due" ? "valid" : kind;
    const actor = `certifier:${certifierId}`;
    if (kind === "due") stats.due++;
    // A quarter of the valid labels renew an earlier one, kept as superseded.
    let original = awardedOn;
    let previous = null;
    if (status === "valid" && rand() < 0.25) {
      previous = label(
        s,
        pickWeighted(rand, TIERS, (x) => x[1])[0],
        "expired",
        minusYears(awardedOn, 3),
        minusYears(awardedOn, 3),
      );
      original = previous.awardedOn;
    }
    const current = label(s, tier, status, awardedOn, original, previous?.number ?? null);
    if (previous) {
      previous.supersededBy = current.number;
      insertLabel(previous, awardedOn);
      event(previous.number, "awarded", null, "valid", actor, previous.awardedOn);
      event(previous.number, "superseded", "valid", "expired", actor, awardedOn);
    }
    const changedOn = status === "valid" ? awardedOn : addDays(awardedOn, 200);
    insertLabel(current, status === "expired" ? current.expiresOn : changedOn);
    event(current.number, "awarded", null, "valid", actor, awardedOn);
    if (status === "suspended")
      event(current.number, "suspended", "valid", "suspended", actor, changedOn, "Audit de suivi non réalisé");
    if (status === "withdrawn")
      event(current.number, "withdrawn", "valid", "withdrawn", actor, changedOn, "Non-conformité majeure");
    if (status === "expired") event(current.number, "expired", "valid", "expired", "system:cron", current.expiresOn);
  }
  // The public read model, filled by the same SQL as the migration that backfills existing databases.
  for (const f of backfillFiles()) db.exec(readFileSync(f, "utf8"));
  // The search index, rebuilt by its migration (Node's SQLite has FTS5 and the trigram tokenizer).
  db.exec(readFileSync(searchIndexFile(), "utf8"));
  // Steady state: the daily job ran yesterday (src/jobs/daily.ts reads only what crossed a date since).
  db.prepare("INSERT INTO counters (name, value) VALUES (?, ?), (?, ?)").run(
    "daily:last-scheduled-ms",
    Date.parse(`${addDays(BENCH_DAY, -1)}T03:00:00Z`),
    "daily:last-started-ms",
    Date.now(),
  );
  db.exec("COMMIT");
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  db.close();
  return stats;
}

/** Seeds `count` structures unless bench/.data already holds that seed; returns what it holds. */
export function seed({ count = 100_000, force = false, log = console.log } = {}) {
  const fingerprint = migrationsFingerprint();
  const dir = seedDir(count);
  const infoFile = join(dir, "seed.json");
  if (!force && existsSync(infoFile)) {
    const info = JSON.parse(readFileSync(infoFile, "utf8"));
    if (info.count === count && info.fingerprint === fingerprint && info.version === SEED_VERSION) {
      info.reused = true;
      log(`seed: reusing ${dir} (${count} structures, seeded ${info.seededAt})`);
      return info;
    }
  }
  const started = performance.now();
  rmSync(dir, { recursive: true, force: true });
  const r = spawnSync("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", dir], {
    env: { ...process.env, CI: "true" },
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`wrangler d1 migrations apply failed:\n${r.stdout}\n${r.stderr}`);
  const migratedMs = performance.now() - started;
  const stats = writeRows(d1File(dir), count);
  const info = {
    version: SEED_VERSION,
    dir,
    count,
    fingerprint,
    day: BENCH_DAY,
    ...stats,
    migrateSeconds: +(migratedMs / 1000).toFixed(1),
    writeSeconds: +((performance.now() - started - migratedMs) / 1000).toFixed(1),
    seededAt: new Date().toISOString(),
  };
  writeFileSync(infoFile, `${JSON.stringify(info, null, 2)}\n`);
  log(
    `seed: ${stats.structures} structures, ${stats.labels} labels, ${stats.events} events (${stats.due} due on ` +
      `${BENCH_DAY}) — migrations ${info.migrateSeconds} s, rows ${info.writeSeconds} s`,
  );
  return info;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { count: { type: "string" }, force: { type: "boolean" } } });
  seed({ count: values.count ? Number(values.count) : undefined, force: values.force });
}
