import { z } from "@hono/zod-openapi";
import { Label, LabelEvent, LabelNumberParam, StatusChangeBody } from "../contract/label-schemas";
import { type Db, getDb } from "../db/client";
import { getLabel, listLabelEvents } from "../db/labels";
import type { LabelAction } from "../domain/label-lifecycle";
import { assertMayRead, type Principal, requireRole } from "../lib/auth";
import { router } from "../lib/router";
import { changeLabelStatus } from "../services/change-label-status";
import { depsOf } from "../services/deps";
import { adminSecurity, apiRoute, json, jsonBody, pick } from "./openapi-common";

export const labelsRouter = router();
// Reads: admins, and certification bodies for the labels of their own structures (checked in each
// handler). Changes: admins (bodies change a label's status by signed webhook).
const readers = requireRole("admin", "certifier");
const admins = requireRole("admin");
labelsRouter.use("*", (c, next) => (c.req.method === "GET" ? readers : admins)(c, next));

const readableLabel = async (db: Db, principal: Principal, number: string) => {
  const label = await getLabel(db, number);
  await assertMayRead(db, principal, label.structureCode);
  return label;
};

labelsRouter.openapi(
  apiRoute({
    method: "get",
    path: "/{number}",
    operationId: "getLabel",
    tags: ["labels"],
    summary: "Read a label",
    description:
      "Its tier, status, dates, renewal chain and the decision that created it. For an admin, or the " +
      "certification body assigned to the label's structure.",
    security: adminSecurity,
    request: { params: LabelNumberParam },
    responses: { 200: json(Label, "The label"), ...pick(404) },
  }),
  async (c) => c.json(await readableLabel(getDb(c.env.DB), c.var.principal, c.req.valid("param").number), 200),
);

labelsRouter.openapi(
  apiRoute({
    method: "get",
    path: "/{number}/events",
    operationId: "listLabelEvents",
    tags: ["labels"],
    summary: "A label's history",
    description:
      "Every change (award, suspension, reinstatement, withdrawal, expiry, renewal) with actor, reason and date. " +
      "For an admin, or the certification body assigned to the label's structure.",
    security: adminSecurity,
    request: { params: LabelNumberParam },
    responses: {
      200: json(z.object({ items: z.array(LabelEvent) }).openapi("LabelEventList"), "Events, oldest first"),
      ...pick(404),
    },
  }),
  async (c) => {
    const db = getDb(c.env.DB);
    const { number } = c.req.valid("param");
    await readableLabel(db, c.var.principal, number);
    return c.json({ items: await listLabelEvents(db, number) }, 200);
  },
);

const actions: { path: string; action: LabelAction; operationId: string; summary: string }[] = [
  { path: "suspend", action: "suspend", operationId: "suspendLabel", summary: "Suspend a valid label (reversible)" },
  { path: "reinstate", action: "reinstate", operationId: "reinstateLabel", summary: "Reinstate a suspended label" },
  { path: "withdraw", action: "withdraw", operationId: "withdrawLabel", summary: "Withdraw a label (final)" },
];

for (const { path, action, operationId, summary } of actions) {
  labelsRouter.openapi(
    apiRoute({
      method: "post",
      path: `/{number}/${path}`,
      operationId,
      tags: ["labels"],
      summary,
      description:
        "Records the change as an event with the actor, its role, the reason and `effectiveOn` (default today in " +
        "France, never in the future). A transition the label's status does not allow answers 409. The public " +
        "answers (badge, JSON, page) follow at once here and, with a global purge configured, everywhere.",
      security: adminSecurity,
      request: { params: LabelNumberParam, body: jsonBody(StatusChangeBody) },
      responses: { 200: json(Label, "The label after the change"), ...pick(404, 409) },
    }),
    async (c) => {
      const { reason, effectiveOn } = c.req.valid("json");
      const label = await changeLabelStatus(depsOf(c), c.req.valid("param").number, action, {
        reason,
        effectiveOn,
        actor: c.var.principal.actor,
      });
      return c.json(label, 200);
    },
  );
}
