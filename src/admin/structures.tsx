/**
 * Structures, their labels and the decisions on them. Writes go through the API's verbs:
 * `createStructure`, `updateStructure`, `assignCertifier`, `recordDecision`, `changeLabelStatus`.
 */
import type { Hono } from "hono";
import { z } from "zod";
import { DecisionCreate, StatusChangeBody } from "../contract/label-schemas";
import { Assignment, StructureCreate, StructurePatch } from "../contract/schemas";
import { assignmentsOf, eventsOfStructure, labelsOfStructure, listCurrentLabels } from "../db/backoffice";
import { listCertifiers } from "../db/certifiers";
import { getDb } from "../db/client";
import { evaluateStructure } from "../db/evaluations";
import { getLabel, listDecisions } from "../db/labels";
import { LABEL_STATUSES } from "../db/schema";
import { findStructures, getStructure } from "../db/structures";
import { parisDay } from "../domain/badge";
import { conflict, DomainError } from "../domain/errors";
import { CATEGORIES } from "../domain/identifiers";
import { addDays } from "../domain/label-dates";
import { nextStatus, TRANSITIONS } from "../domain/label-lifecycle";
import { assertMayRead } from "../lib/auth";
import { afterPair, nextCursor } from "../lib/cursor";
import { ApiError } from "../lib/errors";
import {
  CONTACT_ROWS,
  LabelActionPage,
  LabelListPage,
  STRUCTURE_FIELDS,
  StructureFormPage,
  StructureListPage,
  StructurePage,
  structureValues,
} from "../pages/admin/structures";
import { changeLabelStatus } from "../services/change-label-status";
import { recordDecision } from "../services/record-decision";
import { assignStructure, createStructure, updateStructure } from "../services/structures";
import {
  type AdminContext,
  depsOf,
  type Form,
  forgiving,
  opt,
  page,
  parse,
  readForm,
  refusalOf,
  seeOther,
} from "./forms";
import { type AdminEnv, requireAdmin } from "./session";

const PAGE = 50;
/** Most contacts the form shows (the API takes up to 20). */
const MAX_CONTACT_ROWS = 20;

/** The API's search filters; a field left empty is no filter. */
const ListQuery = z.object({
  q: z.string().trim().max(200).optional(),
  network: z.string().trim().max(200).optional(),
  department: z.string().trim().max(3).optional(),
  category: z.enum(CATEGORIES).or(z.literal("")).optional(),
  cursor: z.string().max(512).optional(),
});

/** The form's fields as the API's structure body: empty fields not sent, contact rows gathered. */
function structureInput(f: Form, withCode: boolean) {
  const contacts: { email: string; name?: string; role?: string }[] = [];
  for (let n = 1; n <= MAX_CONTACT_ROWS; n++) {
    const [email, name, role] = [opt(f, `contact${n}_email`), opt(f, `contact${n}_name`), opt(f, `contact${n}_role`)];
    if (email || name || role)
      contacts.push({ email: email ?? "", ...(name ? { name } : {}), ...(role ? { role } : {}) });
  }
  const input: Record<string, unknown> = Object.fromEntries(
    STRUCTURE_FIELDS.map((k) => [k, opt(f, k)]).filter(([, v]) => v !== undefined),
  );
  if (withCode) input.code = opt(f, "code");
  for (const [k, clean] of [
    ["department", forgiving.department],
    ["siret", forgiving.digits],
    ["postcode", forgiving.postcode],
  ] as const) {
    if (k in input) input[k] = clean(input[k] as string);
  }
  // « oui » / « non »; anything else is passed on as is, for the schema to refuse it by name.
  const funded = opt(f, "auditFunded");
  if (funded !== undefined) input.auditFunded = funded === "oui" ? true : funded === "non" ? false : funded;
  return { ...input, contacts };
}

const contactRows = (v: Record<string, string>) => {
  let used = 0;
  for (let n = 1; n <= MAX_CONTACT_ROWS; n++) if (v[`contact${n}_email`]) used = n;
  return Math.min(MAX_CONTACT_ROWS, Math.max(CONTACT_ROWS, used + 1));
};

