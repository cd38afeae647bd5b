/// <reference types="vite/client" />
/**
 * The OpenAPI document tells the whole truth: what each operation must carry, the rules the
 * schemas enforce, unknown query parameters and unsupported methods, the webhook events; and the
 * response-conformance check that every other test goes through can fail, and cannot be bypassed.
 */
import { env } from "cloudflare:test";
import { fc, test } from "@fast-check/vitest";
import { Ajv2020 } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { beforeAll, describe, expect, it } from "vitest";
import app from "../src/app";
import { CODE_SP_ONLY_PATTERN } from "../src/contract/schemas";
import { CODE_SP_PATTERN, EMAIL_PATTERN, isCodeSp } from "../src/domain/identifiers";
import { allowedMethods } from "../src/lib/router";
import { EVENT_EXAMPLES } from "../src/routes/webhooks";
import { EVENT_TYPES, WebhookEvent } from "../src/webhooks/events";
import { accessToken, grant, serveAccessKeys } from "./access";
import { makeStructure } from "./factories";
import { ADMIN, BASE, call, conformance, fetchWorker } from "./helpers";
import type { Conformance, Received } from "./openapi-conformance";

type Op = {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: { content: Record<string, { schema: unknown; example?: unknown }> };
  responses: Record<string, { headers?: Record<string, { required?: boolean }>; content?: Record<string, unknown> }>;
};
type Doc = {
  tags: { name: string }[];
  info: { contact?: unknown };
  paths: Record<string, Record<string, Op>>;
  webhooks: Record<string, { post: Op }>;
  components: { schemas: Record<string, any> };
};

let doc: Doc;
const operations = () =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([m, op]) => ({ at: `${m} ${path}`, op })),
  );

beforeAll(async () => {
  doc = (await call("GET", "/openapi.json", { token: null })).json;
});

// The back-office's paths are among the route table's: an admin signs in to them through Access.
serveAccessKeys();
await grant("admin@openapi.example");

describe("the document's own answer", () => {
  it("names PUBLIC_BASE_URL as its server whatever Host was asked, and may be cached an hour", async () => {
    const r = await call("GET", "/openapi.json", { token: null, headers: { Host: "rebind.attacker.example" } });
    expect(r.json.servers).toEqual([{ url: new URL(env.PUBLIC_BASE_URL).origin }]);
    expect(r.headers.get("Cache-Control")).toBe("public, max-age=3600");
  });
});

describe("every operation documents itself", () => {
  it("has a unique operationId, a summary, a description, one declared tag and its security", () => {
    const declared = new Set(doc.tags.map((t) => t.name));
    const ids = new Set<string>();
    for (const { at, op } of [
      ...operations(),
      ...Object.entries(doc.webhooks).map(([t, w]) => ({ at: t, op: w.post })),
    ]) {
      expect(op.operationId, at).toMatch(/^[a-z][A-Za-z]+$/);
      expect(ids.has(op.operationId!), `${at}: duplicate operationId`).toBe(false);
      ids.add(op.operationId!);
      expect(op.summary, at).toBeTruthy();
      expect(op.description, at).toBeTruthy();
      expect(op.tags?.length, at).toBe(1);
      expect(declared.has(op.tags![0]!), `${at}: tag declared`).toBe(true);
      expect(Array.isArray(op.security), `${at}: security`).toBe(true);
    }
    expect(doc.info.contact).toBeTruthy();
  });

  it("documents 401 with WWW-Authenticate, 403 and 429 with Retry-After on every bearer route; 500 everywhere", () => {
    for (const { at, op } of operations()) {
      expect(op.responses["500"], at).toBeDefined();
      if (op.security!.length === 0) continue;
      expect(op.responses["401"]?.headers?.["WWW-Authenticate"]?.required, at).toBe(true);
      expect(op.responses["403"], at).toBeDefined();
      expect(op.responses["429"]?.headers?.["Retry-After"]?.required, at).toBe(true);
    }
  });

  it("documents Location on every 201 (a rotated secret has no URL of its own), ETag on cacheable answers", () => {
    for (const { at, op } of operations()) {
      if (op.responses["201"] && !["rotateWebhookSecret", "rotateSubscriptionSecret"].includes(op.operationId!)) {
        expect(op.responses["201"].headers?.Location?.required, at).toBe(true);
      }
      if (op.responses["304"]) {
        expect(op.responses["200"]!.headers?.ETag?.required, at).toBe(true);
        expect(op.responses["304"].headers?.ETag?.required, at).toBe(true);
      }
    }
  });

  it("lists a route of the app in the document, unless it is a local dev tool or the back-office's pages", () => {
    const documented = new Set(operations().map(({ at }) => at));
    // Both kept out on purpose: /dev (local tools) and /admin (pages for people: src/admin/app.tsx).
    // And the log's tile reader: the catch-all behind the documented `/log/tile/{level}/{index}` (C2SP spells
    // large and partial tiles with more segments than a path template can say).
    const notTheApi = (path: string) =>
      path.startsWith("/dev/") || path === "/admin" || path.startsWith("/admin/") || path === "/log/tile/*";
    for (const r of app.routes.filter((r) => r.method !== "ALL" && !notTheApi(r.path))) {
      const at = `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, "{$1}")}`;
      expect(documented.has(at), at).toBe(true);
    }
  });
});

