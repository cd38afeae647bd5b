/**
 * Clean text: every free-text field of the API and of webhook events refuses control characters
 * (line feeds and tabs only in multi-line text), bidi overrides and isolates, and zero-width
 * characters, with a 422 naming the field; e-mail subjects are one line by construction.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { cleanText, textProblem } from "../src/domain/clean-text";
import { expiryEmail, reminderEmail, subjectLine } from "../src/email/templates";
import {
  auditEvent,
  certifierPayload,
  makeAssignedStructure,
  makeLabel,
  makeStructure,
  structurePayload,
} from "./factories";
import { call, daily, outboxOf, sql } from "./helpers";
import { deliver } from "./webhooks-helpers";

/** One of each kind refused everywhere, and what multi-line text also refuses. */
const HIDDEN = {
  "line feed": "\n",
  "carriage return": "\r",
  tab: "\t",
  NUL: "\u0000",
  BEL: "\u0007",
  DEL: "\u007f",
  "C1 NEL": "\u0085",
  "C1 CSI": "\u009b",
  "bidi override RLO": "\u202e",
  "bidi embedding LRE": "\u202a",
  "bidi isolate FSI": "\u2068",
  "pop directional isolate": "\u2069",
  "zero-width space": "\u200b",
  "zero-width joiner": "\u200d",
  "word joiner": "\u2060",
  "byte-order mark": "\ufeff",
  "line separator": "\u2028",
} as const;
const MULTILINE_OK = new Set(["\n", "\r", "\t"]);
const hidden = Object.values(HIDDEN);
const sneak = (c: string) => `Préfecture${c}de démonstration`;

describe("the rule (pure)", () => {
  it("refuses each hidden character inside one-line text, naming it", () => {
    for (const [name, c] of Object.entries(HIDDEN)) {
      const problem = textProblem(sneak(c));
      expect(problem, name).toContain(`U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`);
      expect(problem, name).toContain("position 10");
    }
    expect(textProblem("Préfecture des Bouches-du-Rhône — accueil « général » n°3 🇫🇷")).toBeNull();
  });

  it("multi-line text keeps line feeds and tabs; CRLF and CR are read as LF", () => {
    const schema = cleanText(100, { multiline: true });
    expect(schema.parse("  Motif :\r\n\t- audit non réalisé\rsuite  ")).toBe("Motif :\n\t- audit non réalisé\nsuite");
    for (const c of hidden.filter((c) => !MULTILINE_OK.has(c))) {
      expect(schema.safeParse(sneak(c)).success, JSON.stringify(c)).toBe(false);
    }
    expect(cleanText(100).safeParse("a\nb").success).toBe(false);
  });

  test.prop([fc.string({ unit: "binary", maxLength: 40 })])("accepts a string iff it has no hidden character", (s) => {
    const hasHidden = /[\p{Cc}\u202A-\u202E\u2066-\u2069\u200B-\u200D\u2060\uFEFF\u2028\u2029]/u.test(s.trim());
    const r = cleanText(1000).safeParse(s);
    if (s.trim().length > 0) expect(r.success).toBe(!hasHidden);
  });
});

