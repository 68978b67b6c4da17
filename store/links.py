"""SQL of the link layer (schema 2): keys, renditions, resolutions, placeholders, the
agency registry, and the reads the graph queries need.

Functions take a `Store` and leave transactions to the caller (the linker wraps each
batch in one). SQL is kept to what SQLite and PostgreSQL both accept: ON CONFLICT
upserts, no INSERT OR REPLACE, substr() for text windows.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from store.db import Store

_BATCH = 500          # ids per IN (...) list: well under SQLite's variable limit


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for i in range(0, len(values), _BATCH):
        yield values[i:i + _BATCH]


def _select_in(store: Store, sql: str, values: Iterable[Any], *params: Any) -> list[dict[str, Any]]:
    """Rows of `sql` (with one `{in}` placeholder) for every value, in batches."""
    values = sorted(set(values))
    rows: list[dict[str, Any]] = []
    for chunk in _chunks(values):
        marks = ",".join("?" * len(chunk))
        rows.extend(dict(r) for r in store.conn.execute(sql.format(**{"in": marks}), [*params, *chunk]))
    return rows


# ------------------------------------------------------------------ documents and keys

def document_rows(store: Store, doc_ids: Iterable[str]) -> list[dict[str, Any]]:
    """What keys are made of, per document (OCR-read renditions flagged)."""
    return _select_in(store,
                      "SELECT d.id, d.doc_type, d.number, d.issuer, d.issued_date, d.province, d.title,"
                      " f.ocr_pages != '[]' AS ocr FROM documents d JOIN files f USING (sha256)"
                      " WHERE d.id IN ({in}) ORDER BY d.id", doc_ids)


def records(store: Store, doc_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The extraction record (JSON) of each document: mentions of its citations."""
    return {r["id"]: json.loads(r["record"] or "{}") for r in
            _select_in(store, "SELECT id, record FROM documents WHERE id IN ({in})", doc_ids)}


def all_document_ids(store: Store) -> list[str]:
    return [r[0] for r in store.conn.execute("SELECT id FROM documents ORDER BY id")]


def write_doc_keys(store: Store, rows: list[dict[str, Any]], stems: dict[str, Iterable[str]]) -> None:
    """Replace the keys and stems of these documents. `node_id` starts as the
    document itself; `set_nodes` groups renditions afterwards."""
    conn = store.conn
    columns = ("doc_id", "ident", "key", "cls", "num", "codes", "year", "number_year", "family",
               "issued_date", "level", "province", "locality", "organ", "agency_id", "ocr", "title")
    for chunk in _chunks([r["doc_id"] for r in rows]):
        marks = ",".join("?" * len(chunk))
        conn.execute(f"DELETE FROM doc_stems WHERE doc_id IN ({marks})", chunk)
        conn.execute(f"DELETE FROM doc_keys WHERE doc_id IN ({marks})", chunk)
    conn.executemany(
        f"INSERT INTO doc_keys ({', '.join(columns)}, node_id) VALUES ({','.join('?' * len(columns))}, ?)",
        [(*(r[c] for c in columns), r["doc_id"]) for r in rows])
    conn.executemany("INSERT INTO doc_stems (stem, doc_id) VALUES (?, ?)",
                     [(stem, doc_id) for doc_id, doc_stems in stems.items() for stem in sorted(set(doc_stems))])


def doc_keys(store: Store, doc_ids: Iterable[str]) -> list[dict[str, Any]]:
    return _select_in(store, "SELECT * FROM doc_keys WHERE doc_id IN ({in}) ORDER BY doc_id", doc_ids)


def doc_keys_by_ident(store: Store, idents: Iterable[str]) -> list[dict[str, Any]]:
    return _select_in(store, "SELECT * FROM doc_keys WHERE ident IN ({in}) ORDER BY doc_id", idents)


def doc_keys_by_stem(store: Store, stems: Iterable[str]) -> list[dict[str, Any]]:
    """Documents under any of these stems (one row per stem and document), with their
    printed type, number and issuer: the candidates of citations carrying the stems."""
    return _select_in(store,
                      "SELECT s.stem, k.*, d.doc_type AS printed_type, d.number AS printed_number,"
                      " d.issuer AS printed_issuer FROM doc_stems s JOIN doc_keys k ON k.doc_id = s.doc_id"
                      " JOIN documents d ON d.id = k.doc_id WHERE s.stem IN ({in}) ORDER BY s.stem, k.doc_id",
                      stems)


