/**
 * Readiness: whether this Worker can do its work, and what an operator should look at. Ready means the
 * configuration is valid (a missing signing key or a wrong PUBLIC_BASE_URL would answer 500 on every write)
 * and D1 answers within the public read budget. The rest — the oldest effect still pending (a purge, a
 * credential, a last known answer not carried out), the notifications the dead-letter queue gave up on, the
 * e-mails that failed — does not make the Worker unready (restarting it would not help), but is reported for
 * the operator (docs/operators.md « When something fails »). `GET /health/ready` and the back-office
 * dashboard show the same.
 */
import { and, count, eq, inArray, like, min } from "drizzle-orm";
import { getDb } from "../db/client";
import { deliveries, effects, outbox } from "../db/schema";
import { configProblems } from "../env";
import { outageSettings, withinBudget } from "../lib/d1-outage";

export type Readiness = {
  ready: boolean;
  configuration: { valid: boolean; problems: string[] };
  database: { answers: boolean; ms: number; error: string | null };
  /** Null when the database did not answer. */
  backlog: {
    pendingEffects: number;
    oldestPendingEffectSeconds: number | null;
    deadLetteredNotifications: number;
    failedEmails: number;
  } | null;
};

/** The dead-letter consumer's mark on the deliveries it fails (src/notifications/consume.ts). */
const DEAD_LETTERED = "Dead-lettered:%";

export async function readiness(env: Env, now = new Date()): Promise<Readiness> {
  const problems = configProblems(env);
  const started = Date.now();
  let backlog: Readiness["backlog"] = null;
  let error: string | null = null;
  try {
    const db = getDb(env.DB);
    backlog = await withinBudget(outageSettings(env).budgetMs, async () => {
      const [pending, dead, failed] = await db.batch([
        db
          .select({ n: count(), oldest: min(effects.createdAt) })
          .from(effects)
          .where(inArray(effects.status, ["pending", "running"])),
        db
          .select({ n: count() })
          .from(deliveries)
          .where(and(eq(deliveries.status, "failed"), like(deliveries.lastError, DEAD_LETTERED))),
        db.select({ n: count() }).from(outbox).where(eq(outbox.status, "failed")),
      ]);
      const oldest = pending[0]?.oldest;
      return {
        pendingEffects: pending[0]?.n ?? 0,
        oldestPendingEffectSeconds: oldest
          ? Math.max(0, Math.round((now.getTime() - Date.parse(oldest)) / 1000))
          : null,
        deadLetteredNotifications: dead[0]?.n ?? 0,
        failedEmails: failed[0]?.n ?? 0,
      };
    });
  } catch (err) {
    error = err instanceof Error ? err.message.slice(0, 200) : String(err).slice(0, 200);
  }
  const answers = backlog !== null;
  return {
    ready: problems.length === 0 && answers,
    configuration: { valid: problems.length === 0, problems },
    database: { answers, ms: Date.now() - started, error },
    backlog,
  };
}
