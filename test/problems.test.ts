/**
 * Errors people can follow: every problem's `type` is a page explaining its code, every answer and
 * every log line carries the request id, and every status the app answers maps to a code of the
 * closed set — all through the real Worker.
 */
import { env } from "cloudflare:test";
import { HTTPException } from "hono/http-exception";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { outageD1 } from "../src/lib/d1-outage";
import { asApiError, PROBLEM_FOR_STATUS, PROBLEMS, type ProblemCode } from "../src/lib/errors";
import { HTML_CSP } from "../src/lib/security-headers";
import {
  auditEvent,
  makeAssignedStructure,
  makeCertifier,
  makeStructure,
  structurePayload,
  uniqueId,
} from "./factories";
import { call, daily } from "./helpers";
import { deliver } from "./webhooks-helpers";

const CODES = Object.keys(PROBLEMS) as ProblemCode[];
const typeOf = (code: string) => `${env.PUBLIC_BASE_URL}/problems/${code}`;
const GENERATED_ID = /^[0-9a-f]{16}$/;

type Answer = Awaited<ReturnType<typeof call>>;

/** A problem as every error answer must be: its code, its page's URL, and the request's id. */
function expectProblem(r: Answer, status: number, code: ProblemCode) {
  expect(r.status).toBe(status);
  expect(r.headers.get("Content-Type")).toBe("application/problem+json");
  expect(r.json).toMatchObject({ status, code, type: typeOf(code), title: PROBLEMS[code].title });
  expect(r.json.requestId).toMatch(GENERATED_ID);
  expect(r.json.requestId).toBe(r.headers.get("X-Request-Id"));
}

/** Captures every console line the Worker writes (same isolate as the tests). */
function captureLogs() {
  const lines: string[] = [];
  beforeEach(() => {
    lines.length = 0;
    for (const level of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        lines.push(args.map(String).join(" "));
      });
    }
  });
  afterEach(() => vi.restoreAllMocks());
  return lines;
}

/** A trigger that makes every insert into `table` fail, as an outage would: the request answers 500. */
async function breakInserts(table: string) {
  await env.DB.prepare(
    `CREATE TRIGGER break_${table} BEFORE INSERT ON ${table} BEGIN SELECT RAISE(ABORT, 'injected fault'); END`,
  ).run();
  return () => env.DB.prepare(`DROP TRIGGER break_${table}`).run();
}

