/**
 * Cron dispatch. "Now" is `controller.scheduledTime`, never the wall clock, so a test or
 * `/cdn-cgi/handler/scheduled?cron=…&time=…` can replay any date.
 */
import { getDb } from "./db/client";
import { dayOf } from "./domain/reminders";
import { transportFor } from "./email/transport";
import { config } from "./env";
import { type DailyResult, runDaily } from "./jobs/daily";
import { type DeliveryResult, deliverOutbox } from "./jobs/deliver";
import { runInboxRetention } from "./jobs/retention";

export const CRONS = {
  daily: "0 3 * * *",
  outbox: "*/10 * * * *",
} as const;

export async function runScheduled(controller: ScheduledController, env: Env): Promise<DailyResult | DeliveryResult> {
  const cfg = config(env);
  const db = getDb(env.DB);
  const now = controller.scheduledTime;
  switch (controller.cron) {
    case CRONS.daily: {
      const started = Date.now();
      const r = await runDaily(db, {
        today: dayOf(now),
        nowIso: new Date(now).toISOString(),
        offsets: cfg.REMINDER_OFFSETS_DAYS,
        publicBaseUrl: cfg.PUBLIC_BASE_URL,
      });
      // No cache purge here, on purpose: expiry is date-driven. Public answers compute « expired » from
      // `expiresOn` (src/domain/badge.ts publicStatus), so any answer rendered after midnight (Paris)
      // already says so, and one rendered before lived at most MAX_AGE_SECONDS (300 s): by 03:00 UTC
      // none is left to purge. Purging 100,000-label days cost ~18 s of cache deletes (bench/RESULTS.md).
      const inbox = await runInboxRetention(db, now, cfg.INBOX_RETENTION_DAYS);
      console.log(
        JSON.stringify({
          msg: "daily job",
          today: r.today,
          expired: r.expired.length,
          remindersQueued: r.remindersQueued,
          remindersSkipped: r.remindersSkipped,
          inboxPurged: inbox.purged,
          inboxBacklog: inbox.backlog,
          ms: Date.now() - started,
        }),
      );
      return r;
    }
    case CRONS.outbox: {
      const r = await deliverOutbox(db, transportFor(env, cfg), cfg.EMAIL_FROM, now);
      if (r.sent + r.retrying + r.failed + r.skipped > 0) console.log(JSON.stringify({ msg: "outbox delivery", ...r }));
      return r;
    }
    default:
      throw new Error(`Unknown cron: ${controller.cron}`);
  }
}

export async function scheduled(controller: ScheduledController, env: Env, _ctx: ExecutionContext): Promise<void> {
  await runScheduled(controller, env);
}
