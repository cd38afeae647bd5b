import { describe, expect, it } from "vitest";
import { parisDay } from "../src/domain/badge";
import { addDays } from "../src/domain/label-dates";
import { auditEvent, makeAssignedStructure, uniqueId } from "./factories";
import { call, sql } from "./helpers";
import { deliver, deliveryHeaders } from "./webhooks-helpers";

describe("POST /v1/webhooks/certifiers/{id}: authentication", () => {
  it("applies a valid signed audit and stores it with its delivery", async () => {
    const { certifier, secret, code } = await makeAssignedStructure();
    const event = auditEvent(code);
    const r = await deliver(certifier.id, { secret, body: event });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ status: "applied", eventId: expect.stringMatching(/^whe_/) });
    const [audit] = await sql<any>("SELECT * FROM audits WHERE id = ?", r.json.result.auditId);
    expect(audit).toMatchObject({
      structure_code: code,
      certifier_id: certifier.id,
      audit_ref: event.data.auditRef,
      kind: "initial",
      audited_on: "2026-03-12",
      blocking_non_conformities: 1,
      webhook_event_id: r.json.eventId,
    });
    expect(JSON.parse(audit.engagements)).toHaveLength(8);
    const [row] = await sql<any>("SELECT * FROM webhook_events WHERE id = ?", r.json.eventId);
    expect(row).toMatchObject({ status: "applied", type: "audit.completed", deliveries: 1, response_status: 200 });
    expect(JSON.parse(row.payload)).toEqual(event);
  });

  it("accepts several signatures in the header when one matches", async () => {
    const { certifier, secret, code } = await makeAssignedStructure();
    const raw = JSON.stringify(auditEvent(code));
    const h = deliveryHeaders({ secret, body: raw }, raw);
    h["webhook-signature"] = `v1,${btoa("x".repeat(32))} ${h["webhook-signature"]} v2,ignored`;
    const r = await call("POST", `/v1/webhooks/certifiers/${certifier.id}`, { token: null, raw, headers: h });
    expect(r.status).toBe(200);
  });

  it("answers the same 401 for a tampered body, a wrong secret and an unknown certifier, storing nothing", async () => {
    const { certifier, secret, code } = await makeAssignedStructure();
    const other = await makeAssignedStructure();
    const raw = JSON.stringify(auditEvent(code));
    const h = deliveryHeaders({ secret, body: raw }, raw);
    const tampered = await call("POST", `/v1/webhooks/certifiers/${certifier.id}`, {
      token: null,
      raw: raw.replace("2026-03-12", "2026-03-13"),
      headers: h,
    });
    const wrongSecret = await deliver(certifier.id, { secret: other.secret, body: auditEvent(code) });
    const unknown = await deliver("oc_doesnotexist00000", { secret, body: auditEvent(code) });
    for (const r of [tampered, wrongSecret, unknown]) {
      expect(r.status).toBe(401);
      expect(r.headers.get("Content-Type")).toBe("application/problem+json");
    }
    expect(wrongSecret.json.detail).toBe(tampered.json.detail);
    expect(unknown.json.detail).toBe(tampered.json.detail);
    expect(await sql("SELECT id FROM webhook_events WHERE certifier_id = ?", certifier.id)).toEqual([]);
  });

  it("refuses timestamps 6 minutes old or 6 minutes ahead, accepts 4 minutes", async () => {
    const { certifier, secret, code } = await makeAssignedStructure();
    expect((await deliver(certifier.id, { secret, body: auditEvent(code), skew: -360 })).status).toBe(401);
    expect((await deliver(certifier.id, { secret, body: auditEvent(code), skew: 360 })).status).toBe(401);
    expect((await deliver(certifier.id, { secret, body: auditEvent(code), skew: -240 })).status).toBe(200);
    expect((await deliver(certifier.id, { secret, body: auditEvent(code), skew: 240 })).status).toBe(200);
  });

  it("refuses a delivery missing any of the three headers", async () => {
    const { certifier, secret, code } = await makeAssignedStructure();
    for (const h of ["webhook-id", "webhook-timestamp", "webhook-signature"] as const) {
      const r = await deliver(certifier.id, { secret, body: auditEvent(code), omit: [h] });
      expect(r.status, h).toBe(401);
    }
    const r = await deliver(certifier.id, { secret, body: auditEvent(code), signature: "" });
    expect(r.status).toBe(401);
  });

  it("after rotation, verifies with the new secret and the old one during the grace period only", async () => {
    const { certifier, secret: old, code } = await makeAssignedStructure();
    const rot = await call("POST", `/v1/certifiers/${certifier.id}/webhook-secrets`);
    expect(rot.status).toBe(201);
    const fresh = rot.json.webhookSecret as string;
    // Default grace: 24 h from the rotation.
    const until = Date.parse(rot.json.previousValidUntil) - Date.now();
    expect(until).toBeGreaterThan(23.9 * 3_600_000);
    expect(until).toBeLessThanOrEqual(24 * 3_600_000);
    expect((await deliver(certifier.id, { secret: fresh, body: auditEvent(code) })).status).toBe(200);
    expect((await deliver(certifier.id, { secret: old, body: auditEvent(code) })).status).toBe(200);
    // The grace period ends: what rotation set as the old secret's end is now in the past.
    await sql(
      "UPDATE webhook_secrets SET expires_at = ? WHERE secret = ?",
      new Date(Date.now() - 1000).toISOString(),
      old,
    );
    expect((await deliver(certifier.id, { secret: old, body: auditEvent(code) })).status).toBe(401);
    expect((await deliver(certifier.id, { secret: fresh, body: auditEvent(code) })).status).toBe(200);
  });
});

