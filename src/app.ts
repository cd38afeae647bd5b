/**
 * The Hono app: cross-cutting middleware, one error handler, one router per resource, and the
 * OpenAPI document generated from the routes themselves.
 */

import { z } from "@hono/zod-openapi";
import { Scalar } from "@scalar/hono-api-reference";
import { bodyLimit } from "hono/body-limit";
import { adminApp } from "./admin/app";
import type { AppEnv } from "./app-env";
import { authenticate } from "./lib/auth";
import { base64 } from "./lib/crypto";
import { asOutage } from "./lib/d1-outage";
import { ApiError, asApiError, toProblem } from "./lib/errors";
import { idempotency } from "./lib/idempotency";
import { log, loggableError } from "./lib/log";
import { allowedMethods, literalMethods, router } from "./lib/router";
import { docsCsp, withSecurityHeaders } from "./lib/security-headers";
import { REQUEST_ID_HEADER, requestIdOf, withTrace } from "./lib/trace";
import { apiKeysRouter } from "./routes/api-keys";
import { badgeRouter } from "./routes/badge";
import { certificateRouter } from "./routes/certificate";
import { certifiersRouter } from "./routes/certifiers";
import { credentialsRouter } from "./routes/credentials";
import { devFaultsRouter } from "./routes/dev-faults";
import { evaluationsRouter } from "./routes/evaluations";
import { figuresRouter } from "./routes/figures";
import { healthRouter } from "./routes/health";
import { labelsRouter } from "./routes/labels";
import { logRouter } from "./routes/log";
import { apiRoute, json, noSecurity, TAGS } from "./routes/openapi-common";
import { devOutboxRouter, outboxRouter } from "./routes/outbox";
import { pagesRouter } from "./routes/pages";
import { problemsRouter } from "./routes/problems";
import { publicRouter } from "./routes/public";
import { referentialsRouter } from "./routes/referentials";
import { seoRouter } from "./routes/seo";
import { structuresRouter } from "./routes/structures";
import { subscriptionsRouter } from "./routes/subscriptions";
import { verifyRouter } from "./routes/verify";
import { webhookEventsRouter } from "./routes/webhook-events";
import { registerWebhookEvents, webhooksRouter } from "./routes/webhooks";

export const MAX_BODY_BYTES = 1024 * 1024;

const app = router();

// First, so every answer (errors included) carries the request id, and every log line and problem
// written while serving it names it.
app.use("*", async (c, next) => {
  const requestId = requestIdOf(c.req.raw);
  await withTrace({ requestId }, next);
  c.res.headers.set(REQUEST_ID_HEADER, requestId);
});

// Every answer leaves with nosniff, `no-store` unless public, and the strict headers when it is HTML
// (verification page, /docs, dev outbox, back-office); errors included, since onError has answered by then. Before
// the middleware below, so that its answers (413) get them too.
app.use("*", async (c, next) => {
  await next();
  c.res = withSecurityHeaders(c.res, c.req.path);
});

app.use(
  "*",
  bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new ApiError("payload-too-large", `The body is larger than ${MAX_BODY_BYTES} bytes`);
    },
  }),
);

// Without this a JSON body sent with another content type would validate as `{}` and a PATCH
// would silently change nothing; webhooks read the raw body themselves and are exempt.
app.use("/v1/*", async (c, next) => {
  const m = c.req.method;
  if ((m === "POST" || m === "PUT" || m === "PATCH") && !c.req.path.startsWith("/v1/webhooks/")) {
    const type = c.req.header("Content-Type") ?? "";
    const hasBody = c.req.header("Content-Length") !== "0" && c.req.raw.body !== null;
    // The verifier also takes a credential in the type it is served in (`application/vc`).
    const vc = c.req.path === "/v1/public/credentials/verify" && /^application\/vc\s*(;|$)/i.test(type);
    if (hasBody && !vc && !/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
      throw new ApiError("unsupported-media-type", "Send the body as `Content-Type: application/json`");
    }
  }
  await next();
});

