import { z } from "@hono/zod-openapi";
import { ApiKey, ApiKeyCreate } from "../contract/schemas";
import { createApiKey, getApiKey, listApiKeys, revokeApiKey } from "../db/certifiers";
import { getDb } from "../db/client";
import { requireRole } from "../lib/auth";
import { afterKey, nextCursor } from "../lib/cursor";
import { router } from "../lib/router";
import { adminSecurity, apiRoute, headers, json, jsonBody, PageQuery, page, pick } from "./openapi-common";

export const apiKeysRouter = router();
apiKeysRouter.use("*", requireRole("admin"));

const IdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "key_abcdefghijklmnop" }),
});

apiKeysRouter.openapi(
  apiRoute({
    method: "post",
    path: "/",
    operationId: "createApiKey",
    tags: ["api-keys"],
    summary: "Create an API key",
    description:
      "An admin key, or another key for a certification body. The key is in the answer once; only its SHA-256 is kept.",
    security: adminSecurity,
    request: {
      body: jsonBody(ApiKeyCreate),
    },
    responses: {
      201: {
        ...json(
          ApiKey.extend({ apiKey: z.string().openapi({ example: "spp_…" }) }).openapi("ApiKeyWithSecret"),
          "Created",
        ),
        headers: headers.location("key's metadata"),
      },
      ...pick(404),
    },
  }),
  async (c) => {
    const key = await createApiKey(getDb(c.env.DB), c.req.valid("json"));
    return c.json(key, 201, { Location: `/v1/api-keys/${key.id}`, "Cache-Control": "no-store" });
  },
);

apiKeysRouter.openapi(
  apiRoute({
    method: "get",
    path: "/",
    operationId: "listApiKeys",
    tags: ["api-keys"],
    summary: "List API keys (never the keys themselves)",
    description: "Metadata of every key, revoked ones included, keyset-paginated.",
    security: adminSecurity,
    request: { query: z.object(PageQuery) },
    responses: { 200: json(page(ApiKey, "ApiKeyPage"), "A page of keys") },
  }),
  async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const { items, next } = await listApiKeys(getDb(c.env.DB), limit, afterKey(cursor));
    return c.json({ items, nextCursor: nextCursor(next) }, 200);
  },
);

apiKeysRouter.openapi(
  apiRoute({
    method: "get",
    path: "/{id}",
    operationId: "getApiKey",
    tags: ["api-keys"],
    summary: "Read an API key's metadata",
    description: "Role, body, name, prefix and dates; the key itself is never shown again.",
    security: adminSecurity,
    request: { params: IdParam },
    responses: { 200: json(ApiKey, "The key's metadata"), ...pick(404) },
  }),
  async (c) => c.json(await getApiKey(getDb(c.env.DB), c.req.valid("param").id), 200),
);

apiKeysRouter.openapi(
  apiRoute({
    method: "post",
    path: "/{id}/revoke",
    operationId: "revokeApiKey",
    tags: ["api-keys"],
    summary: "Revoke an API key",
    description: "Takes effect at once. Revoking twice is harmless.",
    security: adminSecurity,
    request: { params: IdParam },
    responses: { 200: json(ApiKey, "The revoked key"), ...pick(404) },
  }),
  async (c) => c.json(await revokeApiKey(getDb(c.env.DB), c.req.valid("param").id), 200),
);
