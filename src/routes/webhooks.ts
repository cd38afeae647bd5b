import { createRoute, z } from "@hono/zod-openapi";
import { config } from "../env";
import { clientIp, enforceRateLimit } from "../lib/rate-limit";
import { router } from "../lib/router";
import { depsOf } from "../services/deps";
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
      "and applies nothing twice. A body acts on the day it sends (Europe/Paris): no date after that day " +
      "(422); a decision or status change needs the habilitation on that day, an audit or survey performed " +
      "while habilitated may arrive up to `HABILITATION_GRACE_DAYS` after it ended (403 otherwise). " +
      "Rejected deliveries (403/409/422) stay in the inbox, replayable; a rejected body over 4 KiB is kept " +
      "as an excerpt only and cannot be replayed. 429: over the body's quota (signed deliveries), or too " +
      "many authentication failures from this address or for this body.",
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
      ...pick(400, 401, 403, 409, 413, 422, 429),
    },
  }),
  async (c) => {
    const { certifierId } = c.req.valid("param");
    const body = await c.req.text();
    const answer = await receiveDelivery(
      depsOf(c),
      certifierId,
      {
        "webhook-id": c.req.header("webhook-id"),
        "webhook-timestamp": c.req.header("webhook-timestamp"),
        "webhook-signature": c.req.header("webhook-signature"),
      },
      body,
      {
        graceDays: config(c.env).HABILITATION_GRACE_DAYS,
        // Failures are counted apart, per client IP and per body id, so that an unsigned flood is
        // throttled without spending the body's quota, which counts only what the body signed.
        limits: {
          unauthenticated: () =>
            enforceRateLimit(c.env.WEBHOOK_AUTH_FAIL_LIMITER, `ip:${clientIp(c.req.raw)}`, `body:${certifierId}`),
          authenticated: () => enforceRateLimit(c.env.WEBHOOK_LIMITER, certifierId),
        },
      },
    );
    // The stored answer, byte for byte (it may be a problem+json given again to a copy): already
    // serialised, so it cannot be typed against the declared schemas.
    return new Response(answer.body, { status: answer.status, headers: answer.headers }) as never;
  },
);
