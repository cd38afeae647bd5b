/**
 * Authorisation matrix, derived from the app's own route table: every route × every kind of caller →
 * the expected outcome. A route added without a row here fails the first test.
 */
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import app from "../src/app";
import { accessToken, forgerKey, grant, office, serveAccessKeys } from "./access";
import { auditEvent, makeAssignment, makeCertifier, makeLabel, makeStructure } from "./factories";
import { call, sql } from "./helpers";
import { deliver } from "./webhooks-helpers";

// The back-office's callers sign in through Cloudflare Access: the team's keys are served here.
serveAccessKeys();

type Caller = "none" | "madeUp" | "revoked" | "otherBody" | "assignedBody" | "admin";
const CALLERS: Caller[] = ["none", "madeUp", "revoked", "otherBody", "assignedBody", "admin"];

/**
 * Who may call: the rest get 401 (unknown) or 403 (known, not allowed). The back-office's (`office…`)
 * take no bearer key at all: a person signed in through Access, then `officeAny` (any admin or member),
 * `officeMember` (an admin, or a member of the body assigned to what the page is about), `officeAdmin`;
 * `officeOpen` needs no session (signing in and out).
 */
type Policy =
  | "public"
  | "admin"
  | "adminOrAssigned"
  | "signed"
  | "officeOpen"
  | "officeAny"
  | "officeMember"
  | "officeAdmin";

type Fixture = {
  code: string;
  otherCode: string;
  bodyId: string;
  otherBodyId: string;
  keyId: string;
  /** A label of `code` (the structure assigned to the body whose key is « assignedBody »). */
  labelNumber: string;
  /** A delivery the assigned body sent, rejected (its structure is not registered). */
  deliveryId: string;
};
/** `form`: what a back-office POST sends (urlencoded, from the registry's own origin). */
type Row = { policy: Policy; path: (f: Fixture) => string; body?: unknown; form?: Record<string, string> };

