import { createRoute, z } from "@hono/zod-openapi";
import { getDb } from "../db/client";
import {
  activateReferential,
  createReferential,
  getReferential,
  listReferentials,
  updateReferential,
} from "../db/referentials";
import { requireRole } from "../lib/auth";
import { decodeCursor, encodeCursor } from "../lib/cursor";
import { router } from "../lib/router";
import { Referential, ReferentialCreate, ReferentialUpdate, VersionParam } from "./label-schemas";
import { adminSecurity, json, jsonBody, PageQuery, page, pick } from "./openapi-common";

export const referentialsRouter = router();
referentialsRouter.use("*", requireRole("admin"));

referentialsRouter.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags: ["referentials"],
    summary: "Create a référentiel version",
    description:
      "Adds a version of the rules (engagements, audit scoring, survey rules, tier thresholds, validity). " +
      "It is inactive until activated, and editable until a decision uses it.",
    security: adminSecurity,
    request: { body: jsonBody(ReferentialCreate) },
    responses: { 201: json(Referential, "Created"), ...pick(400, 401, 403, 409, 413, 415, 422) },
  }),
  async (c) => {
    const r = await createReferential(getDb(c.env.DB), c.req.valid("json"));
    return c.json(r, 201, { Location: `/v1/referentials/${encodeURIComponent(r.version)}` });
  },
);

referentialsRouter.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["referentials"],
    summary: "List référentiel versions",
    security: adminSecurity,
    request: { query: z.object(PageQuery) },
    responses: { 200: json(page(Referential, "ReferentialPage"), "A page of versions"), ...pick(400, 401, 403, 422) },
  }),
  async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const { items, next } = await listReferentials(
      getDb(c.env.DB),
      limit,
      cursor ? decodeCursor(cursor, 1)[0] : undefined,
    );
    return c.json({ items, nextCursor: next ? encodeCursor([next]) : null }, 200);
  },
);

referentialsRouter.openapi(
  createRoute({
    method: "get",
    path: "/{version}",
    tags: ["referentials"],
    summary: "Read a référentiel version",
    security: adminSecurity,
    request: { params: VersionParam },
    responses: { 200: json(Referential, "The version"), ...pick(401, 403, 404, 422) },
  }),
  async (c) => c.json(await getReferential(getDb(c.env.DB), c.req.valid("param").version), 200),
);

referentialsRouter.openapi(
  createRoute({
    method: "put",
    path: "/{version}",
    tags: ["referentials"],
    summary: "Replace an unused référentiel version",
    description:
      "E.g. to fill in engagement 8's wording. Once a decision has used the version it is immutable (409): " +
      "create a new version instead.",
    security: adminSecurity,
    request: { params: VersionParam, body: jsonBody(ReferentialUpdate) },
    responses: { 200: json(Referential, "The version"), ...pick(400, 401, 403, 404, 409, 413, 415, 422) },
  }),
  async (c) => c.json(await updateReferential(getDb(c.env.DB), c.req.valid("param").version, c.req.valid("json")), 200),
);

referentialsRouter.openapi(
  createRoute({
    method: "post",
    path: "/{version}/activate",
    tags: ["referentials"],
    summary: "Make this version the active one",
    description: "Evaluations and new decisions use the active version; the previously active one is deactivated.",
    security: adminSecurity,
    request: { params: VersionParam },
    responses: { 200: json(Referential, "The now active version"), ...pick(401, 403, 404, 422) },
  }),
  async (c) => c.json(await activateReferential(getDb(c.env.DB), c.req.valid("param").version), 200),
);
