import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export type Db = ReturnType<typeof getDb>;

export function getDb(d1: D1Database | D1DatabaseSession) {
  // A D1 session has the same query surface as the database; drizzle only calls prepare/batch.
  return drizzle(d1 as D1Database, { schema });
}
