import { decodeList } from "@digitalbazaar/vc-bitstring-status-list";
import { describe, expect, it } from "vitest";
import { addDays, labelExpiresOn, todayUtc } from "../src/domain/label-dates";
import {
  makeAssignment,
  makeAudit,
  makeCertifier,
  makeInputs,
  makeLabel,
  makeStructure,
  makeSurvey,
} from "./factories";
import { call, daily, labelOf, sql } from "./helpers";

const today = todayUtc();
const recent = addDays(today, -10);

async function assignedStructure() {
  const oc = await makeCertifier();
  const { code } = await makeStructure();
  await makeAssignment(code, oc.id);
  return { oc, code };
}

describe("register → assign → audit → surveys → evaluation → award → suspend → reinstate → withdraw", () => {
  it("runs the label's whole life and keeps its history", async () => {
    const { oc, code } = await assignedStructure();

    // Nothing received yet: incomplete, no proposal, and it says what is missing.
    let r = await call("GET", `/v1/structures/${code}/evaluation`);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ state: "incomplete", proposedTier: null, referentialVersion: "2023-illustratif" });
    expect(r.json.missing.map((m: any) => m.input)).toEqual(["audit", "usagers", "agents"]);

    // An award now is refused with what is missing.
    r = await call("POST", `/v1/structures/${code}/decisions`, { body: { decision: "award", decidedOn: today } });
    expect(r.status).toBe(422);
    expect(r.json.errors.map((e: any) => e.path)).toEqual([
      "evaluation.audit",
      "evaluation.usagers",
      "evaluation.agents",
    ]);

    await makeInputs(code, oc.id, { on: recent });

    // The assigned body reads the evaluation with its own key.
    r = await call("GET", `/v1/structures/${code}/evaluation`, { token: oc.apiKey });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ state: "complete", proposedTier: "argent", missing: [], official: false });
    expect(r.json.scores.audit).toBe(75);
    expect(r.json.checks.filter((c: any) => !c.passed).map((c: any) => `${c.tier}:${c.rule}`)).toEqual([
      "or:auditScoreMin",
      "or:userSatisfactionMin",
    ]);

    // A tier above the proposal without a justification: 422; a decision in the future: 422.
    r = await call("POST", `/v1/structures/${code}/decisions`, {
      body: { decision: "award", tier: "or", decidedOn: today },
    });
    expect(r.status).toBe(422);
    expect(r.json.errors[0].path).toBe("justification");
    r = await call("POST", `/v1/structures/${code}/decisions`, {
      body: { decision: "award", decidedOn: addDays(today, 1) },
    });
    expect(r.status).toBe(422);
    expect(r.json.errors[0].path).toBe("decidedOn");

    // The award: the proposed tier, a number of the decision's year, three years' validity.
    r = await call("POST", `/v1/structures/${code}/decisions`, { body: { decision: "award", decidedOn: today } });
    expect(r.status).toBe(201);
    const label = r.json.label;
    expect(label.number).toMatch(new RegExp(`^SPP-${today.slice(0, 4)}-\\d{6}$`));
    expect(label).toMatchObject({
      structureCode: code,
      certifierId: oc.id,
      tier: "argent",
      status: "valid",
      awardedOn: today,
      expiresOn: labelExpiresOn(today, 36),
      originalAwardedOn: today,
      supersedes: null,
    });
    expect(r.json.decision).toMatchObject({
      decision: "award",
      tier: "argent",
      proposedTier: "argent",
      referentialVersion: "2023-illustratif",
      source: "admin",
      labelNumber: label.number,
      actor: "admin:token",
    });
    expect(r.json.decision.evaluation.state).toBe("complete");
    expect(r.headers.get("Location")).toBe(`/v1/labels/${label.number}`);
    const n = label.number;

    r = await call("POST", `/v1/labels/${n}/suspend`, { body: { reason: "Non-conformité constatée au suivi" } });
    expect(r.status).toBe(200);
    expect(r.json.status).toBe("suspended");
    // Suspending twice is not a transition: 409 problem.
    r = await call("POST", `/v1/labels/${n}/suspend`, { body: { reason: "again" } });
    expect(r.status).toBe(409);
    expect(r.headers.get("Content-Type")).toContain("application/problem+json");
    expect(r.json.code).toBe("conflict");

    r = await call("POST", `/v1/labels/${n}/reinstate`, { body: { reason: "Action corrective vérifiée" } });
    expect(r.status).toBe(200);
    expect(r.json.status).toBe("valid");

    r = await call("POST", `/v1/labels/${n}/withdraw`, { body: { reason: "Retrait décidé", effectiveOn: today } });
    expect(r.status).toBe(200);
    expect(r.json.status).toBe("withdrawn");
    // Withdrawal is final.
    for (const action of ["reinstate", "suspend", "withdraw"]) {
      r = await call("POST", `/v1/labels/${n}/${action}`, { body: { reason: "no" } });
      expect(r.status).toBe(409);
    }

    r = await call("GET", `/v1/labels/${n}/events`);
    expect(r.status).toBe(200);
    expect(r.json.items.map((e: any) => [e.type, e.fromStatus, e.toStatus, e.reason, e.actor, e.effectiveOn])).toEqual([
      ["awarded", null, "valid", "Décision d'attribution (argent)", "admin:token", today],
      ["suspended", "valid", "suspended", "Non-conformité constatée au suivi", "admin:token", today],
      ["reinstated", "suspended", "valid", "Action corrective vérifiée", "admin:token", today],
      ["withdrawn", "valid", "withdrawn", "Retrait décidé", "admin:token", today],
    ]);

    r = await call("GET", `/v1/labels/${n}`);
    expect(r.json).toMatchObject({ number: n, status: "withdrawn", tier: "argent" });

    // The référentiel used is now immutable.
    r = await call("GET", "/v1/referentials/2023-illustratif");
    expect(r.json.usedAt).not.toBeNull();
    const { version: _v, active: _a, usedAt: _u, createdAt: _c, updatedAt: _up, ...body } = r.json;
    r = await call("PUT", "/v1/referentials/2023-illustratif", { body });
    expect(r.status).toBe(409);
  });
});

