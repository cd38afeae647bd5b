/**
 * Hostile-input fuzzing of every write endpoint and every webhook type: generated bodies (and path
 * ids) of wrong types, extreme sizes and nesting, odd Unicode and prototype keys must always answer a
 * 4xx problem or a success (never a 5xx) and, when refused, leave the database exactly as it was.
 * Webhook bodies are signed like a certification body would, so they reach validation: a refused
 * delivery may only add its own inbox row, stored `rejected` (replayable).
 * FUZZ_RUNS sets the number of cases per endpoint (`npm test`: 50, vitest.config.ts; CI: 1,000; `FUZZ_RUNS=20000 npm test -- fuzz`).
 */
import { env } from "cloudflare:test";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { todayUtc } from "../src/domain/label-dates";
import {
  auditEvent,
  certifierPayload,
  makeAssignment,
  makeCertifier,
  makeLabel,
  makeStructure,
  structurePayload,
  uniqueId,
} from "./factories";
import { call } from "./helpers";
import { deliver } from "./webhooks-helpers";

const RUNS = Number(env.FUZZ_RUNS);
/** A whole endpoint's run; 1,000 cases take 10–25 s on a busy 2-core machine. */
const TIMEOUT_MS = Math.max(300_000, RUNS * 300);

/**
 * The database's state in ONE query, built once: every table's row count plus the columns that
 * writes update in place (update stamps, revocations, statuses, the active référentiel). The inbox
 * is apart: a refused delivery may add its row there, and the newest row's status says how.
 */
let fingerprintSql = "";
async function fingerprint() {
  if (!fingerprintSql) {
    const tables = await env.DB.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT IN ('d1_migrations', 'webhook_events') ORDER BY name",
    ).all<{ name: string }>();
    const parts = [
      ...tables.results.map((t) => `(SELECT count(*) FROM "${t.name}")`),
      "(SELECT coalesce(max(updated_at), '') FROM structures)",
      "(SELECT coalesce(max(updated_at), '') FROM certifiers)",
      "(SELECT coalesce(max(updated_at), '') FROM referentials)",
      "(SELECT coalesce(group_concat(version || ':' || active || ':' || coalesce(used_at, '')), '') FROM referentials)",
      "(SELECT coalesce(group_concat(revoked_at), '') FROM api_keys)",
      "(SELECT coalesce(group_concat(coalesce(expires_at, '-')), '') FROM webhook_secrets)",
      "(SELECT coalesce(group_concat(number || ':' || status || ':' || coalesce(superseded_by, '')), '') FROM labels)",
    ];
    fingerprintSql =
      `SELECT ${parts.join(" || ',' || ")} AS rest, (SELECT count(*) FROM webhook_events) AS inbox, ` +
      "(SELECT status FROM webhook_events ORDER BY rowid DESC LIMIT 1) AS lastInbox";
  }
  return (await env.DB.prepare(fingerprintSql).first<{ rest: string; inbox: number; lastInbox: string | null }>())!;
}

const oddStrings = fc.oneof(
  fc.string(),
  fc.string({ unit: "grapheme", maxLength: 50 }),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "\u202e",
    "\ud800",
    "🇫🇷",
    "é".normalize("NFD"),
    "a".repeat(5000),
    "__proto__",
    "null",
    "<script>",
    "'; DROP TABLE labels; --",
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

/** The valid shape with some keys broken and a few hostile keys added (own properties, even `__proto__`). */
function mutated(valid: () => Record<string, unknown>) {
  const keys = Object.keys(valid());
  return fc
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
      return b;
    });
}

/** Bodies near the real shape (so validation goes deep) mixed with arbitrary JSON and broken JSON. */
function bodies(valid: () => Record<string, unknown>) {
  return fc.oneof(
    mutated(valid).map((b) => JSON.stringify(b)),
    anyValue.map((v) => JSON.stringify(v)),
    fc.string().map((s) => `{"a":${s}`),
  );
}

/** A path segment: any string, percent-encoded byte by byte, or raw hostile escapes. */
const segment = fc.oneof(
  oddStrings.map((s) => [...new TextEncoder().encode(s)].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("")),
  fc.constantFrom("%", "%zz", "%00", "..", "%2e%2e", "%2F", "a%2Fb", "%C0%AF", "%ED%A0%80", "%EF%BF%BF", "*", "~"),
);

