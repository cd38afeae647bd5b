CREATE TABLE `backoffice_users` (
	`email` text PRIMARY KEY NOT NULL,
	`role` text NOT NULL,
	`certifier_id` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`created_by` text NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_by` text NOT NULL,
	`disabled_at` text,
	FOREIGN KEY (`certifier_id`) REFERENCES `certifiers`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "backoffice_users_role_body" CHECK(("backoffice_users"."role" = 'admin') = ("backoffice_users"."certifier_id" IS NULL))
);
--> statement-breakpoint
CREATE INDEX `backoffice_users_certifier` ON `backoffice_users` (`certifier_id`);--> statement-breakpoint
ALTER TABLE `webhook_events` ADD `replayed_by` text;--> statement-breakpoint
ALTER TABLE `webhook_events` ADD `replayed_at` text;