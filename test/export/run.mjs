#!/usr/bin/env node
// Round trip of `npm run db:export` / `npm run db:import` (`npm run test:export`, run by .ci/run), on
// local D1 databases in temporary directories, through the scripts themselves (so through wrangler):
// a database migrated and filled (demo data, structures whose text is hard to quote, an enquête with
// REAL values, labels and events) is exported, the dump is checked to hold no virtual table, then it is
// imported into an empty database. Every ordinary table must come back row for row and value for value
// (read with node:sqlite, types included), the schema must be the same, the search index rebuilt and
// answering as in the source, the migrations known as applied; an import into a non-empty database
// must be refused. Exit 1 on any difference.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { fileURLToPath } from "node:url";
import { d1File } from "../../bench/seed.mjs";
import { backfillFiles, searchIndexFile } from "../../scripts/backfill-file.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const work = mkdtempSync(join(tmpdir(), "spp-export-"));
const env = { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" };
const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(what);
};

/** A project copy whose wrangler.toml keeps its local D1 in `<dir>/.wrangler/state` (`wrangler d1 export` has no --persist-to). */
function database(name) {
  const dir = join(work, name);
  cpSync(join(root, "migrations"), join(dir, "migrations"), { recursive: true });
  writeFileSync(
    join(dir, "wrangler.toml"),
    readFileSync(join(root, "wrangler.toml"), "utf8").replace(/^\[assets\][\s\S]*?(?=^\[\[)/m, ""),
  );
  return { dir, config: join(dir, "wrangler.toml"), sqlite: () => d1File(join(dir, ".wrangler", "state")) };
}
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, env, encoding: "utf8" });
const must = (cmd, args) => {
  const r = run(cmd, args);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
};
const wrangler = (db, args) => must("npx", ["wrangler", ...args, "--local", "--config", db.config]);

/** Rows that are hard to get back unchanged: quotes, line breaks, Unicode, NULLs, JSON and REAL values. */
const TRICKY = `
INSERT INTO structures (code, name, network, typology, category, postcode, city, department, website, contacts, search_text)
VALUES ('RT-1', 'Mairie de L''Haÿ-les-Roses', 'Communes', NULL, 'collectivite_territoriale', '94240', 'L''Haÿ-les-Roses', '94',
  'https://example.test/a?b=1&c=''2''', '[{"email":"qualité@example.test","name":"Zoë \\"Z\\" d''Arc"}]', 'mairie de l''hay-les-roses rt-1'),
  ('RT-2', 'Centre' || char(10) || 'sur deux lignes' || char(13) || char(10) || 'et un ; point-virgule', 'Hôpitaux', 'Accueil', 'etablissement_public_sante',
  '91000', 'Évry-Courcouronnes', '91', NULL, '[]', 'centre sur deux lignes rt-2');
INSERT INTO surveys (id, structure_code, certifier_id, survey_ref, kind, period_start, period_end, invited, respondents,
  satisfaction_rate, net_satisfaction, content_hash)
VALUES ('sv_rt', 'RT-1', 'oc_demo', 'ENQ-RT', 'usagers', '2026-01-01', '2026-06-30', 1000, 321, 87.5, -12.25, 'hash');
INSERT INTO labels (number, structure_code, certifier_id, tier, status, awarded_on, expires_on, original_awarded_on)
VALUES ('SPP-2026-000901', 'RT-1', 'oc_demo', 'or', 'valid', '2026-03-31', '2029-03-30', '2026-03-31');
INSERT INTO label_events (id, label_number, type, to_status, actor, effective_on)
VALUES ('lev_rt', 'SPP-2026-000901', 'awarded', 'valid', 'certifier:oc_demo', '2026-03-31');
`;

/** Every ordinary table's rows (rowid order, types kept) and the schema, read from the SQLite file. */
function snapshot(file) {
  const db = new DatabaseSync(file, { readOnly: true });
  const schema = db
    .prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name NOT LIKE '_cf_%' ORDER BY type, name")
    .all()
    .map((o) => ({ ...o }));
  const tables = schema
    .filter((o) => o.type === "table" && !/^CREATE VIRTUAL/.test(o.sql) && !o.name.startsWith("structures_search"))
    .map((o) => o.name)
    .filter((n) => !n.startsWith("sqlite_"));
  const rows = Object.fromEntries(
    tables.map((t) => [
      t,
      db
        // A WITHOUT ROWID table (the log's nodes) is ordered by its primary key, its first column.
        .prepare(
          `SELECT * FROM "${t}" ORDER BY ${/WITHOUT ROWID\s*$/i.test(schema.find((o) => o.name === t).sql) ? 1 : "rowid"}`,
        )
        .all()
        .map((r) => JSON.stringify(Object.entries(r).map(([k, v]) => [k, typeof v, v]))),
    ]),
  );
  const search = (q) =>
    db
      .prepare("SELECT code FROM structures_search WHERE structures_search MATCH ? ORDER BY rowid")
      .all(q)
      .map((r) => r.code);
  const found = Object.fromEntries(
    ['"evry"', '"hay"', '"deux lignes"', '"demo"', '"prefecture"'].map((q) => [q, search(q)]),
  );
  db.close();
  return { schema, tables, rows, found };
}

