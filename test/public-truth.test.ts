/**
 * The public answer can't lie: one canonical reference and cache entry per answer, purged here and
 * everywhere after a change, never cached past midnight, never refilled from a lagging replica, changed
 * only by who may change it, and a badge that is always a picture.
 */
import { applyD1Migrations, env } from "cloudflare:test";
import { HttpResponse, http } from "msw";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { runDueEffects } from "../src/changes/effects";
import { codeTag, FIGURES_TAG, labelTag } from "../src/changes/public-change";
import { PURGE_API } from "../src/changes/purge";
import { getDb } from "../src/db/client";
import { findPublicLabel } from "../src/db/public";
import {
  makeAssignment,
  makeCertifier,
  makeInputs,
  makeLabel,
  makeStructure,
  structurePayload,
  uniqueId,
} from "./factories";
import { ADMIN, BASE, call, fetchWorker, sql } from "./helpers";
import { mockNetwork } from "./network";
import { deliver } from "./webhooks-helpers";

const ZONE = "0123456789abcdef0123456789abcdef";
const PURGE = { CLOUDFLARE_ZONE_ID: ZONE, CLOUDFLARE_PURGE_TOKEN: "test-purge-token" };

// The Cloudflare purge API is outside: MSW stands for it (test/network.ts).
const network = mockNetwork();
afterEach(() => vi.useRealTimers());

/** The purge API answering `statuses` in turn (the last one repeats), recording each request's tags. */
function purgeApi(...answers: { status: number; retryAfter?: number }[]) {
  const seen: { tags: string[]; auth: string | null }[] = [];
  network.use(
    http.post(`${PURGE_API}/${ZONE}/purge_cache`, async ({ request }) => {
      seen.push({
        tags: ((await request.json()) as { tags: string[] }).tags,
        auth: request.headers.get("Authorization"),
      });
      const a = answers[Math.min(seen.length - 1, answers.length - 1)]!;
      return a.status < 300
        ? HttpResponse.json({ success: true, errors: [], messages: [], result: { id: ZONE } })
        : HttpResponse.json(
            { success: false, errors: [{ code: 1, message: "no" }] },
            { status: a.status, headers: a.retryAfter ? { "Retry-After": String(a.retryAfter) } : {} },
          );
    }),
  );
  return seen;
}

/** The Worker under another configuration (the purge API, a lagging replica, a broken database). */
async function fetchWith(over: Record<string, unknown>, path: string, init: RequestInit = {}) {
  return fetchWorker(new Request(`${BASE}${path}`, { ...init, redirect: "manual" }), {
    env: { ...env, ...over } as Env,
  });
}

const anon = (path: string) => call("GET", path, { token: null });

/** The effects of these subjects not done yet. */
const unfinished = (...subjects: string[]) =>
  sql<{ status: string; attempts: number; next_attempt_at: string; last_error: string }>(
    `SELECT status, attempts, next_attempt_at, last_error FROM effects WHERE status != 'done' AND subject IN (${subjects.map(() => "?").join(",")})`,
    ...subjects,
  );

/** Follows redirects as a browser would; the answer at the end of the chain and the hops taken. */
async function follow(path: string) {
  const hops: string[] = [];
  let r = await anon(path);
  while (r.status === 301 && hops.length < 5) {
    const to = r.headers.get("Location")!;
    hops.push(to);
    r = await anon(to);
  }
  return { ...r, hops };
}

/** What an answer says of the label's status, whatever the surface. */
function statusOf(r: Awaited<ReturnType<typeof follow>>): string {
  const type = r.headers.get("Content-Type") ?? "";
  if (type.startsWith("image/svg+xml")) return r.headers.get("X-Label-Status")!;
  if (type.startsWith("text/html")) return /Label (valide|suspendu|retiré|expiré)/.exec(r.text)?.[1] ?? "?";
  if (r.json?.schemaVersion === 1) return r.json.message;
  return r.json?.status;
}

let seq = 0;
let oc: { id: string; webhookSecret: string };
beforeAll(async () => {
  oc = await makeCertifier({ name: "Organisme Vérité" });
});

