import { describe, expect, it } from "vitest";
import { auditEvent, FACTORY_ACTOR, makeAssignedStructure, makeLabel, makeStructure, uniqueId } from "./factories";
import { call, sql } from "./helpers";
import { deliver } from "./webhooks-helpers";

const now = () => new Date().toISOString();

describe("survey events", () => {
  it("stores an enquête usagers with its counts next to its rates", async () => {
    const { certifier, secret, code } = await makeAssignedStructure();
    const data = {
      structureCode: code,
      surveyRef: uniqueId("ENQ-U"),
      periodStart: "2026-01-01",
      periodEnd: "2026-02-28",
      invited: 1200,
      respondents: 431,
      satisfactionRate: 87.2,
      netSatisfaction: 41,
    };
    const r = await deliver(certifier.id, { secret, body: { type: "survey.users.completed", timestamp: now(), data } });
    expect(r.status).toBe(200);
    const [row] = await sql<any>("SELECT * FROM surveys WHERE id = ?", r.json.result.surveyId);
    expect(row).toMatchObject({
      kind: "usagers",
      invited: 1200,
      respondents: 431,
      satisfaction_rate: 87.2,
      net_satisfaction: 41,
      population: null,
      score: null,
    });
  });

  it("stores an enquête agents and refuses more respondents than the population", async () => {
    const { certifier, secret, code } = await makeAssignedStructure();
    const data = {
      structureCode: code,
      surveyRef: uniqueId("ENQ-A"),
      periodStart: "2026-01-15",
      periodEnd: "2026-02-15",
      population: 58,
      respondents: 44,
      score: 74,
    };
    const ok = await deliver(certifier.id, {
      secret,
      body: { type: "survey.agents.completed", timestamp: now(), data },
    });
    expect(ok.status).toBe(200);
    const [row] = await sql<any>(
      "SELECT kind, population, respondents, score FROM surveys WHERE id = ?",
      ok.json.result.surveyId,
    );
    expect(row).toEqual({ kind: "agents", population: 58, respondents: 44, score: 74 });
    const bad = await deliver(certifier.id, {
      secret,
      body: {
        type: "survey.agents.completed",
        timestamp: now(),
        data: { ...data, surveyRef: uniqueId("ENQ-A"), respondents: 59 },
      },
    });
    expect(bad.status).toBe(422);
    expect(bad.json.errors).toEqual([{ path: "data.respondents", message: "Cannot exceed population" }]);
  });

  it("409 for the same surveyRef with different figures", async () => {
    const { certifier, secret, code } = await makeAssignedStructure();
    const data = {
      structureCode: code,
      surveyRef: uniqueId("ENQ-A"),
      periodStart: "2026-01-15",
      periodEnd: "2026-02-15",
      population: 58,
      respondents: 44,
      score: 74,
    };
    const body = { type: "survey.agents.completed", timestamp: now(), data };
    expect((await deliver(certifier.id, { secret, body })).status).toBe(200);
    const r = await deliver(certifier.id, { secret, body: { ...body, data: { ...data, score: 80 } } });
    expect(r.status).toBe(409);
    expect(r.json.errors[0].path).toBe("data.surveyRef");
  });
});

