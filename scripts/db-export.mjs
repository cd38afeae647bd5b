#!/usr/bin/env node
// `npm run db:export -- [--remote] [--output file.sql] [--config wrangler.toml] [--env name]`
// A SQL dump of the D1 database that `npm run db:import` restores. `wrangler d1 export` refuses a
// database holding a virtual table (the full-text index `structures_search`), so this exports every
// ordinary table by name, with its indexes; the index is rebuilt from `structures` on import.
// See docs/operators.md (backups: D1 Time Travel first, this dump for a copy you keep).
import { readFileSync, writeFileSync } from "node:fs";
import { d1Args, ordinaryObjects, wrangler } from "./d1-cli.mjs";

const { values, where } = d1Args({ output: { type: "string" } });
const output = values.output ?? `spp-registry-${new Date().toISOString().replace(/[:.]/g, "-")}.sql`;

const { tables, others, virtual } = ordinaryObjects(where);
console.log(
  `db:export: ${tables.length} tables, ${others.length} indexes/triggers/views; left out: ${virtual.join(", ") || "none"}`,
);
// `--table` names what to dump; an index is dumped only when named too.
wrangler([
  "d1",
  "export",
  "DB",
  ...where,
  "--output",
  output,
  ...[...tables, ...others].flatMap((t) => ["--table", t]),
]);

// The dump lists tables in creation order, each followed by its rows; here a row may come before the
// table its foreign key names even exists (api_keys before certifiers), which no import accepts.
// Reordered: every table, then the rows (parents' before children's), then indexes, triggers, views.
const lines = readFileSync(output, "utf8").split("\n");
const firstIndex = lines.findIndex((l) => /^CREATE (?:UNIQUE INDEX|INDEX|TRIGGER|VIEW) /.test(l));
const head = (firstIndex < 0 ? lines : lines.slice(0, firstIndex)).filter((l) => !l.startsWith("INSERT INTO "));
const rows = Map.groupBy(
  lines.filter((l) => l.startsWith("INSERT INTO ")),
  (l) => /^INSERT INTO "((?:[^"]|"")+)"/.exec(l)?.[1],
);
const ddl = head.join("\n");
const created = (t) => new RegExp(`^CREATE TABLE (?:IF NOT EXISTS )?[\`"']?${t}[\`"']? ?\\(`, "m").test(ddl);
const missing = tables.filter((t) => !created(t));
if (missing.length) throw new Error(`db:export: ${output} lacks ${missing.join(", ")}`);
/** Tables a table's foreign keys name, from its CREATE TABLE. */
const parents = (t) => {
  const body = ddl.slice(ddl.search(new RegExp(`^CREATE TABLE (?:IF NOT EXISTS )?[\`"']?${t}[\`"']? ?\\(`, "m")));
  const own = body.slice(0, body.indexOf("\n);") + 3);
  return [...own.matchAll(/REFERENCES [`"']?(\w+)[`"']?/g)].map((m) => m[1]).filter((p) => p !== t);
};
const ordered = [];
const visit = (t, path = []) => {
  if (ordered.includes(t) || path.includes(t)) return; // a cycle keeps dump order (the keys are deferred)
  for (const p of parents(t)) if (tables.includes(p)) visit(p, [...path, t]);
  ordered.push(t);
};
for (const t of tables) visit(t);
writeFileSync(
  output,
  [...head, ...ordered.flatMap((t) => rows.get(t) ?? []), ...(firstIndex < 0 ? [] : lines.slice(firstIndex))].join(
    "\n",
  ),
);
console.log(
  `db:export: wrote ${output} (${ordered.map((t) => `${t} ${rows.get(t)?.length ?? 0}`).join(", ")}). ` +
    `Restore it into an empty database with: npm run db:import -- ${output}`,
);
