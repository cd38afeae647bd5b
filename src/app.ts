/**
 * The Hono app: cross-cutting middleware, one error handler, one router per resource, and the
 * OpenAPI document generated from the routes themselves.
 */

import { Scalar } from "@scalar/hono-api-reference";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "./app-env";
import { base64 } from "./lib/crypto";
import { ApiError, asApiError, toProblem } from "./lib/errors";
import { loggableError } from "./lib/log";
import { router } from "./lib/router";
import { docsCsp, withHtmlSecurityHeaders } from "./lib/security-headers";
import { apiKeysRouter } from "./routes/api-keys";
import { badgeRouter } from "./routes/badge";
import { certifiersRouter } from "./routes/certifiers";
import { evaluationsRouter } from "./routes/evaluations";
import { healthRouter } from "./routes/health";
import { labelsRouter } from "./routes/labels";
import { devOutboxRouter, outboxRouter } from "./routes/outbox";
import { pagesRouter } from "./routes/pages";
import { publicRouter } from "./routes/public";
import { referentialsRouter } from "./routes/referentials";
import { structuresRouter } from "./routes/structures";
import { verifyRouter } from "./routes/verify";
import { webhookEventsRouter } from "./routes/webhook-events";
import { webhooksRouter } from "./routes/webhooks";

export const MAX_BODY_BYTES = 1024 * 1024;

const app = router();

app.use(
  "*",
  bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new ApiError("payload-too-large", `The body is larger than ${MAX_BODY_BYTES} bytes`);
    },
  }),
);

// Every HTML answer (verification page, /docs, dev outbox) leaves with the strict security headers.
app.use("*", async (c, next) => {
  await next();
  c.res = withHtmlSecurityHeaders(c.res);
});

// Without this a JSON body sent with another content type would validate as `{}` and a PATCH
// would silently change nothing; webhooks read the raw body themselves and are exempt.
app.use("/v1/*", async (c, next) => {
  const m = c.req.method;
  if ((m === "POST" || m === "PUT" || m === "PATCH") && !c.req.path.startsWith("/v1/webhooks/")) {
    const type = c.req.header("Content-Type") ?? "";
    const hasBody = c.req.header("Content-Length") !== "0" && c.req.raw.body !== null;
    if (hasBody && !/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
      throw new ApiError("unsupported-media-type", "Send the body as `Content-Type: application/json`");
    }
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
app.route("/", badgeRouter);
app.route("/", verifyRouter);
app.route("/", pagesRouter);
app.route("/v1/outbox", outboxRouter);
app.route("/dev/outbox", devOutboxRouter);

app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
  type: "http",
  scheme: "bearer",
  description: "`ADMIN_TOKEN`, an admin API key, or a certification body's API key.",
});

app.doc31("/openapi.json", (c) => ({
  openapi: "3.1.0",
  info: {
    title: "Registre du label « Services Publics + »",
    version: "1.0.0",
    description:
      "System of record for the French public-service quality label « Services Publics + »: structures, " +
      "certification bodies, audits and surveys received by signed webhooks, tiers computed from a " +
      "versioned référentiel, and public verification. Errors are RFC 9457 `application/problem+json`.",
  },
  servers: [{ url: new URL(c.req.url).origin }],
}));

app.get("/docs", async (c) => {
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
  });
});

app.notFound((c) => {
  throw new ApiError("not-found", `No route for ${c.req.method} ${c.req.path}`);
});

app.onError((err, c) => {
  let problem = asApiError(err);
  if (!problem && err instanceof HTTPException && err.status < 500) {
    // Hono's own 4xx (e.g. malformed JSON from the validator) keep their status and message.
    const code = err.status === 400 ? "bad-request" : err.status === 401 ? "unauthorized" : "bad-request";
    problem = new ApiError(code, err.message || "Bad request");
  } else if (!problem) {
    // Log the error, never the request: headers carry keys and bodies carry signatures; and never a
    // query's bound values (see loggableError).
    console.error(JSON.stringify({ msg: "unhandled error", path: c.req.path, ...loggableError(err) }));
    problem = new ApiError("internal", "An unexpected error occurred; it has been logged");
  }
  const body = toProblem(problem, c.req.path);
  return c.body(JSON.stringify(body), problem.status, {
    "Content-Type": "application/problem+json",
    ...problem.headers,
  });
});

export default app;
