/**
 * Hostile input on every read: each GET route of the app outside the back-office (a new one joins by
 * itself), with path segments that are real or hostile and any query string, by the administrator (so
 * private reads go deep) and by nobody. The answer is a success, a redirect or a 4xx — never a 5xx — and
 * every answer is checked against /openapi.json like any other in the suite (test/helpers.ts). A badge
 * URL answers a picture whatever it is sent. Cases per route: FUZZ_RUNS / 10 (CI: 100).
 */
import { env } from "cloudflare:test";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import app from "../src/app";
import { makeLabel } from "./factories";
import { call } from "./helpers";

const RUNS = Math.max(20, Math.floor(Number(env.FUZZ_RUNS) / 10));

const odd = fc.oneof(
  fc.string(),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.constantFrom("", " ", "\u0000", "\u202e", "\ud800", "a".repeat(3000), "%", "_", "*", "-1", "1e309", "csv", "svg"),
);
const hostileSegment = fc.oneof(
  odd.map((s) => [...new TextEncoder().encode(s)].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("")),
  fc.constantFrom("%", "%zz", "%00", "..", "%2e%2e", "%2F", "%C0%AF", "%ED%A0%80", "x.svg", "X.SVG", "x.png", "2026"),
);
const QUERY_KEYS = [
  "q",
  "cursor",
  "limit",
  "format",
  "tier",
  "status",
  "department",
  "network",
  "category",
  "on",
  "kind",
];
const query = fc.dictionary(fc.oneof(fc.constantFrom(...QUERY_KEYS), fc.string({ maxLength: 8 })), odd, { maxKeys: 4 });

const ROUTES = [
  ...new Set(
    app.routes
      .filter((r) => r.method === "GET" && !r.path.startsWith("/admin") && !r.path.startsWith("/dev/"))
      .map((r) => r.path),
  ),
].sort();

let real: Record<string, string>;

beforeAll(async () => {
  const label = await makeLabel();
  const key = await call("POST", "/v1/api-keys", { body: { name: "read-fuzz", role: "admin" } });
  real = {
    code: label.structureCode,
    ref: label.number,
    number: label.number,
    file: `${label.structureCode}.svg`,
    id: label.certifierId,
    keyId: key.json?.id ?? "key_unknown",
    version: "2023-illustratif",
    purpose: "suspension",
    list: String(new Date().getUTCFullYear()),
  };
});

function pathOf(route: string) {
  const names = [...route.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  return fc
    .tuple(...names.map(() => fc.oneof(fc.constant(null), hostileSegment)))
    .map((segments) =>
      names.reduce((p, name, i) => p.replace(`:${name}`, segments[i] ?? encodeURIComponent(real[name] ?? "x")), route),
    );
}

describe("every read: hostile paths and queries never get a 5xx", () => {
  it("finds the reads", () => {
    expect(ROUTES.length).toBeGreaterThan(30);
  });

  for (const route of ROUTES) {
    it(
      `GET ${route}`,
      async () => {
        await fc.assert(
          fc.asyncProperty(pathOf(route), query, fc.boolean(), async (path, q, asAdmin) => {
            const qs = new URLSearchParams(q).toString();
            const r = await call("GET", qs ? `${path}?${qs}` : path, { token: asAdmin ? undefined : null });
            if (r.status >= 500) throw new Error(`GET ${path}?${qs} → ${r.status}: ${r.text.slice(0, 300)}`);
            // A badge URL names a reference: `/badge/` names none (a 404 problem), and `%2e%2e` is `..` to any
            // URL parser (/badge/%2e%2e is the home page).
            if (/^\/badge\/[^/]+$/.test(new URL(`https://x${path}`).pathname) && r.status !== 301) {
              expect(r.headers.get("Content-Type"), `GET ${path}`).toMatch(/^image\/svg\+xml/);
            }
          }),
          { numRuns: RUNS },
        );
      },
      Math.max(120_000, RUNS * 1_000),
    );
  }
});
