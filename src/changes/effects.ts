/**
 * Carrying out the effects of public changes, whose intents the change wrote in its own batch
 * (src/changes/public-change.ts). Each kind of intent has one handler (HANDLERS below). Right after the
 * batch, `afterChange` claims the change's intents and carries them out — at once, or after the answer
 * (`waitUntil`) for a handler that calls something outside; whatever fails or is cut short stays in
 * `effects` and the minute cron (`runDueEffects`) retries it with exponential backoff, until it is done.
 * Effects are idempotent: doing one twice is harmless.
 * @see docs/adr/0004-effects-of-a-label-change.md
 */
import { and, eq, inArray, lt, lte, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../db/client";
import { chunk, MAX_PARAMS } from "../db/outbox";
import { type EffectKind, effects, labels, STATUS_PURPOSES, statusEntries } from "../db/schema";
import { newId } from "../lib/crypto";
import { log, loggableError } from "../lib/log";
import { notifyHandler } from "../notifications/enqueue";
import type { Deps } from "../services/deps";
import { credentialHandler } from "./credentials";
import { lastKnownHandler } from "./last-known";
import type { Intent } from "./public-change";
import { purgeHandler, purgeLocally } from "./purge";
import { statusListHandler } from "./status-lists";

type EffectRow = typeof effects.$inferSelect;

/** What a handler did with the subjects it was given: every subject is either done or failed. */
export type EffectOutcome = {
  done: string[];
  failed: { subjects: string[]; error: string; retryAfterMs?: number }[];
};

export type EffectHandler = {
  /**
   * Carries these subjects out. `run` says who asks: right after a change (one change's subjects,
   * before or just after its answer), or the minute cron (a backlog, at most `limit` subjects).
   */
  carryOut(deps: Deps, subjects: string[], run: { now: Date; after: "change" | "cron" }): Promise<EffectOutcome>;
  /** After a change, leave the work to `waitUntil` (it calls something outside: slow or rate-limited). */
  background(env: Env): boolean;
  /** Subjects the minute cron takes per run (the handler's own rate, e.g. the purge API's). */
  perCronRun(env: Env): number;
};

/** One handler per kind of intent: a new effect is a new kind and a new line here. */
const HANDLERS: { [K in EffectKind]: EffectHandler } = {
  purge: purgeHandler,
  credential: credentialHandler,
  "status-list": statusListHandler,
  "last-known": lastKnownHandler,
  notify: notifyHandler,
};

/** How long a run holds the rows it claimed; past it, another run takes them over. */
export const LEASE_MS = 60_000;
/** Done rows are kept a week (to see what ran), then pruned by the minute cron. */
const KEEP_DONE_MS = 7 * 24 * 3_600_000;

/** The order a change's intents are carried out in: credentials, then the lists, then purges (finding them done). */
const AFTER_CHANGE_ORDER: readonly EffectKind[] = ["credential", "status-list", "last-known", "purge", "notify"];

/**
 * After the batch of a change: its intents are claimed and carried out, each kind by its handler —
 * before the caller answers, or in the background for handlers that call outside (so a slow API
 * never delays the answer). The pending `status-list` intents of the lists where the structures'
 * labels have their place go with their credentials (the change's batch selected them from the places).
 * Never throws: the change has landed, and its caller must hear so. Whatever fails (a handler, or the
 * database itself) stays pending, or running until its lease ends, and the minute cron carries it out.
 */
export async function afterChange(deps: Deps, intents: readonly Intent[], now = new Date()): Promise<void> {
  if (intents.length === 0) return;
  const groups = byKind(intents, (i) => i.kind);
  for (const kind of AFTER_CHANGE_ORDER) {
    try {
      let subjects = (groups.get(kind) ?? []).map((i) => i.subject);
      if (kind === "status-list") {
        const codes = (groups.get("credential") ?? []).map((i) => i.subject);
        subjects = [...new Set([...subjects, ...(await statusSubjectsOf(deps.db, codes))])];
      }
      if (subjects.length === 0) continue;
      const handler = HANDLERS[kind];
      // This data centre's cached answers go before the caller answers, even when the global purge is
      // left to the background: the next request here (often the same client's) must see the change.
      if (kind === "purge") await purgeLocally(subjects);
      const claimed = await claim(deps.db, now, { kind, subjects });
      const work = carryOut(deps, kind, claimed, { now, after: "change" });
      if (handler.background(deps.env)) {
        deps.waitUntil(
          work.catch((err) => log.error("effects failed after a change", { kind, ...loggableError(err) })),
        );
      } else {
        await work;
      }
    } catch (err) {
      log.error("effects failed after a change; the minute cron retries them", { kind, ...loggableError(err) });
    }
  }
}

/** `status-list` subjects of the lists where these structures' labels have their place. */
export async function statusSubjectsOf(db: Db, codes: readonly string[]): Promise<string[]> {
  if (codes.length === 0) return [];
  const rows = await db
    .selectDistinct({ list: statusEntries.list })
    .from(statusEntries)
    .innerJoin(labels, eq(labels.number, statusEntries.labelNumber))
    .where(inArray(labels.structureCode, [...codes]));
  return rows.flatMap((r) => STATUS_PURPOSES.map((p) => `${p}/${r.list}`));
}

export type EffectsRun = { done: number; failed: number; pruned: number };

/**
 * The minute cron: for each kind, the due intents (pending and due, or running past their lease), as
 * many as its handler takes a run; then prunes old done rows. `now`: the clock (the cron's
 * `scheduledTime` is when the run was due, not when it runs: a late run would lease with a lease already
 * over); a test passes a later instant to make retries due.
 */
export async function runDueEffects(deps: Deps, now = new Date()): Promise<EffectsRun> {
  const total = { done: 0, failed: 0 };
  for (const kind of Object.keys(HANDLERS) as EffectKind[]) {
    const rows = await claim(deps.db, now, { kind, due: HANDLERS[kind].perCronRun(deps.env) });
    const r = await carryOut(deps, kind, rows, { now, after: "cron" });
    total.done += r.done;
    total.failed += r.failed;
  }
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
  return { ...total, pruned: pruned.length };
}

function byKind<T>(items: readonly T[], kindOf: (t: T) => EffectKind): Map<EffectKind, T[]> {
  const groups = new Map<EffectKind, T[]>();
  for (const item of items) groups.set(kindOf(item), [...(groups.get(kindOf(item)) ?? []), item]);
  return groups;
}

/**
 * Takes rows of one kind for this run (status `running`, a new claim token, leased until LEASE_MS from
 * now): the pending rows of `subjects`, or up to `due` rows that are due. Conditional, so two runs never
 * hold the same row; the lease counts from the clock, never from an earlier `now` (a late cron run).
 */
async function claim(
  db: Db,
  now: Date,
  what: { kind: EffectKind } & ({ subjects: readonly string[] } | { due: number }),
): Promise<Claimed> {
  const nowIso = now.toISOString();
  const token = newId("clm");
  const lease = {
    status: "running" as const,
    claimToken: token,
    nextAttemptAt: new Date(Math.max(now.getTime(), Date.now()) + LEASE_MS).toISOString(),
  };
  if ("due" in what) {
    const due = db
      .select({ id: effects.id })
      .from(effects)
      .where(
        and(
          eq(effects.kind, what.kind),
          inArray(effects.status, ["pending", "running"]),
          lte(effects.nextAttemptAt, nowIso),
        ),
      )
      .orderBy(effects.nextAttemptAt)
      .limit(what.due);
    return { token, rows: await db.update(effects).set(lease).where(inArray(effects.id, due)).returning() };
  }
  const claimed: EffectRow[] = [];
  for (const part of chunk([...what.subjects], MAX_PARAMS - 10)) {
    claimed.push(
      ...(await db
        .update(effects)
        .set(lease)
        .where(and(eq(effects.status, "pending"), eq(effects.kind, what.kind), inArray(effects.subject, part)))
        .returning()),
    );
  }
  return { token, rows: claimed };
}

/** The rows a run claimed, and its token: the outcome is recorded only on rows it still holds. */
type Claimed = { token: string; rows: EffectRow[] };

/** Carries claimed rows of one kind out and records the outcome of each (done, or pending again later). */
async function carryOut(
  deps: Deps,
  kind: EffectKind,
  { token, rows }: Claimed,
  run: { now: Date; after: "change" | "cron" },
): Promise<{ done: number; failed: number }> {
  if (rows.length === 0) return { done: 0, failed: 0 };
  const { db } = deps;
  const outcome = await HANDLERS[kind].carryOut(
    deps,
    rows.map((r) => r.subject),
    run,
  );
  const idsOf = (subjects: readonly string[]) => {
    const set = new Set(subjects);
    return rows.filter((r) => set.has(r.subject)).map((r) => r.id);
  };
  const nowIso = run.now.toISOString();
  const statements: BatchItem<"sqlite">[] = [];
  for (const ids of chunk(idsOf(outcome.done), MAX_PARAMS - 10)) {
    statements.push(
      db
        .update(effects)
        .set({ status: "done", doneAt: nowIso, lastError: null, claimToken: null })
        .where(and(inArray(effects.id, ids), eq(effects.status, "running"), eq(effects.claimToken, token))),
    );
  }
  for (const f of outcome.failed) {
    log.warn("effect failed; retried later", { kind, subjects: f.subjects.length, error: f.error });
    for (const ids of chunk(idsOf(f.subjects), MAX_PARAMS - 15))
      statements.push(retryLater(db, ids, token, f, run.now));
  }
  const [first, ...rest] = statements;
  if (first) await db.batch([first, ...rest]);
  const done = idsOf(outcome.done).length;
  return { done, failed: rows.length - done };
}

/**
 * Back to pending, after a backoff that grows with the attempts. If a newer change already left a
 * pending row for the same subject (it changed again meanwhile), that row covers this one: done.
 */
function retryLater(db: Db, ids: string[], token: string, f: { error: string; retryAfterMs?: number }, now: Date) {
  const newer = sql`exists (select 1 from ${effects} p where p.kind = ${effects.kind} and p.subject = ${effects.subject} and p.status = 'pending')`;
  const nowIso = now.toISOString();
  return db
    .update(effects)
    .set({
      status: sql`case when ${newer} then 'done' else 'pending' end`,
      doneAt: sql`case when ${newer} then ${nowIso} end`,
      attempts: sql`${effects.attempts} + 1`,
      // 30 s, 1 min, 2 min… capped at one hour (a failing API is retried for as long as it fails), or the
      // API's Retry-After when longer.
      nextAttemptAt: sql`strftime('%Y-%m-%dT%H:%M:%fZ', ${nowIso}, '+' || max(min(30 * (1 << min(${effects.attempts}, 7)), 3600), ${Math.ceil((f.retryAfterMs ?? 0) / 1000)}) || ' seconds')`,
      lastError: f.error.slice(0, 500),
      claimToken: null,
    })
    .where(and(inArray(effects.id, ids), eq(effects.status, "running"), eq(effects.claimToken, token)));
}
