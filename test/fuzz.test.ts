/**
 * Hostile-input fuzzing of every write endpoint: generated bodies of wrong types, extreme sizes and
 * nesting, odd Unicode and prototype keys must always answer a 4xx problem (never a 5xx) and, when
 * refused, leave the database exactly as it was. FUZZ_RUNS sets the number of cases (CI: 1,000).
 */
import { env } from "cloudflare:test";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { assign, call, certifierPayload, createCertifier, createStructure, structurePayload } from "./helpers";

const RUNS = Number(env.FUZZ_RUNS);

/** One query: row counts of every table and the latest update stamps, enough to see any write. */
async function fingerprint(): Promise<string> {
  const tables = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'd1_migrations' ORDER BY name",
  ).all<{ name: string }>();
  const parts = tables.results.map((t) => `(SELECT count(*) FROM "${t.name}")`);
  const sql = `SELECT ${parts.join(" || ',' || ")} || ',' || (SELECT coalesce(max(updated_at), '') FROM structures) || ',' || (SELECT coalesce(max(updated_at), '') FROM certifiers) || ',' || (SELECT coalesce(group_concat(revoked_at), '') FROM api_keys) AS f`;
  return (await env.DB.prepare(sql).first<{ f: string }>())!.f;
}

const oddStrings = fc.oneof(
  fc.string(),
  fc.string({ unit: "grapheme", maxLength: 50 }),
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "\u202e",
    "🇫🇷",
    "é".normalize("NFD"),
    "a".repeat(5000),
    "__proto__",
    "null",
    "<script>",
  ),
);
const protoKeys = fc.constantFrom("__proto__", "constructor", "prototype", "toString", "hasOwnProperty");
const leaf = fc.oneof(oddStrings, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.bigInt().map(String));
const deep = (depth: number) => {
  let v: unknown = "x";
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
};
const anyValue = fc.oneof(
  { weight: 5, arbitrary: leaf },
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.integer({ min: 50, max: 3000 }).map(deep) },
);

/** Bodies near the real shape (so validation goes deep) mixed with arbitrary JSON. */
function bodies(valid: () => Record<string, unknown>) {
  const keys = Object.keys(valid());
  const mutated = fc
    .tuple(
      fc.subarray(keys, { minLength: 1 }),
      fc.array(fc.tuple(fc.oneof(protoKeys, fc.string()), anyValue), { maxLength: 3 }),
      anyValue,
    )
    .map(([broken, extra, v]) => {
      const b: Record<string, unknown> = valid();
      for (const k of broken) b[k] = v;
      for (const [k, x] of extra)
        Object.defineProperty(b, k, { value: x, enumerable: true, configurable: true, writable: true });
      return JSON.stringify(b);
    });
  return fc.oneof(
    mutated,
    anyValue.map((v) => JSON.stringify(v)),
    fc.string().map((s) => `{"a":${s}`),
  );
}

type Target = { name: string; method: string; path: () => string; valid: () => Record<string, unknown> };

describe("fuzzing write endpoints", () => {
  const ctx = { code: "", bodyId: "" };
  beforeAll(async () => {
    const c = await createCertifier();
    const s = await createStructure();
    await assign(s.code, c.id);
    ctx.code = s.code;
    ctx.bodyId = c.id;
  });

  const targets: Target[] = [
    {
      name: "POST /v1/structures",
      method: "POST",
      path: () => "/v1/structures",
      valid: () => structurePayload({ code: "FUZZ-X" }),
    },
    {
      name: "PATCH /v1/structures/{code}",
      method: "PATCH",
      path: () => `/v1/structures/${ctx.code}`,
      valid: () => ({ name: "n", postcode: "13001", contacts: [{ email: "a@b.example" }] }),
    },
    {
      name: "PUT /v1/structures/{code}/certifier",
      method: "PUT",
      path: () => `/v1/structures/${ctx.code}/certifier`,
      valid: () => ({ certifierId: ctx.bodyId, contractRef: "M" }),
    },
    { name: "POST /v1/certifiers", method: "POST", path: () => "/v1/certifiers", valid: () => certifierPayload() },
    {
      name: "PATCH /v1/certifiers/{id}",
      method: "PATCH",
      path: () => `/v1/certifiers/${ctx.bodyId}`,
      valid: () => ({ name: "n", habilitation: { until: "2031-01-01" } }),
    },
    {
      name: "POST /v1/api-keys",
      method: "POST",
      path: () => "/v1/api-keys",
      valid: () => ({ role: "certifier", certifierId: ctx.bodyId, name: "k" }),
    },
  ];

  for (const t of targets) {
    it(`${t.name}: ${RUNS} hostile bodies → 4xx problem, nothing changed when refused`, async () => {
      await fc.assert(
        fc.asyncProperty(bodies(t.valid), async (raw) => {
          const before = await fingerprint();
          const r = await call(t.method, t.path(), { raw, headers: { "Content-Type": "application/json" } });
          expect(r.status, r.text.slice(0, 300)).toBeLessThan(500);
          if (r.status >= 400) {
            expect(r.headers.get("Content-Type")).toBe("application/problem+json");
            expect(r.json.status).toBe(r.status);
            expect(await fingerprint()).toBe(before);
          }
        }),
        { numRuns: RUNS },
      );
    }, 300_000);
  }
});
