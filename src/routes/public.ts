/**
 * Public verification (no credentials, CORS `*`, cacheable): one label as JSON, the open-data
 * listing as JSON or CSV, and a shields.io endpoint. Answers about one reference go through
 * `servePublic` (canonical reference, edge cache, primary reads on misses); the listing, never stored at
 * the edge, reads through a D1 session (`first-unconstrained`: any replica will do).
 */
import { z } from "@hono/zod-openapi";
import { cors } from "hono/cors";
import { HistoryResultsSchema, PublicResultsSchema } from "../contract/results-schemas";
import { getDb } from "../db/client";
import { listPublicLabels, type PublicLabelRow } from "../db/public";
import { searchPublicLabels } from "../db/public-search";
import { LABEL_STATUSES, TIERS } from "../db/schema";
import { PUBLIC_STATUSES } from "../domain/badge";
import { CODE_SP_PATTERN } from "../domain/identifiers";
import { parisDay } from "../domain/paris-time";
import { readRef } from "../domain/public-ref";
import { config } from "../env";
import { afterKey, decodeSearchCursor, encodeSearchCursor, nextCursor } from "../lib/cursor";
import { ApiError, notFound } from "../lib/errors";
import { clientIp, enforceRateLimit } from "../lib/rate-limit";
import { router } from "../lib/router";
import { REQUEST_ID_HEADER } from "../lib/trace";
import { conditional, publicCacheControl, weakEtag } from "../public/cache";
import { publicationPolicy } from "../public/last-known";
import { badgeFor, toCsv, toPublicLabel } from "../public/present";
import { historyResults } from "../public/results";
import { lookupMany, rawSegment, servePublic } from "../public/serve";
import { apiRoute, canonicalRedirect, headers, json, jsonBody, noSecurity, notModified, pick } from "./openapi-common";

export const publicRouter = router();
/** CORS of every public answer. Mounted here under /v1/public/labels/*, the credential answers included. */
export const publicCors = cors({
  origin: "*",
  allowMethods: ["GET", "HEAD", "POST", "OPTIONS"],
  // Link: the CSV listing's next page, which a page on another origin reads to follow it.
  exposeHeaders: ["ETag", REQUEST_ID_HEADER, "Link"],
});
publicRouter.use("*", publicCors);

/** A D1 session for the listing: the nearest read replica, no ordering constraint. */
export const publicDb = (env: Env) => getDb(env.DB.withSession("first-unconstrained"));

// A label number `SPP-YYYY-NNNNNN` has the shape of a Code SP+: one pattern accepts both.
export const Ref = z
  .string()
  .max(40)
  .regex(CODE_SP_PATTERN, "A Code SP+ or a label number")
  .openapi({
    param: { name: "ref", in: "path" },
    description:
      "Code SP+ of the structure, or a label number `SPP-YYYY-NNNNNN`, in any case: another spelling than " +
      "the registry's answers 301 to the canonical URL",
    example: "DEMO-PREF-01",
  });

const Tier = z.enum(TIERS).nullable().openapi({ description: "Palier: bronze, argent or or", example: "or" });
const Day = z.string().nullable().openapi({ example: "2029-03-31" });

/** `stale` and `factsAt`, on the answers that have a last known version when D1 fails (src/public/last-known.ts). */
const staleFields = (what: string) => ({
  stale: z
    .literal(true)
    .optional()
    .openapi({
      description: `Present (and \`true\`) only when the registry's database did not answer: ${what}`,
      example: true,
    }),
  factsAt: z.string().optional().openapi({
    description: "With `stale`: when the registry last read these facts from its database (ISO 8601, UTC)",
    example: "2026-12-06T04:30:00.000Z",
  }),
});

