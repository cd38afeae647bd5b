/**
 * The races of the label verbs, forced (test/interleave.ts): one write's batch is held after its reads
 * while a competing write lands, then released. Every verb is decided on the structure's label version
 * (src/db/label-version.ts, docs/adr/0007-label-versions.md): the held write lands nothing and its
 * caller hears a 409 that says so. Each of these landed both writes before the version existed.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { DomainError } from "../src/domain/errors";
import { parisDay } from "../src/domain/paris-time";
import { changeLabelStatus } from "../src/services/change-label-status";
import type { Deps } from "../src/services/deps";
import { type DecisionInput, recordDecision } from "../src/services/record-decision";
import {
  FACTORY_ACTOR,
  makeAssignedStructure,
  makeAssignment,
  makeCertifier,
  makeInputs,
  makeLabel,
  makeStatusChange,
  withDeps,
} from "./factories";
import { call, eventsOf, labelOf, sql } from "./helpers";
import { interleave } from "./interleave";
import { deliver } from "./webhooks-helpers";

const today = () => parisDay(new Date());
/** The statement every decision's batch holds, and no other batch. */
const DECISION_BATCH = /insert into "decisions"/;
/** The statement every status change's batch holds (its event, guarded on the status). */
const STATUS_BATCH = "CASE WHEN changes() = 1";

/** A structure with a body assigned and the inputs of a complete evaluation: an award may be decided. */
async function awardable() {
  const s = await makeAssignedStructure();
  await makeInputs(s.code, s.certifier.id);
  return s;
}

const award = (deps: Deps, code: string, over: Partial<DecisionInput> = {}) =>
  recordDecision(deps, { structureCode: code, decision: "award", decidedOn: today(), ...over }, FACTORY_ACTOR);

/** The structure's labels not superseded by a renewal (the invariant: exactly one at most). */
const currentLabels = (code: string) =>
  sql<{ number: string }>("SELECT number FROM labels WHERE structure_code = ? AND superseded_by IS NULL", code);

/** The rejection a held write ends with: a 409 (conflict) that says what changed. */
async function conflictOf(p: Promise<unknown>) {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, "the held write landed").toBeInstanceOf(DomainError);
  expect((err as DomainError).kind).toBe("conflict");
  return err as DomainError;
}

describe("two first awards at once: one label", () => {
  it("verbs: the award held after its reads lands nothing once the other landed", async () => {
    const { code } = await awardable();
    const hook = interleave(env.DB);
    const held = hook.hold(DECISION_BATCH);
    const first = withDeps((deps) => award({ ...deps, db: hook.db }, code));
    await held.reachedBy(first);
    const second = await withDeps((deps) => award(deps, code));
    held.release();
    const err = await conflictOf(first);
    expect(err.message).toContain(`The labels of structure ${code} changed`);
    expect(await currentLabels(code)).toEqual([{ number: second.label!.number }]);
    expect(await sql("SELECT id FROM decisions WHERE structure_code = ?", code)).toHaveLength(1);
  });

  it("HTTP: two simultaneous POST …/decisions answer 201 and 409, one label", async () => {
    const { code } = await awardable();
    const hook = interleave(env.DB);
    const held = hook.hold(DECISION_BATCH);
    const body = { decision: "award", decidedOn: today() };
    const first = call("POST", `/v1/structures/${code}/decisions`, { body, env: { DB: hook.d1 } });
    await held.reachedBy(first);
    const second = await call("POST", `/v1/structures/${code}/decisions`, { body });
    held.release();
    const lost = await first;
    expect(second.status, second.text).toBe(201);
    expect(lost.status, lost.text).toBe(409);
    expect(lost.json).toMatchObject({ status: 409, detail: expect.stringContaining("nothing was recorded") });
    expect(await currentLabels(code)).toEqual([{ number: second.json.label.number }]);
  });

  it("HTTP: two signed label.decision deliveries (different webhook-ids): one applied, one rejected with 409", async () => {
    const { code, certifier, secret } = await awardable();
    const hook = interleave(env.DB);
    const held = hook.hold(DECISION_BATCH);
    const body = {
      type: "label.decision",
      timestamp: new Date().toISOString(),
      data: { structureCode: code, decision: "award", tier: "argent", decidedOn: today() },
    };
    const first = deliver(certifier.id, { secret, body, env: { DB: hook.d1 } });
    await held.reachedBy(first);
    const second = await deliver(certifier.id, { secret, body });
    held.release();
    const lost = await first;
    expect(second.status, second.text).toBe(200);
    expect(lost.status, lost.text).toBe(409);
    expect(await currentLabels(code)).toHaveLength(1);
    expect(await sql("SELECT id FROM decisions WHERE structure_code = ?", code)).toHaveLength(1);
  });
});

