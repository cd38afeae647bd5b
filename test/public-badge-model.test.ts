/** The badge model and the public status, as pure functions. */
import { describe, expect, it } from "vitest";
import {
  badgeModel,
  COLOURS,
  longFrenchDate,
  PUBLIC_STATUSES,
  parisDateTime,
  parisDay,
  publicStatus,
  STATUS_EXPLANATIONS,
  shortFrenchDate,
  statusSentence,
  tierShown,
} from "../src/domain/badge";
import { type PublicLabel, toCsv } from "../src/public/present";

describe("publicStatus", () => {
  it("is none without a label", () => {
    expect(publicStatus(null, "2026-11-27")).toBe("none");
  });
  it("keeps a valid label valid through its last day (inclusive)", () => {
    expect(publicStatus({ status: "valid", expiresOn: "2026-11-27" }, "2026-11-27")).toBe("valid");
  });
  it("shows a stored-valid label past its last day as expired, before the cron runs", () => {
    expect(publicStatus({ status: "valid", expiresOn: "2026-11-26" }, "2026-11-27")).toBe("expired");
  });
  it("passes suspended, withdrawn and expired through, whatever the date", () => {
    for (const status of ["suspended", "withdrawn", "expired"] as const) {
      expect(publicStatus({ status, expiresOn: "2099-01-01" }, "2026-11-27")).toBe(status);
    }
  });
});

describe("dates", () => {
  it("formats French dates", () => {
    expect(shortFrenchDate("2029-03-30")).toBe("30/03/2029");
    expect(longFrenchDate("2029-03-01")).toBe("1er mars 2029");
    expect(longFrenchDate("2029-08-15")).toBe("15 août 2029");
  });
  it("writes an instant in Paris time with its offset (winter +01:00, summer +02:00)", () => {
    expect(parisDateTime(new Date("2026-11-28T03:00:00.000Z"))).toBe("2026-11-28T04:00:00+01:00");
    expect(parisDateTime(new Date("2026-07-14T22:30:15.999Z"))).toBe("2026-07-15T00:30:15+02:00");
    // The night the clocks go back: 01:30 UTC is 02:30 in Paris, back on +01:00.
    expect(parisDateTime(new Date("2026-10-25T01:30:00Z"))).toBe("2026-10-25T02:30:00+01:00");
    expect(parisDateTime(new Date("2026-10-25T00:30:00Z"))).toBe("2026-10-25T02:30:00+02:00");
  });
  it("takes today's day in Paris, not in UTC", () => {
    // 23:30 UTC on 31 Dec is already 1 Jan in Paris (UTC+1 in winter).
    expect(parisDay(new Date("2026-12-31T23:30:00Z"))).toBe("2027-01-01");
    expect(parisDay(new Date("2026-06-30T21:59:00Z"))).toBe("2026-06-30");
  });
});