describe("POST /v1/certifiers/{id}/webhook-secrets with revokePrevious", () => {
  it("ends every previous secret at once (those in their grace period too); the new one works", async () => {
    const { certifier, secret: first, code } = await makeAssignedStructure();
    const rotate = (body?: unknown) => call("POST", `/v1/certifiers/${certifier.id}/webhook-secrets`, { body });
    const second = (await rotate()).json.webhookSecret as string;
    const third = (await rotate({ revokePrevious: false })).json.webhookSecret as string;
    // Three secrets verify: the current one and two in their grace period.
    for (const s of [first, second, third]) {
      expect((await deliver(certifier.id, { secret: s, body: auditEvent(code) })).status).toBe(200);
    }
    const before = Date.now();
    const revoked = await rotate({ revokePrevious: true });
    expect(revoked.status).toBe(201);
    expect(revoked.headers.get("Cache-Control")).toBe("no-store");
    expect(Date.parse(revoked.json.previousValidUntil)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(revoked.json.previousValidUntil)).toBeLessThanOrEqual(Date.now());
    for (const s of [first, second, third]) {
      expect((await deliver(certifier.id, { secret: s, body: auditEvent(code) })).status).toBe(401);
    }
    const fresh = revoked.json.webhookSecret as string;
    expect((await deliver(certifier.id, { secret: fresh, body: auditEvent(code) })).status).toBe(200);
  });

  it("refuses anything but a boolean, and unknown fields (422 naming them)", async () => {
    const { certifier } = await makeAssignedStructure();
    const path = `/v1/certifiers/${certifier.id}/webhook-secrets`;
    const wrong = await call("POST", path, { body: { revokePrevious: "yes" } });
    expect(wrong.status).toBe(422);
    expect(wrong.json.errors[0].path).toBe("revokePrevious");
    const extra = await call("POST", path, { body: { revoke: true } });
    expect(extra.status).toBe(422);
    expect(extra.json.errors[0].path).toBe("revoke");
  });
});