/** A structure assigned to `oc` with a valid label; its code has a hyphen to encode and letters to lower. */
async function labelled(tier: "bronze" | "argent" | "or" = "or") {
  const code = `TRUTH-${++seq}X`;
  await makeStructure({ code });
  await makeAssignment(code, oc.id);
  const number = (await makeLabel({ structureCode: code, certifierId: oc.id, tier })).number;
  return { code, number };
}

describe("one canonical key per answer", () => {
  it("every other spelling redirects (301) to the canonical URL, in one hop", async () => {
    const { code, number } = await labelled();
    const [head, tail] = code.split("-") as [string, string];
    const encoded = `${head}%2D${tail}`;
    const lowerNumber = number.toLowerCase();
    const encodedDigit = `${number.slice(0, -1)}%3${number.slice(-1)}`;
    const cases: [string, string][] = [
      [`/badge/${code}`, `/badge/${code}.svg`],
      [`/badge/${code}.SVG`, `/badge/${code}.svg`],
      [`/badge/${code}.png`, `/badge/${code}.svg`],
      [`/badge/${encoded}.svg`, `/badge/${code}.svg`],
      [`/badge/${lowerNumber}.svg`, `/badge/${number}.svg`],
      [`/badge/${encodedDigit}.svg`, `/badge/${number}.svg`],
      [`/v1/public/labels/${encoded}`, `/v1/public/labels/${code}`],
      [`/v1/public/labels/${lowerNumber}`, `/v1/public/labels/${number}`],
      [`/v1/public/labels/${encodedDigit}`, `/v1/public/labels/${number}`],
      [`/v1/public/labels/${encoded}/shields.json`, `/v1/public/labels/${code}/shields.json`],
      [`/verify/${encoded}`, `/verify/${code}`],
      [`/verify/${code}/`, `/verify/${code}`],
      [`/verify/${lowerNumber}`, `/verify/${number}`],
    ];
    for (const [from, to] of cases) {
      const r = await anon(from);
      expect(r.status, from).toBe(301);
      expect(r.headers.get("Location"), from).toBe(to);
      expect(r.headers.get("Access-Control-Allow-Origin"), from).toBe("*");
    }
    // The registry's spelling of a Code SP+ is known after a lookup: a second hop at most.
    for (const surface of [
      "/badge/%s.svg",
      "/v1/public/labels/%s",
      "/v1/public/labels/%s/shields.json",
      "/verify/%s",
    ]) {
      const r = await follow(surface.replace("%s", code.toLowerCase()));
      expect(r.status).toBe(200);
      expect(r.hops).toEqual([surface.replace("%s", code)]);
    }
  });

  it("after a suspension, no spelling of any surface answers « valide » from this data centre", async () => {
    const { code, number } = await labelled("argent");
    const [head, tail] = code.split("-") as [string, string];
    const spellings = [
      ...[code, `${head}%2D${tail}`, code.toLowerCase(), number, number.toLowerCase()].flatMap((ref) => [
        `/badge/${ref}.svg`,
        `/badge/${ref}`,
        `/badge/${ref}.png`,
        `/v1/public/labels/${ref}`,
        `/v1/public/labels/${ref}/shields.json`,
        `/verify/${ref}`,
        `/verify/${ref}/`,
      ]),
      `/badge/${code}.svg?v=42`,
    ];
    for (const s of spellings) expect(statusOf(await follow(s)), s).toMatch(/^(valid|valide|Argent · valide.*)$/);
    // Everything is cached now.
    expect((await anon(`/badge/${code}.svg`)).headers.get("X-Cache")).toBe("HIT");

    const r = await call("POST", `/v1/labels/${number}/suspend`, { body: { reason: "Contrôle en cours" } });
    expect(r.status).toBe(200);

    for (const s of spellings) expect(statusOf(await follow(s)), s).toMatch(/^(suspended|suspendu|Argent · suspendu)$/);
    const listing = await anon(`/v1/public/labels?status=suspended&limit=200`);
    expect(listing.json.items.map((l: { structure: { code: string } }) => l.structure.code)).toContain(code);
  });

  it("caches only canonical keys: an unknown reference is answered, never stored", async () => {
    const badge = await anon("/badge/NOT-YET-REGISTERED.svg");
    expect(badge.status).toBe(200);
    expect(badge.headers.get("X-Label-Status")).toBe("unknown");
    expect(badge.headers.get("Cache-Control")).toBe("public, max-age=60");
    await makeStructure({ code: "NOT-YET-REGISTERED" });
    // Registered a moment later: the badge says so at once (nothing stale to purge).
    expect((await anon("/badge/NOT-YET-REGISTERED.svg")).headers.get("X-Label-Status")).toBe("none");
  });

  it("a malformed reference gets its surface's answer without a lookup", async () => {
    expect((await anon("/badge/%E0%A4%A.svg")).headers.get("X-Label-Status")).toBe("unknown");
    expect((await anon("/v1/public/labels/not%20a%20code")).status).toBe(422);
    expect((await anon("/verify/%ZZ")).status).toBe(404);
  });

  it("Code SP+ are unique regardless of case, and none may read as a label number", async () => {
    await makeStructure({ code: "CASE-ONCE" });
    const again = await call("POST", "/v1/structures", { body: structurePayload({ code: "case-once" }) });
    expect(again.status).toBe(409);
    const shaped = await call("POST", "/v1/structures", { body: structurePayload({ code: "spp-2026-000001" }) });
    expect(shaped.status).toBe(422);
    expect(shaped.json.errors[0].path).toBe("code");
  });
});