const ROUTES: Record<string, Row> = {
  "GET /health": { policy: "public", path: () => "/health" },
  // The status for all; the details for an admin (test/health.test.ts).
  "GET /health/ready": { policy: "public", path: () => "/health/ready" },
  "GET /openapi.json": { policy: "public", path: () => "/openapi.json" },
  "GET /docs": { policy: "public", path: () => "/docs" },
  "GET /v1/public/labels": { policy: "public", path: () => "/v1/public/labels" },
  "GET /v1/public/labels/:ref": { policy: "public", path: (f) => `/v1/public/labels/${f.code}` },
  "GET /v1/public/labels/:ref/history": { policy: "public", path: (f) => `/v1/public/labels/${f.code}/history` },
  "POST /v1/public/labels/verify": { policy: "public", path: () => "/v1/public/labels/verify", body: { refs: ["X"] } },
  "GET /v1/public/labels/:ref/shields.json": {
    policy: "public",
    path: (f) => `/v1/public/labels/${f.code}/shields.json`,
  },
  "GET /badge/:file": { policy: "public", path: (f) => `/badge/${f.code}.svg` },
  "GET /certificate/:file": { policy: "public", path: (f) => `/certificate/${f.code}.pdf` },
  "GET /qr/:file": { policy: "public", path: (f) => `/qr/${f.code}.svg` },
  "GET /badge/palier/:file": { policy: "public", path: () => "/badge/palier/or.svg" },
  // The transparency log (test/tlog-log.test.ts): public, read by monitors.
  "GET /log/checkpoint": { policy: "public", path: () => "/log/checkpoint" },
  "GET /log/key": { policy: "public", path: () => "/log/key" },
  "GET /log/tile/*": { policy: "public", path: () => "/log/tile/entries/000.p/1" },
  "GET /log/tile/:level/:index": { policy: "public", path: () => "/log/tile/0/000" },
  "GET /log/proof/inclusion": { policy: "public", path: () => "/log/proof/inclusion?index=0&size=1" },
  "GET /log/proof/consistency": { policy: "public", path: () => "/log/proof/consistency?from=1&to=1" },
  "GET /v1/public/labels/:ref/credential": {
    policy: "public",
    path: (f) => `/v1/public/labels/${f.labelNumber}/credential`,
  },
  "GET /status/:purpose/:list": { policy: "public", path: (f) => `/status/message/${f.labelNumber.slice(4, 8)}` },
  "GET /.well-known/did.json": { policy: "public", path: () => "/.well-known/did.json" },
  "GET /v1/public/issuer": { policy: "public", path: () => "/v1/public/issuer" },
  "POST /v1/public/credentials/verify": { policy: "public", path: () => "/v1/public/credentials/verify", body: {} },
  "GET /verify/:ref": { policy: "public", path: (f) => `/verify/${f.code}` },
  "GET /verify/:ref/": { policy: "public", path: (f) => `/verify/${f.code}/` },
  "GET /problems/:code": { policy: "public", path: () => "/problems/conflict" },
  "GET /": { policy: "public", path: () => "/" },
  "GET /verify": { policy: "public", path: () => "/verify?q=test" },
  "GET /verify/": { policy: "public", path: () => "/verify/?q=test" },
  "GET /mentions-legales": { policy: "public", path: () => "/mentions-legales" },
  "GET /badge.js": { policy: "public", path: () => "/badge.js" },
  "GET /robots.txt": { policy: "public", path: () => "/robots.txt" },
  "GET /sitemap.xml": { policy: "public", path: () => "/sitemap.xml" },
  "GET /sitemaps/:file": { policy: "public", path: () => "/sitemaps/1.xml" },
  "GET /accessibilite": { policy: "public", path: () => "/accessibilite" },
  "GET /integration": { policy: "public", path: () => "/integration" },
  "GET /chiffres": { policy: "public", path: () => "/chiffres" },
  "GET /chiffres.json": { policy: "public", path: () => "/chiffres.json" },
  "GET /chiffres.csv": { policy: "public", path: () => "/chiffres.csv" },
  "GET /datapackage.json": { policy: "public", path: () => "/datapackage.json" },
  "GET /schemas/labels.json": { policy: "public", path: () => "/schemas/labels.json" },
  "GET /schemas/chiffres.json": { policy: "public", path: () => "/schemas/chiffres.json" },
  "POST /v1/structures": { policy: "admin", path: () => "/v1/structures", body: {} },
  "GET /v1/structures": { policy: "admin", path: () => "/v1/structures" },
  "GET /v1/structures/:code": { policy: "admin", path: (f) => `/v1/structures/${f.code}` },
  "PATCH /v1/structures/:code": { policy: "admin", path: (f) => `/v1/structures/${f.code}`, body: {} },
  "PUT /v1/structures/:code/certifier": {
    policy: "admin",
    path: (f) => `/v1/structures/${f.code}/certifier`,
    body: {},
  },
  "POST /v1/certifiers": { policy: "admin", path: () => "/v1/certifiers", body: {} },
  "GET /v1/certifiers": { policy: "admin", path: () => "/v1/certifiers" },
  "GET /v1/certifiers/:id": { policy: "admin", path: (f) => `/v1/certifiers/${f.bodyId}` },
  "PATCH /v1/certifiers/:id": { policy: "admin", path: (f) => `/v1/certifiers/${f.bodyId}`, body: {} },
  "POST /v1/certifiers/:id/webhook-secrets": {
    policy: "admin",
    path: (f) => `/v1/certifiers/${f.otherBodyId}/webhook-secrets`,
  },
  "POST /v1/api-keys": { policy: "admin", path: () => "/v1/api-keys", body: {} },
  "GET /v1/api-keys": { policy: "admin", path: () => "/v1/api-keys" },
  "GET /v1/api-keys/:id": { policy: "admin", path: (f) => `/v1/api-keys/${f.keyId}` },
  "POST /v1/api-keys/:id/revoke": { policy: "admin", path: () => "/v1/api-keys/key_unknown/revoke" },
  "GET /v1/structures/:code/evaluation": {
    policy: "adminOrAssigned",
    path: (f) => `/v1/structures/${f.code}/evaluation`,
  },
  "GET /v1/structures/:code/decisions": {
    policy: "adminOrAssigned",
    path: (f) => `/v1/structures/${f.code}/decisions`,
  },
  "POST /v1/structures/:code/decisions": {
    policy: "admin",
    path: (f) => `/v1/structures/${f.code}/decisions`,
    body: {},
  },
  "GET /v1/referentials": { policy: "admin", path: () => "/v1/referentials" },
  "POST /v1/referentials": { policy: "admin", path: () => "/v1/referentials", body: {} },
  "GET /v1/referentials/:version": { policy: "admin", path: () => "/v1/referentials/2023-illustratif" },
  "PUT /v1/referentials/:version": { policy: "admin", path: () => "/v1/referentials/unknown", body: {} },
  "POST /v1/referentials/:version/activate": { policy: "admin", path: () => "/v1/referentials/unknown/activate" },
  "GET /v1/labels/:number": { policy: "adminOrAssigned", path: (f) => `/v1/labels/${f.labelNumber}` },
  "GET /v1/labels/:number/events": { policy: "adminOrAssigned", path: (f) => `/v1/labels/${f.labelNumber}/events` },
  "POST /v1/labels/:number/suspend": { policy: "admin", path: () => "/v1/labels/SPP-2026-000001/suspend", body: {} },
  "POST /v1/labels/:number/reinstate": {
    policy: "admin",
    path: () => "/v1/labels/SPP-2026-000001/reinstate",
    body: {},
  },
  "POST /v1/labels/:number/withdraw": { policy: "admin", path: () => "/v1/labels/SPP-2026-000001/withdraw", body: {} },
  "GET /v1/outbox": { policy: "admin", path: () => "/v1/outbox" },
  "GET /v1/outbox/:id": { policy: "admin", path: () => "/v1/outbox/eml_unknown" },
  // Local dev only (EMAIL_TRANSPORT=local and a loopback host): 404 on the tests' public host, for all.
  "GET /dev/outbox": { policy: "public", path: () => "/dev/outbox" },
  "GET /dev/outbox/:id": { policy: "public", path: () => "/dev/outbox/eml_unknown" },
  // The load run's D1 outage: DEV_FAULTS is off in tests, as in production: 404 for all.
  "POST /dev/faults/d1": { policy: "public", path: () => "/dev/faults/d1" },
  // Deliveries authenticate by Standard Webhooks signature, not bearer keys: whatever key is sent,
  // an unsigned delivery is 401 (signature checks themselves are in webhooks.test.ts).
  "POST /v1/webhooks/certifiers/:certifierId": {
    policy: "signed",
    path: (f) => `/v1/webhooks/certifiers/${f.bodyId}`,
    body: {},
  },
  "POST /v1/subscriptions": { policy: "admin", path: () => "/v1/subscriptions", body: {} },
  "GET /v1/subscriptions": { policy: "admin", path: () => "/v1/subscriptions" },
  "GET /v1/subscriptions/:id": { policy: "admin", path: () => "/v1/subscriptions/sub_unknown" },
  "PATCH /v1/subscriptions/:id": { policy: "admin", path: () => "/v1/subscriptions/sub_unknown", body: {} },
  "POST /v1/subscriptions/:id/secrets": { policy: "admin", path: () => "/v1/subscriptions/sub_unknown/secrets" },
  "GET /v1/subscriptions/:id/deliveries": { policy: "admin", path: () => "/v1/subscriptions/sub_unknown/deliveries" },
  "POST /v1/subscriptions/:id/deliveries/:deliveryId/redeliver": {
    policy: "admin",
    path: () => "/v1/subscriptions/sub_unknown/deliveries/dlv_unknown/redeliver",
  },
  "POST /v1/outbox/:id/retry": { policy: "admin", path: () => "/v1/outbox/eml_unknown/retry" },
  "GET /v1/webhook-events": { policy: "admin", path: () => "/v1/webhook-events" },
  "GET /v1/webhook-events/:id": { policy: "admin", path: () => "/v1/webhook-events/whe_unknown" },
  "POST /v1/webhook-events/:id/replay": { policy: "admin", path: () => "/v1/webhook-events/whe_unknown/replay" },
  // The back-office. Sign-in: the dev page does not exist where Access is configured (404 for all).
  "GET /admin/login": { policy: "officeOpen", path: () => "/admin/login" },
  "POST /admin/login": { policy: "officeOpen", path: () => "/admin/login", form: { token: "x" } },
  "POST /admin/logout": { policy: "officeOpen", path: () => "/admin/logout", form: {} },
  "GET /admin": { policy: "officeAny", path: () => "/admin" },
  "GET /admin/structures": { policy: "officeAny", path: () => "/admin/structures" },
  "GET /admin/webhook-events": { policy: "officeAny", path: () => "/admin/webhook-events" },
  "GET /admin/structures/:code": { policy: "officeMember", path: (f) => `/admin/structures/${f.code}` },
  "GET /admin/webhook-events/:id": { policy: "officeMember", path: (f) => `/admin/webhook-events/${f.deliveryId}` },
  "POST /admin/webhook-events/:id/replay": {
    policy: "officeMember",
    path: (f) => `/admin/webhook-events/${f.deliveryId}/replay`,
    form: {},
  },
  "GET /admin/new-structure": { policy: "officeAdmin", path: () => "/admin/new-structure" },
  "POST /admin/structures": { policy: "officeAdmin", path: () => "/admin/structures", form: {} },
  "GET /admin/structures/:code/edit": { policy: "officeAdmin", path: (f) => `/admin/structures/${f.code}/edit` },
  "POST /admin/structures/:code": { policy: "officeAdmin", path: (f) => `/admin/structures/${f.code}`, form: {} },
  "POST /admin/structures/:code/certifier": {
    policy: "officeAdmin",
    path: (f) => `/admin/structures/${f.code}/certifier`,
    form: {},
  },
  "POST /admin/structures/:code/decisions": {
    policy: "officeAdmin",
    path: (f) => `/admin/structures/${f.code}/decisions`,
    form: {},
  },
  "GET /admin/labels": { policy: "officeAny", path: () => "/admin/labels" },
  "GET /admin/labels/:number/:action": { policy: "officeAdmin", path: (f) => `/admin/labels/${f.labelNumber}/suspend` },
  "POST /admin/labels/:number/:action": {
    policy: "officeAdmin",
    path: (f) => `/admin/labels/${f.labelNumber}/suspend`,
    form: {},
  },
  "GET /admin/certifiers": { policy: "officeAdmin", path: () => "/admin/certifiers" },
  "GET /admin/certifiers/new": { policy: "officeAdmin", path: () => "/admin/certifiers/new" },
  "POST /admin/certifiers": { policy: "officeAdmin", path: () => "/admin/certifiers", form: {} },
  "GET /admin/certifiers/:id": { policy: "officeAdmin", path: (f) => `/admin/certifiers/${f.bodyId}` },
  "POST /admin/certifiers/:id": { policy: "officeAdmin", path: (f) => `/admin/certifiers/${f.bodyId}`, form: {} },
  "POST /admin/certifiers/:id/webhook-secrets": {
    policy: "officeAdmin",
    path: (f) => `/admin/certifiers/${f.otherBodyId}/webhook-secrets`,
    form: {},
  },
  "GET /admin/api-keys": { policy: "officeAdmin", path: () => "/admin/api-keys" },
  "POST /admin/api-keys": { policy: "officeAdmin", path: () => "/admin/api-keys", form: { name: "matrix" } },
  "POST /admin/api-keys/:id/revoke": {
    policy: "officeAdmin",
    path: () => "/admin/api-keys/key_unknown/revoke",
    form: {},
  },
  "GET /admin/outbox": { policy: "officeAdmin", path: () => "/admin/outbox" },
  "GET /admin/outbox/:id": { policy: "officeAdmin", path: () => "/admin/outbox/eml_unknown" },
  "POST /admin/outbox/:id/retry": { policy: "officeAdmin", path: () => "/admin/outbox/eml_unknown/retry", form: {} },
  "GET /admin/referentials": { policy: "officeAdmin", path: () => "/admin/referentials" },
  "GET /admin/referentials/:version": { policy: "officeAdmin", path: () => "/admin/referentials/2023-illustratif" },
  "POST /admin/referentials/:version/activate": {
    policy: "officeAdmin",
    path: () => "/admin/referentials/unknown/activate",
    form: {},
  },
  "GET /admin/subscriptions": { policy: "officeAdmin", path: () => "/admin/subscriptions" },
  "GET /admin/subscriptions/new": { policy: "officeAdmin", path: () => "/admin/subscriptions/new" },
  "POST /admin/subscriptions": { policy: "officeAdmin", path: () => "/admin/subscriptions", form: {} },
  "GET /admin/subscriptions/:id": { policy: "officeAdmin", path: () => "/admin/subscriptions/sub_unknown" },
  "POST /admin/subscriptions/:id/status": {
    policy: "officeAdmin",
    path: () => "/admin/subscriptions/sub_unknown/status",
    form: { status: "disabled" },
  },
  "POST /admin/subscriptions/:id/secrets": {
    policy: "officeAdmin",
    path: () => "/admin/subscriptions/sub_unknown/secrets",
    form: {},
  },
  "POST /admin/subscriptions/:id/deliveries/:deliveryId/redeliver": {
    policy: "officeAdmin",
    path: () => "/admin/subscriptions/sub_unknown/deliveries/dlv_unknown/redeliver",
    form: {},
  },
  "GET /admin/users": { policy: "officeAdmin", path: () => "/admin/users" },
  "POST /admin/users": { policy: "officeAdmin", path: () => "/admin/users", form: {} },
  "POST /admin/users/:email/disable": {
    policy: "officeAdmin",
    path: () => "/admin/users/nobody%40nowhere.example/disable",
    form: {},
  },
};

