-- Issue 25: each labelled service's quality results on its public answers, and « le label en chiffres ».
-- 1. structures.audit_funded: the DITP funds this candidate's audit (set by an administrator).
-- 2. The public read model gets the region, the results behind the current label (its decision's users'
--    survey and audit, the référentiel's engagement names and the tier's threshold: src/db/public-results.ts),
--    the agents' score (national aggregate only), whether the structure is a candidate, and the funding flag.
-- 3. public_figures: counters per (dimension, key), kept by the triggers below in the statement that changes
--    a read-model row or inserts a label (docs/adr/0009-figures-kept-by-triggers.md). The triggers' bodies
--    and the first fill are generated from src/db/figures.ts (figureContributions, FIGURES_FROM_SCRATCH):
--    change both together.
ALTER TABLE `structures` ADD `audit_funded` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `public_labels` ADD `region` text;--> statement-breakpoint
ALTER TABLE `public_labels` ADD `results` text;--> statement-breakpoint
ALTER TABLE `public_labels` ADD `agents_score` real;--> statement-breakpoint
ALTER TABLE `public_labels` ADD `candidate` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `public_labels` ADD `audit_funded` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE TABLE `public_figures` (
	`dim` text NOT NULL,
	`key` text NOT NULL,
	`n` integer DEFAULT 0 NOT NULL,
	`value_sum` real DEFAULT 0 NOT NULL,
	`value_n` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`dim`, `key`)
);--> statement-breakpoint
-- Backfill of the new read-model columns (what refreshPublicLabels now writes), before the triggers exist.
UPDATE `public_labels` SET
  `region` = (SELECT s.region FROM structures s WHERE s.code = public_labels.code),
  `results` = CASE WHEN label_number IS NULL THEN NULL ELSE
(select json_object(
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
  ) from decisions d left join referentials r on r.version = d.referential_version where d.id = (SELECT l.decision_id FROM labels l WHERE l.number = public_labels.label_number))
  END,
  `agents_score` = CASE WHEN label_number IS NULL THEN NULL ELSE
(select s.score from decisions d join surveys s
    on s.id = json_extract(d.evaluation, '$.inputs.agentsSurveyId') where d.id = (SELECT l.decision_id FROM labels l WHERE l.number = public_labels.label_number))
  END,
  `candidate` = (label_number IS NULL AND (SELECT s.certifier_id FROM structures s WHERE s.code = public_labels.code) IS NOT NULL)
