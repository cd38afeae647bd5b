/**
 * The events certification bodies push, as zod schemas: one per type, joined on `type`.
 * A delivery's body is the Standard Webhooks envelope `{ type, timestamp, data }`.
 * Pure: no Hono, no D1. The same schemas document the events in /openapi.json.
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#payload-structure
 */
import { z } from "@hono/zod-openapi";
import { CodeSp, Day, Url } from "../contract/schemas";
import { cleanText } from "../domain/clean-text";
import type { EventKind } from "../domain/habilitation";

const ref = (example: string, description: string) => cleanText(100).openapi({ description, example });

const LabelNumber = cleanText(64).openapi({
  description: "Label number, as issued by the registry",
  example: "SPP-2026-000001",
});

const noDuplicates =
  <T>(key: (item: T) => unknown, what: string) =>
  (items: T[], ctx: z.RefinementCtx) => {
    const seen = new Set<unknown>();
    items.forEach((item, i) => {
      const k = key(item);
      if (seen.has(k)) ctx.addIssue({ code: "custom", path: [i], message: `Duplicate ${what}` });
      seen.add(k);
    });
  };

const afterStart = (v: { periodStart: string; periodEnd: string }, ctx: z.RefinementCtx) => {
  if (v.periodEnd < v.periodStart) {
    ctx.addIssue({ code: "custom", path: ["periodEnd"], message: "Must be on or after periodStart" });
  }
};

export const AuditCompleted = z
  .object({
    structureCode: CodeSp,
    auditRef: ref("AUD-2026-0042", "The body's own reference for this audit; unique per body"),
    kind: z.enum(["initial", "suivi", "renouvellement"]).openapi({ example: "initial" }),
    auditedOn: Day.openapi({ description: "Last day of the audit (the event's date)", example: "2026-03-12" }),
    referentialVersion: cleanText(40).optional().openapi({ example: "2023" }),
    engagements: z
      .array(
        z
          .object({
            number: z.number().int().min(1).max(8).openapi({ example: 1 }),
            score: z.number().min(0).max(100).openapi({ example: 82.5 }),
          })
          .strict(),
      )
      .min(1)
      .max(8)
      .superRefine(noDuplicates((e) => e.number, "engagement number"))
      .openapi({ description: "Score per engagement (0–100); each engagement number at most once" }),
    criteria: z
      .array(
        z
          .object({
            id: cleanText(40).openapi({ example: "E1-C3" }),
            result: z.enum(["conforme", "partiel", "non_conforme", "na"]).openapi({ example: "conforme" }),
            blocking: z.boolean().optional().openapi({ description: "A blocking criterion of the grid" }),
          })
          .strict(),
      )
      .max(1000)
      .superRefine(noDuplicates((c) => c.id, "criterion id"))
      .optional()
      .openapi({ description: "Criteria of the audit grid; each id at most once" }),
    reportUrl: Url.optional().openapi({ example: "https://oc.example/rapports/AUD-2026-0042.pdf" }),
  })
  .strict()
  .openapi("AuditCompletedData");

export const SurveyUsersCompleted = z
  .object({
    structureCode: CodeSp,
    surveyRef: ref("ENQ-U-2026-07", "The body's own reference for this survey; unique per body"),
    periodStart: Day.openapi({ example: "2026-01-01" }),
    periodEnd: Day.openapi({ description: "Last day surveyed (the event's date)", example: "2026-02-28" }),
    invited: z.number().int().min(0).optional().openapi({ description: "Users invited", example: 1200 }),
    respondents: z.number().int().min(0).openapi({ example: 431 }),
    satisfactionRate: z.number().min(0).max(100).openapi({ description: "% satisfied", example: 87.2 }),
    netSatisfaction: z.number().min(-100).max(100).optional().openapi({ example: 41 }),
  })
  .strict()
  .superRefine(afterStart)
  .superRefine((v, ctx) => {
    if (v.invited !== undefined && v.respondents > v.invited) {
      ctx.addIssue({ code: "custom", path: ["respondents"], message: "Cannot exceed invited" });
    }
  })
  .openapi("SurveyUsersCompletedData", {
    description: "`periodEnd` is on or after `periodStart`; `respondents` is at most `invited` when sent",
  });

