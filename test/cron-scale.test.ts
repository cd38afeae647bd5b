/**
 * The daily job at the scale of the whole registry: 100,000 labels in one invocation.
 * Checks the query plans use the indexes, and that no statement binds more than 100 parameters
 * (the D1 limit; miniflare's SQLite would accept more, so a counting wrapper checks it here).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getDb } from "../src/db/client";
import { addDays, reminderWindows } from "../src/domain/reminders";
import { candidatesPage, expiryWhere, reminderWhere } from "../src/jobs/daily";
import { makeLabel, makeLabelsInBulk } from "./factories";
import { daily } from "./helpers";

const N = 100_000;
const TODAY = "2030-01-15";

/** env.DB, recording the largest number of parameters bound to one statement. */
function countingDb(real: D1Database) {
  const stats = { maxParams: 0, statements: 0 };
  const db = new Proxy(real, {
    get(target, prop) {
      if (prop === "prepare") {
        return (query: string) => {
          const stmt = target.prepare(query);
          return new Proxy(stmt, {
            get(s, p) {
              if (p === "bind") {
                return (...args: unknown[]) => {
                  stats.maxParams = Math.max(stats.maxParams, args.length);
                  stats.statements++;
                  return s.bind(...args);
                };
              }
              const v = Reflect.get(s, p);
              return typeof v === "function" ? v.bind(s) : v;
            },
          });
        };
      }
      const v = Reflect.get(target, prop);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  return { db, stats };
}

async function plan(q: { toSQL(): { sql: string; params: unknown[] } }) {
  const { sql, params } = q.toSQL();
  const r = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind(...params)
    .all<{ detail: string }>();
  return r.results.map((x) => x.detail).join("\n");
}

describe("daily job at 100,000 labels", () => {
  it("uses indexes for every selection", async () => {
    const db = getDb(env.DB);
    const expiry = await plan(candidatesPage(db, expiryWhere(TODAY)));
    expect(expiry).toMatch(/SEARCH labels USING INDEX labels_status_expires \(status=\? AND expires_on<\?\)/);
    for (const w of reminderWindows(TODAY, [180, 90, 30, 7])) {
      const p = await plan(candidatesPage(db, reminderWhere(db, w), [w.fromExpiresOn, "x"]));
      expect(p).toMatch(
        /SEARCH labels USING INDEX labels_status_expires \(status=\? AND expires_on>\? AND expires_on<\?\)|SEARCH labels USING INDEX labels_status_expires/,
      );
      expect(p).toMatch(/SEARCH outbox USING COVERING INDEX outbox_label_kind/);
      expect(p).not.toMatch(/SCAN labels/);
    }
  });

  it("expires and reminds 100,000 labels in one invocation, ≤ 100 parameters per statement", async () => {
    const seed = await makeLabel({ expiresOn: "2031-12-31" });
    // 100,000 labels on the same structure, last valid days spread over 3 years from 10 days ago.
    await makeLabelsInBulk({
      structureCode: seed.structureCode,
      certifierId: seed.certifierId,
      count: N,
      awardedOn: "2027-01-01",
      expiresFrom: addDays(TODAY, -10),
      spreadDays: 1095,
    });
    const { db, stats } = countingDb(env.DB);
    const t0 = performance.now();
    await daily(TODAY, { DB: db });
    const first = performance.now() - t0;
    const counts = await env.DB.prepare(
      "SELECT status, count(*) AS n FROM outbox GROUP BY status ORDER BY status",
    ).all<{ status: string; n: number }>();
    const expired = await env.DB.prepare("SELECT count(*) AS n FROM labels WHERE status = 'expired'").first<{
      n: number;
    }>();
    const t1 = performance.now();
    await daily(addDays(TODAY, 1), { DB: db });
    const next = performance.now() - t1;
    console.log(
      JSON.stringify({
        bench: "daily job, 100k labels",
        firstRunMs: Math.round(first),
        nextDayMs: Math.round(next),
        ...stats,
        outbox: counts.results,
        expired: expired!.n,
      }),
    );
    // 10 days × ~91.3 labels a day are past their end.
    expect(expired!.n).toBeGreaterThanOrEqual(900);
    const pending = counts.results.find((r) => r.status === "pending")!.n;
    // One e-mail per label within 180 days (~16,500 reminders) plus the expiry notices.
    expect(pending).toBeGreaterThan(16_000);
    expect(stats.maxParams).toBeLessThanOrEqual(100);
  }, 600_000);
});
