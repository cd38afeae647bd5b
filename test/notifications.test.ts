/**
 * Signed notifications to subscribers, through the Worker's own queue (miniflare's, from wrangler.toml)
 * and its consumer; the subscribers' endpoints are outside, mocked with MSW (fetch interceptor: see
 * test/network.ts for why not msw/node).
 */
import { createExecutionContext, createMessageBatch, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { HttpResponse, http } from "msw";
import { Webhook } from "standardwebhooks";
import { describe, expect, it, onTestFinished } from "vitest";
import { getDb } from "../src/db/client";
import { addDays, todayUtc } from "../src/domain/label-dates";
import { parisDay } from "../src/domain/paris-time";
import { config } from "../src/env";
import worker from "../src/index";
import { backoffSeconds, consumeNotifications } from "../src/notifications/consume";
import type { NotifyMessage } from "../src/notifications/enqueue";
import { CRONS } from "../src/scheduled";
import { makeAssignment, makeCertifier, makeInputs, makeLabel, makeStructure } from "./factories";
import { call, daily, runCron } from "./helpers";
import { mockNetwork } from "./network";

const server = mockNetwork();

const db = () => getDb(env.DB);
const today = todayUtc();
const DAY = 86_400_000;

type Received = { path: string; headers: Record<string, string>; body: string; event: any };

let hookSeq = 0;
/** A subscriber's endpoint answering `statuses` in turn (the last repeats), recording every request. */
function endpoint(...statuses: number[]) {
  const path = `/spp/${++hookSeq}`;
  const url = `https://hooks.subscriber.example${path}`;
  const seen: Received[] = [];
  const answers = statuses.length > 0 ? statuses : [204];
  server.use(
    http.post(url, async ({ request }) => {
      const body = await request.text();
      seen.push({ path, headers: Object.fromEntries(request.headers), body, event: JSON.parse(body) });
      const status = answers[Math.min(seen.length - 1, answers.length - 1)]!;
      return new HttpResponse(status === 204 ? null : `answer ${status}`, { status });
    }),
  );
  return { url, seen };
}

/** A subscription (admin API), disabled when the test ends so later tests' events do not reach it. */
async function subscribe(url: string, watch: unknown, over: Record<string, unknown> = {}) {
  const r = await call("POST", "/v1/subscriptions", {
    body: { name: "Portail de test", contactEmail: "veille@portail.example", url, watch, ...over },
  });
  if (r.status !== 201) throw new Error(`subscribe: ${r.status} ${r.text}`);
  onTestFinished(async () => {
    await call("PATCH", `/v1/subscriptions/${r.json.id}`, { body: { status: "disabled" } });
  });
  return r.json as { id: string; secret: string };
}

/** Waits until `check` holds (the queue's consumer runs on its own, about a second after a send). */
async function until(check: () => boolean | Promise<boolean>, ms = 15_000) {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > ms) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A structure with a body assigned and the inputs the illustrative référentiel rates `argent`. */
async function awardable(over: Record<string, unknown> = {}) {
  const oc = await makeCertifier();
  const s = await makeStructure(over);
  await makeAssignment(s.code, oc.id);
  await makeInputs(s.code, oc.id, { on: addDays(today, -10) });
  return { code: s.code, oc };
}

async function award(code: string) {
  const r = await call("POST", `/v1/structures/${code}/decisions`, { body: { decision: "award", decidedOn: today } });
  if (r.status !== 201) throw new Error(`award: ${r.status} ${r.text}`);
  return r.json.label.number as string;
}

const deliveriesOf = async (subId: string) => (await call("GET", `/v1/subscriptions/${subId}/deliveries`)).json.items;

/** A label whose last valid day is `expiresOn` (for the daily job), on a new structure. */
const labelEnding = async (expiresOn: string, over: Record<string, unknown> = {}) =>
  makeLabel({ structureCode: (await makeStructure(over)).code, tier: "bronze", expiresOn });

/** A stand-in for the queue binding that records what is sent and delivers nothing (tests drive the consumer). */
function recordingQueue() {
  const sent: NotifyMessage[] = [];
  const calls: number[] = [];
  const queue = {
    send: async (body: NotifyMessage) => {
      sent.push(body);
    },
    sendBatch: async (msgs: { body: NotifyMessage }[]) => {
      calls.push(msgs.length);
      sent.push(...msgs.map((m) => m.body));
    },
  };
  return { queue, sent, calls };
}

/** An admin request to the Worker with another env (a queue binding swapped). */
const adminCall = (method: string, path: string, body: unknown, over: Record<string, unknown>) =>
  call(method, path, { body, env: over });

/**
 * Runs the real consumer on `messages` at `now`; returns what it asked of the queue, with the delay of
 * each retry (the test runtime's `getQueueResult` records that a message is retried, not its delay).
 */
async function consume(messages: NotifyMessage[], now: Date, attempts = 1) {
  const batch = createMessageBatch<NotifyMessage>(
    "spp-notifications",
    messages.map((body, i) => ({ id: `m${i}`, timestamp: now, attempts, body })),
  );
  const retries: { msgId: string; delaySeconds?: number }[] = [];
  const watched = {
    queue: batch.queue,
    messages: batch.messages.map((m) => ({
      id: m.id,
      timestamp: m.timestamp,
      attempts: m.attempts,
      body: m.body,
      ack: () => m.ack(),
      retry: (opts?: QueueRetryOptions) => {
        retries.push({ msgId: m.id, delaySeconds: opts?.delaySeconds });
        m.retry(opts);
      },
    })),
  } as unknown as MessageBatch<NotifyMessage>;
  const ctx = createExecutionContext();
  const { queue } = recordingQueue();
  const deps = { db: db(), env: { ...env, NOTIFICATIONS: queue } as never, waitUntil: () => {} };
  await consumeNotifications(deps, watched, now);
  const result = await getQueueResult(batch, ctx);
  expect(result.retryMessages.map((r) => r.msgId)).toEqual(retries.map((r) => r.msgId));
  return { ...result, retryMessages: retries };
}

describe("subscriptions API", () => {
  it("creates a subscription with a whsec_ secret shown once, and refuses endpoints the registry must not call", async () => {
    const s = await makeStructure();
    const r = await call("POST", "/v1/subscriptions", {
      body: {
        name: "Plateforme achats",
        contactEmail: "achats@plateforme.example",
        url: "https://plateforme.example/hooks",
        watch: { structureCode: s.code.toLowerCase() },
      },
    });
    expect(r.status).toBe(201);
    expect(r.headers.get("Location")).toBe(`/v1/subscriptions/${r.json.id}`);
    expect(r.json.secret).toMatch(/^whsec_/);
    // Stored in the registry's spelling of the code.
    expect(r.json).toMatchObject({ status: "active", watch: { structureCode: s.code }, failingSince: null });
    const read = await call("GET", `/v1/subscriptions/${r.json.id}`);
    expect(read.json).toEqual({ ...r.json, secret: undefined, updatedAt: read.json.updatedAt });
    expect(read.text).not.toContain("whsec_");

    for (const url of [
      "http://plateforme.example/hooks",
      "https://127.0.0.1/hooks",
      "https://2130706433/hooks",
      "https://[::1]/hooks",
      "https://[fd00::1]/hooks",
      "https://10.0.0.5/hooks",
      "https://169.254.169.254/latest/meta-data",
      "https://localhost/hooks",
      "https://api.localhost/hooks",
      "https://printer.local/hooks",
      "https://intranet/hooks",
      "https://user:pass@plateforme.example/hooks",
      "http://localhost:9999/hooks",
      "ftp://plateforme.example/hooks",
    ]) {
      const bad = await call("POST", "/v1/subscriptions", {
        body: { name: "x", contactEmail: "a@b.example", url, watch: { all: true } },
      });
      expect(bad.status, url).toBe(422);
      expect(bad.json.errors[0].path, url).toBe("url");
    }
    const unknown = await call("POST", "/v1/subscriptions", {
      body: {
        name: "x",
        contactEmail: "a@b.example",
        url: "https://a.example/h",
        watch: { structureCode: "NOPE-404" },
      },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.json.errors[0].path).toBe("watch.structureCode");
    const twoWatches = await call("POST", "/v1/subscriptions", {
      body: { name: "x", contactEmail: "a@b.example", url: "https://a.example/h", watch: { all: true, network: "X" } },
    });
    expect(twoWatches.status).toBe(422);
  });

  it("allows a loopback http:// endpoint only with NOTIFY_ALLOW_LOOPBACK_HTTP=on, and only on a loopback registry", async () => {
    const body = {
      name: "dev",
      contactEmail: "dev@demo.example",
      url: "http://localhost:8789/hook",
      watch: { all: true },
    };
    expect((await adminCall("POST", "/v1/subscriptions", body, {})).status).toBe(422);
    const on = await adminCall("POST", "/v1/subscriptions", body, { NOTIFY_ALLOW_LOOPBACK_HTTP: "on" } as never);
    expect(on.status).toBe(201);
    onTestFinished(async () => {
      await call("PATCH", `/v1/subscriptions/${on.json.id}`, { body: { status: "disabled" } });
    });
    // A production registry with the flag on does not start: the configuration is refused.
    expect(() =>
      config({ ...env, NOTIFY_ALLOW_LOOPBACK_HTTP: "on", PUBLIC_BASE_URL: "https://registre.example" } as never),
    ).toThrow(/NOTIFY_ALLOW_LOOPBACK_HTTP=on is for local development/);
  });

  it("lists, updates, disables, rotates the secret (grace period or revokePrevious)", async () => {
    const sub = await subscribe("https://portail.example/a", { department: "13" });
    const list = await call("GET", "/v1/subscriptions?limit=200");
    expect(list.json.items.map((i: any) => i.id)).toContain(sub.id);
    let r = await call("PATCH", `/v1/subscriptions/${sub.id}`, {
      body: { name: "Renommé", watch: { network: "CAF" } },
    });
    expect(r.json).toMatchObject({ name: "Renommé", watch: { network: "CAF" }, status: "active" });
    r = await call("PATCH", `/v1/subscriptions/${sub.id}`, { body: { status: "disabled" } });
    expect(r.json).toMatchObject({ status: "disabled", disabledReason: "Disabled by an administrator" });
    r = await call("PATCH", `/v1/subscriptions/${sub.id}`, { body: { status: "active" } });
    expect(r.json).toMatchObject({ status: "active", disabledReason: null, disabledAt: null });
    expect((await call("PATCH", `/v1/subscriptions/${sub.id}`, { body: { url: "https://10.1.2.3/" } })).status).toBe(
      422,
    );
    expect((await call("PATCH", `/v1/subscriptions/${sub.id}`, { body: {} })).status).toBe(422);

    const rotated = await call("POST", `/v1/subscriptions/${sub.id}/secrets`);
    expect(rotated.status).toBe(201);
    expect(rotated.json.secret).toMatch(/^whsec_/);
    expect(Date.parse(rotated.json.previousValidUntil)).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    const revoked = await call("POST", `/v1/subscriptions/${sub.id}/secrets`, { body: { revokePrevious: true } });
    expect(Date.parse(revoked.json.previousValidUntil)).toBeLessThanOrEqual(Date.now());
    expect((await call("POST", "/v1/subscriptions/sub_nope/secrets")).status).toBe(404);
    expect((await call("GET", "/v1/subscriptions/sub_nope/deliveries")).status).toBe(404);
  });
});

describe("events, through the queue", () => {
  it("a subscriber receives each event type once, signed (standardwebhooks verifies), with the public answer's fields", async () => {
    const hook = endpoint(204);
    const network = `Réseau E2E ${Date.now()}`;
    // For the daily job: one label past its end (label.expired), one 7 days before it (label.expiring);
    // awarded before the subscription, so that their own awards are not among its events.
    const ended = await labelEnding(addDays(today, -1), { network });
    const ending = await labelEnding(addDays(today, 7), { network });
    const sub = await subscribe(hook.url, { network });
    const { code } = await awardable({ network });

    const first = await award(code); // label.awarded
    expect((await call("POST", `/v1/labels/${first}/suspend`, { body: { reason: "Motif privé X" } })).status).toBe(200);
    expect((await call("POST", `/v1/labels/${first}/reinstate`, { body: { reason: "Motif privé Y" } })).status).toBe(
      200,
    );
    const renewal = await award(code); // label.renewed
    expect((await call("POST", `/v1/labels/${renewal}/withdraw`, { body: { reason: "Motif privé Z" } })).status).toBe(
      200,
    );
    await daily(today);

    const types = [
      "label.awarded",
      "label.suspended",
      "label.reinstated",
      "label.renewed",
      "label.withdrawn",
      "label.expired",
      "label.expiring",
    ];
    await until(() => hook.seen.length >= types.length);
    await new Promise((r) => setTimeout(r, 1500)); // nothing more comes
    expect(hook.seen.map((s) => s.event.type).sort()).toEqual([...types].sort());
    // In order for one label (a subscriber may still see events of different labels interleaved).
    const ofFirst = hook.seen.filter((s) => s.event.data.labelNumber === first).map((s) => s.event.type);
    expect(ofFirst).toEqual(["label.awarded", "label.suspended", "label.reinstated"]);

    const wh = new Webhook(sub.secret);
    for (const s of hook.seen) {
      expect(() => wh.verify(s.body, s.headers), s.event.type).not.toThrow();
      expect(s.headers["webhook-id"]).toMatch(/^ntf_/);
      // Never personal data nor private reasons, never who did it.
      expect(s.body).not.toMatch(/Motif privé|@|admin:|certifier:|system:/);
    }
    const byType = Object.fromEntries(hook.seen.map((s) => [s.event.type, s.event]));
    expect(byType["label.suspended"].data).toMatchObject({
      labelNumber: first,
      status: "suspended",
      valid: false,
      effectiveOn: parisDay(new Date()),
      permalink: `http://localhost:8787/verify/${code}`,
    });
    expect(byType["label.expired"].data).toMatchObject({ labelNumber: ended.number, status: "expired" });
    expect(byType["label.expiring"].data).toMatchObject({ labelNumber: ending.number, status: "valid", valid: true });
    // The last event of the renewal carries exactly the public answer's fields (but `checkedAt`, and the
    // quality `results`, which the public answer alone carries: docs/subscribers.md).
    const pub = (await call("GET", `/v1/public/labels/${renewal}`)).json;
    const { checkedAt: _, results: ___, ...answer } = pub;
    const { effectiveOn: __, ...data } = byType["label.withdrawn"].data;
    expect(data).toEqual(answer);

    // The delivery log: every one delivered once, with the answer's status.
    const log = await deliveriesOf(sub.id);
    expect(log).toHaveLength(types.length);
    for (const d of log)
      expect(d).toMatchObject({ status: "delivered", attempts: 1, lastStatus: 204, lastError: null });
  });

  it("watches: a structure, a department or everything receive what they watch, nothing else", async () => {
    const all = endpoint(204);
    const one = endpoint(204);
    const dept = endpoint(204);
    const { code } = await awardable({ department: "2A" });
    const other = await awardable({ department: "971" });
    await subscribe(all.url, { all: true });
    await subscribe(one.url, { structureCode: code });
    await subscribe(dept.url, { department: "971" });
    await award(code);
    await award(other.code);
    await until(() => all.seen.length >= 2 && one.seen.length >= 1 && dept.seen.length >= 1);
    await new Promise((r) => setTimeout(r, 1500));
    expect(all.seen).toHaveLength(2);
    expect(one.seen.map((s) => s.event.data.structure.code)).toEqual([code]);
    expect(dept.seen.map((s) => s.event.data.structure.code)).toEqual([other.code]);
    // One event, one id, the same for every subscriber.
    expect(one.seen[0]!.headers["webhook-id"]).toBe(
      all.seen.find((s) => s.event.data.structure.code === code)!.headers["webhook-id"],
    );
  });

  it("during a rotation, events carry a signature per secret: the old and the new one both verify", async () => {
    const hook = endpoint(204);
    const { code } = await awardable();
    const sub = await subscribe(hook.url, { structureCode: code });
    const rotated = (await call("POST", `/v1/subscriptions/${sub.id}/secrets`)).json.secret as string;
    await award(code);
    await until(() => hook.seen.length === 1);
    const [s] = hook.seen;
    expect(s!.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    expect(() => new Webhook(sub.secret).verify(s!.body, s!.headers)).not.toThrow();
    expect(() => new Webhook(rotated).verify(s!.body, s!.headers)).not.toThrow();
  });

  it("an event whose hand-off to the queue fails is not lost: the minute cron queues it, and it is delivered once", async () => {
    const hook = endpoint(204);
    const { code, oc: _ } = await awardable();
    const sub = await subscribe(hook.url, { structureCode: code });
    const number = await award(code);
    await until(() => hook.seen.length === 1);
    // The queue is down when the suspension is recorded (as if the Worker died right after its batch).
    const broken = {
      sendBatch: async () => {
        throw new Error("queue down");
      },
    };
    const r = await adminCall("POST", `/v1/labels/${number}/suspend`, { reason: "x" }, {
      NOTIFICATIONS: broken,
    } as never);
    expect(r.status).toBe(200);
    const pending = (await deliveriesOf(sub.id)).find((d: any) => d.type === "label.suspended");
    expect(pending).toMatchObject({ status: "pending", attempts: 0 });
    const intent = await env.DB.prepare(
      "SELECT status, last_error FROM effects WHERE kind = 'notify' ORDER BY created_at DESC LIMIT 1",
    ).first<{ status: string; last_error: string }>();
    expect(intent).toMatchObject({ status: "pending", last_error: expect.stringContaining("queue down") });
    await new Promise((r) => setTimeout(r, 1500));
    expect(hook.seen).toHaveLength(1);
    // The next minute, with the queue back: queued, delivered, once.
    await runCron(CRONS.effects, Date.now() + 5 * 60_000);
    await until(() => hook.seen.length === 2);
    expect(hook.seen[1]!.event.type).toBe("label.suspended");
    await runCron(CRONS.effects, Date.now() + 10 * 60_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(hook.seen).toHaveLength(2);
  });
});

describe("failures", () => {
  /** A subscription watching a new structure, an award, and the queue messages it produced (not consumed). */
  async function failingSetup(...statuses: number[]) {
    const hook = endpoint(...statuses);
    const { code } = await awardable();
    const sub = await subscribe(hook.url, { structureCode: code });
    const q = recordingQueue();
    const r = await adminCall("POST", `/v1/structures/${code}/decisions`, { decision: "award", decidedOn: today }, {
      NOTIFICATIONS: q.queue,
    } as never);
    expect(r.status).toBe(201);
    const messages = q.sent.filter((m) => m.subscriptionId === sub.id);
    expect(messages).toHaveLength(1);
    return { hook, sub, messages, number: r.json.label.number as string };
  }

  it("retried with exponential backoff while failing, delivered when the endpoint is back", async () => {
    const { hook, sub, messages } = await failingSetup(503, 500, 200);
    const t0 = Date.now();
    let r = await consume(messages, new Date(t0));
    expect(r.retryMessages).toEqual([{ msgId: "m0", delaySeconds: 30 }]);
    let [d] = await deliveriesOf(sub.id);
    expect(d).toMatchObject({ status: "queued", attempts: 1, lastStatus: 503, lastError: "HTTP 503" });
    expect(d.lastResponse).toBe("answer 503");
    expect(d.nextAttemptAt).toBe(new Date(t0 + 30_000).toISOString());
    expect((await call("GET", `/v1/subscriptions/${sub.id}`)).json.failingSince).toBe(new Date(t0).toISOString());
    r = await consume(messages, new Date(t0 + 30_000), 2);
    expect(r.retryMessages).toEqual([{ msgId: "m0", delaySeconds: 60 }]);
    r = await consume(messages, new Date(t0 + 90_000), 3);
    expect(r.explicitAcks).toEqual(["m0"]);
    [d] = await deliveriesOf(sub.id);
    expect(d).toMatchObject({ status: "delivered", attempts: 3, lastStatus: 200, lastError: null });
    expect((await call("GET", `/v1/subscriptions/${sub.id}`)).json.failingSince).toBeNull();
    expect(hook.seen).toHaveLength(3);
    // The same event each time: same id, same body.
    expect(new Set(hook.seen.map((s) => s.headers["webhook-id"])).size).toBe(1);
    expect(new Set(hook.seen.map((s) => s.body)).size).toBe(1);
  });

  it("after 3 days of failures: the subscription is disabled, its deliveries failed, its contact told by e-mail", async () => {
    const { sub, messages } = await failingSetup(503);
    const t0 = Date.now();
    let t = t0;
    const delays: number[] = [];
    for (let attempt = 1; t - t0 < 3 * DAY; attempt++) {
      const r = await consume(messages, new Date(t), attempt);
      if (r.retryMessages.length === 0) break;
      delays.push(r.retryMessages[0]!.delaySeconds!);
      t += r.retryMessages[0]!.delaySeconds! * 1000;
    }
    // 30 s doubling up to the queue's longest delay (12 h), until the 3 days are over.
    expect(delays.slice(0, 5)).toEqual([30, 60, 120, 240, 480]);
    expect(Math.max(...delays)).toBe(12 * 3600);
    expect(delays).toEqual(delays.map((_, i) => backoffSeconds(i + 1)));
    const r = await consume(messages, new Date(t), delays.length + 1);
    expect(r.explicitAcks).toEqual(["m0"]);
    const s = (await call("GET", `/v1/subscriptions/${sub.id}`)).json;
    expect(s).toMatchObject({ status: "disabled", disabledReason: expect.stringContaining("3 days") });
    const [d] = await deliveriesOf(sub.id);
    expect(d).toMatchObject({ status: "failed", lastStatus: 503 });
    const mail = await env.DB.prepare("SELECT recipients, subject, status FROM outbox WHERE kind = ?")
      .bind(`subscription-disabled:${sub.id}`)
      .all<{ recipients: string; subject: string; status: string }>();
    expect(mail.results).toHaveLength(1);
    expect(JSON.parse(mail.results[0]!.recipients)).toEqual(["veille@portail.example"]);
    expect(mail.results[0]!.subject).toContain("abonnement désactivé");
    // Disabled: nothing more is sent, and a second run sends no second e-mail.
    await consume(messages, new Date(t + 60_000), delays.length + 2);
    expect(
      (await env.DB.prepare("SELECT count(*) AS n FROM outbox WHERE kind = ?")
        .bind(`subscription-disabled:${sub.id}`)
        .first<{ n: number }>())!.n,
    ).toBe(1);
    // Re-delivery needs the subscription enabled first.
    expect((await call("POST", `/v1/subscriptions/${sub.id}/deliveries/${d.id}/redeliver`)).status).toBe(409);
  });

  it("redirects are not followed; at most 1 KiB of an answer is kept", async () => {
    const { sub, messages, hook } = await failingSetup(204);
    server.use(
      http.post(hook.url, () => new HttpResponse(null, { status: 302, headers: { Location: "https://10.0.0.1/x" } }), {
        once: true,
      }),
    );
    let r = await consume(messages, new Date());
    expect(r.retryMessages).toHaveLength(1);
    let [d] = await deliveriesOf(sub.id);
    expect(d.lastError).toMatch(/302: redirects are not followed/);
    server.use(http.post(hook.url, () => new HttpResponse("é".repeat(4000), { status: 200 }), { once: true }));
    r = await consume(messages, new Date(), 2);
    [d] = await deliveriesOf(sub.id);
    expect(d.status).toBe("delivered");
    expect(new TextEncoder().encode(d.lastResponse).length).toBeLessThanOrEqual(1024 + 3);
    expect(d.lastResponse.length).toBeLessThanOrEqual(1024);
  });

  it("an endpoint that does not answer within 10 s is a failure, retried later", async () => {
    const { sub, messages, hook } = await failingSetup(204);
    server.use(
      http.post(hook.url, async () => {
        await new Promise((r) => setTimeout(r, 12_000));
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const t0 = Date.now();
    const r = await consume(messages, new Date());
    expect(Date.now() - t0).toBeGreaterThanOrEqual(9_900);
    expect(Date.now() - t0).toBeLessThan(12_000);
    expect(r.retryMessages).toHaveLength(1);
    const [d] = await deliveriesOf(sub.id);
    expect(d).toMatchObject({ status: "queued", lastStatus: null, lastError: "No answer within 10 s" });
  }, 30_000);

  it("an admin re-delivers an event: same id and body, new days of retries", async () => {
    const { sub, messages, hook } = await failingSetup(204);
    await consume(messages, new Date());
    const [d] = await deliveriesOf(sub.id);
    expect(d.status).toBe("delivered");
    const again = await call("POST", `/v1/subscriptions/${sub.id}/deliveries/${d.id}/redeliver`);
    expect(again.status).toBe(202);
    await until(() => hook.seen.length === 2);
    expect(hook.seen[1]!.body).toBe(hook.seen[0]!.body);
    expect(hook.seen[1]!.headers["webhook-id"]).toBe(hook.seen[0]!.headers["webhook-id"]);
    expect((await call("POST", `/v1/subscriptions/${sub.id}/deliveries/dlv_nope/redeliver`)).status).toBe(404);
  });

  it("the dead-letter queue: a message the consumer kept failing on marks its deliveries failed", async () => {
    const { sub, messages } = await failingSetup(204);
    const batch = createMessageBatch<NotifyMessage>("spp-notifications-dlq", [
      { id: "dead-1", timestamp: new Date(), attempts: 1, body: messages[0]! },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual(["dead-1"]);
    const [d] = await deliveriesOf(sub.id);
    expect(d).toMatchObject({ status: "failed", lastError: expect.stringContaining("Dead-lettered") });
  });

  it("a consumer that fails (D1 down) throws, so the queue retries the message, then dead-letters it", async () => {
    const { messages } = await failingSetup(204);
    const batch = createMessageBatch<NotifyMessage>("spp-notifications", [
      { id: "m-broken", timestamp: new Date(), attempts: 1, body: messages[0]! },
    ]);
    const ctx = createExecutionContext();
    const brokenDb = {
      prepare: () => {
        throw new Error("D1 unavailable");
      },
      batch: () => {
        throw new Error("D1 unavailable");
      },
    };
    await expect(worker.queue(batch, { ...env, DB: brokenDb } as never, ctx)).rejects.toThrow("D1 unavailable");
    await waitOnExecutionContext(ctx);
  });
});

describe("retention (daily job)", () => {
  it("finished deliveries leave the log after NOTIFICATION_RETENTION_DAYS, then their notifications; pending ones stay", async () => {
    // The endpoint takes the first event and refuses the next: whatever runs the queue meanwhile (the daily
    // job's own changes carry out pending intents), the suspension's delivery stays unfinished.
    const hook = endpoint(204, 503);
    const { code } = await awardable();
    const sub = await subscribe(hook.url, { structureCode: code });
    const number = await award(code);
    await until(async () => (await deliveriesOf(sub.id)).some((d: any) => d.status === "delivered"));
    // A suspension whose hand-off to the queue fails: its delivery stays pending (nothing has run it yet).
    const down = { sendBatch: async () => Promise.reject(new Error("queue down")) };
    expect(
      (await adminCall("POST", `/v1/labels/${number}/suspend`, { reason: "x" }, { NOTIFICATIONS: down } as never))
        .status,
    ).toBe(200);
    const before = await deliveriesOf(sub.id);
    expect(before.map((d: any) => `${d.type}:${d.status}`).sort()).toEqual([
      "label.awarded:delivered",
      "label.suspended:pending",
    ]);
    const notificationOf = async (type: string) =>
      env.DB.prepare("SELECT count(*) AS n FROM notifications WHERE label_number = ? AND type = ?")
        .bind(number, type)
        .first<{ n: number }>();

    // 89 days later: within the retention (90 by default), nothing goes; a longer retention keeps it at 91 too.
    await daily(addDays(today, 89));
    await daily(addDays(today, 91), { NOTIFICATION_RETENTION_DAYS: "365" });
    expect(await deliveriesOf(sub.id)).toHaveLength(2);

    await daily(addDays(today, 92));
    const after = await deliveriesOf(sub.id);
    expect(after.map((d: any) => d.type)).toEqual(["label.suspended"]);
    expect(["pending", "queued"]).toContain(after[0].status);
    expect((await notificationOf("label.awarded"))!.n).toBe(0);
    expect((await notificationOf("label.suspended"))!.n).toBe(1);
  });
});
