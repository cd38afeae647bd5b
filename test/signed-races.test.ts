/**
 * Signed documents, deliveries and effects under forced interleavings (test/interleave.ts): what the
 * registry saves and signs stays true when two runs overlap, when a run dies between two of its steps,
 * when a delivery's copy takes over, or when a cron run starts late (docs/adr/0008).
 *
 * The invariant every test here ends on: the stored, signed documents say what the records say now —
 * a status list's bit is its label's state, a credential names the structure as it is named now.
 */
import { env } from "cloudflare:test";
import { decodeList } from "@digitalbazaar/vc-bitstring-status-list";
import { describe, expect, it } from "vitest";
import { signStructure } from "../src/changes/credentials";
import { runDueEffects } from "../src/changes/effects";
import { getDb } from "../src/db/client";
import type { StatusPurpose } from "../src/db/schema";
import { addDays, todayUtc } from "../src/domain/label-dates";
import { CRONS } from "../src/scheduled";
import type { Deps } from "../src/services/deps";
import { makeAssignedStructure, makeInputs, makeLabel, makeLegacyLabel, uniqueId } from "./factories";
import { call, runCron, sql } from "./helpers";
import { interleave } from "./interleave";
import { deliver } from "./webhooks-helpers";

const today = todayUtc();
const deps = (db = getDb(env.DB), over: Record<string, string> = {}): Deps => ({
  db,
  env: { ...env, ...over } as Env,
  waitUntil: () => {},
});
/** The minute cron's runs until nothing is due, each a few minutes later (past leases and backoffs). */
async function settle(over: Record<string, string> = {}) {
  for (let minutes = 2; minutes <= 20; minutes += 2) {
    const r = await runDueEffects(deps(getDb(env.DB), over), new Date(Date.now() + minutes * 60_000));
    if (r.done + r.failed === 0) return;
  }
}

/** A label's place, and whether its bit is set in the STORED, signed list of a purpose. */
const storedBit = (labelNumber: string, purpose: "revocation" | "suspension") =>
  storedBitAt(labelNumber, purpose, null);

/** Whether a bit (by default the label's index) is set in the STORED, signed list of the label's place. */
async function storedBitAt(labelNumber: string, purpose: StatusPurpose, position: number | null) {
  const [entry] = await sql<{ list: string; idx: number }>(
    "SELECT list, idx FROM status_entries WHERE label_number = ?",
    labelNumber,
  );
  if (!entry) throw new Error(`${labelNumber} has no place in a status list`);
  const [row] = await sql<{ document: string }>(
    "SELECT document FROM status_lists WHERE purpose = ? AND list = ?",
    purpose,
    entry.list,
  );
  if (!row) throw new Error(`status list ${purpose}/${entry.list} not signed`);
  const doc = JSON.parse(row.document);
  return (await decodeList({ encodedList: doc.credentialSubject.encodedList })).getStatus(position ?? entry.idx);
}

/** A label's 2-bit value in its stored `message` list (0x1 suspended, 0x2 withdrawn; first bit the high one). */
async function storedMessage(labelNumber: string) {
  const [entry] = await sql<{ idx: number }>("SELECT idx FROM status_entries WHERE label_number = ?", labelNumber);
  const high = await storedBitAt(labelNumber, "message", entry!.idx * 2);
  const low = await storedBitAt(labelNumber, "message", entry!.idx * 2 + 1);
  return (high ? 2 : 0) + (low ? 1 : 0);
}

const storedCredential = async (labelNumber: string) => {
  const [row] = await sql<{ document: string }>("SELECT document FROM credentials WHERE label_number = ?", labelNumber);
  return row ? JSON.parse(row.document) : null;
};

const suspend = (number: string, opts: { env?: object } = {}) =>
  call("POST", `/v1/labels/${number}/suspend`, { body: { reason: "Contrôle de suivi" }, env: opts.env });

/** A credential intent alone for a structure, as the backfill of labels signed before credentials writes. */
const queueCredential = (code: string) =>
  env.DB.prepare(
    `INSERT INTO effects (id, kind, subject, status, attempts, next_attempt_at, created_at)
     VALUES ('eff_' || lower(hex(randomblob(10))), 'credential', ?1, 'pending', 0, ?2, ?2)
     ON CONFLICT (kind, subject) WHERE status = 'pending' DO NOTHING`,
  )
    .bind(code, new Date().toISOString())
    .run();

