-- Search folds the French ligatures « œ » and « æ » (and compatibility forms: fullwidth, mathematical
-- letters) on both sides of the index (src/lib/text.ts `fold`): « oeillet » finds « l'Œillet », « coeur »
-- finds « Cœur ». The app now writes folded words to the full-text index and to `search_text`; this
-- migration rewrites the rows already there. SQLite has no Unicode normalisation: here the ligatures are
-- replaced (the trigram tokenizer still removes case and diacritics); a name written in compatibility
-- forms behind the API is folded the next time the structure is saved (PATCH /v1/structures/{code}).
--
-- This file is also THE rebuild of the index (drop, create, fill from structures), re-run by
-- `npm run db:import` (which gets a dump without it, `wrangler d1 export` refusing virtual tables)
-- and by seeds that write structures behind the API (scripts/backfill-file.mjs: searchIndexFile).
-- It replaces migrations/0010_structures_search.sql in that role; the table is the same.
UPDATE structures SET search_text = replace(replace(replace(replace(search_text, 'œ', 'oe'), 'Œ', 'oe'), 'æ', 'ae'), 'Æ', 'ae')
WHERE instr(search_text, 'œ') OR instr(search_text, 'Œ') OR instr(search_text, 'æ') OR instr(search_text, 'Æ');
--> statement-breakpoint
UPDATE public_labels SET search_text = structures.search_text
FROM structures WHERE structures.code = public_labels.code AND public_labels.search_text <> structures.search_text;
--> statement-breakpoint
DROP TABLE IF EXISTS structures_search;
--> statement-breakpoint
CREATE VIRTUAL TABLE structures_search USING fts5(
  code, name, city, network, typology,
  tokenize = 'trigram remove_diacritics 1',
  columnsize = 0
);
--> statement-breakpoint
INSERT INTO structures_search (rowid, code, name, city, network, typology)
SELECT rowid, code,
  replace(replace(replace(replace(name, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
  replace(replace(replace(replace(city, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
  replace(replace(replace(replace(network, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
  replace(replace(replace(replace(coalesce(typology, ''), 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')
FROM structures;
