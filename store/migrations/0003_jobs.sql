-- vanban schema 3: background ingestion jobs (vanban/jobs.py) and the drop folder
-- (vanban/watch.py). A job reads bytes kept in the spool folder beside the database
-- (`<db>-spool/<sha256[:2]>/<sha256>`), which are written before the job row commits.
--
-- States: queued -> running -> done | failed. A running job whose owner (a worker
-- process) has died goes back to queued, or to failed once its attempts are used up;
-- a transient error puts it back to queued with `run_after` in the future.

CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    batch        TEXT NOT NULL,          -- one upload request, or one `vanban watch` run
    origin       TEXT NOT NULL CHECK (origin IN ('upload', 'watch')),
    name         TEXT NOT NULL,          -- original file name (metadata only)
    sha256       TEXT,                   -- spooled bytes; NULL when refused before spooling
    size         INTEGER,
    state        TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,   -- times a worker has claimed it
    owner        TEXT,                   -- worker token while running
    run_after    TEXT,                   -- not claimed before this time (retry back-off)
    outcome      TEXT CHECK (outcome IN ('added', 'present')),   -- done only
    document_ids TEXT NOT NULL DEFAULT '[]',
    reason       TEXT,                   -- failed: why; queued again: the last transient error
    created_at   TEXT NOT NULL,
    started_at   TEXT,
    finished_at  TEXT,
    -- drop folder only: the inbox, the file taken from it (absolute paths), its mtime
    -- when taken, and where it was put afterwards (planned before moving, so a crash
    -- between the move and `filed_at` is finished on restart, not repeated).
    inbox        TEXT,
    path         TEXT,
    mtime_ns     INTEGER,
    filed_to     TEXT,
    filed_at     TEXT
);
CREATE INDEX jobs_queue ON jobs(id) WHERE state = 'queued';
CREATE INDEX jobs_running ON jobs(owner) WHERE state = 'running';
CREATE INDEX jobs_sha ON jobs(sha256) WHERE state IN ('queued', 'running');
CREATE INDEX jobs_batch ON jobs(batch);
CREATE INDEX jobs_inbox ON jobs(inbox, path) WHERE inbox IS NOT NULL;
CREATE INDEX jobs_unfiled ON jobs(inbox, state) WHERE inbox IS NOT NULL AND filed_at IS NULL;
