import { describe, expect, it } from "vitest";
import { parisDay } from "../src/domain/badge";
import { addDays } from "../src/domain/label-dates";
import { auditEvent, makeAssignedStructure, makeLabel, uniqueId } from "./factories";
import { call, sql } from "./helpers";
import { deliver } from "./webhooks-helpers";

const today = parisDay(new Date());
const daysAgo = (n: number) => addDays(today, -n);
const tomorrow = addDays(today, 1);
const now = () => new Date().toISOString();

const decision = (structureCode: string, decidedOn: string) => ({
  type: "label.decision",
  timestamp: now(),
  data: { structureCode, decision: "refuse", decidedOn },
});
const statusChange = (type: string, labelNumber: string, effectiveOn: string) => ({
  type,
  timestamp: now(),
  data: { labelNumber, reason: "Audit de suivi non réalisé", effectiveOn },
});
const survey = (structureCode: string, periodStart: string, periodEnd: string) => ({
  type: "survey.agents.completed",
  timestamp: now(),
  data: {
    structureCode,
    surveyRef: uniqueId("ENQ-A"),
    periodStart,
    periodEnd,
    population: 58,
    respondents: 44,
    score: 74,
  },
});

/** A delivery to the Worker run with other configuration values. */
const deliverWith = (over: Record<string, string>, certifierId: string, secret: string, body: unknown) =>
  deliver(certifierId, { secret, body, env: over });

describe("decisions and status changes: habilitated on the day they are received", () => {
  it("a body whose habilitation ended yesterday can neither award nor change a status, even dated yesterday", async () => {
    const { certifier, secret, code } = await makeAssignedStructure({
      certifier: { habilitation: { from: "2024-01-01", until: daysAgo(1) } },
    });
    const { number: label, decisionId } = await makeLabel({ structureCode: code, awardedOn: "2025-01-15" });

    const late = await deliver(certifier.id, { secret, body: decision(code, daysAgo(1)) });
    expect(late.status).toBe(403);
    expect(late.json.detail).toContain(`not habilitated on ${today}, the day it was received`);
    for (const type of ["label.suspended", "label.withdrawn"]) {
      const r = await deliver(certifier.id, { secret, body: statusChange(type, label, daysAgo(1)) });
      expect(r.status, type).toBe(403);
      expect(r.json.detail).toContain("the day it was received");
    }
    // No decision but the label's own award.
    expect(await sql("SELECT id FROM decisions WHERE structure_code = ?", code)).toEqual([{ id: decisionId }]);
    expect(await sql<any>("SELECT status FROM labels WHERE number = ?", label)).toEqual([{ status: "valid" }]);
    const stored = await sql<any>(
      "SELECT status, response_status FROM webhook_events WHERE certifier_id = ?",
      certifier.id,
    );
    expect(stored).toEqual(Array(3).fill({ status: "rejected", response_status: 403 }));
  });

  it("habilitated today (its last day): applied", async () => {
    const { certifier, secret, code } = await makeAssignedStructure({
      certifier: { habilitation: { from: "2024-01-01", until: today } },
    });
    expect((await deliver(certifier.id, { secret, body: decision(code, today) })).status).toBe(200);
  });

  it("the grace for results does not apply to decisions", async () => {
    const { certifier, secret, code } = await makeAssignedStructure({
      certifier: { habilitation: { from: "2024-01-01", until: daysAgo(2) } },
    });
    const r = await deliverWith({ HABILITATION_GRACE_DAYS: "366" }, certifier.id, secret, decision(code, daysAgo(2)));
    expect(r.status).toBe(403);
  });
});

describe("audits and surveys: performed while habilitated, received within the grace", () => {
  it("arriving within HABILITATION_GRACE_DAYS (default 30) after the end: applied; the day after: 403", async () => {
    const within = await makeAssignedStructure({
      certifier: { habilitation: { from: "2024-01-01", until: daysAgo(30) } },
    });
    const ok = await deliver(within.certifier.id, {
      secret: within.secret,
      body: auditEvent(within.code, { auditedOn: daysAgo(31) }),
    });
    expect(ok.status).toBe(200);
    const surveyed = await deliver(within.certifier.id, {
      secret: within.secret,
      body: survey(within.code, daysAgo(60), daysAgo(30)),
    });
    expect(surveyed.status).toBe(200);

    const past = await makeAssignedStructure({
      certifier: { habilitation: { from: "2024-01-01", until: daysAgo(31) } },
    });
    const late = await deliver(past.certifier.id, {
      secret: past.secret,
      body: auditEvent(past.code, { auditedOn: daysAgo(31) }),
    });
    expect(late.status).toBe(403);
    expect(late.json.detail).toContain(`accepted until ${daysAgo(1)} (30 days after the habilitation ended)`);
  });

  it("performed after the habilitation ended: 403, even within the grace", async () => {
    const { certifier, secret, code } = await makeAssignedStructure({
      certifier: { habilitation: { from: "2024-01-01", until: daysAgo(5) } },
    });
    const r = await deliver(certifier.id, { secret, body: auditEvent(code, { auditedOn: daysAgo(4) }) });
    expect(r.status).toBe(403);
    expect(r.json.detail).toContain(`not habilitated on ${daysAgo(4)}`);
  });

  it("the grace is configuration: HABILITATION_GRACE_DAYS=0 refuses results the day after the end", async () => {
    const { certifier, secret, code } = await makeAssignedStructure({
      certifier: { habilitation: { from: "2024-01-01", until: daysAgo(1) } },
    });
    const body = () => auditEvent(code, { auditedOn: daysAgo(1) });
    const refused = await deliverWith({ HABILITATION_GRACE_DAYS: "0" }, certifier.id, secret, body());
    expect(refused.status).toBe(403);
    expect(refused.json.detail).toContain("(0 days after the habilitation ended)");
    expect((await deliverWith({ HABILITATION_GRACE_DAYS: "1" }, certifier.id, secret, body())).status).toBe(200);
  });
});