export const PublicLabelSchema = z
  .object({
    valid: z.boolean().openapi({ description: "True only when the status is `valid`", example: true }),
    status: z.enum(PUBLIC_STATUSES).openapi({
      description: "`none`: the structure is known but has no label. A label past its last day shows `expired`.",
      example: "valid",
    }),
    tier: Tier,
    labelNumber: z.string().nullable().openapi({ example: "SPP-2026-000001" }),
    awardedOn: Day.openapi({ description: "Decision date", example: "2026-03-31" }),
    expiresOn: Day.openapi({ description: "Last valid day (inclusive)", example: "2029-03-30" }),
    supersededBy: z
      .string()
      .nullable()
      .openapi({ description: "The renewal that replaced this label, if any", example: null }),
    structure: z.object({
      code: z.string().openapi({ example: "DEMO-PREF-01" }),
      name: z.string().openapi({ example: "Préfecture de démonstration" }),
      network: z.string().openapi({ example: "Préfectures" }),
      city: z.string().openapi({ example: "Marseille" }),
      department: z.string().openapi({ example: "13" }),
      auditFundedByDitp: z.boolean().optional().openapi({
        description: "Whether the DITP funds this structure's audit: present only if the publication policy says so",
        example: true,
      }),
    }),
    certifier: z
      .object({ name: z.string().openapi({ example: "Organisme de certification de démonstration" }) })
      .nullable(),
    results: PublicResultsSchema.nullable(),
    checkedAt: z.string().openapi({
      description: "When the registry computed this answer (at most 300 s before it is served, never the day before)",
      example: "2026-11-27T09:00:00.000Z",
    }),
    permalink: z.string().openapi({ example: "https://registre.example/verify/DEMO-PREF-01" }),
    ...staleFields(
      "this is the last known answer, as of `factsAt`, its status computed for today (a label past its last " +
        "day shows `expired`). Kept 10 s at most; ask again shortly. Absent from every normal answer " +
        "(docs/integrators.md).",
    ),
  })
  .openapi("PublicLabel");

/** A JSON answer with a weak ETag over everything but `checkedAt`. */
async function jsonAnswer(body: unknown, stable: unknown) {
  return new Response(JSON.stringify(body), {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      ETag: await weakEtag(JSON.stringify(stable)),
      "Access-Control-Allow-Origin": "*",
    },
  });
}

/** A malformed reference on a JSON surface: a 422 naming `ref`. */
export const refMalformed = () => {
  throw new ApiError("validation", "The request does not match the schema", {
    errors: [{ path: "ref", message: "A Code SP+ or a label number" }],
  });
};

publicRouter.openapi(
  apiRoute(
    {
      method: "get",
      path: "/{ref}",
      operationId: "getPublicLabel",
      security: noSecurity,
      tags: ["public"],
      summary: "Verify a label",
      description:
        "The public truth about one structure's current label (by Code SP+) or about one label (by label " +
        "number), the reference matched without regard to case (another spelling answers 301 to the canonical " +
        "URL). No credentials; CORS `*`; cached at the edge for at most 300 s and never past midnight in France, " +
        "purged everywhere on every change; `If-None-Match` → 304. Carries no personal data.",
      request: { params: z.object({ ref: Ref }) },
      responses: {
        200: { ...json(PublicLabelSchema, "The label's public status"), headers: headers.cache },
        301: canonicalRedirect,
        304: notModified,
        ...pick(404),
      },
    },
    { ignoresQuery: true, rateLimited: true },
  ),
  async (c) =>
    servePublic(
      c,
      "json",
      rawSegment(c, "/v1/public/labels/"),
      async (l, ref) => {
        if (!l) throw notFound(`Structure or label ${ref.value}`);
        const { checkedAt: _, ...stable } = l;
        return jsonAnswer(l, stable);
      },
      refMalformed,
    ),
);

