/**
 * Search over structures: what `q` means in the admin list (GET /v1/structures), the public listing
 * (GET /v1/public/labels) and the home page's search box (src/db/public-search.ts).
 *
 * Hits are ranked in three tiers, each read in the order of an index, so a page costs about a page
 * of rows whatever the number of matches:
 *   1. the Code SP+ starts with `q` (upper-cased), the exact code first — the primary key, in order;
 *   2. the name starts with `q` (folded), the exact name first — `structures_search_text`, in order;
 *   3. every word of `q` is in the code, name, town, network or typology — the full-text index, in
 *      registration order (its rowid).
 * A hit appears once, in its best tier. The tiers are the branches of ONE `UNION ALL … LIMIT n`:
 * SQLite runs them in turn and stops as soon as the page is full, so later tiers cost nothing then.
 * (Splitting tier 3 into « in the name » before « in the town » was measured: an FTS5 column filter
 * reads every occurrence of the words in the other columns, 5 ms for « education » at 100,000
 * structures, and the split doubled the worst case; docs/benchmarks.md.)
 *
 * The full-text index (`structures_search`, migrations/*_structures_search*.sql) is FTS5 with the
 * trigram tokenizer: any substring of 3 characters or more, case and diacritics ignored; its words
 * are folded by `fold` (src/lib/text.ts) when written, as `q` is when read, so ligatures (« œ »,
 * « æ ») and compatibility forms (fullwidth, mathematical letters) match their plain spelling. A word of
 * `q` shorter than that cannot be looked up in it: it is left out of tier 3, and a `q` without any
 * word of 3 characters searches tiers 1–2 only (prefixes). Words are what lies between characters
 * other than letters and digits, and each is quoted: `%`, `_`, `"`, `*`, `:` or `NEAR` are never
 * operators, wildcards or FTS5 syntax. Cost: a page is a few index ranges and, in tier 3, an FTS5
 * AND whose work grows with the words' frequency when they are never found together (the worst
 * case, measured in the bench).
 * @see https://www.sqlite.org/fts5.html#the_trigram_tokenizer
 */