describe("race 2: a status list is saved only if nothing newer was", () => {
  it("two overlapping runs, the older one held before its save: the label suspended meanwhile reads suspended", async () => {
    const first = await makeLabel();
    const second = await makeLabel();
    expect(await storedBit(second.number, "suspension")).toBe(false);

    // Run A: the first suspension's own run reads the bits, signs, and is held before it saves.
    const hook = interleave(env.DB);
    const held = hook.hold(/insert into "status_lists"/i);
    const a = suspend(first.number, { env: { DB: hook.d1 } });
    await held.reached;
    // Run B: a second suspension lands and its run saves the list with both bits.
    expect((await suspend(second.number)).status).toBe(200);
    expect(await storedBit(second.number, "suspension")).toBe(true);
    // A saves last: it must not erase B's bit.
    held.release();
    expect((await a).status).toBe(200);

    expect(await storedBit(first.number, "suspension")).toBe(true);
    expect(await storedBit(second.number, "suspension")).toBe(true);
  });
});

describe("race 2: a credential is saved only if nothing newer was", () => {
  it("a structure renamed while an older run signs its label's credential: the new name is what stays signed", async () => {
    const label = await makeLegacyLabel({ awardedOn: addDays(today, -30) });
    const hook = interleave(env.DB);
    const held = hook.hold(/insert into "credentials"/i);
    // Run A (the cron's backfill of this label) signs the credential under the old name, held before its save.
    const a = signStructure(deps(hook.db), label.structureCode, new Date());
    await held.reached;
    const renamed = await call("PATCH", `/v1/structures/${label.structureCode}`, {
      body: { name: "Maison France services renommée" },
    });
    expect(renamed.status, renamed.text).toBe(200);
    held.release();
    await a;

    const vc = await storedCredential(label.number);
    const names = vc.credentialSubject.identifier.find(
      (i: { identityType: string }) => i.identityType === "ext:structureName",
    );
    expect(names.identityHash).toContain("Maison France services renommée");
  });
});

describe("race 3: a crash between two steps of the credential effect still gets the revocation bit set", () => {
  // Each step of the effect is one batch: the place with its lists' intents, the credential with its
  // purges, a list that did not exist yet, the list re-signed. A crash before or after any of them.
  const steps = [
    { step: "the place in the list", pattern: /insert into "status_entries"/i, listExists: true },
    { step: "the credential's save", pattern: /insert into "credentials"/i, listExists: true },
    { step: "the re-signed list's save", pattern: /insert into "status_lists"/i, listExists: true },
    { step: "a new list's first save", pattern: /insert into "status_lists"/i, listExists: false },
    { step: "the purge intents", pattern: /insert into "effects"/i, listExists: true },
  ];
  const cases = steps.flatMap((s) => [false, true].map((after) => ({ ...s, after })));

  it.each(cases.map((c, i) => ({ ...c, year: String(2001 + i) })))(
    "crash $step (after it landed: $after)",
    async ({ pattern, after, listExists, year }) => {
      if (listExists) {
        // Another label of the year, signed: its lists exist.
        const other = await makeLegacyLabel({ awardedOn: `${year}-02-01` });
        await queueCredential(other.structureCode);
        await settle();
        expect(await storedBit(other.number, "revocation")).toBe(false);
      }
      // Withdrawn before credentials existed; only its credential intent is pending (the backfill).
      const label = await makeLegacyLabel({ awardedOn: `${year}-03-01`, status: "withdrawn" });
      await queueCredential(label.structureCode);

      const hook = interleave(env.DB);
      hook.crash(pattern, { after });
      const run = await runDueEffects(deps(hook.db), new Date());
      expect(run.failed, "the crash made the run fail").toBeGreaterThan(0);
      expect(
        hook.batches.some((b) => b.some((s) => pattern.test(s))),
        "the crash point was reached",
      ).toBe(true);

      await settle();
      expect(await storedBit(label.number, "revocation")).toBe(true);
      expect(await storedCredential(label.number)).not.toBeNull();
      const [left] = await sql<{ n: number }>("SELECT count(*) AS n FROM effects WHERE status <> 'done'");
      expect(left!.n).toBe(0);
    },
  );
});

