import { describe, expect, it } from "vitest";
import { assignmentRefusal, futureDates, habilitationRefusal, isHabilitatedOn } from "../src/domain/habilitation";

const h = { status: "active" as const, from: "2024-01-01", until: "2025-12-31" };
const GRACE = 30;
const act = (on: string, receivedOn = on) => ({ kind: "act" as const, on, receivedOn });
const result = (on: string, receivedOn = on) => ({ kind: "result" as const, on, receivedOn });

describe("habilitation (pure)", () => {
  it("covers [from, until] inclusive while active", () => {
    expect(isHabilitatedOn(h, "2024-01-01")).toBe(true);
    expect(isHabilitatedOn(h, "2025-12-31")).toBe(true);
    expect(isHabilitatedOn(h, "2023-12-31")).toBe(false);
    expect(isHabilitatedOn(h, "2026-01-01")).toBe(false);
    expect(isHabilitatedOn({ ...h, status: "revoked" }, "2025-01-01")).toBe(false);
  });

  it("an act (decision, status change) needs the habilitation on the day it is dated and on the day it is received", () => {
    expect(habilitationRefusal(h, act("2025-06-01"), GRACE)).toBeNull();
    expect(habilitationRefusal(h, act("2025-12-31", "2025-12-31"), GRACE)).toBeNull();
    // Dated on the last day, sent the day after: refused, whatever the grace for results.
    expect(habilitationRefusal(h, act("2025-12-31", "2026-01-01"), GRACE)).toContain(
      "not habilitated on 2026-01-01, the day it was received",
    );
    expect(habilitationRefusal(h, act("2023-12-31", "2024-01-02"), GRACE)).toContain("not habilitated on 2023-12-31");
  });

  it("a result (audit, survey) performed while habilitated may arrive up to the grace after the end", () => {
    expect(habilitationRefusal(h, result("2025-12-31", "2026-01-30"), GRACE)).toBeNull();
    expect(habilitationRefusal(h, result("2025-12-15", "2026-01-31"), GRACE)).toContain(
      "accepted until 2026-01-30 (30 days after the habilitation ended); this one was received on 2026-01-31",
    );
    expect(habilitationRefusal(h, result("2025-12-31", "2026-01-01"), 0)).toContain("accepted until 2025-12-31");
    // Performed after the end: never, even within the grace.
    expect(habilitationRefusal(h, result("2026-01-01", "2026-01-02"), GRACE)).toContain(
      "not habilitated on 2026-01-01 (habilitation 2024-01-01 – 2025-12-31)",
    );
  });

  it("a suspended or revoked habilitation refuses everything, grace or not", () => {
    for (const status of ["suspended", "revoked"] as const) {
      expect(habilitationRefusal({ ...h, status }, result("2025-06-01"), GRACE)).toBe(
        `The body's habilitation is ${status}`,
      );
      expect(habilitationRefusal({ ...h, status }, act("2025-06-01"), GRACE)).toContain(status);
    }
  });

  it("names every date after the day of reception", () => {
    const dates = [
      { path: "data.periodStart", day: "2026-03-01" },
      { path: "data.periodEnd", day: "2026-03-02" },
    ];
    expect(futureDates(dates, "2026-03-02")).toEqual([]);
    expect(futureDates(dates, "2026-03-01").map((e) => e.path)).toEqual(["data.periodEnd"]);
    expect(futureDates(dates, "2026-02-28").map((e) => e.path)).toEqual(["data.periodStart", "data.periodEnd"]);
    expect(futureDates(dates, "2026-02-28")[0]!.message).toContain("2026-02-28, Europe/Paris");
  });

  it("assignment", () => {
    expect(assignmentRefusal("oc_a", "oc_a")).toBeNull();
    expect(assignmentRefusal("oc_a", "oc_b")).toContain("not assigned");
    expect(assignmentRefusal("oc_a", null)).toContain("not assigned");
  });
});
