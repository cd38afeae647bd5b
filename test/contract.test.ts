/**
 * What the OpenAPI document says is what the server does, for the rules a generated-request tool
 * (Schemathesis) found said only by the server: RFC 5321's e-mail lengths, clean text as a `pattern`,
 * the API key's role and body as `oneOf`, the référentiel's 8 engagements in order as `prefixItems`,
 * 401/403 before 405 on protected paths, and the CSV's `Link` readable from another origin.
 */
import { fc, test } from "@fast-check/vitest";
import { Ajv2020 } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { beforeAll, describe, expect, it } from "vitest";
import { CLEAN_MULTILINE_TEXT_PATTERN, CLEAN_TEXT_PATTERN, textProblem } from "../src/domain/clean-text";
import { EMAIL_PATTERN } from "../src/domain/identifiers";
import { makeCertifier, makeLabel, makeStructure, structurePayload } from "./factories";
import { ADMIN, BASE, call, fetchWorker } from "./helpers";

let doc: any;
let ajv: Ajv2020;
beforeAll(async () => {
  doc = (await call("GET", "/openapi.json", { token: null })).json;
  ajv = addFormats(new Ajv2020({ strict: false }));
  ajv.addSchema({ components: doc.components, $id: "doc" });
});
const validates = (name: string, value: unknown) => ajv.validate({ $ref: `doc#/components/schemas/${name}` }, value);

// The pattern's shape without its length look-ahead (fast-check cannot generate from a look-ahead); the
// candidates are then filtered by the pattern itself.
const emailLike = fc.stringMatching(new RegExp(EMAIL_PATTERN.source.replace("(?=[^@]{1,64}@)", "")));

describe("e-mail addresses: RFC 5321's lengths, in the one rule", () => {
  const local = (n: number) => "a".repeat(n);
  const label = (n: number) => "b".repeat(n);

  it("a local part of 64 octets and a domain label of 63 pass; one more is refused, naming the field", async () => {
    const ok = [`${local(64)}@x.example`, `a@${label(63)}.example`];
    const refused = [`${local(65)}@x.example`, `a@${label(64)}.example`, `a@x.${"c".repeat(64)}`];
    for (const e of ok) expect(EMAIL_PATTERN.test(e), e).toBe(true);
    for (const e of refused) expect(EMAIL_PATTERN.test(e), e).toBe(false);
    const { code } = await makeStructure({ contacts: [{ email: ok[0]! }] });
    for (const email of refused) {
      const r = await call("PATCH", `/v1/structures/${code}`, { body: { contacts: [{ email }] } });
      expect(r.status, email).toBe(422);
      expect(r.json.errors, email).toContainEqual(expect.objectContaining({ path: "contacts.0.email" }));
    }
    const r = await call("PATCH", `/v1/structures/${code}`, { body: { contacts: [{ email: ok[1] }] } });
    expect(r.status).toBe(200);
    expect(validates("Structure", r.json), JSON.stringify(ajv.errors)).toBe(true);
  });

  test.prop([emailLike.filter((e) => EMAIL_PATTERN.test(e))])("every accepted address has RFC 5321's lengths", (e) => {
    const [localPart, domain] = [e.slice(0, e.lastIndexOf("@")), e.slice(e.lastIndexOf("@") + 1)];
    expect(new TextEncoder().encode(localPart).length).toBeLessThanOrEqual(64);
    for (const l of domain.split(".")) expect(l.length).toBeLessThanOrEqual(63);
  });
});

describe("clean text: the document's pattern is the server's rule", () => {
  const HIDDEN = ["\u0000", "\t", "\n", "\r", "\u007f", "\u0085", "\u009f", "\u202a", "\u202e", "\u2066", "\u2069"];
  const MORE = ["\u200b", "\u200d", "\u2060", "\ufeff", "\u2028", "\u2029", "\u200e", "\u00a0", "é", "Œ", "😀", "a"];
  const text = fc
    .array(fc.oneof(fc.constantFrom(...HIDDEN, ...MORE), fc.string({ unit: "grapheme", maxLength: 3 })), {
      maxLength: 12,
    })
    .map((parts) => parts.join(""));
  const one = new RegExp(CLEAN_TEXT_PATTERN, "u");
  const multi = new RegExp(CLEAN_MULTILINE_TEXT_PATTERN, "u");

  test.prop([text], { numRuns: 2000 })(
    "one-line and multi-line patterns accept exactly what textProblem accepts",
    (s) => {
      expect(one.test(s), JSON.stringify(s)).toBe(textProblem(s) === null);
      // Multi-line text: the server reads CRLF and CR as LF before checking.
      expect(multi.test(s), JSON.stringify(s)).toBe(textProblem(s.replace(/\r\n?/g, "\n"), true) === null);
    },
  );

  it("every free-text field carries the pattern, the multi-line variant where newlines are allowed", () => {
    const s = doc.components.schemas;
    expect(s.StructureCreate.properties.name.pattern).toBe(CLEAN_TEXT_PATTERN);
    expect(s.Contact.properties.name.pattern).toBe(CLEAN_TEXT_PATTERN);
    expect(s.LabelDecisionData.properties.justification.pattern).toBe(CLEAN_MULTILINE_TEXT_PATTERN);
    expect(s.LabelStatusChangeData.properties.reason.pattern).toBe(CLEAN_MULTILINE_TEXT_PATTERN);
    expect(validates("StructureCreate", structurePayload({ name: "Mairie\u202ede Ville" }))).toBe(false);
    expect(validates("StructureCreate", structurePayload({ name: "Mairie de Ville" }))).toBe(true);
  });
});

