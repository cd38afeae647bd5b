import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  engagementTitle,
  type Referential,
  ReferentialRulesSchema,
  TIER_ORDER,
  type TierName,
} from "../src/domain/referential";
import { type EvaluationInputs, evaluate } from "../src/domain/tier-engine";

const ON = "2026-06-01";
const rank = (t: TierName | null) => (t === null ? -1 : TIER_ORDER.indexOf(t));

/** A test référentiel (the seeded illustrative one has the same shape); thresholds are arbitrary. */
function referential(over: Partial<Referential> = {}): Referential {
  return {
    version: "test",
    official: false,
    engagements: Array.from({ length: 8 }, (_, i) => ({
      number: i + 1,
      heading: "Un service public plus proche",
      wording: i === 7 ? null : `Engagement ${i + 1}`,
    })) as Referential["engagements"],
    auditScore: { method: "mean" },
    surveys: {
      usagers: { minRespondents: 30, minResponseRate: null },
      agents: { minRespondents: 10, minResponseRate: 30 },
    },
    maxInputAgeMonths: 18,
    tiers: {
      bronze: {
        auditScoreMin: 60,
        engagementScoreMin: 50,
        userSatisfactionMin: 60,
        agentScoreMin: 50,
        maxBlockingNonConformities: 0,
      },
      argent: {
        auditScoreMin: 70,
        engagementScoreMin: 60,
        userSatisfactionMin: 70,
        agentScoreMin: 60,
        maxBlockingNonConformities: 0,
      },
      or: {
        auditScoreMin: 80,
        engagementScoreMin: 70,
        userSatisfactionMin: 80,
        agentScoreMin: 70,
        maxBlockingNonConformities: 0,
      },
    },
    validityMonths: 36,
    ...over,
  };
}

function inputs(scores = [75, 75, 75, 75, 75, 75, 75, 75], over: Partial<EvaluationInputs> = {}): EvaluationInputs {
  return {
    audit: {
      auditedOn: "2026-01-15",
      engagements: scores.map((score, i) => ({ number: i + 1, score })),
      blockingNonConformities: 0,
    },
    usagers: { periodEnd: "2026-01-31", respondents: 200, invited: 1000, satisfactionRate: 75 },
    agents: { periodEnd: "2026-01-31", respondents: 50, population: 100, score: 75 },
    ...over,
  };
}

