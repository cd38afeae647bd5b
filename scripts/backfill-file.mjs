// Migrations that (re)build data derived from other tables. Seeds that write rows behind the API
// (demo data, bench, browser fixtures) and `npm run db:import` run them afterwards, so each derived
// table has one definition in SQL.
import { readdirSync } from "node:fs";
import { join } from "node:path";

function migration(root, suffix) {
  const f = readdirSync(join(root, "migrations")).find((f) => f.endsWith(suffix));
  if (!f) throw new Error(`No migrations/*${suffix}`);
  return join(root, "migrations", f);
}

/** The public read model (public_labels): its rows from structures, labels and bodies, then their history. */
export const backfillFiles = (root = ".") => [
  migration(root, "_backfill_public_labels.sql"),
  migration(root, "_backfill_public_history.sql"),
];

/** The full-text search index (structures_search), dropped and rebuilt from structures. */
export const searchIndexFile = (root = ".") => migration(root, "_structures_search_folded.sql");
