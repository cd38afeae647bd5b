/**
 * Carrying out the effects of public changes, whose intents the change wrote in its own batch
 * (src/changes/public-change.ts). Right after the batch, `afterChange` purges this data centre at once
 * and carries the intents out (the global purge after the answer, through `waitUntil`, when configured);
 * whatever fails or is cut short stays in `effects` and the minute cron (`runDueEffects`) retries it
 * with exponential backoff, until it is done. Effects are idempotent: doing one twice is harmless.
 */
import { and, eq, inArray, lt, lte, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../db/client";
import { chunk, MAX_PARAMS } from "../db/outbox";
import { effects } from "../db/schema";
import { config } from "../env";
import { log, loggableError } from "../lib/log";
import type { Deps } from "../services/deps";
import type { Intent } from "./public-change";
import { type GlobalPurge, purgeEverywhere, purgeLocally, TAGS_PER_REQUEST } from "./purge";

type EffectRow = typeof effects.$inferSelect;

/** How long a run holds the rows it claimed; past it, another run takes them over. */
export const LEASE_MS = 60_000;
/** Done rows are kept a week (to see what ran), then pruned by the minute cron. */
const KEEP_DONE_MS = 7 * 24 * 3_600_000;

/** The global purge's configuration, or null (local dev, tests): then only this data centre is purged. */
export function globalPurge(env: Env): GlobalPurge | null {
  const cfg = config(env);
  if (!cfg.CLOUDFLARE_ZONE_ID || !cfg.CLOUDFLARE_PURGE_TOKEN) return null;
  return {
    zoneId: cfg.CLOUDFLARE_ZONE_ID,
    token: cfg.CLOUDFLARE_PURGE_TOKEN,
    requestsPerRun: cfg.PURGE_REQUESTS_PER_MINUTE,
  };
}

/**
 * After the batch of a change: this data centre's cached answers go at once (before the caller answers),
 * then the intents are claimed and carried out — in the background when a global purge is configured,
 * so a slow purge API never delays the answer; a change is one purge request (≤ 3 tags).
 */
export async function afterChange(deps: Deps, intents: readonly Intent[], now = new Date()): Promise<void> {
  if (intents.length === 0) return;
  await purgeLocally(intents.map((i) => i.subject));
  const rows = await claim(deps.db, now, { intents });
  const cfg = globalPurge(deps.env);
  if (!cfg) {
    await carryOut(deps.db, null, rows, now);
    return;
  }
  deps.waitUntil(
    carryOut(deps.db, { ...cfg, requestsPerRun: 1 }, rows, now).catch((err) =>
      log.error("effects failed after a change", loggableError(err)),
    ),
  );
}

export type EffectsRun = { done: number; failed: number; pruned: number };

/**
 * The minute cron: every due intent (pending and due, or running past its lease), at most as many
 * purge requests as the plan allows a minute, then prunes old done rows.
 */
export async function runDueEffects(deps: Deps, now = new Date()): Promise<EffectsRun> {
  const cfg = globalPurge(deps.env);
  const limit = (cfg?.requestsPerRun ?? 10) * TAGS_PER_REQUEST;
  const rows = await claim(deps.db, now, { due: limit });
  const { done, failed } = await carryOut(deps.db, cfg, rows, now);
  const pruned = await deps.db
    .delete(effects)
    .where(
      inArray(
        effects.id,
        deps.db
          .select({ id: effects.id })
          .from(effects)
          .where(lt(effects.doneAt, new Date(now.getTime() - KEEP_DONE_MS).toISOString()))
          .limit(1000),
      ),
    )
    .returning({ id: effects.id });
  return { done, failed, pruned: pruned.length };
}

/**
 * Takes rows for this run (status `running`, leased until now + LEASE_MS): the pending rows of
 * `intents`, or up to `due` rows that are due. Conditional, so two runs never hold the same row.
 */
async function claim(db: Db, now: Date, what: { intents: readonly Intent[] } | { due: number }) {
  const nowIso = now.toISOString();
  const lease = { status: "running" as const, nextAttemptAt: new Date(now.getTime() + LEASE_MS).toISOString() };
  if ("due" in what) {
    const due = db
      .select({ id: effects.id })
      .from(effects)
      .where(and(inArray(effects.status, ["pending", "running"]), lte(effects.nextAttemptAt, nowIso)))
      .orderBy(effects.nextAttemptAt)
      .limit(what.due);
    return db.update(effects).set(lease).where(inArray(effects.id, due)).returning();
  }
  const claimed: EffectRow[] = [];
  for (const part of chunk([...what.intents], MAX_PARAMS - 5)) {
    claimed.push(
      ...(await db
        .update(effects)
        .set(lease)
        .where(
          and(
            eq(effects.status, "pending"),
            eq(effects.kind, "purge"),
            inArray(
              effects.subject,
              part.map((i) => i.subject),
            ),
          ),
        )
        .returning()),
    );
  }
  return claimed;
}

/** Carries claimed rows out and records the outcome of each (done, or pending again later). */
async function carryOut(db: Db, cfg: GlobalPurge | null, rows: EffectRow[], now: Date) {
  if (rows.length === 0) return { done: 0, failed: 0 };
  const tags = rows.map((r) => r.subject);
  await purgeLocally(tags);
  const outcome = cfg ? await purgeEverywhere(cfg, tags) : { purged: tags, failed: [] };
  const idsOf = (subjects: readonly string[]) => {
    const set = new Set(subjects);
    return rows.filter((r) => set.has(r.subject)).map((r) => r.id);
  };
  const nowIso = now.toISOString();
  const statements: BatchItem<"sqlite">[] = [];
  for (const ids of chunk(idsOf(outcome.purged), MAX_PARAMS - 5)) {
    statements.push(
      db
        .update(effects)
        .set({ status: "done", doneAt: nowIso, lastError: null })
        .where(and(inArray(effects.id, ids), eq(effects.status, "running"))),
    );
  }
  for (const f of outcome.failed) {
    log.warn("purge failed; retried later", { tags: f.tags.length, error: f.error });
    for (const ids of chunk(idsOf(f.tags), MAX_PARAMS - 10)) statements.push(retryLater(db, ids, f, now));
  }
  const [first, ...rest] = statements;
  if (first) await db.batch([first, ...rest]);
  return { done: idsOf(outcome.purged).length, failed: rows.length - idsOf(outcome.purged).length };
}

/**
 * Back to pending, after a backoff that grows with the attempts. If a newer change already left a
 * pending row for the same subject (it changed again meanwhile), that row covers this one: done.
 */
function retryLater(db: Db, ids: string[], f: { error: string; retryAfterMs?: number }, now: Date) {
  const newer = sql`exists (select 1 from ${effects} p where p.kind = ${effects.kind} and p.subject = ${effects.subject} and p.status = 'pending')`;
  const nowIso = now.toISOString();
  return db
    .update(effects)
    .set({
      status: sql`case when ${newer} then 'done' else 'pending' end`,
      doneAt: sql`case when ${newer} then ${nowIso} end`,
      attempts: sql`${effects.attempts} + 1`,
      // 30 s, 1 min, 2 min… capped at one hour (a failing purge API is retried for as long as it fails),
      // or the API's Retry-After when longer.
      nextAttemptAt: sql`strftime('%Y-%m-%dT%H:%M:%fZ', ${nowIso}, '+' || max(min(30 * (1 << min(${effects.attempts}, 7)), 3600), ${Math.ceil((f.retryAfterMs ?? 0) / 1000)}) || ' seconds')`,
      lastError: f.error.slice(0, 500),
    })
    .where(and(inArray(effects.id, ids), eq(effects.status, "running")));
}