// `Idempotency-Key` on the admin API's POSTs (src/lib/idempotency.ts): a retried or doubled request is
// carried out once. Only for a caller the key authenticates (the router then checks its role): an
// anonymous request writes no claim. Webhooks have their own (`webhook-id`); public POSTs write nothing.
app.use(
  "/v1/*",
  idempotency({
    identify: async (c) => {
      const key = c.req.header("Idempotency-Key");
      if (key === undefined || c.req.path.startsWith("/v1/webhooks/") || c.req.path.startsWith("/v1/public/")) return;
      const principal = await authenticate(c.env, c.req.header("Authorization"));
      return principal ? { key, scope: principal.keyId ?? principal.actor } : undefined;
    },
    refuse: (_c, error) => {
      throw error;
    },
  }),
);

// A path a route names literally is that route's, whatever parameters its siblings take (literalMethods).
app.use("*", async (c, next) => {
  const literal = literalMethods(app.routes, c.req.path);
  const m = c.req.method;
  // Only where a parameterised sibling would capture the path; otherwise notFound answers the 405.
  if (literal && !literal.includes(m) && m !== "OPTIONS" && allowedMethods(app.routes, c.req.path).includes(m)) {
    const allow = [...new Set(literal)].sort();
    throw new ApiError(
      "method-not-allowed",
      `${c.req.path} does not answer ${c.req.method}; it answers ${allow.join(", ")}`,
      {
        headers: { Allow: allow.join(", ") },
      },
    );
  }
  await next();
});

app.route("/", healthRouter);
app.route("/v1/structures", structuresRouter);
app.route("/v1/structures", evaluationsRouter);
app.route("/v1/certifiers", certifiersRouter);
app.route("/v1/api-keys", apiKeysRouter);
app.route("/v1/webhooks/certifiers", webhooksRouter);
app.route("/v1/webhook-events", webhookEventsRouter);
app.route("/v1/referentials", referentialsRouter);
app.route("/v1/labels", labelsRouter);
app.route("/v1/public/labels", publicRouter);
app.route("/", logRouter);
app.route("/", credentialsRouter);
app.route("/", badgeRouter);
app.route("/", certificateRouter);
app.route("/", verifyRouter);
app.route("/", figuresRouter);
app.route("/", pagesRouter);
app.route("/", seoRouter);
app.route("/v1/outbox", outboxRouter);
app.route("/v1/subscriptions", subscriptionsRouter);
app.route("/dev/outbox", devOutboxRouter);
app.route("/dev/faults", devFaultsRouter);
app.route("/problems", problemsRouter);
// The back-office: pages for people, kept out of /openapi.json (src/admin/app.tsx says why).
app.route("/admin", adminApp);

app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
  type: "http",
  scheme: "bearer",
  description: "`ADMIN_TOKEN`, an admin API key, or a certification body's API key.",
});
registerWebhookEvents(app.openAPIRegistry);

/** The OpenAPI 3.1 document, as `/openapi.json` serves it (also written to a file by `npm run openapi`). */
export function openApiDocument(origin: string) {
  return app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "Registre du label « Services Publics + »",
      version: "1.0.0",
      description:
        "System of record for the French public-service quality label « Services Publics + »: structures, " +
        "certification bodies, audits and surveys received by signed webhooks, tiers computed from a " +
        "versioned référentiel, and public verification.\n\n" +
        "Errors are RFC 9457 `application/problem+json` with a stable `code`. An unknown path answers 404; a " +
        "known path asked with a method it does not serve answers 405 with `Allow`, once the request may know the " +
        "path: on a path that needs a key, a request without the right one gets 401 or 403 first, whatever the " +
        "method. Unknown query parameters " +
        "are refused (422 naming them), except on the public reads that depend on the path alone (label, " +
        "shields, badge, verification page), which ignore any query string. `HEAD` is answered wherever " +
        "`GET` is. The events certification bodies send are under `webhooks`.",
      contact: { name: "Registre du label « Services Publics + »", url: new URL("/docs", origin).toString() },
    },
    servers: [{ url: origin }],
    tags: [...TAGS],
  });
}

