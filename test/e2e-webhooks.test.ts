/**
 * The label's whole life as a certification body drives it, through the real Worker: every input
 * arrives as a signed webhook, and the public answers (JSON, badge) follow each change at once.
 */
import { describe, expect, it } from "vitest";
import { makeAssignedStructure } from "./factories";
import { call, sql } from "./helpers";
import { deliver } from "./webhooks-helpers";

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

describe("a label's life driven by signed webhooks", () => {
  it("audit → surveys → evaluation → award → suspend → reinstate → withdraw, visible publicly at once", async () => {
    const { certifier, secret, code } = await makeAssignedStructure({
      certifier: { habilitation: { from: day(-400), until: day(800) } },
    });
    const send = (type: string, data: Record<string, unknown>) =>
      deliver(certifier.id, { secret, body: { type, timestamp: new Date().toISOString(), data } });

    expect((await call("GET", `/v1/public/labels/${code}`, { token: null })).json).toMatchObject({
      valid: false,
      status: "none",
    });

    const audit = await send("audit.completed", {
      structureCode: code,
      auditRef: "E2E-AUDIT-1",
      kind: "initial",
      auditedOn: day(-40),
      engagements: [1, 2, 3, 4, 5, 6, 7, 8].map((number) => ({ number, score: 85 })),
      criteria: [{ id: "E2-C1", result: "conforme", blocking: true }],
    });
    expect(audit.status, audit.text).toBe(200);
    const users = await send("survey.users.completed", {
      structureCode: code,
      surveyRef: "E2E-USAGERS-1",
      periodStart: day(-70),
      periodEnd: day(-35),
      invited: 1000,
      respondents: 310,
      satisfactionRate: 86,
      netSatisfaction: 40,
    });
    expect(users.status, users.text).toBe(200);
    const agents = await send("survey.agents.completed", {
      structureCode: code,
      surveyRef: "E2E-AGENTS-1",
      periodStart: day(-70),
      periodEnd: day(-35),
      population: 120,
      respondents: 64,
      score: 81,
    });
    expect(agents.status, agents.text).toBe(200);

    // The body reads the evaluation with its own API key.
    const evaluation = await call("GET", `/v1/structures/${code}/evaluation`, { token: certifier.apiKey });
    expect(evaluation.status).toBe(200);
    expect(evaluation.json).toMatchObject({ proposedTier: "or", state: "complete", missing: [] });
    expect(evaluation.json.checks.every((c: { passed: boolean }) => c.passed)).toBe(true);

    const award = await send("label.decision", {
      structureCode: code,
      decision: "award",
      tier: "or",
      decidedOn: day(-10),
    });
    expect(award.status, award.text).toBe(200);
    const decided = await sql<{ label_number: string }>(
      "SELECT label_number FROM decisions WHERE structure_code = ?",
      code,
    );
    const number = decided[0]!.label_number;
    expect(number).toMatch(/^SPP-\d{4}-\d{6}$/);

    const pub = async () => (await call("GET", `/v1/public/labels/${code}`, { token: null })).json;
    expect(await pub()).toMatchObject({
      valid: true,
      status: "valid",
      tier: "or",
      labelNumber: number,
      awardedOn: day(-10),
    });
    expect((await call("GET", `/badge/${code}.svg`, { token: null })).headers.get("X-Cache")).toBe("MISS");
    expect((await call("GET", `/badge/${code}.svg`, { token: null })).headers.get("X-Cache")).toBe("HIT");

    const steps: [string, string, boolean][] = [
      ["label.suspended", "suspended", false],
      ["label.reinstated", "valid", true],
      ["label.withdrawn", "withdrawn", false],
    ];
    for (const [type, status, valid] of steps) {
      const r = await send(type, { labelNumber: number, reason: `E2E ${type}`, effectiveOn: day(-2) });
      expect(r.status, type).toBe(200);
      // The cached answers were purged by the change: the public sees it on the next request.
      expect(await pub()).toMatchObject({ status, valid });
      const badge = await call("GET", `/badge/${code}.svg`, { token: null });
      expect(badge.headers.get("X-Label-Status")).toBe(status);
    }

    const events = await call("GET", `/v1/labels/${number}/events`);
    expect(events.json.items.map((e: { type: string; actor: string; reason: string }) => [e.type, e.actor])).toEqual([
      ["awarded", `certifier:${certifier.id}`],
      ["suspended", `certifier:${certifier.id}`],
      ["reinstated", `certifier:${certifier.id}`],
      ["withdrawn", `certifier:${certifier.id}`],
    ]);
    const inbox = await sql<{ type: string; status: string }>(
      "SELECT type, status FROM webhook_events WHERE certifier_id = ? ORDER BY received_at, rowid",
      certifier.id,
    );
    expect(inbox.every((e) => e.status === "applied")).toBe(true);
    expect(inbox).toHaveLength(7);

    // Withdrawal is final.
    const again = await send("label.reinstated", { labelNumber: number, reason: "trop tard", effectiveOn: day(-1) });
    expect(again.status).toBe(409);
  });
});
