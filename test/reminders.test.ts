import { describe, expect, it } from "vitest";
import { longFrenchDate } from "../src/domain/badge";
import { deName, frenchNumber } from "../src/domain/french";
import { addDays, daysBetween, dueReminder, reminderWindows } from "../src/domain/reminders";
import { afterFailure, MAX_ATTEMPTS, retryDelayMs } from "../src/domain/retry";
import { expiryEmail, reminderEmail } from "../src/email/templates";

const OFFSETS = [180, 90, 30, 7];

describe("dueReminder", () => {
  it("is due from its offset on, the most urgent one wins", () => {
    expect(dueReminder("2029-03-31", addDays("2029-03-31", -181), OFFSETS)).toBeNull();
    expect(dueReminder("2029-03-31", addDays("2029-03-31", -180), OFFSETS)).toEqual({
      offset: 180,
      daysLeft: 180,
      skipped: [],
    });
    expect(dueReminder("2029-03-31", addDays("2029-03-31", -91), OFFSETS)?.offset).toBe(180);
    expect(dueReminder("2029-03-31", addDays("2029-03-31", -20), OFFSETS)).toEqual({
      offset: 30,
      daysLeft: 20,
      skipped: [180, 90],
    });
    expect(dueReminder("2029-03-31", "2029-03-31", OFFSETS)).toEqual({
      offset: 7,
      daysLeft: 0,
      skipped: [180, 90, 30],
    });
    expect(dueReminder("2029-03-31", "2029-04-01", OFFSETS)).toBeNull();
  });

  it("windows cover [today, today + largest offset] once, and agree with dueReminder", () => {
    const today = "2028-02-27";
    const windows = reminderWindows(today, OFFSETS);
    for (let d = 0; d <= 200; d++) {
      const end = addDays(today, d);
      const inWindows = windows.filter((w) => w.fromExpiresOn <= end && end <= w.toExpiresOn);
      const due = dueReminder(end, today, OFFSETS);
      expect(inWindows.map((w) => w.offset)).toEqual(due ? [due.offset] : []);
    }
  });

  it("counts days across leap years", () => {
    expect(daysBetween("2028-02-28", "2028-03-01")).toBe(2);
    expect(addDays("2029-02-28", 1)).toBe("2029-03-01");
  });
});

describe("retries", () => {
  it("back off exponentially, then fail", () => {
    expect(retryDelayMs(1)).toBe(5 * 60_000);
    expect(retryDelayMs(2)).toBe(10 * 60_000);
    expect(retryDelayMs(20)).toBe(12 * 3_600_000);
    expect(afterFailure(1, false, 0)).toEqual({ status: "pending", nextAttemptAt: new Date(5 * 60_000).toISOString() });
    expect(afterFailure(1, true, 0)).toEqual({ status: "failed" });
    expect(afterFailure(MAX_ATTEMPTS, false, 0)).toEqual({ status: "failed" });
  });
});

describe("templates", () => {
  it("French dates and escaped, accessible HTML", () => {
    expect(longFrenchDate("2029-03-01")).toBe("1er mars 2029");
    const m = reminderEmail(
      {
        labelNumber: "SPP-1",
        tier: "or",
        expiresOn: "2029-08-15",
        structure: { code: "X-1", name: "Mairie <annexe> & co" },
        certifierName: "OC",
        verifyUrl: "https://r.example/verify/X-1",
      },
      30,
    );
    expect(m.subject).toBe("Label « Services Publics + » : échéance le 15 août 2029 (Mairie <annexe> & co)");
    expect(m.text).toContain("il reste 30 jours");
    expect(m.html).toContain('<html lang="fr">');
    expect(m.html).toContain("Mairie &lt;annexe&gt; &amp; co");
    expect(m.html).not.toContain("<annexe>");
    expect(m.html).toContain("<title>");
  });

  it("say « palier » as every page does, never « niveau »; numbers and « de » + name the French way", () => {
    const facts = {
      labelNumber: "SPP-2026-000001",
      tier: "argent" as const,
      expiresOn: "2029-02-08",
      structure: { code: "X-2", name: "Office du tourisme" },
      certifierName: "OC",
      verifyUrl: "https://r.example/verify/X-2",
    };
    for (const m of [reminderEmail(facts, 1200), expiryEmail(facts)]) {
      for (const body of [m.text, m.html]) {
        expect(body).not.toMatch(/niveau/i);
        expect(body).toContain("Palier : Argent");
        expect(body).not.toContain("de Office");
      }
    }
    expect(reminderEmail(facts, 1200).text).toContain("il reste 1\u202f200 jours");
    expect(reminderEmail(facts, 30).text).toContain("au palier Argent de la structure Office du tourisme");
    expect(expiryEmail(facts).subject).toBe("Label « Services Publics + » expiré (Office du tourisme)");
    expect(expiryEmail(facts).text).toContain("Le label « Services Publics + » d'Office du tourisme a expiré");
    expect(expiryEmail({ ...facts, structure: { code: "X-3", name: "Le Centre des impôts" } }).text).toContain(
      "Le label « Services Publics + » du Centre des impôts a expiré",
    );
  });
});

describe("French typography (src/domain/french.ts)", () => {
  it("numbers with a comma and grouped thousands; « de » + name elided or contracted", () => {
    expect(frenchNumber(62.5)).toBe("62,5");
    expect(frenchNumber(12000)).toBe("12\u202f000");
    expect(frenchNumber(1 / 3)).toBe("0,33");
    expect(frenchNumber(null)).toBe("—");
    expect(deName("Organisme Exemple")).toBe("d'Organisme Exemple");
    expect(deName("Hôpital Nord")).toBe("d'Hôpital Nord");
    expect(deName("L'Organisme")).toBe("de l'Organisme");
    expect(deName("Le Centre")).toBe("du Centre");
    expect(deName("Les Impôts")).toBe("des Impôts");
    expect(deName("La Poste")).toBe("de la Poste");
    expect(deName("Lebrun Certification")).toBe("de Lebrun Certification");
    expect(deName("Bureau Veritas")).toBe("de Bureau Veritas");
  });
});

describe("reminderWindows since the last run", () => {
  const OFFSETS_ = [180, 90, 30, 7];
  it("keeps only the labels that crossed an offset since the last run", () => {
    // Daily runs: yesterday's run handled every label with ≤ offset days left then.
    expect(reminderWindows("2029-01-10", OFFSETS_, "2029-01-09")).toEqual([
      { offset: 7, fromExpiresOn: "2029-01-17", toExpiresOn: "2029-01-17" },
      { offset: 30, fromExpiresOn: "2029-02-09", toExpiresOn: "2029-02-09" },
      { offset: 90, fromExpiresOn: "2029-04-10", toExpiresOn: "2029-04-10" },
      { offset: 180, fromExpiresOn: "2029-07-09", toExpiresOn: "2029-07-09" },
    ]);
  });
  it("is empty when run twice on the same day, and widens after days of silence", () => {
    expect(reminderWindows("2029-01-10", OFFSETS_, "2029-01-10")).toEqual([]);
    const after = reminderWindows("2029-03-11", OFFSETS_, "2029-01-10");
    expect(after.find((w) => w.offset === 30)).toEqual({
      offset: 30,
      fromExpiresOn: "2029-03-19",
      toExpiresOn: "2029-04-10",
    });
    // Never wider than the full windows.
    expect(after.find((w) => w.offset === 7)).toEqual(
      reminderWindows("2029-03-11", OFFSETS_).find((w) => w.offset === 7),
    );
  });
});
