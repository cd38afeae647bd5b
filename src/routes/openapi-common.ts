/**
 * What every operation of /openapi.json shares: the problem shape, the standard error answers with
 * their headers, the tags, and `apiRoute`, which every router declares its routes with so that what
 * the server can answer is documented by default rather than by memory.
 */
import { createRoute, type RouteConfig, z } from "@hono/zod-openapi";
import { PROBLEMS, type ProblemCode } from "../lib/errors";
import { IDEMPOTENCY_KEY_PATTERN, IDEMPOTENCY_RETENTION_HOURS } from "../lib/idempotency";

export const ProblemSchema = z
  .object({
    type: z.string().openapi({
      description:
        "URL of the page explaining `code` (French and English; HTML, or JSON with `Accept: application/json`)",
      example: "https://registry.example/problems/validation",
    }),
    title: z.string().openapi({ example: "Validation failed" }),
    status: z.number().int().openapi({ example: 422 }),
    detail: z.string().openapi({ example: "The request does not match the schema" }),
    code: z.enum(Object.keys(PROBLEMS) as [ProblemCode, ...ProblemCode[]]).openapi({
      description:
        "Stable code of the closed set; `validation`: the request's shape; `unprocessable`: a rule refused it",
    }),
    instance: z.string().optional().openapi({ example: "/v1/structures" }),
    requestId: z
      .string()
      .optional()
      .openapi({
        description:
          "The request's id, also in the `X-Request-Id` header: send it to us when you report a problem. A " +
          "webhook answer given again to a copy keeps the id of the request that applied the delivery.",
        example: "8f2a61b7c4d3e5f9-CDG",
      }),
    errors: z
      .array(
        z.object({
          path: z.string().openapi({ example: "siret" }),
          message: z.string().openapi({ example: "SIRET check digit is wrong" }),
        }),
      )
      .optional(),
  })
  .openapi("Problem", { description: "RFC 9457 problem details" });

type Header = { description: string; required: boolean; schema: { type: "string" | "integer" } };
const header = (description: string, required = true, type: "string" | "integer" = "string"): Header => ({
  description,
  required,
  schema: { type },
});

/** Response headers, to put in a route's `responses[status].headers`. */
export const headers = {
  location: (what: string) => ({ Location: header(`Path of the ${what}`) }),
  cache: {
    ETag: header("Weak validator; send it back as `If-None-Match` to get a 304"),
    "Cache-Control": header(
      "`public, max-age=N`: edge and browsers keep it at most N ≤ 300 s, never past the next midnight in France",
    ),
    "Cache-Tag": header(
      "`spp-code-<Code SP+>,spp-label-<number>` on answers about a known reference: what a change purges",
      false,
    ),
    "X-Facts-At": header(
      "Only on a stale answer (the database did not answer; `X-Cache: STALE`, `Cache-Control: public, max-age=10`): " +
        "when the registry last read the facts it shows",
      false,
    ),
  },
  retryAfter: (required = true) => ({ "Retry-After": header("Seconds to wait before retrying", required, "integer") }),
};

export const problem = (description: string, hdrs?: Record<string, Header>) => ({
  description,
  content: { "application/problem+json": { schema: ProblemSchema } },
  ...(hdrs ? { headers: hdrs } : {}),
});

/** Error responses by status. `apiRoute` adds the ones a route's shape implies. */
export const errors = {
  400: problem("Malformed request: JSON syntax, or a `cursor` this API did not issue"),
  401: problem("Missing or unknown credentials", {
    "WWW-Authenticate": header('`Bearer realm="spp-registry"`: send `Authorization: Bearer <key>`'),
  }),
  403: problem("Authenticated, but not allowed"),
  404: problem("Not found"),
  409: problem("Conflicts with the current state"),
  405: problem("The path exists, not with this method; see `Allow`"),
  413: problem("Body larger than 1 MiB"),
  415: problem("Body not sent as `Content-Type: application/json`"),
  422: problem(
    "`validation`: the request does not match the schema (`errors[]` names each wrong field, path or query " +
      "parameter, an unknown one included); `unprocessable`: well-formed, but a rule of the registry refused it",
  ),
  429: problem("Rate limited", headers.retryAfter()),
  500: problem("Unexpected error, logged with the request id. Retry later"),
  503: problem(
    "`unavailable`: the database does not answer (an outage); nothing was recorded. Retry after `Retry-After`",
    headers.retryAfter(),
  ),
} as const;

export const pick = <K extends keyof typeof errors>(...keys: K[]) =>
  Object.fromEntries(keys.map((k) => [k, errors[k]])) as Pick<typeof errors, K>;

export const json = <T>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

export const jsonBody = <T>(schema: T, description?: string) => ({
  required: true,
  description,
  content: { "application/json": { schema } },
});

export const PageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ description: "Page size (1–200)", example: 50 }),
  cursor: z.string().max(512).optional().openapi({ description: "`nextCursor` of the previous page" }),
};

export const page = <T extends z.ZodType>(item: T, name: string) =>
  z
    .object({
      items: z.array(item),
      nextCursor: z.string().nullable().openapi({ description: "Pass as `cursor` for the next page; null at the end" }),
    })
    .openapi(name);

export const adminSecurity = [{ bearer: [] }];

/** The answer of a public route to another spelling of its reference (src/public/serve.ts). */
export const canonicalRedirect = {
  description:
    "Another spelling of the same reference (case, percent-encoding, a badge without `.svg` or with " +
    "another image extension): `Location` holds the canonical URL. Nothing else is served under it.",
  headers: { Location: { schema: { type: "string" as const }, description: "The canonical path" } },
};

