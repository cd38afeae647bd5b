-- Full-text search over structures (src/db/search.ts): an FTS5 table holding, per structure, the
-- Code SP+, name, town, network and typology, split into trigrams (every 3 characters) with case and
-- diacritics removed, so « evry » finds « Évry-Courcouronnes » and « 0042 » finds « CAF-30-000042 ».
-- Its rowid is the structure's rowid; `reindexStructures` (src/db/search.ts) rewrites a structure's row
-- in the batch of every write that changes those fields. `columnsize=0`: no per-row sizes (bm25 is
-- not used), one shadow row less per write.
--
-- This file is also THE rebuild of the index (drop, create, fill from structures), re-run by
-- `npm run db:import` (which gets a dump without it, `wrangler d1 export` refusing virtual tables)
-- and by seeds that write structures behind the API (scripts/backfill-file.mjs: searchIndexFile).
DROP TABLE IF EXISTS structures_search;
--> statement-breakpoint
CREATE VIRTUAL TABLE structures_search USING fts5(
  code, name, city, network, typology,
  tokenize = 'trigram remove_diacritics 1',
  columnsize = 0
);
--> statement-breakpoint
INSERT INTO structures_search (rowid, code, name, city, network, typology)
SELECT rowid, code, name, city, network, coalesce(typology, '') FROM structures;