publicRouter.openapi(
  apiRoute(
    {
      method: "get",
      path: "/{ref}/shields.json",
      operationId: "getShieldsEndpoint",
      security: noSecurity,
      tags: ["public"],
      summary: "shields.io endpoint",
      description:
        "For those who prefer shields.io badges: " +
        "`https://img.shields.io/endpoint?url=<this URL>`. An unknown ref answers « inconnu » with `isError`.",
      request: { params: z.object({ ref: Ref }) },
      responses: {
        200: {
          headers: headers.cache,
          ...json(
            z
              .object({
                schemaVersion: z.literal(1),
                label: z.string().openapi({ example: "Services Publics +" }),
                message: z.string().openapi({ example: "Or · valide jusqu'au 30/03/2029" }),
                color: z.string().openapi({ example: "#18753c" }),
                labelColor: z.string().openapi({ example: "#000091" }),
                isError: z.boolean().optional(),
                cacheSeconds: z.number().int().openapi({ example: 300 }),
              })
              .openapi("ShieldsEndpoint"),
            "shields.io endpoint schema",
          ),
        },
        301: canonicalRedirect,
        304: notModified,
      },
    },
    { ignoresQuery: true, rateLimited: true },
  ),
  async (c) =>
    servePublic(
      c,
      "shields",
      rawSegment(c, "/v1/public/labels/", "/shields.json"),
      async (l) => {
        const b = badgeFor(l);
        const body = {
          schemaVersion: 1 as const,
          label: b.label,
          message: b.message,
          color: b.color,
          labelColor: b.labelColor,
          ...(l ? {} : { isError: true }),
          cacheSeconds: 300,
        };
        return jsonAnswer(body, body);
      },
      refMalformed,
    ),
);