describe("rules JSON Schema can say, said", () => {
  it("POST /v1/api-keys: role admin without certifierId, role certifier with one (oneOf)", async () => {
    expect(doc.components.schemas.ApiKeyCreate.oneOf).toHaveLength(2);
    const oc = await makeCertifier();
    const cases: [object, boolean][] = [
      [{ role: "admin" }, true],
      [{ role: "admin", certifierId: oc.id }, false],
      [{ role: "certifier" }, false],
      [{ role: "certifier", certifierId: oc.id, name: "import" }, true],
      [{ role: "robot" }, false],
    ];
    for (const [body, valid] of cases) {
      expect(validates("ApiKeyCreate", body), JSON.stringify(body)).toBe(valid);
      const r = await call("POST", "/v1/api-keys", { body });
      expect(r.status, JSON.stringify(body)).toBe(valid ? 201 : 422);
      if (!valid && "role" in body && body.role !== "robot") {
        expect(r.json.errors.map((e: { path: string }) => e.path)).toContain("certifierId");
      }
    }
  });

  it("a référentiel's engagements are 1 to 8, in order (prefixItems)", async () => {
    const base = (await call("GET", "/v1/referentials/2023-illustratif")).json;
    const swapped = structuredClone(base.rules);
    [swapped.engagements[0], swapped.engagements[1]] = [swapped.engagements[1], swapped.engagements[0]];
    const seven = structuredClone(base.rules);
    seven.engagements.pop();
    const nine = structuredClone(base.rules);
    nine.engagements.push({ ...nine.engagements[7], number: 9 });
    const input = (rules: unknown, version: string) => ({ version, description: "Essai", official: false, rules });
    const schema = { $ref: "doc#/components/schemas/ReferentialCreate" };
    expect(ajv.validate(schema, input(base.rules, "c-ok")), JSON.stringify(ajv.errors)).toBe(true);
    for (const [rules, version] of [
      [swapped, "c-swapped"],
      [seven, "c-seven"],
      [nine, "c-nine"],
    ] as const) {
      expect(ajv.validate(schema, input(rules, version)), version).toBe(false);
      const r = await call("POST", "/v1/referentials", { body: input(rules, version) });
      expect(r.status, version).toBe(422);
      expect(r.json.errors[0].path, version).toMatch(/^rules\.engagements/);
    }
  });
});

describe("the document's description and headers match the server", () => {
  it("405 on a known path, but 401 or 403 first on a protected one without the right key", async () => {
    expect(doc.info.description).toMatch(/401 or 403 first/);
    const oc = await makeCertifier();
    // Undocumented answers (a method the path does not serve): asked without the conformance check.
    const del = (token?: string) =>
      fetchWorker(
        new Request(`${BASE}/v1/api-keys`, {
          method: "DELETE",
          headers: token ? { Authorization: `Bearer ${token}` } : {},
        }),
      );
    expect((await del()).status).toBe(401);
    expect((await del(oc.apiKey)).status).toBe(403);
    const r = await del(ADMIN);
    expect(r.status).toBe(405);
    expect(r.headers.get("Allow")).toBe("GET, HEAD, POST");
  });

  it("the CSV's Link header is readable from another origin", async () => {
    const oc = await makeCertifier();
    for (const code of ["CSV-LINK-1", "CSV-LINK-2"]) {
      await makeStructure({ code });
      await makeLabel({ structureCode: code, certifierId: oc.id });
    }
    const r = await call("GET", "/v1/public/labels?format=csv&limit=1", { token: null });
    expect(r.status).toBe(200);
    expect(r.headers.get("Link")).toMatch(/rel="next"/);
    expect(r.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(r.headers.get("Access-Control-Expose-Headers")?.split(/\s*,\s*/)).toContain("Link");
  });
});
