import { type OpenAPIHono, z } from "@hono/zod-openapi";
import { config } from "../env";
import { clientIp, enforceRateLimit } from "../lib/rate-limit";
import { router } from "../lib/router";
import { depsOf } from "../services/deps";
import { EVENT_TYPES, type EventType, WebhookEvent } from "../webhooks/events";
import { receiveDelivery } from "../webhooks/process";
import { apiRoute, headers, json, noSecurity, problem } from "./openapi-common";

export const webhooksRouter = router();

// The body is documented as a raw schema (a `$ref`, not a zod schema), so nothing validates it before
// its signature is verified: an unauthenticated caller gets 401 and learns nothing about the schema.
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

/** Standard Webhooks' three headers, documented (and checked by the handler, after storing nothing). */
const signatureHeaders = [
  {
    name: "webhook-id",
    in: "header" as const,
    required: true,
    description: "The message's unique id (at most 256 characters): the same id again is a retry of the same body",
    schema: { type: "string" as const, maxLength: 256 },
    example: "msg_2Lq0aZ",
  },
  {
    name: "webhook-timestamp",
    in: "header" as const,
    required: true,
    description: "Unix seconds when signed; refused outside ±5 minutes of the registry's clock",
    schema: { type: "string" as const, pattern: "^\\d{1,12}$" },
    example: "1773388800",
  },
  {
    name: "webhook-signature",
    in: "header" as const,
    required: true,
    description:
      "`v1,<base64 HMAC-SHA256 of id.timestamp.body>` with the body's `whsec_` secret; several space-separated " +
      "signatures are allowed (during a secret rotation)",
    schema: { type: "string" as const },
    example: "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=",
  },
];

/** What a delivery can be answered, for the receiver and for each event of the `webhooks` map. */
const deliveryResponses = {
  200: json(Accepted, "Stored and applied (or a duplicate of stored content)"),
  400: problem("`webhook-id` longer than 256 characters"),
  401: problem("Signature missing or wrong, or timestamp outside ±5 minutes (the same answer for an unknown body)"),
  403: problem(
    "The body is not habilitated on the day it sends (or, for results, when it performed them), or the " +
      "structure is not assigned to it, or the body may not lift this suspension",
  ),
  409: problem(
    "The `webhook-id` was already used for a different body; or a copy of this delivery is still being applied",
    headers.retryAfter(false),
  ),
  422: problem(
    "The body is not JSON, fails its event's schema, or names an unknown structure or label (kept, replayable); " +
      "or the URL has an unknown query parameter (refused before anything is read or stored)",
  ),
};