describe("GET /problems/{code}", () => {
  it.each(CODES)("%s: a French and English page, DSFR, no script, strict headers", async (code) => {
    const r = await call("GET", `/problems/${code}`, { token: null, headers: { Accept: "text/html" } });
    expect(r.status).toBe(200);
    expect(r.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(r.headers.get("Content-Security-Policy")).toBe(HTML_CSP);
    expect(r.headers.get("X-Frame-Options")).toBe("DENY");
    expect(r.headers.get("Vary")).toBe("Accept");
    expect(r.text).toMatch(/^<!doctype html><html lang="fr"/);
    expect(r.text).toContain("/vendor/dsfr/dsfr.min.css");
    expect(r.text).not.toMatch(/<script/i);
    expect(r.text).toContain(`HTTP ${PROBLEMS[code].status} · ${code}`);
    expect(r.text).toContain('<section lang="en">');
    expect(r.text).toContain("Causes habituelles");
    expect(r.text).toContain("Usual causes");
    expect(r.text).toContain("Que faire ?");
    expect(r.text).toContain("What to do");
  });

  it.each(CODES)("%s: the same text as JSON when asked", async (code) => {
    const r = await call("GET", `/problems/${code}`, { token: null, headers: { Accept: "application/json" } });
    expect(r.status).toBe(200);
    expect(r.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(r.json).toMatchObject({ code, status: PROBLEMS[code].status, type: typeOf(code) });
    for (const lang of ["fr", "en"] as const) {
      expect(r.json[lang].title.length).toBeGreaterThan(0);
      expect(r.json[lang].meaning.length).toBeGreaterThan(0);
      expect(r.json[lang].causes.length).toBeGreaterThan(0);
      expect(r.json[lang].whatToDo.length).toBeGreaterThan(0);
    }
    expect(r.json.fr.meaning).not.toBe(r.json.en.meaning);
  });

  it("answers HTML to a browser and to `*/*`", async () => {
    const browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    for (const accept of [browser, "*/*"]) {
      const r = await call("GET", "/problems/conflict", { token: null, headers: { Accept: accept } });
      expect(r.headers.get("Content-Type")).toMatch(/^text\/html/);
    }
  });

  it("tells `validation` (the shape) from `unprocessable` (a rule) on their pages", async () => {
    const validation = await call("GET", "/problems/validation", {
      token: null,
      headers: { Accept: "application/json" },
    });
    const rule = await call("GET", "/problems/unprocessable", { token: null, headers: { Accept: "application/json" } });
    expect(validation.json.en.meaning).toContain("`unprocessable`");
    expect(rule.json.en.meaning).toContain("`validation`");
  });

  it("an unknown code is a 404 problem", async () => {
    const r = await call("GET", "/problems/teapot", { token: null });
    expectProblem(r, 404, "not-found");
  });
});

describe("the request id", () => {
  it("is on every answer: JSON, HTML, SVG, problems; a new one per request", async () => {
    const { code } = await makeStructure();
    const ids = new Set<string>();
    for (const path of ["/health", `/verify/${code}`, `/badge/${code}.svg`, "/problems/internal", "/nope"]) {
      const r = await call("GET", path, { token: null });
      const id = r.headers.get("X-Request-Id");
      expect(id, path).toMatch(GENERATED_ID);
      ids.add(id!);
    }
    expect(ids.size).toBe(5);
  });

  it("is Cloudflare's Ray ID when there is one; anything not shaped like one is ignored", async () => {
    const ray = "8f2a61b7c4d3e5f9-CDG";
    const r = await call("GET", "/nope", { token: null, headers: { "cf-ray": ray } });
    expect(r.headers.get("X-Request-Id")).toBe(ray);
    expect(r.json.requestId).toBe(ray);
    const forged = await call("GET", "/nope", { token: null, headers: { "cf-ray": '"},"admin":true,"x":"' } });
    expect(forged.headers.get("X-Request-Id")).toMatch(GENERATED_ID);
  });

  it("is readable by cross-origin scripts on public answers", async () => {
    const { code } = await makeStructure();
    const r = await call("GET", `/v1/public/labels/${code}`, {
      token: null,
      headers: { Origin: "https://site.example" },
    });
    expect(r.headers.get("Access-Control-Expose-Headers")).toContain("X-Request-Id");
  });

  describe("in the logs", () => {
    const lines = captureLogs();

    it("every line logged while serving a request carries its id", async () => {
      const repair = await breakInserts("structures");
      try {
        const r = await call("POST", "/v1/structures", { body: structurePayload() });
        expectProblem(r, 500, "internal");
        expect(lines.length).toBeGreaterThan(0);
        for (const line of lines) {
          expect(JSON.parse(line)).toMatchObject({ requestId: r.json.requestId });
        }
        expect(lines.map((l) => JSON.parse(l).msg)).toContain("unhandled error");
      } finally {
        await repair();
      }
    });

    it("a cron run, which answers nobody, logs under one run id", async () => {
      for (const vars of [{}, { D1_METRICS: "on" }]) await daily("2026-12-01", vars);
      const logged = lines.map((l) => JSON.parse(l));
      expect(logged.map((l) => l.msg)).toEqual(["daily job", "daily job", "d1-metrics"]);
      for (const l of logged) {
        expect(l.runId).toMatch(GENERATED_ID);
        expect(l.requestId).toBeUndefined();
      }
      expect(logged[0].runId).not.toBe(logged[1].runId);
      expect(logged[2].runId).toBe(logged[1].runId);
    });
  });

  it("a webhook answer given again keeps the first request's id in its body, byte for byte", async () => {
    const { certifier, secret, code } = await makeAssignedStructure();
    const event = auditEvent(code);
    event.data.engagements[0]!.score = 120;
    const id = uniqueId("msg");
    const first = await deliver(certifier.id, { secret, body: event, id });
    expectProblem(first, 422, "validation");
    const again = await deliver(certifier.id, { secret, body: event, id });
    expect(again.text).toBe(first.text);
    expect(again.headers.get("X-Request-Id")).not.toBe(first.headers.get("X-Request-Id"));
  });
});

describe("every status the app answers maps to a code of the closed set", () => {
  it("the table holds every status of the closed set, each with a code of that status", () => {
    const statuses = new Set(Object.values(PROBLEMS).map((p) => p.status));
    expect(new Set(Object.keys(PROBLEM_FOR_STATUS).map(Number))).toEqual(statuses);
    for (const [status, code] of Object.entries(PROBLEM_FOR_STATUS)) {
      expect(PROBLEMS[code].status).toBe(Number(status));
    }
  });

  it("Hono's own HTTPExceptions keep their status, under its code; a status without a code is a logged 500", () => {
    for (const [status, code] of Object.entries(PROBLEM_FOR_STATUS)) {
      if (Number(status) >= 500) continue;
      const e = new HTTPException(Number(status) as 400, { message: "from Hono" });
      expect(asApiError(e)).toMatchObject({ code, message: "from Hono" });
    }
    expect(asApiError(new HTTPException(418))).toBeNull();
    expect(asApiError(new HTTPException(500))).toBeNull();
  });

  const admin = (method: string, path: string, body?: unknown) => call(method, path, { body });
  const cases: [number, ProblemCode, () => Promise<Answer>][] = [
    [
      400,
      "bad-request",
      () => call("POST", "/v1/structures", { raw: "{not json", headers: { "Content-Type": "application/json" } }),
    ],
    [401, "unauthorized", () => call("GET", "/v1/structures", { token: null })],
    [403, "forbidden", async () => call("GET", "/v1/structures", { token: (await makeCertifier()).apiKey })],
    [404, "not-found", () => admin("GET", "/v1/structures/NOPE-404")],
    [405, "method-not-allowed", () => admin("DELETE", "/v1/structures")],
    [
      409,
      "conflict",
      async () => admin("POST", "/v1/structures", structurePayload({ code: (await makeStructure()).code })),
    ],
    [413, "payload-too-large", () => admin("POST", "/v1/structures", structurePayload({ name: "x".repeat(1 << 20) }))],
    [
      415,
      "unsupported-media-type",
      () => call("POST", "/v1/structures", { raw: "{}", headers: { "Content-Type": "text/plain" } }),
    ],
    [422, "validation", () => admin("POST", "/v1/structures", structurePayload({ postcode: "99999" }))],
    [422, "unprocessable", () => admin("POST", "/v1/structures", structurePayload({ code: "P-1", parentCode: "P-1" }))],
    [
      429,
      "rate-limited",
      async () => {
        // PUBLIC_LIMITER's production limit (300 misses a minute per IP), from an address of its own.
        const ip = "198.51.100.29";
        for (let i = 0; i < 700; i++) {
          const r = await call("GET", `/v1/public/labels/NOPE-${i}`, {
            token: null,
            headers: { "CF-Connecting-IP": ip },
          });
          if (r.status === 429) return r;
        }
        throw new Error("never throttled");
      },
    ],
    [
      500,
      "internal",
      async () => {
        const repair = await breakInserts("certifiers");
        vi.spyOn(console, "error").mockImplementation(() => {});
        try {
          return await admin("POST", "/v1/certifiers", {
            name: "OC",
            contactEmail: "oc@x.example",
            habilitation: { from: "2024-01-01", until: "2030-01-01" },
          });
        } finally {
          vi.restoreAllMocks();
          await repair();
        }
      },
    ],
    [
      503,
      "unavailable",
      () => {
        vi.spyOn(console, "error").mockImplementation(() => {});
        return call("POST", "/v1/structures", { body: structurePayload(), env: { DB: outageD1() } }).finally(() =>
          vi.restoreAllMocks(),
        );
      },
    ],
  ];

  it.each(cases)("%i → %s, whose page exists", async (status, code, provoke) => {
    const r = await provoke();
    expectProblem(r, status, code);
    const page = await call("GET", new URL(r.json.type).pathname, { token: null });
    expect(page.status).toBe(200);
  });

  it("405 says which methods the path answers", async () => {
    const r = await call("DELETE", "/v1/structures/ANY-CODE");
    expect(r.status).toBe(405);
    expect(r.headers.get("Allow")).toBe("GET, HEAD, PATCH");
    expect((await call("PUT", "/health", { token: null })).headers.get("Allow")).toBe("GET, HEAD");
  });

  it("covers every status of the closed set", () => {
    expect(new Set(cases.map(([s]) => s))).toEqual(new Set(Object.values(PROBLEMS).map((p) => p.status)));
    expect(new Set(cases.map(([, c]) => c))).toEqual(new Set(CODES));
  });
});
