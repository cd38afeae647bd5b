/**
 * Fails when a hot query stops using an index: `EXPLAIN QUERY PLAN` must show no bare
 * `SCAN <table>` (a full table scan). `SCAN t USING INDEX i` (an index walked in order, cut by
 * LIMIT) and `SEARCH t USING …` pass. Add a query with one line in HOT.
 * @see https://www.sqlite.org/eqp.html
 */
import { env } from "cloudflare:test";
import { eq, type SQL } from "drizzle-orm";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import { webhookSecretsQuery } from "../src/db/certifiers";
import { getDb } from "../src/db/client";
import { listPublicLabelsQueries, pastLabelQuery, publicLabelQuery } from "../src/db/public";
import { refreshPublicLabels, renamePublicCertifier } from "../src/db/public-model";
import { publicListingWhere, publicSearchScope } from "../src/db/public-search";
import { structures } from "../src/db/schema";
import { parseSearch, reindexStructures, type SearchScope, searchQuery, structuresSearch } from "../src/db/search";
import { listStructuresQuery, structureByCodeQuery, structureSearchScope } from "../src/db/structures";
import { candidatesPage, expiryWhere, reminderWhere } from "../src/jobs/daily";
import { apiKeyByHashQuery } from "../src/lib/auth";

type Query = { toSQL(): { sql: string; params: unknown[] } };
const db = getDb(env.DB);

const day = "2026-11-27";
/** The public listing's queries (two for `status=expired`), numbered. */
const listing = (name: string, f: Partial<Parameters<typeof listPublicLabelsQueries>[1]>, indexes: string[]) =>
  listPublicLabelsQueries(db, { limit: 50, today: day, ...f }).map(
    (q, i) => [`public listing: ${name}${i ? ` (${i + 1})` : ""}`, q, indexes[i]] as [string, Query, string?],
  );

const dialect = new SQLiteAsyncDialect();
const sqlQuery = (q: SQL): Query => ({ toSQL: () => dialect.sqlToQuery(q) });
/** A search's page in each case: a code, a name prefix, words (tier 3), a short `q`, a resumed page. */
const searches = <Row>(name: string, scope: SearchScope<Row>) =>
  (
    [
      ["code", "CAF-30", undefined],
      ["words", "nîmes caf", undefined],
      ["short q", "ca", undefined],
      ["resumed in tier 2", "caisse", { tier: 2, key: "caisse d", code: "CAF-30-000001" }],
      ["resumed in tier 3", "nîmes", { tier: 3, key: "1000", code: "" }],
    ] as const
  ).map(
    ([what, q, after]) =>
      [`search (${name}): ${what}`, sqlQuery(searchQuery(scope, parseSearch(q), 51, after))] as [string, Query],
  );

