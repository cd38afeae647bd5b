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
import { purgePublicCache } from "./public/cache";

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
      // Expired labels' public answers (badge, verify page, JSON) leave the edge cache now.
      await Promise.all(r.expired.map((l) => purgePublicCache(l.structureCode, [l.number])));
      console.log(
        JSON.stringify({
          msg: "daily job",
          today: r.today,
          expired: r.expired.length,
          remindersQueued: r.remindersQueued,
          remindersSkipped: r.remindersSkipped,
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
