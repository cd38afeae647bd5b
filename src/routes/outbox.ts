/**
 * The e-mail outbox, read-only: GET /v1/outbox for admins (what was queued, sent, skipped or
 * failed, and why), and /dev/outbox, a page to read the e-mails kept by the local transport.
 */
import { z } from "@hono/zod-openapi";
import { getDb } from "../db/client";
import { findOutboxEmail, listOutbox, retryEmail } from "../db/outbox";
import { OUTBOX_STATUSES } from "../db/schema";
import { esc } from "../email/templates";
import { config } from "../env";
import { requireRole } from "../lib/auth";
import { afterPair, nextCursor } from "../lib/cursor";
import { ApiError, notFound } from "../lib/errors";
import { log } from "../lib/log";
import { router } from "../lib/router";
import { adminSecurity, apiRoute, json, PageQuery, page, pick } from "./openapi-common";

const OutboxItem = z
  .object({
    id: z.string().openapi({ example: "eml_abcdefghijklmnop" }),
    kind: z.string().openapi({
      description: "`reminder-<days>` (renewal reminder, days before the last valid day) or `expiry`",
      example: "reminder-90",
    }),
    labelNumber: z.string().nullable().openapi({ example: "SPP-2026-000001" }),
    recipients: z.array(z.string()).openapi({ example: ["qualite@demo.example", "contact@oc.example"] }),
    subject: z.string(),
    status: z.enum(OUTBOX_STATUSES).openapi({
      description:
        "`pending` (waiting for its next attempt), `sending` (claimed by a delivery run), `sent`, " +
        "`failed` (permanent error or last attempt), `skipped` (superseded by a more urgent reminder, or the label " +
        "is no longer valid): never sent",
      example: "sent",
    }),
    attempts: z.number().int().openapi({ example: 1 }),
    nextAttemptAt: z.string().nullable().openapi({ example: "2026-11-27T03:15:00.000Z" }),
    lastError: z.string().nullable().openapi({ example: "Brevo HTTP 503: …" }),
    providerId: z
      .string()
      .nullable()
      .openapi({ description: "The transport's message id", example: "<…@smtp-relay.brevo.com>" }),
    transport: z.string().nullable().openapi({ example: "cloudflare" }),
    sentAt: z.string().nullable(),
    createdAt: z.string().openapi({ example: "2026-11-27T03:00:00.000Z" }),
    updatedAt: z.string(),
  })
  .openapi("OutboxEmail");

const OutboxEmailFull = OutboxItem.extend({ text: z.string(), html: z.string() }).openapi("OutboxEmailFull");

export const outboxRouter = router();
outboxRouter.use("*", requireRole("admin"));

outboxRouter.openapi(
  apiRoute({
    method: "get",
    path: "/",
    operationId: "listOutboxEmails",
    tags: ["outbox"],
    summary: "List e-mails of the outbox",
    description: "Newest first. Filter `status=failed` to see e-mails that will not be delivered.",
    security: adminSecurity,
    request: {
      query: z.object({
        status: z.enum(OUTBOX_STATUSES).optional(),
        kind: z.string().max(40).optional().openapi({ example: "expiry" }),
        labelNumber: z.string().max(64).optional(),
        ...PageQuery,
      }),
    },
    responses: { 200: json(page(OutboxItem, "OutboxPage"), "A page of e-mails") },
  }),
  async (c) => {
    const { cursor, ...q } = c.req.valid("query");
    const after = afterPair(cursor);
    const { items, next } = await listOutbox(getDb(c.env.DB), { ...q, after });
    return c.json({ items, nextCursor: nextCursor(next) }, 200);
  },
);

outboxRouter.openapi(
  apiRoute({
    method: "get",
    path: "/{id}",
    operationId: "getOutboxEmail",
    tags: ["outbox"],
    summary: "Read one e-mail, with its text and HTML",
    description: "The e-mail as rendered for its recipients, with its delivery attempts and last error.",
    security: adminSecurity,
    request: { params: z.object({ id: z.string().max(64).openapi({ example: "eml_abcdefghijklmnop" }) }) },
    responses: { 200: json(OutboxEmailFull, "The e-mail"), ...pick(404) },
  }),
  async (c) => {
    const id = c.req.valid("param").id;
    const e = await findOutboxEmail(getDb(c.env.DB), id);
    if (!e) throw notFound(`E-mail ${id}`);
    return c.json(e, 200);
  },
);

outboxRouter.openapi(
  apiRoute({
    method: "post",
    path: "/{id}/retry",
    operationId: "retryOutboxEmail",
    tags: ["outbox"],
    summary: "Send a failed e-mail again",
    description:
      "After the cause is fixed (transport configured, recipient corrected at the structure), puts a `failed` " +
      "e-mail back in the queue, due now: the next delivery run (every 10 minutes) sends it. Only `failed` " +
      "e-mails can be retried (409 otherwise).",
    security: adminSecurity,
    request: { params: z.object({ id: z.string().max(64).openapi({ example: "eml_abcdefghijklmnop" }) }) },
    responses: { 200: json(OutboxEmailFull, "The e-mail, pending again"), ...pick(404, 409) },
  }),
  async (c) => {
    const id = c.req.valid("param").id;
    const e = await retryEmail(getDb(c.env.DB), id);
    log.info("outbox retry", { id, actor: c.var.principal.actor });
    return c.json(e, 200);
  },
);

/**
 * Dev only: exists when DEV_OUTBOX=on and EMAIL_TRANSPORT=local, where no e-mail leaves the machine.
 * No credentials, so it can be opened in a browser; it shows contacts' addresses, hence off unless
 * configured (.dev.vars), and never with a real transport. The Host header decides nothing: any
 * client can send any Host.
 */
export const devOutboxRouter = router();
devOutboxRouter.use("*", async (c, next) => {
  const cfg = config(c.env);
  if (cfg.DEV_OUTBOX !== "on" || cfg.EMAIL_TRANSPORT !== "local") {
    throw new ApiError("not-found", `No route for GET ${c.req.path}`);
  }
  await next();
});

devOutboxRouter.get("/", async (c) => {
  const { items } = await listOutbox(getDb(c.env.DB), { limit: 200 });
  const rows = items
    .map(
      (e) =>
        `<tr><td>${esc(e.createdAt)}</td><td>${esc(e.status)}</td><td>${esc(e.kind)}</td><td>${esc(e.recipients.join(", "))}</td>` +
        `<td><a href="/dev/outbox/${encodeURIComponent(e.id)}">${esc(e.subject)}</a></td></tr>`,
    )
    .join("\n");
  return c.html(`<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Outbox (dev)</title></head>
<body style="font-family:sans-serif"><h1>Outbox — e-mails kept by the local transport</h1>
<p>The 200 newest e-mails. Nothing here was sent to anyone.</p>
<table><caption>E-mails</caption><thead><tr><th scope="col">Created</th><th scope="col">Status</th><th scope="col">Kind</th><th scope="col">To</th><th scope="col">Subject</th></tr></thead>
<tbody>${rows}</tbody></table></body></html>`);
});

devOutboxRouter.get("/:id", async (c) => {
  const e = await findOutboxEmail(getDb(c.env.DB), c.req.param("id"));
  if (!e) throw notFound(`E-mail ${c.req.param("id")}`);
  if (c.req.query("format") === "text") return c.text(e.text);
  return c.html(e.html);
});
