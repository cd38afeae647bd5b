#!/usr/bin/env node
// `npm run db:import -- <file.sql> [--remote] [--config wrangler.toml] [--env name]`
// Restores a dump of `npm run db:export` into an EMPTY D1 database, then rebuilds what the dump does
// not hold: the full-text index, from its migration (DROP, CREATE, fill from structures). Refuses a
// database that already has tables: restore into a new one (`wrangler d1 create`), then point
// wrangler.toml's database_id at it. See docs/operators.md.
import { searchIndexFile } from "./backfill-file.mjs";
import { d1Args, query, wrangler } from "./d1-cli.mjs";

const { positionals, where } = d1Args();
const [file] = positionals;
if (!file) throw new Error("Usage: npm run db:import -- <file.sql> [--remote] [--config wrangler.toml]");

const [{ n }] = query(
  where,
  "SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
);
if (n > 0) {
  console.error(`db:import: the target database already has ${n} tables; import into an empty database.`);
  process.exit(1);
}
wrangler(["d1", "execute", "DB", ...where, "--file", file]);
wrangler(["d1", "execute", "DB", ...where, "--file", searchIndexFile()]);
const [c] = query(
  where,
  "SELECT (SELECT count(*) FROM structures) AS structures, (SELECT count(*) FROM structures_search) AS indexed",
);
if (c.structures !== c.indexed) throw new Error(`db:import: ${c.indexed} structures indexed of ${c.structures}`);
console.log(`db:import: restored ${file}; ${c.structures} structures, all in the search index.`);
