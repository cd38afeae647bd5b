/**
 * Which request, or which scheduled run, the code is working for. Set once at the entry (app.ts for
 * requests, index.ts for cron runs) in an AsyncLocalStorage (nodejs_compat), so every log line and
 * every problem can name it without the id being passed down through each call.
 * @see https://developers.cloudflare.com/workers/runtime-apis/nodejs/asynclocalstorage/
 */
import { AsyncLocalStorage } from "node:async_hooks";

/** A request has a request id (answered to the caller); a cron run, which answers nobody, a run id. */
export type Trace = { requestId: string } | { runId: string };

/** The response header carrying the request id; the same id is in problems' `requestId` and in logs. */
export const REQUEST_ID_HEADER = "X-Request-Id";

const storage = new AsyncLocalStorage<Trace>();

export function withTrace<T>(trace: Trace, fn: () => T): T {
  return storage.run(trace, fn);
}

export function currentTrace(): Trace | undefined {
  return storage.getStore();
}

export function currentRequestId(): string | undefined {
  const t = storage.getStore();
  return t && "requestId" in t ? t.requestId : undefined;
}

/** Cloudflare's Ray ID (16 hex digits, then the data centre: `8f2a61b7c4d3e5f9-CDG`). */
const RAY_ID = /^[0-9a-f]{16}(?:-[A-Z]{3})?$/;

/**
 * The Ray ID Cloudflare gave the request, so our id is the one its dashboards and logs already show;
 * generated when there is none (local dev, tests). Anything not shaped like a Ray ID is ignored:
 * the id is written into logs and answers.
 */
export function requestIdOf(req: Request): string {
  const ray = req.headers.get("cf-ray");
  return ray && RAY_ID.test(ray) ? ray : newTraceId();
}

/** 16 random hex digits: the shape of a Ray ID without its data centre. */
export function newTraceId(): string {
  return [...crypto.getRandomValues(new Uint8Array(8))].map((b) => b.toString(16).padStart(2, "0")).join("");
}
