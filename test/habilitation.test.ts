import { describe, expect, it } from "vitest";
import { assignmentRefusal, habilitationRefusal, isHabilitatedOn } from "../src/domain/habilitation";

const h = { status: "active" as const, from: "2024-01-01", until: "2025-12-31" };

describe("habilitation (pure)", () => {
  it("covers [from, until] inclusive while active", () => {
    expect(isHabilitatedOn(h, "2024-01-01")).toBe(true);
    expect(isHabilitatedOn(h, "2025-12-31")).toBe(true);
    expect(isHabilitatedOn(h, "2023-12-31")).toBe(false);
    expect(isHabilitatedOn(h, "2026-01-01")).toBe(false);
    expect(isHabilitatedOn({ ...h, status: "revoked" }, "2025-01-01")).toBe(false);
  });

  it("says why", () => {
    expect(habilitationRefusal(h, "2025-06-01")).toBeNull();
    expect(habilitationRefusal(h, "2026-01-01")).toContain("2024-01-01 – 2025-12-31");
    expect(habilitationRefusal({ ...h, status: "suspended" }, "2025-06-01")).toContain("suspended");
    expect(assignmentRefusal("oc_a", "oc_a")).toBeNull();
    expect(assignmentRefusal("oc_a", "oc_b")).toContain("not assigned");
    expect(assignmentRefusal("oc_a", null)).toContain("not assigned");
  });
});
