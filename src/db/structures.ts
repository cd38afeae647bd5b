/**
 * Structure reads, and the assignment of a body. Registering and editing a structure change its public
 * answers: they are verbs (src/services/structures.ts).
 */
import { and, asc, eq, gt, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { invalid, notFound } from "../domain/errors";
import type { Category } from "../domain/identifiers";
import { afterKey, decodeSearchCursor, encodeSearchCursor, nextCursor, type SearchAfter } from "../lib/cursor";
import { fold } from "../lib/text";
import type { Db } from "./client";
import { assignments, type Contact, certifiers, structures } from "./schema";
import { type SearchScope, search } from "./search";

export type StructureInput = {
  code: string;
  name: string;
  network: string;
  typology?: string;
  category: Category;
  parentCode?: string;
  siret?: string;
  postcode: string;
  city: string;
  department: string;
  region?: string;
  website?: string;
  contacts: Contact[];
  /** The DITP funds this structure's audit (issue 25). */
  auditFunded?: boolean;
};

const columns = {
  code: structures.code,
  name: structures.name,
  network: structures.network,
  typology: structures.typology,
  category: structures.category,
  parentCode: structures.parentCode,
  siret: structures.siret,
  postcode: structures.postcode,
  city: structures.city,
  department: structures.department,
  region: structures.region,
  website: structures.website,
  contacts: structures.contacts,
  auditFunded: structures.auditFunded,
  certifierId: structures.certifierId,
  certifierName: certifiers.name,
  contractRef: structures.contractRef,
  createdAt: structures.createdAt,
  updatedAt: structures.updatedAt,
};

function present<T extends { certifierId: string | null; certifierName: string | null; contractRef: string | null }>(
  row: T,
) {
  const { certifierId, certifierName, contractRef, ...rest } = row;
  return {
    ...rest,
    certifier:
      certifierId && certifierName ? { id: certifierId, name: certifierName, contractRef: contractRef ?? "" } : null,
  };
}

/** The folded name and code that `q` searches (« prefecture » finds « Préfecture »). */
export const searchText = (s: { code: string; name: string }) => fold(`${s.name} ${s.code}`);

/** The query behind `findStructure`; exported so test/query-plans.test.ts can EXPLAIN it. */
export function structureByCodeQuery(db: Db, code: string) {
  return db
    .select(columns)
    .from(structures)
    .leftJoin(certifiers, eq(certifiers.id, structures.certifierId))
    .where(eq(structures.code, code));
}

export async function findStructure(db: Db, code: string) {
  const [row] = await structureByCodeQuery(db, code);
  return row ? present(row) : null;
}

export async function getStructure(db: Db, code: string) {
  const s = await findStructure(db, code);
  if (!s) throw notFound(`Structure ${code}`);
  return s;
}

export type StructureFilter = {
  network?: string;
  department?: string;
  category?: Category;
  certifierId?: string;
  limit: number;
  after?: string;
};

const filters = (f: Omit<StructureFilter, "limit" | "after">) => [
  f.network ? eq(structures.network, f.network) : undefined,
  f.department ? eq(structures.department, f.department) : undefined,
  f.category ? eq(structures.category, f.category) : undefined,
  f.certifierId ? eq(structures.certifierId, f.certifierId) : undefined,
];

/** The query behind `listStructures` (one row more than a page); exported for query-plan tests. */
export function listStructuresQuery(db: Db, f: StructureFilter) {
  return db
    .select(columns)
    .from(structures)
    .leftJoin(certifiers, eq(certifiers.id, structures.certifierId))
    .where(and(...filters(f), f.after ? gt(structures.code, f.after) : undefined))
    .orderBy(asc(structures.code))
    .limit(f.limit + 1);
}

export async function listStructures(db: Db, f: StructureFilter) {
  const rows = await listStructuresQuery(db, f);
  const items = rows.slice(0, f.limit).map(present);
  const last = items.at(-1);
  return { items, next: rows.length > f.limit && last ? last.code : null };
}

type StructureRow = Awaited<ReturnType<typeof listStructuresQuery>>[number];

/** The structures an admin search may return, under the list's filters. Exported for query-plan tests. */
export function structureSearchScope(f: Omit<StructureFilter, "limit" | "after">): SearchScope<StructureRow> {
  return {
    table: structures,
    code: structures.code,
    searchText: structures.searchText,
    fields: columns,
    joins: sql`left join ${certifiers} on ${certifiers.id} = ${structures.certifierId}`,
    where: filters(f),
  };
}

/** `q` over code, name, town, network and typology, best first (src/db/search.ts), with the list's filters. */
export async function searchStructures(db: Db, f: Omit<StructureFilter, "after"> & { q: string; after?: SearchAfter }) {
  const { items, next } = await search(db, structureSearchScope(f), f.q, f.limit, f.after);
  return { items: items.map(present), next };
}

/**
 * The structure list as the API and the back-office both offer it: by Code SP+ without `q`, ranked with it.
 * The opaque cursor of one form only continues that form.
 */
export async function findStructures(
  db: Db,
  f: Omit<StructureFilter, "after"> & { q?: string; cursor?: string },
): Promise<{ items: ReturnType<typeof present<StructureRow>>[]; nextCursor: string | null }> {
  const { q, cursor, ...filter } = f;
  if (q) {
    const { items, next } = await searchStructures(db, {
      ...filter,
      q,
      after: cursor ? decodeSearchCursor(cursor) : undefined,
    });
    return { items, nextCursor: next ? encodeSearchCursor(next) : null };
  }
  const { items, next } = await listStructures(db, {
    ...filter,
    after: afterKey(cursor),
  });
  return { items, nextCursor: nextCursor(next) };
}

/**
 * Assigns a body to a structure: the current pointer and the history row land together, with `extra`
 * (the read model and the figures it moves: src/services/structures.ts `assignStructure`).
 */
export async function assignCertifier(
  db: Db,
  code: string,
  certifierId: string,
  contractRef: string,
  actor: string,
  newId: string,
  extra: readonly BatchItem<"sqlite">[] = [],
) {
  await getStructure(db, code);
  const [body] = await db.select({ id: certifiers.id }).from(certifiers).where(eq(certifiers.id, certifierId));
  if (!body) {
    throw invalid("certifierId", "Unknown certification body", `Certification body ${certifierId} does not exist`);
  }
  await db.batch([
    db
      .update(structures)
      // Who may decide on the structure's labels changes: a decision read under the previous body
      // (src/db/label-version.ts) must not land.
      .set({
        certifierId,
        contractRef,
        updatedAt: new Date().toISOString(),
        labelVersion: sql`${structures.labelVersion} + 1`,
      })
      .where(eq(structures.code, code)),
    db.insert(assignments).values({ id: newId, structureCode: code, certifierId, contractRef, actor }),
    ...extra,
  ]);
  return getStructure(db, code);
}