/** The answer of a cacheable public route to a current `If-None-Match`. */
export const notModified = {
  description: "Not modified: the `If-None-Match` validator is current",
  headers: headers.cache,
};

/** Public operations, and the webhook receiver (authenticated by its signature headers, not a key). */
export const noSecurity = [];

/** The document's tags, in the order the reference shows them. */
export const TAGS = [
  { name: "public", description: "Public verification: no credentials, CORS `*`, cached at the edge" },
  { name: "structures", description: "Structures (public services) and their certification body" },
  { name: "certifiers", description: "Certification bodies, their habilitation and webhook secrets" },
  { name: "api-keys", description: "API keys for admins and certification bodies" },
  { name: "evaluations", description: "The tier engine's evaluation of a structure, and decisions" },
  { name: "labels", description: "Labels and their status changes" },
  { name: "referentials", description: "Versions of the référentiel (rules and thresholds)" },
  { name: "webhooks", description: "Signed events from certification bodies, and the inbox that keeps them" },
  { name: "outbox", description: "E-mails queued and sent by the registry" },
  { name: "subscriptions", description: "Signed notifications of label events to subscribers, and their delivery log" },
  { name: "log", description: "The transparency log: signed checkpoints, tiles and proofs (docs/transparency-log.md)" },
  { name: "meta", description: "Liveness, this document and its reference page" },
] as const;
export type Tag = (typeof TAGS)[number]["name"];

/** Every authenticated POST takes an `Idempotency-Key` (src/lib/idempotency.ts). */
const IdempotencyHeaders = z.object({
  "idempotency-key": z
    .string()
    .regex(IDEMPOTENCY_KEY_PATTERN)
    .optional()
    .openapi({
      description:
        "A key of your choosing (a UUID) that makes a retry safe: the same key with the same request within " +
        `${IDEMPOTENCY_RETENTION_HOURS} h answers the first success again (with \`Idempotent-Replayed: true\`) ` +
        "instead of acting twice; with another method, path or body → 422; while the first copy still runs → " +
        "409 with `Retry-After`. A refused request (4xx) frees its key. Keys are per API key.",
      example: "5f0c1c7e-6a8e-4d6b-9a43-1c2f3d4e5a6b",
    }),
});

/** What `apiRoute` insists on, beyond what `createRoute` needs. */
type Documented = {
  operationId: string;
  summary: string;
  description: string;
  tags: [Tag];
  security: { [scheme: string]: string[] }[];
};

export type RouteOptions = {
  /**
   * The answer depends on the path alone and any query string is ignored, not refused: cached public
   * reads (their cache key is the path), whose embed codes add cache-busters. Every other operation
   * refuses unknown query parameters (422 naming them).
   */
  ignoresQuery?: true;
  /**
   * The declared query parameters are read and any other is ignored, not refused: pages for people,
   * whose links may carry parameters of their own (`utm_source`…).
   */
  ignoresUnknownQuery?: true;
  /** Throttled by the public or webhook limiter (authenticated routes are, per key, in any case). */
  rateLimited?: true;
};

const isZod = (x: unknown): x is z.ZodType => typeof x === "object" && x !== null && "safeParse" in x;

/** False only for parameters that are all unconstrained strings (nothing in them can be refused). */
const canRefuse = (params: unknown) =>
  !(params instanceof z.ZodObject) ||
  Object.values(params.shape).some((f) => !(f instanceof z.ZodString) || (f._zod.def.checks?.length ?? 0) > 0);

/**
 * `createRoute` with the truth added by default: the route must name its operationId, summary,
 * description, tag and security; its query becomes strict (or is declared ignored); and the error
 * answers its shape implies are documented with their headers — 401/403/429 for a bearer route, 429
 * for a throttled one, 400/413/415/422 for a JSON body, 422 for validated path or query parameters
 * (an unknown parameter included), 400 for a `cursor`, 500 and 503 (the database down) for every operation. Statuses that depend
 * on what the handler does (404, 409…) the route declares itself; its own entries win.
 */
export function apiRoute<const R extends RouteConfig & Documented>(route: R, opts: RouteOptions = {}): R {
  const request: NonNullable<RouteConfig["request"]> = { ...route.request };
  if (!opts.ignoresQuery && !opts.ignoresUnknownQuery) {
    const q = request.query ?? z.object({});
    if (!(q instanceof z.ZodObject)) throw new Error(`${route.operationId}: the query must be a z.object`);
    request.query = q.strict();
  }
  const keys = new Set<keyof typeof errors>([500, 503]);
  if (route.security.length > 0) for (const k of [401, 403, 429] as const) keys.add(k);
  if (route.security.length > 0 && route.method === "post") {
    if (request.headers) throw new Error(`${route.operationId}: declare headers beside Idempotency-Key here`);
    request.headers = IdempotencyHeaders;
    for (const k of [409, 422] as const) keys.add(k);
  }
  if (opts.rateLimited) keys.add(429);
  const body = (request.body?.content["application/json"] as { schema?: unknown } | undefined)?.schema;
  if (body) keys.add(413);
  if (isZod(body)) for (const k of [400, 415, 422] as const) keys.add(k);
  if ((request.params && canRefuse(request.params)) || (!opts.ignoresQuery && !opts.ignoresUnknownQuery)) keys.add(422);
  if (request.query instanceof z.ZodObject && "cursor" in request.query.shape) keys.add(400);
  const description = opts.ignoresQuery
    ? `${route.description} Any query string is ignored: the answer depends on the path alone.`
    : opts.ignoresUnknownQuery
      ? `${route.description} Query parameters other than those declared are ignored.`
      : route.description;
  return createRoute({
    ...route,
    description,
    request,
    responses: { ...pick(...keys), ...route.responses },
  }) as R;
}
