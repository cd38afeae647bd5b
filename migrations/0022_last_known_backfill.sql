-- Structures registered before the last known answers existed (docs/adr/0010-last-known-answers.md) get
-- theirs from the effects queue: one `last-known` intent per structure (src/changes/last-known.ts writes its
-- public answer, by code and by each label number, to Workers KV). The minute cron takes them at its own
-- pace; nothing is written to KV in this migration.
INSERT INTO effects (id, kind, subject, status, attempts, next_attempt_at, created_at)
SELECT 'eff_' || lower(hex(randomblob(10))), 'last-known', code, 'pending', 0,
       strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM public_labels
WHERE true
ON CONFLICT (kind, subject) WHERE status = 'pending' DO NOTHING;
