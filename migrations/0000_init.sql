CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`hash` text NOT NULL,
	`prefix` text NOT NULL,
	`role` text NOT NULL,
	`certifier_id` text,
	`name` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`revoked_at` text,
	FOREIGN KEY (`certifier_id`) REFERENCES `certifiers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash` ON `api_keys` (`hash`);--> statement-breakpoint
CREATE INDEX `api_keys_certifier` ON `api_keys` (`certifier_id`);--> statement-breakpoint
CREATE TABLE `assignments` (
	`id` text PRIMARY KEY NOT NULL,
	`structure_code` text NOT NULL,
	`certifier_id` text NOT NULL,
	`contract_ref` text NOT NULL,
	`assigned_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`actor` text NOT NULL,
	FOREIGN KEY (`structure_code`) REFERENCES `structures`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`certifier_id`) REFERENCES `certifiers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `assignments_structure` ON `assignments` (`structure_code`,`assigned_at`);--> statement-breakpoint
CREATE TABLE `audits` (
	`id` text PRIMARY KEY NOT NULL,
	`structure_code` text NOT NULL,
	`certifier_id` text NOT NULL,
	`audit_ref` text NOT NULL,
	`kind` text NOT NULL,
	`audited_on` text NOT NULL,
	`referential_version` text,
	`engagements` text NOT NULL,
	`criteria` text NOT NULL,
	`blocking_non_conformities` integer NOT NULL,
	`report_url` text,
	`content_hash` text NOT NULL,
	`webhook_event_id` text,
	`received_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`structure_code`) REFERENCES `structures`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`certifier_id`) REFERENCES `certifiers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`webhook_event_id`) REFERENCES `webhook_events`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `audits_ref` ON `audits` (`certifier_id`,`audit_ref`);--> statement-breakpoint
CREATE INDEX `audits_structure` ON `audits` (`structure_code`,`audited_on`);--> statement-breakpoint
CREATE TABLE `certifiers` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`siret` text,
	`contact_email` text NOT NULL,
	`habilitation_from` text NOT NULL,
	`habilitation_until` text NOT NULL,
	`habilitation_status` text DEFAULT 'active' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `label_events` (
	`id` text PRIMARY KEY NOT NULL,
	`label_number` text NOT NULL,
	`type` text NOT NULL,
	`from_status` text,
	`to_status` text NOT NULL,
	`reason` text,
	`actor` text NOT NULL,
	`effective_on` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`label_number`) REFERENCES `labels`(`number`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `label_events_label` ON `label_events` (`label_number`,`created_at`);--> statement-breakpoint
CREATE TABLE `labels` (
	`number` text PRIMARY KEY NOT NULL,
	`structure_code` text NOT NULL,
	`certifier_id` text NOT NULL,
	`tier` text NOT NULL,
	`status` text NOT NULL,
	`awarded_on` text NOT NULL,
	`expires_on` text NOT NULL,
	`original_awarded_on` text NOT NULL,
	`supersedes` text,
	`superseded_by` text,
	`decision_id` text,
	`status_changed_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`structure_code`) REFERENCES `structures`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`certifier_id`) REFERENCES `certifiers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `labels_structure` ON `labels` (`structure_code`,`awarded_on`);--> statement-breakpoint
CREATE INDEX `labels_status_expires` ON `labels` (`status`,`expires_on`);--> statement-breakpoint
CREATE INDEX `labels_tier_number` ON `labels` (`tier`,`number`);--> statement-breakpoint
CREATE TABLE `structures` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`network` text NOT NULL,
	`typology` text,
	`category` text NOT NULL,
	`parent_code` text,
	`siret` text,
	`postcode` text NOT NULL,
	`city` text NOT NULL,
	`department` text NOT NULL,
	`region` text,
	`website` text,
	`contacts` text NOT NULL,
	`certifier_id` text,
	`contract_ref` text,
	`search_text` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`certifier_id`) REFERENCES `certifiers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `structures_network_code` ON `structures` (`network`,`code`);--> statement-breakpoint
CREATE INDEX `structures_department_code` ON `structures` (`department`,`code`);--> statement-breakpoint
CREATE INDEX `structures_category_code` ON `structures` (`category`,`code`);--> statement-breakpoint
CREATE INDEX `structures_parent` ON `structures` (`parent_code`);--> statement-breakpoint
CREATE INDEX `structures_name` ON `structures` (`name`);--> statement-breakpoint
CREATE INDEX `structures_certifier` ON `structures` (`certifier_id`);--> statement-breakpoint
CREATE TABLE `surveys` (
	`id` text PRIMARY KEY NOT NULL,
	`structure_code` text NOT NULL,
	`certifier_id` text NOT NULL,
	`survey_ref` text NOT NULL,
	`kind` text NOT NULL,
	`period_start` text NOT NULL,
	`period_end` text NOT NULL,
	`invited` integer,
	`population` integer,
	`respondents` integer NOT NULL,
	`satisfaction_rate` real,
	`net_satisfaction` real,
	`score` real,
	`content_hash` text NOT NULL,
	`webhook_event_id` text,
	`received_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`structure_code`) REFERENCES `structures`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`certifier_id`) REFERENCES `certifiers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`webhook_event_id`) REFERENCES `webhook_events`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `surveys_ref` ON `surveys` (`certifier_id`,`survey_ref`);--> statement-breakpoint
CREATE INDEX `surveys_structure` ON `surveys` (`structure_code`,`kind`,`period_end`);--> statement-breakpoint
CREATE TABLE `webhook_events` (
	`id` text PRIMARY KEY NOT NULL,
	`certifier_id` text NOT NULL,
	`webhook_id` text NOT NULL,
	`type` text NOT NULL,
	`status` text NOT NULL,
	`payload` text NOT NULL,
	`response_status` integer,
	`response_body` text,
	`error` text,
	`deliveries` integer DEFAULT 1 NOT NULL,
	`received_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`applied_at` text,
	FOREIGN KEY (`certifier_id`) REFERENCES `certifiers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_events_delivery` ON `webhook_events` (`certifier_id`,`webhook_id`);--> statement-breakpoint
CREATE INDEX `webhook_events_status` ON `webhook_events` (`status`,`received_at`);--> statement-breakpoint
CREATE INDEX `webhook_events_received` ON `webhook_events` (`received_at`);--> statement-breakpoint
CREATE TABLE `webhook_secrets` (
	`id` text PRIMARY KEY NOT NULL,
	`certifier_id` text NOT NULL,
	`secret` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`expires_at` text,
	FOREIGN KEY (`certifier_id`) REFERENCES `certifiers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `webhook_secrets_certifier` ON `webhook_secrets` (`certifier_id`,`created_at`);