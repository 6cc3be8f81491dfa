-- Each article's sentence vectors (float32, little-endian, one row of 384 per sentence), computed once at ingest
-- so that a growing story never re-embeds its older articles. NULL for articles stored before this migration:
-- those are embedded again when their story is next recomputed.
ALTER TABLE articles ADD COLUMN vectors BLOB;