describe("tier engine: examples", () => {
  it("proposes the highest tier whose checks all pass, and lists every check", () => {
    const e = evaluate(referential(), inputs(), ON);
    expect(e.state).toBe("complete");
    expect(e.proposedTier).toBe("argent");
    expect(e.missing).toEqual([]);
    // 12 rules per tier + 3 survey sample rules (no response-rate rule for usagers).
    expect(e.checks).toHaveLength(3 * 12 + 3);
    const failed = e.checks.filter((c) => !c.passed);
    expect(failed.every((c) => c.tier === "or")).toBe(true);
    expect(failed.map((c) => c.rule)).toEqual(["auditScoreMin", "userSatisfactionMin"]);
    expect(e.checks.find((c) => c.tier === "or" && c.rule === "auditScoreMin")).toMatchObject({
      op: "gte",
      expected: 80,
      actual: 75,
      passed: false,
    });
  });

  it("one weak engagement caps the tier", () => {
    const e = evaluate(referential(), inputs([90, 90, 90, 55, 90, 90, 90, 90]), ON);
    expect(e.proposedTier).toBe("bronze");
    expect(e.checks.find((c) => c.tier === "argent" && c.rule === "engagementScoreMin.4")?.passed).toBe(false);
  });

  it("weights change the audit score", () => {
    const weights = [0, 0, 0, 0, 0, 0, 0, 1];
    const e = evaluate(
      referential({ auditScore: { method: "weighted", weights } }),
      inputs([60, 60, 60, 60, 60, 60, 60, 100]),
      ON,
    );
    expect(e.scores.audit).toBe(100);
  });

  it("is incomplete without a survey, with no proposal", () => {
    const e = evaluate(referential(), inputs(undefined, { agents: null }), ON);
    expect(e.state).toBe("incomplete");
    expect(e.proposedTier).toBeNull();
    expect(e.missing).toEqual([{ input: "agents", reason: "absent", detail: "No enquête agents received" }]);
  });

  it("is incomplete when an engagement score is missing", () => {
    const i = inputs();
    i.audit!.engagements = i.audit!.engagements.filter((e) => e.number !== 8);
    const e = evaluate(referential(), i, ON);
    expect(e.state).toBe("incomplete");
    expect(e.scores.audit).toBeNull();
    expect(e.missing[0]).toMatchObject({ input: "audit", reason: "incomplete" });
  });

  it("is incomplete when a sample is below the référentiel's minimum", () => {
    const e = evaluate(
      referential(),
      inputs(undefined, { agents: { periodEnd: "2026-01-31", respondents: 20, population: 100, score: 90 } }),
      ON,
    );
    expect(e.state).toBe("incomplete");
    expect(e.missing).toEqual([
      { input: "agents", reason: "insufficient-sample", detail: "Response rate 20 %, at least 30 % needed" },
    ]);
  });

  it("is stale from the max-age anniversary on, not the day before", () => {
    const ref = referential({ maxInputAgeMonths: 18 });
    // The audit of 2026-01-15 is fresh until 2027-07-14 included; surveys of 2026-01-31 until 2027-07-30.
    expect(evaluate(ref, inputs(), "2027-07-14").state).toBe("complete");
    const stale = evaluate(ref, inputs(), "2027-07-15");
    expect(stale.state).toBe("stale");
    expect(stale.proposedTier).toBeNull();
    expect(stale.missing).toEqual([expect.objectContaining({ input: "audit", reason: "stale" })]);
  });

  it("is blocked when blocking non-conformities exceed every tier's allowance", () => {
    const i = inputs([95, 95, 95, 95, 95, 95, 95, 95]);
    i.audit!.blockingNonConformities = 1;
    const e = evaluate(referential(), i, ON);
    expect(e.state).toBe("blocked");
    expect(e.proposedTier).toBeNull();
    expect(e.checks.filter((c) => c.rule === "maxBlockingNonConformities").every((c) => !c.passed)).toBe(true);
  });

  it("shows engagement 8 by its theme until an administrator fills its wording", () => {
    expect(engagementTitle({ number: 8, heading: "Un service public plus simple", wording: null })).toBe(
      "Engagement 8 — éco-responsabilité",
    );
  });

  it("the schema refuses a higher tier easier than the one below", () => {
    const { version: _v, official: _o, ...rules } = referential();
    rules.tiers.or.auditScoreMin = 65;
    const r = ReferentialRulesSchema.safeParse(rules);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(["tiers", "or", "auditScoreMin"]);
  });
});

// ---- properties -------------------------------------------------------------------------------

const score = fc.double({ min: 0, max: 100, noNaN: true });
/** Thresholds as an administrator writes them: at most two decimals. */
const threshold = fc.integer({ min: 0, max: 10_000 }).map((n) => n / 100);
const sorted3 = (arb: fc.Arbitrary<number>) => fc.tuple(arb, arb, arb).map((t) => [...t].sort((a, b) => a - b));

