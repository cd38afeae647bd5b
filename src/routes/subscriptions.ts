/**
 * Subscriptions to label events (admin): who receives signed notifications of which labels, where,
 * their signing secrets and their delivery log. The events themselves: docs/subscribers.md.
 */
import { z } from "@hono/zod-openapi";
import { CodeSp, Email, RotateSecret, StructureFields, Url } from "../contract/schemas";
import { getDb } from "../db/client";
import { DELIVERY_STATUSES, NOTIFICATION_TYPES } from "../db/schema";
import { cleanText } from "../domain/clean-text";
import { requireRole } from "../lib/auth";
import { afterKey, afterPair, nextCursor } from "../lib/cursor";
import { router } from "../lib/router";
import {
  createSubscription,
  getSubscription,
  listDeliveries,
  listSubscriptions,
  redeliver,
  rotateSubscriptionSecret,
  updateSubscription,
} from "../notifications/subscriptions";
import { depsOf } from "../services/deps";
import { adminSecurity, apiRoute, headers, json, jsonBody, PageQuery, page, pick } from "./openapi-common";

export const subscriptionsRouter = router();
subscriptionsRouter.use("*", requireRole("admin"));

const Watch = z
  .union([
    z.object({ structureCode: CodeSp }).strict(),
    z.object({ network: StructureFields.network }).strict(),
    z.object({ department: StructureFields.department }).strict(),
    z.object({ all: z.literal(true) }).strict(),
  ])
  .openapi("SubscriptionWatch", {
    description:
      "What is watched: one structure (`structureCode`, which must be registered; stored in the registry's " +
      "spelling), a whole network (`network`, as structures name it), a department (`department`) or " +
      "everything (`all: true`). Where the structure is when a label changes decides.",
    example: { network: "Préfectures" },
  });

const SubscriptionFields = {
  name: cleanText(200).openapi({ example: "Portail des services labellisés" }),
  contactEmail: Email.openapi({
    description: "Told by e-mail if the subscription is disabled after 3 days of failures",
  }),
  url: Url.openapi({
    description:
      "Where events are POSTed: `https://` on a public host name (no IP address, no local or private name, " +
      "no credentials). Redirects are not followed. Local development may allow `http://localhost`.",
    example: "https://portail.example/hooks/services-publics-plus",
  }),
  watch: Watch,
};

/** The body of `POST /v1/subscriptions`, also the back-office's form (src/admin/subscriptions.tsx). */
export const SubscriptionCreate = z.object(SubscriptionFields).strict().openapi("SubscriptionCreate");

const Subscription = z
  .object({
    id: z.string().openapi({ example: "sub_abcdefghijklmnop" }),
    name: z.string(),
    contactEmail: z.string(),
    url: z.string(),
    watch: Watch,
    status: z.enum(["active", "disabled"]).openapi({ example: "active" }),
    disabledReason: z.string().nullable().openapi({ example: null }),
    disabledAt: z.string().nullable(),
    failingSince: z
      .string()
      .nullable()
      .openapi({ description: "First failure since the last successful delivery; disabled 3 days after it" }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Subscription");

const SubscriptionWithSecret = Subscription.extend({
  secret: z.string().openapi({
    description: "Standard Webhooks secret the events are signed with, shown this once",
    example: "whsec_…",
  }),
}).openapi("SubscriptionWithSecret");

const Delivery = z
  .object({
    id: z.string().openapi({ example: "dlv_0a1b2c3d4e5f60718293" }),
    webhookId: z.string().openapi({
      description: "The event's `webhook-id` header: the same on every attempt and for every subscriber",
      example: "ntf_lev_abcdefghijklmnop",
    }),
    type: z.enum(NOTIFICATION_TYPES).openapi({ example: "label.suspended" }),
    labelNumber: z.string().openapi({ example: "SPP-2026-000001" }),
    status: z.enum(DELIVERY_STATUSES).openapi({
      description:
        "`pending` (to be queued), `queued` (in the queue, or waiting for its next try), `delivered` (a 2xx " +
        "answer), `failed` (3 days of retries ran out, the subscription was disabled, or dead-lettered)",
      example: "delivered",
    }),
    attempts: z.number().int(),
    lastStatus: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "HTTP status of the last attempt; null: no answer" }),
    lastError: z.string().nullable().openapi({ example: "HTTP 503" }),
    lastResponse: z.string().nullable().openapi({ description: "At most the first 1 KiB of the last answer's body" }),
    nextAttemptAt: z.string().nullable(),
    retryUntil: z.string().openapi({ description: "Retries stop after this instant" }),
    createdAt: z.string(),
    deliveredAt: z.string().nullable(),
  })
  .openapi("Delivery");

const IdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "sub_abcdefghijklmnop" }),
});

subscriptionsRouter.openapi(
  apiRoute({
    method: "post",
    path: "/",
    operationId: "createSubscription",
    tags: ["subscriptions"],
    summary: "Subscribe to label events",
    description:
      "Registers an endpoint that receives signed notifications (Standard Webhooks) of the labels watched: " +
      "`label.awarded`, `label.renewed`, `label.suspended`, `label.reinstated`, `label.withdrawn`, " +
      "`label.expired`, `label.expiring`. The answer carries the signing `secret`, shown this once. An " +
      "endpoint the registry must not call answers 422 at `url`.",
    security: adminSecurity,
    request: { body: jsonBody(SubscriptionCreate) },
    responses: { 201: { ...json(SubscriptionWithSecret, "Created"), headers: headers.location("subscription") } },
  }),
  async (c) => {
    const body = await createSubscription(depsOf(c), c.req.valid("json"));
    return c.json(body, 201, { Location: `/v1/subscriptions/${body.id}`, "Cache-Control": "no-store" });
  },
);