app.openapi(
  apiRoute({
    method: "get",
    path: "/openapi.json",
    operationId: "getOpenApiDocument",
    tags: ["meta"],
    summary: "This OpenAPI 3.1 document",
    description:
      "Generated from the routes' own zod schemas: the ones that validate requests are the ones documented. " +
      "Its `servers` is the registry's public base URL, whatever host was asked. Cacheable for an hour " +
      "(`Cache-Control: public, max-age=3600`): it changes only with a deployment.",
    security: noSecurity,
    responses: {
      200: {
        ...json(z.record(z.string(), z.unknown()), "The OpenAPI 3.1 document"),
        headers: { "Cache-Control": { description: "`public, max-age=3600`", schema: { type: "string" } } },
      },
    },
  }),
  // PUBLIC_BASE_URL, never the request's Host: a document fetched through another name (a rebinding host, a
  // proxy) must not send clients' keys there.
  (c) =>
    c.json(openApiDocument(new URL(c.env.PUBLIC_BASE_URL).origin) as unknown as Record<string, unknown>, 200, {
      "Cache-Control": "public, max-age=3600",
    }),
);

app.openapi(
  apiRoute(
    {
      method: "get",
      path: "/docs",
      operationId: "getApiReference",
      tags: ["meta"],
      summary: "Interactive API reference (HTML)",
      description: "Scalar's reference page for this document, served from the registry's own assets (works offline).",
      security: noSecurity,
      responses: { 200: { description: "The page", content: { "text/html": { schema: z.string() } } } },
    },
    { ignoresQuery: true },
  ),
  async (c) => {
    // Scalar's script is served from our own assets (scripts/copy-assets.mjs), not a CDN: /docs works
    // offline. A fresh nonce per answer: only the scripts Scalar writes into this page may run.
    const nonce = base64(crypto.getRandomValues(new Uint8Array(16)));
    const res = await Scalar<AppEnv>({
      url: "/openapi.json",
      pageTitle: "Services Publics + — API",
      cdn: "/vendor/scalar/standalone.js",
      nonce,
      // Offline and self-contained: the system fonts instead of Scalar's web fonts (fetched from its CDN),
      // and none of the buttons that lead to Scalar's hosted services (« Ask AI », « Generate SDK »,
      // « Deploy » in the developer tools, MCP), nor its telemetry.
      withDefaultFonts: false,
      agent: { disabled: true },
      mcp: { disabled: true },
      showDeveloperTools: "never",
      telemetry: false,
      favicon: "/favicon.ico",
    })(c, async () => {});
    if (!res) throw new Error("Scalar rendered nothing");
    // The reference is in English (the API's descriptions are), which Scalar's page does not declare.
    const html = (await res.text()).replace(/^<!doctype html>\s*<html>/i, '<!doctype html>\n<html lang="en">');
    return c.body(html, 200, {
      "Content-Type": "text/html; charset=utf-8",
      "Content-Security-Policy": docsCsp(nonce),
    }) as never;
  },
);

app.notFound((c) => {
  // A known path asked with a method it does not serve: 405 naming the ones it does (RFC 9110 §15.5.6).
  const allow = allowedMethods(app.routes, c.req.path);
  if (allow.length > 0) {
    throw new ApiError(
      "method-not-allowed",
      `${c.req.path} does not answer ${c.req.method}; it answers ${allow.join(", ")}`,
      {
        headers: { Allow: allow.join(", ") },
      },
    );
  }
  throw new ApiError("not-found", `No route for ${c.req.method} ${c.req.path}`);
});

app.onError((err, c) => {
  let problem = asApiError(err);
  const outage = problem ? null : asOutage(err);
  if (outage) {
    // Loud: every refused write of an outage is a line (the sender retries; nothing was recorded).
    log.error("D1 unavailable: request refused with 503", { path: c.req.path, ...loggableError(err) });
    problem = outage;
  }
  if (!problem) {
    // Log the error, never the request: headers carry keys and bodies carry signatures; and never a
    // query's bound values (see loggableError).
    log.error("unhandled error", { path: c.req.path, ...loggableError(err) });
    problem = new ApiError("internal", "An unexpected error occurred; it has been logged");
  }
  const body = toProblem(problem, { base: c.env.PUBLIC_BASE_URL, instance: c.req.path });
  return c.body(JSON.stringify(body), problem.status, {
    "Content-Type": "application/problem+json",
    ...problem.headers,
  });
});

export default app;