describe("the rules that validate are the ones documented", () => {
  const schema = (name: string) => doc.components.schemas[name];

  it("identifiers: Code SP+, label number, postcode, department, SIRET, e-mail", () => {
    const s = schema("StructureCreate").properties;
    expect(s.code).toMatchObject({ maxLength: 40, pattern: CODE_SP_ONLY_PATTERN.source });
    expect(s.postcode.pattern).toBeTruthy();
    expect(s.department.pattern).toBeTruthy();
    expect(s.siret).toMatchObject({ pattern: "^\\d{14}$", description: expect.stringContaining("Luhn") });
    expect(schema("Contact").properties.email).toMatchObject({ format: "email", pattern: EMAIL_PATTERN.source });
    const labelParam = doc.paths["/v1/labels/{number}"]!.get!.parameters!.find((p) => p.name === "number") as any;
    expect(labelParam.schema).toMatchObject({ pattern: "^SPP-\\d{4}-\\d{6}$", maxLength: 15 });
  });

  it("exactly 8 engagements, a non-empty PATCH, and cross-field rules in descriptions", () => {
    const rules = schema("ReferentialCreate").properties.rules.properties;
    expect(rules.engagements).toMatchObject({ minItems: 8, maxItems: 8 });
    expect(schema("StructurePatch").minProperties).toBe(1);
    expect(schema("CertifierPatch").minProperties).toBe(1);
    expect(schema("CertifierCreate").properties.habilitation.description).toMatch(/`until` must be on or after `from`/);
    expect(schema("ApiKeyCreate").description).toMatch(/`admin` ⇒ no `certifierId`/);
    expect(schema("LabelDecisionData").description).toMatch(/`tier` is required when `decision` is `award`/);
  });

  const seg = "[A-Za-z0-9._-]";
  test.prop([
    fc.oneof(
      fc.stringMatching(new RegExp(`^${seg}{0,45}$`)),
      fc.stringMatching(/^SPP-\d{4}-\d{6}$/),
      fc.constantFrom("verify", "VERIFY", "Verify", "verifyx"),
    ),
  ])("the documented Code SP+ pattern accepts exactly what isCodeSp accepts", (v) => {
    expect(CODE_SP_ONLY_PATTERN.test(v)).toBe(isCodeSp(v));
    expect(CODE_SP_PATTERN.test(v) || !isCodeSp(v)).toBe(true);
  });

  // The pattern's shape without its length look-ahead (fast-check cannot generate from a look-ahead); the
  // candidates are then filtered by the pattern itself.
  const emailLike = fc.stringMatching(new RegExp(EMAIL_PATTERN.source.replace("(?=[^@]{1,64}@)", "")));
  const formats = addFormats(new Ajv2020());
  const isFormatEmail = formats.compile({ type: "string", format: "email" });
  test.prop([emailLike.filter((e) => EMAIL_PATTERN.test(e))])(
    "every address the e-mail pattern accepts is a `format: email`",
    (v) => {
      expect(isFormatEmail(v)).toBe(true);
    },
  );

  it("the server refuses what the pattern refuses, with the pattern's message", async () => {
    for (const email of ["a@b-.fr", "a..b@x.fr", ".a@x.fr", "a@x.f", "a b@x.fr"]) {
      expect(EMAIL_PATTERN.test(email), email).toBe(false);
      const r = await call("POST", "/v1/certifiers", {
        body: { name: "OC", contactEmail: email, habilitation: { from: "2024-01-01", until: "2030-12-31" } },
      });
      expect(r.status, email).toBe(422);
      expect(r.json.errors, email).toContainEqual({ path: "contactEmail", message: expect.stringMatching(/e-mail/) });
    }
  });
});

