/**
 * Cron dispatch. "Now" is `controller.scheduledTime`, never the wall clock, so a test or
 * `/cdn-cgi/handler/scheduled?cron=…&time=…` can replay any date.
 *
 * A cron of wrangler.toml runs its job. Any other cron runs EVERY job, in order (expiry and reminders,
 * then delivery), and says so in the log:
 * - locally, wrangler's own hint `curl …/cdn-cgi/local/scheduled` (or `/cdn-cgi/handler/scheduled`)
 *   sends no cron at all. Wrangler answers 200 « ok » when the handler returns and 500 « exception »
 *   when it throws, whatever it throws: a scheduled handler cannot answer a 4xx. Throwing on an
 *   unknown cron answered that hint with a bare 500; running the jobs answers what it asks for.
 * - in production, a cron added to wrangler.toml without a job here runs the jobs rather than
 *   nothing: both are idempotent (a label expires once, an e-mail is sent once per label and kind),
 *   and test/cron-scheduled.test.ts checks that every cron of wrangler.toml has its own job.
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

type Job = keyof typeof CRONS;
export type ScheduledResult = { daily?: DailyResult; outbox?: DeliveryResult };

/** The jobs a cron runs: its own, or all of them for a cron that is not one of CRONS. */
export function jobsFor(cron: string): Job[] {
  const own = (Object.keys(CRONS) as Job[]).filter((job) => CRONS[job] === cron);
  return own.length > 0 ? own : (Object.keys(CRONS) as Job[]);
}

export async function runScheduled(controller: ScheduledController, env: Env): Promise<ScheduledResult> {
  const cfg = config(env);
  const db = getDb(env.DB);
  const now = controller.scheduledTime;
  const jobs = jobsFor(controller.cron);
  if (jobs.length > 1) {
    console.warn(
      JSON.stringify({
        msg: controller.cron ? "unknown cron: running every job" : "no cron given: running every job",
        cron: controller.cron,
        crons: CRONS,
        scheduledTime: new Date(now).toISOString(),
      }),
    );
  }
  const result: ScheduledResult = {};
  for (const job of jobs) {
    if (job === "daily") {
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
      result.daily = r;
    } else {
      const r = await deliverOutbox(db, transportFor(env, cfg), cfg.EMAIL_FROM, now);
      if (r.sent + r.retrying + r.failed + r.skipped > 0) console.log(JSON.stringify({ msg: "outbox delivery", ...r }));
      result.outbox = r;
    }
  }
  return result;
}

export async function scheduled(controller: ScheduledController, env: Env, _ctx: ExecutionContext): Promise<void> {
  await runScheduled(controller, env);
}
