ALTER TABLE `webhook_events` ADD `payload_sha256` text;--> statement-breakpoint
ALTER TABLE `webhook_events` ADD `payload_size` integer;--> statement-breakpoint
ALTER TABLE `webhook_events` ADD `payload_truncated` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX `audits_webhook_event` ON `audits` (`webhook_event_id`);--> statement-breakpoint
CREATE INDEX `decisions_webhook_event` ON `decisions` (`webhook_event_id`);--> statement-breakpoint
CREATE INDEX `surveys_webhook_event` ON `surveys` (`webhook_event_id`);