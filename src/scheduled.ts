/**
 * Cron dispatch. "Now" is `controller.scheduledTime`, never the wall clock, so a test or
 * `/cdn-cgi/handler/scheduled?cron=…&time=…` can replay any date — except for the effects' leases, which
 * count from the clock (a late run must not claim with a lease already over).
 *
 * A cron of wrangler.toml runs its job. Any other cron runs EVERY job, in order (expiry and reminders,
 * delivery, effects), and says so in the log:
 * - locally, wrangler's own hint `curl …/cdn-cgi/local/scheduled` (or `/cdn-cgi/handler/scheduled`)
 *   sends no cron at all. Wrangler answers 200 « ok » when the handler returns and 500 « exception »
 *   when it throws, whatever it throws: a scheduled handler cannot answer a 4xx. Throwing on an
 *   unknown cron answered that hint with a bare 500; running the jobs answers what it asks for.
 * - in production, a cron added to wrangler.toml without a job here runs the jobs rather than
 *   nothing: all are idempotent (a label expires once, an e-mail is sent once per label and kind, a
 *   purge twice is harmless), and test/cron-scheduled.test.ts checks that every cron of wrangler.toml
 *   has its own job.
 */
import { type EffectsRun, runDueEffects } from "./changes/effects";
import { getDb } from "./db/client";
import { dayOf } from "./domain/reminders";
import { transportFor } from "./email/transport";
import { config } from "./env";
import { type DailyResult, runDaily } from "./jobs/daily";
import { type DeliveryResult, deliverOutbox } from "./jobs/deliver";
import { type LogRun, runLog } from "./jobs/log";
import { runIdempotencyRetention, runInboxRetention, runNotificationRetention } from "./jobs/retention";
import { log } from "./lib/log";
import type { Deps } from "./services/deps";

export const CRONS = {
  daily: "0 3 * * *",
  outbox: "*/10 * * * *",
  effects: "* * * * *",
} as const;

type Job = keyof typeof CRONS;
export type ScheduledResult = { daily?: DailyResult; outbox?: DeliveryResult; effects?: EffectsRun; log?: LogRun };

/** The jobs a cron runs: its own, or all of them for a cron that is not one of CRONS. */
export function jobsFor(cron: string): Job[] {
  const own = (Object.keys(CRONS) as Job[]).filter((job) => CRONS[job] === cron);
  return own.length > 0 ? own : (Object.keys(CRONS) as Job[]);
}

export async function runScheduled(
  controller: ScheduledController,
  env: Env,
  ctx: Pick<ExecutionContext, "waitUntil">,
): Promise<ScheduledResult> {
  const cfg = config(env);
  const db = getDb(env.DB);
  const deps: Deps = { db, env, waitUntil: (work) => ctx.waitUntil(work) };
  const now = controller.scheduledTime;
  const jobs = jobsFor(controller.cron);
  if (jobs.length > 1) {
    log.warn(controller.cron ? "unknown cron: running every job" : "no cron given: running every job", {
      cron: controller.cron,
      crons: CRONS,
      scheduledTime: new Date(now).toISOString(),
    });
  }
  const result: ScheduledResult = {};
  for (const job of jobs) {
    if (job === "daily") {
      const started = Date.now();
      const r = await runDaily(deps, {
        today: dayOf(now),
        nowIso: new Date(now).toISOString(),
        offsets: cfg.REMINDER_OFFSETS_DAYS,
        publicBaseUrl: cfg.PUBLIC_BASE_URL,
      });
      // No cache purge here, on purpose: expiry is date-driven. Public answers compute « expired » from
      // `expiresOn` (src/domain/badge.ts publicStatus), and none is ever cached past midnight in France
      // (src/public/cache.ts maxAgeAt), so every answer served after midnight already says so.
      const inbox = await runInboxRetention(db, now, cfg.INBOX_RETENTION_DAYS);
      const notified = await runNotificationRetention(db, now, cfg.NOTIFICATION_RETENTION_DAYS);
      const keys = await runIdempotencyRetention(db, now);
      log.info("daily job", {
        today: r.today,
        expired: r.expired.length,
        remindersQueued: r.remindersQueued,
        remindersSkipped: r.remindersSkipped,
        inboxPurged: inbox.purged,
        inboxBacklog: inbox.backlog,
        deliveriesPurged: notified.deliveries.purged,
        notificationsPurged: notified.notifications.purged,
        notificationBacklog: notified.deliveries.backlog || notified.notifications.backlog,
        idempotencyKeysPurged: keys.purged,
        ms: Date.now() - started,
      });
      result.daily = r;
    } else if (job === "outbox") {
      const r = await deliverOutbox(db, transportFor(env, cfg), cfg.EMAIL_FROM, now);
      if (r.sent + r.retrying + r.failed + r.skipped > 0) log.info("outbox delivery", { ...r });
      result.outbox = r;
    } else {
      // The clock, unless the run replays a later instant: a run started late (its `scheduledTime` long
      // past) must not lease what it claims with a lease already over (docs/adr/0008).
      const r = await runDueEffects(deps, new Date(Math.max(now, Date.now())));
      if (r.done + r.failed + r.pruned > 0) log.info("effects", { ...r });
      result.effects = r;
      // The transparency log: hash what the minute's events appended, sign a checkpoint if the tree grew.
      const l = await runLog(db, env);
      if (l.hashed > 0 || l.checkpoint !== null) log.info("transparency log", { ...l });
      result.log = l;
    }
  }
  return result;
}

export async function scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
  await runScheduled(controller, env, ctx);
}