const isOffice = (p: Policy) => p.startsWith("office");

/** The back-office's callers: people with (or without) an Access token. */
type Person = "none" | "forged" | "stranger" | "otherMember" | "assignedMember" | "admin";
const PEOPLE: Person[] = ["none", "forged", "stranger", "otherMember", "assignedMember", "admin"];

function expectedForPerson(policy: Policy, p: Person): 401 | 403 | "ok" {
  if (policy === "officeOpen") return "ok";
  if (p === "none" || p === "forged") return 401;
  if (p === "stranger") return 403;
  if (p === "admin") return "ok";
  if (policy === "officeAny") return "ok";
  if (policy === "officeMember" && p === "assignedMember") return "ok";
  return 403;
}

/** Expected status class per policy and caller: "ok" means neither 401 nor 403. */
function expected(policy: Policy, caller: Caller): 401 | 403 | "ok" {
  if (policy === "public" || policy === "officeOpen") return "ok";
  // Nothing but Access opens the back-office: no key, not even the admin token.
  if (isOffice(policy)) return 401;
  if (policy === "signed") return 401;
  if (caller === "none" || caller === "madeUp" || caller === "revoked") return 401;
  if (caller === "admin") return "ok";
  if (policy === "adminOrAssigned" && caller === "assignedBody") return "ok";
  return 403;
}

