-- vanban schema 2: the link layer (linker/). Everything here is derived from the
-- tables of schema 1 and can be rebuilt by `vanban relink`.

-- The agency registry: one row per body, keyed by extractors.agencies.agency_key
-- ("so noi vu@quang ninh"), so one province's "Sở NV", "Sở Nội vụ", "SNV" are one row.
CREATE TABLE agencies (
    id       TEXT PRIMARY KEY,            -- agency key: folded body '@' place
    name     TEXT NOT NULL,               -- canonical spelling, with its place when known
    body     TEXT NOT NULL,               -- folded body without place ("so noi vu")
    province TEXT,                        -- folded; NULL when central or unknown
    locality TEXT,                        -- folded district, district-level bodies only
    level    TEXT                         -- central / province / district, NULL unknown
);
CREATE INDEX agencies_body ON agencies(body);

CREATE TABLE agency_aliases (
    alias     TEXT NOT NULL,              -- folded spelling seen or derived ("snv")
    agency_id TEXT NOT NULL REFERENCES agencies(id) ON DELETE CASCADE,
    PRIMARY KEY (alias, agency_id)
);
CREATE INDEX agency_aliases_agency ON agency_aliases(agency_id);

-- Who a task is given to, as registry entries (lead: chủ trì; support: phối hợp).
CREATE TABLE task_agencies (
    task_id   TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    role      TEXT NOT NULL,              -- lead / support
    position  INTEGER NOT NULL,
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    PRIMARY KEY (task_id, role, position)
);
CREATE INDEX task_agencies_agency ON task_agencies(agency_id);

-- Each document's canonical key and the node (canonical rendition) it belongs to.
CREATE TABLE doc_keys (
    doc_id      TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    ident       TEXT,                     -- what renditions share: primary stem or title
    key         TEXT,                     -- DocKey text: class|number|year|scope
    cls         TEXT,
    num         TEXT,
    codes       TEXT,                     -- folded, '-'-joined
    year        INTEGER,
    number_year INTEGER NOT NULL DEFAULT 0,
    family      TEXT,
    issued_date TEXT,
    level       TEXT,
    province    TEXT,
    locality    TEXT,
    organ       TEXT,
    agency_id   TEXT REFERENCES agencies(id),
    ocr         INTEGER NOT NULL DEFAULT 0,
    title       TEXT,
    node_id     TEXT NOT NULL             -- canonical rendition; the document itself when alone
);
CREATE INDEX doc_keys_ident ON doc_keys(ident);
CREATE INDEX doc_keys_node ON doc_keys(node_id);

-- Blocking keys ("nq:5", "kh@2022-02-22"): a citation's candidates share one.
CREATE TABLE doc_stems (
    stem   TEXT NOT NULL,
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    PRIMARY KEY (stem, doc_id)
);
CREATE INDEX doc_stems_doc ON doc_stems(doc_id);

-- Resolution detail beside citations.status / target_id / candidates (schema 1).
ALTER TABLE citations ADD COLUMN stem TEXT;
ALTER TABLE citations ADD COLUMN why TEXT;
ALTER TABLE citations ADD COLUMN placeholder_id TEXT;
ALTER TABLE citations ADD COLUMN antecedent_id TEXT;   -- short form of this earlier citation
CREATE INDEX citations_stem ON citations(stem);
CREATE INDEX citations_placeholder ON citations(placeholder_id);

-- Ambiguous citations' candidates, one row each, so "cited by" finds them by document.
CREATE TABLE citation_candidates (
    citation_id TEXT NOT NULL REFERENCES citations(id) ON DELETE CASCADE,
    doc_id      TEXT NOT NULL,
    why         TEXT NOT NULL,
    PRIMARY KEY (citation_id, doc_id)
);
CREATE INDEX citation_candidates_doc ON citation_candidates(doc_id);

-- Documents cited but not (yet) in the corpus: one node per key, with what was said.
CREATE TABLE placeholders (
    id          TEXT PRIMARY KEY,         -- 'placeholder:' + key text
    doc_type    TEXT,
    number      TEXT,
    year        INTEGER,
    issued_date TEXT,
    issuer      TEXT,
    scope       TEXT,
    surface     TEXT NOT NULL
);

-- Short forms bound at link time: "Nghị quyết nêu trên" (to an earlier citation),
-- "Kế hoạch này" (to the document itself: citation_id NULL).
CREATE TABLE short_mentions (
    doc_id      TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    surface     TEXT NOT NULL,
    citation_id TEXT REFERENCES citations(id) ON DELETE CASCADE,
    PRIMARY KEY (doc_id, start)
);
