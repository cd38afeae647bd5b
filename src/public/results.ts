/**
 * The published results of a label: the stored results (src/db/public-results.ts) cut by the publication
 * policy (src/domain/publication.ts) and put in the public vocabulary — the same object in the JSON answer,
 * the CSV and the verification page. Whether a score meets the tier's threshold is decided here, once.
 */
import type { StoredResults } from "../db/public-results";
import type { PublicationPolicy } from "../domain/publication";
import { engagementTitle } from "../domain/referential";

export type PublicEngagementResult = {
  number: number;
  name: string;
  /** The heading of the référentiel (« Un service public plus proche »…). */
  heading: string;
  score: number;
  threshold: number | null;
  /** null when the référentiel gives no threshold for the tier. */
  meetsThreshold: boolean | null;
};

export type PublicResults = {
  decidedOn: string;
  referential: { version: string; official: boolean };
  usersSurvey: {
    periodStart: string;
    periodEnd: string;
    invited: number | null;
    respondents: number;
    /** Respondents among those invited, in %, one decimal (null when the number invited is not known). */
    responseRate: number | null;
    satisfactionRate: number | null;
    netSatisfaction: number | null;
  } | null;
  audit: {
    auditedOn: string;
    kind: NonNullable<StoredResults["audit"]>["kind"];
    tier: StoredResults["tier"];
    threshold: number | null;
    engagements: PublicEngagementResult[];
    /** How many engagements reach the threshold. */
    engagementsMet: number;
  } | null;
};

const round1 = (x: number) => Math.round(x * 10) / 10;

/** The published part of `stored`; null when nothing of it is published (or there is nothing). */
export function publishedResults(stored: StoredResults | null, policy: PublicationPolicy): PublicResults | null {
  if (!stored) return null;
  const u = policy.usersSurvey === "per-structure" ? stored.users : null;
  const a = policy.audit === "per-structure" ? stored.audit : null;
  if (!u && !a) return null;
  const names = new Map((stored.engagementNames ?? []).map((e) => [e.number, e]));
  const threshold = stored.threshold;
  const engagements = (a?.engagements ?? [])
    .slice()
    .sort((x, y) => x.number - y.number)
    .map((e): PublicEngagementResult => {
      const ref = names.get(e.number);
      return {
        number: e.number,
        name: engagementTitle(ref ?? { number: e.number, heading: "", wording: null }),
        heading: ref?.heading ?? "",
        score: e.score,
        threshold,
        meetsThreshold: threshold === null ? null : e.score >= threshold,
      };
    });
  return {
    decidedOn: stored.decidedOn,
    referential: { version: stored.referentialVersion, official: stored.official === 1 },
    usersSurvey: u
      ? {
          periodStart: u.periodStart,
          periodEnd: u.periodEnd,
          invited: u.invited,
          respondents: u.respondents,
          responseRate: u.invited ? round1((100 * u.respondents) / u.invited) : null,
          satisfactionRate: u.satisfactionRate,
          netSatisfaction: u.netSatisfaction,
        }
      : null,
    audit: a
      ? {
          auditedOn: a.auditedOn,
          kind: a.kind,
          tier: stored.tier,
          threshold,
          engagements,
          engagementsMet: engagements.filter((e) => e.meetsThreshold).length,
        }
      : null,
  };
}

export type HistoryResults = {
  usersSurvey: {
    periodStart: string;
    periodEnd: string;
    respondents: number;
    satisfactionRate: number | null;
    netSatisfaction: number | null;
  } | null;
  audit: { auditedOn: string; engagementsMet: number; averageScore: number } | null;
} | null;

/** What an award shows of its results in the public history: the survey period and the audit, in short. */
export function historyResults(stored: StoredResults | null, policy: PublicationPolicy): HistoryResults {
  const full = publishedResults(stored, policy);
  if (!full) return null;
  const u = full.usersSurvey;
  const a = full.audit;
  const scores = a?.engagements.map((e) => e.score) ?? [];
  return {
    usersSurvey: u
      ? {
          periodStart: u.periodStart,
          periodEnd: u.periodEnd,
          respondents: u.respondents,
          satisfactionRate: u.satisfactionRate,
          netSatisfaction: u.netSatisfaction,
        }
      : null,
    audit:
      a && scores.length > 0
        ? {
            auditedOn: a.auditedOn,
            engagementsMet: a.engagementsMet,
            averageScore: round1(scores.reduce((x, y) => x + y, 0) / scores.length),
          }
        : null,
  };
}
