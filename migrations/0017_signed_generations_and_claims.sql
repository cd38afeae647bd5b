-- Signed documents are saved only if nothing newer was saved since they were read (docs/adr/0008).
ALTER TABLE `credentials` ADD `generation` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `status_lists` ADD `generation` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
-- The copy applying a webhook delivery holds a claim: every update of the row checks its token, and
-- another copy takes over only once the claim is older than the takeover delay.
ALTER TABLE `webhook_events` ADD `claim_token` text;--> statement-breakpoint
ALTER TABLE `webhook_events` ADD `claimed_at` text;--> statement-breakpoint
-- The run carrying an effect out holds a claim too: its outcome is recorded only while it holds it.
ALTER TABLE `effects` ADD `claim_token` text;
