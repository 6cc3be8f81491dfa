-- Full-text search over article titles and text: FTS5 with the Porter stemmer (as PostgreSQL's english config).
CREATE VIRTUAL TABLE articles_fts USING fts5 (
    article_id UNINDEXED,
    title,
    text,
    tokenize = 'porter unicode61'
);