describe("fresh everywhere: Cache-Tag and the global purge", () => {
  it("public answers carry the Cache-Tags a change purges", async () => {
    const { code, number } = await labelled();
    for (const p of [`/badge/${code}.svg`, `/v1/public/labels/${number}`, `/verify/${code}`]) {
      expect((await anon(p)).headers.get("Cache-Tag"), p).toBe(`${codeTag(code)},${labelTag(number)}`);
    }
  });

  it("a suspension purges its tags through the API at once; the answer does not wait for it", async () => {
    const { code, number } = await labelled();
    const seen = purgeApi({ status: 200 });
    const res = await fetchWith(PURGE, `/v1/labels/${number}/suspend`, {
      method: "POST",
      headers: { Authorization: `Bearer ${ADMIN}`, "Content-Type": "application/json" },
      body: JSON.stringify({ reason: "Contrôle" }),
    });
    expect(res.status).toBe(200);
    // One request with the three tags (in no particular order): the structure's, the label's, the figures'.
    expect(seen.map((s) => ({ ...s, tags: [...s.tags].sort() }))).toEqual([
      { tags: [codeTag(code), labelTag(number), FIGURES_TAG].sort(), auth: "Bearer test-purge-token" },
    ]);
    expect(await unfinished(codeTag(code), labelTag(number))).toEqual([]);
  });

  it("a failing purge API never blocks the write; the intent is retried with backoff until it succeeds", async () => {
    const { code, number } = await labelled();
    purgeApi({ status: 500 });
    const res = await fetchWith(PURGE, `/v1/labels/${number}/withdraw`, {
      method: "POST",
      headers: { Authorization: `Bearer ${ADMIN}`, "Content-Type": "application/json" },
      body: JSON.stringify({ reason: "Retrait" }),
    });
    expect(res.status).toBe(200);
    // The local purge happened anyway: this data centre already says « retiré ».
    expect((await anon(`/badge/${code}.svg`)).headers.get("X-Label-Status")).toBe("withdrawn");
    const [row] = await unfinished(codeTag(code));
    expect(row).toMatchObject({ status: "pending", attempts: 1 });
    expect(row!.last_error).toContain("HTTP 500");

    const deps = (over: Record<string, unknown>) => ({
      db: getDb(env.DB),
      env: { ...env, ...over } as Env,
      waitUntil: () => {},
    });
    // Not due yet: nothing is sent.
    const early = purgeApi({ status: 200 });
    await runDueEffects(deps(PURGE), new Date(Date.parse(row!.next_attempt_at) - 1000));
    expect(early.flatMap((s) => s.tags)).not.toContain(codeTag(code));
    // Due: sent again, done.
    const later = purgeApi({ status: 200 });
    await runDueEffects(deps(PURGE), new Date(Date.parse(row!.next_attempt_at) + 1000));
    expect(later.flatMap((s) => s.tags)).toEqual(expect.arrayContaining([codeTag(code), labelTag(number)]));
    expect(await unfinished(codeTag(code), labelTag(number))).toEqual([]);
  });

  it("429 keeps the intent for after Retry-After; a change while it waits adds no second intent", async () => {
    const { code, number } = await labelled();
    purgeApi({ status: 429, retryAfter: 120 });
    const post = (action: string) =>
      fetchWith(PURGE, `/v1/labels/${number}/${action}`, {
        method: "POST",
        headers: { Authorization: `Bearer ${ADMIN}`, "Content-Type": "application/json" },
        body: JSON.stringify({ reason: "Contrôle" }),
      });
    const started = Date.now();
    expect((await post("suspend")).status).toBe(200);
    const [row] = await sql<{ next_attempt_at: string }>(
      "SELECT next_attempt_at FROM effects WHERE subject = ? AND status = 'pending'",
      codeTag(code),
    );
    expect(Date.parse(row!.next_attempt_at) - started).toBeGreaterThanOrEqual(119_000);
    expect((await post("reinstate")).status).toBe(200);
    const pending = await sql("SELECT id FROM effects WHERE subject = ? AND status = 'pending'", codeTag(code));
    expect(pending).toHaveLength(1);
  });

  it("the minute cron sends at most the plan's requests a run, 100 tags each", async () => {
    const now = new Date("2030-01-01T00:00:00Z");
    const stmts = Array.from({ length: 250 }, (_, i) =>
      env.DB.prepare(
        "INSERT INTO effects (id, kind, subject, status, attempts, next_attempt_at, created_at) VALUES (?, 'purge', ?, 'pending', 0, ?, ?)",
      ).bind(`eff_bulk_${i}`, `spp-code-BULK-${i}`, "2000-01-01T00:00:00.000Z", "2000-01-01T00:00:00.000Z"),
    );
    await env.DB.batch(stmts);
    const seen = purgeApi({ status: 200 });
    const deps = {
      db: getDb(env.DB),
      env: { ...env, ...PURGE, PURGE_REQUESTS_PER_MINUTE: "2" } as unknown as Env,
      waitUntil: () => {},
    };
    await runDueEffects(deps, now);
    expect(seen.map((s) => s.tags.length)).toEqual([100, 100]);
    // Counted on these purges only: the run also carries out what earlier tests left for the cron.
    const bulk = async (status: string) =>
      (
        await sql<{ n: number }>(
          "SELECT count(*) AS n FROM effects WHERE subject LIKE 'spp-code-BULK-%' AND status = ?",
          status,
        )
      )[0]!.n;
    const left = () => bulk("pending");
    expect(await bulk("done")).toBe(200);
    expect(await left()).toBe(50);
    await runDueEffects(deps, new Date(now.getTime() + 60_000));
    expect(seen).toHaveLength(3);
    expect(await left()).toBe(0);
  });

  it("without a purge configuration only this data centre is purged, and nothing is left pending", async () => {
    const { code, number } = await labelled();
    const seen = purgeApi({ status: 200 });
    expect((await call("POST", `/v1/labels/${number}/suspend`, { body: { reason: "Contrôle" } })).status).toBe(200);
    expect(seen).toEqual([]);
    expect(await unfinished(codeTag(code), labelTag(number))).toEqual([]);
  });

  it("renaming a structure or a body purges its answers", async () => {
    const { code } = await labelled();
    await anon(`/badge/${code}.svg`);
    await anon(`/verify/${code}`);
    expect((await call("PATCH", `/v1/structures/${code}`, { body: { name: "Nouveau nom" } })).status).toBe(200);
    expect((await anon(`/verify/${code}`)).text).toContain("Nouveau nom");
    expect((await call("PATCH", `/v1/certifiers/${oc.id}`, { body: { name: "Organisme Renommé" } })).status).toBe(200);
    expect((await anon(`/verify/${code}`)).text).toContain("Organisme Renommé");
  });
});

