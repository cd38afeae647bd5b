-- Fills the public history of the read model (public_labels.history) from labels, label_events, their
-- log leaves (migration 0025) and the decisions' results: the same statement as `historyOf`
-- (src/db/public-results.ts), which `refreshPublicLabels` runs in the batch of every write. Idempotent.
-- Seeds that write events straight into SQLite (bench/seed.mjs, test/browser/run.mjs, test/export/run.mjs)
-- run it again after the rows' backfill (scripts/backfill-file.mjs).
update "public_labels" set "history" = (select coalesce(json_group_array(json(h.event)), '[]') from (
    select json_object(
      'labelNumber', e.label_number,
      'type', case when e.type = 'awarded' and l.supersedes is not null then 'renewed' else e.type end,
      'toStatus', e.to_status,
      'effectiveOn', e.effective_on,
      'tier', l.tier,
      'logIndex', (select f.idx from log_leaves f where f.label_event_id = e.id),
      'results', case when e.type = 'awarded' then json((select json_object(
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
  ) from decisions d left join referentials r on r.version = d.referential_version where d.id = l.decision_id)) end
    ) as event
    from labels l join label_events e on e.label_number = l.number
    where l.structure_code = "public_labels"."code" and e.type <> 'superseded'
    order by e.rowid desc limit 50
  ) h);
