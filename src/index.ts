/**
 * Worker entry point. The default export must be an object with every handler: exporting the bare
 * Hono app would leave the cron triggers without a `scheduled` handler, and the notifications queue
 * without its consumer.
 */
import app from "./app";
import { type D1Counter, meterD1, newCounter } from "./lib/d1-metrics";
import { log } from "./lib/log";
import { newTraceId, withTrace } from "./lib/trace";
import { handleQueue } from "./notifications/consume";
import type { NotifyMessage } from "./notifications/enqueue";
import { withDevFaults } from "./routes/dev-faults";
import { scheduled } from "./scheduled";

/** Benchmarks only (`D1_METRICS = "on"`): the D1 binding counts the rows each request reads. */
const metricsOn = (env: Env) => (env.D1_METRICS as string) === "on";
const metered = (env: Env, counter: D1Counter): Env => ({ ...env, DB: meterD1(env.DB, counter) });

export default {
  async fetch(request, rawEnv, ctx) {
    // The load run's dev-only D1 outage (src/routes/dev-faults.ts): the env as it is unless DEV_FAULTS=on.
    const env = withDevFaults(rawEnv);
    if (!metricsOn(env)) return app.fetch(request, env, ctx);
    const counter = newCounter();
    const res = await app.fetch(request, metered(env, counter), ctx);
    // Copy: responses from `fetch()` or the cache have immutable headers.
    const out = new Response(res.body, res);
    out.headers.set("X-D1-Rows-Read", String(counter.rowsRead));
    out.headers.set("X-D1-Rows-Written", String(counter.rowsWritten));
    out.headers.set("X-D1-Queries", String(counter.queries));
    return out;
  },
  // A cron run answers nobody: its log lines share a `runId` instead of a request id.
  scheduled: (controller, rawEnv, ctx) =>
    withTrace({ runId: newTraceId() }, async () => {
      const env = withDevFaults(rawEnv);
      if (!metricsOn(env)) return scheduled(controller, env, ctx);
      // A scheduled run has no response: its count goes to the log, where bench/run.mjs reads it.
      const counter = newCounter();
      const started = Date.now();
      try {
        await scheduled(controller, metered(env, counter), ctx);
      } finally {
        log.info("d1-metrics", { cron: controller.cron, ms: Date.now() - started, ...counter });
      }
    }),
  // Notifications to subscribers, and their dead-letter queue (src/notifications/consume.ts).
  queue: (batch, env, ctx) =>
    withTrace({ runId: newTraceId() }, () => handleQueue(batch as MessageBatch<NotifyMessage>, env, ctx)),
} satisfies ExportedHandler<Env>;