describe("POST /v1/webhooks/certifiers/{id}: applied once", () => {
  it("answers a sequential redelivery exactly as the first, applying nothing again", async () => {
    const { certifier, secret, code } = await makeAssignedStructure();
    const event = auditEvent(code);
    const id = uniqueId("msg");
    const first = await deliver(certifier.id, { secret, body: event, id });
    // A retry is re-signed with a new timestamp, as Standard Webhooks senders do.
    const second = await deliver(certifier.id, { secret, body: event, id, skew: 30 });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.text).toBe(first.text);
    expect(await sql("SELECT id FROM audits WHERE audit_ref = ?", event.data.auditRef)).toHaveLength(1);
    const [row] = await sql<any>("SELECT deliveries FROM webhook_events WHERE webhook_id = ?", id);
    expect(row.deliveries).toBe(2);
  });

  it("applies one of 10 concurrent copies; all 10 get the same answer", async () => {
    const { certifier, secret, code } = await makeAssignedStructure();
    const event = auditEvent(code);
    const id = uniqueId("msg");
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => deliver(certifier.id, { secret, body: event, id })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    expect(await sql("SELECT id FROM audits WHERE audit_ref = ?", event.data.auditRef)).toHaveLength(1);
    const rows = await sql<any>("SELECT deliveries, status FROM webhook_events WHERE webhook_id = ?", id);
    expect(rows).toEqual([{ deliveries: 10, status: "applied" }]);
  });

  it("answers a rejected first delivery's copies with the same problem", async () => {
    const { certifier, secret, code } = await makeAssignedStructure();
    const event = auditEvent(code, { auditedOn: "2026-02-30" });
    const id = uniqueId("msg");
    const answers = await Promise.all(
      Array.from({ length: 3 }, () => deliver(certifier.id, { secret, body: event, id })),
    );
    expect(answers.map((a) => a.status)).toEqual([422, 422, 422]);
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    expect(answers[0]!.headers.get("Content-Type")).toBe("application/problem+json");
  });

  it("refuses a webhook-id reused for a different body (409), keeping the first", async () => {
    const { certifier, secret, code } = await makeAssignedStructure();
    const id = uniqueId("msg");
    expect((await deliver(certifier.id, { secret, body: auditEvent(code), id })).status).toBe(200);
    const r = await deliver(certifier.id, { secret, body: auditEvent(code), id });
    expect(r.status).toBe(409);
    expect(r.json.errors[0].path).toBe("webhook-id");
  });

  it("treats the same auditRef with the same content as a duplicate, and other content as a 409", async () => {
    const { certifier, secret, code } = await makeAssignedStructure();
    const event = auditEvent(code);
    const first = await deliver(certifier.id, { secret, body: event });
    const again = await deliver(certifier.id, { secret, body: { ...event, timestamp: new Date().toISOString() } });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ status: "duplicate", result: { auditId: first.json.result.auditId } });
    const changed = auditEvent(code, { auditRef: event.data.auditRef, auditedOn: "2026-03-13" });
    const conflict = await deliver(certifier.id, { secret, body: changed });
    expect(conflict.status).toBe(409);
    expect(conflict.json.errors[0].path).toBe("data.auditRef");
    const rows = await sql<any>("SELECT audited_on FROM audits WHERE audit_ref = ?", event.data.auditRef);
    expect(rows).toEqual([{ audited_on: "2026-03-12" }]);
    const statuses = await sql<any>(
      "SELECT status FROM webhook_events WHERE certifier_id = ? ORDER BY received_at",
      certifier.id,
    );
    expect(statuses.map((s) => s.status).sort()).toEqual(["applied", "duplicate", "rejected"]);
  });

  it("judges two concurrent deliveries of one auditRef under different webhook-ids: one applied, one duplicate", async () => {
    const { certifier, secret, code } = await makeAssignedStructure();
    const event = auditEvent(code);
    const [a, b] = await Promise.all([
      deliver(certifier.id, { secret, body: event }),
      deliver(certifier.id, { secret, body: event }),
    ]);
    expect([a.json.status, b.json.status].sort()).toEqual(["applied", "duplicate"]);
    expect(a.json.result.auditId).toBe(b.json.result.auditId);
  });
});