export const SurveyAgentsCompleted = z
  .object({
    structureCode: CodeSp,
    surveyRef: ref("ENQ-A-2026-03", "The body's own reference for this survey; unique per body"),
    periodStart: Day.openapi({ example: "2026-01-15" }),
    periodEnd: Day.openapi({ description: "Last day surveyed (the event's date)", example: "2026-02-15" }),
    population: z.number().int().min(1).openapi({ description: "Agents surveyed", example: 58 }),
    respondents: z.number().int().min(0).openapi({ example: 44 }),
    score: z.number().min(0).max(100).openapi({ example: 74 }),
  })
  .strict()
  .superRefine(afterStart)
  .superRefine((v, ctx) => {
    if (v.respondents > v.population) {
      ctx.addIssue({ code: "custom", path: ["respondents"], message: "Cannot exceed population" });
    }
  })
  .openapi("SurveyAgentsCompletedData", {
    description: "`periodEnd` is on or after `periodStart`; `respondents` is at most `population`",
  });

export const LabelDecision = z
  .object({
    structureCode: CodeSp,
    decision: z.enum(["award", "refuse"]).openapi({ example: "award" }),
    tier: z.enum(["bronze", "argent", "or"]).optional().openapi({ example: "argent" }),
    decidedOn: Day.openapi({ description: "Decision date: the label runs from it", example: "2026-04-02" }),
    justification: cleanText(4000, { multiline: true }).optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.decision === "award" && !v.tier) {
      ctx.addIssue({ code: "custom", path: ["tier"], message: "Required when decision is award" });
    }
    if (v.decision === "refuse" && v.tier) {
      ctx.addIssue({ code: "custom", path: ["tier"], message: "Only when decision is award" });
    }
  })
  .openapi("LabelDecisionData", {
    description: "`tier` is required when `decision` is `award`, and absent when it is `refuse`",
  });

export const LabelStatusChange = z
  .object({
    labelNumber: LabelNumber,
    reason: cleanText(4000, { multiline: true }).openapi({ example: "Audit de suivi non réalisé" }),
    effectiveOn: Day.openapi({ example: "2026-06-01" }),
  })
  .strict()
  .openapi("LabelStatusChangeData");

/** One event type's body, named in the OpenAPI document (`AuditCompletedEvent`…). */
const envelope = <T extends string, D extends z.ZodType>(type: T, data: D, name: string) =>
  z
    .object({
      type: z.literal(type),
      timestamp: z.iso.datetime({ offset: true }).openapi({ example: "2026-03-13T08:00:00Z" }),
      data,
    })
    .strict()
    .openapi(name);

/** Every event type, in one place: the dispatch table in handlers.ts has exactly these keys. */
export const WebhookEvent = z
  .discriminatedUnion("type", [
    envelope("audit.completed", AuditCompleted, "AuditCompletedEvent"),
    envelope("survey.users.completed", SurveyUsersCompleted, "SurveyUsersCompletedEvent"),
    envelope("survey.agents.completed", SurveyAgentsCompleted, "SurveyAgentsCompletedEvent"),
    envelope("label.decision", LabelDecision, "LabelDecisionEvent"),
    envelope("label.suspended", LabelStatusChange, "LabelSuspendedEvent"),
    envelope("label.reinstated", LabelStatusChange, "LabelReinstatedEvent"),
    envelope("label.withdrawn", LabelStatusChange, "LabelWithdrawnEvent"),
  ])
  .openapi("WebhookEvent", { description: "A delivery's body (Standard Webhooks envelope)" });

export type WebhookEvent = z.infer<typeof WebhookEvent>;
export type EventType = WebhookEvent["type"];
export type EventData<T extends EventType> = Extract<WebhookEvent, { type: T }>["data"];
export const EVENT_TYPES = [
  "audit.completed",
  "survey.users.completed",
  "survey.agents.completed",
  "label.decision",
  "label.suspended",
  "label.reinstated",
  "label.withdrawn",
] as const satisfies readonly EventType[];

/**
 * How an event is judged against the habilitation (src/domain/habilitation.ts): its kind, the day it
 * is about (`on`), and every day it carries, each of which must not be after the day it was sent.
 */
export function eventDates(e: WebhookEvent): {
  kind: EventKind;
  on: string;
  dates: { path: string; day: string }[];
} {
  const at = (field: string, day: string) => ({ path: `data.${field}`, day });
  switch (e.type) {
    case "audit.completed":
      return { kind: "result", on: e.data.auditedOn, dates: [at("auditedOn", e.data.auditedOn)] };
    case "survey.users.completed":
    case "survey.agents.completed":
      return {
        kind: "result",
        on: e.data.periodEnd,
        dates: [at("periodStart", e.data.periodStart), at("periodEnd", e.data.periodEnd)],
      };
    case "label.decision":
      return { kind: "act", on: e.data.decidedOn, dates: [at("decidedOn", e.data.decidedOn)] };
    default:
      return { kind: "act", on: e.data.effectiveOn, dates: [at("effectiveOn", e.data.effectiveOn)] };
  }
}
