-- Stories an ingest merged into another: where each absorbed id went (so an old link still leads to its story),
-- when, and why. An id that comes back (a split gives a part its old id again) is removed from here.
CREATE TABLE merged_stories (
    id TEXT PRIMARY KEY,
    into_id TEXT NOT NULL,
    at TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX merged_stories_into ON merged_stories (into_id);
-- Why an article last changed story (a merge or a split moved it): appended to its reason whenever its story is
-- recomputed. NULL for articles that never moved.
ALTER TABLE articles ADD COLUMN moved TEXT;
