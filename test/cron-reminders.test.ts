import { describe, expect, it } from "vitest";
import { addDays } from "../src/domain/reminders";
import { makeLabel, makeStatusChange } from "./factories";
import { daily, eventsOf, labelOf, outboxOf, runDelivery } from "./helpers";

/** A label expiring on `expiresOn`, already renewed (the renewal awarded 70 days before, its own term far off). */
async function renewedLabel(expiresOn: string) {
  const old = await makeLabel({ expiresOn });
  await makeLabel({ structureCode: old.structureCode, awardedOn: addDays(expiresOn, -70) });
  return old;
}

const sentKinds = async (n: string) => (await outboxOf(n)).filter((r) => r.status !== "skipped").map((r) => r.kind);

describe("daily job: reminders", () => {
  it("queues each offset once, on its day, and never again", async () => {
    const end = "2029-06-30";
    const l = await makeLabel({ expiresOn: end });
    // Every day from 200 days before the end to the last valid day.
    for (let d = 200; d >= 0; d--) await daily(addDays(end, -d));
    const rows = await outboxOf(l.number);
    expect(rows.map((r) => [r.kind, r.status, r.createdAt.slice(0, 10)])).toEqual([
      ["reminder-180", "pending", addDays(end, -180)],
      ["reminder-30", "pending", addDays(end, -30)],
      ["reminder-7", "pending", addDays(end, -7)],
      ["reminder-90", "pending", addDays(end, -90)],
    ]);
    expect(rows[0]!.recipients).toHaveLength(2);
  });

  it("the same day twice queues nothing more", async () => {
    const l = await makeLabel({ expiresOn: "2029-06-30" });
    await daily("2029-06-23");
    await daily("2029-06-23");
    expect(await sentKinds(l.number)).toEqual(["reminder-7"]);
  });

  it("two overlapping runs queue one e-mail", async () => {
    const l = await makeLabel({ expiresOn: "2029-03-31" });
    await Promise.all([daily("2029-01-01"), daily("2029-01-01"), daily("2029-01-01")]);
    const rows = await outboxOf(l.number);
    expect(rows.map((r) => [r.kind, r.status])).toEqual([
      ["reminder-180", "skipped"],
      ["reminder-90", "pending"],
    ]);
  });

  it("after 60 days of silence only the most urgent due reminder goes out", async () => {
    const l = await makeLabel({ expiresOn: "2029-06-30" });
    await daily(addDays("2029-06-30", -180));
    // Down from 175 to 26 days before the end: the 90 and 30 reminders are both due when it comes back.
    await daily(addDays("2029-06-30", -25));
    await daily(addDays("2029-06-30", -24));
    const rows = await outboxOf(l.number);
    expect(rows.map((r) => [r.kind, r.status])).toEqual([
      ["reminder-180", "pending"],
      ["reminder-30", "pending"],
      ["reminder-90", "skipped"],
    ]);
  });

  it("nothing for suspended, withdrawn or renewed labels", async () => {
    const suspended = await makeLabel({ expiresOn: "2029-03-31", status: "suspended" });
    const withdrawn = await makeLabel({ expiresOn: "2029-03-31", status: "withdrawn" });
    const renewed = await renewedLabel("2029-03-31");
    await daily("2029-03-25");
    await daily("2029-04-01");
    for (const l of [withdrawn, renewed]) expect(await outboxOf(l.number)).toEqual([]);
    // No reminder for the suspended label; at the end of its term it lapses, and that is notified.
    expect((await outboxOf(suspended.number)).map((r) => r.kind)).toEqual(["expiry"]);
    expect((await labelOf(withdrawn.number)).status).toBe("withdrawn");
  });

  it("a reminder queued before a suspension is not sent", async () => {
    const l = await makeLabel({ expiresOn: "2029-03-31" });
    await daily("2029-03-24");
    await makeStatusChange(l.number, "suspend", { on: "2029-03-24" });
    await runDelivery("2029-03-24T03:10:00Z");
    const [row] = await outboxOf(l.number);
    expect(row!.status).toBe("skipped");
    expect(row!.providerId).toBeNull();
  });
});

describe("daily job: expiry", () => {
  it("expires the day after the last valid day, with one event and one notice", async () => {
    const l = await makeLabel({ expiresOn: "2029-03-31" });
    await daily("2029-03-31");
    expect((await labelOf(l.number)).status).toBe("valid");
    await Promise.all([daily("2029-04-01"), daily("2029-04-01")]);
    await daily("2029-04-02");
    expect((await labelOf(l.number)).status).toBe("expired");
    const events = await eventsOf(l.number);
    expect(events.map((e) => [e.type, e.fromStatus, e.toStatus, e.actor, e.effectiveOn])).toEqual([
      ["awarded", null, "valid", "admin:token", l.awardedOn],
      ["expired", "valid", "expired", "system:cron", "2029-04-01"],
    ]);
    const notices = (await outboxOf(l.number)).filter((r) => r.kind === "expiry");
    expect(notices).toHaveLength(1);
    expect(notices[0]!.subject).toContain("expiré");
  });

  it("a renewed label expires silently; a suspended one expires too (a suspension does not extend the term)", async () => {
    const renewed = await renewedLabel("2029-03-31");
    const suspended = await makeLabel({ expiresOn: "2029-03-31", status: "suspended" });
    await daily("2029-04-01");
    expect((await labelOf(renewed.number)).status).toBe("expired");
    expect(await outboxOf(renewed.number)).toEqual([]);
    expect((await labelOf(suspended.number)).status).toBe("expired");
    expect((await eventsOf(suspended.number)).map((e) => [e.type, e.fromStatus, e.toStatus])).toEqual([
      ["awarded", null, "valid"],
      ["suspended", "valid", "suspended"],
      ["expired", "suspended", "expired"],
    ]);
  });
});

describe("daily job: incremental reading", () => {
  it("a label imported after the last run with 5 days left gets the 7-day reminder on the next run", async () => {
    await daily("2031-01-01");
    const late = await makeLabel({ expiresOn: "2031-01-07" });
    await daily("2031-01-02");
    expect((await outboxOf(late.number)).map((r) => [r.kind, r.status])).toEqual(
      [
        ["reminder-7", "pending"],
        ["reminder-180", "skipped"],
        ["reminder-90", "skipped"],
        ["reminder-30", "skipped"],
      ].sort(),
    );
  });
});