describe("status list rollover", () => {
  it("a full list sends the next label of the year to a new list of the same year, served and verifiable", async () => {
    const small = { STATUS_LIST_CAPACITY: "2" };
    const year = "1998";
    const labels = [];
    for (let i = 1; i <= 4; i++) {
      const l = await makeLegacyLabel({ awardedOn: `${year}-04-0${i}` });
      await queueCredential(l.structureCode);
      labels.push(l);
    }
    await settle(small);
    const places = await sql<{ label_number: string; list: string; idx: number }>(
      "SELECT label_number, list, idx FROM status_entries WHERE list LIKE ? ORDER BY label_number",
      `${year}%`,
    );
    expect(places.map((p) => p.list)).toEqual([year, year, `${year}-2`, `${year}-2`]);
    for (const p of places) expect(p.idx).toBeLessThan(2);

    // One entry per credential, in the `message` list (ADR 0006), at the label's real place.
    const vc = await storedCredential(labels[3]!.number);
    expect(vc.credentialStatus.statusListCredential).toBe(`${env.PUBLIC_BASE_URL}/status/message/${year}-2`);
    expect(vc.credentialStatus.statusListIndex).toBe(String(places[3]!.idx));
    for (const purpose of ["message", "revocation", "suspension"]) {
      const list = await call("GET", `/status/${purpose}/${year}-2`, { token: null });
      expect(list.status).toBe(200);
      expect(list.json.id).toBe(`${env.PUBLIC_BASE_URL}/status/${purpose}/${year}-2`);
    }

    // A label of the new list suspended: its bit, in its own list.
    expect((await suspend(labels[3]!.number, { env: small })).status).toBe(200);
    await settle(small);
    expect(await storedBit(labels[3]!.number, "suspension")).toBe(true);
    expect(await storedBit(labels[1]!.number, "suspension")).toBe(false);
    expect(await storedMessage(labels[3]!.number)).toBe(0x1);
    expect(await storedMessage(labels[1]!.number)).toBe(0x0);
  });
});

describe("effects after a change and in the minute cron", () => {
  it("an error in afterChange after the batch: the admin hears the write landed; the cron carries the effects out", async () => {
    const label = await makeLabel();
    const hook = interleave(env.DB);
    // The batch recording the first effects' outcome fails (D1 unavailable for a moment).
    hook.crash(/update "effects" set "status"/i);
    const r = await suspend(label.number, { env: { DB: hook.d1 } });
    expect(r.status, r.text).toBe(200);
    expect(r.json.status).toBe("suspended");
    expect(hook.batches.some((b) => b.some((s) => /update "effects" set "status"/i.test(s)))).toBe(true);

    await settle();
    expect(await storedBit(label.number, "suspension")).toBe(true);
  });

  it("a cron run that starts late leases what it claims from the clock, not from its scheduled time", async () => {
    const label = await makeLabel();
    await queueCredential(label.structureCode);
    const hook = interleave(env.DB);
    const held = hook.hold(/update "effects" set "status"/i);
    const run = runCron(CRONS.effects, Date.now() - 5 * 60_000, { DB: hook.d1 });
    await held.reached;
    const running = await sql<{ next_attempt_at: string }>(
      "SELECT next_attempt_at FROM effects WHERE status = 'running'",
    );
    expect(running.length).toBeGreaterThan(0);
    // Still leased: another run now would not take them over.
    const now = new Date().toISOString();
    for (const row of running) expect(row.next_attempt_at > now).toBe(true);
    held.release();
    await run;
  });
});

describe("effects: a run records its outcome only on the rows it still holds", () => {
  it("a run past its lease, taken over by another, records nothing over the run that holds the rows now", async () => {
    const label = await makeLabel();
    await settle();
    await queueCredential(label.structureCode);
    const outcome = /update "effects" set "status"/i;
    const [hookA, hookB] = [interleave(env.DB), interleave(env.DB)];
    const heldA = hookA.hold(outcome);
    const a = runDueEffects(deps(hookA.db), new Date());
    await heldA.reached; // A carried the intent out; it is about to record « done »
    // A stalls past its lease: B takes the row over and carries it out, held before it records.
    await sql("UPDATE effects SET next_attempt_at = '2000-01-01T00:00:00.000Z' WHERE status = 'running'");
    const heldB = hookB.hold(outcome);
    const b = runDueEffects(deps(hookB.db), new Date());
    await heldB.reached;
    const state = async () =>
      (
        await sql<{ status: string }>(
          "SELECT status FROM effects WHERE kind = 'credential' AND subject = ? ORDER BY created_at DESC LIMIT 1",
          label.structureCode,
        )
      ).map((r) => r.status);
    heldA.release();
    await a;
    expect(await state()).toEqual(["running"]); // B's claim: A's « done » did not land
    heldB.release();
    await b;
    expect(await state()).toEqual(["done"]);
  });
});

