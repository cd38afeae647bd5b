/**
 * A référentiel version: the rules that turn an audit and two surveys into a proposed tier.
 *
 * The real grid and thresholds are not public (DOMAIN.md « Not public »), so they are data, versioned
 * and edited by an administrator; nothing here hard-codes a threshold. The version shipped by the
 * migrations (`2023-illustratif`) is an example, marked `official: false`.
 */
import { z } from "zod";
import { cleanText } from "./clean-text";

export const TIER_ORDER = ["bronze", "argent", "or"] as const;
export type TierName = (typeof TIER_ORDER)[number];

export const VERSION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const Score = z.number().min(0).max(100);

/** Engagement `n` (1–8) of a référentiel. */
const engagement = (n: number) =>
  z
    .object({
      number: z.literal(n),
      heading: cleanText(200),
      /** null until an administrator fills it (engagement 8's exact wording is not public). */
      wording: cleanText(1000).nullable(),
    })
    .strict();

export const TierRuleSchema = z
  .object({
    auditScoreMin: Score,
    engagementScoreMin: Score,
    userSatisfactionMin: Score,
    agentScoreMin: Score,
    maxBlockingNonConformities: z.number().int().min(0).max(1000),
  })
  .strict();
export type TierRule = z.infer<typeof TierRuleSchema>;

export const SurveyRuleSchema = z
  .object({
    minRespondents: z.number().int().min(0).max(10_000_000),
    /** Percentage of respondents among those invited (usagers) or the population (agents); null = no rule. */
    minResponseRate: Score.nullable(),
  })
  .strict();

export const AuditScoringSchema = z.discriminatedUnion("method", [
  z.object({ method: z.literal("mean") }).strict(),
  z
    .object({
      method: z.literal("weighted"),
      /** Weight of engagements 1 to 8, in order. */
      weights: z.array(z.number().min(0).max(1000)).min(8, "Exactly 8 weights").max(8, "Exactly 8 weights"),
    })
    .strict()
    .refine((v) => v.weights.some((w) => w > 0), {
      message: "At least one weight must be positive",
      path: ["weights"],
    }),
]);

export const ReferentialRulesSchema = z
  .object({
    // The 8 engagements, numbered 1 to 8 in order: a tuple, which the document says with `prefixItems` (each
    // item's `number` a `const`) and `minItems`/`maxItems` 8, so a client's validator knows it too; `items`
    // that nothing matches says « no ninth » to linters that want an `items` beside every array.
    engagements: z
      .tuple([
        engagement(1),
        engagement(2),
        engagement(3),
        engagement(4),
        engagement(5),
        engagement(6),
        engagement(7),
        engagement(8),
      ])
      .openapi({ minItems: 8, maxItems: 8, items: { not: {} } }),
    auditScore: AuditScoringSchema,
    surveys: z.object({ usagers: SurveyRuleSchema, agents: SurveyRuleSchema }).strict(),
    /** An audit (audit date) or survey (end of period) older than this is stale. */
    maxInputAgeMonths: z.number().int().min(1).max(120),
    tiers: z.object({ bronze: TierRuleSchema, argent: TierRuleSchema, or: TierRuleSchema }).strict(),
    /** Validity of a label awarded under this version (3 years for the label « Services Publics + »). */
    validityMonths: z.number().int().min(1).max(120),
  })
  .strict()
  .superRefine((r, ctx) => {
    // A higher tier is never easier than the one below it: the proposal is the highest tier passed.
    for (let i = 1; i < TIER_ORDER.length; i++) {
      const lo = r.tiers[TIER_ORDER[i - 1]!];
      const hi = r.tiers[TIER_ORDER[i]!];
      const name = TIER_ORDER[i]!;
      for (const k of ["auditScoreMin", "engagementScoreMin", "userSatisfactionMin", "agentScoreMin"] as const) {
        if (hi[k] < lo[k]) {
          ctx.addIssue({ code: "custom", path: ["tiers", name, k], message: `Must be ≥ ${TIER_ORDER[i - 1]}'s ${k}` });
        }
      }
      if (hi.maxBlockingNonConformities > lo.maxBlockingNonConformities) {
        ctx.addIssue({
          code: "custom",
          path: ["tiers", name, "maxBlockingNonConformities"],
          message: `Must be ≤ ${TIER_ORDER[i - 1]}'s maxBlockingNonConformities`,
        });
      }
    }
  });
export type ReferentialRules = z.infer<typeof ReferentialRulesSchema>;

/** What an administrator sends to create a version. */
export const ReferentialInputSchema = z
  .object({
    version: z.string().regex(VERSION_PATTERN, "1–64 letters, digits, '.', '_' or '-'"),
    description: cleanText(2000, { multiline: true }),
    official: z.boolean(),
    rules: ReferentialRulesSchema,
  })
  .strict();
export type ReferentialInput = z.infer<typeof ReferentialInputSchema>;

/** The rules the engine needs, with the version they come from. */
export type Referential = ReferentialRules & { version: string; official: boolean };

/** Engagement 8's theme, shown while its wording is not filled in. */
export function engagementTitle(e: { number: number; heading: string; wording: string | null }): string {
  return e.wording ?? (e.number === 8 ? "Engagement 8 — éco-responsabilité" : `Engagement ${e.number}`);
}
