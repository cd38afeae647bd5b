import { z } from "@hono/zod-openapi";
import { getDb } from "../db/client";
import { getInboxRow, type InboxRow, listInbox } from "../db/inbox";
import { WEBHOOK_EVENT_STATUSES } from "../db/schema";
import { config } from "../env";
import { requireRole } from "../lib/auth";
import { afterPair, nextCursor } from "../lib/cursor";
import { router } from "../lib/router";
import { depsOf } from "../services/deps";
import { replayRejected } from "../webhooks/process";
import { adminSecurity, apiRoute, json, PageQuery, page, pick } from "./openapi-common";

export const webhookEventsRouter = router();
webhookEventsRouter.use("*", requireRole("admin"));

const Status = z.enum(WEBHOOK_EVENT_STATUSES).openapi({
  description:
    "`received` (being applied), `applied`, `duplicate` (same ref and content already stored) or `rejected` (replayable)",
  example: "rejected",
});

const fields = {
  id: z.string().openapi({ example: "whe_abcdefghijklmnop" }),
  certifierId: z.string().openapi({ example: "oc_abcdefghijklmnop" }),
  webhookId: z.string().openapi({ description: "The sender's `webhook-id`", example: "msg_2Lq0aZ" }),
  type: z.string().openapi({ description: "`type` of the body (`unknown` if unreadable)", example: "audit.completed" }),
  status: Status,
  error: z
    .string()
    .nullable()
    .openapi({ description: "Why it was rejected", example: "Structure X is not registered" }),
  responseStatus: z.number().int().nullable().openapi({ description: "HTTP status answered", example: 422 }),
  deliveries: z.number().int().openapi({ description: "Copies received with this webhook-id", example: 1 }),
  receivedAt: z.string().openapi({ example: "2026-11-27T09:00:00.000Z" }),
  payloadSize: z.number().int().nullable().openapi({ description: "Size of the whole body, in bytes", example: 812 }),
  payloadTruncated: z
    .boolean()
    .openapi({ description: "Only an excerpt of the body was kept (rejected, over 4 KiB): not replayable" }),
  appliedAt: z.string().nullable(),
  replayedBy: z
    .string()
    .nullable()
    .openapi({ description: "Who last replayed it (`admin:…` or `certifier:…`)", example: "admin:token" }),
  replayedAt: z.string().nullable().openapi({ description: "When it was last replayed" }),
};
const WebhookEventSummary = z.object(fields).openapi("WebhookEventSummary");
const WebhookEventDetail = z
  .object({
    ...fields,
    payload: z.string().openapi({
      description: "The body exactly as received; for a rejected delivery over 4 KiB, its first 4 KiB only",
    }),
    payloadSha256: z.string().nullable().openapi({ description: "SHA-256 (hex) of the whole body as received" }),
    responseBody: z.string().nullable().openapi({ description: "The body answered, given again to copies" }),
  })
  .openapi("WebhookEventDetail");

const summary = ({ payload: _p, payloadSha256: _h, responseBody: _r, ...rest }: InboxRow) => rest;

const IdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "whe_abcdefghijklmnop" }),
});

webhookEventsRouter.openapi(
  apiRoute({
    method: "get",
    path: "/",
    operationId: "listWebhookEvents",
    tags: ["webhooks"],
    summary: "List received webhook deliveries",
    description: "The inbox, newest first, keyset-paginated.",
    security: adminSecurity,
    request: {
      query: z.object({
        status: Status.optional(),
        type: z.string().max(100).optional().openapi({ example: "audit.completed" }),
        certifierId: z.string().max(64).optional(),
        ...PageQuery,
      }),
    },
    responses: {
      200: json(page(WebhookEventSummary, "WebhookEventPage"), "A page of deliveries"),
    },
  }),
  async (c) => {
    const { cursor, ...q } = c.req.valid("query");
    const after = afterPair(cursor);
    const { items, next } = await listInbox(getDb(c.env.DB), { ...q, after });
    return c.json({ items: items.map(summary), nextCursor: nextCursor(next) }, 200);
  },
);

webhookEventsRouter.openapi(
  apiRoute({
    method: "get",
    path: "/{id}",
    operationId: "getWebhookEvent",
    tags: ["webhooks"],
    summary: "Read one delivery, with its raw body and the answer given",
    description: "The body exactly as received, its status, and the answer given to it and to its copies.",
    security: adminSecurity,
    request: { params: IdParam },
    responses: { 200: json(WebhookEventDetail, "The delivery"), ...pick(404) },
  }),
  async (c) => c.json(await getInboxRow(getDb(c.env.DB), c.req.valid("param").id), 200),
);

webhookEventsRouter.openapi(
  apiRoute({
    method: "post",
    path: "/{id}/replay",
    operationId: "replayWebhookEvent",
    tags: ["webhooks"],
    summary: "Apply a rejected delivery again",
    description:
      "After the cause is fixed (structure registered or assigned, habilitation corrected), applies the " +
      "stored body again with the registry as it is now, judged on the day the delivery was received " +
      "(dates, habilitation period). The answer is the delivery as it now stands: `applied`, or " +
      "`rejected` again with the new `error`. Later copies of its webhook-id get the new answer. " +
      "Only `rejected` deliveries (or ones abandoned in `received`) can be replayed; a rejected delivery " +
      "kept as an excerpt (`payloadTruncated`: its body was over 4 KiB) cannot (409): the body must send " +
      "it again under a new `webhook-id`.",
    security: adminSecurity,
    request: { params: IdParam },
    responses: { 200: json(WebhookEventDetail, "The delivery after replay"), ...pick(404, 409) },
  }),
  async (c) => {
    const opts = { graceDays: config(c.env).HABILITATION_GRACE_DAYS, actor: c.var.principal.actor };
    return c.json(await replayRejected(depsOf(c), c.req.valid("param").id, opts), 200);
  },
);
