"""SQLite storage: the only code that writes SQL.

A `Store` owns one connection (open one per thread). Every write happens in one
transaction; a file either lands whole (original bytes, layout, documents, search
rows) or not at all. The schema is versioned with `PRAGMA user_version` and
migrated forward by the numbered scripts in `store/migrations/`.
"""
from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any

import sqlite_utils

from vanban.models import Block, BlockKind, DocumentRecord, Layout, ReadResult, SourceFile

EXTRACTOR_VERSION = "1"


def document_id(sha256: str, seq: int) -> str:
    return f"{sha256[:16]}.{seq}"


def _migrations() -> list[tuple[int, str]]:
    folder = resources.files("store") / "migrations"
    scripts = [(int(p.name.split("_", 1)[0]), p.read_text(encoding="utf-8"))
               for p in folder.iterdir() if p.name.endswith(".sql")]
    return sorted(scripts)


SCHEMA_VERSION = max(v for v, _ in _migrations())


class StoreError(Exception):
    pass


class Store:
    def __init__(self, path: str | os.PathLike[str], *, readonly: bool = False):
        self.path = Path(path)
        self.blob_dir = self.path.with_name(self.path.stem + "-files")
        if not readonly:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=60, isolation_level=None,
                               check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 60000")
        if not readonly:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        if not readonly:
            self.migrate()

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ schema

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def migrate(self) -> int:
        """Apply pending migrations, each in its own transaction. Returns the version."""
        for version, script in _migrations():
            if version <= self.schema_version:
                continue
            with self.transaction():
                if version <= self.schema_version:  # another process got there first
                    continue
                for statement in _split_sql(script):
                    self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {version}")
        return self.schema_version

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT: one writer at a time, all or nothing."""
        if self.conn.in_transaction:
            yield self.conn
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # ------------------------------------------------------------ files

    def has_file(self, sha256: str) -> bool:
        return self.conn.execute("SELECT 1 FROM files WHERE sha256 = ?", (sha256,)).fetchone() is not None

    def document_ids(self, sha256: str) -> list[str]:
        rows = self.conn.execute("SELECT id FROM documents WHERE sha256 = ? ORDER BY seq", (sha256,))
        return [r["id"] for r in rows]

    def _write_blob(self, source: SourceFile) -> str:
        rel = f"{source.sha256[:2]}/{source.sha256}"
        target = self.blob_dir / rel
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(source.data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
            os.chmod(target, 0o444)
        return rel

    def add_file(self, source: SourceFile, read: ReadResult, layout: Layout,
                 records: list[DocumentRecord]) -> tuple[bool, list[str]]:
        """Store a file with its layout and documents. Returns (added, document ids);
        added is False when the same content is already stored (nothing is written)."""
        sha = source.sha256
        if self.has_file(sha):
            return False, self.document_ids(sha)
        blob = self._write_blob(source)  # outside the transaction: content-addressed, idempotent
        with self.transaction() as conn:
            if self.has_file(sha):  # lost a race with another writer
                return False, self.document_ids(sha)
            conn.execute(
                "INSERT INTO files (sha256, name, media_type, size, blob_path, page_count, encoding,"
                " ocr_pages, page_quality, warnings, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (sha, source.name, source.media_type, source.size, blob, layout.page_count,
                 read.encoding, json.dumps(layout.ocr_pages),
                 json.dumps({str(k): v for k, v in layout.page_quality.items()}, ensure_ascii=False),
                 json.dumps(read.warnings, ensure_ascii=False),
                 datetime.now(timezone.utc).isoformat(timespec="seconds")))
            conn.execute("INSERT INTO layouts (sha256, text, anchors) VALUES (?,?,?)",
                         (sha, layout.text, json.dumps(layout.anchors)))
            conn.executemany(
                'INSERT INTO blocks (sha256, idx, kind, page, start, "end", level, rows) VALUES (?,?,?,?,?,?,?,?)',
                [(sha, i, b.kind.value, b.page, b.start, b.end, b.level,
                  json.dumps(b.rows, ensure_ascii=False) if b.rows is not None else None)
                 for i, b in enumerate(layout.blocks)])
            ids = self._insert_documents(sha, layout, records)
        return True, ids

    def replace_documents(self, sha256: str, records: list[DocumentRecord]) -> list[str]:
        """Re-extraction: swap a file's documents for new ones, in one transaction."""
        layout = self.layout(sha256)
        with self.transaction() as conn:
            for doc_id in self.document_ids(sha256):
                conn.execute("DELETE FROM search WHERE doc_id = ?", (doc_id,))
            conn.execute("DELETE FROM documents WHERE sha256 = ?", (sha256,))
            return self._insert_documents(sha256, layout, records)

    def _insert_documents(self, sha: str, layout: Layout, records: list[DocumentRecord]) -> list[str]:
        from vanban.text import fold

        conn = self.conn
        ids = []
        for seq, rec in enumerate(records or [DocumentRecord()], start=1):
            doc_id = document_id(sha, seq)
            ids.append(doc_id)
            extent = rec.extent
            body = layout.text[extent.start:extent.end] if extent else layout.text
            signer = rec.signer
            conn.execute(
                "INSERT INTO documents (id, sha256, seq, doc_type, number, issuer, place, issued_date,"
                " title, signer_name, signer_position, province, extent_start, extent_end, record,"
                " extractor_version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (doc_id, sha, seq, rec.doc_type, rec.number, rec.issuer, rec.place, rec.issued_date,
                 rec.title, signer.name if signer else None, signer.position if signer else None,
                 rec.province, extent.start if extent else 0,
                 extent.end if extent else len(layout.text),
                 json.dumps(rec.to_schema(), ensure_ascii=False), EXTRACTOR_VERSION))
            conn.executemany(
                "INSERT INTO citations (id, doc_id, idx, doc_type, number, issued_date, issuer, relation,"
                ' surface, subject, page, start, "end") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)',
                [(f"{doc_id}.c{i}", doc_id, i, c.doc_type, c.number, c.issued_date, c.issuer,
                  c.relation.value, c.surface, c.subject, *_span_cols(c.span))
                 for i, c in enumerate(rec.citations, start=1)])
            conn.executemany(
                "INSERT INTO tasks (id, doc_id, idx, ref, text, lead, support, deadline_text, due,"
                ' recurrence, output, page, start, "end") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)',
                [(f"{doc_id}.t{i}", doc_id, i, t.ref, t.text, t.lead,
                  json.dumps(t.support, ensure_ascii=False),
                  t.deadline.text if t.deadline else None, t.deadline.due if t.deadline else None,
                  t.deadline.recurrence if t.deadline else None, t.output, *_span_cols(t.span))
                 for i, t in enumerate(rec.tasks, start=1)])
            conn.executemany(
                "INSERT INTO scores (id, doc_id, idx, index_name, criterion, subject, year, value, unit,"
                ' rank, kind, bound, page, start, "end") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)',
                [(f"{doc_id}.s{i}", doc_id, i, s.index, s.criterion, s.subject, s.year, s.value,
                  s.unit, s.rank, s.kind, s.bound, *_span_cols(s.span))
                 for i, s in enumerate(rec.scores, start=1)])
            title = " ".join(filter(None, [rec.doc_type, rec.number, rec.title]))
            conn.execute("INSERT INTO search (doc_id, title, body, body_folded) VALUES (?,?,?,?)",
                         (doc_id, title, body, fold(title + "\n" + body)))
        return ids

    # ------------------------------------------------------------ reads

    def file(self, sha256: str) -> dict[str, Any] | None:
        row = self.conn.execute("SELECT * FROM files WHERE sha256 = ?", (sha256,)).fetchone()
        return dict(row) if row else None

    def blob_path(self, sha256: str) -> Path | None:
        row = self.file(sha256)
        return self.blob_dir / row["blob_path"] if row else None

    def layout(self, sha256: str) -> Layout:
        row = self.conn.execute("SELECT * FROM layouts WHERE sha256 = ?", (sha256,)).fetchone()
        if row is None:
            raise StoreError(f"no layout for {sha256}")
        file = self.file(sha256) or {}
        blocks = [Block(kind=BlockKind(b["kind"]), start=b["start"], end=b["end"], page=b["page"],
                        level=b["level"], rows=json.loads(b["rows"]) if b["rows"] else None)
                  for b in self.conn.execute(
                      "SELECT * FROM blocks WHERE sha256 = ? ORDER BY idx", (sha256,))]
        return Layout(text=row["text"], blocks=blocks,
                      anchors=[tuple(a) for a in json.loads(row["anchors"])],
                      page_count=file.get("page_count") or 1,
                      ocr_pages=json.loads(file.get("ocr_pages") or "[]"),
                      page_quality={int(k): v for k, v in json.loads(file.get("page_quality") or "{}").items()})

    def resolve_document_id(self, ident: str) -> str | None:
        """An exact id, or an unambiguous prefix of one (sha256 prefixes work too)."""
        row = self.conn.execute("SELECT id FROM documents WHERE id = ?", (ident,)).fetchone()
        if row:
            return row["id"]
        rows = self.conn.execute("SELECT id FROM documents WHERE id LIKE ? ESCAPE '\\' ORDER BY id LIMIT 2",
                                 (_like_prefix(ident),)).fetchall()
        return rows[0]["id"] if len(rows) == 1 else None

    def document(self, doc_id: str) -> dict[str, Any] | None:
        row = self.conn.execute(
            "SELECT d.*, f.name AS file_name, f.media_type, f.size, f.page_count, f.ocr_pages,"
            " f.page_quality, f.ingested_at FROM documents d JOIN files f USING (sha256) WHERE d.id = ?",
            (doc_id,)).fetchone()
        if row is None:
            return None
        doc = dict(row)
        doc["record"] = json.loads(doc["record"])
        doc["ocr_pages"] = json.loads(doc["ocr_pages"])
        doc["page_quality"] = json.loads(doc["page_quality"])
        doc["citations"] = self.citations_of(doc_id)
        doc["tasks"] = self.tasks_of(doc_id)
        doc["scores"] = [dict(r) for r in self.conn.execute(
            "SELECT * FROM scores WHERE doc_id = ? ORDER BY idx", (doc_id,))]
        return doc

    def citations_of(self, doc_id: str) -> list[dict[str, Any]]:
        rows = self.conn.execute("SELECT * FROM citations WHERE doc_id = ? ORDER BY idx", (doc_id,))
        return [_decode(dict(r), "candidates") for r in rows]

    def tasks_of(self, doc_id: str) -> list[dict[str, Any]]:
        rows = self.conn.execute("SELECT * FROM tasks WHERE doc_id = ? ORDER BY idx", (doc_id,))
        return [_decode(dict(r), "support") for r in rows]

    def documents(self, *, doc_type: str | None = None, issuer: str | None = None,
                  year: int | None = None, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        where, params = _document_filters(doc_type, issuer, year)
        sql = (f"SELECT {_SUMMARY_COLUMNS} FROM documents d JOIN files f USING (sha256)"
               f" {where} ORDER BY d.issued_date DESC, d.id LIMIT ? OFFSET ?")
        return [dict(r) for r in self.conn.execute(sql, [*params, limit, offset])]

    def count_documents(self, *, doc_type: str | None = None, issuer: str | None = None,
                        year: int | None = None) -> int:
        where, params = _document_filters(doc_type, issuer, year)
        return self.conn.execute(f"SELECT count(*) FROM documents d {where}", params).fetchone()[0]

    def search(self, query: str, *, doc_type: str | None = None, issuer: str | None = None,
               year: int | None = None, limit: int = 20, offset: int = 0) -> list[dict[str, Any]]:
        """Documents matching every word of `query`, with or without diacritics.

        The renditions of one document (its .txt, .docx, .pdf and scan, which the
        linker groups into one node) come back once, as the linker's canonical one,
        with `renditions` counting those that match."""
        from store.search import fts_query

        match = fts_query(query)
        if match is None:
            return []
        where, params = _document_filters(doc_type, issuer, year, prefix="AND")
        sql = (f"WITH hits AS MATERIALIZED ("
               f" SELECT {_SUMMARY_COLUMNS}, snippet(search, 2, '[', ']', ' … ', 12) AS snippet,"
               f"  bm25(search, 0, 5.0, 1.0, 1.0) AS rank"
               f" FROM search JOIN documents d ON d.id = search.doc_id JOIN files f USING (sha256)"
               f" WHERE search MATCH ? {where}),"
               f" grouped AS (SELECT hits.*, count(*) OVER node AS renditions,"
               f"  row_number() OVER (node ORDER BY hits.id = k.node_id DESC, rank, hits.id) AS nth"
               f"  FROM hits LEFT JOIN doc_keys k ON k.doc_id = hits.id"
               f"  WINDOW node AS (PARTITION BY coalesce(k.node_id, hits.id)))"
               f" SELECT * FROM grouped WHERE nth = 1 ORDER BY rank, id LIMIT ? OFFSET ?")
        rows = self.conn.execute(sql, [match, *params, limit, offset])
        return [{k: r[k] for k in r.keys() if k != "nth"} for r in rows]

    def facets(self) -> dict[str, list[dict[str, Any]]]:
        def count(expr: str) -> list[dict[str, Any]]:
            rows = self.conn.execute(
                f"SELECT {expr} AS value, count(*) AS n FROM documents WHERE {expr} IS NOT NULL"
                " GROUP BY value ORDER BY n DESC, value LIMIT 50")
            return [dict(r) for r in rows]
        return {"doc_type": count("doc_type"), "issuer": count("issuer"),
                "year": count("CAST(substr(issued_date, 1, 4) AS INTEGER)")}

    def stats(self) -> dict[str, int]:
        return {t: self.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("files", "documents", "citations", "tasks", "scores")}

    def all_file_hashes(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT sha256 FROM files ORDER BY ingested_at, sha256")]

    def delete_file(self, sha256: str) -> bool:
        """Remove a file, everything extracted from it and its stored original."""
        blob = self.blob_path(sha256)
        with self.transaction() as conn:
            for doc_id in self.document_ids(sha256):
                conn.execute("DELETE FROM search WHERE doc_id = ?", (doc_id,))
            deleted = conn.execute("DELETE FROM files WHERE sha256 = ?", (sha256,)).rowcount
        if deleted and blob is not None:
            blob.unlink(missing_ok=True)   # after the commit: a rollback keeps the original
        return bool(deleted)


_SUMMARY_COLUMNS = ("d.id, d.doc_type, d.number, d.issuer, d.place, d.issued_date, d.title,"
                    " d.sha256, f.name AS file_name")


def _document_filters(doc_type: str | None, issuer: str | None, year: int | None,
                      prefix: str = "WHERE") -> tuple[str, list[Any]]:
    clauses, params = [], []
    if doc_type:
        clauses.append("d.doc_type = ?")
        params.append(doc_type)
    if issuer:
        clauses.append("d.issuer = ?")
        params.append(issuer)
    if year:
        clauses.append("substr(d.issued_date, 1, 4) = ?")
        params.append(f"{year:04d}")
    if not clauses:
        return "", []
    return f"{prefix} " + " AND ".join(clauses), params


def _span_cols(span: Any) -> tuple[int | None, int | None, int | None]:
    return (span.page, span.start, span.end) if span else (None, None, None)


def _decode(row: dict[str, Any], *json_columns: str) -> dict[str, Any]:
    for col in json_columns:
        if col in row and isinstance(row[col], str):
            row[col] = json.loads(row[col])
    return row


def _like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _split_sql(script: str) -> Iterable[str]:
    """Statements of a migration script (executescript would commit on its own)."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        if line.lstrip().startswith("--"):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                yield buffer.strip()
            buffer = ""
    if buffer.strip():
        yield buffer.strip()