describe("label.* events take effect on the label", () => {
  const labelOn = async (code: string, certifierId: string) =>
    (await makeLabel({ structureCode: code, certifierId, awardedOn: "2026-04-02" })).number;

  it("records a refusal; an award without a complete evaluation is rejected (422) and replayable", async () => {
    const { certifier, secret, code } = await makeAssignedStructure();
    const refuse = { structureCode: code, decision: "refuse", decidedOn: "2026-04-02" };
    const r = await deliver(certifier.id, { secret, body: { type: "label.decision", timestamp: now(), data: refuse } });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ status: "applied", result: { decision: "refuse", decisionId: expect.any(String) } });
    const decisions = await sql<any>(
      "SELECT decision, source, label_number FROM decisions WHERE structure_code = ?",
      code,
    );
    expect(decisions).toEqual([{ decision: "refuse", source: "webhook", label_number: null }]);

    const award = { structureCode: code, decision: "award", tier: "argent", decidedOn: "2026-04-02" };
    const bad = await deliver(certifier.id, {
      secret,
      body: { type: "label.decision", timestamp: now(), data: award },
    });
    expect(bad.status).toBe(422);
    const rejected = await sql<any>(
      "SELECT status FROM webhook_events WHERE type = 'label.decision' AND certifier_id = ? ORDER BY received_at",
      certifier.id,
    );
    expect(rejected.map((x: { status: string }) => x.status)).toEqual(["applied", "rejected"]);
    expect(await sql("SELECT number FROM labels WHERE structure_code = ?", code)).toEqual([]);
  });

  it("suspends, reinstates and withdraws through the assigned body; refuses others and invalid transitions", async () => {
    const mine = await makeAssignedStructure();
    const theirs = await makeAssignedStructure();
    const own = await labelOn(mine.code, mine.certifier.id);
    const foreign = await labelOn(theirs.code, theirs.certifier.id);
    const ev = (labelNumber: string, type = "label.suspended") => ({
      type,
      timestamp: now(),
      data: { labelNumber, reason: "Audit de suivi non réalisé", effectiveOn: "2026-06-01" },
    });
    for (const [type, action, status] of [
      ["label.suspended", "suspend", "suspended"],
      ["label.reinstated", "reinstate", "valid"],
      ["label.withdrawn", "withdraw", "withdrawn"],
    ]) {
      const r = await deliver(mine.certifier.id, { secret: mine.secret, body: ev(own, type) });
      expect(r.status, type).toBe(200);
      expect(r.json.result).toEqual({ labelNumber: own, action });
      expect((await sql<any>("SELECT status FROM labels WHERE number = ?", own))[0].status).toBe(status);
    }
    const events = await sql<any>(
      "SELECT type, actor FROM label_events WHERE label_number = ? ORDER BY created_at, rowid",
      own,
    );
    expect(events).toEqual([
      { type: "awarded", actor: FACTORY_ACTOR },
      ...["suspended", "reinstated", "withdrawn"].map((type) => ({ type, actor: `certifier:${mine.certifier.id}` })),
    ]);
    const again = await deliver(mine.certifier.id, { secret: mine.secret, body: ev(own, "label.reinstated") });
    expect(again.status).toBe(409);
    expect((await deliver(mine.certifier.id, { secret: mine.secret, body: ev(foreign) })).status).toBe(403);
    const unknown = await deliver(mine.certifier.id, { secret: mine.secret, body: ev("SPP-2026-999999") });
    expect(unknown.status).toBe(422);
    expect(unknown.json.errors[0].path).toBe("data.labelNumber");
  });
});

describe("replay of a rejected delivery", () => {
  it("applies an audit for a structure registered later; copies then get the new answer", async () => {
    const { certifier, secret } = await makeAssignedStructure();
    const code = `LATER-${Date.now().toString(36)}`.toUpperCase();
    const event = auditEvent(code);
    const id = uniqueId("msg");
    const first = await deliver(certifier.id, { secret, body: event, id });
    expect(first.status).toBe(422);
    expect(first.json.errors[0].path).toBe("data.structureCode");
    const eventId = (await sql<any>("SELECT id FROM webhook_events WHERE webhook_id = ?", id))[0].id;

    await makeStructure({ code });
    await call("PUT", `/v1/structures/${code}/certifier`, { body: { certifierId: certifier.id, contractRef: "M-1" } });
    const replay = await call("POST", `/v1/webhook-events/${eventId}/replay`);
    expect(replay.status).toBe(200);
    expect(replay.json).toMatchObject({ id: eventId, status: "applied", responseStatus: 200, error: null });
    // A replay is someone's act: the inbox names who asked for it (here, the admin token).
    expect(replay.json.replayedBy).toBe("admin:token");
    expect(Date.parse(replay.json.replayedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(await sql("SELECT id FROM audits WHERE audit_ref = ?", event.data.auditRef)).toHaveLength(1);

    const copy = await deliver(certifier.id, { secret, body: event, id });
    expect(copy.status).toBe(200);
    expect(copy.text).toBe(replay.json.responseBody);
    const again = await call("POST", `/v1/webhook-events/${eventId}/replay`);
    expect(again.status).toBe(409);
    expect(await sql("SELECT id FROM audits WHERE audit_ref = ?", event.data.auditRef)).toHaveLength(1);
  });

  it("lets a redelivery take over a delivery whose first attempt failed unexpectedly", async () => {
    const { certifier, secret, code } = await makeAssignedStructure();
    const event = auditEvent(code);
    const id = uniqueId("msg");
    // As left by a first attempt that crashed after storing (markFailed): received, no answer, an error.
    await sql(
      "INSERT INTO webhook_events (id, certifier_id, webhook_id, type, status, payload, error) VALUES (?, ?, ?, ?, 'received', ?, 'internal: D1 unavailable')",
      "whe_crashedattempt01",
      certifier.id,
      id,
      "audit.completed",
      JSON.stringify(event),
    );
    const r = await deliver(certifier.id, { secret, body: event, id });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ eventId: "whe_crashedattempt01", status: "applied" });
    const [row] = await sql<any>("SELECT status, error, deliveries FROM webhook_events WHERE webhook_id = ?", id);
    expect(row).toEqual({ status: "applied", error: null, deliveries: 2 });
  });

  it("keeps an invalid payload rejected on replay", async () => {
    const { certifier, secret, code } = await makeAssignedStructure();
    const id = uniqueId("msg");
    await deliver(certifier.id, { secret, body: auditEvent(code, { kind: "annuel" }), id });
    const eventId = (await sql<any>("SELECT id FROM webhook_events WHERE webhook_id = ?", id))[0].id;
    const r = await call("POST", `/v1/webhook-events/${eventId}/replay`);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ status: "rejected", responseStatus: 422 });
    expect(r.json.error).toContain("data.kind");
  });

  it("404 for an unknown event", async () => {
    expect((await call("POST", "/v1/webhook-events/whe_nope/replay")).status).toBe(404);
  });
});

