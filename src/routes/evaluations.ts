/** A structure's evaluation and the decisions taken on it (mounted under /v1/structures). */
import { z } from "@hono/zod-openapi";
import { Decision, DecisionCreate, DecisionResult, Evaluation } from "../contract/label-schemas";
import { CodeSp, Day } from "../contract/schemas";
import { getDb } from "../db/client";
import { evaluateStructure } from "../db/evaluations";
import { listDecisions } from "../db/labels";
import { parisDay } from "../domain/paris-time";
import { assertMayRead, requireRole } from "../lib/auth";
import { router } from "../lib/router";
import { depsOf } from "../services/deps";
import { recordDecision } from "../services/record-decision";
import { adminSecurity, apiRoute, headers, json, jsonBody, pick } from "./openapi-common";

export const evaluationsRouter = router();

const CodeParam = z.object({ code: CodeSp.openapi({ param: { name: "code", in: "path" } }) });

evaluationsRouter.openapi(
  apiRoute({
    method: "get",
    path: "/{code}/evaluation",
    operationId: "getEvaluation",
    tags: ["evaluations"],
    summary: "Evaluate a structure under the active référentiel",
    description:
      "Runs the tier engine on the latest audit and surveys dated on or before `on` (default today in France): the " +
      "proposed tier, every check (rule, expected, actual, passed) and what is missing or stale. " +
      "For an admin, or the certification body assigned to the structure.",
    security: adminSecurity,
    middleware: requireRole("admin", "certifier"),
    request: {
      params: CodeParam,
      query: z.object({
        on: Day.optional().openapi({ description: "Evaluate as of this day (default today, Europe/Paris)" }),
      }),
    },
    responses: { 200: json(Evaluation, "The evaluation"), ...pick(404) },
  }),
  async (c) => {
    const db = getDb(c.env.DB);
    const code = c.req.valid("param").code;
    await assertMayRead(db, c.var.principal, code);
    const { evaluation } = await evaluateStructure(db, code, c.req.valid("query").on ?? parisDay(new Date()));
    return c.json(evaluation, 200);
  },
);

evaluationsRouter.openapi(
  apiRoute({
    method: "post",
    path: "/{code}/decisions",
    operationId: "recordDecision",
    tags: ["evaluations"],
    summary: "Record a decision (admin equivalent of the label.decision webhook)",
    description:
      "`award` needs a complete evaluation as of `decidedOn`, and a `justification` when the tier differs from " +
      "the proposal; it creates the label `SPP-YYYY-NNNNNN`, superseding the structure's previous one. " +
      "`refuse` is recorded without a label. `decidedOn` may be in the past, never in the future.",
    security: adminSecurity,
    middleware: requireRole("admin"),
    request: { params: CodeParam, body: jsonBody(DecisionCreate) },
    responses: {
      201: {
        ...json(DecisionResult, "The decision, and the label an award created"),
        headers: headers.location("label an award created (a refusal: the structure's decisions)"),
      },
      ...pick(404, 409),
    },
  }),
  async (c) => {
    const code = c.req.valid("param").code;
    const result = await recordDecision(
      depsOf(c),
      { ...c.req.valid("json"), structureCode: code, source: "admin" },
      c.var.principal.actor,
    );
    const location = result.label ? `/v1/labels/${result.label.number}` : `/v1/structures/${code}/decisions`;
    return c.json(result, 201, { Location: location });
  },
);

evaluationsRouter.openapi(
  apiRoute({
    method: "get",
    path: "/{code}/decisions",
    operationId: "listDecisions",
    tags: ["evaluations"],
    summary: "List the decisions taken on a structure",
    description:
      "Awards and refusals, by an admin or by the body's `label.decision` webhook, oldest first, each with its " +
      "evaluation and, for an award, `labelNumber`. For an admin, or the certification body assigned to the structure.",
    security: adminSecurity,
    middleware: requireRole("admin", "certifier"),
    request: { params: CodeParam },
    responses: { 200: json(z.object({ items: z.array(Decision) }).openapi("DecisionList"), "Decisions, oldest first") },
  }),
  async (c) => {
    const db = getDb(c.env.DB);
    const { code } = c.req.valid("param");
    await assertMayRead(db, c.var.principal, code);
    return c.json({ items: await listDecisions(db, code) }, 200);
  },
);