const routeTable = () =>
  [...new Set(app.routes.filter((r) => r.method !== "ALL").map((r) => `${r.method} ${r.path}`))].sort();

// One set of bodies, structures, keys, a label, a delivery and people, for both matrices.
let f: Fixture;
const tokens: Partial<Record<Caller, string | null>> = { none: null, madeUp: "spp_this_key_was_never_issued" };

beforeAll(async () => {
  const body = await makeCertifier({ name: "Assigned" });
  const other = await makeCertifier({ name: "Other" });
  const s = await makeStructure();
  const o = await makeStructure();
  await makeAssignment(s.code, body.id);
  await makeAssignment(o.code, other.id);
  const k = await call("POST", "/v1/api-keys", { body: { role: "certifier", certifierId: body.id } });
  await call("POST", `/v1/api-keys/${k.json.id}/revoke`);
  Object.assign(tokens, {
    revoked: k.json.apiKey,
    otherBody: other.apiKey,
    assignedBody: body.apiKey,
    admin: undefined,
  });
  const labelNumber = (await makeLabel({ structureCode: s.code, certifierId: body.id })).number;
  const rejected = await deliver(body.id, { secret: body.webhookSecret, body: auditEvent("MATRIX-NOT-REGISTERED") });
  if (rejected.status !== 422) throw new Error(`delivery: ${rejected.status} ${rejected.text}`);
  const [delivery] = await sql<{ id: string }>("SELECT id FROM webhook_events WHERE certifier_id = ?", body.id);
  f = {
    code: s.code,
    otherCode: o.code,
    bodyId: body.id,
    otherBodyId: other.id,
    keyId: k.json.id,
    labelNumber,
    deliveryId: delivery!.id,
  };
  await grant("admin@matrix.example");
  await grant("member@assigned.example", body.id);
  await grant("member@other.example", other.id);
});