describe("decisions", () => {
  it("a tier other than the proposal is accepted with a justification, kept with the decision", async () => {
    const { oc, code } = await assignedStructure();
    await makeInputs(code, oc.id, { on: recent });
    const r = await call("POST", `/v1/structures/${code}/decisions`, {
      body: { decision: "award", tier: "bronze", decidedOn: today, justification: "Réserve sur l'engagement 4" },
    });
    expect(r.status).toBe(201);
    expect(r.json.decision).toMatchObject({
      tier: "bronze",
      proposedTier: "argent",
      justification: "Réserve sur l'engagement 4",
    });
    expect(r.json.label.tier).toBe("bronze");
  });

  it("a refusal is recorded without a label, whatever the evaluation", async () => {
    const { code } = await assignedStructure();
    let r = await call("POST", `/v1/structures/${code}/decisions`, {
      body: { decision: "refuse", decidedOn: today, justification: "Dossier incomplet" },
    });
    expect(r.status).toBe(201);
    expect(r.json.label).toBeNull();
    expect(r.json.decision).toMatchObject({ decision: "refuse", tier: null, labelNumber: null });
    expect(r.json.decision.evaluation.state).toBe("incomplete");
    r = await call("GET", `/v1/structures/${code}/decisions`);
    expect(r.json.items).toHaveLength(1);
  });

  it("a blocking non-conformity blocks the award", async () => {
    const { oc, code } = await assignedStructure();
    await makeAudit(code, oc.id, { auditedOn: recent, score: 95, blockingNonConformities: 1 });
    await makeSurvey(code, oc.id, "usagers", { periodEnd: recent });
    await makeSurvey(code, oc.id, "agents", { periodEnd: recent });
    let r = await call("GET", `/v1/structures/${code}/evaluation`);
    expect(r.json).toMatchObject({ state: "blocked", proposedTier: null });
    r = await call("POST", `/v1/structures/${code}/decisions`, {
      body: { decision: "award", tier: "bronze", decidedOn: today, justification: "x" },
    });
    expect(r.status).toBe(422);
    expect(r.json.detail).toContain("blocked");
  });

  it("a structure without a certification body cannot be decided on", async () => {
    const { code } = await makeStructure();
    const r = await call("POST", `/v1/structures/${code}/decisions`, {
      body: { decision: "refuse", decidedOn: today },
    });
    expect(r.status).toBe(422);
    expect(r.json.errors[0].path).toBe("structureCode");
  });

  it("renewal supersedes the previous label, keeps the original date, and numbers follow on", async () => {
    const { oc, code } = await assignedStructure();
    await makeInputs(code, oc.id, { on: "2023-01-10" });
    let r = await call("POST", `/v1/structures/${code}/decisions`, {
      body: { decision: "award", decidedOn: "2023-02-01" },
    });
    expect(r.status).toBe(201);
    const first = r.json.label;
    expect(first.number).toMatch(/^SPP-2023-\d{6}$/);

    await makeInputs(code, oc.id, { on: "2023-12-01" });
    r = await call("POST", `/v1/structures/${code}/decisions`, {
      body: { decision: "award", decidedOn: "2023-12-20" },
    });
    expect(r.status).toBe(201);
    const second = r.json.label;
    expect(Number(second.number.slice(-6))).toBe(Number(first.number.slice(-6)) + 1);
    expect(second).toMatchObject({
      supersedes: first.number,
      originalAwardedOn: "2023-02-01",
      awardedOn: "2023-12-20",
    });

    r = await call("GET", `/v1/labels/${first.number}`);
    expect(r.json.supersededBy).toBe(second.number);
    r = await call("GET", `/v1/labels/${first.number}/events`);
    expect(r.json.items.map((e: any) => e.type)).toEqual(["awarded", "superseded"]);

    // A decision dated before the label it would renew: 422.
    r = await call("POST", `/v1/structures/${code}/decisions`, {
      body: { decision: "award", decidedOn: "2023-12-19" },
    });
    expect(r.status).toBe(422);
  });

  it("an award after a withdrawal is not dated before the withdrawn label: one current label, the latest", async () => {
    const { oc, code } = await assignedStructure();
    await makeInputs(code, oc.id, { on: "2024-01-10" });
    await makeInputs(code, oc.id, { on: "2024-06-01" });
    let r = await call("POST", `/v1/structures/${code}/decisions`, {
      body: { decision: "award", decidedOn: "2024-06-01" },
    });
    const withdrawn = r.json.label.number;
    r = await call("POST", `/v1/labels/${withdrawn}/withdraw`, { body: { reason: "Retrait" } });
    expect(r.status, r.text).toBe(200);
    // Dated before it, the new label would not be the structure's latest (by award day), and the next
    // award would start a third chain beside it (found by test/interleavings.test.ts).
    r = await call("POST", `/v1/structures/${code}/decisions`, {
      body: { decision: "award", decidedOn: "2024-01-10" },
    });
    expect(r.status).toBe(422);
    expect(r.json.errors).toEqual([{ path: "decidedOn", message: expect.stringContaining("2024-06-01") }]);
    r = await call("POST", `/v1/structures/${code}/decisions`, {
      body: { decision: "award", decidedOn: "2024-06-01" },
    });
    expect(r.status, r.text).toBe(201);
    expect(r.json.label).toMatchObject({ supersedes: null, originalAwardedOn: "2024-06-01" });
  });

  it("a label awarded on 29 February 2024 expires on 28 February 2027 (its last valid day)", async () => {
    const { oc, code } = await assignedStructure();
    await makeInputs(code, oc.id, { on: "2024-01-15" });
    const r = await call("POST", `/v1/structures/${code}/decisions`, {
      body: { decision: "award", decidedOn: "2024-02-29" },
    });
    expect(r.status).toBe(201);
    expect(r.json.label).toMatchObject({ awardedOn: "2024-02-29", expiresOn: "2027-02-28" });
    expect(r.json.label.number).toMatch(/^SPP-2024-\d{6}$/);
  });

  it("evaluates as of the decision date: inputs after it are not used", async () => {
    const { oc, code } = await assignedStructure();
    await makeInputs(code, oc.id, { on: "2025-03-01" });
    const r = await call("GET", `/v1/structures/${code}/evaluation?on=2025-02-28`);
    expect(r.json.state).toBe("incomplete");
  });
});

