import { describe, expect, it } from "vitest";
import { addDays, anniversary, labelExpiresOn } from "../src/domain/label-dates";

describe("label dates", () => {
  it("expires the day before the anniversary (expiresOn is the last valid day)", () => {
    expect(labelExpiresOn("2026-03-15", 36)).toBe("2029-03-14");
    expect(labelExpiresOn("2026-01-01", 36)).toBe("2028-12-31");
  });

  it("a label awarded on 29 February expires on 28 February, three years later", () => {
    // 2027-02-29 does not exist: the anniversary is 2027-03-01, so the last valid day is 2027-02-28.
    expect(anniversary("2024-02-29", 36)).toBe("2027-03-01");
    expect(labelExpiresOn("2024-02-29", 36)).toBe("2027-02-28");
    // …and after 48 months, when the anniversary is itself a leap day, on 28 February 2028.
    expect(labelExpiresOn("2024-02-29", 48)).toBe("2028-02-28");
  });

  it("rolls a missing day to the first of the next month", () => {
    expect(anniversary("2026-01-31", 1)).toBe("2026-03-01");
    expect(anniversary("2026-08-31", 1)).toBe("2026-10-01");
    expect(anniversary("2026-12-15", 1)).toBe("2027-01-15");
  });

  it("adds days across months and years", () => {
    expect(addDays("2024-03-01", -1)).toBe("2024-02-29");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
  });

  it("rejects what is not a day", () => {
    expect(() => anniversary("2026-1-1", 1)).toThrow(RangeError);
  });
});
