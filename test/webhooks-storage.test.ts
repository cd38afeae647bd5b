/**
 * Bounded storage of the webhook inbox: a rejected delivery keeps an excerpt of its body (first
 * 4 KiB) with the whole body's SHA-256 and size, and cannot be replayed; rows nothing references are
 * purged by the daily job after INBOX_RETENTION_DAYS, while audits, surveys, decisions and label
 * events, and the deliveries they reference, stay.
 */
import { describe, expect, it } from "vitest";
import { excerpt, INBOX_EXCERPT_BYTES } from "../src/db/inbox";
import { sha256Hex } from "../src/lib/crypto";
import { auditEvent, makeAssignedStructure, makeLabel, uniqueId } from "./factories";
import { call, daily, sql } from "./helpers";
import { deliver } from "./webhooks-helpers";

const bytes = (s: string) => new TextEncoder().encode(s).length;

describe("rejected deliveries keep a bounded excerpt", () => {
  it("cuts on a character boundary, never over the limit", () => {
    expect(excerpt("abc")).toEqual({ text: "abc", truncated: false });
    const exact = "é".repeat(INBOX_EXCERPT_BYTES / 2);
    expect(excerpt(exact)).toEqual({ text: exact, truncated: false });
    // 2 + 3 × 2,000 bytes: the last whole « € » within 4,096 bytes ends at byte 4,094.
    const cut = excerpt(`ab${"€".repeat(2000)}`);
    expect(cut.truncated).toBe(true);
    expect(bytes(cut.text)).toBe(4094);
    expect(cut.text.endsWith("€")).toBe(true);
    const emoji = excerpt("🇫🇷".repeat(1000)); // 8 bytes each: 512 whole flags
    expect(bytes(emoji.text)).toBe(4096);
    expect(emoji.text).not.toContain("\uFFFD");
  });

  it("a signed 1,000,000-byte non-JSON body: 422, 4 KiB kept with the hash and size of the whole", async () => {
    const { certifier, secret } = await makeAssignedStructure();
    const junk = `not json ${"x".repeat(1_000_000 - 9)}`;
    const id = uniqueId("msg");
    const r = await deliver(certifier.id, { secret, body: junk, id });
    expect(r.status).toBe(422);
    const [row] = await sql<any>(
      "SELECT id, status, payload, payload_sha256, payload_size, payload_truncated FROM webhook_events WHERE webhook_id = ?",
      id,
    );
    expect(row).toMatchObject({
      status: "rejected",
      payload_sha256: await sha256Hex(junk),
      payload_size: 1_000_000,
      payload_truncated: 1,
    });
    expect(row.payload).toBe(junk.slice(0, INBOX_EXCERPT_BYTES));

    // A copy is still recognised by its hash: same answer, byte for byte; another body under the id: 409.
    const copy = await deliver(certifier.id, { secret, body: junk, id, skew: 20 });
    expect(copy.status).toBe(422);
    expect(copy.text).toBe(r.text);
    expect((await deliver(certifier.id, { secret, body: `${junk}!`, id })).status).toBe(409);

    // The admin sees it is an excerpt; replaying it is refused, saying why and what to do.
    const seen = await call("GET", `/v1/webhook-events/${row.id}`);
    expect(seen.json).toMatchObject({ payloadTruncated: true, payloadSize: 1_000_000 });
    const replay = await call("POST", `/v1/webhook-events/${row.id}/replay`);
    expect(replay.status).toBe(409);
    expect(replay.json.detail).toContain("cannot be replayed");
    expect(replay.json.detail).toContain("new webhook-id");
    expect((await sql<any>("SELECT status FROM webhook_events WHERE id = ?", row.id))[0].status).toBe("rejected");
  });

  it("a rejected delivery within 4 KiB is kept whole and replays; an applied one over 4 KiB is kept whole", async () => {
    const { certifier, secret, code } = await makeAssignedStructure();
    const other = await makeAssignedStructure();
    const small = auditEvent(other.code); // not assigned to this body: 403, replayable
    const refused = await deliver(certifier.id, { secret, body: small });
    expect(refused.status).toBe(403);
    const [kept] = await sql<any>(
      "SELECT payload, payload_truncated FROM webhook_events WHERE certifier_id = ? AND status = 'rejected'",
      certifier.id,
    );
    expect(kept).toEqual({ payload: JSON.stringify(small), payload_truncated: 0 });

    const criteria = Array.from({ length: 300 }, (_, i) => ({ id: `E${(i % 8) + 1}-C${i}`, result: "conforme" }));
    const big = auditEvent(code, { criteria });
    expect(bytes(JSON.stringify(big))).toBeGreaterThan(INBOX_EXCERPT_BYTES);
    const applied = await deliver(certifier.id, { secret, body: big });
    expect(applied.status).toBe(200);
    const [row] = await sql<any>(
      "SELECT payload, payload_truncated FROM webhook_events WHERE id = ?",
      applied.json.eventId,
    );
    expect(row).toEqual({ payload: JSON.stringify(big), payload_truncated: 0 });
  });
});