describe("never valid past the end", () => {
  it("max-age never reaches past midnight in France, winter and summer, and on DST days", async () => {
    const cases: [string, number][] = [
      ["2026-01-15T22:55:00Z", 300], // 23:55 in winter: 300 s left
      ["2026-01-15T22:58:00Z", 120],
      ["2026-07-15T21:59:00Z", 60], // 23:59 in summer
      ["2026-03-28T22:59:30Z", 30], // the night before clocks go forward
      ["2026-10-24T21:59:50Z", 10], // the night before clocks go back
      ["2026-10-25T22:59:00Z", 60], // the first night after: winter again
    ];
    for (const [at, maxAge] of cases) {
      const { code } = await labelled(); // a new key: rendered at `at`
      vi.useFakeTimers({ now: new Date(at), toFake: ["Date"] });
      const r = await anon(`/v1/public/labels/${code}`);
      vi.useRealTimers();
      expect(r.headers.get("X-Cache"), at).toBe("MISS");
      expect(r.headers.get("Cache-Control"), at).toBe(`public, max-age=${maxAge}`);
    }
  });

  it("an answer rendered after midnight says « expiré » for a label whose last day was yesterday", async () => {
    const code = `TRUTH-END-${++seq}`;
    await makeStructure({ code });
    await makeAssignment(code, oc.id);
    const number = (
      await makeLabel({
        structureCode: code,
        certifierId: oc.id,
        awardedOn: "2023-03-29",
        expiresOn: "2026-03-28",
      })
    ).number;
    vi.useFakeTimers({ now: new Date("2026-03-28T22:59:00Z"), toFake: ["Date"] }); // 23:59 Paris, last day
    const before = await anon(`/badge/${number}.svg`);
    expect(before.headers.get("X-Label-Status")).toBe("valid");
    expect(before.headers.get("Cache-Control")).toBe("public, max-age=60");
    vi.setSystemTime(new Date("2026-03-28T23:00:01Z")); // 00:00:01 Paris: the next day
    const after = await anon(`/badge/${code}.svg`);
    expect(after.headers.get("X-Label-Status")).toBe("expired");
  });
});

