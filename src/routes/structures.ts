import { z } from "@hono/zod-openapi";
import { Assignment, CodeSp, Structure, StructureCreate, StructurePatch } from "../contract/schemas";
import { getDb } from "../db/client";
import { findStructures, getStructure } from "../db/structures";
import { CATEGORIES } from "../domain/identifiers";
import { requireRole } from "../lib/auth";
import { router } from "../lib/router";
import { depsOf } from "../services/deps";
import { assignStructure, createStructure, updateStructure } from "../services/structures";
import { adminSecurity, apiRoute, headers, json, jsonBody, PageQuery, page, pick } from "./openapi-common";

export const structuresRouter = router();
// Per-route, not router-wide: other routers mounted under /v1/structures (evaluations) admit certifiers too.
const adminOnly = requireRole("admin");

const CodeParam = z.object({ code: CodeSp.openapi({ param: { name: "code", in: "path" } }) });

structuresRouter.openapi(
  apiRoute({
    method: "post",
    path: "/",
    operationId: "createStructure",
    tags: ["structures"],
    summary: "Register a structure",
    description: "Registers a public service under its Code SP+. Contacts are kept private.",
    security: adminSecurity,
    middleware: adminOnly,
    request: { body: jsonBody(StructureCreate) },
    responses: {
      201: { ...json(Structure, "Created"), headers: headers.location("structure") },
      ...pick(409),
    },
  }),
  async (c) => {
    const s = await createStructure(depsOf(c), c.req.valid("json"));
    return c.json(s, 201, { Location: `/v1/structures/${encodeURIComponent(s.code)}` });
  },
);

structuresRouter.openapi(
  apiRoute({
    method: "get",
    path: "/",
    operationId: "listStructures",
    tags: ["structures"],
    summary: "Search structures",
    description:
      "Sorted by Code SP+, keyset-paginated. With `q`: ranked instead — Code SP+ starting with `q`, then names " +
      "starting with `q`, then the other structures holding every word of `q` in their code, name, town, network " +
      "or typology (case and accents ignored; words of 3 characters or more are found anywhere in the text, " +
      "shorter ones only as the start of a code or name). The cursor of a `q` page only continues that `q`.",
    security: adminSecurity,
    middleware: adminOnly,
    request: {
      query: z.object({
        q: z.string().trim().min(1).max(200).optional().openapi({ example: "évry" }),
        network: z.string().max(200).optional().openapi({ example: "Préfectures" }),
        department: z.string().max(3).optional().openapi({ description: "INSEE department code", example: "13" }),
        category: z.enum(CATEGORIES).optional(),
        ...PageQuery,
      }),
    },
    responses: { 200: json(page(Structure, "StructurePage"), "A page of structures") },
  }),
  async (c) => {
    return c.json(await findStructures(getDb(c.env.DB), c.req.valid("query")), 200);
  },
);

structuresRouter.openapi(
  apiRoute({
    method: "get",
    path: "/{code}",
    operationId: "getStructure",
    tags: ["structures"],
    summary: "Read a structure",
    description: "The structure with its contacts (never published) and its assigned certification body.",
    security: adminSecurity,
    middleware: adminOnly,
    request: { params: CodeParam },
    responses: { 200: json(Structure, "The structure"), ...pick(404) },
  }),
  async (c) => c.json(await getStructure(getDb(c.env.DB), c.req.valid("param").code), 200),
);

structuresRouter.openapi(
  apiRoute({
    method: "patch",
    path: "/{code}",
    operationId: "updateStructure",
    tags: ["structures"],
    summary: "Update a structure",
    description: "Changes the fields sent; `contacts`, when sent, replaces the whole list. The code never changes.",
    security: adminSecurity,
    middleware: adminOnly,
    request: { params: CodeParam, body: jsonBody(StructurePatch) },
    responses: { 200: json(Structure, "The updated structure"), ...pick(404) },
  }),
  async (c) => c.json(await updateStructure(depsOf(c), c.req.valid("param").code, c.req.valid("json")), 200),
);

structuresRouter.openapi(
  apiRoute({
    method: "put",
    path: "/{code}/certifier",
    operationId: "assignCertifier",
    tags: ["structures"],
    summary: "Assign the certification body",
    description:
      "Records which body the structure chose (under public procurement) and the contract reference. " +
      "The previous assignment stays in the history.",
    security: adminSecurity,
    middleware: adminOnly,
    request: {
      params: CodeParam,
      body: jsonBody(Assignment),
    },
    responses: { 200: json(Structure, "The structure with its body"), ...pick(404) },
  }),
  async (c) => {
    const { certifierId, contractRef } = c.req.valid("json");
    const s = await assignStructure(
      depsOf(c),
      c.req.valid("param").code,
      { certifierId, contractRef },
      c.var.principal.actor,
    );
    return c.json(s, 200);
  },
);