describe("query strings and methods", () => {
  it("refuses unknown query parameters with a 422 naming each, on admin, public and meta operations", async () => {
    for (const path of [
      "/v1/structures?departement=13&q=x",
      "/v1/certifiers?page=2",
      "/v1/labels/SPP-2026-000001?x=1",
    ]) {
      const r = await call("GET", path);
      expect(r.status, path).toBe(422);
      expect(
        r.json.errors.every((e: { message: string }) => e.message === "Unknown query parameter"),
        path,
      ).toBe(true);
    }
    const named = await call("GET", "/v1/structures?departement=13&q=x&foo=1");
    expect(named.json.errors.map((e: { path: string }) => e.path).sort()).toEqual(["departement", "foo"]);
    for (const path of ["/v1/public/labels?tri=nom", "/health?probe=1", "/openapi.json?v=2"]) {
      const r = await call("GET", path, { token: null });
      expect(r.status, path).toBe(422);
      expect(r.json.errors, path).toEqual([
        { path: path.split("?")[1]!.split("=")[0], message: "Unknown query parameter" },
      ]);
    }
  });

  it("ignores any query string on the badge, the verification page, a label's JSON, shields and /docs", async () => {
    const { code } = await makeStructure();
    for (const path of [`/badge/${code}.svg`, `/verify/${code}`, `/v1/public/labels/${code}`]) {
      const r = await call("GET", `${path}?_=1712345678&utm_source=mairie`, { token: null });
      expect(r.status, path).toBe(200);
    }
    expect((await call("GET", `/v1/public/labels/${code}/shields.json?cachebust=1`, { token: null })).status).toBe(200);
    expect((await call("GET", "/docs?theme=dark", { token: null })).status).toBe(200);
  });

  it("answers 405 with Allow, derived from the route table, for every known path and an unsupported method", async () => {
    const paths = [...new Set(app.routes.filter((r) => r.method !== "ALL").map((r) => r.path))];
    // The back-office answers people signed in through Access, and forms sent from its own origin.
    const office = {
      Origin: new URL(env.PUBLIC_BASE_URL).origin,
      "Cf-Access-Jwt-Assertion": await accessToken("admin@openapi.example"),
    };
    for (const path of paths) {
      const concrete = path.replace(/:\w+/g, "X");
      const allow = allowedMethods(app.routes, concrete);
      const method = ["DELETE", "PUT", "POST"].find((m) => !allow.includes(m))!;
      // The dev outbox exists on a loopback host only (elsewhere it is a 404 for every method).
      const base = path.startsWith("/dev/") ? "http://localhost:8787" : BASE;
      const headers = path.startsWith("/admin") ? office : { Authorization: `Bearer ${ADMIN}` };
      const res = await fetchWorker(new Request(`${base}${concrete}`, { method, headers }));
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get("Allow"), path).toBe(allow.join(", "));
      expect(((await res.json()) as { code: string }).code).toBe("method-not-allowed");
    }
    expect(allowedMethods(app.routes, "/v1/structures/X")).toEqual(["GET", "HEAD", "PATCH"]);
  });

  it("still answers 404 for an unknown path, and a CORS preflight on public paths", async () => {
    expect((await call("DELETE", "/v1/nothing-here")).status).toBe(404);
    const pre = await call("OPTIONS", "/v1/public/labels", {
      token: null,
      headers: { Origin: "https://mairie.example", "Access-Control-Request-Method": "GET" },
    });
    expect(pre.status).toBe(204);
  });
});

