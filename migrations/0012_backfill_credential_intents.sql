-- Labels awarded before credentials existed get theirs from the effects queue: one `credential` intent
-- per structure that has a label (src/changes/credentials.ts signs every label of the structure, and its
-- status lists). The minute cron takes them at its own pace; nothing is signed in this migration.
INSERT INTO effects (id, kind, subject, status, attempts, next_attempt_at, created_at)
SELECT 'eff_' || lower(hex(randomblob(10))), 'credential', structure_code, 'pending', 0,
       strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM (SELECT DISTINCT structure_code FROM labels)
WHERE true
ON CONFLICT (kind, subject) WHERE status = 'pending' DO NOTHING;
