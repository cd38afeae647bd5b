/**
 * Test helpers: requests go through the real Worker (its default export) and a real D1, and every
 * response is held against the Worker's own /openapi.json (test/openapi-conformance.ts). `fetchWorker`
 * is the only way tests reach the Worker (test/openapi-conformance.test.ts fails any other); `runCron`
 * runs its scheduled handler. Also the readers of what was written. Test DATA is made by
 * test/factories.ts, and signed webhook deliveries by test/webhooks-helpers.ts.
 */
import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { getDb } from "../src/db/client";
import { labelEvents, labels, outbox } from "../src/db/schema";
import worker from "../src/index";
import { CRONS } from "../src/scheduled";
import { Conformance } from "./openapi-conformance";

export const ADMIN = "test-admin-token-0123456789";
export const BASE = "https://registry.test";

let contract: Promise<Conformance> | undefined;
/** The document, read once per test file from the Worker itself. */
export function conformance(): Promise<Conformance> {
  contract ??= exports.default
    .fetch(`${BASE}/openapi.json`)
    .then((r) => r.json())
    .then((doc) => new Conformance(doc as ConstructorParameters<typeof Conformance>[0]));
  return contract;
}

/**
 * Sends one request to the Worker — through its `exports.default` entrypoint, or its handler with
 * another `env` (a var switched on, a limiter swapped) — and checks the answer against /openapi.json:
 * a response that does not conform throws, failing the test that got it.
 */
export async function fetchWorker(input: Request | string, opts: { env?: Env } = {}): Promise<Response> {
  const req = typeof input === "string" ? new Request(input) : input;
  const { method, url } = req;
  let res: Response;
  if (opts.env) {
    const ctx = createExecutionContext();
    res = await worker.fetch(req as Parameters<typeof worker.fetch>[0], opts.env, ctx);
    await waitOnExecutionContext(ctx);
  } else {
    res = await exports.default.fetch(req);
  }
  // Bytes, not text: the caller gets the body exactly as sent (a CSV's byte-order mark included).
  const bytes = new Uint8Array(await res.arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  (await conformance()).check({ method, url, status: res.status, headers: res.headers, text });
  return new Response(bytes.length === 0 ? null : bytes, { status: res.status, headers: res.headers });
}

type Opts = {
  token?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
  raw?: BodyInit;
  /** Configuration values or bindings to change for this request (a flag, a rotated key, a broken queue). */
  env?: object;
};

export async function call(method: string, path: string, opts: Opts = {}) {
  const headers: Record<string, string> = { ...opts.headers };
  const token = opts.token === undefined ? ADMIN : opts.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  let body: BodyInit | undefined = opts.raw;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers["Content-Type"] ??= "application/json";
  }
  // `manual`: a redirect is an answer to check, not to follow (a service binding follows by default).
  const res = await fetchWorker(new Request(`${BASE}${path}`, { method, headers, body, redirect: "manual" }), {
    env: opts.env ? ({ ...env, ...opts.env } as Env) : undefined,
  });
  const text = await res.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}

// ─── The scheduled handler ──────────────────────────────────────────────────────────────────────────────

/** Runs the Worker's real `scheduled` handler at `time`, with an optionally altered env. */
export async function runCron(cron: string, time: string | number, envOver: Record<string, unknown> = {}) {
  const controller = createScheduledController({ cron, scheduledTime: new Date(time) });
  const ctx = createExecutionContext();
  await worker.scheduled(controller, { ...env, ...envOver } as Env, ctx);
  await waitOnExecutionContext(ctx);
}

/** The daily job at 03:00 UTC of `day`. */
export const daily = (day: string, envOver?: Record<string, unknown>) =>
  runCron(CRONS.daily, `${day}T03:00:00Z`, envOver);
/** The e-mail delivery job at `instant`. */
export const runDelivery = (instant: string, envOver?: Record<string, unknown>) =>
  runCron(CRONS.outbox, instant, envOver);

// ─── Reading what was written ───────────────────────────────────────────────────────────────────────────

/** Rows of a raw SQL query on the test database. */
export async function sql<T = Record<string, unknown>>(query: string, ...params: unknown[]) {
  return (
    await env.DB.prepare(query)
      .bind(...params)
      .all<T>()
  ).results;
}

const db = () => getDb(env.DB);
export const labelOf = async (number: string) =>
  (await db().select().from(labels).where(eq(labels.number, number)))[0]!;
export const eventsOf = (number: string) => db().select().from(labelEvents).where(eq(labelEvents.labelNumber, number));
export const outboxOf = (labelNumber: string) =>
  db().select().from(outbox).where(eq(outbox.labelNumber, labelNumber)).orderBy(outbox.kind);
