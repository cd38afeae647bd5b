/**
 * Fault injection: D1 failures made real with SQLite triggers created in this file's database (they
 * RAISE on one table, exactly where a constraint or an outage would strike), and an e-mail provider
 * that never answers. Whatever fails, nothing is half-written and nothing is lost.
 */
import { env } from "cloudflare:test";
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { getDb } from "../src/db/client";
import { addDays, todayUtc } from "../src/domain/label-dates";
import { retryDelayMs } from "../src/domain/retry";
import { BREVO_URL, brevoTransport } from "../src/email/brevo";
import { deliverOutbox } from "../src/jobs/deliver";
import { auditEvent, makeAssignedStructure, makeInputs, makeLabel, uniqueId } from "./factories";
import { call, daily, outboxOf, sql } from "./helpers";
import { mockNetwork } from "./network";
import { deliver } from "./webhooks-helpers";

/** A trigger that makes every matching write fail, as a broken constraint or an outage would. */
async function breakTable(name: string, on: string, when = "") {
  await env.DB.prepare(
    `CREATE TRIGGER ${name} ${on} ${when ? `WHEN ${when}` : ""} BEGIN SELECT RAISE(ABORT, 'injected fault'); END`,
  ).run();
  return () => env.DB.prepare(`DROP TRIGGER ${name}`).run();
}

