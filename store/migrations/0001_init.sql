-- vanban schema 1: files, their layouts, the documents extracted from them, and search.
-- One row in `files` per distinct content (sha256); a file may hold several documents
-- (a decision and the plan it issues). Ids are derived from content, so the same file
-- gets the same ids in every database.

CREATE TABLE files (
    sha256       TEXT PRIMARY KEY,
    name         TEXT NOT NULL,          -- original file name, as received (never a path we trust)
    media_type   TEXT NOT NULL,          -- detected from content
    size         INTEGER NOT NULL,
    blob_path    TEXT NOT NULL,          -- the untouched original, relative to the blob directory
    page_count   INTEGER,
    encoding     TEXT,
    ocr_pages    TEXT NOT NULL DEFAULT '[]',   -- JSON list of pages read by OCR
    page_quality TEXT NOT NULL DEFAULT '{}',   -- JSON {page: {dpi, confidence, rescan}}
    warnings     TEXT NOT NULL DEFAULT '[]',
    ingested_at  TEXT NOT NULL
);

CREATE TABLE layouts (
    sha256  TEXT PRIMARY KEY REFERENCES files(sha256) ON DELETE CASCADE,
    text    TEXT NOT NULL,                -- normalised text (NFC, one tone placement)
    anchors TEXT NOT NULL                 -- JSON [[offset, page, source offset], ...]
);

CREATE TABLE blocks (
    sha256 TEXT NOT NULL REFERENCES files(sha256) ON DELETE CASCADE,
    idx    INTEGER NOT NULL,
    kind   TEXT NOT NULL,
    page   INTEGER NOT NULL,
    start  INTEGER NOT NULL,
    "end"  INTEGER NOT NULL,
    level  INTEGER,
    rows   TEXT,                          -- JSON rows of cells, tables only
    PRIMARY KEY (sha256, idx)
);

CREATE TABLE documents (
    id                TEXT PRIMARY KEY,   -- first 16 hex of sha256 + '.' + seq
    sha256            TEXT NOT NULL REFERENCES files(sha256) ON DELETE CASCADE,
    seq               INTEGER NOT NULL,
    doc_type          TEXT,
    number            TEXT,
    issuer            TEXT,
    place             TEXT,
    issued_date       TEXT,
    title             TEXT,
    signer_name       TEXT,
    signer_position   TEXT,
    province          TEXT,
    extent_start      INTEGER,
    extent_end        INTEGER,
    record            TEXT NOT NULL,      -- JSON: the full extraction, with spans
    extractor_version TEXT NOT NULL,
    UNIQUE (sha256, seq)
);
CREATE INDEX documents_number ON documents(number);

CREATE TABLE citations (
    id          TEXT PRIMARY KEY,         -- document id + '.c' + idx
    doc_id      TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx         INTEGER NOT NULL,
    doc_type    TEXT,
    number      TEXT,
    issued_date TEXT,
    issuer      TEXT,
    relation    TEXT NOT NULL,
    surface     TEXT NOT NULL,
    subject     TEXT,
    page        INTEGER,
    start       INTEGER,
    "end"       INTEGER,
    key         TEXT,                     -- canonical key (linker)
    status      TEXT NOT NULL DEFAULT 'unresolved',   -- resolved / ambiguous / unresolved
    target_id   TEXT,                     -- resolved document
    candidates  TEXT NOT NULL DEFAULT '[]'            -- JSON [{id, why}] when ambiguous
);
CREATE INDEX citations_doc ON citations(doc_id);
CREATE INDEX citations_key ON citations(key);
CREATE INDEX citations_target ON citations(target_id);

CREATE TABLE tasks (
    id            TEXT PRIMARY KEY,       -- document id + '.t' + idx
    doc_id        TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx           INTEGER NOT NULL,
    ref           TEXT,
    text          TEXT NOT NULL,
    lead          TEXT,
    support       TEXT NOT NULL DEFAULT '[]',
    deadline_text TEXT,
    due           TEXT,
    recurrence    TEXT,
    output        TEXT,
    page          INTEGER,
    start         INTEGER,
    "end"         INTEGER
);
CREATE INDEX tasks_doc ON tasks(doc_id);
CREATE INDEX tasks_due ON tasks(due);

CREATE TABLE scores (
    id         TEXT PRIMARY KEY,          -- document id + '.s' + idx
    doc_id     TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx        INTEGER NOT NULL,
    index_name TEXT NOT NULL,
    criterion  TEXT,
    subject    TEXT,
    year       INTEGER,
    value      REAL NOT NULL,
    unit       TEXT,
    rank       TEXT,
    kind       TEXT NOT NULL,
    bound      TEXT,
    page       INTEGER,
    start      INTEGER,
    "end"      INTEGER
);
CREATE INDEX scores_doc ON scores(doc_id);

-- Full-text search over each document's text. unicode61 with remove_diacritics 2
-- folds tone marks but not đ/Đ, so `body_folded` holds the text folded by
-- vanban.text.fold (đ -> d) and queries run against both columns.
CREATE VIRTUAL TABLE search USING fts5(
    doc_id UNINDEXED,
    title,
    body,
    body_folded,
    tokenize = 'unicode61 remove_diacritics 2'
);