describe("authorisation matrix", () => {
  it("has a row for every route of the app, and no row for a route that is gone", () => {
    expect(Object.keys(ROUTES).sort()).toEqual(routeTable());
  });

  for (const [route, row] of Object.entries(ROUTES)) {
    it(`${route}: ${row.policy}`, async () => {
      const method = route.split(" ")[0]!;
      for (const caller of CALLERS) {
        // A back-office form is sent as a browser sends it, from the registry's own origin.
        const form = row.form
          ? {
              raw: new URLSearchParams(row.form).toString(),
              headers: {
                Origin: new URL(env.PUBLIC_BASE_URL).origin,
                "Content-Type": "application/x-www-form-urlencoded",
              },
            }
          : {};
        const r = await call(method, row.path(f), { token: tokens[caller], body: row.body, ...form });
        const want = expected(row.policy, caller);
        if (want === "ok") {
          expect([401, 403], `${caller} → ${r.status}`).not.toContain(r.status);
          expect(r.status, `${caller}: ${r.text.slice(0, 200)}`).toBeLessThan(500);
        } else {
          expect(r.status, `${caller}`).toBe(want);
        }
      }
    });
  }
});

describe("authorisation matrix of the back-office: every page × every kind of person", () => {
  const people: Partial<Record<Person, () => Promise<string | null>>> = {
    none: async () => null,
    forged: async () => accessToken("admin@matrix.example", { key: await forgerKey() }),
    stranger: async () => accessToken("stranger@matrix.example"),
    otherMember: async () => accessToken("member@other.example"),
    assignedMember: async () => accessToken("member@assigned.example"),
    admin: async () => accessToken("admin@matrix.example"),
  };
  for (const [route, row] of Object.entries(ROUTES).filter(([, r]) => isOffice(r.policy))) {
    it(`${route}: ${row.policy}`, async () => {
      const method = route.split(" ")[0]!;
      for (const p of PEOPLE) {
        const token = await people[p]!();
        const r = await office(method, row.path(f), { as: token ? { token } : null, form: row.form });
        const want = expectedForPerson(row.policy, p);
        if (want === "ok") {
          expect([401, 403], `${p} → ${r.status}`).not.toContain(r.status);
          expect(r.status, `${p}: ${r.text.slice(0, 200)}`).toBeLessThan(500);
        } else {
          expect(r.status, p).toBe(want);
        }
      }
    });
  }
});

