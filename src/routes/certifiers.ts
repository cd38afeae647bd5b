import { z } from "@hono/zod-openapi";
import { Certifier, CertifierCreate, CertifierPatch, CertifierWithSecrets, RotateSecret } from "../contract/schemas";
import { createCertifier, getCertifier, listCertifiers, rotateWebhookSecret } from "../db/certifiers";
import { getDb } from "../db/client";
import { config } from "../env";
import { requireRole } from "../lib/auth";
import { afterKey, nextCursor } from "../lib/cursor";
import { router } from "../lib/router";
import { updateCertifier } from "../services/certifiers";
import { depsOf } from "../services/deps";
import { adminSecurity, apiRoute, headers, json, jsonBody, PageQuery, page, pick } from "./openapi-common";

export const certifiersRouter = router();
certifiersRouter.use("*", requireRole("admin"));

const IdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "oc_abcdefghijklmnop" }),
});

certifiersRouter.openapi(
  apiRoute({
    method: "post",
    path: "/",
    operationId: "createCertifier",
    tags: ["certifiers"],
    summary: "Register a certification body",
    description:
      "Registers a habilitated body. The answer carries its API key and its webhook signing secret, " +
      "shown this once. Habilitation dates may lie in the past, to record history.",
    security: adminSecurity,
    request: { body: jsonBody(CertifierCreate) },
    responses: { 201: { ...json(CertifierWithSecrets, "Created"), headers: headers.location("certification body") } },
  }),
  async (c) => {
    const body = await createCertifier(getDb(c.env.DB), c.req.valid("json"));
    return c.json(body, 201, { Location: `/v1/certifiers/${body.id}`, "Cache-Control": "no-store" });
  },
);

certifiersRouter.openapi(
  apiRoute({
    method: "get",
    path: "/",
    operationId: "listCertifiers",
    tags: ["certifiers"],
    summary: "List certification bodies",
    description: "Every registered body with its habilitation, sorted by id, keyset-paginated.",
    security: adminSecurity,
    request: { query: z.object(PageQuery) },
    responses: { 200: json(page(Certifier, "CertifierPage"), "A page of bodies") },
  }),
  async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const { items, next } = await listCertifiers(getDb(c.env.DB), limit, afterKey(cursor));
    return c.json({ items, nextCursor: nextCursor(next) }, 200);
  },
);

certifiersRouter.openapi(
  apiRoute({
    method: "get",
    path: "/{id}",
    operationId: "getCertifier",
    tags: ["certifiers"],
    summary: "Read a certification body",
    description: "The body and its habilitation; never its API keys nor its webhook secrets.",
    security: adminSecurity,
    request: { params: IdParam },
    responses: { 200: json(Certifier, "The body"), ...pick(404) },
  }),
  async (c) => c.json(await getCertifier(getDb(c.env.DB), c.req.valid("param").id), 200),
);

certifiersRouter.openapi(
  apiRoute({
    method: "patch",
    path: "/{id}",
    operationId: "updateCertifier",
    tags: ["certifiers"],
    summary: "Update a certification body",
    description: "E.g. extend or suspend its habilitation. Fields not sent stay as they are.",
    security: adminSecurity,
    request: { params: IdParam, body: jsonBody(CertifierPatch) },
    responses: { 200: json(Certifier, "The updated body"), ...pick(404) },
  }),
  async (c) => c.json(await updateCertifier(depsOf(c), c.req.valid("param").id, c.req.valid("json")), 200),
);

certifiersRouter.openapi(
  apiRoute({
    method: "post",
    path: "/{id}/webhook-secrets",
    operationId: "rotateWebhookSecret",
    tags: ["certifiers"],
    summary: "Rotate the webhook signing secret",
    description:
      "Issues a new `whsec_` secret, shown once. The previous one keeps verifying deliveries until " +
      "`previousValidUntil` (grace period `WEBHOOK_SECRET_GRACE_HOURS`, 24 h by default). After a leak, " +
      'send `{ "revokePrevious": true }`: every previous secret stops verifying at once. The body is optional. ' +
      "A secret has no URL of its own: the 201 carries no `Location`.",
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
            webhookSecret: z.string().openapi({ example: "whsec_…" }),
            previousValidUntil: z
              .string()
              .openapi({ description: "When previous secrets stop verifying (now, with revokePrevious)" }),
          })
          .openapi("RotatedSecret"),
        "The new secret",
      ),
      ...pick(404),
    },
  }),
  async (c) => {
    const rotated = await rotateWebhookSecret(getDb(c.env.DB), c.req.valid("param").id, {
      graceHours: config(c.env).WEBHOOK_SECRET_GRACE_HOURS,
      // Without a JSON body the validator hands `{}`.
      revokePrevious: c.req.valid("json").revokePrevious,
    });
    return c.json(rotated, 201, { "Cache-Control": "no-store" });
  },
);
