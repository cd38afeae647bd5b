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

export const CRONS = {
  daily: "0 3 * * *",
  outbox: "*/10 * * * *",
} as const;

/**
 * The ONE place that learns which labels the daily job expired: their structures' public answers
 * (badge, verify page, public API) must be purged from the edge cache.
 * Integration point for the public cache (issue 5): call `purgePublicCache` here.
 */
export async function onLabelsExpired(
  _env: Env,
  _ctx: ExecutionContext,
  result: DailyResult["expired"],
): Promise<void> {
  if (result.structureCodes.length === 0) return;
  // e.g. ctx.waitUntil(purgePublicCache(env, result.structureCodes))
}

export async function runScheduled(
  controller: ScheduledController,
  env: Env,
  ctx: ExecutionContext,
): Promise<DailyResult | DeliveryResult> {
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
      await onLabelsExpired(env, ctx, r.expired);
      console.log(
        JSON.stringify({
          msg: "daily job",
          today: r.today,
          expired: r.expired.labelNumbers.length,
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

export async function scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
  await runScheduled(controller, env, ctx);
}
