/**
 * Which database constraint a failed write broke, named as the schema names it — the one place that
 * reads D1's error text. SQLite's message names columns, not indexes
 * (« UNIQUE constraint failed: audits.certifier_id, audits.audit_ref »), so unique indexes and primary
 * keys are looked up by their columns in src/db/schema.ts.
 */
import { DrizzleQueryError, is } from "drizzle-orm";
import { getTableConfig, SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import * as schema from "./schema";

/**
 * The constraints the code relies on to detect a race or a stale read, by name: a unique index's
 * name, or `table.column` for NOT NULL. Each one is provoked in test/constraints.test.ts.
 */
export const RELIED_ON = [
  "labels_supersedes",
  "label_events.id",
  "audits_ref",
  "surveys_ref",
  "structures.label_version",
  "referentials.revision",
  "webhook_events.status",
] as const;
export type Constraint = (typeof RELIED_ON)[number];

export type ConstraintFailure =
  /** `name`: the unique index, or `<table>_pkey` for a primary key. */
  | { kind: "unique"; name: string }
  /** `name`: `<table>.<column>`. */
  | { kind: "not-null"; name: string }
  /** SQLite does not say which foreign key failed. */
  | { kind: "foreign-key"; name: null }
  | { kind: "check"; name: string };

/** `"audits.certifier_id, audits.audit_ref"` (as SQLite lists them) → `"audits_ref"`. */
const uniqueByColumns = new Map<string, string>();
for (const table of Object.values(schema)) {
  if (!is(table, SQLiteTable)) continue;
  const t = getTableConfig(table);
  const key = (columns: string[]) => columns.map((c) => `${t.name}.${c}`).join(", ");
  const pk = t.columns.filter((c) => c.primary).map((c) => c.name);
  if (pk.length > 0) uniqueByColumns.set(key(pk), `${t.name}_pkey`);
  for (const i of t.indexes) {
    const columns = i.config.columns.filter((c) => is(c, SQLiteColumn)).map((c) => (c as SQLiteColumn).name);
    if (i.config.unique) uniqueByColumns.set(key(columns), i.config.name);
  }
}

/** D1: « D1_ERROR: UNIQUE constraint failed: labels.supersedes: SQLITE_CONSTRAINT (extended: …) ». */
const FAILED = /\b(UNIQUE|NOT NULL|FOREIGN KEY|CHECK) constraint failed(?:: (?!SQLITE_)(.*?))?(?=: SQLITE_|$)/m;

/** The constraint `err` (a failed statement or batch) broke; null when it failed for another reason. */
export function failedConstraint(err: unknown): ConstraintFailure | null {
  // Down the cause chain (drizzle wraps D1's error, D1 wraps SQLite's). A DrizzleQueryError's own
  // message is skipped: it holds the bound values, i.e. the caller's input, which could imitate one.
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof DrizzleQueryError) continue;
    const m = FAILED.exec(e.message);
    if (!m) continue;
    const detail = m[2] ?? "";
    switch (m[1]) {
      case "UNIQUE":
        return { kind: "unique", name: uniqueByColumns.get(detail) ?? detail };
      case "NOT NULL":
        return { kind: "not-null", name: detail };
      case "CHECK":
        return { kind: "check", name: detail };
      default:
        return { kind: "foreign-key", name: null };
    }
  }
  return null;
}

/** Whether `err` is the failure of constraint `name` (see RELIED_ON). */
export function violates(err: unknown, name: Constraint): boolean {
  return failedConstraint(err)?.name === name;
}