describe("expiry", () => {
  it("a suspended label that expires leaves its suspension list: the bit is cleared (found by test/interleavings.test.ts)", async () => {
    const label = await makeLabel({ status: "suspended", expiresOn: addDays(today, -1) });
    const bit = async () => {
      const [row] = await sql<{ idx: number; document: string }>(
        "SELECT e.idx, s.document FROM status_entries e JOIN status_lists s ON s.list = e.list AND s.purpose = 'suspension' WHERE e.label_number = ?",
        label.number,
      );
      return (await decodeList({ encodedList: JSON.parse(row!.document).credentialSubject.encodedList })).getStatus(
        row!.idx,
      );
    };
    expect(await bit()).toBe(true);
    await daily(today);
    expect((await labelOf(label.number)).status).toBe("expired");
    expect(await bit()).toBe(false);
  });

  it("a valid label that expires changes no bit: its lists are not signed again (signing reads a whole list)", async () => {
    const label = await makeLabel({ expiresOn: addDays(today, -1) });
    const lists = () =>
      sql<{ purpose: string; signed_at: string; generation: number }>(
        "SELECT s.purpose, s.signed_at, s.generation FROM status_entries e JOIN status_lists s ON s.list = e.list WHERE e.label_number = ? ORDER BY s.purpose",
        label.number,
      );
    const before = await lists();
    expect(before).toHaveLength(3);
    const queued = () => sql<{ n: number }>("SELECT count(*) AS n FROM effects WHERE kind = 'status-list'");
    const [{ n: intentsBefore }] = (await queued()) as [{ n: number }];
    await daily(today);
    expect((await labelOf(label.number)).status).toBe("expired");
    expect(await lists()).toEqual(before);
    expect((await queued())[0]!.n).toBe(intentsBefore);
  });
});