describe("inbox retention (daily job)", () => {
  it("purges, after INBOX_RETENTION_DAYS, the deliveries nothing references; history and what it references stay", async () => {
    const { certifier, secret, code } = await makeAssignedStructure();
    const label = (await makeLabel({ structureCode: code, certifierId: certifier.id, awardedOn: "2025-01-15" })).number;
    const now = () => new Date().toISOString();
    const audit = auditEvent(code);
    const ids = {
      audit: (await deliver(certifier.id, { secret, body: audit })).json.eventId,
      duplicate: (await deliver(certifier.id, { secret, body: audit })).json.eventId,
      survey: (
        await deliver(certifier.id, {
          secret,
          body: {
            type: "survey.agents.completed",
            timestamp: now(),
            data: {
              structureCode: code,
              surveyRef: `ENQ-${Date.now()}`,
              periodStart: "2026-01-01",
              periodEnd: "2026-02-01",
              population: 10,
              respondents: 8,
              score: 70,
            },
          },
        })
      ).json.eventId,
      decision: (
        await deliver(certifier.id, {
          secret,
          body: {
            type: "label.decision",
            timestamp: now(),
            data: { structureCode: code, decision: "refuse", decidedOn: "2026-02-02" },
          },
        })
      ).json.eventId,
      suspension: (
        await deliver(certifier.id, {
          secret,
          body: {
            type: "label.suspended",
            timestamp: now(),
            data: { labelNumber: label, reason: "Motif", effectiveOn: "2026-02-03" },
          },
        })
      ).json.eventId,
    };
    await deliver(certifier.id, { secret, body: "not json" });
    const [rejected] = await sql<any>(
      "SELECT id FROM webhook_events WHERE certifier_id = ? AND status = 'rejected'",
      certifier.id,
    );
    const inbox = async () =>
      (await sql<any>("SELECT id FROM webhook_events WHERE certifier_id = ? ORDER BY id", certifier.id)).map(
        (r) => r.id,
      );
    const history = () =>
      sql(
        "SELECT (SELECT count(*) FROM audits WHERE certifier_id = ?1) AS audits, (SELECT count(*) FROM surveys WHERE certifier_id = ?1) AS surveys, (SELECT count(*) FROM decisions WHERE certifier_id = ?1) AS decisions, (SELECT count(*) FROM label_events WHERE label_number = ?2) AS events",
        certifier.id,
        label,
      );
    const all = await inbox();
    expect(all).toHaveLength(6);
    const before = await history();
    // The label's own award (an audit, two surveys, a decision) and what the deliveries applied.
    expect(before).toEqual([{ audits: 1 + 1, surveys: 2 + 1, decisions: 1 + 1, events: 2 }]);

    const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
    await daily(inDays(89)); // default retention: 90 days
    expect(await inbox()).toEqual(all);
    await daily(inDays(91));
    const kept = [ids.audit, ids.survey, ids.decision].sort();
    expect(await inbox()).toEqual(kept);
    expect(await history()).toEqual(before);
    for (const gone of [ids.duplicate, ids.suspension, rejected.id]) {
      expect((await call("GET", `/v1/webhook-events/${gone}`)).status).toBe(404);
    }
    // What stays is whole: the raw record of the audit applied.
    const [row] = await sql<any>("SELECT payload FROM webhook_events WHERE id = ?", ids.audit);
    expect(JSON.parse(row.payload)).toEqual(audit);
  });

  it("the retention is configuration (INBOX_RETENTION_DAYS)", async () => {
    const { certifier, secret } = await makeAssignedStructure();
    await deliver(certifier.id, { secret, body: "not json" });
    const count = async () =>
      (await sql<any>("SELECT count(*) AS n FROM webhook_events WHERE certifier_id = ?", certifier.id))[0].n;
    const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
    await daily(inDays(8));
    expect(await count()).toBe(1);
    await daily(inDays(8), { INBOX_RETENTION_DAYS: "7" });
    expect(await count()).toBe(0);
  });
});
