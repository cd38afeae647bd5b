/**
 * The daily expiry of many labels with subscribers watching everything: messages are batched per
 * subscriber (src/notifications/enqueue.ts states the bound). Its own file: the daily job expires every
 * label of the file's database.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { NotifyMessage } from "../src/notifications/enqueue";
import { makeLabel, makeLabelsInBulk } from "./factories";
import { call, daily } from "./helpers";

describe("the daily expiry at scale", () => {
  it(`enqueues at most ⌈labels / 90⌉ messages per subscriber, not one per label per subscriber`, async () => {
    const N = 200;
    const subs = 3;
    const { structureCode: code, certifierId: oc } = await makeLabel({ expiresOn: "2031-06-01" });
    await makeLabelsInBulk({
      structureCode: code,
      certifierId: oc,
      count: N - 1,
      awardedOn: "2028-06-01",
      expiresFrom: "2031-05-31",
    });
    for (let i = 0; i < subs; i++) {
      const r = await call("POST", "/v1/subscriptions", {
        body: {
          name: `Portail ${i}`,
          contactEmail: "veille@portail.example",
          url: `https://portail${i}.example/h`,
          watch: { all: true },
        },
      });
      expect(r.status).toBe(201);
    }
    // The queue binding, recording what is sent (nothing is consumed: the count is what is measured).
    const sent: NotifyMessage[] = [];
    const calls: number[] = [];
    const queue = {
      sendBatch: async (msgs: { body: NotifyMessage }[]) => {
        calls.push(msgs.length);
        sent.push(...msgs.map((m) => m.body));
      },
    };
    await daily("2031-06-02", { NOTIFICATIONS: queue });
    const expired = await env.DB.prepare("SELECT count(*) AS n FROM labels WHERE status = 'expired'").first<{
      n: number;
    }>();
    expect(expired!.n).toBe(N);
    const delivered = sent.reduce((n, m) => n + m.deliveryIds.length, 0);
    expect(delivered).toBe(N * subs);
    // 200 labels in 3 chunks of ≤ 90: ≤ 3 messages per subscriber (9), not 600.
    expect(sent.length).toBeLessThanOrEqual(Math.ceil(N / 90) * subs);
    expect(Math.max(...sent.map((m) => m.deliveryIds.length))).toBeLessThanOrEqual(100);
    expect(calls.length).toBe(Math.ceil(N / 90));
    const rows = await env.DB.prepare("SELECT status, count(*) AS n FROM deliveries GROUP BY status").all();
    expect(rows.results).toEqual([{ status: "queued", n: N * subs }]);
  });
});
