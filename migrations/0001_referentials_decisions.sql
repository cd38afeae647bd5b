CREATE TABLE `counters` (
	`name` text PRIMARY KEY NOT NULL,
	`value` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `decisions` (
	`id` text PRIMARY KEY NOT NULL,
	`structure_code` text NOT NULL,
	`certifier_id` text NOT NULL,
	`decision` text NOT NULL,
	`tier` text,
	`proposed_tier` text,
	`referential_version` text NOT NULL,
	`evaluation` text NOT NULL,
	`justification` text,
	`decided_on` text NOT NULL,
	`actor` text NOT NULL,
	`source` text NOT NULL,
	`webhook_event_id` text,
	`label_number` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`structure_code`) REFERENCES `structures`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`certifier_id`) REFERENCES `certifiers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`referential_version`) REFERENCES `referentials`(`version`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`webhook_event_id`) REFERENCES `webhook_events`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `decisions_structure` ON `decisions` (`structure_code`,`decided_on`);--> statement-breakpoint
CREATE TABLE `referentials` (
	`version` text PRIMARY KEY NOT NULL,
	`description` text NOT NULL,
	`official` integer NOT NULL,
	`active` integer DEFAULT false NOT NULL,
	`rules` text NOT NULL,
	`used_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `referentials_one_active` ON `referentials` (`active`) WHERE active = 1;--> statement-breakpoint
CREATE UNIQUE INDEX `labels_supersedes` ON `labels` (`supersedes`) WHERE supersedes IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `labels_decision` ON `labels` (`decision_id`);