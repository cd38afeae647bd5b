/**
 * Fault injection: D1 failures made real with SQLite triggers created in this file's database (they
 * RAISE on one table, exactly where a constraint or an outage would strike), an e-mail provider that never
 * answers, and outages of each dependency — D1 (errors, timeouts, failing right after a batch), KV, the
 * Cache API, the purge API, the queue — through bindings wrapped for one request. Whatever fails, nothing
 * is half-written and nothing is lost; the public keeps the last known truth, marked stale.
 */
import { env } from "cloudflare:test";
import { HttpResponse, http } from "msw";
import { describe, expect, it, vi } from "vitest";
import backfill from "../migrations/0022_last_known_backfill.sql?raw";
import { PURGE_API, purgeLocally } from "../src/changes/purge";
import { statusTag } from "../src/changes/status-lists";
import { getDb } from "../src/db/client";
import { type PublicStatus, statusSentence } from "../src/domain/badge";
import { addDays, todayUtc } from "../src/domain/label-dates";
import { retryDelayMs } from "../src/domain/retry";
import { BREVO_URL, brevoTransport } from "../src/email/brevo";
import { deliverOutbox } from "../src/jobs/deliver";
import { outageD1 } from "../src/lib/d1-outage";
import { type LastKnown, lastKnownKey } from "../src/public/last-known";
import { CRONS } from "../src/scheduled";
import {
  auditEvent,
  makeAssignedStructure,
  makeInputs,
  makeLabel,
  makeLegacyLabel,
  structurePayload,
  uniqueId,
} from "./factories";
import { call, daily, outboxOf, runCron, sql } from "./helpers";
import { mockNetwork } from "./network";
import { deliver } from "./webhooks-helpers";

/** A trigger that makes every matching write fail, as a broken constraint or an outage would. */
async function breakTable(name: string, on: string, when = "") {
  await env.DB.prepare(
    `CREATE TRIGGER ${name} ${on} ${when ? `WHEN ${when}` : ""} BEGIN SELECT RAISE(ABORT, 'injected fault'); END`,
  ).run();
  return () => env.DB.prepare(`DROP TRIGGER ${name}`).run();
}

