/**
 * The published quality results of a label (issue 25), in the public JSON answers: the users' survey and
 * the audit behind the current label, as far as the publication policy publishes them
 * (src/domain/publication.ts; built by src/public/results.ts). The figures of « le label en chiffres ».
 */
import { z } from "@hono/zod-openapi";
import { TIERS } from "../db/schema";

const Day = z.string().openapi({ example: "2026-03-31" });

export const EngagementResultSchema = z
  .object({
    number: z.number().int().min(1).max(8).openapi({ example: 1 }),
    name: z.string().openapi({
      description:
        "The engagement's wording in the référentiel (engagement 8: its theme until its wording is filled in)",
      example: "Dans le respect mutuel, vous êtes accueillis avec bienveillance et avez le droit à l'erreur",
    }),
    heading: z.string().openapi({ example: "Un service public plus proche" }),
    score: z
      .number()
      .min(0)
      .max(100)
      .openapi({ description: "The audit's score for this engagement, 0–100", example: 82 }),
    threshold: z.number().nullable().openapi({
      description: "The minimum score per engagement of the label's tier in the référentiel (null: none set)",
      example: 75,
    }),
    meetsThreshold: z
      .boolean()
      .nullable()
      .openapi({ description: "Whether the score reaches the threshold (null: no threshold)", example: true }),
  })
  .openapi("EngagementResult");

export const PublicResultsSchema = z
  .object({
    decidedOn: Day.openapi({ description: "The day of the decision these results led to" }),
    referential: z.object({
      version: z.string().openapi({ example: "2023-illustratif" }),
      official: z.boolean().openapi({
        description: "False for the illustrative référentiel shipped with the registry: its thresholds are examples",
        example: false,
      }),
    }),
    usersSurvey: z
      .object({
        periodStart: Day.openapi({ example: "2026-01-01" }),
        periodEnd: Day.openapi({ example: "2026-02-28" }),
        invited: z
          .number()
          .int()
          .nullable()
          .openapi({ description: "People invited to answer (null: not given)", example: 1200 }),
        respondents: z.number().int().openapi({ example: 412 }),
        responseRate: z
          .number()
          .nullable()
          .openapi({ description: "Respondents among those invited, in %", example: 34.3 }),
        satisfactionRate: z
          .number()
          .nullable()
          .openapi({ description: "Share of respondents satisfied, in % (0–100)", example: 87.5 }),
        netSatisfaction: z.number().nullable().openapi({
          description: "Satisfied minus dissatisfied respondents, in points (−100 to 100)",
          example: 71,
        }),
      })
      .nullable()
      .openapi({ description: "The users' survey behind the label; null when not published or not received" }),
    audit: z
      .object({
        auditedOn: Day.openapi({ example: "2026-02-15" }),
        kind: z.enum(["initial", "suivi", "renouvellement"]).openapi({ example: "initial" }),
        tier: z
          .enum(TIERS)
          .openapi({ description: "The tier whose thresholds the scores are compared with", example: "argent" }),
        threshold: z.number().nullable().openapi({ example: 75 }),
        engagements: z.array(EngagementResultSchema),
        engagementsMet: z.number().int().openapi({ description: "Engagements reaching the threshold", example: 8 }),
      })
      .nullable()
      .openapi({ description: "The audit behind the label, per engagement; null when not published or not received" }),
  })
  .openapi("PublicResults", {
    description:
      "The quality results behind the current label, as the publication policy publishes them (the agents' " +
      "survey never per structure), while the label is valid or suspended. null: no label, a withdrawn or " +
      "expired one, a past label asked by its number, or nothing published.",
  });

/** The results shown with an award in the public history: the survey period and the audit behind it. */
export const HistoryResultsSchema = z
  .object({
    usersSurvey: z
      .object({
        periodStart: Day,
        periodEnd: Day,
        respondents: z.number().int().openapi({ example: 412 }),
        satisfactionRate: z.number().nullable().openapi({ example: 87.5 }),
        netSatisfaction: z.number().nullable().openapi({ example: 71 }),
      })
      .nullable(),
    audit: z
      .object({
        auditedOn: Day,
        engagementsMet: z.number().int().openapi({ example: 8 }),
        averageScore: z.number().openapi({ description: "Mean of the 8 engagements' scores", example: 81.3 }),
      })
      .nullable(),
  })
  .nullable()
  .openapi("HistoryResults", {
    description: "For an award or renewal: the survey period and the audit it was decided on (null otherwise)",
  });

const TierEnum = z.enum(TIERS);

/** « Le label en chiffres » as JSON (GET /chiffres.json): the page's figures, and its CSV's lines. */
export const FiguresSchema = z
  .object({
    labelsByStatusAndTier: z.array(
      z.object({
        status: z.enum(["valid", "suspended", "withdrawn", "expired"]).openapi({ example: "valid" }),
        tier: TierEnum,
        labels: z.number().int().openapi({ example: 12 }),
      }),
    ),
    validLabels: z.number().int().openapi({ description: "Valid labels, all tiers", example: 40 }),
    byTier: z.array(
      z.object({
        tier: TierEnum,
        labels: z.number().int().openapi({ example: 20 }),
        usersSatisfaction: z.number().nullable().openapi({
          description:
            "Mean users' satisfaction rate (%) of the surveys behind these valid labels; null: none or not published",
          example: 86.4,
        }),
        surveys: z.number().int().openapi({ description: "Labels whose survey enters the mean", example: 18 }),
      }),
    ),
    byNetwork: z.array(
      z.object({
        network: z.string().openapi({ example: "Préfectures" }),
        labels: z.number().int().openapi({ example: 5 }),
        usersSatisfaction: z.number().nullable().openapi({ example: 84.2 }),
        surveys: z.number().int().openapi({ example: 5 }),
      }),
    ),
    byRegion: z.array(
      z.object({
        region: z.string().nullable().openapi({ description: "null: region not given", example: "Occitanie" }),
        labels: z.number().int().openapi({ example: 3 }),
      }),
    ),
    byDepartment: z.array(
      z.object({ department: z.string().openapi({ example: "30" }), labels: z.number().int().openapi({ example: 2 }) }),
    ),
    awardedByMonth: z.array(
      z.object({
        month: z.string().openapi({ description: "YYYY-MM", example: "2026-03" }),
        labels: z.number().int().openapi({ description: "Labels awarded that month, renewals included", example: 4 }),
      }),
    ),
    candidatesByNetwork: z.array(
      z.object({
        network: z.string().openapi({ example: "CAF" }),
        candidates: z.number().int().openapi({ example: 6 }),
        funded: z.number().int().nullable().openapi({
          description: "Among them, those whose audit the DITP funds (null: not published)",
          example: 2,
        }),
      }),
    ),
    candidates: z
      .number()
      .int()
      .openapi({ description: "Structures assigned to a body and not labelled yet", example: 30 }),
    funded: z.number().int().nullable().openapi({ example: 12 }),
    agents: z
      .object({
        surveys: z.number().int().openapi({ example: 38 }),
        averageScore: z.number().nullable().openapi({ description: "Mean agents' score, 0–100", example: 74.5 }),
      })
      .nullable()
      .openapi({
        description: "The agents' survey in one national aggregate (never per structure); null: not published",
      }),
    computedAt: z.string().openapi({ example: "2026-11-27T09:00:00.000Z" }),
  })
  .openapi("Figures");