describe("badgeModel", () => {
  it("says the tier and the last valid day for a valid label", () => {
    const m = badgeModel({ state: "valid", tier: "argent", expiresOn: "2029-03-30" });
    expect(m.label).toBe("Services Publics +");
    expect(m.message).toBe("Argent · valide jusqu'au 30/03/2029");
    expect(m.color).toBe(COLOURS.valid);
    expect(m.ariaLabel).toBe("Label Services Publics + : palier Argent, valide jusqu'au 30 mars 2029");
  });
  it.each([
    ["suspended", "Or · suspendu", COLOURS.suspended, "Label Services Publics + : palier Or, label suspendu"],
    ["withdrawn", "retiré", COLOURS.withdrawn, "Label Services Publics + : label retiré"],
    ["expired", "expiré", COLOURS.expired, "Label Services Publics + : label expiré"],
  ] as const)("words %s", (state, message, color, aria) => {
    const m = badgeModel({ state, tier: "or", expiresOn: "2020-01-01" });
    expect(m.message).toBe(message);
    expect(m.color).toBe(color);
    expect(m.ariaLabel).toBe(aria);
  });
  it("shows the tier only while it holds: valid and suspended, not withdrawn nor expired", () => {
    expect(PUBLIC_STATUSES.filter(tierShown)).toEqual(["valid", "suspended"]);
    expect(badgeModel({ state: "withdrawn", tier: "argent" }).message).not.toContain("Argent");
    expect(statusSentence("withdrawn", "argent")).toBe("Label retiré");
    expect(statusSentence("expired", "or")).toBe("Label expiré");
    expect(statusSentence("suspended", "or")).toBe("Label suspendu — palier Or");
  });
  it("explains every public status in one sentence", () => {
    for (const s of PUBLIC_STATUSES) {
      const sentence = STATUS_EXPLANATIONS[s];
      expect(sentence, s).toMatch(/^[A-ZÀ-Ý].{40,220}\.$/);
      expect(sentence.slice(0, -1), s).not.toMatch(/[.!?] /);
    }
  });
  it("words a structure without label and an unknown code", () => {
    expect(badgeModel({ state: "none" }).message).toBe("non labellisé");
    expect(badgeModel({ state: "unknown" }).message).toBe("inconnu");
    expect(badgeModel({ state: "unknown" }).ariaLabel).toBe(
      "Label Services Publics + : structure inconnue du registre",
    );
  });
  it("uses colours dark enough for white text (contrast ≥ 4.5:1)", () => {
    const lum = (hex: string) => {
      const c = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16) / 255);
      const l = c.map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
      return 0.2126 * l[0]! + 0.7152 * l[1]! + 0.0722 * l[2]!;
    };
    for (const [name, hex] of Object.entries(COLOURS)) {
      expect(1.05 / (lum(hex) + 0.05) >= 4.5, `${name} ${hex}`).toBe(true);
    }
  });
  it("has a headline for every public status", () => {
    expect(statusSentence("valid", "bronze")).toBe("Label valide — palier Bronze");
    expect(statusSentence("none")).toBe("Cette structure n'est pas labellisée");
  });
});

describe("toCsv", () => {
  const l: PublicLabel = {
    valid: true,
    status: "valid",
    tier: "or",
    labelNumber: "SPP-2026-000001",
    awardedOn: "2026-03-31",
    expiresOn: "2029-03-30",
    supersededBy: null,
    structure: { code: "X-1", name: '=HYPERLINK("x"); "Mairie"', network: "Réseau", city: "Évry", department: "91" },
    certifier: { name: "OC" },
    results: null,
    checkedAt: "2026-11-27T00:00:00.000Z",
    permalink: "https://r.example/verify/X-1",
  };
  it("writes a BOM, a ; separated header keyed on code_sp_de_la_structure, and CRLF lines", () => {
    const csv = toCsv([l]);
    expect(csv.startsWith("\uFEFFcode_sp_de_la_structure;")).toBe(true);
    expect(csv.endsWith("\r\n")).toBe(true);
    expect(csv.split("\r\n")).toHaveLength(3);
  });
  it("writes values in French: statut, valide, verifie_le in Paris time", () => {
    const plain = { ...l, structure: { ...l.structure, name: "Mairie" } };
    const [header, line] = toCsv([{ ...plain, valid: false, status: "withdrawn" }]).split("\r\n");
    const row = Object.fromEntries(header!.split(";").map((h, i) => [h, line!.split(";")[i]]));
    expect(row.statut).toBe("retiré");
    expect(row.valide).toBe("non");
    expect(row.palier).toBe("or");
    expect(row.verifie_le).toBe("2026-11-27T01:00:00+01:00");
    expect(toCsv([plain]).split("\r\n")[1]).toContain(";valide;oui;");
  });
  it("quotes separators and neutralises formulas", () => {
    const line = toCsv([l]).split("\r\n")[1]!;
    expect(line).toContain(`"'=HYPERLINK(""x""); ""Mairie"""`);
    expect(line).toContain(";Évry;");
  });
});
