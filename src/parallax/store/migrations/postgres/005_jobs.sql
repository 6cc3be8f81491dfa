-- Ingest jobs: an upload's files wait here, staged on disk in `folder`, until a worker process (started by
-- `parallax serve`) claims the job, runs the store runner on them and records the outcome, so that the server that
-- answers reads never runs an analysis. `state` is queued, running, done or failed; times are UTC ISO 8601 with
-- microseconds (`created` orders the queue). `worker` is who holds a running job ("host:pid") and `beat` when it
-- last said so; `attempts` counts the claims (a job whose worker died is queued again, up to a limit). `inputs` is
-- JSON: [[staged file, the name the uploader gave it], ...]; `result` the ingest's answer (JSON), once done.
CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    label TEXT NOT NULL,
    created TEXT NOT NULL,
    started TEXT,
    finished TEXT,
    worker TEXT,
    beat TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    folder TEXT NOT NULL,
    inputs TEXT NOT NULL,
    accepted INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0,
    duplicate INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    result TEXT
);
CREATE INDEX jobs_queue ON jobs (state, created);
