-- Status lists signed before their last known copies existed (docs/adr/0010-last-known-answers.md) get one
-- from the effects queue: one `last-known` intent per list, subject `status/<purpose>/<list>`
-- (src/changes/last-known.ts copies the signed list D1 holds to Workers KV). The minute cron takes them at
-- its own pace; nothing is written to KV in this migration.
INSERT INTO effects (id, kind, subject, status, attempts, next_attempt_at, created_at)
SELECT 'eff_' || lower(hex(randomblob(10))), 'last-known', 'status/' || purpose || '/' || list, 'pending', 0,
       strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM status_lists
WHERE true
ON CONFLICT (kind, subject) WHERE status = 'pending' DO NOTHING;
