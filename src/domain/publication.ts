/**
 * The publication policy: what of the quality results the registry publishes, decided in ONE place and
 * set by the DITP without code (the `PUBLICATION_POLICY` variable of wrangler.toml, a JSON object checked
 * when the Worker starts: src/env.ts). docs/domain.md « What is published » says it in words.
 *
 * - `usersSurvey`: the users' survey behind a label (satisfaction, net satisfaction, respondents, period):
 *   `per-structure` (on each service's answers and in the national figures), `national` (figures only)
 *   or `none`.
 * - `audit`: the audit's score per engagement and its date: `per-structure` or `none`.
 * - `agentsSurvey`: the agents' survey, `national` (one national aggregate in the figures) or `none`.
 *   Never per structure: the programme publishes the agents' feelings only in aggregate, and the schema
 *   refuses any other value.
 * - `auditFunding`: the structures whose audit the DITP funds: `national` (counted in the figures),
 *   `per-structure` (also said on each such structure's answers) or `none`.
 */
import { z } from "zod";

export const PublicationPolicySchema = z
  .object({
    usersSurvey: z.enum(["per-structure", "national", "none"]),
    audit: z.enum(["per-structure", "none"]),
    agentsSurvey: z.enum(["national", "none"], {
      error: "agentsSurvey is `national` or `none`: the agents' survey is never published per structure",
    }),
    auditFunding: z.enum(["per-structure", "national", "none"]),
  })
  .strict();
export type PublicationPolicy = z.infer<typeof PublicationPolicySchema>;

/** What the issue asked for, and what wrangler.toml ships. */
export const DEFAULT_POLICY: PublicationPolicy = {
  usersSurvey: "per-structure",
  audit: "per-structure",
  agentsSurvey: "national",
  auditFunding: "national",
};

/** The policy from its JSON text (the variable), or the zod error naming what is wrong. */
export const PolicyText = z
  .string()
  .transform((s, ctx) => {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "PUBLICATION_POLICY must be a JSON object" });
      return z.NEVER;
    }
  })
  .pipe(PublicationPolicySchema);