const count = async (table: string, where = "1", ...params: unknown[]) =>
  (await sql<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE ${where}`, ...params))[0]!.n;

const expect500 = (r: Awaited<ReturnType<typeof call>>) => {
  expect(r.status).toBe(500);
  expect(r.headers.get("Content-Type")).toBe("application/problem+json");
  expect(r.json.code).toBe("internal");
};

describe("a D1 batch failing in its last statement leaves nothing behind", () => {
  it("admin award: the référentiel's `usedAt` (last statement) fails → no decision, label, event or number", async () => {
    const { certifier, code } = await makeAssignedStructure();
    const day = addDays(todayUtc(), -3);
    await makeInputs(code, certifier.id, { on: day });
    const counter = `label:${day.slice(0, 4)}`;
    const before = {
      decisions: await count("decisions"),
      labels: await count("labels"),
      events: await count("label_events"),
      counter: await count("counters", "name = ?", counter),
      number: (await sql<{ value: number }>("SELECT value FROM counters WHERE name = ?", counter))[0]?.value ?? 0,
    };
    const repair = await breakTable("fail_referential_used", "BEFORE UPDATE ON referentials");
    try {
      expect500(
        await call("POST", `/v1/structures/${code}/decisions`, { body: { decision: "award", decidedOn: day } }),
      );
    } finally {
      await repair();
    }
    expect(await count("decisions")).toBe(before.decisions);
    expect(await count("labels")).toBe(before.labels);
    expect(await count("label_events")).toBe(before.events);
    expect(await count("counters", "name = ?", counter)).toBe(before.counter);

    // Cause removed: the same award lands whole, with the next number (none was consumed).
    const r = await call("POST", `/v1/structures/${code}/decisions`, { body: { decision: "award", decidedOn: day } });
    expect(r.status).toBe(201);
    expect(r.json.label.number).toBe(`SPP-${day.slice(0, 4)}-${String(before.number + 1).padStart(6, "0")}`);
    expect(await count("label_events", "label_number = ?", r.json.label.number)).toBe(1);
  });

  it("webhook label.decision: marking the inbox row applied (last statement) fails → nothing applied, replayable", async () => {
    const { certifier, secret, code } = await makeAssignedStructure();
    const day = addDays(todayUtc(), -3);
    await makeInputs(code, certifier.id, { on: day });
    const repair = await breakTable(
      "fail_mark_applied",
      "BEFORE UPDATE OF status ON webhook_events",
      "NEW.status = 'applied'",
    );
    const body = {
      type: "label.decision",
      timestamp: new Date().toISOString(),
      data: { structureCode: code, decision: "award", tier: "argent", decidedOn: day },
    };
    const id = uniqueId("msg");
    try {
      expect500(await deliver(certifier.id, { secret, body, id }));
    } finally {
      await repair();
    }
    expect(await count("decisions", "structure_code = ?", code)).toBe(0);
    expect(await count("labels", "structure_code = ?", code)).toBe(0);
    const [row] = await sql<{ status: string; error: string }>(
      "SELECT status, error FROM webhook_events WHERE webhook_id = ?",
      id,
    );
    expect(row!.status).toBe("received");
    expect(row!.error).toContain("injected fault");

    // The body retries the same webhook-id: applied now, once.
    const again = await deliver(certifier.id, { secret, body, id });
    expect(again.status).toBe(200);
    expect(again.json.status).toBe("applied");
    expect(await count("decisions", "structure_code = ?", code)).toBe(1);
    expect(await count("labels", "structure_code = ?", code)).toBe(1);
    expect((await deliver(certifier.id, { secret, body, id })).json).toEqual(again.json);
    expect(await count("labels", "structure_code = ?", code)).toBe(1);
  });
});

describe("a webhook whose application fails stays in the inbox, replayable", () => {
  it("audit insert fails → 500, row kept with its error; admin replay after the fix applies it once", async () => {
    const { certifier, secret, code } = await makeAssignedStructure();
    const repair = await breakTable("fail_audits", "BEFORE INSERT ON audits");
    const id = uniqueId("msg");
    const body = auditEvent(code);
    try {
      expect500(await deliver(certifier.id, { secret, body, id }));
      // Still failing: a redelivery retries, fails the same way, and loses nothing.
      expect500(await deliver(certifier.id, { secret, body, id }));
    } finally {
      await repair();
    }
    const [row] = await sql<{ id: string; status: string; error: string; deliveries: number }>(
      "SELECT id, status, error, deliveries FROM webhook_events WHERE webhook_id = ?",
      id,
    );
    expect(row).toMatchObject({ status: "received", deliveries: 2 });
    expect(row!.error).toContain("injected fault");
    expect(await count("audits", "structure_code = ?", code)).toBe(0);

    const replay = await call("POST", `/v1/webhook-events/${row!.id}/replay`);
    expect(replay.status).toBe(200);
    expect(replay.json).toMatchObject({ status: "applied", error: null, responseStatus: 200 });
    expect(await count("audits", "structure_code = ?", code)).toBe(1);
    // Applied: no second replay, and the body's retry gets the stored answer without a second audit.
    expect((await call("POST", `/v1/webhook-events/${row!.id}/replay`)).status).toBe(409);
    const retry = await deliver(certifier.id, { secret, body, id });
    expect(retry.status).toBe(200);
    expect(retry.text).toBe(replay.json.responseBody);
    expect(await count("audits", "structure_code = ?", code)).toBe(1);
  });
});

describe("an e-mail provider timing out loses nothing", () => {
  const server = mockNetwork();

  it("Brevo never answers → abandoned at the timeout, still pending; delivered on the next run, once", async () => {
    const l = await makeLabel({ expiresOn: "2030-03-31" });
    await daily("2030-03-24");
    const [queued] = (await outboxOf(l.number)).filter((r) => r.kind === "reminder-7");
    expect(queued!.status).toBe("pending");

    let calls = 0;
    server.use(
      http.post(BREVO_URL, () => {
        calls++;
        return new Promise<Response>(() => {}); // hangs forever
      }),
    );
    const t0 = Date.parse("2030-03-24T03:10:00Z");
    const db = getDb(env.DB);
    const started = Date.now();
    const first = await deliverOutbox(db, brevoTransport("xkeysib-test", 200), env.EMAIL_FROM, t0);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(first.retrying).toBeGreaterThanOrEqual(1);
    let [row] = (await outboxOf(l.number)).filter((r) => r.kind === "reminder-7");
    expect(row).toMatchObject({ status: "pending", attempts: 1 });
    expect(row!.lastError).toMatch(/timeout|abort/i);
    expect(calls).toBeGreaterThanOrEqual(1);

    server.resetHandlers();
    const sent: string[] = [];
    server.use(
      http.post(BREVO_URL, async ({ request }) => {
        sent.push(((await request.json()) as { subject: string }).subject);
        return HttpResponse.json({ messageId: "<ok@brevo>" }, { status: 201 });
      }),
    );
    await deliverOutbox(db, brevoTransport("xkeysib-test", 200), env.EMAIL_FROM, t0 + retryDelayMs(1));
    [row] = (await outboxOf(l.number)).filter((r) => r.kind === "reminder-7");
    expect(row).toMatchObject({ status: "sent", attempts: 2, providerId: "<ok@brevo>" });
    await deliverOutbox(db, brevoTransport("xkeysib-test", 200), env.EMAIL_FROM, t0 + 3_600_000);
    expect(sent.filter((s) => s === row!.subject)).toHaveLength(1);
  });
});

// ─── Outages: D1, KV, the Cache API, the queue, the purge API ────────────────────────────────────────────
// Bindings are wrapped for one request (`call(…, { env })`), never switched in the Worker: a test outage is
// not a production backdoor. Each test says what people see, and that nothing is lost.

/** D1 down for this request: every query fails (`error`), or hangs then fails (`hang`). */
const d1Down = (mode: "error" | "hang" = "error") => ({ DB: outageD1(mode) });

/** The real D1 until the first batch has landed, then down: an outage starting right after a change. */
function d1DownAfterFirstBatch(): D1Database {
  let down = false;
  const broken = outageD1("error");
  const db = {
    prepare: (q: string) => (down ? broken.prepare(q) : env.DB.prepare(q)),
    batch: async (statements: D1PreparedStatement[]) => {
      if (down) return broken.batch(statements);
      const out = await env.DB.batch(statements);
      down = true;
      return out;
    },
    exec: (q: string) => (down ? broken.exec(q) : env.DB.exec(q)),
    withSession: () => db,
  };
  return db as unknown as D1Database;
}

/** A KV namespace that fails every call. */
const kvDown = {
  get: async () => Promise.reject(new Error("KV GET failed: 503 (injected)")),
  put: async () => Promise.reject(new Error("KV PUT failed: 503 (injected)")),
} as unknown as KVNamespace;

const publicCall = (path: string, over?: Record<string, unknown>) => call("GET", path, { token: null, env: over });

/** The minute cron, everything healthy again, an hour and more later (past any backoff). */
const effectsCron = () => runCron(CRONS.effects, Date.now() + 2 * 3_600_000);

const pendingEffects = (code: string, labelNumber?: string) =>
  count(
    "effects",
    "status != 'done' AND (subject IN (?, ?) OR subject = ?)",
    code,
    `spp-code-${code}`,
    labelNumber ? `spp-label-${labelNumber}` : "-",
  );

describe("D1 down: the public answers tell the last known truth, marked stale", () => {
  it("a valid, a suspended and a withdrawn label: JSON (by code and number), badge, page and credential keep their state, dated, kept 10 s", async () => {
    const made = {
      valid: await makeLabel({ tier: "or" }),
      suspended: await makeLabel({ status: "suspended" }),
      withdrawn: await makeLabel({ status: "withdrawn" }),
    };
    for (const [state, label] of Object.entries(made)) {
      const code = label.structureCode;
      // JSON: the same state, `stale: true` and the time of the facts; seconds at the edge, never minutes.
      for (const ref of [code, label.number]) {
        const r = await publicCall(`/v1/public/labels/${ref}`, d1Down());
        expect(r.status, `${state} ${ref}`).toBe(200);
        expect(r.json).toMatchObject({
          status: state,
          valid: state === "valid",
          labelNumber: label.number,
          stale: true,
        });
        expect(Date.parse(r.json.factsAt)).toBeLessThanOrEqual(Date.now());
        expect(Date.now() - Date.parse(r.json.factsAt)).toBeLessThan(120_000);
        expect(r.headers.get("Cache-Control")).toBe("public, max-age=10");
        expect(r.headers.get("X-Cache")).toBe("STALE");
        expect(r.headers.get("X-Facts-At")).toBe(r.json.factsAt);
      }
      // The badge: a picture of the same state (a suspended label never turns valid).
      const badge = await publicCall(`/badge/${code}.svg`, d1Down());
      expect(badge.status).toBe(200);
      expect(badge.headers.get("Content-Type")).toMatch(/^image\/svg\+xml/);
      expect(badge.headers.get("X-Label-Status")).toBe(state);
      expect(badge.text).toContain("<svg");
      expect(badge.headers.get("Cache-Control")).toBe("public, max-age=10");
      // The page: the state's headline, and when the facts are from, in French, Paris time.
      const page = await publicCall(`/verify/${code}`, d1Down());
      expect(page.status).toBe(200);
      expect(page.text).toContain(statusSentence(state as PublicStatus, label.tier));
      expect(page.text).toMatch(
        /Informations du \d{1,2} \S+ \d{4} à \d{2}:\d{2} ; le registre est momentanément injoignable/,
      );
      expect(page.text).not.toContain("Vérifié le");
      // The history: the events the registry knew, newest first, marked stale the same way.
      const history = await publicCall(`/v1/public/labels/${code}/history`, d1Down());
      expect(history.status).toBe(200);
      expect(history.json).toMatchObject({ labelNumber: label.number, stale: true });
      expect(history.json.items[0]).toMatchObject({ labelNumber: label.number, status: state });
      expect(history.json.items.at(-1)).toMatchObject({ type: "awarded", status: "valid" });
      expect(history.json.factsAt).toBe(page.headers.get("X-Facts-At"));
      expect(history.headers.get("Cache-Control")).toBe("public, max-age=10");
    }
    // The credential: the one D1 holds, as signed (its status lists tell the suspension or withdrawal).
    for (const label of Object.values(made)) {
      const [stored] = await sql<{ document: string }>(
        "SELECT document FROM credentials WHERE label_number = ?",
        label.number,
      );
      const r = await publicCall(`/v1/public/labels/${label.number}/credential`, d1Down());
      expect(r.status).toBe(200);
      expect(r.text).toBe(stored!.document);
      expect(r.headers.get("X-Cache")).toBe("STALE");
    }
  });

  it("a status list: a verifier reads it as last signed, dated and kept 10 s; with nothing known, 503", async () => {
    const label = await makeLabel({ status: "withdrawn" });
    const [entry] = await sql<{ list: string }>("SELECT list FROM status_entries WHERE label_number = ?", label.number);
    const path = `/status/message/${entry!.list}`;
    const [stored] = await sql<{ document: string }>(
      "SELECT document FROM status_lists WHERE purpose = 'message' AND list = ?",
      entry!.list,
    );
    // What the edge may hold is not under test: D1 is asked (and fails).
    await purgeLocally([statusTag("message", entry!.list)]);
    const r = await publicCall(path, d1Down());
    expect(r.status).toBe(200);
    // The list as signed after the withdrawal (its bit set): the signature still verifies, the state is true.
    expect(r.json).toEqual(JSON.parse(stored!.document));
    expect(r.headers.get("X-Cache")).toBe("STALE");
    expect(r.headers.get("Cache-Control")).toBe("public, max-age=10");
    expect(Date.now() - Date.parse(r.headers.get("X-Facts-At")!)).toBeLessThan(120_000);
    // KV failing too: nothing known, 503 with Retry-After (a verifier treats the credential as unverified).
    const none = await publicCall(path, { ...d1Down(), LAST_KNOWN: kvDown });
    expect(none.status).toBe(503);
    expect(none.headers.get("Retry-After")).toBe("30");
    // And after D1 is back, the fresh list, no longer marked.
    const fresh = await publicCall(path);
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get("X-Cache")).toBe("MISS");
  });

  it("lists signed before the last known copies get one from the effects queue (migration 0028)", async () => {
    const label = await makeLabel();
    const [entry] = await sql<{ list: string }>("SELECT list FROM status_entries WHERE label_number = ?", label.number);
    const key = `v1/status/revocation/${entry!.list}`;
    await env.LAST_KNOWN.delete(key);
    const migration = env.TEST_MIGRATIONS.find((m) => m.name.endsWith("_last_known_status_lists.sql"));
    for (const q of migration!.queries) await env.DB.prepare(q).run();
    expect(await env.LAST_KNOWN.get(key)).toBeNull();
    await effectsCron();
    const copy = await env.LAST_KNOWN.get<{ document: string }>(key, "json");
    const [stored] = await sql<{ document: string }>(
      "SELECT document FROM status_lists WHERE purpose = 'revocation' AND list = ?",
      entry!.list,
    );
    expect(copy?.document).toBe(stored!.document);
  });

  it("D1 slower than D1_READ_BUDGET_MS: the stale answer comes within the budget, not after D1's silence", async () => {
    const label = await makeLabel({ status: "suspended" });
    const started = Date.now();
    const r = await publicCall(`/v1/public/labels/${label.structureCode}`, {
      ...d1Down("hang"),
      D1_READ_BUDGET_MS: "200",
    });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ status: "suspended", valid: false, stale: true });
  });

  it("the status is computed for today: a label whose last day passed during the outage shows expired", async () => {
    const label = await makeLabel();
    const key = lastKnownKey({ kind: "code", value: label.structureCode });
    const known = (await env.LAST_KNOWN.get<LastKnown>(key, "json"))!;
    expect(known.row.status).toBe("valid");
    await env.LAST_KNOWN.put(
      key,
      JSON.stringify({ ...known, row: { ...known.row, expiresOn: addDays(todayUtc(), -2) } }),
    );
    const r = await publicCall(`/v1/public/labels/${label.structureCode}`, d1Down());
    expect(r.json).toMatchObject({ status: "expired", valid: false, stale: true });
  });

  it("nothing known, facts past LAST_KNOWN_MAX_AGE_HOURS, or KV failing too: « vérification indisponible », never a guess", async () => {
    const label = await makeLabel();
    const key = lastKnownKey({ kind: "code", value: label.structureCode });
    const known = (await env.LAST_KNOWN.get<LastKnown>(key, "json"))!;
    await env.LAST_KNOWN.put(
      key,
      JSON.stringify({ ...known, factsAt: new Date(Date.now() - 2 * 3_600_000).toISOString() }),
    );
    const cases: [string, string, Record<string, unknown>][] = [
      ["nothing known", "NEVER-KNOWN-01", d1Down()],
      ["too old", label.structureCode, { ...d1Down(), LAST_KNOWN_MAX_AGE_HOURS: "1" }],
      ["KV failing", label.structureCode, { ...d1Down(), LAST_KNOWN: kvDown }],
    ];
    for (const [why, code, over] of cases) {
      const json = await publicCall(`/v1/public/labels/${code}`, over);
      expect(json.status, why).toBe(503);
      expect(json.json.code).toBe("unavailable");
      expect(json.headers.get("Retry-After")).toBe("30");
      const badge = await publicCall(`/badge/${code}.svg`, over);
      expect(badge.status, why).toBe(200);
      expect(badge.headers.get("X-Label-Status")).toBe("unavailable");
      expect(badge.headers.get("Cache-Control")).toBe("no-store");
      expect(badge.text).toContain("vérification indisponible");
      const page = await publicCall(`/verify/${code}`, over);
      expect(page.status, why).toBe(503);
      expect(page.headers.get("Content-Type")).toMatch(/^text\/html/);
      expect(page.text).toContain("Vérification indisponible");
    }
  });
});

describe("D1 down: writes fail whole and loudly, and are applied once D1 is back", () => {
  it("admin API: 503 unavailable with Retry-After, nothing lands; the same request lands after", async () => {
    const payload = structurePayload();
    const r = await call("POST", "/v1/structures", { body: payload, env: d1Down() });
    expect(r.status).toBe(503);
    expect(r.json).toMatchObject({ code: "unavailable", status: 503 });
    expect(r.headers.get("Retry-After")).toBe("30");
    expect(await count("structures", "code = ?", payload.code)).toBe(0);
    expect((await call("POST", "/v1/structures", { body: payload })).status).toBe(201);
  });

  it("a certification body's signed delivery: 503, so its sender retries; the retry applies it once", async () => {
    const { certifier, secret, code } = await makeAssignedStructure();
    const id = uniqueId("msg");
    const body = auditEvent(code);
    const down = await deliver(certifier.id, { secret, body, id, env: d1Down() });
    expect(down.status).toBe(503);
    expect(down.headers.get("Retry-After")).toBe("30");
    expect(await count("webhook_events", "webhook_id = ?", id)).toBe(0);
    const back = await deliver(certifier.id, { secret, body, id });
    expect(back.status).toBe(200);
    expect((await deliver(certifier.id, { secret, body, id })).json).toEqual(back.json);
    expect(await count("audits", "structure_code = ?", code)).toBe(1);
  });

  it("D1 failing right after a change's batch: the change is whole, its effects wait, the minute cron catches up", async () => {
    const label = await makeLabel();
    const code = label.structureCode;
    const r = await call("POST", `/v1/labels/${label.number}/suspend`, {
      body: { reason: "Contrôle en cours" },
      env: { DB: d1DownAfterFirstBatch() },
    });
    // The batch landed whole (label, event, read model, intents); reading it back may fail: 200 or 503.
    expect([200, 503]).toContain(r.status);
    expect((await sql<{ status: string }>("SELECT status FROM labels WHERE number = ?", label.number))[0]!.status).toBe(
      "suspended",
    );
    expect(await count("label_events", "label_number = ? AND type = 'suspended'", label.number)).toBe(1);
    expect(await pendingEffects(code, label.number)).toBeGreaterThanOrEqual(3); // credential, last-known, purges
    // Still the last known truth meanwhile: what was stored before the suspension.
    expect((await publicCall(`/v1/public/labels/${label.number}`, d1Down())).json.status).toBe("valid");

    await effectsCron();
    expect(await pendingEffects(code, label.number)).toBe(0);
    const stale = await publicCall(`/v1/public/labels/${label.number}`, d1Down());
    // The stale copy cached 10 s before may still answer here: its facts must be the new ones once past it.
    const known = await env.LAST_KNOWN.get<LastKnown>(lastKnownKey({ kind: "label", value: label.number }), "json");
    expect(known!.row.status).toBe("suspended");
    expect(stale.status).toBe(200);
  });
});

describe("every other dependency failing loses nothing", () => {
  const server = mockNetwork();

  it("KV failing on write: the change answers, its last-known effect is retried until the facts are stored", async () => {
    const label = await makeLabel();
    const r = await call("POST", `/v1/labels/${label.number}/suspend`, {
      body: { reason: "Contrôle" },
      env: { LAST_KNOWN: kvDown },
    });
    expect(r.status).toBe(200);
    const [effect] = await sql<{ status: string; last_error: string }>(
      "SELECT status, last_error FROM effects WHERE kind = 'last-known' AND subject = ? ORDER BY created_at DESC LIMIT 1",
      label.structureCode,
    );
    expect(effect).toMatchObject({ status: "pending" });
    expect(effect!.last_error).toContain("KV PUT failed");
    await effectsCron();
    const known = await env.LAST_KNOWN.get<LastKnown>(
      lastKnownKey({ kind: "code", value: label.structureCode }),
      "json",
    );
    expect(known!.row.status).toBe("suspended");
  });

  it("the Cache API throwing: public reads answer from D1 (MISS), a change lands and its purge is retried", async () => {
    const label = await makeLabel();
    const spies = (["match", "put", "delete"] as const).map((m) =>
      vi.spyOn(caches.default, m).mockRejectedValue(new Error("Cache API unavailable (injected)")),
    );
    try {
      const read = await publicCall(`/v1/public/labels/${label.structureCode}`);
      expect(read.status).toBe(200);
      expect(read.json.status).toBe("valid");
      expect(read.headers.get("X-Cache")).toBe("MISS");
      const badge = await publicCall(`/badge/${label.structureCode}.svg`);
      expect(badge.headers.get("X-Label-Status")).toBe("valid");
      const r = await call("POST", `/v1/labels/${label.number}/suspend`, { body: { reason: "Contrôle" } });
      expect(r.status).toBe(200);
      expect(
        await count(
          "effects",
          "kind = 'purge' AND status = 'pending' AND subject = ?",
          `spp-code-${label.structureCode}`,
        ),
      ).toBe(1);
    } finally {
      for (const s of spies) s.mockRestore();
    }
    await effectsCron();
    expect(await pendingEffects(label.structureCode, label.number)).toBe(0);
    expect((await publicCall(`/v1/public/labels/${label.structureCode}`)).json.status).toBe("suspended");
  });

  it("the purge API failing: the change answers, the global purge is retried until the API takes it", async () => {
    const purge = {
      CLOUDFLARE_ZONE_ID: "0123456789abcdef0123456789abcdef",
      CLOUDFLARE_PURGE_TOKEN: "test-purge-token",
    };
    const label = await makeLabel();
    let answer = 500;
    const tags: string[][] = [];
    server.use(
      http.post(`${PURGE_API}/:zone/purge_cache`, async ({ request }) => {
        tags.push(((await request.json()) as { tags: string[] }).tags);
        return HttpResponse.json({ success: answer === 200 }, { status: answer });
      }),
    );
    const r = await call("POST", `/v1/labels/${label.number}/suspend`, { body: { reason: "Contrôle" }, env: purge });
    expect(r.status).toBe(200);
    const tag = `spp-code-${label.structureCode}`;
    const [row] = await sql<{ status: string; last_error: string }>(
      "SELECT status, last_error FROM effects WHERE kind = 'purge' AND subject = ? ORDER BY created_at DESC LIMIT 1",
      tag,
    );
    expect(row).toMatchObject({ status: "pending" });
    expect(row!.last_error).toContain("Purge API HTTP 500");
    answer = 200;
    await runCron(CRONS.effects, Date.now() + 2 * 3_600_000, purge);
    expect(await count("effects", "kind = 'purge' AND status != 'done' AND subject = ?", tag)).toBe(0);
    expect(tags.flat()).toContain(tag);
  });

  it("the queue's send failing: the change answers, its deliveries stay pending, the minute cron hands them over", async () => {
    const label = await makeLabel();
    const sub = await call("POST", "/v1/subscriptions", {
      body: {
        name: "Portail de test",
        contactEmail: "veille@portail.example",
        url: "https://portail.example/hook",
        watch: { structureCode: label.structureCode },
      },
    });
    expect(sub.status).toBe(201);
    const broken = {
      send: async () => Promise.reject(new Error("queue down")),
      sendBatch: async () => Promise.reject(new Error("queue down")),
    };
    const r = await call("POST", `/v1/labels/${label.number}/suspend`, {
      body: { reason: "x" },
      env: { NOTIFICATIONS: broken },
    });
    expect(r.status).toBe(200);
    const statusOf = async () =>
      (await sql<{ status: string }>("SELECT status FROM deliveries WHERE subscription_id = ?", sub.json.id)).map(
        (d) => d.status,
      );
    expect(await statusOf()).toEqual(["pending"]);
    const sent: unknown[] = [];
    const queue = {
      send: async (m: unknown) => void sent.push(m),
      sendBatch: async (ms: { body: unknown }[]) => void sent.push(...ms.map((m) => m.body)),
    };
    await runCron(CRONS.effects, Date.now() + 2 * 3_600_000, { NOTIFICATIONS: queue });
    expect(await statusOf()).toEqual(["queued"]);
    expect(JSON.stringify(sent)).toContain(sub.json.id);
    await call("PATCH", `/v1/subscriptions/${sub.json.id}`, { body: { status: "disabled" } });
  });
});

describe("structures from before the last known answers get theirs", () => {
  it("migration 0022 queues one per structure, the minute cron writes them; a structure then survives an outage", async () => {
    // A label written as the registry held it before this round (no intents), its structure's KV entry gone
    // (registered before KV existed): nothing known.
    const legacy = await makeLegacyLabel({ status: "suspended" });
    const key = lastKnownKey({ kind: "code", value: legacy.structureCode });
    await env.LAST_KNOWN.delete(key);
    expect((await publicCall(`/badge/${legacy.structureCode}.svg`, d1Down())).headers.get("X-Label-Status")).toBe(
      "unavailable",
    );
    await env.DB.prepare(backfill).run();
    expect(
      await count("effects", "kind = 'last-known' AND status = 'pending' AND subject = ?", legacy.structureCode),
    ).toBe(1);
    // The cron takes them at its pace (50 a run): a few runs for whatever this file left pending.
    for (let run = 0; run < 5; run++) await runCron(CRONS.effects, Date.now() + (run + 2) * 3_600_000);
    expect((await env.LAST_KNOWN.get<LastKnown>(key, "json"))!.row.status).toBe("suspended");
    const page = await publicCall(`/verify/${legacy.number}`, d1Down());
    expect(page.status).toBe(200);
    expect(page.text).toContain("momentanément injoignable");
  });

  it("a fresh read of a structure whose facts are missing or old stores them again, after the answer", async () => {
    const label = await makeLabel({ status: "withdrawn" });
    const key = lastKnownKey({ kind: "code", value: label.structureCode });
    await env.LAST_KNOWN.delete(key);
    // `env: {}`: through the handler with its execution context awaited (the refresh runs in waitUntil).
    const r = await call("GET", `/v1/public/labels/${label.structureCode}`, { token: null, env: {} });
    expect(r.json.status).toBe("withdrawn");
    expect(r.json.stale).toBeUndefined();
    const known = await env.LAST_KNOWN.get<LastKnown>(key, "json");
    expect(known!.row.status).toBe("withdrawn");
    expect(Date.now() - Date.parse(known!.factsAt)).toBeLessThan(60_000);
  });
});
