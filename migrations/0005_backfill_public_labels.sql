-- Backfills the public read model (public_labels) from structures, labels and certifiers, so an
-- existing database answers correctly right after migrating. The same row as `refreshPublicLabels`
-- (src/db/public-model.ts) builds: the structure, its current label (latest not superseded; ties on
-- the award day go to the latest inserted) and the awarding body's name. Idempotent (upsert).
-- bench/seed.mjs and test/browser/run.mjs run this file again after writing rows straight into SQLite.
INSERT INTO public_labels (code, name, network, city, department, search_text, label_number, tier, status,
  awarded_on, expires_on, superseded_by, certifier_id, certifier_name)
SELECT s.code, s.name, s.network, s.city, s.department, s.search_text, l.number, l.tier, l.status,
  l.awarded_on, l.expires_on, l.superseded_by, l.certifier_id, c.name
FROM structures s
LEFT JOIN labels l ON l.number = (
  SELECT number FROM labels WHERE structure_code = s.code AND superseded_by IS NULL
  ORDER BY awarded_on DESC, rowid DESC LIMIT 1
)
LEFT JOIN certifiers c ON c.id = l.certifier_id
WHERE true
ON CONFLICT (code) DO UPDATE SET name = excluded.name, network = excluded.network, city = excluded.city,
  department = excluded.department, search_text = excluded.search_text, label_number = excluded.label_number,
  tier = excluded.tier, status = excluded.status, awarded_on = excluded.awarded_on,
  expires_on = excluded.expires_on, superseded_by = excluded.superseded_by,
  certifier_id = excluded.certifier_id, certifier_name = excluded.certifier_name;