import { and, gt, inArray, not, type SQL, sql } from "drizzle-orm";
import { alias, integer, type SQLiteColumn, type SQLiteTable, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { invalid } from "../domain/errors";
import type { SearchAfter } from "../lib/cursor";
import { fold } from "../lib/text";
import type { Db } from "./client";
import { structures } from "./schema";

/**
 * The FTS5 table, for typed queries. Not in schema.ts: drizzle-kit does not know virtual tables; its
 * migration is hand-written. `rowid` is the structure's rowid.
 */
export const structuresSearch = sqliteTable("structures_search", {
  rowid: integer("rowid").notNull(),
  code: text("code").notNull(),
  name: text("name").notNull(),
  city: text("city").notNull(),
  network: text("network").notNull(),
  typology: text("typology").notNull(),
});

/** What a structure's full-text row is made of. */
export type IndexedStructure = { code: string; name: string; city: string; network: string; typology?: string | null };

/**
 * The batch items that (re)write the search rows of `rows` (the structures as they stand once the
 * batch's write is done): spread them into the batch of every write that creates a structure or
 * changes its name, city, network or typology, after that write. The words are folded here
 * (`fold`: ligatures, compatibility forms, case, diacritics), as the query is, because SQLite cannot
 * fold them (its trigram tokenizer only removes case and diacritics). At most ~15 structures a batch
 * item (six bound parameters each). Unknown codes are ignored.
 */
export function reindexStructures(db: Db, rows: IndexedStructure | readonly IndexedStructure[]) {
  const list = "code" in rows ? [rows as IndexedStructure] : [...(rows as readonly IndexedStructure[])];
  return [
    // The index row shares the structure's rowid: drop the previous words, then write the current ones.
    db.delete(structuresSearch).where(
      inArray(
        structuresSearch.rowid,
        db
          .select({ rowid: sql<number>`${structures}.rowid` })
          .from(structures)
          .where(
            inArray(
              structures.code,
              list.map((r) => r.code),
            ),
          ),
      ),
    ),
    ...list.map((r) =>
      db.insert(structuresSearch).select(
        db
          .select({
            rowid: sql<number>`${structures}.rowid`.as("rowid"),
            // Raw: tier 3 joins its hits to the scope's table by this code.
            code: sql<string>`${r.code}`.as("code"),
            name: sql<string>`${fold(r.name)}`.as("name"),
            city: sql<string>`${fold(r.city)}`.as("city"),
            network: sql<string>`${fold(r.network)}`.as("network"),
            typology: sql<string>`${fold(r.typology ?? "")}`.as("typology"),
          })
          .from(structures)
          .where(inArray(structures.code, [r.code])),
      ),
    ),
  ] as const;
}

/** The shortest word the trigram index can look up. */
export const MIN_WORD = 3;
/** Words of `q` used in the full-text tier; more would only narrow an AND that is already narrow. */
export const MAX_WORDS = 8;
/** Above every character: `p <= x < p + TOP` is « x starts with p » as a range on a BINARY index. */
const TOP = "\u{10FFFF}";

/** What a `q` searches, ready to bind. */
export type ParsedSearch = {
  /** Upper-cased `q` when it can start a Code SP+ (tier 1), else null. */
  codePrefix: string | null;
  /** `fold(q)`: the start of a folded name (tier 2). */
  namePrefix: string;
  /** The FTS5 expression of tier 3 (every word); null when `q` has no word of MIN_WORD characters. */
  everyWord: string | null;
};

/**
 * Reads a client's `q`. Control, format and unpaired surrogate characters are dropped first (a NUL
 * would cut an FTS5 expression short). Throws `invalid("q")` when nothing searchable is left.
 */
export function parseSearch(q: string): ParsedSearch {
  const namePrefix = fold(q.replace(/[\p{Cc}\p{Cf}\p{Cs}]/gu, " "));
  if (!namePrefix) {
    throw invalid("q", "Nothing left to search once spaces and invisible characters are removed");
  }
  const upper = namePrefix.toUpperCase();
  const codePrefix = /^[A-Z0-9][A-Z0-9._-]{0,39}$/.test(upper) ? upper : null;
  const words = [...new Set(namePrefix.split(/[^\p{L}\p{N}]+/u))]
    .filter((w) => [...w].length >= MIN_WORD)
    .slice(0, MAX_WORDS);
  // Quoted: inside "…" FTS5 reads every character literally (a quote is doubled).
  const everyWord = words.length ? words.map((w) => `"${w.replaceAll('"', '""')}"`).join(" AND ") : null;
  return { codePrefix, namePrefix, everyWord };
}

/** Where and what a search reads: the table its hits come from, what they return, the filters. */
export type SearchScope<Row> = {
  /** `structures` or `public_labels`: one row per structure, with `code` and `search_text`. */
  table: SQLiteTable;
  code: SQLiteColumn;
  searchText: SQLiteColumn;
  /** What a hit returns, keyed as `Row` (columns of `table` or of `joins`). */
  fields: { [K in keyof Row]: SQLiteColumn };
  /** Joins after `table` (e.g. the certification body's name). */
  joins?: SQL;
  /** Conditions on the hits (tier filters, listing filters). */
  where: (SQL | undefined)[];
};

/**
 * Tiers 1–2 walk structures' indexes (the code's, `structures_search_text`) under this alias, tier
 * 3 the full-text index; each then joins the scope's table by code with a CROSS JOIN, which SQLite
 * never reorders: a selective-looking filter cannot make it read a whole filter index and sort it.
 * @see https://www.sqlite.org/optoverview.html#crossjoin
 */
const HIT = "hit";
const hit = alias(structures, HIT);
type Driver = { from: SQL; code: SQLiteColumn };
const byStructure: Driver = { from: sql`${structures} as ${sql.identifier(HIT)}`, code: hit.code };
const byFullText: Driver = { from: sql`${structuresSearch}`, code: structuresSearch.code };

const startsWith = (col: SQLiteColumn, prefix: string) => sql`(${col} >= ${prefix} and ${col} < ${prefix + TOP})`;

/**
 * The SQL of one search page: the tiers after `after`, each ordered by its index and limited to
 * `limit`, in one compound limited to `limit`. Exported for query-plan tests.
 */
export function searchQuery<Row>(scope: SearchScope<Row>, s: ParsedSearch, limit: number, after?: SearchAfter): SQL {
  const { table, code, searchText, joins = sql``, where } = scope;
  const cols = sql.join(
    Object.entries<SQLiteColumn>(scope.fields).map(([key, col]) => sql`${col} as ${sql.identifier(key)}`),
    sql`, `,
  );
  const branches: SQL[] = [];
  const branch = (tier: SearchAfter["tier"], key: SQL, by: Driver, conditions: (SQL | undefined)[], order: SQL) =>
    branches.push(
      sql`select * from (select ${cols}, ${sql.raw(String(tier))} as _tier, ${key} from ${by.from} cross join ${table} on ${code} = ${by.code} ${joins} where ${and(...conditions, ...where)} order by ${order} limit ${limit})`,
    );
  // Per tier: null = read on earlier pages, a position = resume after it, undefined = from its start.
  const resume = (tier: SearchAfter["tier"]) =>
    after && after.tier > tier ? null : after?.tier === tier ? after : undefined;
  const codeHit = s.codePrefix ? startsWith(code, s.codePrefix) : undefined;

  const a1 = resume(1);
  if (s.codePrefix && a1 !== null) {
    branch(
      1,
      sql`${hit.code} as _key, '' as _code`,
      byStructure,
      [startsWith(hit.code, s.codePrefix), a1 ? gt(hit.code, a1.key) : undefined],
      sql`${hit.code}`,
    );
  }
  const a2 = resume(2);
  if (a2 !== null) {
    branch(
      2,
      sql`${hit.searchText} as _key, ${hit.code} as _code`,
      byStructure,
      [
        startsWith(hit.searchText, s.namePrefix),
        a2 ? sql`(${hit.searchText}, ${hit.code}) > (${a2.key}, ${a2.code})` : undefined,
        codeHit && not(codeHit),
      ],
      sql`${hit.searchText}, ${hit.code}`,
    );
  }
  const a3 = resume(3);
  if (s.everyWord && a3 !== null) {
    branch(
      3,
      sql`${structuresSearch.rowid} as _key, '' as _code`,
      byFullText,
      [
        sql`${structuresSearch} match ${s.everyWord}`,
        a3 ? gt(structuresSearch.rowid, Number(a3.key)) : undefined,
        codeHit && not(codeHit),
        not(startsWith(searchText, s.namePrefix)),
      ],
      sql`${structuresSearch.rowid}`,
    );
  }
  // Nothing left to read (a cursor past the last tier this q has, i.e. made for another q).
  if (branches.length === 0) return sql`select null where false`;
  return sql`${sql.join(branches, sql` union all `)} limit ${limit}`;
}

type Hit = Record<string, unknown> & { _tier: SearchAfter["tier"]; _key: string | number; _code: string };

/**
 * Runs one search page: `limit` hits at most, and where the next page starts (null on the last).
 * Values are decoded as drizzle would (e.g. JSON columns parsed).
 */
export async function search<Row>(
  db: Db,
  scope: SearchScope<Row>,
  q: string,
  limit: number,
  after?: SearchAfter,
): Promise<{ items: Row[]; next: SearchAfter | null }> {
  const hits = await db.all<Hit>(searchQuery(scope, parseSearch(q), limit + 1, after));
  const items = hits.slice(0, limit).map((hit) => {
    const row: Record<string, unknown> = {};
    for (const [key, col] of Object.entries<SQLiteColumn>(scope.fields)) {
      const v = hit[key];
      row[key] = v === null || v === undefined ? null : col.mapFromDriverValue(v);
    }
    return row as Row;
  });
  const last = hits[limit - 1];
  return {
    items,
    next: hits.length > limit && last ? { tier: last._tier, key: String(last._key), code: last._code } : null,
  };
}
