/**
 * Hostile input on the back-office: every /admin route of the app (a new one joins by itself), signed
 * in as an administrator, with generated path segments, query strings, form fields and raw bodies of any
 * content type. A person's browser can send all of it; the answer must be a page or a redirect, never a
 * 5xx. (Who may do what is the authorisation matrix's business; this file only looks for crashes.)
 * Cases per route: FUZZ_RUNS / 10 (CI: 100).
 */
import { env } from "cloudflare:test";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import app from "../src/app";
import { grant, office, serveAccessKeys } from "./access";
import { auditEvent, makeAssignment, makeCertifier, makeLabel, makeStructure } from "./factories";
import { deliver } from "./webhooks-helpers";

serveAccessKeys();

const RUNS = Math.max(20, Math.floor(Number(env.FUZZ_RUNS) / 10));
const ADMIN = "fuzz.admin@ditp.example";

/** Every field name the back-office's forms and filters use, and some they don't. */
const FIELDS = [
  "category",
  "certifierId",
  "city",
  "code",
  "confirm",
  "contactEmail",
  "contractRef",
  "decidedOn",
  "decision",
  "department",
  "effectiveOn",
  "email",
  "expiresWithin",
  "from",
  "justification",
  "kind",
  "name",
  "network",
  "next",
  "parentCode",
  "postcode",
  "q",
  "reason",
  "region",
  "revokePrevious",
  "siret",
  "status",
  "tier",
  "token",
  "type",
  "typology",
  "until",
  "website",
  "cursor",
  "role",
  "contact1_email",
  "contact1_name",
  "contact20_role",
  "contact99_email",
  "__proto__",
  "constructor",
] as const; // prettier-ignore

const odd = fc.oneof(
  fc.string(),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "\r\nBcc: x@y.example",
    "\u202e",
    "\ud800",
    "a".repeat(5000),
    "on",
    "or",
    "award",
    "2026-02-30",
    "9999-12-31",
    "-1",
    "1e309",
    "%",
    "__proto__",
    "<script>alert(1)</script>",
    "'; DROP TABLE labels; --",
  ),
);

/** A path segment: any string percent-encoded, or raw hostile escapes. */
const hostileSegment = fc.oneof(
  odd.map((s) => [...new TextEncoder().encode(s)].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("")),
  fc.constantFrom("%", "%zz", "%00", "..", "%2e%2e", "%2F", "%C0%AF", "%ED%A0%80", "new", "*"),
);

const fields = fc.dictionary(fc.oneof(fc.constantFrom(...FIELDS), fc.string({ maxLength: 10 })), odd, {
  maxKeys: 8,
});

/** What a POST may carry: a form near the real ones, or anything under any content type. */
const postBody = fc.oneof(
  {
    weight: 4,
    arbitrary: fields.map((f) => ({
      type: "application/x-www-form-urlencoded",
      body: new URLSearchParams(f).toString(),
    })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom(
          "application/x-www-form-urlencoded",
          "multipart/form-data",
          "multipart/form-data; boundary=x",
          "application/json",
          "text/plain",
          "",
        ),
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fields.map((f) => JSON.stringify(f)),
          fc.constant('--x\r\nContent-Disposition: form-data; name="code"\r\n\r\n\u0000\r\n--x--'),
        ),
      )
      .map(([type, body]) => ({ type, body })),
  },
); // prettier-ignore

const ROUTES = [
  ...new Set(
    app.routes
      .filter((r) => (r.method === "GET" || r.method === "POST") && r.path.startsWith("/admin"))
      .map((r) => `${r.method} ${r.path}`),
  ),
].sort();

let valid: Record<string, string>;

beforeAll(async () => {
  await grant(ADMIN);
  const body = await makeCertifier();
  const s = await makeStructure();
  await makeAssignment(s.code, body.id);
  const label = await makeLabel({ structureCode: s.code, certifierId: body.id });
  // A delivery refused for a structure the body is not assigned: a replayable row of the inbox.
  const refused = await deliver(body.id, {
    secret: body.webhookSecret,
    body: auditEvent((await makeStructure()).code),
  });
  expect(refused.status).toBe(403);
  valid = {
    code: s.code,
    id: body.id,
    number: label.number,
    action: "suspend",
    version: "2023-illustratif",
    email: ADMIN,
    deliveryId: (refused.json as { eventId: string }).eventId,
  };
});

/** A value that names something real for this route's parameter (an `:id` depends on the route). */
function realValue(route: string, name: string): string {
  if (name === "id" && route.includes("/webhook-events/")) return valid.deliveryId!;
  return valid[name] ?? valid.id!;
}

/** The route's path with each `:param` either a real value (to reach deep) or a hostile one. */
function pathOf(route: string) {
  const names = [...route.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  return fc
    .tuple(...names.map(() => fc.oneof(fc.constant(null), hostileSegment)))
    .map((segments) =>
      names.reduce(
        (p, name, i) => p.replace(`:${name}`, segments[i] ?? encodeURIComponent(realValue(route, name))),
        route,
      ),
    );
}

describe("back-office: hostile input from a signed-in administrator never gets a 5xx", () => {
  it("finds the back-office's routes", () => {
    expect(ROUTES.length).toBeGreaterThan(30);
  });

  it("a form the Worker cannot read (a malformed multipart body) is a 400 page, and registers nothing", async () => {
    const before = await env.DB.prepare("SELECT count(*) AS n FROM structures").first<{ n: number }>();
    const res = await office("POST", "/admin/structures", {
      as: ADMIN,
      headers: { "Content-Type": "multipart/form-data; boundary=x" },
      raw: '--x\r\nContent-Disposition: form-data; name="code"\r\n\r\nX',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM structures").first<{ n: number }>()).toEqual(before);
  });

  for (const route of ROUTES) {
    const [method, template] = route.split(" ") as [string, string];
    it(
      route,
      async () => {
        const cases = fc.tuple(pathOf(template), fields, postBody);
        await fc.assert(
          fc.asyncProperty(cases, async ([path, query, post]) => {
            const qs = new URLSearchParams(query).toString();
            const res = await office(method, qs && method === "GET" ? `${path}?${qs}` : path, {
              as: ADMIN,
              ...(method === "POST" ? { headers: { "Content-Type": post.type }, raw: post.body } : {}),
            });
            if (res.status >= 500) throw new Error(`${method} ${path} → ${res.status}: ${res.text.slice(0, 300)}`);
          }),
          { numRuns: RUNS },
        );
      },
      Math.max(120_000, RUNS * 1_000),
    );
  }
});
