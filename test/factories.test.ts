/**
 * The factories write what production writes: table by table, the same rows as the registry's own doors
 * (the admin API, the daily job) for the same change — so a row production starts writing shows up in the
 * factories' data, or this file fails.
 */
import { describe, expect, it } from "vitest";
import { addDays, labelExpiresOn } from "../src/domain/label-dates";
import { parisDay } from "../src/domain/paris-time";
import {
  FACTORY_ACTOR,
  makeAssignedStructure,
  makeInputs,
  makeLabel,
  makeLegacyLabel,
  makeStatusChange,
  uniqueId,
} from "./factories";
import { call, daily, eventsOf, sql } from "./helpers";

const today = parisDay(new Date());

/**
 * Rows per table (every table, the search index's included), but the figures' counters: a counter row is
 * created the first time its key is seen, whoever writes first, and test/results.test.ts holds the counters
 * to the tables after every kind of write.
 */
async function counts(): Promise<Record<string, number>> {
  const tables = await sql<{ name: string }>(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%' AND name <> 'public_figures'",
  );
  const out: Record<string, number> = {};
  for (const { name } of tables) out[name] = (await sql<{ n: number }>(`SELECT count(*) AS n FROM "${name}"`))[0]!.n;
  return out;
}

/** The rows `write` added, per table (tables it left alone omitted). */
async function added(write: () => Promise<unknown>): Promise<Record<string, number>> {
  const before = await counts();
  await write();
  const after = await counts();
  return Object.fromEntries(
    Object.entries(after)
      .map(([t, n]) => [t, n - (before[t] ?? 0)] as const)
      .filter(([, d]) => d !== 0),
  );
}

describe("the factories write the rows production writes", () => {
  it("makeLabel: the rows of an award through POST /v1/structures/{code}/decisions", async () => {
    await makeLabel(); // the year's first award also creates its counter and status lists
    const api = await makeAssignedStructure();
    const byApi = await added(async () => {
      await makeInputs(api.code, api.certifier.id);
      const r = await call("POST", `/v1/structures/${api.code}/decisions`, {
        body: { decision: "award", decidedOn: today },
      });
      expect(r.status, r.text).toBe(201);
    });
    const made = await makeAssignedStructure();
    const byFactory = await added(() => makeLabel({ structureCode: made.code }));
    expect(byFactory).toEqual(byApi);
    expect(byFactory).toMatchObject({ labels: 1, label_events: 1, decisions: 1, audits: 1, surveys: 2 });
  });

  it("a renewal, a suspension: the rows of the API's", async () => {
    const api = await makeLabel();
    const made = await makeLabel();
    const renewByApi = await added(async () => {
      await makeInputs(api.structureCode, api.certifierId);
      const r = await call("POST", `/v1/structures/${api.structureCode}/decisions`, {
        body: { decision: "award", decidedOn: today },
      });
      expect(r.status, r.text).toBe(201);
    });
    let renewal = made;
    expect(await added(async () => (renewal = await makeLabel({ structureCode: made.structureCode })))).toEqual(
      renewByApi,
    );
    expect(renewal.supersedes).toBe(made.number);

    const [apiRenewal] = await sql<{ number: string }>("SELECT number FROM labels WHERE supersedes = ?", api.number);
    const suspendByApi = await added(async () => {
      const r = await call("POST", `/v1/labels/${apiRenewal!.number}/suspend`, {
        body: { reason: "Contrôle de suivi" },
      });
      expect(r.status, r.text).toBe(200);
    });
    expect(await added(() => makeStatusChange(renewal.number, "suspend"))).toEqual(suspendByApi);
  });

  it("an expired label: an award's rows plus those of the daily job's expiry", async () => {
    const yesterday = addDays(today, -1);
    await daily(yesterday); // the job's own bookkeeping exists before anything is measured
    const lapsing = await makeLabel({ expiresOn: yesterday });
    const byJob = await added(() => daily(today));
    expect((await eventsOf(lapsing.number)).map((e) => e.type).sort()).toEqual(["awarded", "expired"]);
    const award = await added(() => makeLabel({ expiresOn: yesterday }));
    const expired = await added(() => makeLabel({ expiresOn: yesterday, status: "expired" }));
    const sum = { ...award };
    for (const [t, n] of Object.entries(byJob)) sum[t] = (sum[t] ?? 0) + n;
    expect(expired).toEqual(sum);
    expect(byJob).toMatchObject({ label_events: 1, outbox: 1 }); // the event, the expiry notice
  });

  it("makeLegacyLabel writes only what the registry wrote before later rules: no decision, inputs or intents", async () => {
    const { code } = await makeAssignedStructure();
    await makeLabel(); // the year's counter exists
    const rows = await added(() => makeLegacyLabel({ structureCode: code }));
    // The transparency log's trigger records every event, whoever writes it (migration 0025).
    expect(rows).toEqual({ labels: 1, label_events: 1, log_leaves: 1 });
    const [label] = await sql<{ number: string }>("SELECT number FROM labels WHERE structure_code = ?", code);
    expect(label!.number).toMatch(new RegExp(`^SPP-${today.slice(0, 4)}-\\d{6}$`));
    expect((await eventsOf(label!.number)).map((e) => [e.type, e.actor, e.actorRole])).toEqual([
      ["awarded", FACTORY_ACTOR, "admin"],
    ]);
  });
});

describe("defaults and guards", () => {
  it("argent, awarded today for the référentiel's 36 months, numbered by the counter", async () => {
    const l = await makeLabel();
    expect(l).toMatchObject({ tier: "argent", status: "valid", awardedOn: today });
    expect(l.expiresOn).toBe(labelExpiresOn(today, 36));
    expect(l.number).toMatch(new RegExp(`^SPP-${today.slice(0, 4)}-\\d{6}$`));
  });

  it("an award day and a last day that disagree are refused: production cannot make that label", async () => {
    await expect(makeLabel({ awardedOn: "2026-01-15", expiresOn: "2099-01-14" })).rejects.toThrow(
      /expires on 2029-01-14/,
    );
    expect((await makeLabel({ expiresOn: "2029-01-14" })).awardedOn).toBe("2026-01-15");
  });

  it("uniqueId never repeats", () => {
    const ids = Array.from({ length: 1000 }, () => uniqueId("X"));
    expect(new Set(ids).size).toBe(ids.length);
  });
});