const refArb: fc.Arbitrary<Referential> = fc
  .record({
    audit: sorted3(threshold),
    engagement: sorted3(threshold),
    users: sorted3(threshold),
    agents: sorted3(threshold),
    blocking: sorted3(fc.integer({ min: 0, max: 3 })),
    weights: fc.option(
      fc
        .array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: 8, maxLength: 8 })
        .filter((w) => w.some((x) => x > 0)),
    ),
    minRespondents: fc.integer({ min: 0, max: 100 }),
    minRate: fc.option(threshold),
    maxAge: fc.integer({ min: 1, max: 36 }),
  })
  .map((r) => {
    const tier = (i: number) => ({
      auditScoreMin: r.audit[i]!,
      engagementScoreMin: r.engagement[i]!,
      userSatisfactionMin: r.users[i]!,
      agentScoreMin: r.agents[i]!,
      maxBlockingNonConformities: r.blocking[2 - i]!,
    });
    return referential({
      auditScore: r.weights ? { method: "weighted", weights: r.weights } : { method: "mean" },
      surveys: {
        usagers: { minRespondents: r.minRespondents, minResponseRate: r.minRate },
        agents: { minRespondents: r.minRespondents, minResponseRate: r.minRate },
      },
      maxInputAgeMonths: r.maxAge,
      tiers: { bronze: tier(0), argent: tier(1), or: tier(2) },
    });
  });

const day = fc
  .integer({ min: 0, max: 900 })
  .map((d) => new Date(Date.UTC(2026, 5, 1) - d * 86_400_000).toISOString().slice(0, 10));
const inputsArb: fc.Arbitrary<EvaluationInputs> = fc.record({
  audit: fc.option(
    fc.record({
      auditedOn: day,
      engagements: fc
        .array(score, { minLength: 8, maxLength: 8 })
        .map((s) => s.map((v, i) => ({ number: i + 1, score: v }))),
      blockingNonConformities: fc.integer({ min: 0, max: 4 }),
    }),
    { freq: 8 },
  ),
  usagers: fc.option(
    fc.record({
      periodEnd: day,
      respondents: fc.integer({ min: 0, max: 500 }),
      invited: fc.option(fc.integer({ min: 1, max: 1000 })),
      satisfactionRate: fc.option(score, { freq: 8 }),
    }),
    { freq: 8 },
  ),
  agents: fc.option(
    fc.record({
      periodEnd: day,
      respondents: fc.integer({ min: 0, max: 500 }),
      population: fc.option(fc.integer({ min: 1, max: 1000 })),
      score: fc.option(score, { freq: 8 }),
    }),
    { freq: 8 },
  ),
});

/** One input made better: a score raised, a sample enlarged, or a blocking non-conformity removed. */
type Raise =
  | { kind: "engagement"; n: number; by: number }
  | { kind: "users" | "agents" | "respondents"; by: number }
  | { kind: "blocking" };
const raiseArb: fc.Arbitrary<Raise> = fc.oneof(
  fc.record({ kind: fc.constant("engagement" as const), n: fc.integer({ min: 1, max: 8 }), by: score }),
  fc.record({ kind: fc.constantFrom("users" as const, "agents" as const), by: score }),
  fc.record({ kind: fc.constant("respondents" as const), by: fc.integer({ min: 1, max: 500 }) }),
  fc.constant({ kind: "blocking" as const }),
);

function raise(i: EvaluationInputs, r: Raise): EvaluationInputs {
  const c: EvaluationInputs = structuredClone(i);
  if (r.kind === "engagement" && c.audit) {
    c.audit.engagements = c.audit.engagements.map((e) =>
      e.number === r.n ? { ...e, score: Math.min(100, e.score + r.by) } : e,
    );
  } else if (r.kind === "users" && c.usagers?.satisfactionRate != null) {
    c.usagers.satisfactionRate = Math.min(100, c.usagers.satisfactionRate + r.by);
  } else if (r.kind === "agents" && c.agents?.score != null) {
    c.agents.score = Math.min(100, c.agents.score + r.by);
  } else if (r.kind === "respondents") {
    if (c.usagers) c.usagers.respondents += r.by;
    if (c.agents) c.agents.respondents += r.by;
  } else if (r.kind === "blocking" && c.audit && c.audit.blockingNonConformities > 0) {
    c.audit.blockingNonConformities -= 1;
  }
  return c;
}