describe("no stale refill", () => {
  it("a miss right after a change reads the primary, not a lagging replica", async () => {
    const { code, number } = await labelled();
    // The replica holds the structure's rows as they were before the suspension.
    await applyD1Migrations(env.LAGGING_REPLICA, env.TEST_MIGRATIONS);
    const copy = async (table: string, where: string, value: string) => {
      for (const row of await sql<Record<string, unknown>>(`SELECT * FROM ${table} WHERE ${where} = ?`, value)) {
        const cols = Object.keys(row);
        await env.LAGGING_REPLICA.prepare(
          `INSERT OR IGNORE INTO ${table} (${cols.join(",")}) VALUES (${cols.map(() => "?").join(",")})`,
        )
          .bind(...cols.map((c) => row[c]))
          .run();
      }
    };
    await copy("certifiers", "id", oc.id);
    await copy("structures", "code", code);
    await copy("public_labels", "code", code);
    expect((await call("POST", `/v1/labels/${number}/suspend`, { body: { reason: "Contrôle" } })).status).toBe(200);
    const lagging = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === "withSession") return () => env.LAGGING_REPLICA;
        const v = Reflect.get(target, prop);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    // The replica does lag: reading it would have said « valide ».
    const fromReplica = await findPublicLabel(getDb(env.LAGGING_REPLICA), { kind: "code", value: code });
    expect(fromReplica?.status).toBe("valid");

    const badge = await fetchWith({ DB: lagging }, `/badge/${code}.svg`);
    expect(badge.headers.get("X-Cache")).toBe("MISS");
    expect(badge.headers.get("X-Label-Status")).toBe("suspended");
    // What was stored is the truth.
    const again = await anon(`/badge/${code}.svg`);
    expect(again.headers.get("X-Cache")).toBe("HIT");
    expect(again.headers.get("X-Label-Status")).toBe("suspended");
  });
});

