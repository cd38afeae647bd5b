import { createRoute, z } from "@hono/zod-openapi";
import { getDb } from "../db/client";
import { enforceRateLimit } from "../lib/rate-limit";
import { router } from "../lib/router";
import { WebhookEvent } from "../webhooks/events";
import { receiveDelivery } from "../webhooks/process";
import { json, pick } from "./openapi-common";

export const webhooksRouter = router();

// The body is not declared in `request`: it must stay raw until its signature is verified, so it
// is documented as a component instead of being validated (and answered 422) before authentication.
webhooksRouter.openAPIRegistry.register("WebhookEvent", WebhookEvent);

const Accepted = z
  .object({
    eventId: z.string().openapi({ description: "Id of the delivery in the inbox", example: "whe_abcdefghijklmnop" }),
    status: z.enum(["applied", "duplicate"]).openapi({
      description: "`duplicate`: the same auditRef/surveyRef with the same content was already stored; nothing changed",
    }),
    result: z
      .record(z.string(), z.unknown())
      .openapi({ example: { auditId: "aud_abcdefghijklmnop" }, description: "What the event created or matched" }),
  })
  .openapi("WebhookAccepted");

webhooksRouter.openapi(
  createRoute({
    method: "post",
    path: "/{certifierId}",
    tags: ["webhooks"],
    summary: "Receive a signed event from a certification body",
    description:
      "Standard Webhooks 1.0: headers `webhook-id`, `webhook-timestamp` (Unix seconds, ±5 min) and " +
      "`webhook-signature` (`v1,<base64 HMAC-SHA256 of id.timestamp.body>`, several space-separated " +
      "allowed), signed with the body's `whsec_` secret (after a rotation the previous one keeps working " +
      "during the grace period). Body: a `WebhookEvent` `{ type, timestamp, data }`. Every authenticated " +
      "delivery is stored; the same `webhook-id` again answers exactly what the first delivery answered " +
      "and applies nothing twice. Rejected deliveries (403/409/422) stay in the inbox and can be replayed.",
    request: {
      params: z.object({
        certifierId: z
          .string()
          .min(1)
          .max(64)
          .openapi({ param: { name: "certifierId", in: "path" }, example: "oc_abcdefghijklmnop" }),
      }),
    },
    responses: {
      200: json(Accepted, "Stored and applied (or a duplicate of stored content)"),
      ...pick(400, 401, 403, 409, 413, 422),
    },
  }),
  async (c) => {
    // Per body id, before any work: a flood (even unsigned) costs one limiter call per request.
    await enforceRateLimit(c.env.WEBHOOK_LIMITER, c.req.valid("param").certifierId);
    const body = await c.req.text();
    const answer = await receiveDelivery(
      { db: getDb(c.env.DB), problemBase: c.env.PUBLIC_BASE_URL },
      c.req.valid("param").certifierId,
      {
        "webhook-id": c.req.header("webhook-id"),
        "webhook-timestamp": c.req.header("webhook-timestamp"),
        "webhook-signature": c.req.header("webhook-signature"),
      },
      body,
    );
    // The stored answer, byte for byte (it may be a problem+json given again to a copy): already
    // serialised, so it cannot be typed against the declared schemas.
    return new Response(answer.body, { status: answer.status, headers: answer.headers }) as never;
  },
);
