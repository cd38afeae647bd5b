/**
 * The citizen's search (home page, /verify?q=): every structure of the public read model, labelled or
 * not, whose name, town, network or Code SP+ contains the words typed.
 *
 * A plain LIKE scan, correct and bounded (`limit`), good enough for the page; the full-text search
 * (FTS5) replaces this file with the same signature. Accents: the name and code are matched folded
 * (`search_text`: « prefecture » finds « Préfecture »); town and network as typed, case-insensitive
 * for ASCII letters (SQLite's LIKE), so « Démoville » and « démoville » find « Démoville ».
 */
import { asc, type Column, or, sql } from "drizzle-orm";
import { fold, likeEscape } from "../lib/text";
import type { Db } from "./client";
import { type PublicLabelRow, publicRow } from "./public";
import { publicLabels as p } from "./schema";

/** `column LIKE '%…%' ESCAPE '\'`: a `%` or `_` typed by the user matches itself. */
const contains = (column: Column, value: string) => sql`${column} LIKE ${`%${likeEscape(value)}%`} ESCAPE '\\'`;

export async function searchPublicStructures(db: Db, q: string, limit: number): Promise<PublicLabelRow[]> {
  const typed = q.trim().replace(/\s+/g, " ");
  const folded = fold(typed);
  if (!folded) return [];
  return db
    .select(publicRow)
    .from(p)
    .where(
      or(contains(p.searchText, folded), contains(p.city, typed), contains(p.network, typed), contains(p.code, typed)),
    )
    .orderBy(asc(p.name), asc(p.code))
    .limit(limit);
}