describe("tier engine: properties", () => {
  it("every generated référentiel is one the schema accepts", () => {
    fc.assert(
      fc.property(refArb, (ref) => {
        const { version: _v, official: _o, ...rules } = ref;
        expect(ReferentialRulesSchema.safeParse(rules).success).toBe(true);
      }),
    );
  });

  it("same inputs → same output", () => {
    fc.assert(
      fc.property(refArb, inputsArb, (ref, i) => {
        expect(evaluate(ref, structuredClone(i), ON)).toEqual(evaluate(ref, structuredClone(i), ON));
      }),
    );
  });

  it("raising any input never lowers the tier", () => {
    fc.assert(
      fc.property(refArb, inputsArb, raiseArb, (ref, i, r) => {
        const before = evaluate(ref, i, ON).proposedTier;
        const after = evaluate(ref, raise(i, r), ON).proposedTier;
        expect(rank(after)).toBeGreaterThanOrEqual(rank(before));
      }),
      { numRuns: 500 },
    );
  });

  it("a value equal to its threshold passes", () => {
    fc.assert(
      fc.property(refArb, fc.constantFrom(...TIER_ORDER), (ref, tier) => {
        const t = ref.tiers[tier];
        // Every engagement at exactly max(audit, engagement) minimum: the audit score (mean or
        // weighted) then equals it too; surveys at exactly their minimum; blocking at its maximum.
        const s = Math.max(t.auditScoreMin, t.engagementScoreMin);
        const exact = evaluate(
          { ...ref, tiers: { ...ref.tiers, [tier]: { ...t, auditScoreMin: s, engagementScoreMin: s } } },
          {
            audit: {
              auditedOn: ON,
              engagements: Array.from({ length: 8 }, (_, k) => ({ number: k + 1, score: s })),
              blockingNonConformities: t.maxBlockingNonConformities,
            },
            usagers: { periodEnd: ON, respondents: 100, invited: 100, satisfactionRate: t.userSatisfactionMin },
            agents: { periodEnd: ON, respondents: 100, population: 100, score: t.agentScoreMin },
          },
          ON,
        );
        expect(exact.checks.filter((c) => c.tier === tier).every((c) => c.passed)).toBe(true);
      }),
    );
  });

  it("every failed rule is listed as a failed check, and the proposal is the highest tier without one", () => {
    fc.assert(
      fc.property(refArb, inputsArb, (ref, i) => {
        const e = evaluate(ref, i, ON);
        const failed = (tier: TierName, rule: string) =>
          e.checks.some((c) => c.tier === tier && c.rule === rule && !c.passed);
        for (const tier of TIER_ORDER) {
          const t = ref.tiers[tier];
          expect(e.checks.filter((c) => c.tier === tier)).toHaveLength(12);
          for (const en of i.audit?.engagements ?? []) {
            if (en.score < t.engagementScoreMin) expect(failed(tier, `engagementScoreMin.${en.number}`)).toBe(true);
          }
          if (i.usagers?.satisfactionRate == null || i.usagers.satisfactionRate < t.userSatisfactionMin) {
            expect(failed(tier, "userSatisfactionMin")).toBe(true);
          }
          if (i.agents?.score == null || i.agents.score < t.agentScoreMin)
            expect(failed(tier, "agentScoreMin")).toBe(true);
          if (!i.audit || i.audit.blockingNonConformities > t.maxBlockingNonConformities) {
            expect(failed(tier, "maxBlockingNonConformities")).toBe(true);
          }
        }
        if (e.proposedTier) {
          expect(e.state).toBe("complete");
          expect(e.checks.filter((c) => c.tier === e.proposedTier).every((c) => c.passed)).toBe(true);
        }
        for (const tier of TIER_ORDER.slice(rank(e.proposedTier) + 1)) {
          if (e.state === "complete") expect(e.checks.some((c) => c.tier === tier && !c.passed)).toBe(true);
        }
        // A state other than complete always says why.
        expect(e.state === "complete" || e.state === "blocked" || e.missing.length > 0).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