type Target = { name: string; method: string; cases: fc.Arbitrary<{ path: string; raw: string }> };
const withBody = (name: string, method: string, path: () => string, valid: () => Record<string, unknown>): Target => ({
  name,
  method,
  cases: bodies(valid).map((raw) => ({ path: path(), raw })),
});
const withId = (name: string, method: string, path: (id: string) => string): Target => ({
  name,
  method,
  cases: fc
    .tuple(
      segment,
      fc.oneof(
        fc.constant(""),
        anyValue.map((v) => JSON.stringify(v)),
      ),
    )
    .map(([id, raw]) => ({ path: path(id), raw })),
});

const ctx = {
  code: "",
  bodyId: "",
  secret: "",
  rules: {} as unknown,
  labels: {} as Record<string, string>,
  subscriptionId: "",
};
beforeAll(async () => {
  const c = await makeCertifier();
  const s = await makeStructure();
  await makeAssignment(s.code, c.id);
  Object.assign(ctx, { code: s.code, bodyId: c.id, secret: c.webhookSecret });
  ctx.rules = (await call("GET", "/v1/referentials/2023-illustratif")).json.rules;
  // Disabled, and kept so by the fuzzed PATCH: the fuzzed label changes must not notify anyone (no network).
  ctx.subscriptionId = (
    await call("POST", "/v1/subscriptions", {
      body: { name: "Fuzz", contactEmail: "f@fuzz.example", url: "https://fuzz.example/h", watch: { all: true } },
    })
  ).json.id;
  await call("PATCH", `/v1/subscriptions/${ctx.subscriptionId}`, { body: { status: "disabled" } });
  const put = await call("POST", "/v1/referentials", {
    body: { version: "fuzz-put", description: "Fuzzed", official: false, rules: ctx.rules },
  });
  expect(put.status).toBe(201);
  // Each on its own structure assigned to the body (one current label per structure, as awards make them).
  const label = async (status: "valid" | "suspended") =>
    (await makeLabel({ certifierId: c.id, status, awardedOn: "2026-01-05" })).number;
  for (const k of ["suspend", "withdraw", "whSuspend", "whWithdraw"]) ctx.labels[k] = await label("valid");
  for (const k of ["reinstate", "whReinstate"]) ctx.labels[k] = await label("suspended");
});

async function checkRefusalLeavesNothing(
  r: Awaited<ReturnType<typeof call>>,
  before: Awaited<ReturnType<typeof fingerprint>>,
  inboxMayGrow: boolean,
) {
  expect(r.status, r.text.slice(0, 300)).toBeLessThan(500);
  const after = await fingerprint();
  if (r.status >= 400) {
    expect(r.headers.get("Content-Type")).toBe("application/problem+json");
    expect(r.json.status).toBe(r.status);
    expect(after.rest).toBe(before.rest);
    if (inboxMayGrow && after.inbox !== before.inbox) {
      expect(after.inbox).toBe(before.inbox + 1);
      expect(after.lastInbox).toBe("rejected");
    } else expect(after.inbox).toBe(before.inbox);
  }
  return after;
}