/** The holes a route-by-route matrix cannot see: one body reaching another body's structures. */
describe("no body reaches another body's structures", () => {
  it("a body's key reads its own structure's evaluation, never another body's (403, not 404: codes are public)", async () => {
    const a = await makeCertifier({ name: "A" });
    const b = await makeCertifier({ name: "B" });
    const sa = await makeStructure();
    const sb = await makeStructure();
    await makeAssignment(sa.code, a.id);
    await makeAssignment(sb.code, b.id);
    expect((await call("GET", `/v1/structures/${sa.code}/evaluation`, { token: a.apiKey })).status).toBe(200);
    expect((await call("GET", `/v1/structures/${sb.code}/evaluation`, { token: a.apiKey })).status).toBe(403);
    expect((await call("GET", `/v1/structures/${sa.code}/evaluation`, { token: b.apiKey })).status).toBe(403);
    // Unassigned structure: no body may read it.
    const free = await makeStructure();
    expect((await call("GET", `/v1/structures/${free.code}/evaluation`, { token: a.apiKey })).status).toBe(403);
  });

  it("a body's key reads its own structures' labels, their events and decisions; never another body's", async () => {
    const a = await makeCertifier({ name: "A" });
    const b = await makeCertifier({ name: "B" });
    const sa = await makeStructure();
    const sb = await makeStructure();
    await makeAssignment(sa.code, a.id);
    await makeAssignment(sb.code, b.id);
    const la = (await makeLabel({ structureCode: sa.code, certifierId: a.id })).number;
    const lb = (await makeLabel({ structureCode: sb.code, certifierId: b.id })).number;
    const reads = (code: string, number: string) => [
      `/v1/labels/${number}`,
      `/v1/labels/${number}/events`,
      `/v1/structures/${code}/decisions`,
    ];
    for (const path of reads(sa.code, la)) {
      const own = await call("GET", path, { token: a.apiKey });
      expect(own.status, path).toBe(200);
      // The same answer an admin gets.
      expect(own.json, path).toEqual((await call("GET", path)).json);
      expect((await call("GET", path, { token: b.apiKey })).status, path).toBe(403);
    }
    expect((await call("GET", `/v1/labels/${la}`, { token: a.apiKey })).json.structureCode).toBe(sa.code);
    expect((await call("GET", `/v1/labels/${la}/events`, { token: a.apiKey })).json.items[0].type).toBe("awarded");
    for (const path of reads(sb.code, lb)) {
      expect((await call("GET", path, { token: a.apiKey })).status, path).toBe(403);
    }
    // A structure reassigned to another body: the first body no longer reads it (its webhooks no longer act on it).
    await makeAssignment(sa.code, b.id);
    for (const path of reads(sa.code, la)) {
      expect((await call("GET", path, { token: a.apiKey })).status, path).toBe(403);
      expect((await call("GET", path, { token: b.apiKey })).status, path).toBe(200);
    }
    // Reading stays reading: a body's key changes no label.
    expect((await call("POST", `/v1/labels/${lb}/suspend`, { token: b.apiKey, body: { reason: "x" } })).status).toBe(
      403,
    );
  });

  it("a body cannot push results for another body's structure, nor sign as another body", async () => {
    const a = await makeCertifier({ name: "A" });
    const b = await makeCertifier({ name: "B" });
    const sb = await makeStructure();
    await makeAssignment(sb.code, b.id);
    const audits = async () => (await sql<{ n: number }>("SELECT count(*) AS n FROM audits"))[0]!.n;
    const before = await audits();
    // Signed by A, about B's structure: authenticated, refused, kept as rejected.
    const cross = await deliver(a.id, { secret: a.webhookSecret, body: auditEvent(sb.code) });
    expect(cross.status).toBe(403);
    // Sent to A's endpoint but signed with B's secret: not authenticated.
    const forged = await deliver(a.id, { secret: b.webhookSecret, body: auditEvent(sb.code) });
    expect(forged.status).toBe(401);
    // Sent to B's endpoint, signed with A's secret: not authenticated either.
    expect((await deliver(b.id, { secret: a.webhookSecret, body: auditEvent(sb.code) })).status).toBe(401);
    expect(await audits()).toBe(before);
  });
});