describe("an award decided before a competing write lands nothing", () => {
  it("award vs withdrawal: the withdrawn label is not renewed (no inherited original award, no valid→valid)", async () => {
    const withdrawnLater = await makeLabel();
    const code = withdrawnLater.structureCode;
    const hook = interleave(env.DB);
    const held = hook.hold(DECISION_BATCH);
    const renewal = withDeps((deps) => award({ ...deps, db: hook.db }, code));
    await held.reachedBy(renewal);
    await makeStatusChange(withdrawnLater.number, "withdraw");
    held.release();
    await conflictOf(renewal);
    expect(await labelOf(withdrawnLater.number)).toMatchObject({ status: "withdrawn", supersededBy: null });
    expect(await sql("SELECT number FROM labels WHERE structure_code = ?", code)).toHaveLength(1);
    // Retried on the state as it is now: an award after a withdrawal, a new chain.
    const { label } = await withDeps((deps) => award(deps, code));
    expect(label).toMatchObject({ supersedes: null, originalAwardedOn: today() });
  });

  it("award vs re-assignment: a body no longer assigned does not award", async () => {
    const { code } = await awardable();
    const other = await makeCertifier();
    const hook = interleave(env.DB);
    const held = hook.hold(DECISION_BATCH);
    const stale = withDeps((deps) => award({ ...deps, db: hook.db }, code));
    await held.reachedBy(stale);
    await makeAssignment(code, other.id, "MARCHE-AUTRE");
    held.release();
    await conflictOf(stale);
    expect(await currentLabels(code)).toEqual([]);
    expect(await sql("SELECT id FROM decisions WHERE structure_code = ?", code)).toEqual([]);
  });

  it("a refusal by a body re-assigned meanwhile is not recorded either", async () => {
    const { code } = await awardable();
    const other = await makeCertifier();
    const hook = interleave(env.DB);
    const held = hook.hold(DECISION_BATCH);
    const stale = withDeps((deps) => award({ ...deps, db: hook.db }, code, { decision: "refuse" }));
    await held.reachedBy(stale);
    await makeAssignment(code, other.id, "MARCHE-AUTRE");
    held.release();
    await conflictOf(stale);
    expect(await sql("SELECT id FROM decisions WHERE structure_code = ?", code)).toEqual([]);
  });
});

describe("reinstatement ABA", () => {
  it("a body's reinstatement judged on its own suspension does not lift the administration's, made meanwhile", async () => {
    const { code, certifier } = await awardable();
    const { label } = await withDeps((deps) => award(deps, code));
    const body = `certifier:${certifier.id}`;
    await makeStatusChange(label!.number, "suspend", { actor: body });
    const hook = interleave(env.DB);
    const held = hook.hold(STATUS_BATCH);
    const lift = withDeps((deps) =>
      changeLabelStatus({ ...deps, db: hook.db }, label!.number, "reinstate", { reason: "Levée", actor: body }),
    );
    await held.reachedBy(lift);
    // A: the administration lifts the body's suspension; B: and suspends again, on its own authority.
    await makeStatusChange(label!.number, "reinstate");
    await makeStatusChange(label!.number, "suspend", { actor: FACTORY_ACTOR });
    held.release();
    await conflictOf(lift);
    expect((await labelOf(label!.number)).status).toBe("suspended");
    // Retried on the state as it is now, the body is refused: the suspension is the administration's.
    const again = withDeps((deps) =>
      changeLabelStatus(deps, label!.number, "reinstate", { reason: "Levée", actor: body }),
    );
    await expect(again).rejects.toMatchObject({ kind: "forbidden" });
  });
});

describe("events in commit order", () => {
  it("the public history and the label's events end with its current status, whatever days were given", async () => {
    const label = await makeLabel({ awardedOn: "2026-01-05" });
    const { number, structureCode: code } = label;
    await makeStatusChange(number, "suspend", { on: today() });
    // Lifted with an earlier effective day than the suspension's: still the latest event.
    await makeStatusChange(number, "reinstate", { on: "2026-01-06" });
    const history = await call("GET", `/v1/public/labels/${code}/history`, { token: null });
    expect(history.status, history.text).toBe(200);
    expect(history.json.items.map((e: { type: string }) => e.type)).toEqual(["reinstated", "suspended", "awarded"]);
    expect((await eventsOf(number)).map((e) => e.type)).toContain("reinstated");
    const listed = await call("GET", `/v1/labels/${number}/events`);
    expect(listed.json.items.at(-1).type).toBe("reinstated");
  });
});

describe("award vs référentiel edit", () => {
  it("a version is never frozen with rules its first label does not follow", async () => {
    const { code } = await awardable();
    const base = (await call("GET", "/v1/referentials/2023-illustratif")).json;
    const version = "2026-course";
    const created = await call("POST", "/v1/referentials", {
      body: { version, description: "Version de test", official: false, rules: base.rules },
    });
    expect(created.status, created.text).toBe(201);
    expect((await call("POST", `/v1/referentials/${version}/activate`)).status).toBe(200);
    try {
      const hook = interleave(env.DB);
      const held = hook.hold(DECISION_BATCH);
      const stale = withDeps((deps) => award({ ...deps, db: hook.db }, code));
      await held.reachedBy(stale);
      const rules = { ...base.rules, validityMonths: 24 };
      const edited = await call("PUT", `/v1/referentials/${version}`, {
        body: { description: "Version de test", official: false, rules },
      });
      expect(edited.status, edited.text).toBe(200);
      held.release();
      const err = await conflictOf(stale);
      expect(err.message).toContain("référentiel's rules were edited");
      expect((await call("GET", `/v1/referentials/${version}`)).json).toMatchObject({ usedAt: null });
      // Retried: evaluated, and its term computed, under the rules as they are now.
      const { label } = await withDeps((deps) => award(deps, code));
      expect(label!.expiresOn).toBe((await call("GET", `/v1/public/labels/${code}`, { token: null })).json.expiresOn);
      expect((await call("GET", `/v1/referentials/${version}`)).json.usedAt).not.toBeNull();
    } finally {
      expect((await call("POST", "/v1/referentials/2023-illustratif/activate")).status).toBe(200);
    }
  });
});