describe("fuzzing admin write endpoints", () => {
  const targets: Target[] = [
    withBody(
      "POST /v1/structures",
      "POST",
      () => "/v1/structures",
      () => structurePayload({ code: "FUZZ-X" }),
    ),
    withBody(
      "PATCH /v1/structures/{code}",
      "PATCH",
      () => `/v1/structures/${ctx.code}`,
      () => ({ name: "n", postcode: "13001", contacts: [{ email: "a@b.example" }] }),
    ),
    withBody(
      "PUT /v1/structures/{code}/certifier",
      "PUT",
      () => `/v1/structures/${ctx.code}/certifier`,
      () => ({ certifierId: ctx.bodyId, contractRef: "M" }),
    ),
    withBody(
      "POST /v1/structures/{code}/decisions",
      "POST",
      () => `/v1/structures/${ctx.code}/decisions`,
      () => ({ decision: "refuse", decidedOn: "2026-01-02", justification: "j" }),
    ),
    withBody(
      "POST /v1/certifiers",
      "POST",
      () => "/v1/certifiers",
      () => certifierPayload(),
    ),
    withBody(
      "PATCH /v1/certifiers/{id}",
      "PATCH",
      () => `/v1/certifiers/${ctx.bodyId}`,
      () => ({ name: "n", habilitation: { until: "2031-01-01" } }),
    ),
    withId("POST /v1/certifiers/{id}/webhook-secrets", "POST", (id) => `/v1/certifiers/${id}/webhook-secrets`),
    withBody(
      "POST /v1/api-keys",
      "POST",
      () => "/v1/api-keys",
      () => ({ role: "certifier", certifierId: ctx.bodyId, name: "k" }),
    ),
    withId("POST /v1/api-keys/{id}/revoke", "POST", (id) => `/v1/api-keys/${id}/revoke`),
    withBody(
      "POST /v1/referentials",
      "POST",
      () => "/v1/referentials",
      () => ({ version: "fuzz-new", description: "d", official: false, rules: structuredClone(ctx.rules) }),
    ),
    withBody(
      "PUT /v1/referentials/{version}",
      "PUT",
      () => "/v1/referentials/fuzz-put",
      () => ({ description: "d", official: false, rules: structuredClone(ctx.rules) }),
    ),
    withId("POST /v1/referentials/{version}/activate", "POST", (v) => `/v1/referentials/${v}/activate`),
    ...(["suspend", "reinstate", "withdraw"] as const).map((action) =>
      withBody(
        `POST /v1/labels/{number}/${action}`,
        "POST",
        () => `/v1/labels/${ctx.labels[action]}/${action}`,
        () => ({ reason: "Motif", effectiveOn: todayUtc() }),
      ),
    ),
    withId("POST /v1/webhook-events/{id}/replay", "POST", (id) => `/v1/webhook-events/${id}/replay`),
    withBody(
      "POST /v1/subscriptions",
      "POST",
      () => "/v1/subscriptions",
      () => ({ name: "n", contactEmail: "a@b.example", url: "https://portail.example/h", watch: { network: "Fuzz" } }),
    ),
    withBody(
      "PATCH /v1/subscriptions/{id}",
      "PATCH",
      () => `/v1/subscriptions/${ctx.subscriptionId}`,
      () => ({ name: "n", url: "https://portail.example/h", watch: { department: "13" }, status: "disabled" }),
    ),
  ];

  for (const t of targets) {
    it(
      `${t.name}: ${RUNS} hostile requests → 4xx problem, nothing changed when refused`,
      async () => {
        let state = await fingerprint();
        await fc.assert(
          fc.asyncProperty(t.cases, async ({ path, raw }) => {
            const r = await call(t.method, path, { raw, headers: { "Content-Type": "application/json" } });
            state = await checkRefusalLeavesNothing(r, state, false);
          }),
          { numRuns: RUNS },
        );
      },
      TIMEOUT_MS,
    );
  }
});

describe("fuzzing signed webhook deliveries, every type", () => {
  const today = todayUtc();
  const data: Record<string, () => Record<string, unknown>> = {
    "audit.completed": () => auditEvent(ctx.code).data,
    "survey.users.completed": () => ({
      structureCode: ctx.code,
      surveyRef: uniqueId("ENQ-U"),
      periodStart: "2026-01-01",
      periodEnd: "2026-02-28",
      invited: 1000,
      respondents: 300,
      satisfactionRate: 80,
      netSatisfaction: 40,
    }),
    "survey.agents.completed": () => ({
      structureCode: ctx.code,
      surveyRef: uniqueId("ENQ-A"),
      periodStart: "2026-01-01",
      periodEnd: "2026-02-28",
      population: 60,
      respondents: 40,
      score: 70,
    }),
    "label.decision": () => ({ structureCode: ctx.code, decision: "refuse", decidedOn: "2026-01-02" }),
    "label.suspended": () => ({ labelNumber: ctx.labels.whSuspend, reason: "Motif", effectiveOn: today }),
    "label.reinstated": () => ({ labelNumber: ctx.labels.whReinstate, reason: "Motif", effectiveOn: today }),
    "label.withdrawn": () => ({ labelNumber: ctx.labels.whWithdraw, reason: "Motif", effectiveOn: today }),
  };

  for (const [type, valid] of Object.entries(data)) {
    const envelope = () => ({ type, timestamp: new Date().toISOString(), data: valid() });
    const raws = fc.oneof(
      { weight: 3, arbitrary: mutated(valid).map((d) => JSON.stringify({ ...envelope(), data: d })) },
      { weight: 2, arbitrary: bodies(envelope) },
    );
    it(
      `${type}: ${RUNS} signed hostile bodies → 200 or 4xx problem; refused → only a rejected inbox row`,
      async () => {
        let state = await fingerprint();
        await fc.assert(
          fc.asyncProperty(raws, async (raw) => {
            const r = await deliver(ctx.bodyId, { secret: ctx.secret, body: raw });
            // Signed correctly: never refused as unauthenticated.
            expect(r.status).not.toBe(401);
            state = await checkRefusalLeavesNothing(r, state, true);
            if (r.status === 200) expect(["applied", "duplicate"]).toContain(r.json.status);
          }),
          { numRuns: RUNS },
        );
      },
      TIMEOUT_MS,
    );
  }
});