describe("access", () => {
  it("the evaluation is for admins and the assigned body only", async () => {
    const { code } = await assignedStructure();
    const other = await makeCertifier({ name: "Autre organisme" });
    expect((await call("GET", `/v1/structures/${code}/evaluation`, { token: null })).status).toBe(401);
    const r = await call("GET", `/v1/structures/${code}/evaluation`, { token: other.apiKey });
    expect(r.status).toBe(403);
    // Other structure routes stay admin-only.
    expect((await call("GET", `/v1/structures/${code}`, { token: other.apiKey })).status).toBe(403);
  });

  it("decisions and label changes are admin-only over REST", async () => {
    const { oc, code } = await assignedStructure();
    let r = await call("POST", `/v1/structures/${code}/decisions`, {
      token: oc.apiKey,
      body: { decision: "refuse", decidedOn: today },
    });
    expect(r.status).toBe(403);
    r = await call("POST", "/v1/labels/SPP-2026-999999/suspend", { token: oc.apiKey, body: { reason: "x" } });
    expect(r.status).toBe(403);
  });

  it("unknown and malformed label numbers", async () => {
    expect((await call("GET", "/v1/labels/SPP-2026-999999")).status).toBe(404);
    expect((await call("GET", "/v1/labels/nope")).status).toBe(422);
    expect((await call("POST", "/v1/labels/SPP-2026-999999/suspend", { body: { reason: "x" } })).status).toBe(404);
  });

  it("two concurrent suspensions: one applies, the other answers 409, one event", async () => {
    const { oc, code } = await assignedStructure();
    await makeInputs(code, oc.id, { on: recent });
    const { json } = await call("POST", `/v1/structures/${code}/decisions`, {
      body: { decision: "award", decidedOn: today },
    });
    const n = json.label.number;
    const rs = await Promise.all(
      [1, 2].map((i) => call("POST", `/v1/labels/${n}/suspend`, { body: { reason: `r${i}` } })),
    );
    expect(rs.map((r) => r.status).sort()).toEqual([200, 409]);
    const events = await call("GET", `/v1/labels/${n}/events`);
    expect(events.json.items.map((e: any) => e.type)).toEqual(["awarded", "suspended"]);
  });

  it("a status change in the future or before the award is refused", async () => {
    const { oc, code } = await assignedStructure();
    await makeInputs(code, oc.id, { on: recent });
    const { json } = await call("POST", `/v1/structures/${code}/decisions`, {
      body: { decision: "award", decidedOn: today },
    });
    const n = json.label.number;
    let r = await call("POST", `/v1/labels/${n}/suspend`, { body: { reason: "x", effectiveOn: addDays(today, 1) } });
    expect(r.status).toBe(422);
    r = await call("POST", `/v1/labels/${n}/suspend`, { body: { reason: "x", effectiveOn: addDays(today, -1) } });
    expect(r.status).toBe(422);
    r = await call("POST", `/v1/labels/${n}/suspend`, { body: {} });
    expect(r.status).toBe(422);
    expect(r.json.errors[0].path).toBe("reason");
  });
});
