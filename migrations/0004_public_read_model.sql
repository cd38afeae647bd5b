CREATE TABLE `public_labels` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`network` text NOT NULL,
	`city` text NOT NULL,
	`department` text NOT NULL,
	`search_text` text NOT NULL,
	`label_number` text,
	`tier` text,
	`status` text,
	`awarded_on` text,
	`expires_on` text,
	`superseded_by` text,
	`certifier_id` text,
	`certifier_name` text,
	FOREIGN KEY (`code`) REFERENCES `structures`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `public_labels_number` ON `public_labels` (`label_number`);--> statement-breakpoint
CREATE INDEX `public_labels_labelled_code` ON `public_labels` (`code`) WHERE label_number IS NOT NULL;--> statement-breakpoint
CREATE INDEX `public_labels_tier_code` ON `public_labels` (`tier`,`code`);--> statement-breakpoint
CREATE INDEX `public_labels_network_code` ON `public_labels` (`network`,`code`);--> statement-breakpoint
CREATE INDEX `public_labels_department_code` ON `public_labels` (`department`,`code`);--> statement-breakpoint
CREATE INDEX `public_labels_status_code` ON `public_labels` (`status`,`code`);--> statement-breakpoint
CREATE INDEX `public_labels_status_expires` ON `public_labels` (`status`,`expires_on`);--> statement-breakpoint
CREATE INDEX `public_labels_certifier` ON `public_labels` (`certifier_id`);