describe("who may change what", () => {
  const suspendBy = (number: string, ref: string) => ({
    type: "label.suspended",
    timestamp: new Date().toISOString(),
    data: { labelNumber: number, reason: ref, effectiveOn: new Date().toISOString().slice(0, 10) },
  });
  const reinstateBy = (number: string) => ({
    type: "label.reinstated",
    timestamp: new Date().toISOString(),
    data: { labelNumber: number, reason: "Levée", effectiveOn: new Date().toISOString().slice(0, 10) },
  });

  it("a body cannot lift a suspension decided by the administration; the administration can", async () => {
    const { number } = await labelled();
    expect((await call("POST", `/v1/labels/${number}/suspend`, { body: { reason: "Commission" } })).status).toBe(200);
    const r = await deliver(oc.id, { secret: oc.webhookSecret, body: reinstateBy(number) });
    expect(r.status).toBe(403);
    expect(r.json.detail).toContain("administration");
    expect((await call("GET", `/v1/labels/${number}`)).json.status).toBe("suspended");
    expect((await call("POST", `/v1/labels/${number}/reinstate`, { body: { reason: "Levée" } })).status).toBe(200);
  });

  it("a body lifts its own suspension; the administration lifts a body's; each event records its role", async () => {
    const { number } = await labelled();
    expect((await deliver(oc.id, { secret: oc.webhookSecret, body: suspendBy(number, "Audit") })).status).toBe(200);
    expect((await deliver(oc.id, { secret: oc.webhookSecret, body: reinstateBy(number) })).status).toBe(200);
    expect((await deliver(oc.id, { secret: oc.webhookSecret, body: suspendBy(number, "Audit 2") })).status).toBe(200);
    expect((await call("POST", `/v1/labels/${number}/reinstate`, { body: { reason: "Levée" } })).status).toBe(200);
    const events = await sql<{ type: string; actor_role: string }>(
      "SELECT type, actor_role FROM label_events WHERE label_number = ? ORDER BY created_at, rowid",
      number,
    );
    expect(events.slice(1).map((e) => `${e.type}:${e.actor_role}`)).toEqual([
      "suspended:certifier",
      "reinstated:certifier",
      "suspended:certifier",
      "reinstated:admin",
    ]);
  });

  it("a body cannot lift another body's suspension, even once the structure is reassigned to it", async () => {
    const { code, number } = await labelled();
    expect((await deliver(oc.id, { secret: oc.webhookSecret, body: suspendBy(number, "Audit") })).status).toBe(200);
    const other = await makeCertifier({ name: "Autre organisme" });
    await makeAssignment(code, other.id);
    const r = await deliver(other.id, { secret: other.webhookSecret, body: reinstateBy(number) });
    expect(r.status).toBe(403);
    expect(r.json.detail).toContain("another certification body");
  });

  it("the label.decision answer carries the new label's number, and a copy gets the same bytes", async () => {
    const code = `TRUTH-DEC-${++seq}`;
    await makeStructure({ code });
    await makeAssignment(code, oc.id);
    await makeInputs(code, oc.id, { on: "2025-01-15" });
    const id = uniqueId("msg");
    const body = {
      type: "label.decision",
      timestamp: new Date().toISOString(),
      data: { structureCode: code, decision: "award", tier: "argent", decidedOn: "2025-02-01" },
    };
    const first = await deliver(oc.id, { secret: oc.webhookSecret, body, id });
    expect(first.status, first.text).toBe(200);
    const [label] = await sql<{ number: string }>("SELECT number FROM labels WHERE structure_code = ?", code);
    expect(first.json.result).toMatchObject({ decision: "award", labelNumber: label!.number });
    const copy = await deliver(oc.id, { secret: oc.webhookSecret, body, id });
    expect(copy.text).toBe(first.text);
  });
});

describe("never a broken image", () => {
  it("a database failure still answers an SVG, never stored", async () => {
    const broken = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === "prepare" || prop === "batch") {
          return () => {
            throw new Error("D1 is unavailable");
          };
        }
        const v = Reflect.get(target, prop);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    const r = await fetchWith({ DB: broken }, "/badge/NEVER-CACHED-1.svg");
    spy.mockRestore();
    expect(r.status).toBe(200);
    expect(r.headers.get("Content-Type")).toMatch(/^image\/svg\+xml/);
    expect(r.headers.get("X-Label-Status")).toBe("unavailable");
    expect(r.headers.get("Cache-Control")).toBe("no-store");
    expect(await r.text()).toContain("vérification indisponible");
  });
});