subscriptionsRouter.openapi(
  apiRoute({
    method: "get",
    path: "/",
    operationId: "listSubscriptions",
    tags: ["subscriptions"],
    summary: "List subscriptions",
    description: "Every subscription, sorted by id, keyset-paginated; never their secrets.",
    security: adminSecurity,
    request: { query: z.object(PageQuery) },
    responses: { 200: json(page(Subscription, "SubscriptionPage"), "A page of subscriptions") },
  }),
  async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const { items, next } = await listSubscriptions(getDb(c.env.DB), limit, afterKey(cursor));
    return c.json({ items, nextCursor: nextCursor(next) }, 200);
  },
);

subscriptionsRouter.openapi(
  apiRoute({
    method: "get",
    path: "/{id}",
    operationId: "getSubscription",
    tags: ["subscriptions"],
    summary: "Read a subscription",
    description: "The subscription, its status and its current run of failures; never its secrets.",
    security: adminSecurity,
    request: { params: IdParam },
    responses: { 200: json(Subscription, "The subscription"), ...pick(404) },
  }),
  async (c) => c.json(await getSubscription(getDb(c.env.DB), c.req.valid("param").id), 200),
);

subscriptionsRouter.openapi(
  apiRoute({
    method: "patch",
    path: "/{id}",
    operationId: "updateSubscription",
    tags: ["subscriptions"],
    summary: "Update, disable or enable a subscription",
    description:
      'Fields not sent stay as they are. `"status": "disabled"` stops every delivery; `"active"` enables it ' +
      "again and forgets its run of failures (deliveries that failed meanwhile can be re-delivered).",
    security: adminSecurity,
    request: {
      params: IdParam,
      body: jsonBody(
        z
          .object({ ...SubscriptionFields, status: z.enum(["active", "disabled"]) })
          .partial()
          .strict()
          .refine((v) => Object.keys(v).length > 0, "Send at least one field to change")
          .openapi("SubscriptionPatch", { minProperties: 1 }),
      ),
    },
    responses: { 200: json(Subscription, "The updated subscription"), ...pick(404) },
  }),
  async (c) => c.json(await updateSubscription(depsOf(c), c.req.valid("param").id, c.req.valid("json")), 200),
);

subscriptionsRouter.openapi(
  apiRoute({
    method: "post",
    path: "/{id}/secrets",
    operationId: "rotateSubscriptionSecret",
    tags: ["subscriptions"],
    summary: "Rotate the signing secret",
    description:
      "Issues a new `whsec_` secret, shown once. Until `previousValidUntil` (grace period " +
      "`WEBHOOK_SECRET_GRACE_HOURS`), events carry one signature per secret, so the receiver verifies with " +
      'either. After a leak, send `{ "revokePrevious": true }`. The body is optional; the 201 has no `Location`.',
    security: adminSecurity,
    request: {
      params: IdParam,
      body: {
        required: false,
        content: {
          "application/json": {
            schema: RotateSecret,
          },
        },
      },
    },
    responses: {
      201: json(
        z
          .object({
            secret: z.string().openapi({ example: "whsec_…" }),
            previousValidUntil: z.string().openapi({ description: "When previous secrets stop signing" }),
          })
          .openapi("RotatedSubscriptionSecret"),
        "The new secret",
      ),
      ...pick(404),
    },
  }),
  async (c) => {
    const rotated = await rotateSubscriptionSecret(
      depsOf(c),
      c.req.valid("param").id,
      c.req.valid("json").revokePrevious,
    );
    return c.json(rotated, 201, { "Cache-Control": "no-store" });
  },
);

subscriptionsRouter.openapi(
  apiRoute({
    method: "get",
    path: "/{id}/deliveries",
    operationId: "listDeliveries",
    tags: ["subscriptions"],
    summary: "The delivery log of a subscription",
    description: "Newest first: each event, its status, attempts, last answer or error, and next try.",
    security: adminSecurity,
    request: {
      params: IdParam,
      query: z.object({ status: z.enum(DELIVERY_STATUSES).optional(), ...PageQuery }),
    },
    responses: { 200: json(page(Delivery, "DeliveryPage"), "A page of deliveries"), ...pick(404) },
  }),
  async (c) => {
    const { status, limit, cursor } = c.req.valid("query");
    const after = afterPair(cursor);
    const { items, next } = await listDeliveries(getDb(c.env.DB), c.req.valid("param").id, { status, limit, after });
    return c.json({ items, nextCursor: nextCursor(next) }, 200);
  },
);

subscriptionsRouter.openapi(
  apiRoute({
    method: "post",
    path: "/{id}/deliveries/{deliveryId}/redeliver",
    operationId: "redeliver",
    tags: ["subscriptions"],
    summary: "Deliver an event again",
    description:
      "Queues the event again — delivered or failed alike — with the same `webhook-id` and body, and 3 new " +
      "days of retries. A disabled subscription answers 409: enable it first.",
    security: adminSecurity,
    request: {
      params: IdParam.extend({
        deliveryId: z
          .string()
          .min(1)
          .max(64)
          .openapi({ param: { name: "deliveryId", in: "path" }, example: "dlv_0a1b2c3d4e5f60718293" }),
      }),
    },
    responses: { 202: json(Delivery, "Queued again"), ...pick(404, 409) },
  }),
  async (c) => {
    const { id, deliveryId } = c.req.valid("param");
    return c.json(await redeliver(depsOf(c), id, deliveryId), 202);
  },
);