describe("webhooks", () => {
  it("documents the receiver's raw body (the WebhookEvent union) and its three signature headers", () => {
    const op = doc.paths["/v1/webhooks/certifiers/{certifierId}"]!.post!;
    expect(op.security).toEqual([]);
    expect(op.requestBody!.content["application/json"]!.schema).toEqual({ $ref: "#/components/schemas/WebhookEvent" });
    const headers = op.parameters!.filter((p) => p.in === "header");
    expect(headers.map((h) => [h.name, h.required])).toEqual([
      ["webhook-id", true],
      ["webhook-timestamp", true],
      ["webhook-signature", true],
    ]);
    expect(doc.components.schemas.WebhookEvent.oneOf).toHaveLength(EVENT_TYPES.length);
  });

  it("puts every event type in the top-level webhooks map, with an example its schema accepts", () => {
    expect(Object.keys(doc.webhooks).sort()).toEqual([...EVENT_TYPES].sort());
    const ajv = addFormats(new Ajv2020({ strictSchema: false }));
    ajv.addSchema({ ...doc, $id: "https://doc.test/openapi.json" });
    for (const type of EVENT_TYPES) {
      const body = doc.webhooks[type]!.post.requestBody!.content["application/json"]!;
      expect(body.example, type).toEqual(EVENT_EXAMPLES[type]);
      expect(WebhookEvent.safeParse(body.example).success, type).toBe(true);
      const validate = ajv.compile({ $ref: "https://doc.test/openapi.json#/components/schemas/WebhookEvent" });
      expect(validate(body.example), `${type}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it("does not validate the body before the signature: an unsigned bad body is 401, not 422", async () => {
    const r = await call("POST", "/v1/webhooks/certifiers/oc_x", { token: null, raw: "not json" });
    expect(r.status).toBe(401);
  });
});

describe("the response-conformance check", () => {
  let c: Conformance;
  beforeAll(async () => {
    c = await conformance();
  });
  type Fake = Omit<Partial<Received>, "headers"> & { headers?: Record<string, string> };
  const received = (over: Fake): Received => ({
    method: "GET",
    url: `${BASE}/health`,
    status: 200,
    text: '{"status":"ok"}',
    ...over,
    headers: new Headers({ "Content-Type": "application/json", ...over.headers }),
  });

  it("accepts a conforming response", () => {
    expect(c.problems(received({}))).toEqual([]);
  });

  it.each<[string, Fake, RegExp]>([
    ["an undocumented status", { status: 201 }, /status not documented/],
    ["an undocumented content type", { headers: { "Content-Type": "text/plain" } }, /content type "text\/plain"/],
    [
      "a body outside its schema",
      { text: '{"status":"ko"}' },
      /body\/status must be equal to one of the allowed values/,
    ],
    ["a body that is not JSON", { text: "ok" }, /not JSON/],
    ["a missing required header", { url: `${BASE}/v1/structures/X`, status: 401, text: "{}" }, /WWW-Authenticate/],
    ["an undocumented path", { url: `${BASE}/v2/secret` }, /not in the document/],
    ["a 404 for an unsupported method", { method: "DELETE", status: 404 }, /not documented \(answered 404, not 405\)/],
  ])("refuses %s", (_, over, problem) => {
    expect(c.problems(received(over)).join("\n")).toMatch(problem);
    expect(() => c.check(received(over))).toThrow(/does not conform to \/openapi.json/);
  });

  it("is the only way tests reach the Worker: no test file fetches it otherwise", () => {
    const sources = import.meta.glob<string>("./**/*.ts", { query: "?raw", import: "default", eager: true });
    // The Worker's entrypoint, the test runtime's SELF, or the app / Worker module imported under any name.
    const bypasses = (src: string) => {
      const names = [...src.matchAll(/import\s+(\w+)\s+from\s+["']\.\.\/src\/(?:index|app)["']/g)].map((m) => m[1]);
      const direct = [
        /\bexports\.default\b/,
        /\bSELF\.fetch\b/,
        ...names.map((n) => new RegExp(`\\b${n}\\.(?:fetch|request)\\b`)),
      ];
      return direct.some((re) => re.test(src));
    };
    const allowed = new Set(["./helpers.ts", "./openapi.test.ts"]);
    const offenders = Object.keys(sources).filter(
      (file) => !allowed.has(file) && !file.startsWith("./browser/") && bypasses(sources[file]!),
    );
    expect(bypasses('import w from "../src/index";\nawait w.fetch(req, env, ctx);')).toBe(true);
    expect(bypasses('import worker from "../src/index";\nawait worker.scheduled(c, env, ctx);')).toBe(false);
    expect(offenders, "use call() or fetchWorker() from test/helpers.ts").toEqual([]);
    expect(Object.keys(sources).length).toBeGreaterThan(20);
  });
});
