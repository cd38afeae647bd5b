/**
 * The tier engine: référentiel + latest audit + latest surveys + a day → the proposed tier, with every
 * check that led to it. Pure (no I/O, no clock): the same inputs always give the same output.
 *
 * - `checks` lists every rule of every tier (passed or not), plus the survey sample rules (`tier: null`).
 * - `missing` says what keeps the evaluation from being complete: an absent or incomplete input, a
 *   survey sample below the référentiel's minimum, or an input older than `maxInputAgeMonths`.
 * - state: `incomplete` (something absent or insufficient) > `stale` (all there, something too old) >
 *   `blocked` (blocking non-conformities exceed what even the lowest tier allows) > `complete`.
 * - `proposedTier` is the highest tier whose checks all pass, and only when the state is `complete`.
 * Every comparison is monotonic (≥ a minimum, ≤ a maximum), so raising a score or a sample never lowers
 * the proposal, and a value equal to its threshold passes.
 */
import { anniversary } from "./label-dates";
import { type Referential, TIER_ORDER, type TierName } from "./referential";

export type AuditInput = {
  auditedOn: string;
  engagements: { number: number; score: number }[];
  blockingNonConformities: number;
};
export type UsersSurveyInput = {
  periodEnd: string;
  respondents: number;
  invited?: number | null;
  satisfactionRate: number | null;
};
export type AgentsSurveyInput = {
  periodEnd: string;
  respondents: number;
  population?: number | null;
  score: number | null;
};
export type EvaluationInputs = {
  audit: AuditInput | null;
  usagers: UsersSurveyInput | null;
  agents: AgentsSurveyInput | null;
};

export type Check = {
  /** null for rules that hold for every tier (survey samples). */
  tier: TierName | null;
  rule: string;
  /** `gte`: actual must be ≥ expected; `lte`: ≤ expected. */
  op: "gte" | "lte";
  expected: number;
  actual: number | null;
  passed: boolean;
};
export type Missing = {
  input: "audit" | "usagers" | "agents";
  reason: "absent" | "incomplete" | "insufficient-sample" | "stale";
  detail: string;
};
export type EvaluationState = "complete" | "incomplete" | "stale" | "blocked";
export type Evaluation = {
  referentialVersion: string;
  official: boolean;
  evaluatedOn: string;
  proposedTier: TierName | null;
  state: EvaluationState;
  scores: {
    audit: number | null;
    engagements: Record<string, number | null>;
    userSatisfaction: number | null;
    agentScore: number | null;
    blockingNonConformities: number | null;
  };
  checks: Check[];
  missing: Missing[];
};

/**
 * Derived values (audit score, response rate) are rounded to 6 decimals before they are compared:
 * a mean of eight scores equal to a threshold may be 1 ulp off, and must still pass. Rounding is
 * monotonic, so it cannot make a better input rate lower. Values given as such are compared as sent.
 */
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

function check(tier: TierName | null, rule: string, op: "gte" | "lte", expected: number, actual: number | null): Check {
  const passed = actual !== null && (op === "gte" ? actual >= expected : actual <= expected);
  return { tier, rule, op, expected, actual, passed };
}

function auditScore(ref: Referential, byNumber: Map<number, number>): number | null {
  if (byNumber.size < 8) return null;
  const scores = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => byNumber.get(n)!);
  if (ref.auditScore.method === "mean") return round6(scores.reduce((a, b) => a + b, 0) / 8);
  const w = ref.auditScore.weights;
  const total = w.reduce((a, b) => a + b, 0);
  return round6(scores.reduce((acc, s, i) => acc + s * w[i]!, 0) / total);
}

/** An input dated `day` is stale on `on` from its `maxInputAgeMonths` anniversary onwards. */
function isStale(day: string, on: string, months: number): boolean {
  return on >= anniversary(day, months);
}

