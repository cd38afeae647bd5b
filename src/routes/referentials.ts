import { z } from "@hono/zod-openapi";
import { Referential, ReferentialCreate, ReferentialUpdate, VersionParam } from "../contract/label-schemas";
import { getDb } from "../db/client";
import {
  activateReferential,
  createReferential,
  getReferential,
  listReferentials,
  updateReferential,
} from "../db/referentials";
import { requireRole } from "../lib/auth";
import { afterKey, nextCursor } from "../lib/cursor";
import { router } from "../lib/router";
import { adminSecurity, apiRoute, headers, json, jsonBody, PageQuery, page, pick } from "./openapi-common";

export const referentialsRouter = router();
referentialsRouter.use("*", requireRole("admin"));

referentialsRouter.openapi(
  apiRoute({
    method: "post",
    path: "/",
    operationId: "createReferential",
    tags: ["referentials"],
    summary: "Create a référentiel version",
    description:
      "Adds a version of the rules (engagements, audit scoring, survey rules, tier thresholds, validity). " +
      "It is inactive until activated, and editable until a decision uses it.",
    security: adminSecurity,
    request: { body: jsonBody(ReferentialCreate) },
    responses: { 201: { ...json(Referential, "Created"), headers: headers.location("version") }, ...pick(409) },
  }),
  async (c) => {
    const r = await createReferential(getDb(c.env.DB), c.req.valid("json"));
    return c.json(r, 201, { Location: `/v1/referentials/${encodeURIComponent(r.version)}` });
  },
);

referentialsRouter.openapi(
  apiRoute({
    method: "get",
    path: "/",
    operationId: "listReferentials",
    tags: ["referentials"],
    summary: "List référentiel versions",
    description: "Every version with its rules, which one is active and whether a decision used it.",
    security: adminSecurity,
    request: { query: z.object(PageQuery) },
    responses: { 200: json(page(Referential, "ReferentialPage"), "A page of versions") },
  }),
  async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const { items, next } = await listReferentials(getDb(c.env.DB), limit, afterKey(cursor));
    return c.json({ items, nextCursor: nextCursor(next) }, 200);
  },
);

referentialsRouter.openapi(
  apiRoute({
    method: "get",
    path: "/{version}",
    operationId: "getReferential",
    tags: ["referentials"],
    summary: "Read a référentiel version",
    description: "Its rules (engagements, audit scoring, survey rules, tier thresholds, validity) and state.",
    security: adminSecurity,
    request: { params: VersionParam },
    responses: { 200: json(Referential, "The version"), ...pick(404) },
  }),
  async (c) => c.json(await getReferential(getDb(c.env.DB), c.req.valid("param").version), 200),
);

referentialsRouter.openapi(
  apiRoute({
    method: "put",
    path: "/{version}",
    operationId: "replaceReferential",
    tags: ["referentials"],
    summary: "Replace an unused référentiel version",
    description:
      "E.g. to fill in engagement 8's wording. Once a decision has used the version it is immutable (409): " +
      "create a new version instead.",
    security: adminSecurity,
    request: { params: VersionParam, body: jsonBody(ReferentialUpdate) },
    responses: { 200: json(Referential, "The version"), ...pick(404, 409) },
  }),
  async (c) => c.json(await updateReferential(getDb(c.env.DB), c.req.valid("param").version, c.req.valid("json")), 200),
);

referentialsRouter.openapi(
  apiRoute({
    method: "post",
    path: "/{version}/activate",
    operationId: "activateReferential",
    tags: ["referentials"],
    summary: "Make this version the active one",
    description: "Evaluations and new decisions use the active version; the previously active one is deactivated.",
    security: adminSecurity,
    request: { params: VersionParam },
    responses: { 200: json(Referential, "The now active version"), ...pick(404) },
  }),
  async (c) => c.json(await activateReferential(getDb(c.env.DB), c.req.valid("param").version), 200),
);