describe("no event dated after the day it is sent (Europe/Paris)", () => {
  it("422 naming each future field, for every dated event type; nothing applied", async () => {
    const { certifier, secret, code } = await makeAssignedStructure();
    const { number: label, decisionId } = await makeLabel({ structureCode: code, awardedOn: "2025-01-15" });
    const cases: [unknown, string[]][] = [
      [auditEvent(code, { auditedOn: tomorrow }), ["data.auditedOn"]],
      [survey(code, today, tomorrow), ["data.periodEnd"]],
      [survey(code, tomorrow, addDays(tomorrow, 30)), ["data.periodStart", "data.periodEnd"]],
      [decision(code, tomorrow), ["data.decidedOn"]],
      [statusChange("label.suspended", label, tomorrow), ["data.effectiveOn"]],
    ];
    for (const [body, paths] of cases) {
      const r = await deliver(certifier.id, { secret, body });
      expect(r.status, paths.join()).toBe(422);
      expect(r.json.errors.map((e: { path: string }) => e.path)).toEqual(paths);
      expect(r.json.errors[0].message).toContain(`(${today}, Europe/Paris)`);
    }
    // Today is not the future.
    expect((await deliver(certifier.id, { secret, body: auditEvent(code, { auditedOn: today }) })).status).toBe(200);
    // No decision but the label's own award.
    expect(await sql("SELECT id FROM decisions WHERE structure_code = ?", code)).toEqual([{ id: decisionId }]);
    expect(await sql<any>("SELECT status FROM labels WHERE number = ?", label)).toEqual([{ status: "valid" }]);
    expect(await sql("SELECT id FROM audits WHERE structure_code = ? AND audited_on > ?", code, today)).toEqual([]);
  });
});

describe("replay judges on the day the delivery was received", () => {
  /** A rejected delivery as stored `days` ago (its reception day is what counts). */
  async function rejectedDaysAgo(certifierId: string, days: number, body: { type: string }) {
    const id = `whe_replay${Math.random().toString(36).slice(2, 12)}`;
    const payload = JSON.stringify(body);
    await sql(
      "INSERT INTO webhook_events (id, certifier_id, webhook_id, type, status, payload, response_status, response_body, error, received_at) VALUES (?, ?, ?, ?, 'rejected', ?, 422, '{}', 'Structure not registered', ?)",
      id,
      certifierId,
      uniqueId("msg"),
      body.type,
      payload,
      new Date(Date.now() - days * 86_400_000).toISOString(),
    );
    return id;
  }

  it("an audit received within the grace is applied on replay after the grace ran out", async () => {
    const { certifier, code } = await makeAssignedStructure({
      certifier: { habilitation: { from: "2024-01-01", until: daysAgo(32) } },
    });
    // Received 5 days ago (27 days after the end: within the grace); replayed today (32 days after).
    const id = await rejectedDaysAgo(certifier.id, 5, auditEvent(code, { auditedOn: daysAgo(35) }));
    const r = await call("POST", `/v1/webhook-events/${id}/replay`);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ status: "applied", responseStatus: 200 });
  });

  it("an event dated after the day it was received stays refused, though that day has since passed", async () => {
    const { certifier, code } = await makeAssignedStructure();
    const id = await rejectedDaysAgo(certifier.id, 3, auditEvent(code, { auditedOn: daysAgo(1) }));
    const r = await call("POST", `/v1/webhook-events/${id}/replay`);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ status: "rejected", responseStatus: 422 });
    expect(r.json.error).toContain("data.auditedOn");
  });

  it("a status change received while habilitated applies on replay after the habilitation ended", async () => {
    const { certifier, code } = await makeAssignedStructure({
      certifier: { habilitation: { from: "2024-01-01", until: daysAgo(2) } },
    });
    const label = (await makeLabel({ structureCode: code, certifierId: certifier.id, awardedOn: "2025-01-15" })).number;
    const id = await rejectedDaysAgo(certifier.id, 3, statusChange("label.suspended", label, daysAgo(3)));
    const r = await call("POST", `/v1/webhook-events/${id}/replay`);
    expect(r.json).toMatchObject({ status: "applied", responseStatus: 200 });
    expect(await sql<any>("SELECT status FROM labels WHERE number = ?", label)).toEqual([{ status: "suspended" }]);
  });
});
