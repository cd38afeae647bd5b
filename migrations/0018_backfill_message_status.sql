-- Credentials now name one status entry (a 2-bit `message` list: valid / suspended / withdrawn), a proof
-- set, the tier's picture and OB 3.0's schema validator (ADR 0006). Every existing credential is signed
-- again from the effects queue: one `credential` intent per structure that has a label (what the
-- credential says changed, so src/changes/credentials.ts signs it again), and one `status-list` intent
-- per year of labels for the new `message` list (the older `revocation` and `suspension` lists stay, kept
-- current for the credentials handed out before). The minute cron takes them at its own pace; nothing is
-- signed in this migration.
INSERT INTO effects (id, kind, subject, status, attempts, next_attempt_at, created_at)
SELECT 'eff_' || lower(hex(randomblob(10))), 'credential', structure_code, 'pending', 0,
       strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM (SELECT DISTINCT structure_code FROM labels)
WHERE true
ON CONFLICT (kind, subject) WHERE status = 'pending' DO NOTHING;

INSERT INTO effects (id, kind, subject, status, attempts, next_attempt_at, created_at)
SELECT 'eff_' || lower(hex(randomblob(10))), 'status-list', 'message/' || list, 'pending', 0,
       strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM (SELECT DISTINCT list FROM status_entries)
WHERE true
ON CONFLICT (kind, subject) WHERE status = 'pending' DO NOTHING;
