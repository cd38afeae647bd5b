-- One concurrency mechanism for every write that changes a structure's label state
-- (docs/adr/0007-label-versions.md): the structure's label version, compared and bumped inside the
-- write's own batch; and a référentiel's revision, which an award compares when it freezes the version.
ALTER TABLE `structures` ADD `label_version` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `referentials` ADD `revision` integer DEFAULT 0 NOT NULL;