describe("the API refuses hidden characters with a 422 naming the field", () => {
  const expect422 = (r: Awaited<ReturnType<typeof call>>, path: string, what: string) => {
    expect(r.status, `${what}: ${r.text}`).toBe(422);
    expect(
      r.json.errors.map((e: { path: string }) => e.path),
      what,
    ).toContain(path);
  };

  it("structures, certification bodies, assignments, API keys", async () => {
    const { code } = await makeStructure();
    for (const c of hidden) {
      const what = JSON.stringify(c);
      expect422(await call("POST", "/v1/structures", { body: structurePayload({ name: sneak(c) }) }), "name", what);
      expect422(
        await call("POST", "/v1/structures", {
          body: structurePayload({ contacts: [{ email: "a@b.example", role: sneak(c) }] }),
        }),
        "contacts.0.role",
        what,
      );
      expect422(await call("PATCH", `/v1/structures/${code}`, { body: { city: sneak(c) } }), "city", what);
      expect422(await call("POST", "/v1/certifiers", { body: certifierPayload({ name: sneak(c) }) }), "name", what);
      expect422(
        await call("PUT", `/v1/structures/${code}/certifier`, { body: { certifierId: "oc_x", contractRef: sneak(c) } }),
        "contractRef",
        what,
      );
      expect422(await call("POST", "/v1/api-keys", { body: { role: "admin", name: sneak(c) } }), "name", what);
    }
    // A URL too: the URL parser would silently drop a tab or a line break.
    expect422(
      await call("PATCH", `/v1/structures/${code}`, { body: { website: "https://demo.example/\r\nx" } }),
      "website",
      "url",
    );
    // Nothing was stored on the way.
    expect(await sql("SELECT code FROM structures WHERE name LIKE '%' || char(8238) || '%'")).toEqual([]);
  });

  it("multi-line fields (justification, reason, référentiel description) keep line breaks, refuse the rest", async () => {
    const { certifier, code } = await makeAssignedStructure();
    const label = (await makeLabel({ structureCode: code, certifierId: certifier.id, awardedOn: "2025-01-15" })).number;
    const rules = (await call("GET", "/v1/referentials/2023-illustratif")).json.rules;
    const referential = (description: string, heading = "Un service public plus proche") => ({
      version: `clean-${Math.random().toString(36).slice(2, 8)}`,
      description,
      official: false,
      rules: { ...rules, engagements: rules.engagements.map((e: object, i: number) => (i ? e : { ...e, heading })) },
    });
    for (const c of hidden.filter((c) => !MULTILINE_OK.has(c))) {
      const what = JSON.stringify(c);
      expect422(
        await call("POST", `/v1/structures/${code}/decisions`, {
          body: { decision: "refuse", decidedOn: "2026-01-02", justification: sneak(c) },
        }),
        "justification",
        what,
      );
      expect422(await call("POST", `/v1/labels/${label}/suspend`, { body: { reason: sneak(c) } }), "reason", what);
      expect422(await call("POST", "/v1/referentials", { body: referential(sneak(c)) }), "description", what);
    }
    expect422(
      await call("POST", "/v1/referentials", { body: referential("ok", "Un service\npublic") }),
      "rules.engagements.0.heading",
      "one-line heading",
    );
    const multi = await call("POST", "/v1/referentials", { body: referential("Première ligne\r\n\tseconde ligne") });
    expect(multi.status).toBe(201);
    expect(multi.json.description).toBe("Première ligne\n\tseconde ligne");
  });

  it("webhook events: references, criteria, justification and reason (422 naming data.*, stored rejected)", async () => {
    const { certifier, secret, code } = await makeAssignedStructure();
    const label = (await makeLabel({ structureCode: code, certifierId: certifier.id, awardedOn: "2025-01-15" })).number;
    const audits = () => sql("SELECT id FROM audits WHERE certifier_id = ?", certifier.id);
    const before = await audits(); // the label's own evaluation input
    const now = () => new Date().toISOString();
    for (const c of ["\u202e", "\u200b", "\u0085", "\r"]) {
      const what = JSON.stringify(c);
      const cases: [unknown, string][] = [
        [auditEvent(code, { auditRef: sneak(c) }), "data.auditRef"],
        [auditEvent(code, { criteria: [{ id: `E${c}1`, result: "conforme" }] }), "data.criteria.0.id"],
        [auditEvent(code, { referentialVersion: `20${c}23` }), "data.referentialVersion"],
        [
          {
            type: "label.decision",
            timestamp: now(),
            data: { structureCode: code, decision: "refuse", decidedOn: "2026-01-02", justification: sneak(c) },
          },
          "data.justification",
        ],
        [
          {
            type: "label.suspended",
            timestamp: now(),
            data: { labelNumber: label, reason: sneak(c), effectiveOn: "2026-01-02" },
          },
          "data.reason",
        ],
      ];
      for (const [body, path] of cases) {
        const multiline = path === "data.justification" || path === "data.reason";
        const r = await deliver(certifier.id, { secret, body });
        if (multiline && c === "\r") {
          // A line break in a reason is meaningful: read as LF, applied.
          expect(r.status, `${what} ${path}`).toBe(200);
          continue;
        }
        expect(r.status, `${what} ${path}`).toBe(422);
        expect(r.json.errors[0].path, what).toBe(path);
      }
    }
    expect(await audits()).toEqual(before);
  });
});

describe("e-mail subjects are one line by construction", () => {
  const facts = (name: string) => ({
    labelNumber: "SPP-2026-000001",
    tier: "or" as const,
    expiresOn: "2029-03-30",
    structure: { code: "DEMO-1", name },
    certifierName: "OC",
    verifyUrl: "https://registre.example/verify/DEMO-1",
  });

  test.prop([fc.string({ unit: "binary", maxLength: 60 })])("subjectLine never keeps a line break or control", (s) => {
    const line = subjectLine(s);
    expect(line).not.toMatch(/[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069\u200B-\u200D\u2060\uFEFF]/u);
    expect(line).toBe(line.trim());
  });

  it("a name stored before text was checked cannot forge a header", async () => {
    const evil = "Mairie\r\nBcc: victime@example.org\u2028\u202eX";
    for (const m of [reminderEmail(facts(evil), 30), expiryEmail(facts(evil))]) {
      expect(m.subject).not.toMatch(/[\r\n\u2028\u202e]/);
      expect(m.subject).toContain("Mairie Bcc: victime@example.org X");
    }
    // Through the daily job, from a row written straight into D1 (as legacy data would be).
    const l = await makeLabel({ expiresOn: "2030-03-31" });
    await sql("UPDATE structures SET name = ? WHERE code = ?", evil, l.structureCode);
    await sql("UPDATE public_labels SET name = ? WHERE code = ?", evil, l.structureCode);
    await daily("2030-03-24");
    const rows = await outboxOf(l.number);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.subject).not.toMatch(/[\r\n\u2028]/);
  });
});
