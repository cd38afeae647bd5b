// The migration that (re)builds the public read model from structures, labels and bodies. Seeds that
// write rows behind the API (demo data, bench, browser fixtures) run it afterwards, so there is one
// definition of « current label » in SQL.
import { readdirSync } from "node:fs";
import { join } from "node:path";

export function backfillFile(root = ".") {
  const f = readdirSync(join(root, "migrations")).find((f) => f.endsWith("_backfill_public_labels.sql"));
  if (!f) throw new Error("No migrations/*_backfill_public_labels.sql");
  return join(root, "migrations", f);
}
