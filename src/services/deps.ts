/**
 * What a write (a « verb », src/services/*) needs: the database, the configuration, and a way to finish
 * work after the answer (`waitUntil`). Routes, webhook handlers and cron jobs build it from their own
 * context, so a verb runs the same from any of them.
 */
import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { type Db, getDb } from "../db/client";

export type Deps = { db: Db; env: Env; waitUntil: (work: Promise<unknown>) => void };

export const depsOf = (c: Context<AppEnv>): Deps => ({
  db: getDb(c.env.DB),
  env: c.env,
  waitUntil: (work) => c.executionCtx.waitUntil(work),
});
