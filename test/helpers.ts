/**
 * Test helpers: requests go through the real Worker (its default export) and a real D1, and every
 * response is held against the Worker's own /openapi.json (test/openapi-conformance.ts). `fetchWorker`
 * is the only way tests reach the Worker (test/openapi-conformance.test.ts fails any other).
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import worker from "../src/index";
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

type Opts = { token?: string | null; body?: unknown; headers?: Record<string, string>; raw?: BodyInit };

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
  const res = await fetchWorker(new Request(`${BASE}${path}`, { method, headers, body, redirect: "manual" }));
  const text = await res.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}

let seq = 0;
/** A valid structure payload; `code` unique per call unless given. */
export function structurePayload(over: Record<string, unknown> = {}) {
  seq++;
  return {
    code: `TEST-${seq.toString().padStart(4, "0")}`,
    name: `Structure de test ${seq}`,
    network: "Préfectures",
    category: "service_deconcentre_etat",
    postcode: "13001",
    city: "Marseille",
    department: "13",
    contacts: [{ email: `qualite${seq}@test.example`, role: "Référent qualité" }],
    ...over,
  };
}

export function certifierPayload(over: Record<string, unknown> = {}) {
  return {
    name: "Organisme de test",
    contactEmail: "contact@oc.test.example",
    habilitation: { from: "2024-01-01", until: "2030-12-31" },
    ...over,
  };
}

export async function createCertifier(over: Record<string, unknown> = {}) {
  const r = await call("POST", "/v1/certifiers", { body: certifierPayload(over) });
  if (r.status !== 201) throw new Error(`certifier: ${r.status} ${r.text}`);
  return r.json as { id: string; apiKey: string; webhookSecret: string };
}

export async function createStructure(over: Record<string, unknown> = {}) {
  const r = await call("POST", "/v1/structures", { body: structurePayload(over) });
  if (r.status !== 201) throw new Error(`structure: ${r.status} ${r.text}`);
  return r.json as { code: string };
}

export async function assign(code: string, certifierId: string, contractRef = "MARCHE-TEST-1") {
  const r = await call("PUT", `/v1/structures/${code}/certifier`, { body: { certifierId, contractRef } });
  if (r.status !== 200) throw new Error(`assign: ${r.status} ${r.text}`);
  return r.json;
}
