/**
 * Every scheduled call runs: a cron of wrangler.toml its own job, and any other cron — none at all, as
 * wrangler's hint `curl …/cdn-cgi/local/scheduled` sends, or one nobody configured — every job, with a
 * warning. (Wrangler answers 500 whenever the handler throws, so a 4xx is not an option: see
 * src/scheduled.ts. test/browser/run.mjs calls those URLs on `wrangler dev` and expects 200.)
 */
import { createExecutionContext, createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CRONS, jobsFor, runScheduled } from "../src/scheduled";
import wranglerToml from "../wrangler.toml?raw";
import { makeLabel } from "./factories";
import { labelOf, outboxOf, runCron } from "./helpers";

afterEach(() => vi.restoreAllMocks());

describe("scheduled calls", () => {
  it("every cron of wrangler.toml has its own job, and every job its cron there", () => {
    const configured = JSON.parse(wranglerToml.match(/^crons = (\[.*\])$/m)![1]!) as string[];
    expect(configured.sort()).toEqual(Object.values(CRONS).sort());
    for (const cron of configured) expect(jobsFor(cron), cron).toHaveLength(1);
  });

  it("no cron (wrangler's `/cdn-cgi/local/scheduled` hint) runs every job: the expiry, then the delivery", async () => {
    const l = await makeLabel({ expiresOn: "2031-05-31" });
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    await runCron("", "2031-06-01T09:00:00Z");
    expect((await labelOf(l.number)).status).toBe("expired");
    // The expiry notice was queued by the daily job, then sent by the delivery job of the same call.
    expect((await outboxOf(l.number)).map((r) => [r.kind, r.status])).toEqual([["expiry", "sent"]]);
    expect(warn).toHaveBeenCalledOnce();
    expect(JSON.parse(String(warn.mock.calls[0]![0]))).toMatchObject({ msg: "no cron given: running every job" });
  });

  it("an unknown cron runs every job too, and the log names the crons it knows", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const result = await runScheduled(
      createScheduledController({ cron: "1 2 3 4 5", scheduledTime: new Date("2031-07-01T03:00:00Z") }),
      env,
      createExecutionContext(),
    );
    // The minute job also grows the transparency log (its own result: `log`).
    expect(Object.keys(result)).toEqual(["daily", "outbox", "effects", "log"]);
    expect(JSON.parse(String(warn.mock.calls[0]![0]))).toMatchObject({
      msg: "unknown cron: running every job",
      cron: "1 2 3 4 5",
      crons: CRONS,
    });
  });

  it("a configured cron runs its job alone, and says nothing", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const result = await runScheduled(
      createScheduledController({ cron: CRONS.outbox, scheduledTime: new Date("2031-07-01T03:10:00Z") }),
      env,
      createExecutionContext(),
    );
    expect(Object.keys(result)).toEqual(["outbox"]);
    expect(warn).not.toHaveBeenCalled();
  });
});
