ALTER TABLE `webhook_events` ADD `replayed_by` text;--> statement-breakpoint
ALTER TABLE `webhook_events` ADD `replayed_at` text;