WHERE true;--> statement-breakpoint
INSERT INTO public_figures (dim, key, n, value_sum, value_n) SELECT dim, key, n, v, vn FROM (SELECT dim, key, sum(n) AS n, sum(v) AS v, sum(vn) AS vn FROM (
SELECT json_extract(j.value, '$[0]') AS dim, json_extract(j.value, '$[1]') AS key, json_extract(j.value, '$[2]') AS n, json_extract(j.value, '$[3]') AS v, json_extract(j.value, '$[4]') AS vn FROM public_labels p, json_each(json_array(
  json(CASE WHEN p.label_number IS NOT NULL THEN json_array('etat_palier', p.status || '/' || p.tier, 1, 0, 0) END),
  json(CASE WHEN p.status = 'valid' THEN json_array('palier', p.tier, 1, 1 * coalesce(json_extract(p.results, '$.users.satisfactionRate'), 0), 1 * (json_extract(p.results, '$.users.satisfactionRate') IS NOT NULL)) END),
  json(CASE WHEN p.status = 'valid' THEN json_array('reseau', p.network, 1, 1 * coalesce(json_extract(p.results, '$.users.satisfactionRate'), 0), 1 * (json_extract(p.results, '$.users.satisfactionRate') IS NOT NULL)) END),
  json(CASE WHEN p.status = 'valid' THEN json_array('region', coalesce(p.region, ''), 1, 0, 0) END),
  json(CASE WHEN p.status = 'valid' THEN json_array('departement', p.department, 1, 0, 0) END),
  json(CASE WHEN p.status = 'valid' THEN json_array('agents', '', 1, 1 * coalesce(p.agents_score, 0), 1 * (p.agents_score IS NOT NULL)) END),
  json(CASE WHEN p.candidate = 1 THEN json_array('candidats', p.network, 1, 0, 0) END),
  json(CASE WHEN p.candidate = 1 AND p.audit_funded = 1 THEN json_array('finances', p.network, 1, 0, 0) END))) j WHERE j.type = 'array'
UNION ALL SELECT 'mois' AS dim, substr(l.awarded_on, 1, 7) AS key, 1 AS n, 0 AS v, 0 AS vn FROM labels l
) GROUP BY dim, key) WHERE true
ON CONFLICT (dim, key) DO UPDATE SET n = excluded.n, value_sum = excluded.value_sum, value_n = excluded.value_n;--> statement-breakpoint
CREATE TRIGGER public_figures_insert AFTER INSERT ON public_labels BEGIN
INSERT INTO public_figures (dim, key, n, value_sum, value_n)
SELECT dim, key, n, v, vn FROM (SELECT json_extract(j.value, '$[0]') AS dim, json_extract(j.value, '$[1]') AS key, json_extract(j.value, '$[2]') AS n, json_extract(j.value, '$[3]') AS v, json_extract(j.value, '$[4]') AS vn FROM json_each(json_array(
  json(CASE WHEN NEW.label_number IS NOT NULL THEN json_array('etat_palier', NEW.status || '/' || NEW.tier, 1, 0, 0) END),
  json(CASE WHEN NEW.status = 'valid' THEN json_array('palier', NEW.tier, 1, 1 * coalesce(json_extract(NEW.results, '$.users.satisfactionRate'), 0), 1 * (json_extract(NEW.results, '$.users.satisfactionRate') IS NOT NULL)) END),
  json(CASE WHEN NEW.status = 'valid' THEN json_array('reseau', NEW.network, 1, 1 * coalesce(json_extract(NEW.results, '$.users.satisfactionRate'), 0), 1 * (json_extract(NEW.results, '$.users.satisfactionRate') IS NOT NULL)) END),
  json(CASE WHEN NEW.status = 'valid' THEN json_array('region', coalesce(NEW.region, ''), 1, 0, 0) END),
  json(CASE WHEN NEW.status = 'valid' THEN json_array('departement', NEW.department, 1, 0, 0) END),
  json(CASE WHEN NEW.status = 'valid' THEN json_array('agents', '', 1, 1 * coalesce(NEW.agents_score, 0), 1 * (NEW.agents_score IS NOT NULL)) END),
  json(CASE WHEN NEW.candidate = 1 THEN json_array('candidats', NEW.network, 1, 0, 0) END),
  json(CASE WHEN NEW.candidate = 1 AND NEW.audit_funded = 1 THEN json_array('finances', NEW.network, 1, 0, 0) END))) j WHERE j.type = 'array') WHERE true
ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n, value_sum = value_sum + excluded.value_sum,
  value_n = value_n + excluded.value_n;
END;--> statement-breakpoint
CREATE TRIGGER public_figures_update AFTER UPDATE ON public_labels BEGIN
INSERT INTO public_figures (dim, key, n, value_sum, value_n)
SELECT dim, key, n, v, vn FROM (SELECT json_extract(j.value, '$[0]') AS dim, json_extract(j.value, '$[1]') AS key, json_extract(j.value, '$[2]') AS n, json_extract(j.value, '$[3]') AS v, json_extract(j.value, '$[4]') AS vn FROM json_each(json_array(
  json(CASE WHEN OLD.label_number IS NOT NULL THEN json_array('etat_palier', OLD.status || '/' || OLD.tier, -1, 0, 0) END),
  json(CASE WHEN OLD.status = 'valid' THEN json_array('palier', OLD.tier, -1, -1 * coalesce(json_extract(OLD.results, '$.users.satisfactionRate'), 0), -1 * (json_extract(OLD.results, '$.users.satisfactionRate') IS NOT NULL)) END),
  json(CASE WHEN OLD.status = 'valid' THEN json_array('reseau', OLD.network, -1, -1 * coalesce(json_extract(OLD.results, '$.users.satisfactionRate'), 0), -1 * (json_extract(OLD.results, '$.users.satisfactionRate') IS NOT NULL)) END),
  json(CASE WHEN OLD.status = 'valid' THEN json_array('region', coalesce(OLD.region, ''), -1, 0, 0) END),
  json(CASE WHEN OLD.status = 'valid' THEN json_array('departement', OLD.department, -1, 0, 0) END),
  json(CASE WHEN OLD.status = 'valid' THEN json_array('agents', '', -1, -1 * coalesce(OLD.agents_score, 0), -1 * (OLD.agents_score IS NOT NULL)) END),
  json(CASE WHEN OLD.candidate = 1 THEN json_array('candidats', OLD.network, -1, 0, 0) END),
  json(CASE WHEN OLD.candidate = 1 AND OLD.audit_funded = 1 THEN json_array('finances', OLD.network, -1, 0, 0) END))) j WHERE j.type = 'array') WHERE true
ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n, value_sum = value_sum + excluded.value_sum,
  value_n = value_n + excluded.value_n;