describe("GET /v1/webhook-events", () => {
  it("filters by status, type and certifier, newest first, keyset-paginated", async () => {
    const { certifier, secret, code } = await makeAssignedStructure();
    const ok = [];
    for (let i = 0; i < 3; i++) ok.push((await deliver(certifier.id, { secret, body: auditEvent(code) })).json.eventId);
    await deliver(certifier.id, { secret, body: auditEvent(code, { auditedOn: "nope" }) });

    const applied = await call("GET", `/v1/webhook-events?certifierId=${certifier.id}&status=applied&limit=2`);
    expect(applied.status).toBe(200);
    expect(applied.json.items).toHaveLength(2);
    expect(applied.json.items[0]).not.toHaveProperty("payload");
    const next = await call(
      "GET",
      `/v1/webhook-events?certifierId=${certifier.id}&status=applied&limit=2&cursor=${applied.json.nextCursor}`,
    );
    expect(next.json.items).toHaveLength(1);
    expect(next.json.nextCursor).toBeNull();
    // Two pages, no overlap, all three, newest first (ties on the instant broken by id).
    const all = [...applied.json.items, ...next.json.items];
    expect(all.map((i: any) => i.id).sort()).toEqual([...ok].sort());
    const keys = all.map((i: any) => `${i.receivedAt} ${i.id}`);
    expect(keys).toEqual([...keys].sort().reverse());

    const rejected = await call("GET", `/v1/webhook-events?certifierId=${certifier.id}&status=rejected`);
    expect(rejected.json.items).toHaveLength(1);
    expect(rejected.json.items[0]).toMatchObject({ type: "audit.completed", responseStatus: 422, deliveries: 1 });
    const byType = await call("GET", `/v1/webhook-events?certifierId=${certifier.id}&type=survey.users.completed`);
    expect(byType.json.items).toEqual([]);

    const one = await call("GET", `/v1/webhook-events/${ok[0]}`);
    expect(one.status).toBe(200);
    expect(JSON.parse(one.json.payload).type).toBe("audit.completed");
    expect(JSON.parse(one.json.responseBody)).toMatchObject({ eventId: ok[0], status: "applied" });
  });

  it("is for admins only; a bad cursor or status is refused", async () => {
    const { certifier } = await makeAssignedStructure();
    expect((await call("GET", "/v1/webhook-events", { token: certifier.apiKey })).status).toBe(403);
    expect((await call("GET", "/v1/webhook-events", { token: null })).status).toBe(401);
    expect((await call("GET", "/v1/webhook-events?cursor=zzz")).status).toBe(400);
    expect((await call("GET", "/v1/webhook-events?status=lost")).status).toBe(422);
    expect((await call("POST", "/v1/webhook-events/whe_x/replay", { token: certifier.apiKey })).status).toBe(403);
  });
});

describe("limits", () => {
  it("refuses a body over 1 MiB with 413 before anything else", async () => {
    const { certifier, secret, code } = await makeAssignedStructure();
    const big = auditEvent(code, { reportUrl: `https://oc.example/${"a".repeat(1024 * 1024)}` });
    const r = await deliver(certifier.id, { secret, body: big });
    expect(r.status).toBe(413);
    expect(await sql("SELECT id FROM webhook_events WHERE certifier_id = ?", certifier.id)).toEqual([]);
  });
});
