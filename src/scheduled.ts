/**
 * Cron dispatch. "Now" is `controller.scheduledTime`, never the wall clock, so a test or
 * `/cdn-cgi/handler/scheduled?cron=…&time=…` can replay any date.
 */
import { type EffectsRun, runDueEffects } from "./changes/effects";
import { getDb } from "./db/client";
import { dayOf } from "./domain/reminders";
import { transportFor } from "./email/transport";
import { config } from "./env";
import { type DailyResult, runDaily } from "./jobs/daily";
import { type DeliveryResult, deliverOutbox } from "./jobs/deliver";
import { runInboxRetention } from "./jobs/retention";
import { log } from "./lib/log";
import type { Deps } from "./services/deps";

export const CRONS = {
  daily: "0 3 * * *",
  outbox: "*/10 * * * *",
  effects: "* * * * *",
} as const;

export async function runScheduled(
  controller: ScheduledController,
  env: Env,
  ctx: Pick<ExecutionContext, "waitUntil">,
): Promise<DailyResult | DeliveryResult | EffectsRun> {
  const cfg = config(env);
  const db = getDb(env.DB);
  const deps: Deps = { db, env, waitUntil: (work) => ctx.waitUntil(work) };
  const now = controller.scheduledTime;
  switch (controller.cron) {
    case CRONS.daily: {
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
      log.info("daily job", {
        today: r.today,
        expired: r.expired.length,
        remindersQueued: r.remindersQueued,
        remindersSkipped: r.remindersSkipped,
        inboxPurged: inbox.purged,
        inboxBacklog: inbox.backlog,
        ms: Date.now() - started,
      });
      return r;
    }
    case CRONS.outbox: {
      const r = await deliverOutbox(db, transportFor(env, cfg), cfg.EMAIL_FROM, now);
      if (r.sent + r.retrying + r.failed + r.skipped > 0) log.info("outbox delivery", { ...r });
      return r;
    }
    case CRONS.effects: {
      const r = await runDueEffects(deps, new Date(now));
      if (r.done + r.failed + r.pruned > 0) log.info("effects", { ...r });
      return r;
    }
    default:
      throw new Error(`Unknown cron: ${controller.cron}`);
  }
}

export async function scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
  await runScheduled(controller, env, ctx);
}
