-- Full-text search over article titles (weight A) and text (weight B): a stored tsvector with a GIN index.
ALTER TABLE articles ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', coalesce(title, '')), 'A') || setweight(to_tsvector('english', text), 'B')
) STORED;
CREATE INDEX articles_search ON articles USING gin (search);