webhooksRouter.openapi(
  apiRoute(
    {
      method: "post",
      path: "/{certifierId}",
      operationId: "receiveWebhook",
      tags: ["webhooks"],
      summary: "Receive a signed event from a certification body",
      description:
        "Standard Webhooks 1.0: headers `webhook-id`, `webhook-timestamp` (Unix seconds, ±5 min) and " +
        "`webhook-signature` (`v1,<base64 HMAC-SHA256 of id.timestamp.body>`, several space-separated " +
        "allowed), signed with the body's `whsec_` secret (after a rotation the previous one keeps working " +
        "during the grace period, unless revoked). Body: a `WebhookEvent` `{ type, timestamp, data }` (each " +
        "type is in the document's `webhooks`), read raw and checked only after the signature. Every " +
        "authenticated delivery is stored; the same `webhook-id` again answers exactly what the first delivery " +
        "answered and applies nothing twice. A body acts on the day it sends (Europe/Paris): no date after " +
        "that day (422); a decision or status change needs the habilitation on that day, an audit or survey " +
        "performed while habilitated may arrive up to `HABILITATION_GRACE_DAYS` after it ended (403 " +
        "otherwise). Rejected deliveries (403/409/422) stay in the inbox, replayable; a rejected body over " +
        "4 KiB is kept as an excerpt only and cannot be replayed. 429: over the body's quota (signed " +
        "deliveries), or too many authentication failures from this address or for this body.",
      security: noSecurity,
      parameters: signatureHeaders,
      request: {
        params: z.object({
          certifierId: z
            .string()
            .min(1)
            .max(64)
            .openapi({ param: { name: "certifierId", in: "path" }, example: "oc_abcdefghijklmnop" }),
        }),
        body: {
          required: true,
          description: "The exact bytes that were signed",
          content: { "application/json": { schema: { $ref: "#/components/schemas/WebhookEvent" } } },
        },
      },
      responses: deliveryResponses,
    },
    { rateLimited: true },
  ),
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

/** One example per event type, shown in the document's `webhooks` (test/openapi.test.ts parses each). */
export const EVENT_EXAMPLES: { [T in EventType]: Extract<WebhookEvent, { type: T }> } = {
  "audit.completed": {
    type: "audit.completed",
    timestamp: "2026-03-13T08:00:00Z",
    data: {
      structureCode: "DEMO-PREF-01",
      auditRef: "AUD-2026-0042",
      kind: "initial",
      auditedOn: "2026-03-12",
      referentialVersion: "2023-illustratif",
      engagements: [1, 2, 3, 4, 5, 6, 7, 8].map((number) => ({ number, score: 82.5 })),
      criteria: [
        { id: "E1-C3", result: "conforme" },
        { id: "E4-C2", result: "partiel", blocking: true },
      ],
      reportUrl: "https://oc.example/rapports/AUD-2026-0042.pdf",
    },
  },
  "survey.users.completed": {
    type: "survey.users.completed",
    timestamp: "2026-03-13T08:00:00Z",
    data: {
      structureCode: "DEMO-PREF-01",
      surveyRef: "ENQ-U-2026-07",
      periodStart: "2026-01-01",
      periodEnd: "2026-02-28",
      invited: 1200,
      respondents: 431,
      satisfactionRate: 87.2,
      netSatisfaction: 41,
    },
  },
  "survey.agents.completed": {
    type: "survey.agents.completed",
    timestamp: "2026-03-13T08:00:00Z",
    data: {
      structureCode: "DEMO-PREF-01",
      surveyRef: "ENQ-A-2026-03",
      periodStart: "2026-01-15",
      periodEnd: "2026-02-15",
      population: 58,
      respondents: 44,
      score: 74,
    },
  },
  "label.decision": {
    type: "label.decision",
    timestamp: "2026-04-02T14:30:00Z",
    data: { structureCode: "DEMO-PREF-01", decision: "award", tier: "argent", decidedOn: "2026-04-02" },
  },
  "label.suspended": {
    type: "label.suspended",
    timestamp: "2026-06-01T09:00:00Z",
    data: { labelNumber: "SPP-2026-000001", reason: "Audit de suivi non réalisé", effectiveOn: "2026-06-01" },
  },
  "label.reinstated": {
    type: "label.reinstated",
    timestamp: "2026-07-01T09:00:00Z",
    data: { labelNumber: "SPP-2026-000001", reason: "Audit de suivi réalisé", effectiveOn: "2026-07-01" },
  },
  "label.withdrawn": {
    type: "label.withdrawn",
    timestamp: "2026-09-01T09:00:00Z",
    data: { labelNumber: "SPP-2026-000001", reason: "Non-conformité majeure confirmée", effectiveOn: "2026-09-01" },
  },
};

const EVENT_SUMMARIES: Record<EventType, string> = {
  "audit.completed": "An external audit was completed",
  "survey.users.completed": "An enquête usagers (user survey) was completed",
  "survey.agents.completed": "An enquête agents (agent survey) was completed",
  "label.decision": "The body decided to award or refuse the label",
  "label.suspended": "The body suspended a label",
  "label.reinstated": "The body reinstated a suspended label",
  "label.withdrawn": "The body withdrew a label (final)",
};

/** `audit.completed` → `auditCompletedEvent`. */
const operationIdOf = (type: string) => `${type.replace(/\.(\w)/g, (_, ch: string) => ch.toUpperCase())}Event`;

/**
 * Every event type in the document's top-level `webhooks` (OpenAPI 3.1), with its schema and an
 * example, so a tool can generate a sender or check one. Registered on the app's own registry: a
 * router's webhooks would be prefixed with its mount path.
 */
export function registerWebhookEvents(registry: OpenAPIHono["openAPIRegistry"]) {
  WebhookEvent.options.forEach((schema, i) => {
    const type = EVENT_TYPES[i]!;
    if (schema.shape.type.value !== type) throw new Error(`EVENT_TYPES is out of order at ${type}`);
    registry.registerWebhook({
      method: "post",
      path: type,
      operationId: operationIdOf(type),
      tags: ["webhooks"],
      summary: EVENT_SUMMARIES[type],
      description:
        `Sent by a certification body to \`POST /v1/webhooks/certifiers/{certifierId}\` with \`type: "${type}"\`, ` +
        "signed per Standard Webhooks (the three `webhook-*` headers). The registry answers as that operation does.",
      security: noSecurity,
      parameters: signatureHeaders,
      request: {
        body: {
          required: true,
          content: { "application/json": { schema, example: EVENT_EXAMPLES[type] } },
        },
      },
      responses: {
        ...deliveryResponses,
        413: problem("Body larger than 1 MiB"),
        429: problem("Too many deliveries from this body", headers.retryAfter()),
        500: problem("Unexpected error; retry with the same `webhook-id` and body"),
      },
    });
  });
}