describe("POST /v1/webhooks/certifiers/{id}: validation and authorisation", () => {
  it("answers 422 with paths, keeps the delivery as rejected", async () => {
    const { certifier, secret, code } = await makeAssignedStructure();
    const event = auditEvent(code);
    event.data.engagements[0]!.score = 120;
    const r = await deliver(certifier.id, { secret, body: event });
    expect(r.status).toBe(422);
    expect(r.json.errors).toContainEqual({ path: "data.engagements.0.score", message: expect.any(String) });
    const [row] = await sql<any>(
      "SELECT status, error, response_status FROM webhook_events WHERE certifier_id = ?",
      certifier.id,
    );
    expect(row).toMatchObject({ status: "rejected", response_status: 422 });
    expect(row.error).toContain("data.engagements.0.score");
  });

  it("names an unknown type, a non-JSON body and unknown fields", async () => {
    const { certifier, secret, code } = await makeAssignedStructure();
    const badType = await deliver(certifier.id, {
      secret,
      body: { type: "audit.started", timestamp: new Date().toISOString(), data: {} },
    });
    expect(badType.status).toBe(422);
    expect(badType.json.errors[0].path).toBe("type");
    const notJson = await deliver(certifier.id, { secret, body: "not json" });
    expect(notJson.status).toBe(422);
    expect(notJson.json.errors[0].path).toBe("body");
    const extra = await deliver(certifier.id, { secret, body: auditEvent(code, { grade: "A" }) });
    expect(extra.status).toBe(422);
    expect(extra.json.errors[0].path).toBe("data.grade");
    const types = await sql<any>(
      "SELECT type FROM webhook_events WHERE certifier_id = ? ORDER BY received_at",
      certifier.id,
    );
    expect(types.map((t) => t.type).sort()).toEqual(["audit.completed", "audit.started", "unknown"]);
  });

  it("403 when the body is not yet habilitated on the audit date", async () => {
    const { certifier, secret, code } = await makeAssignedStructure({
      certifier: { habilitation: { from: "2026-06-01", until: "2030-12-31" } },
    });
    const r = await deliver(certifier.id, { secret, body: auditEvent(code, { auditedOn: "2026-03-12" }) });
    expect(r.status).toBe(403);
    expect(r.json.detail).toContain("not habilitated on 2026-03-12");
    const [row] = await sql<any>("SELECT status FROM webhook_events WHERE certifier_id = ?", certifier.id);
    expect(row.status).toBe("rejected");
  });

  it("403 when the habilitation ended before the event date; allowed on its last day", async () => {
    const today = parisDay(new Date());
    const { certifier, secret, code } = await makeAssignedStructure({
      certifier: { habilitation: { from: "2024-01-01", until: addDays(today, -10) } },
    });
    const on = (n: number) => auditEvent(code, { auditedOn: addDays(today, n) });
    expect((await deliver(certifier.id, { secret, body: on(-9) })).status).toBe(403);
    expect((await deliver(certifier.id, { secret, body: on(-10) })).status).toBe(200);
  });

  it("403 when the habilitation is suspended", async () => {
    const { certifier, secret, code } = await makeAssignedStructure();
    await call("PATCH", `/v1/certifiers/${certifier.id}`, { body: { habilitation: { status: "suspended" } } });
    const r = await deliver(certifier.id, { secret, body: auditEvent(code) });
    expect(r.status).toBe(403);
    expect(r.json.detail).toContain("suspended");
  });

  it("403 when the structure is assigned to another body; replay applies it once reassigned", async () => {
    const mine = await makeAssignedStructure();
    const theirs = await makeAssignedStructure();
    const r = await deliver(mine.certifier.id, { secret: mine.secret, body: auditEvent(theirs.code) });
    expect(r.status).toBe(403);
    expect(r.json.detail).toContain("not assigned");
    const early = await call("POST", `/v1/webhook-events/${await lastEventId(mine.certifier.id)}/replay`);
    expect(early.status).toBe(200);
    expect(early.json).toMatchObject({ status: "rejected", responseStatus: 403 });
    await call("PUT", `/v1/structures/${theirs.code}/certifier`, {
      body: { certifierId: mine.certifier.id, contractRef: "MARCHE-2" },
    });
    const replay = await call("POST", `/v1/webhook-events/${await lastEventId(mine.certifier.id)}/replay`);
    expect(replay.status).toBe(200);
    expect(replay.json).toMatchObject({ status: "applied", responseStatus: 200, error: null });
  });
});

async function lastEventId(certifierId: string) {
  const [row] = await sql<any>(
    "SELECT id FROM webhook_events WHERE certifier_id = ? ORDER BY received_at DESC LIMIT 1",
    certifierId,
  );
  return row.id as string;
}
