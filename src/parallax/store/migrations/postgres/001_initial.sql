-- Stories, articles and the rows queries filter on. JSON columns hold parallax.codec data (analysis, annotated,
-- duplicates) or plain JSON (outlets, report). Dates and timestamps are ISO 8601 text, compared in byte order
-- (COLLATE "C"), as SQLite compares them.
CREATE TABLE stories (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    articles INTEGER NOT NULL,
    outlets TEXT NOT NULL,
    facts INTEGER NOT NULL,
    conflicts INTEGER NOT NULL,
    first_published TEXT COLLATE "C",
    last_published TEXT COLLATE "C",
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    analysis TEXT NOT NULL,
    duplicates TEXT NOT NULL,
    report TEXT NOT NULL
);
CREATE INDEX stories_last_published ON stories (last_published);
CREATE INDEX stories_articles ON stories (articles);

CREATE TABLE articles (
    id TEXT PRIMARY KEY,
    checksum TEXT NOT NULL UNIQUE,
    story_id TEXT NOT NULL REFERENCES stories (id),
    position INTEGER NOT NULL,
    source TEXT NOT NULL,
    title TEXT,
    outlet TEXT,
    byline TEXT,
    published TEXT COLLATE "C",
    url TEXT,
    language TEXT NOT NULL,
    text TEXT NOT NULL,
    words INTEGER NOT NULL,
    tone DOUBLE PRECISION NOT NULL,
    quotes INTEGER NOT NULL,
    citations INTEGER NOT NULL,
    loaded_terms INTEGER NOT NULL,
    added TEXT NOT NULL,
    annotated TEXT NOT NULL
);
CREATE INDEX articles_story ON articles (story_id, position);
CREATE INDEX articles_outlet ON articles (outlet);
CREATE INDEX articles_published ON articles (published);

CREATE TABLE entities (
    article_id TEXT NOT NULL REFERENCES articles (id),
    name TEXT NOT NULL,
    label TEXT NOT NULL,
    mentions INTEGER NOT NULL,
    PRIMARY KEY (article_id, name, label)
);
CREATE INDEX entities_name ON entities (lower(name));

CREATE TABLE citations (
    article_id TEXT NOT NULL REFERENCES articles (id),
    source TEXT NOT NULL,
    kind TEXT NOT NULL,
    mentions INTEGER NOT NULL,
    PRIMARY KEY (article_id, source, kind)
);

CREATE TABLE facts (
    story_id TEXT NOT NULL REFERENCES stories (id),
    id TEXT NOT NULL,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    sources INTEGER NOT NULL,
    independent INTEGER NOT NULL,
    first TEXT,
    PRIMARY KEY (story_id, id)
);
