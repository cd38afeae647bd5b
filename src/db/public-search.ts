/**
 * Public searches: the read model's rows (`public_labels`, published fields only) ranked by the
 * structures' search (src/db/search.ts). Callers pass a D1 session, as for every public read.
 */
import { eq, isNotNull, or } from "drizzle-orm";
import type { SearchAfter } from "../lib/cursor";
import type { Db } from "./client";
import { type PublicLabelRow, type PublicListFilter, publicLabelFields, statusBranches } from "./public";
import { publicLabels as p } from "./schema";
import { type SearchScope, search } from "./search";

/** The public rows a search may return, under `where`. Exported for query-plan tests. */
export function publicSearchScope(where: SearchScope<PublicLabelRow>["where"]): SearchScope<PublicLabelRow> {
  return { table: p, code: p.code, searchText: p.searchText, fields: publicLabelFields, where };
}

/**
 * The home page's search box: structures by name, town, network, typology or Code SP+, labelled or
 * not, best first (src/db/search.ts). A `q` with nothing searchable throws `invalid("q")` (a 422).
 */
export async function searchPublicStructures(db: Db, q: string, limit: number): Promise<PublicLabelRow[]> {
  return (await search(db, publicSearchScope([]), q, limit)).items;
}

export type PublicSearchFilter = Omit<PublicListFilter, "after"> & { q: string; after?: SearchAfter };

/** The listing's filters as conditions on `public_labels` (current labels only). */
export function publicListingWhere(f: Omit<PublicListFilter, "after" | "limit">) {
  return [
    isNotNull(p.labelNumber),
    f.tier ? eq(p.tier, f.tier) : undefined,
    f.network ? eq(p.network, f.network) : undefined,
    f.department ? eq(p.department, f.department) : undefined,
    // Filters on the hits the tiers read, so one condition (`expired` is two ranges in the listing).
    or(...statusBranches(f.status, f.today)),
  ];
}

/** The open-data listing with `q`: the same rows and filters, ranked instead of sorted by code. */
export function searchPublicLabels(db: Db, f: PublicSearchFilter) {
  return search(db, publicSearchScope(publicListingWhere(f)), f.q, f.limit, f.after);
}
