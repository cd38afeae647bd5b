/**
 * The tier engine's words (src/domain/tier-engine.ts) in French, for the people who read an evaluation
 * or a référentiel: what each check compares, what each missing input means.
 */
import type { EvaluationState, Missing } from "../../domain/tier-engine";

const RULES: Record<string, string> = {
  auditScoreMin: "Score d'audit (les 8 engagements, combinés selon le référentiel) au moins égal au seuil du palier",
  userSatisfactionMin: "Taux de satisfaction de l'enquête usagers au moins égal au seuil du palier",
  agentScoreMin: "Score de l'enquête agents au moins égal au seuil du palier",
  maxBlockingNonConformities: "Non-conformités bloquantes relevées à l'audit au plus égales au maximum du palier",
  "usagers.minRespondents": "Nombre de répondants à l'enquête usagers au moins égal au minimum",
  "usagers.minResponseRate":
    "Taux de réponse à l'enquête usagers (répondants / invités, en %) au moins égal au minimum",
  "agents.minRespondents": "Nombre de répondants à l'enquête agents au moins égal au minimum",
  "agents.minResponseRate": "Taux de réponse à l'enquête agents (répondants / effectif, en %) au moins égal au minimum",
};

/** What a check compares, in French. */
export function ruleText(rule: string): string {
  const engagement = /^engagementScoreMin\.(\d)$/.exec(rule);
  if (engagement)
    return `Score de l'engagement ${engagement[1]} à l'audit au moins égal au seuil par engagement du palier`;
  return RULES[rule] ?? rule;
}

export const EVALUATION_STATES: Record<EvaluationState, string> = {
  complete: "complète : un palier peut être proposé",
  incomplete: "incomplète : une donnée manque ou son échantillon est insuffisant",
  stale: "périmée : une donnée est plus ancienne que ce que le référentiel admet",
  blocked: "bloquée : les non-conformités bloquantes dépassent ce que tout palier admet",
};

export const INPUTS: Record<Missing["input"], string> = {
  audit: "Audit",
  usagers: "Enquête usagers",
  agents: "Enquête agents",
};

export const MISSING_REASONS: Record<Missing["reason"], string> = {
  absent: "absente",
  incomplete: "incomplète",
  "insufficient-sample": "échantillon insuffisant",
  stale: "trop ancienne",
};