const ListQuery = z.object({
  tier: z.enum(TIERS).optional(),
  status: z
    .enum(["valid", "suspended", "withdrawn", "expired"])
    .optional()
    .openapi({ description: "Public status (a `valid` or `suspended` label past its last day counts as `expired`)" }),
  network: z.string().max(200).optional().openapi({ example: "Préfectures" }),
  department: z.string().max(3).optional().openapi({ example: "13" }),
  q: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .openapi({
      description:
        "Search: Code SP+, name, town, network or typology (case and accents ignored). Ranks the page instead " +
        "of sorting it by code: codes starting with `q`, names starting with `q`, then the other structures " +
        "holding every word. Words under 3 characters only match the start of a code or name.",
      example: "evry",
    }),
  format: z.enum(["json", "csv"]).optional().openapi({ description: "`csv` = same as `Accept: text/csv`" }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .optional()
    .openapi({ description: "Page size: JSON 1–200 (default 50), CSV 1–1000 (default 1000)", example: 50 }),
  cursor: z.string().max(512).optional().openapi({ description: "`nextCursor` (JSON) or the `Link` next page (CSV)" }),
});

publicRouter.openapi(
  apiRoute(
    {
      method: "get",
      path: "/",
      operationId: "listPublicLabels",
      security: noSecurity,
      tags: ["public"],
      summary: "Open-data listing of labels",
      description:
        "Current labels, one per labelled structure (renewed ones are replaced by their renewal), sorted by " +
        "Code SP+ (ranked instead when `q` is given, see `q`), keyset-paginated. " +
        "JSON by default; CSV with `Accept: text/csv` or `format=csv` (UTF-8 with BOM, `;`, CRLF), whose " +
        "first column `code_sp_de_la_structure` joins with the DITP's `export-structures`. The CSV's next page " +
        'is in the `Link: <…>; rel="next"` header.',
      request: { query: ListQuery },
      responses: {
        200: {
          description: "A page of labels",
          headers: {
            ...headers.cache,
            Link: {
              description:
                'CSV only: `<…>; rel="next"`, the next page, absent on the last one; readable from any origin ' +
                "(`Access-Control-Expose-Headers: Link`)",
              required: false,
              schema: { type: "string" },
            },
          },
          content: {
            "application/json": {
              schema: z
                .object({ items: z.array(PublicLabelSchema), nextCursor: z.string().nullable() })
                .openapi("PublicLabelPage"),
            },
            "text/csv": { schema: z.string() },
          },
        },
        304: notModified,
      },
    },
    { rateLimited: true },
  ),
  async (c) => {
    await enforceRateLimit(c.env.PUBLIC_LIMITER, clientIp(c.req.raw));
    const q = c.req.valid("query");
    const csv = q.format ? q.format === "csv" : /\btext\/csv\b/i.test(c.req.header("Accept") ?? "");
    if (!csv && q.limit && q.limit > 200) {
      throw new ApiError("validation", "The request does not match the schema", {
        errors: [{ path: "limit", message: "JSON pages hold at most 200 labels (CSV: 1000)" }],
      });
    }
    const limit = q.limit ?? (csv ? 1000 : 50);
    const now = new Date();
    const today = parisDay(now);
    const { cursor, ...f } = q;
    let page: { items: PublicLabelRow[]; nextCursor: string | null };
    if (f.q) {
      const after = cursor ? decodeSearchCursor(cursor) : undefined;
      const { items, next } = await searchPublicLabels(publicDb(c.env), { ...f, q: f.q, limit, after, today });
      page = { items, nextCursor: next ? encodeSearchCursor(next) : null };
    } else {
      // The cursor is the last structure code: the listing holds one row per structure.
      const after = afterKey(cursor);
      const { items, next } = await listPublicLabels(publicDb(c.env), { ...f, limit, after, today });
      page = { items, nextCursor: nextCursor(next) };
    }
    const following = page.nextCursor;
    const policy = config(c.env).PUBLICATION_POLICY;
    const labels = page.items.map((r) => toPublicLabel(r, today, now.toISOString(), c.env.PUBLIC_BASE_URL, policy));
    const stable = labels.map(({ checkedAt: _, ...rest }) => rest);
    const etag = await weakEtag(JSON.stringify([csv, stable, following]));
    const headers: Record<string, string> = {
      "Cache-Control": publicCacheControl(now),
      ETag: etag,
      "Access-Control-Allow-Origin": "*",
      Vary: "Accept",
    };
    let res: Response;
    if (csv) {
      if (following) {
        const u = new URL(c.req.url);
        u.searchParams.set("cursor", following);
        headers.Link = `<${u.pathname}${u.search}>; rel="next"`;
      }
      res = new Response(toCsv(labels), {
        headers: {
          ...headers,
          "Content-Type": "text/csv; charset=utf-8",
          "Content-Disposition": 'attachment; filename="labels-services-publics-plus.csv"',
        },
      });
    } else {
      res = new Response(JSON.stringify({ items: labels, nextCursor: following }), {
        headers: { ...headers, "Content-Type": "application/json; charset=utf-8" },
      });
    }
    return conditional(c.req.raw, res);
  },
);

/** Most references one bulk verification may hold; each counts against the public rate limit. */
export const MAX_BULK_REFS = 100;

const UnknownRef = z
  .object({
    ref: z.string().openapi({ example: "DEMO-INCONNU-99" }),
    valid: z.literal(false),
    status: z.literal("unknown").openapi({ description: "No structure nor label has this reference" }),
  })
  .openapi("UnknownRef");

publicRouter.openapi(
  apiRoute(
    {
      method: "post",
      path: "/verify",
      operationId: "verifyLabels",
      security: noSecurity,
      tags: ["public"],
      summary: "Verify many labels at once",
      description:
        `Up to ${MAX_BULK_REFS} references (Code SP+ or label numbers, in any case, read as the single answer ` +
        "reads its path) → one answer per reference, in the same order: the same fields as `GET " +
        '/v1/public/labels/{ref}` plus the `ref` asked, or `{ ref, valid: false, status: "unknown" }` for a ' +
        "reference the registry does not know (or that cannot be one). Read from the primary database, never " +
        "cached. Each reference counts as one request against the public rate limit; more than " +
        `${MAX_BULK_REFS} references answer 422.`,
      request: {
        body: jsonBody(
          z
            .object({
              refs: z
                .array(z.string().min(1).max(100))
                .min(1)
                .max(MAX_BULK_REFS)
                .openapi({ example: ["DEMO-PREF-01", "spp-2026-000001", "DEMO-INCONNU-99"] }),
            })
            .strict()
            .openapi("VerifyLabelsRequest"),
        ),
      },
      responses: {
        200: json(
          z
            .object({
              items: z.array(z.union([PublicLabelSchema.extend({ ref: z.string() }), UnknownRef])),
            })
            .openapi("VerifyLabelsAnswer"),
          "One answer per reference, in order",
        ),
      },
    },
    { rateLimited: true },
  ),
  async (c) => {
    const { refs } = c.req.valid("json");
    const ip = clientIp(c.req.raw);
    await enforceRateLimit(c.env.PUBLIC_LIMITER, ...(refs.map(() => ip) as [string, ...string[]]));
    const parsed = refs.map(readRef);
    const known = parsed.flatMap((r) => (r ? [r] : []));
    const labels = await lookupMany(c.env, known, new Date());
    let k = 0;
    const items = refs.map((ref, i) => {
      const label = parsed[i] ? labels[k++] : null;
      return label ? { ref, ...label } : { ref, valid: false as const, status: "unknown" as const };
    });
    return c.json({ items }, 200, { "Cache-Control": "no-store" });
  },
);

const PublicHistorySchema = z
  .object({
    structure: z.object({
      code: z.string().openapi({ example: "DEMO-PREF-01" }),
      name: z.string().openapi({ example: "Préfecture de démonstration" }),
    }),
    labelNumber: z
      .string()
      .nullable()
      .openapi({ description: "The current label, if any", example: "SPP-2026-000001" }),
    items: z.array(
      z.object({
        labelNumber: z.string().openapi({ example: "SPP-2026-000001" }),
        type: z.enum(["awarded", "renewed", "suspended", "reinstated", "withdrawn", "expired"]).openapi({
          description: "`renewed`: the award of a label that replaced the previous one",
          example: "suspended",
        }),
        status: z
          .enum(LABEL_STATUSES)
          .openapi({ description: "The label's status after the event", example: "suspended" }),
        tier: z.enum(TIERS),
        effectiveOn: z.string().openapi({ description: "The day it took effect", example: "2026-06-01" }),
        logIndex: z
          .number()
          .int()
          .nullable()
          .openapi({
            description:
              "The event's entry in the transparency log (`/log/proof/inclusion?index=…`, docs/transparency-log.md); " +
              "null only for an event the log has not recorded",
            example: 42,
          }),
        results: HistoryResultsSchema,
      }),
    ),
    permalink: z.string().openapi({ example: "https://registre.example/verify/DEMO-PREF-01" }),
    ...staleFields("the last known history, as of `factsAt` (as in `PublicLabel`)."),
  })
  .openapi("PublicHistory");

publicRouter.openapi(
  apiRoute(
    {
      method: "get",
      path: "/{ref}/history",
      operationId: "getPublicHistory",
      security: noSecurity,
      tags: ["public"],
      summary: "Public history of a structure's labels",
      description:
        "The public events of every label of the structure the reference names (by Code SP+, or by the number " +
        "of any of its labels), newest first, at most 50: awarded, renewed, suspended, reinstated, withdrawn, " +
        "expired, with the day each took effect; an award or renewal also carries the users' survey period and " +
        "the audit it was decided on (`results`, as far as the publication policy publishes them), so a reader " +
        "sees whether the service improves. Never who made a change nor why. Cached and purged like the " +
        "label's answer.",
      request: { params: z.object({ ref: Ref }) },
      responses: {
        200: { ...json(PublicHistorySchema, "The history"), headers: headers.cache },
        301: canonicalRedirect,
        304: notModified,
        ...pick(404),
      },
    },
    { ignoresQuery: true, rateLimited: true },
  ),
  async (c) =>
    servePublic(
      c,
      "history",
      rawSegment(c, "/v1/public/labels/", "/history"),
      async (l, ref, _now, { history }) => {
        if (!l) throw notFound(`Structure or label ${ref.value}`);
        // The history comes with the row (or the last known facts when D1 failed).
        const policy = publicationPolicy(c.env);
        const items = history.map((h) => ({
          labelNumber: h.labelNumber,
          type: h.type,
          status: h.toStatus,
          tier: h.tier,
          effectiveOn: h.effectiveOn,
          logIndex: h.logIndex,
          results: historyResults(h.results, policy),
        }));
        const body = {
          structure: { code: l.structure.code, name: l.structure.name },
          labelNumber: l.labelNumber,
          items,
          permalink: l.permalink,
          ...(l.stale ? { stale: true as const, factsAt: l.factsAt } : {}),
        };
        return jsonAnswer(body, body);
      },
      refMalformed,
    ),
);
