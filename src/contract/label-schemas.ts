/** OpenAPI schemas of référentiels, evaluations, decisions and labels. */
import { z } from "@hono/zod-openapi";
import { cleanText } from "../domain/clean-text";
import { ReferentialInputSchema, ReferentialRulesSchema, VERSION_PATTERN } from "../domain/referential";
import { Day, LabelNumber } from "./schemas";

const TierEnum = z.enum(["bronze", "argent", "or"]).openapi({ example: "argent" });

export const VersionParam = z.object({
  version: z
    .string()
    .regex(VERSION_PATTERN, "1–64 letters, digits, '.', '_' or '-'")
    .openapi({
      param: { name: "version", in: "path" },
      description: "Version name: 1–64 letters, digits, `.`, `_` or `-`",
      example: "2023-illustratif",
    }),
});

export const LabelNumberParam = z.object({
  number: LabelNumber.openapi({ param: { name: "number", in: "path" }, example: "SPP-2026-000001" }),
});

export const ReferentialCreate = ReferentialInputSchema.openapi("ReferentialCreate", {
  description:
    "A référentiel version. `rules.engagements` lists engagements 1–8 in order (`wording: null` until known); " +
    "tier thresholds never decrease from bronze to or. Mark `official: true` only for the DITP's real rules.",
});
export const ReferentialUpdate = ReferentialInputSchema.omit({ version: true }).openapi("ReferentialUpdate", {
  description:
    "The whole version but its name. `rules.engagements` lists engagements 1–8 in order; tier thresholds never " +
    "decrease from bronze to or.",
});

export const Referential = z
  .object({
    version: z.string().openapi({ example: "2023-illustratif" }),
    description: z.string(),
    official: z.boolean().openapi({ description: "false for illustrative versions (thresholds not the DITP's)" }),
    active: z.boolean().openapi({ description: "The version evaluations use; exactly one is active" }),
    usedAt: z.string().nullable().openapi({ description: "First decision under this version; immutable from then" }),
    rules: ReferentialRulesSchema,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Referential");

export const Check = z
  .object({
    tier: TierEnum.nullable().openapi({ description: "null for rules of every tier (survey samples)" }),
    rule: z.string().openapi({ example: "engagementScoreMin.4" }),
    op: z.enum(["gte", "lte"]).openapi({ description: "actual ≥ expected (gte) or ≤ expected (lte)" }),
    expected: z.number().openapi({ example: 60 }),
    actual: z.number().nullable().openapi({ example: 72.5 }),
    passed: z.boolean(),
  })
  .openapi("Check");

export const Evaluation = z
  .object({
    structureCode: z.string(),
    referentialVersion: z.string().openapi({ example: "2023-illustratif" }),
    official: z.boolean(),
    evaluatedOn: Day,
    proposedTier: TierEnum.nullable(),
    state: z.enum(["complete", "incomplete", "stale", "blocked"]),
    scores: z.object({
      audit: z.number().nullable(),
      engagements: z.record(z.string(), z.number().nullable()),
      userSatisfaction: z.number().nullable(),
      agentScore: z.number().nullable(),
      blockingNonConformities: z.number().nullable(),
    }),
    checks: z.array(Check),
    missing: z.array(
      z.object({
        input: z.enum(["audit", "usagers", "agents"]),
        reason: z.enum(["absent", "incomplete", "insufficient-sample", "stale"]),
        detail: z.string(),
      }),
    ),
    inputs: z.object({
      auditId: z.string().nullable(),
      usagersSurveyId: z.string().nullable(),
      agentsSurveyId: z.string().nullable(),
    }),
  })
  .openapi("Evaluation");

export const DecisionCreate = z
  .object({
    decision: z.enum(["award", "refuse"]),
    tier: TierEnum.optional().openapi({ description: "For an award; defaults to the proposed tier" }),
    decidedOn: Day.openapi({ description: "Decision day; may be in the past (imports), never in the future" }),
    justification: cleanText(5000, { multiline: true })
      .optional()
      .openapi({ description: "Required when the tier differs from the proposal" }),
  })
  .strict()
  .openapi("DecisionCreate");

export const Label = z
  .object({
    number: z.string().openapi({ example: "SPP-2026-000001" }),
    structureCode: z.string(),
    certifierId: z.string(),
    tier: TierEnum,
    status: z.enum(["valid", "suspended", "withdrawn", "expired"]),
    awardedOn: Day,
    expiresOn: Day.openapi({ description: "Last valid day, inclusive" }),
    originalAwardedOn: Day.openapi({ description: "Award of the first label of the renewal chain" }),
    supersedes: z.string().nullable(),
    supersededBy: z.string().nullable(),
    decisionId: z.string().nullable(),
    statusChangedAt: z.string(),
    createdAt: z.string(),
  })
  .openapi("Label");

export const Decision = z
  .object({
    id: z.string().openapi({ example: "dec_abcdefghijklmnop" }),
    structureCode: z.string(),
    certifierId: z.string(),
    decision: z.enum(["award", "refuse"]),
    tier: TierEnum.nullable(),
    proposedTier: TierEnum.nullable(),
    referentialVersion: z.string(),
    evaluation: z.unknown().openapi({ description: "The evaluation the decision was taken on" }),
    justification: z.string().nullable(),
    decidedOn: Day,
    actor: z.string(),
    source: z.enum(["admin", "webhook"]),
    webhookEventId: z.string().nullable(),
    labelNumber: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("Decision");

export const DecisionResult = z.object({ decision: Decision, label: Label.nullable() }).openapi("DecisionResult");

export const LabelEvent = z
  .object({
    id: z.string(),
    labelNumber: z.string(),
    type: z.enum(["awarded", "suspended", "reinstated", "withdrawn", "expired", "superseded"]),
    fromStatus: z.string().nullable(),
    toStatus: z.string(),
    reason: z.string().nullable(),
    actor: z.string().openapi({ example: "admin:token" }),
    effectiveOn: Day,
    createdAt: z.string(),
  })
  .openapi("LabelEvent");

export const StatusChangeBody = z
  .object({
    reason: cleanText(2000, { multiline: true }).openapi({ example: "Non-conformité majeure constatée lors du suivi" }),
    effectiveOn: Day.optional().openapi({ description: "Defaults to today; never in the future" }),
  })
  .strict()
  .openapi("LabelStatusChange");