INSERT INTO public_figures (dim, key, n, value_sum, value_n)
SELECT dim, key, n, v, vn FROM (SELECT json_extract(j.value, '$[0]') AS dim, json_extract(j.value, '$[1]') AS key, json_extract(j.value, '$[2]') AS n, json_extract(j.value, '$[3]') AS v, json_extract(j.value, '$[4]') AS vn FROM json_each(json_array(
  json(CASE WHEN NEW.label_number IS NOT NULL THEN json_array('etat_palier', NEW.status || '/' || NEW.tier, 1, 0, 0) END),
  json(CASE WHEN NEW.status = 'valid' THEN json_array('palier', NEW.tier, 1, 1 * coalesce(json_extract(NEW.results, '$.users.satisfactionRate'), 0), 1 * (json_extract(NEW.results, '$.users.satisfactionRate') IS NOT NULL)) END),
  json(CASE WHEN NEW.status = 'valid' THEN json_array('reseau', NEW.network, 1, 1 * coalesce(json_extract(NEW.results, '$.users.satisfactionRate'), 0), 1 * (json_extract(NEW.results, '$.users.satisfactionRate') IS NOT NULL)) END),
  json(CASE WHEN NEW.status = 'valid' THEN json_array('region', coalesce(NEW.region, ''), 1, 0, 0) END),
  json(CASE WHEN NEW.status = 'valid' THEN json_array('departement', NEW.department, 1, 0, 0) END),
  json(CASE WHEN NEW.status = 'valid' THEN json_array('agents', '', 1, 1 * coalesce(NEW.agents_score, 0), 1 * (NEW.agents_score IS NOT NULL)) END),
  json(CASE WHEN NEW.candidate = 1 THEN json_array('candidats', NEW.network, 1, 0, 0) END),
  json(CASE WHEN NEW.candidate = 1 AND NEW.audit_funded = 1 THEN json_array('finances', NEW.network, 1, 0, 0) END))) j WHERE j.type = 'array') WHERE true
ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n, value_sum = value_sum + excluded.value_sum,
  value_n = value_n + excluded.value_n;
END;--> statement-breakpoint
CREATE TRIGGER public_figures_delete AFTER DELETE ON public_labels BEGIN
INSERT INTO public_figures (dim, key, n, value_sum, value_n)
SELECT dim, key, n, v, vn FROM (SELECT json_extract(j.value, '$[0]') AS dim, json_extract(j.value, '$[1]') AS key, json_extract(j.value, '$[2]') AS n, json_extract(j.value, '$[3]') AS v, json_extract(j.value, '$[4]') AS vn FROM json_each(json_array(
  json(CASE WHEN OLD.label_number IS NOT NULL THEN json_array('etat_palier', OLD.status || '/' || OLD.tier, -1, 0, 0) END),
  json(CASE WHEN OLD.status = 'valid' THEN json_array('palier', OLD.tier, -1, -1 * coalesce(json_extract(OLD.results, '$.users.satisfactionRate'), 0), -1 * (json_extract(OLD.results, '$.users.satisfactionRate') IS NOT NULL)) END),
  json(CASE WHEN OLD.status = 'valid' THEN json_array('reseau', OLD.network, -1, -1 * coalesce(json_extract(OLD.results, '$.users.satisfactionRate'), 0), -1 * (json_extract(OLD.results, '$.users.satisfactionRate') IS NOT NULL)) END),
  json(CASE WHEN OLD.status = 'valid' THEN json_array('region', coalesce(OLD.region, ''), -1, 0, 0) END),
  json(CASE WHEN OLD.status = 'valid' THEN json_array('departement', OLD.department, -1, 0, 0) END),
  json(CASE WHEN OLD.status = 'valid' THEN json_array('agents', '', -1, -1 * coalesce(OLD.agents_score, 0), -1 * (OLD.agents_score IS NOT NULL)) END),
  json(CASE WHEN OLD.candidate = 1 THEN json_array('candidats', OLD.network, -1, 0, 0) END),
  json(CASE WHEN OLD.candidate = 1 AND OLD.audit_funded = 1 THEN json_array('finances', OLD.network, -1, 0, 0) END))) j WHERE j.type = 'array') WHERE true
ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n, value_sum = value_sum + excluded.value_sum,
  value_n = value_n + excluded.value_n;
END;--> statement-breakpoint
CREATE TRIGGER public_figures_award AFTER INSERT ON labels BEGIN
INSERT INTO public_figures (dim, key, n, value_sum, value_n)
SELECT dim, key, n, v, vn FROM (SELECT 'mois' AS dim, substr(NEW.awarded_on, 1, 7) AS key, 1 AS n, 0 AS v, 0 AS vn) WHERE true
ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n, value_sum = value_sum + excluded.value_sum,
  value_n = value_n + excluded.value_n;
END;