try {
  // 1. The source: migrated, the demo body, the tricky rows, the derived tables rebuilt.
  const a = database("source");
  wrangler(a, ["d1", "migrations", "apply", "DB"]);
  const fill = join(work, "fill.sql");
  writeFileSync(
    fill,
    [
      readFileSync(join(root, "scripts/demo-data.sql"), "utf8"),
      TRICKY,
      ...[...backfillFiles(root), searchIndexFile(root)].map((f) => readFileSync(f, "utf8")),
    ].join("\n"),
  );
  wrangler(a, ["d1", "execute", "DB", "--file", fill]);
  const before = snapshot(a.sqlite());
  check(before.rows.structures.length >= 2 && before.found['"evry"'].includes("RT-2"), "source filled and searchable");

  // 2. `wrangler d1 export` alone refuses the database (why the scripts exist).
  const plain = run("npx", [
    "wrangler",
    "d1",
    "export",
    "DB",
    "--local",
    "--config",
    a.config,
    "--output",
    join(work, "plain.sql"),
  ]);
  check(
    plain.status !== 0 && /Virtual Tables/i.test(plain.stdout + plain.stderr),
    "wrangler d1 export alone refuses it",
  );

  // 3. Export: the dump has no virtual table and has the indexes.
  const dump = join(work, "dump.sql");
  must("node", ["scripts/db-export.mjs", "--local", "--config", a.config, "--output", dump]);
  const sql = readFileSync(dump, "utf8");
  check(
    !/CREATE VIRTUAL TABLE|structures_search_(?:data|idx|content|docsize|config)|INSERT INTO "structures_search"/.test(
      sql,
    ),
    "the dump holds no full-text table nor its shadow tables",
  );
  check(
    /CREATE INDEX `structures_search_text`/.test(sql) && /CREATE UNIQUE INDEX `labels_decision`/.test(sql),
    "the dump holds the indexes",
  );
  check(/INSERT INTO "d1_migrations"/.test(sql), "the dump holds the applied migrations");

  // 4. Import into an empty database.
  const b = database("restored");
  must("node", ["scripts/db-import.mjs", dump, "--local", "--config", b.config]);
  const after = snapshot(b.sqlite());
  check(
    JSON.stringify(after.schema) === JSON.stringify(before.schema),
    "same schema (tables, indexes, the full-text table)",
  );
  check(JSON.stringify(after.tables) === JSON.stringify(before.tables), `same tables (${before.tables.length})`);
  for (const t of before.tables) {
    check(
      JSON.stringify(after.rows[t]) === JSON.stringify(before.rows[t]),
      `${t}: ${before.rows[t].length} rows, same values and types`,
    );
  }
  for (const [q, codes] of Object.entries(before.found)) {
    check(JSON.stringify(after.found[q]) === JSON.stringify(codes), `search ${q} → ${JSON.stringify(codes)}`);
  }
  wrangler(b, [
    "d1",
    "execute",
    "DB",
    "--command",
    "INSERT INTO structures_search (structures_search) VALUES ('integrity-check')",
  ]);
  check(true, "the rebuilt full-text index passes FTS5's integrity-check");
  const pending = wrangler(b, ["d1", "migrations", "list", "DB"]);
  check(/No migrations to apply/i.test(pending), "the restored database has every migration applied");

  // 5. A second import into the now non-empty database is refused, and changes nothing.
  const again = run("node", ["scripts/db-import.mjs", dump, "--local", "--config", b.config]);
  check(
    again.status !== 0 && /already has \d+ tables/.test(again.stderr),
    "an import into a non-empty database is refused",
  );
  check(JSON.stringify(snapshot(b.sqlite()).rows) === JSON.stringify(after.rows), "… and changes nothing");
} catch (e) {
  failures.push(String(e?.stack ?? e));
  console.error(e);
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(failures.length ? `export round trip: ${failures.length} failed` : "export round trip: all checks pass");
process.exit(failures.length ? 1 : 0);
