-- The public history in the read model (issue 25: a verification page with its history reads one row),
-- kept by `refreshPublicLabels` in the batch of every write (`historyOf`, src/db/public-results.ts);
-- filled for existing structures by the next migration.
ALTER TABLE `public_labels` ADD `history` text DEFAULT '[]' NOT NULL;