/** A label action from the path: only the three a person takes (expiry is the daily job's). */
const ActionParam = z.enum(["suspend", "reinstate", "withdraw"]);

export function structurePages(app: Hono<AdminEnv>) {
  app.get("/structures", async (c) => {
    const { cursor, ...q } = parse(ListQuery, c.req.query());
    const person = c.var.person;
    const { items, nextCursor } = await findStructures(getDb(c.env.DB), {
      q: q.q || undefined,
      network: q.network || undefined,
      department: forgiving.department(q.department || undefined),
      category: q.category || undefined,
      // A body's members see the structures assigned to it, and only those.
      certifierId: person.certifierId ?? undefined,
      limit: PAGE,
      cursor,
    });
    return page(c, <StructureListPage person={person} q={q} items={items} next={nextCursor} />);
  });

  // Not under /structures/: « new » is a valid Code SP+, whose page this would hide.
  app.get("/new-structure", requireAdmin, (c) =>
    page(c, <StructureFormPage person={c.var.person} values={{}} contactRows={CONTACT_ROWS} />),
  );

  app.post("/structures", requireAdmin, async (c) => {
    const f = await readForm(c);
    try {
      const s = await createStructure(depsOf(c), parse(StructureCreate, structureInput(f, true)));
      return seeOther(c, `/admin/structures/${encodeURIComponent(s.code)}`);
    } catch (err) {
      const refusal = refusalOf(err);
      if (!refusal) throw err;
      return page(
        c,
        <StructureFormPage person={c.var.person} values={f} refusal={refusal} contactRows={contactRows(f)} />,
        422,
      );
    }
  });

  app.get("/structures/:code", async (c) => {
    const code = c.req.param("code");
    const db = getDb(c.env.DB);
    const person = c.var.person;
    const s = await getStructure(db, code);
    await assertMayRead(db, person, s.code);
    const today = parisDay(new Date());
    const [{ evaluation }, decisions, labels, events, assignments, bodies] = await Promise.all([
      evaluateStructure(db, s.code, today),
      listDecisions(db, s.code),
      labelsOfStructure(db, s.code),
      eventsOfStructure(db, s.code),
      person.role === "admin" ? assignmentsOf(db, s.code) : [],
      person.role === "admin" ? listCertifiers(db, 200).then((r) => r.items) : [],
    ]);
    const withEvents = labels.map((label) => ({ label, events: events.get(label.number) ?? [] }));
    return page(
      c,
      <StructurePage
        person={person}
        s={s}
        evaluation={evaluation}
        decisions={decisions}
        labels={withEvents}
        assignments={assignments}
        bodies={bodies}
        today={today}
      />,
    );
  });

  app.get("/structures/:code/edit", requireAdmin, async (c) => {
    const s = await getStructure(getDb(c.env.DB), c.req.param("code"));
    const values = structureValues(s);
    return page(
      c,
      <StructureFormPage person={c.var.person} code={s.code} values={values} contactRows={contactRows(values)} />,
    );
  });

  app.post("/structures/:code", requireAdmin, async (c) => {
    const code = c.req.param("code");
    const f = await readForm(c);
    try {
      const s = await updateStructure(depsOf(c), code, parse(StructurePatch, structureInput(f, false)));
      return seeOther(c, `/admin/structures/${encodeURIComponent(s.code)}`);
    } catch (err) {
      const refusal = refusalOf(err);
      if (!refusal) throw err;
      return page(
        c,
        <StructureFormPage
          person={c.var.person}
          code={code}
          values={f}
          refusal={refusal}
          contactRows={contactRows(f)}
        />,
        422,
      );
    }
  });

  app.post("/structures/:code/certifier", requireAdmin, async (c) => {
    const f = await readForm(c);
    const { certifierId, contractRef } = parse(Assignment, {
      certifierId: opt(f, "certifierId"),
      contractRef: opt(f, "contractRef"),
    });
    const s = await assignStructure(depsOf(c), c.req.param("code"), { certifierId, contractRef }, c.var.person.actor);
    return seeOther(c, `/admin/structures/${encodeURIComponent(s.code)}#organisme`);
  });

  app.post("/structures/:code/decisions", requireAdmin, async (c) => {
    const code = c.req.param("code");
    const f = await readForm(c);
    const input = parse(DecisionCreate, {
      decision: opt(f, "decision"),
      tier: opt(f, "tier"),
      decidedOn: opt(f, "decidedOn"),
      justification: opt(f, "justification"),
    });
    await recordDecision(depsOf(c), { ...input, structureCode: code, source: "admin" }, c.var.person.actor);
    return seeOther(c, `/admin/structures/${encodeURIComponent(code)}#labels`);
  });

  // A body's members see the labels their body awarded (as the dashboard counts them), nothing else.
  app.get("/labels", async (c) => {
    const q = parse(
      z.object({
        status: z.enum(LABEL_STATUSES).or(z.literal("")).optional(),
        expiresWithin: z.enum(["30", "90", "180"]).or(z.literal("")).optional(),
        cursor: z.string().max(512).optional(),
      }),
      c.req.query(),
    );
    const today = parisDay(new Date());
    const { items, next } = await listCurrentLabels(getDb(c.env.DB), {
      status: q.status || undefined,
      expiring: q.expiresWithin ? { from: today, until: addDays(today, Number(q.expiresWithin)) } : undefined,
      certifierId: c.var.person.certifierId ?? undefined,
      limit: PAGE,
      after: afterPair(q.cursor),
    });
    return page(
      c,
      <LabelListPage
        person={c.var.person}
        status={q.status}
        expiresWithin={q.expiresWithin}
        items={items}
        next={nextCursor(next)}
      />,
    );
  });

  /** Step 1 of a label action: its reason. Refused at once when the label's status does not allow it. */
  app.get("/labels/:number/:action", requireAdmin, async (c) => {
    const { label, action, structureName } = await labelAction(c);
    return page(
      c,
      <LabelActionPage
        person={c.var.person}
        label={label}
        structureName={structureName}
        action={action}
        values={{}}
        confirm={false}
      />,
    );
  });

  /** Step 2 (no `confirm`): the confirmation page. Then (`confirm=oui`): the change, by the API's verb. */
  app.post("/labels/:number/:action", requireAdmin, async (c) => {
    const { label, action, structureName } = await labelAction(c);
    const f = await readForm(c);
    const values = { reason: f.reason ?? "", effectiveOn: opt(f, "effectiveOn") };
    const show = (confirm: boolean, err?: unknown) =>
      page(
        c,
        <LabelActionPage
          person={c.var.person}
          label={label}
          structureName={structureName}
          action={action}
          values={values}
          confirm={confirm}
          refusal={err ? refusalOf(err) : null}
        />,
        err ? 422 : 200,
      );
    let body: z.output<typeof StatusChangeBody>;
    try {
      body = parse(StatusChangeBody, { reason: values.reason, effectiveOn: values.effectiveOn });
    } catch (err) {
      if (!refusalOf(err)) throw err;
      return show(false, err);
    }
    if (f.confirm !== "oui") return show(true);
    try {
      await changeLabelStatus(depsOf(c), label.number, action, { ...body, actor: c.var.person.actor });
    } catch (err) {
      // A date the verb refuses is fixed on the first step; a 409 (changed meanwhile) is the error page's.
      if (asInvalid(err)) return show(false, err);
      throw err;
    }
    return seeOther(c, `/admin/structures/${encodeURIComponent(label.structureCode)}#label-${label.number}`);
  });
}

const asInvalid = (err: unknown) => err instanceof DomainError && err.kind === "invalid";

async function labelAction(c: AdminContext) {
  const action = ActionParam.safeParse(c.req.param("action"));
  if (!action.success) throw new ApiError("not-found", `No page at ${c.req.path}`);
  const db = getDb(c.env.DB);
  const label = await getLabel(db, c.req.param("number")!);
  if (!nextStatus(label.status, action.data)) {
    throw conflict(
      `Cannot ${action.data} label ${label.number}: it is ${label.status} (${action.data} applies to ${TRANSITIONS[action.data].from.join(" or ")} labels)`,
    );
  }
  const s = await getStructure(db, label.structureCode);
  return { label, action: action.data, structureName: s.name };
}
