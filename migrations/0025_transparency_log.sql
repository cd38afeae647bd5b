-- The transparency log (docs/adr/0012-transparency-log.md, docs/transparency-log.md).
-- log_leaves: one row per logged event, its index in commit order; log_nodes: every complete subtree's
-- hash (level 0 = leaf hashes), filled after commit by the log job; log_checkpoints: signed tree heads.
CREATE TABLE `log_leaves` (
	`idx` integer PRIMARY KEY NOT NULL,
	`data` text NOT NULL,
	`label_event_id` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `log_leaves_event` ON `log_leaves` (`label_event_id`);
--> statement-breakpoint
CREATE TABLE `log_nodes` (
	`level` integer NOT NULL,
	`idx` integer NOT NULL,
	`hash` text NOT NULL,
	PRIMARY KEY(`level`, `idx`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `log_checkpoints` (
	`size` integer PRIMARY KEY NOT NULL,
	`root` text NOT NULL,
	`note` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
-- The one-time backfill: every structure registered and every public label event so far, in the order
-- they were written (registrations by creation time, events by creation time then insertion order).
INSERT INTO `log_leaves` (`idx`, `data`, `label_event_id`, `created_at`)
SELECT row_number() OVER (ORDER BY at, seq) - 1, data, event_id, at FROM (
	SELECT s.created_at AS at, s.rowid AS seq, NULL AS event_id,
		json_object('v', 1, 'type', 'structure.registered', 'structure', s.code, 'on', substr(s.created_at, 1, 10)) AS data
	FROM `structures` s
	UNION ALL
	SELECT e.created_at, e.rowid + 1000000000000, e.id,
		json_object('v', 1,
			'type', 'label.' || CASE WHEN e.type = 'awarded' AND l.supersedes IS NOT NULL THEN 'renewed' ELSE e.type END,
			'structure', l.structure_code, 'label', l.number, 'tier', l.tier, 'on', e.effective_on)
	FROM `label_events` e JOIN `labels` l ON l.number = e.label_number
	WHERE e.type <> 'superseded'
);
--> statement-breakpoint
-- From now on each leaf is appended by the very statement that writes its event, inside that write's
-- batch: whatever verb writes an event, the log has it, in commit order (D1 runs one batch at a time).
CREATE TRIGGER `log_label_event` AFTER INSERT ON `label_events` WHEN NEW.type <> 'superseded' BEGIN
	INSERT INTO `log_leaves` (`idx`, `data`, `label_event_id`)
	SELECT (SELECT coalesce(max(`idx`), -1) + 1 FROM `log_leaves`),
		json_object('v', 1,
			'type', 'label.' || CASE WHEN NEW.type = 'awarded' AND l.supersedes IS NOT NULL THEN 'renewed' ELSE NEW.type END,
			'structure', l.structure_code, 'label', l.number, 'tier', l.tier, 'on', NEW.effective_on),
		NEW.id
	FROM `labels` l WHERE l.number = NEW.label_number;
END;
--> statement-breakpoint
CREATE TRIGGER `log_structure_registered` AFTER INSERT ON `structures` BEGIN
	INSERT INTO `log_leaves` (`idx`, `data`)
	VALUES ((SELECT coalesce(max(`idx`), -1) + 1 FROM `log_leaves`),
		json_object('v', 1, 'type', 'structure.registered', 'structure', NEW.code, 'on', substr(NEW.created_at, 1, 10)));
END;
