CREATE TABLE `effects` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`subject` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` text NOT NULL,
	`last_error` text,
	`created_at` text NOT NULL,
	`done_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `effects_pending` ON `effects` (`kind`,`subject`) WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX `effects_due` ON `effects` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `effects_done` ON `effects` (`done_at`) WHERE done_at is not null;--> statement-breakpoint
-- Existing events get their role from the actor's prefix (`admin:…`, `certifier:…`, `system:cron`). SQLite
-- needs a default to add a NOT NULL column; every insert names the role, so the default is never used.
ALTER TABLE `label_events` ADD `actor_role` text NOT NULL DEFAULT 'system';--> statement-breakpoint
UPDATE `label_events` SET `actor_role` = CASE
  WHEN `actor` LIKE 'admin:%' THEN 'admin'
  WHEN `actor` LIKE 'certifier:%' THEN 'certifier'
  ELSE 'system' END;--> statement-breakpoint
-- Code SP+ become unique regardless of case. If two registered codes differ only by case, this migration
-- fails and nothing is applied: find them with
--   SELECT lower(code), group_concat(code) FROM structures GROUP BY lower(code) HAVING count(*) > 1;
-- and decide which one is right (docs/operators.md « Code SP+ and case »).
CREATE UNIQUE INDEX `public_labels_code_nocase` ON `public_labels` ("code" collate nocase);--> statement-breakpoint
CREATE UNIQUE INDEX `structures_code_nocase` ON `structures` ("code" collate nocase);