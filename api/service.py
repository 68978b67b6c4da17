"""What the routes ask of the layers below, in one place.

`ingest_uploads` is the single entry point for uploaded files: today it ingests them
synchronously; when background jobs arrive it can enqueue them and answer "queued"
with job ids instead, without any route changing."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.detect import detect
from ingest.reader import SUPPORTED_MEDIA_TYPES
from store.db import Store
from vanban.config import Settings
from vanban.pipeline import FileOutcome, Ingestor, extract_documents


@dataclass(frozen=True)
class Upload:
    """A received file: its (sanitised) original name, kept as metadata only, and the
    temporary file holding its bytes."""
    name: str
    path: Path


def ingest_uploads(db_path: str | os.PathLike[str], settings: Settings,
                   uploads: list[Upload]) -> list[dict[str, Any]]:
    """Store each file (duplicates are reported as "present"); one result per file."""
    from api.cli import default_ocr

    with Store(db_path) as store:
        ingestor = Ingestor(store, settings, ocr=default_ocr(settings))
        return [_ingest_one(store, ingestor, upload) for upload in uploads]


def _ingest_one(store: Store, ingestor: Ingestor, upload: Upload) -> dict[str, Any]:
    data = upload.path.read_bytes()
    media_type = detect(data)
    if media_type not in SUPPORTED_MEDIA_TYPES:
        return _result(upload.name, FileOutcome(upload.name, "failed"), store, (
            "unsupported_media_type", f"Định dạng không được hỗ trợ ({media_type}). "
            "Chấp nhận: PDF, DOCX, HTML, văn bản thuần, ảnh PNG/JPEG/TIFF."))
    outcome = ingestor.ingest_bytes(upload.name, data)
    failure = ("unreadable", f"Không đọc được tệp: {outcome.error}") if outcome.status == "failed" else None
    return _result(upload.name, outcome, store, failure)


def _result(name: str, outcome: FileOutcome, store: Store,
            failure: tuple[str, str] | None) -> dict[str, Any]:
    return {"name": name, "status": outcome.status, "sha256": outcome.sha256,
            "documents": [document_brief(store, i) for i in outcome.document_ids],
            "error": {"code": failure[0], "message": failure[1]} if failure else None}


BRIEF_FIELDS = ("id", "doc_type", "number", "issuer", "issued_date", "title")


def document_brief(store: Store, doc_id: str) -> dict[str, Any]:
    doc = store.document(doc_id) or {"id": doc_id}
    return {k: doc.get(k) for k in BRIEF_FIELDS}


def find_documents(store: Store, *, query: str | None, doc_type: str | None, issuer: str | None,
                   year: int | None, limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
    """A page of documents and the total: filtered, and ranked by `query` when given."""
    filters = {"doc_type": doc_type, "issuer": issuer, "year": year}
    if not query or not query.strip():
        return (store.documents(**filters, limit=limit, offset=offset),
                store.count_documents(**filters))
    # The store has no count for a search yet; LIMIT -1 is SQLite's "no limit".
    matches = store.search(query, **filters, limit=-1)
    return matches[offset:offset + limit], len(matches)


def reextract(store: Store, sha256: str) -> dict[str, Any]:
    """Extract a stored file again from its stored layout, replace its documents,
    relink them. The file's bytes are not read again."""
    before = store.document_ids(sha256)
    layout = store.layout(sha256)
    name = (store.file(sha256) or {}).get("name", sha256)
    warnings: list[str] = []
    records = extract_documents(layout, name, warnings)
    ids = store.replace_documents(sha256, records)
    if set(before) - set(ids):
        relink_all(store)     # citations elsewhere may point at a document that is gone
    else:
        link(store, ids)
    return {"sha256": sha256, "document_ids": ids, "warnings": warnings}


def delete_file(store: Store, sha256: str) -> list[str]:
    """Delete a file with all its documents; the ids deleted (empty: no such file).
    Citations that resolved to them fall back to placeholders."""
    ids = store.document_ids(sha256)
    if not store.delete_file(sha256):
        return []
    relink_all(store)
    return ids


def link(store: Store, ids: list[str]) -> None:
    try:
        from linker import on_documents_added
    except ImportError:  # linker not installed in this build
        return
    on_documents_added(store, ids)


def relink_all(store: Store) -> None:
    """Recompute every link (the linker has no per-document removal yet)."""
    try:
        from linker import relink_all as relink
    except ImportError:  # linker not installed in this build
        return
    relink(store)