def set_nodes(store: Store, nodes: dict[str, str]) -> None:
    store.conn.executemany("UPDATE doc_keys SET node_id = ? WHERE doc_id = ?",
                           [(node, doc) for doc, node in sorted(nodes.items())])


def stems_of(store: Store, doc_ids: Iterable[str]) -> set[str]:
    return {r["stem"] for r in _select_in(store, "SELECT stem FROM doc_stems WHERE doc_id IN ({in})", doc_ids)}


def node_of(store: Store, doc_id: str) -> str | None:
    row = store.conn.execute("SELECT node_id FROM doc_keys WHERE doc_id = ?", (doc_id,)).fetchone()
    return row[0] if row else None


def renditions(store: Store, node_ids: Iterable[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for r in _select_in(store, "SELECT node_id, doc_id FROM doc_keys WHERE node_id IN ({in})"
                               " ORDER BY node_id, doc_id", node_ids):
        out.setdefault(r["node_id"], []).append(r["doc_id"])
    return out


# ------------------------------------------------------------------ citations

_CITATION_COLUMNS = ("c.id, c.doc_id, c.idx, c.doc_type, c.number, c.issued_date, c.issuer, c.relation,"
                     ' c.surface, c.subject, c.start, c."end", c.key, c.stem, c.status, c.target_id,'
                     " c.candidates, c.why, c.placeholder_id, c.antecedent_id")


def citations_of_docs(store: Store, doc_ids: Iterable[str]) -> list[dict[str, Any]]:
    return _select_in(store, f"SELECT {_CITATION_COLUMNS} FROM citations c WHERE c.doc_id IN ({{in}})"
                             " ORDER BY c.doc_id, c.idx", doc_ids)


def citations_with_stems(store: Store, stems: Iterable[str]) -> list[dict[str, Any]]:
    return _select_in(store, f"SELECT {_CITATION_COLUMNS} FROM citations c WHERE c.stem IN ({{in}})"
                             " ORDER BY c.doc_id, c.idx", stems)


def citations_by_id(store: Store, ids: Iterable[str]) -> list[dict[str, Any]]:
    return _select_in(store, f"SELECT {_CITATION_COLUMNS} FROM citations c WHERE c.id IN ({{in}})"
                             " ORDER BY c.doc_id, c.idx", ids)


def set_citation_keys(store: Store, rows: list[tuple[str | None, str | None, str | None, str]]) -> None:
    """(key, stem, antecedent_id, citation id) for each citation."""
    store.conn.executemany("UPDATE citations SET key = ?, stem = ?, antecedent_id = ? WHERE id = ?", rows)


def write_resolutions(store: Store, rows: list[dict[str, Any]]) -> None:
    """Each row: id, status, target_id, candidates [{id, why}], why, placeholder_id."""
    conn = store.conn
    conn.executemany(
        "UPDATE citations SET status = ?, target_id = ?, candidates = ?, why = ?, placeholder_id = ?"
        " WHERE id = ?",
        [(r["status"], r["target_id"], json.dumps(r["candidates"], ensure_ascii=False), r["why"],
          r["placeholder_id"], r["id"]) for r in rows])
    for chunk in _chunks([r["id"] for r in rows]):
        conn.execute(f"DELETE FROM citation_candidates WHERE citation_id IN ({','.join('?' * len(chunk))})",
                     chunk)
    conn.executemany("INSERT INTO citation_candidates (citation_id, doc_id, why) VALUES (?, ?, ?)",
                     [(r["id"], c["id"], c["why"]) for r in rows for c in r["candidates"]])


def upsert_placeholders(store: Store, rows: list[dict[str, Any]]) -> None:
    store.conn.executemany(
        "INSERT INTO placeholders (id, doc_type, number, year, issued_date, issuer, scope, surface)"
        " VALUES (:id, :doc_type, :number, :year, :issued_date, :issuer, :scope, :surface)"
        " ON CONFLICT (id) DO UPDATE SET doc_type = excluded.doc_type, number = excluded.number,"
        " year = excluded.year, issued_date = excluded.issued_date, issuer = excluded.issuer,"
        " scope = excluded.scope, surface = excluded.surface", rows)


def prune_placeholders(store: Store, ids: Iterable[str]) -> None:
    """Drop those of these placeholders no citation points at any more (their
    document arrived, or the citation now reads differently)."""
    for chunk in _chunks(sorted(set(ids))):
        store.conn.execute(
            f"DELETE FROM placeholders WHERE id IN ({','.join('?' * len(chunk))}) AND NOT EXISTS"
            " (SELECT 1 FROM citations c WHERE c.placeholder_id = placeholders.id)", chunk)


def placeholder_citations(store: Store, placeholder_ids: Iterable[str]) -> list[dict[str, Any]]:
    """Every citation of these placeholders (to describe each by its best citation)."""
    return _select_in(store, f"SELECT {_CITATION_COLUMNS} FROM citations c"
                             " WHERE c.placeholder_id IN ({in}) ORDER BY c.id", placeholder_ids)


def placeholders(store: Store, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in _select_in(store, "SELECT * FROM placeholders WHERE id IN ({in})", ids)}


def status_counts(store: Store) -> dict[str, int]:
    return {r[0]: r[1] for r in store.conn.execute("SELECT status, count(*) FROM citations GROUP BY status")}


def clear_links(store: Store) -> None:
    """Forget every derived row (before `relink_all` recomputes them)."""
    conn = store.conn
    for table in ("short_mentions", "citation_candidates", "placeholders", "task_agencies",
                  "doc_stems", "doc_keys", "agency_aliases", "agencies"):
        conn.execute(f"DELETE FROM {table}")
    conn.execute("UPDATE citations SET key = NULL, stem = NULL, status = 'unresolved', target_id = NULL,"
                 " candidates = '[]', why = NULL, placeholder_id = NULL, antecedent_id = NULL")


# ------------------------------------------------------------------ short forms

def write_short_mentions(store: Store, doc_id: str, rows: list[tuple[int, int, str, str | None]]) -> None:
    store.conn.execute("DELETE FROM short_mentions WHERE doc_id = ?", (doc_id,))
    store.conn.executemany(
        'INSERT INTO short_mentions (doc_id, start, "end", surface, citation_id) VALUES (?, ?, ?, ?, ?)',
        [(doc_id, *r) for r in rows])


def short_mentions(store: Store, doc_id: str) -> list[dict[str, Any]]:
    return [dict(r) for r in store.conn.execute(
        'SELECT start, "end", surface, citation_id FROM short_mentions WHERE doc_id = ? ORDER BY start',
        (doc_id,))]


def layout_slice(store: Store, doc_id: str) -> tuple[str, int]:
    """(text, offset of its first character) of a document's extent in its file's layout."""
    row = store.conn.execute(
        "SELECT substr(l.text, d.extent_start + 1, d.extent_end - d.extent_start) AS text, d.extent_start"
        " FROM documents d JOIN layouts l USING (sha256) WHERE d.id = ?", (doc_id,)).fetchone()
    return (row["text"] or "", row["extent_start"] or 0) if row else ("", 0)


# ------------------------------------------------------------------ agencies and tasks

def upsert_agencies(store: Store, rows: list[dict[str, Any]]) -> None:
    """Registry rows (id, name, body, province, locality, level, aliases); a body seen
    again gains aliases, and keeps the first of its spellings in sort order (so the
    registry does not depend on the order documents came in)."""
    conn = store.conn
    conn.executemany(
        "INSERT INTO agencies (id, name, body, province, locality, level)"
        " VALUES (:id, :name, :body, :province, :locality, :level)"
        " ON CONFLICT (id) DO UPDATE SET name = excluded.name WHERE excluded.name < agencies.name", rows)
    conn.executemany("INSERT INTO agency_aliases (alias, agency_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                     [(a, r["id"]) for r in rows for a in sorted(r["aliases"])])


def tasks_of_docs(store: Store, doc_ids: Iterable[str]) -> list[dict[str, Any]]:
    return _select_in(store, "SELECT id, doc_id, lead, support FROM tasks WHERE doc_id IN ({in})"
                             " ORDER BY doc_id, idx", doc_ids)


def write_task_agencies(store: Store, task_ids: Sequence[str],
                        rows: list[tuple[str, str, int, str]]) -> None:
    """Replace the registry links of these tasks with (task_id, role, position, agency_id)."""
    for chunk in _chunks(list(task_ids)):
        store.conn.execute(f"DELETE FROM task_agencies WHERE task_id IN ({','.join('?' * len(chunk))})", chunk)
    store.conn.executemany("INSERT INTO task_agencies (task_id, role, position, agency_id) VALUES (?, ?, ?, ?)",
                           rows)


def agencies_matching(store: Store, *, body: str, province: str | None, locality: str | None,
                      alias: str) -> list[str]:
    """Registry ids of a body (in one province or district, or anywhere when None), or
    answering to an alias there."""
    where, params = "", []
    for column, value in (("province", province), ("locality", locality)):
        if value is not None:
            where += f" AND a.{column} = ?"
            params.append(value)
    ids = {r[0] for r in store.conn.execute(f"SELECT a.id FROM agencies a WHERE a.body = ?{where}",
                                            [body, *params])}
    ids |= {r[0] for r in store.conn.execute(
        f"SELECT a.id FROM agency_aliases x JOIN agencies a ON a.id = x.agency_id WHERE x.alias = ?{where}",
        [alias, *params])}
    return sorted(ids)


def tasks(store: Store, *, agency_ids: Sequence[str] | None, role: str | None, due_before: str | None,
          overdue_on: str | None, year: int | None) -> list[dict[str, Any]]:
    """Tasks with their document, filtered; only tasks of canonical renditions, so a
    document ingested as .txt, .docx and .pdf lists each task once."""
    clauses: list[str] = ["(k.node_id IS NULL OR k.node_id = t.doc_id)"]
    params: list[Any] = []
    if agency_ids is not None:
        marks = ",".join("?" * len(agency_ids)) or "NULL"
        role_sql = " AND ta.role = ?" if role else ""
        clauses.append(f"EXISTS (SELECT 1 FROM task_agencies ta WHERE ta.task_id = t.id"
                       f" AND ta.agency_id IN ({marks}){role_sql})")
        params.extend(agency_ids)
        if role:
            params.append(role)
    if due_before:
        clauses.append("t.due IS NOT NULL AND t.due <= ?")
        params.append(due_before)
    if overdue_on:
        clauses.append("t.due IS NOT NULL AND t.due < ?")
        params.append(overdue_on)
    if year:
        clauses.append("substr(t.due, 1, 4) = ?")
        params.append(f"{year:04d}")
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    sql = ("SELECT t.id, t.text, t.lead, t.support, t.due, t.deadline_text, t.doc_id, d.number AS doc_number,"
           " d.doc_type AS doc_type, t.ref, t.start, t.\"end\" FROM tasks t JOIN documents d ON d.id = t.doc_id"
           f" LEFT JOIN doc_keys k ON k.doc_id = t.doc_id {where}"
           " ORDER BY t.due IS NULL, t.due, t.doc_id, t.idx")
    return [dict(r) for r in store.conn.execute(sql, params)]


def task(store: Store, task_id: str) -> dict[str, Any] | None:
    row = store.conn.execute(
        "SELECT t.id, t.text, t.lead, t.support, t.due, t.deadline_text, t.doc_id, d.number AS doc_number,"
        " d.doc_type AS doc_type, t.ref FROM tasks t JOIN documents d ON d.id = t.doc_id WHERE t.id = ?",
        (task_id,)).fetchone()
    return dict(row) if row else None


# ------------------------------------------------------------------ graph reads

_SUMMARY = "d.id, d.doc_type, d.number, d.issuer, d.issued_date, d.title"


def summaries(store: Store, doc_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in _select_in(store, f"SELECT {_SUMMARY} FROM documents d WHERE d.id IN ({{in}})",
                                           doc_ids)}


def citations_targeting(store: Store, node_ids: Iterable[str]) -> list[dict[str, Any]]:
    """Citations resolved to these nodes, or listing them among ambiguous candidates."""
    resolved = _select_in(store, f"SELECT {_CITATION_COLUMNS} FROM citations c WHERE c.target_id IN ({{in}})",
                          node_ids)
    ambiguous = _select_in(store, f"SELECT {_CITATION_COLUMNS} FROM citation_candidates x"
                                  " JOIN citations c ON c.id = x.citation_id WHERE x.doc_id IN ({in})", node_ids)
    seen: set[str] = set()
    return [r for r in resolved + ambiguous if not (r["id"] in seen or seen.add(r["id"]))]


def nodes_of(store: Store, doc_ids: Iterable[str]) -> dict[str, str]:
    """doc id -> node id (a document never keyed is its own node)."""
    ids = list(doc_ids)
    found = {r["doc_id"]: r["node_id"] for r in
             _select_in(store, "SELECT doc_id, node_id FROM doc_keys WHERE doc_id IN ({in})", ids)}
    return {d: found.get(d, d) for d in ids}


def windows(store: Store, spans: list[tuple[str, int, int]], radius: int) -> dict[tuple[str, int], str]:
    """Text around spans of documents' layouts: (doc id, start, end) -> the text from
    start - radius to end + radius (clipped), keyed by (doc id, start)."""
    out: dict[tuple[str, int], str] = {}
    for doc_id, start, end in spans:
        lo = max(start - radius, 0)
        row = store.conn.execute(
            "SELECT substr(l.text, ?, ?) FROM documents d JOIN layouts l USING (sha256) WHERE d.id = ?",
            (lo + 1, end + radius - lo, doc_id)).fetchone()
        out[(doc_id, start)] = (row[0] if row else "") or ""
    return out


def all_edges(store: Store) -> list[dict[str, Any]]:
    """Every citation of a canonical document, with where it points."""
    return [dict(r) for r in store.conn.execute(
        f"SELECT {_CITATION_COLUMNS} FROM citations c JOIN doc_keys k ON k.doc_id = c.doc_id"
        " WHERE k.node_id = c.doc_id ORDER BY c.doc_id, c.idx")]


def all_nodes(store: Store) -> list[dict[str, Any]]:
    return [dict(r) for r in store.conn.execute(
        f"SELECT {_SUMMARY} FROM documents d JOIN doc_keys k ON k.doc_id = d.id"
        " WHERE k.node_id = d.id ORDER BY d.id")]


def all_placeholders(store: Store) -> list[dict[str, Any]]:
    return [dict(r) for r in store.conn.execute("SELECT * FROM placeholders ORDER BY id")]


# ------------------------------------------------------------------ bulk load (benchmarks, imports)

def bulk_load(store: Store, files: list[dict[str, Any]]) -> None:
    """Insert documents without going through files on disk or the extractors: each
    item has sha256, name, text, and documents [{id, seq, doc_type, number, issuer,
    issued_date, province, title, citations [{...schema-1 columns}], tasks [...]}].
    For benchmarks and trusted imports; the caller links afterwards."""
    conn = store.conn
    conn.executemany(
        "INSERT INTO files (sha256, name, media_type, size, blob_path, ingested_at) VALUES (?,?,?,?,?,?)",
        [(f["sha256"], f["name"], "text/plain", len(f["text"]), "", "1970-01-01T00:00:00") for f in files])
    conn.executemany("INSERT INTO layouts (sha256, text, anchors) VALUES (?, ?, '[]')",
                     [(f["sha256"], f["text"]) for f in files])
    docs = [(f, d) for f in files for d in f["documents"]]
    conn.executemany(
        "INSERT INTO documents (id, sha256, seq, doc_type, number, issuer, issued_date, title, province,"
        " extent_start, extent_end, record, extractor_version) VALUES (?,?,?,?,?,?,?,?,?,?,?,'{}','bulk')",
        [(d["id"], f["sha256"], d["seq"], d["doc_type"], d["number"], d["issuer"], d["issued_date"],
          d["title"], d["province"], 0, len(f["text"])) for f, d in docs])
    conn.executemany(
        "INSERT INTO citations (id, doc_id, idx, doc_type, number, issued_date, issuer, relation, surface,"
        ' start, "end") VALUES (?,?,?,?,?,?,?,?,?,?,?)',
        [(c["id"], d["id"], c["idx"], c["doc_type"], c["number"], c["issued_date"], c["issuer"],
          c["relation"], c["surface"], c["start"], c["end"]) for _, d in docs for c in d["citations"]])
    conn.executemany(
        "INSERT INTO tasks (id, doc_id, idx, text, lead, support, due) VALUES (?,?,?,?,?,?,?)",
        [(t["id"], d["id"], t["idx"], t["text"], t["lead"], json.dumps(t["support"], ensure_ascii=False),
          t["due"]) for _, d in docs for t in d.get("tasks", [])])
