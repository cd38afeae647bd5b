import type { SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export type Db = ReturnType<typeof getDb>;

export function getDb(d1: D1Database | D1DatabaseSession) {
  // A D1 session has the same query surface as the database; drizzle only calls prepare/batch.
  return drizzle(d1 as D1Database, { schema });
}

/**
 * A raw SQL statement (a CTE, an INSERT … SELECT … ON CONFLICT … WHERE that the query builder cannot
 * write) that can go in a `db.batch`: drizzle batches `db.all(sql)` only when it binds no parameter.
 * Its batch result is the rows it returns (RETURNING), as arrays of values.
 */
export function batchable(db: Db, query: SQL): BatchItem<"sqlite"> {
  const { session, dialect } = db as unknown as {
    session: { prepareQuery(q: unknown, fields: undefined, method: "all", arrayMode: boolean): unknown };
    dialect: { sqlToQuery(s: SQL): unknown };
  };
  return { _prepare: () => session.prepareQuery(dialect.sqlToQuery(query), undefined, "all", false) } as never;
}
