import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { isCodeSp, isDepartment, isPostcode, isSiret, luhn } from "../src/domain/identifiers";

describe("SIRET", () => {
  it("accepts a SIRET whose Luhn check digit is right", () => {
    expect(isSiret("11000201100044")).toBe(true); // a State administration's SIRET
  });
  it("rejects a wrong check digit, a wrong length and non-digits", () => {
    expect(isSiret("11000201100045")).toBe(false);
    expect(isSiret("1100020110004")).toBe(false);
    expect(isSiret("1100020110004A")).toBe(false);
  });
  it("accepts La Poste establishments whose digits sum to a multiple of 5 (INSEE exception)", () => {
    expect(isSiret("35600000000048")).toBe(true); // La Poste's head office, which also passes Luhn
    expect(luhn("35600000000001")).toBe(false); // fails Luhn, digits sum to 15
    expect(isSiret("35600000000001")).toBe(true);
    expect(isSiret("35600000000002")).toBe(false); // sum 16, fails Luhn
  });
  it("does not extend the La Poste exception to other SIRENs", () => {
    expect(luhn("35600000100000")).toBe(false); // SIREN 356000001, digits sum to 15
    expect(isSiret("35600000100000")).toBe(false);
  });
  test.prop([fc.stringMatching(/^\d{13}$/)])("exactly one final digit completes any 13 digits", (head) => {
    const valid = [..."0123456789"].filter((d) => luhn(head + d));
    expect(valid).toHaveLength(1);
  });
});

describe("postcodes and departments", () => {
  it.each(["01000", "13001", "20000", "75007", "97400", "98000"])("postcode %s is valid", (p) =>
    expect(isPostcode(p)).toBe(true),
  );
  it.each(["00100", "99000", "1300", "130001", "2A000"])("postcode %s is not", (p) =>
    expect(isPostcode(p)).toBe(false),
  );
  it.each(["01", "19", "2A", "2B", "21", "95", "971", "974", "976"])("department %s is valid", (d) =>
    expect(isDepartment(d)).toBe(true),
  );
  it.each(["00", "20", "96", "970", "977", "2C", "1"])("department %s is not", (d) =>
    expect(isDepartment(d)).toBe(false),
  );
});

describe("Code SP+", () => {
  it("accepts opaque codes and refuses label-number shapes and odd characters", () => {
    expect(isCodeSp("DEMO-PREF-13")).toBe(true);
    expect(isCodeSp("12345")).toBe(true);
    expect(isCodeSp("SPP-2025-000001")).toBe(false);
    expect(isCodeSp("-x")).toBe(false);
    expect(isCodeSp("a b")).toBe(false);
    expect(isCodeSp("x".repeat(41))).toBe(false);
    expect(isCodeSp("verify")).toBe(false); // a literal path segment beside references (RESERVED_CODES)
    expect(isCodeSp("VeRiFy")).toBe(false);
    expect(isCodeSp("verify-1")).toBe(true);
  });
});