const count = async (table: string, where = "1", ...params: unknown[]) =>
  (await sql<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE ${where}`, ...params))[0]!.n;

const expect500 = (r: Awaited<ReturnType<typeof call>>) => {
  expect(r.status).toBe(500);
  expect(r.headers.get("Content-Type")).toBe("application/problem+json");
  expect(r.json.code).toBe("internal");
};

describe("a D1 batch failing in its last statement leaves nothing behind", () => {
  it("admin award: the référentiel's `usedAt` (last statement) fails → no decision, label, event or number", async () => {
    const { certifier, code } = await makeAssignedStructure();
    const day = addDays(todayUtc(), -3);
    await makeInputs(code, certifier.id, { on: day });
    const counter = `label:${day.slice(0, 4)}`;
    const before = {
      decisions: await count("decisions"),
      labels: await count("labels"),
      events: await count("label_events"),
      counter: await count("counters", "name = ?", counter),
      number: (await sql<{ value: number }>("SELECT value FROM counters WHERE name = ?", counter))[0]?.value ?? 0,
    };
    const repair = await breakTable("fail_referential_used", "BEFORE UPDATE ON referentials");
    try {
      expect500(
        await call("POST", `/v1/structures/${code}/decisions`, { body: { decision: "award", decidedOn: day } }),
      );
    } finally {
      await repair();
    }
    expect(await count("decisions")).toBe(before.decisions);
    expect(await count("labels")).toBe(before.labels);
    expect(await count("label_events")).toBe(before.events);
    expect(await count("counters", "name = ?", counter)).toBe(before.counter);

    // Cause removed: the same award lands whole, with the next number (none was consumed).
    const r = await call("POST", `/v1/structures/${code}/decisions`, { body: { decision: "award", decidedOn: day } });
    expect(r.status).toBe(201);
    expect(r.json.label.number).toBe(`SPP-${day.slice(0, 4)}-${String(before.number + 1).padStart(6, "0")}`);
    expect(await count("label_events", "label_number = ?", r.json.label.number)).toBe(1);
  });

  it("webhook label.decision: marking the inbox row applied (last statement) fails → nothing applied, replayable", async () => {
    const { certifier, secret, code } = await makeAssignedStructure();
    const day = addDays(todayUtc(), -3);
    await makeInputs(code, certifier.id, { on: day });
    const repair = await breakTable(
      "fail_mark_applied",
      "BEFORE UPDATE OF status ON webhook_events",
      "NEW.status = 'applied'",
    );
    const body = {
      type: "label.decision",
      timestamp: new Date().toISOString(),
      data: { structureCode: code, decision: "award", tier: "argent", decidedOn: day },
    };
    const id = uniqueId("msg");
    try {
      expect500(await deliver(certifier.id, { secret, body, id }));
    } finally {
      await repair();
    }
    expect(await count("decisions", "structure_code = ?", code)).toBe(0);
    expect(await count("labels", "structure_code = ?", code)).toBe(0);
    const [row] = await sql<{ status: string; error: string }>(
      "SELECT status, error FROM webhook_events WHERE webhook_id = ?",
      id,
    );
    expect(row!.status).toBe("received");
    expect(row!.error).toContain("injected fault");

    // The body retries the same webhook-id: applied now, once.
    const again = await deliver(certifier.id, { secret, body, id });
    expect(again.status).toBe(200);
    expect(again.json.status).toBe("applied");
    expect(await count("decisions", "structure_code = ?", code)).toBe(1);
    expect(await count("labels", "structure_code = ?", code)).toBe(1);
    expect((await deliver(certifier.id, { secret, body, id })).json).toEqual(again.json);
    expect(await count("labels", "structure_code = ?", code)).toBe(1);
  });
});

describe("a webhook whose application fails stays in the inbox, replayable", () => {
  it("audit insert fails → 500, row kept with its error; admin replay after the fix applies it once", async () => {
    const { certifier, secret, code } = await makeAssignedStructure();
    const repair = await breakTable("fail_audits", "BEFORE INSERT ON audits");
    const id = uniqueId("msg");
    const body = auditEvent(code);
    try {
      expect500(await deliver(certifier.id, { secret, body, id }));
      // Still failing: a redelivery retries, fails the same way, and loses nothing.
      expect500(await deliver(certifier.id, { secret, body, id }));
    } finally {
      await repair();
    }
    const [row] = await sql<{ id: string; status: string; error: string; deliveries: number }>(
      "SELECT id, status, error, deliveries FROM webhook_events WHERE webhook_id = ?",
      id,
    );
    expect(row).toMatchObject({ status: "received", deliveries: 2 });
    expect(row!.error).toContain("injected fault");
    expect(await count("audits", "structure_code = ?", code)).toBe(0);

    const replay = await call("POST", `/v1/webhook-events/${row!.id}/replay`);
    expect(replay.status).toBe(200);
    expect(replay.json).toMatchObject({ status: "applied", error: null, responseStatus: 200 });
    expect(await count("audits", "structure_code = ?", code)).toBe(1);
    // Applied: no second replay, and the body's retry gets the stored answer without a second audit.
    expect((await call("POST", `/v1/webhook-events/${row!.id}/replay`)).status).toBe(409);
    const retry = await deliver(certifier.id, { secret, body, id });
    expect(retry.status).toBe(200);
    expect(retry.text).toBe(replay.json.responseBody);
    expect(await count("audits", "structure_code = ?", code)).toBe(1);
  });
});

describe("an e-mail provider timing out loses nothing", () => {
  const server = mockNetwork();

  it("Brevo never answers → abandoned at the timeout, still pending; delivered on the next run, once", async () => {
    const l = await makeLabel({ expiresOn: "2030-03-31" });
    await daily("2030-03-24");
    const [queued] = (await outboxOf(l.number)).filter((r) => r.kind === "reminder-7");
    expect(queued!.status).toBe("pending");

    let calls = 0;
    server.use(
      http.post(BREVO_URL, () => {
        calls++;
        return new Promise<Response>(() => {}); // hangs forever
      }),
    );
    const t0 = Date.parse("2030-03-24T03:10:00Z");
    const db = getDb(env.DB);
    const started = Date.now();
    const first = await deliverOutbox(db, brevoTransport("xkeysib-test", 200), env.EMAIL_FROM, t0);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(first.retrying).toBeGreaterThanOrEqual(1);
    let [row] = (await outboxOf(l.number)).filter((r) => r.kind === "reminder-7");
    expect(row).toMatchObject({ status: "pending", attempts: 1 });
    expect(row!.lastError).toMatch(/timeout|abort/i);
    expect(calls).toBeGreaterThanOrEqual(1);

    server.resetHandlers();
    const sent: string[] = [];
    server.use(
      http.post(BREVO_URL, async ({ request }) => {
        sent.push(((await request.json()) as { subject: string }).subject);
        return HttpResponse.json({ messageId: "<ok@brevo>" }, { status: 201 });
      }),
    );
    await deliverOutbox(db, brevoTransport("xkeysib-test", 200), env.EMAIL_FROM, t0 + retryDelayMs(1));
    [row] = (await outboxOf(l.number)).filter((r) => r.kind === "reminder-7");
    expect(row).toMatchObject({ status: "sent", attempts: 2, providerId: "<ok@brevo>" });
    await deliverOutbox(db, brevoTransport("xkeysib-test", 200), env.EMAIL_FROM, t0 + 3_600_000);
    expect(sent.filter((s) => s === row!.subject)).toHaveLength(1);
  });
});
