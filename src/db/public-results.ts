/**
 * The quality results behind a label, as stored in the public read model (`public_labels.results`) and
 * read with the public history: the users' survey and the audit the decision was taken on (the input ids
 * its evaluation kept), the référentiel's engagement names and the tier's threshold per engagement.
 * Computed in SQL, so `refreshPublicLabels` keeps them in the batch of every write, like the rest of the row.
 * Stored whole; what of it is published is decided at render by the publication policy
 * (src/domain/publication.ts, src/public/results.ts). The agents' survey is NOT here: it is never
 * published per structure (only `public_labels.agents_score`, which feeds the national aggregate).
 */
import { type AnyColumn, type SQL, sql } from "drizzle-orm";
import type { EngagementScore, LabelStatus } from "./schema";

export type StoredResults = {
  decidedOn: string;
  tier: "bronze" | "argent" | "or";
  referentialVersion: string;
  /** 1 when the référentiel is official, 0 for the illustrative one. */
  official: number | null;
  /** The decided tier's minimum score per engagement (`engagementScoreMin`). */
  threshold: number | null;
  engagementNames: { number: number; heading: string; wording: string | null }[] | null;
  users: {
    periodStart: string;
    periodEnd: string;
    invited: number | null;
    respondents: number;
    satisfactionRate: number | null;
    netSatisfaction: number | null;
  } | null;
  audit: { auditedOn: string; kind: "initial" | "suivi" | "renouvellement"; engagements: EngagementScore[] } | null;
};

/**
 * The results of the label whose decision id and tier are `decisionId` (a column of the outer query,
 * `labels.decision_id`). NULL for a label without a decision (imported before decisions existed).
 */
export function resultsOf(decisionId: AnyColumn | SQL | string): SQL<StoredResults | null> {
  const id = typeof decisionId === "string" ? sql.raw(decisionId) : sql`${decisionId}`;
  return sql`(select json_object(
    'decidedOn', d.decided_on,
    'tier', d.tier,
    'referentialVersion', d.referential_version,
    'official', r.official,
    'threshold', json_extract(r.rules, '$.tiers.' || d.tier || '.engagementScoreMin'),
    'engagementNames', json(json_extract(r.rules, '$.engagements')),
    'users', json((select json_object('periodStart', s.period_start, 'periodEnd', s.period_end,
      'invited', s.invited, 'respondents', s.respondents, 'satisfactionRate', s.satisfaction_rate,
      'netSatisfaction', s.net_satisfaction)
      from surveys s where s.id = json_extract(d.evaluation, '$.inputs.usagersSurveyId'))),
    'audit', json((select json_object('auditedOn', a.audited_on, 'kind', a.kind, 'engagements', json(a.engagements))
      from audits a where a.id = json_extract(d.evaluation, '$.inputs.auditId')))
  ) from decisions d left join referentials r on r.version = d.referential_version where d.id = ${id})`.mapWith(
    (v: string | null) => (v ? (JSON.parse(v) as StoredResults) : null),
  );
}

/** The agents' score behind the label of decision `decisionId` (national aggregate only). */
export function agentsScoreOf(decisionId: AnyColumn | SQL | string): SQL<number | null> {
  const id = typeof decisionId === "string" ? sql.raw(decisionId) : sql`${decisionId}`;
  return sql<number | null>`(select s.score from decisions d join surveys s
    on s.id = json_extract(d.evaluation, '$.inputs.agentsSurveyId') where d.id = ${id})`;
}

export type PublicEventType = "awarded" | "renewed" | "suspended" | "reinstated" | "withdrawn" | "expired";

/** One event of a structure's public history (`public_labels.history`). */
export type PublicEvent = {
  labelNumber: string;
  type: PublicEventType;
  /** The label's status after the event. */
  toStatus: LabelStatus;
  effectiveOn: string;
  tier: "bronze" | "argent" | "or";
  /** The event's leaf in the transparency log (docs/transparency-log.md); null if the log has none. */
  logIndex: number | null;
  /** The survey and audit an award was decided on (cut by the publication policy when shown). */
  results: StoredResults | null;
};

/** The most events a public history holds (its newest ones). */
export const HISTORY_MAX = 50;

/**
 * The public history of the structure `code` (a column of the outer query), newest first, at most
 * HISTORY_MAX events: awarded (renewed, for a label that replaced another), suspended, reinstated,
 * withdrawn, expired — with their day and log index, never who made them nor why (actors and reasons
 * stay private); an award carries its results. `superseded` is the renewal chain's bookkeeping: the
 * public sees the renewal's own event. Commit order (`rowid`, docs/adr/0007-label-versions.md): the last
 * event is the label's current status, whatever days were given. Kept in the read model by
 * `refreshPublicLabels`, in the batch that writes the events (after them, so their log leaves exist), so
 * a verification page reads one row. Indexed: the labels by `labels_structure`, their events by
 * `label_events_label`, each leaf by `log_leaves_event`.
 */
export function historyOf(code: AnyColumn): SQL<PublicEvent[]> {
  return sql`(select coalesce(json_group_array(json(h.event)), '[]') from (
    select json_object(
      'labelNumber', e.label_number,
      'type', case when e.type = 'awarded' and l.supersedes is not null then 'renewed' else e.type end,
      'toStatus', e.to_status,
      'effectiveOn', e.effective_on,
      'tier', l.tier,
      'logIndex', (select f.idx from log_leaves f where f.label_event_id = e.id),
      'results', case when e.type = 'awarded' then json(${resultsOf("l.decision_id")}) end
    ) as event
    from labels l join label_events e on e.label_number = l.number
    where l.structure_code = ${code} and e.type <> 'superseded'
    order by e.rowid desc limit ${sql.raw(String(HISTORY_MAX))}
  ) h)`.mapWith((v: string | null) => (v ? (JSON.parse(v) as PublicEvent[]) : []));
}
