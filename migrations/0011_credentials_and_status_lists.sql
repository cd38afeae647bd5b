CREATE TABLE `credentials` (
	`label_number` text PRIMARY KEY NOT NULL,
	`document` text NOT NULL,
	`content_hash` text NOT NULL,
	`verification_method` text NOT NULL,
	`signed_at` text NOT NULL,
	FOREIGN KEY (`label_number`) REFERENCES `labels`(`number`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `status_entries` (
	`label_number` text PRIMARY KEY NOT NULL,
	`list` text NOT NULL,
	`idx` integer NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`label_number`) REFERENCES `labels`(`number`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `status_entries_list_index` ON `status_entries` (`list`,`idx`);--> statement-breakpoint
CREATE TABLE `status_lists` (
	`purpose` text NOT NULL,
	`list` text NOT NULL,
	`document` text NOT NULL,
	`bits_hash` text NOT NULL,
	`verification_method` text NOT NULL,
	`signed_at` text NOT NULL,
	PRIMARY KEY(`purpose`, `list`)
);