export function evaluate(ref: Referential, inputs: EvaluationInputs, on: string): Evaluation {
  const { audit, usagers, agents } = inputs;
  const missing: Missing[] = [];
  const checks: Check[] = [];

  // Audit: one score per engagement 1–8 (the first one given for a number counts).
  const byNumber = new Map<number, number>();
  for (const e of audit?.engagements ?? []) {
    if (e.number >= 1 && e.number <= 8 && !byNumber.has(e.number)) byNumber.set(e.number, e.score);
  }
  if (!audit) missing.push({ input: "audit", reason: "absent", detail: "No audit received" });
  else if (byNumber.size < 8) {
    const absent = [1, 2, 3, 4, 5, 6, 7, 8].filter((n) => !byNumber.has(n));
    missing.push({ input: "audit", reason: "incomplete", detail: `No score for engagement(s) ${absent.join(", ")}` });
  }
  const audited = audit ? auditScore(ref, byNumber) : null;

  // Surveys: present, with their score, and a sample the référentiel accepts.
  const userSatisfaction = usagers?.satisfactionRate ?? null;
  const agentScore = agents?.score ?? null;
  const samples: [Missing["input"], { respondents: number; base: number | null } | null, number | null][] = [
    ["usagers", usagers ? { respondents: usagers.respondents, base: usagers.invited ?? null } : null, userSatisfaction],
    ["agents", agents ? { respondents: agents.respondents, base: agents.population ?? null } : null, agentScore],
  ];
  for (const [input, sample, score] of samples) {
    const rule = ref.surveys[input as "usagers" | "agents"];
    const label = input === "usagers" ? "enquête usagers" : "enquête agents";
    if (!sample) {
      missing.push({ input, reason: "absent", detail: `No ${label} received` });
      continue;
    }
    if (score === null) missing.push({ input, reason: "incomplete", detail: `The ${label} has no score` });
    const n = check(null, `${input}.minRespondents`, "gte", rule.minRespondents, sample.respondents);
    checks.push(n);
    if (!n.passed) {
      missing.push({
        input,
        reason: "insufficient-sample",
        detail: `${sample.respondents} respondents, at least ${rule.minRespondents} needed`,
      });
    }
    if (rule.minResponseRate !== null) {
      const rate = sample.base ? round6((sample.respondents / sample.base) * 100) : null;
      const r = check(null, `${input}.minResponseRate`, "gte", rule.minResponseRate, rate);
      checks.push(r);
      if (!r.passed) {
        missing.push({
          input,
          reason: "insufficient-sample",
          detail:
            rate === null
              ? `The ${label} gives no ${input === "usagers" ? "invited" : "population"} count to compute its response rate`
              : `Response rate ${rate} %, at least ${rule.minResponseRate} % needed`,
        });
      }
    }
  }

  // Freshness.
  const dated: [Missing["input"], string | undefined][] = [
    ["audit", audit?.auditedOn],
    ["usagers", usagers?.periodEnd],
    ["agents", agents?.periodEnd],
  ];
  const stale: Missing[] = [];
  for (const [input, day] of dated) {
    if (day && isStale(day, on, ref.maxInputAgeMonths)) {
      stale.push({
        input,
        reason: "stale",
        detail: `Dated ${day}, older than ${ref.maxInputAgeMonths} months on ${on}`,
      });
    }
  }

  // Tier rules: every rule of every tier, so a refused tier always shows why.
  const blocking = audit ? audit.blockingNonConformities : null;
  const passedTiers: TierName[] = [];
  let blockedEverywhere = true;
  for (const tier of TIER_ORDER) {
    const t = ref.tiers[tier];
    const tierChecks = [
      check(tier, "auditScoreMin", "gte", t.auditScoreMin, audited),
      ...[1, 2, 3, 4, 5, 6, 7, 8].map((n) =>
        check(tier, `engagementScoreMin.${n}`, "gte", t.engagementScoreMin, byNumber.get(n) ?? null),
      ),
      check(tier, "userSatisfactionMin", "gte", t.userSatisfactionMin, userSatisfaction),
      check(tier, "agentScoreMin", "gte", t.agentScoreMin, agentScore),
      check(tier, "maxBlockingNonConformities", "lte", t.maxBlockingNonConformities, blocking),
    ];
    checks.push(...tierChecks);
    if (tierChecks.every((c) => c.passed)) passedTiers.push(tier);
    if (tierChecks.at(-1)!.passed) blockedEverywhere = false;
  }

  const state: EvaluationState =
    missing.length > 0 ? "incomplete" : stale.length > 0 ? "stale" : blockedEverywhere ? "blocked" : "complete";
  const proposedTier = state === "complete" ? (passedTiers.at(-1) ?? null) : null;

  return {
    referentialVersion: ref.version,
    official: ref.official,
    evaluatedOn: on,
    proposedTier,
    state,
    scores: {
      audit: audited,
      engagements: Object.fromEntries([1, 2, 3, 4, 5, 6, 7, 8].map((n) => [String(n), byNumber.get(n) ?? null])),
      userSatisfaction,
      agentScore,
      blockingNonConformities: blocking,
    },
    checks,
    missing: [...missing, ...stale],
  };
}