/** [name, query, index it must use (optional)]. */
const HOT: [string, Query, string?][] = [
  ["structure by code", structureByCodeQuery(db, "DEMO-PREF-01"), "sqlite_autoindex_structures_1"],
  ["structures: first page", listStructuresQuery(db, { limit: 50 })],
  ["structures: deep cursor", listStructuresQuery(db, { limit: 50, after: "S-050000" })],
  ["structures by network", listStructuresQuery(db, { limit: 50, network: "CAF" }), "structures_network_code"],
  [
    "structures by department + cursor",
    listStructuresQuery(db, { limit: 50, department: "2A", after: "S-000100" }),
    "structures_department_code",
  ],
  ["structures by category", listStructuresQuery(db, { limit: 50, category: "eple" }), "structures_category_code"],
  ["structures by certifier", listStructuresQuery(db, { limit: 50, certifierId: "oc_demo" }), "structures_certifier"],
  ["api key by hash", apiKeyByHashQuery(db, "0".repeat(64)), "api_keys_hash"],
  ["webhook secrets of a body", webhookSecretsQuery(db, "oc_demo"), "webhook_secrets_certifier"],
  // The daily job's selections (src/jobs/daily.ts): expiry, an incremental reminder window, the catch-up
  // of labels created since the last run (which must walk labels_created, not the expiry window).
  ["daily: labels past their end", candidatesPage(db, expiryWhere("2026-12-01")), "labels_status_expires"],
  [
    "daily: reminder window",
    candidatesPage(db, reminderWhere(db, { offset: 30, fromExpiresOn: "2026-12-31", toExpiresOn: "2026-12-31" })),
    "labels_status_expires",
  ],
  [
    "daily: labels created since the last run",
    candidatesPage(
      db,
      reminderWhere(
        db,
        { offset: 180, fromExpiresOn: "2027-03-02", toExpiresOn: "2027-05-30" },
        "2026-11-30T03:00:00Z",
      ),
    ),
    "labels_created",
  ],
  // The public read model: a verification reads one row; a listing page walks one index in code order.
  ["public label by code", publicLabelQuery(db, { kind: "code", value: "demo-pref-01" }), "public_labels_code_nocase"],
  ["public label by number", publicLabelQuery(db, { kind: "label", value: "SPP-2026-000001" }), "public_labels_number"],
  ["public label by past number (fallback)", pastLabelQuery(db, "SPP-2026-000001"), "sqlite_autoindex_labels_1"],
  [
    "public label by past number, with history",
    pastLabelQuery(db, "SPP-2026-000001", true),
    "sqlite_autoindex_public_labels_1",
  ],
  ...listing("first page", {}, ["public_labels_labelled_code"]),
  ...listing("deep cursor", { after: "S-090000" }, ["public_labels_labelled_code"]),
  ...listing("tier", { tier: "or", after: "S-000100" }, ["public_labels_tier_code"]),
  ...listing("network", { network: "CAF" }, ["public_labels_network_code"]),
  ...listing("department", { department: "2A", after: "S-000100" }, ["public_labels_department_code"]),
  ...listing("status=valid", { status: "valid" }, ["public_labels_status_code"]),
  ...listing("status=suspended", { status: "suspended", after: "S-000100" }, ["public_labels_status_code"]),
  ...listing("status=withdrawn", { status: "withdrawn" }, ["public_labels_status_code"]),
  ...listing("status=expired", { status: "expired", after: "S-000100" }, [
    "public_labels_status_code",
    "public_labels_status_expires",
  ]),
  // Searches (src/db/search.ts): every tier reads an index — the code's, `structures_search_text`, the
  // full-text index (`VIRTUAL TABLE INDEX … M`: a MATCH) — never a scan of structures.
  ...searches("admin", structureSearchScope({})),
  ...searches("admin, filtered", structureSearchScope({ department: "30", network: "CAF" })),
  ...searches("public listing", publicSearchScope(publicListingWhere({ status: "expired", today: day }))),
  ...searches("home page", publicSearchScope([])),
  // Its maintenance reads the structures written by code.
  ...reindexStructures(
    db,
    ["S-1", "S-2"].map((code) => ({ code, name: "Œillet", city: "Ｎîmes", network: "CAF" })),
  ).map((q, i) => [`search index upkeep (${i + 1})`, q, "sqlite_autoindex_structures_1"] as [string, Query, string]),
  // Its writes: the upsert reads the structure, its current label and body by index; a rename by body.
  ["public model refresh (one)", refreshPublicLabels(db, "DEMO-PREF-01"), "labels_structure"],
  ["public model refresh (chunk)", refreshPublicLabels(db, ["S-1", "S-2", "S-3"]), "labels_structure"],
  // The public history it keeps: each label's events by `label_events_label`, each event's leaf by its index.
  ["public model refresh: the history", refreshPublicLabels(db, "DEMO-PREF-01"), "label_events_label"],
  ["public model refresh: the history's log", refreshPublicLabels(db, "DEMO-PREF-01"), "log_leaves_event"],
  ["public model certifier rename", renamePublicCertifier(db, "oc_demo", "Nouveau nom"), "public_labels_certifier"],
];

/** The plan's lines for a query, run against the migrated D1. */
async function plan(q: Query): Promise<string[]> {
  const { sql, params } = q.toSQL();
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind(...params)
    .all<{ detail: string }>();
  return results.map((r) => r.detail);
}

/**
 * Tables read by a full scan: `SCAN t` not followed by `USING … INDEX` / `USING INTEGER PRIMARY KEY`,
 * nor, for the full-text table, by a MATCH or a rowid lookup (FTS5 writes `VIRTUAL TABLE INDEX n:…M…` or
 * `…:=`, @see https://www.sqlite.org/src/file/ext/fts5/fts5_main.c fts5BestIndexMethod). `SCAN (subquery-n)`
 * and `SCAN h` of a `CO-ROUTINE h` read the rows a subquery already produced (a search's tiers, the
 * public history's newest events).
 */
function fullScans(lines: string[]): string[] {
  const coroutines = new Set(lines.flatMap((l) => /^CO-ROUTINE (\S+)$/.exec(l)?.[1] ?? []));
  return lines.flatMap((l) => {
    const m = /^SCAN (\S+)(.*)$/.exec(l);
    if (!m?.[1] || m[1].startsWith("(subquery-") || coroutines.has(m[1])) return [];
    return /USING (?:COVERING )?INDEX|USING INTEGER PRIMARY KEY|VIRTUAL TABLE INDEX \d+:\S*[M=]/.test(m[2] ?? "")
      ? []
      : [m[1]];
  });
}

describe("query plans of hot queries", () => {
  it.each(HOT)("%s uses an index", async (_name, q, index) => {
    const lines = await plan(q);
    expect(fullScans(lines), lines.join("\n")).toEqual([]);
    if (index) expect(lines.join("\n")).toContain(index);
  });

  it("detects a full scan (a filter on a column without an index)", async () => {
    const lines = await plan(db.select().from(structures).where(eq(structures.city, "Ajaccio")));
    expect(fullScans(lines)).toEqual(["structures"]);
  });

  it("detects a full scan of the full-text table (read without MATCH)", async () => {
    const lines = await plan(db.select().from(structuresSearch).where(eq(structuresSearch.code, "S-1")));
    expect(fullScans(lines)).toEqual(["structures_search"]);
  });
});