describe("webhook deliveries: one copy applies, under a claim it must still hold", () => {
  const awardBody = (code: string, day: string) => ({
    type: "label.decision",
    timestamp: new Date().toISOString(),
    data: { structureCode: code, decision: "award", tier: "argent", decidedOn: day },
  });

  it("a copy arriving past the takeover delay takes over; the first copy, still applying, then lands nothing", async () => {
    const { certifier, secret, code } = await makeAssignedStructure();
    const day = addDays(today, -3);
    await makeInputs(code, certifier.id, { on: day });
    const body = awardBody(code, day);
    const id = uniqueId("msg");

    const hook = interleave(env.DB);
    const held = hook.hold(/update "webhook_events"/i);
    const first = deliver(certifier.id, { secret, body, id, env: { DB: hook.d1 } });
    await held.reached;
    // The first copy has been applying for 61 s (the takeover delay is 60 s).
    const past = new Date(Date.now() - 61_000).toISOString();
    await sql("UPDATE webhook_events SET received_at = ?1, claimed_at = ?1 WHERE webhook_id = ?2", past, id);

    const copy = await deliver(certifier.id, { secret, body, id });
    expect(copy.status, copy.text).toBe(200);
    expect(copy.json.status).toBe("applied");
    held.release();
    const late = await first;
    expect(late.status).toBe(409);
    expect(late.headers.get("Retry-After")).toBe("5");

    // Applied once, by the copy; the row stays applied (never « rejected », never replayable).
    expect(await sql("SELECT number FROM labels WHERE structure_code = ?", code)).toHaveLength(1);
    const [row] = await sql<{ status: string }>("SELECT status FROM webhook_events WHERE webhook_id = ?", id);
    expect(row!.status).toBe("applied");
    expect((await deliver(certifier.id, { secret, body, id })).json).toEqual(copy.json);
  });

  it("a decision that lost to another on the same label is the delivery's answer, kept: decided again, it is a new delivery", async () => {
    // Label-state races are final for the delivery (ADR 0007): applied again on the new state, a renewal
    // would silently renew the label the other decision just created. Only a lost claim says « retry ».
    const { certifier, secret, code } = await makeAssignedStructure();
    await makeLabel({ structureCode: code, certifierId: certifier.id, awardedOn: addDays(today, -400) });
    const day = addDays(today, -2);
    await makeInputs(code, certifier.id, { on: day });
    const body = awardBody(code, day); // a renewal of the current label
    const id = uniqueId("msg");

    const hook = interleave(env.DB);
    const held = hook.hold(/insert into "labels"/i);
    const first = deliver(certifier.id, { secret, body, id, env: { DB: hook.d1 } });
    await held.reached;
    // The administration renews the same label meanwhile.
    const admin = await call("POST", `/v1/structures/${code}/decisions`, {
      body: { decision: "award", tier: "argent", decidedOn: day },
    });
    expect(admin.status, admin.text).toBe(201);
    held.release();
    const lost = await first;
    expect(lost.status).toBe(409);
    expect(lost.headers.get("Retry-After")).toBeNull();
    expect(lost.json.detail).toMatch(/new delivery, with a new webhook-id/);
    const [row] = await sql<{ status: string; response_status: number | null }>(
      "SELECT status, response_status FROM webhook_events WHERE webhook_id = ?",
      id,
    );
    expect(row).toMatchObject({ status: "rejected", response_status: 409 });

    // A copy of the same delivery gets the same answer: nothing is renewed behind anyone's back.
    const again = await deliver(certifier.id, { secret, body, id });
    expect(again.status).toBe(409);
    expect(await sql("SELECT number FROM labels WHERE structure_code = ?", code)).toHaveLength(2);
  });
});
