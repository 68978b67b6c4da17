"""Ingestion as every front end runs it (CLI, REST API, drop folder, job worker):
bytes -> SourceFile -> Layout -> Record -> store -> linker, one file at a time, each
file failing alone with a plain reason."""
from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ingest.base import OcrEngine, ReadError
from ingest.reader import load_source, read_layout, source_from_bytes
from store.db import Store
from vanban.config import Settings
from vanban.models import DocumentRecord, Layout, SourceFile

log = logging.getLogger(__name__)

Status = Literal["added", "present", "failed"]


@dataclass
class FileOutcome:
    path: str
    status: Status
    document_ids: list[str] = field(default_factory=list)
    error: str | None = None
    sha256: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {"path": self.path, "status": self.status, "document_ids": self.document_ids,
                "error": self.error}


def extract_documents(layout: Layout, source_name: str, warnings: list[str]) -> list[DocumentRecord]:
    """Extraction never blocks ingestion: a failure is recorded and the text kept."""
    from extractors import extract

    try:
        return extract(layout, source_name).documents
    except Exception as exc:  # noqa: BLE001 - the file must still land, searchable
        log.exception("extraction failed for %s", source_name)
        warnings.append(f"extraction failed: {type(exc).__name__}: {exc}")
        return [DocumentRecord()]


class Ingestor:
    def __init__(self, store: Store, settings: Settings | None = None, *,
                 ocr: OcrEngine | None = None, link: bool = True):
        self.store = store
        self.settings = settings or Settings.from_env()
        self.ocr = ocr
        self.link = link

    def ingest_path(self, path: str | os.PathLike[str]) -> FileOutcome:
        try:
            source = load_source(path, max_bytes=self.settings.max_file_bytes)
        except ReadError as exc:
            return FileOutcome(str(path), "failed", error=str(exc))
        return self._ingest(str(path), source)

    def ingest_bytes(self, name: str, data: bytes) -> FileOutcome:
        try:
            source = source_from_bytes(name, data, max_bytes=self.settings.max_file_bytes)
        except ReadError as exc:
            return FileOutcome(name, "failed", error=str(exc))
        return self._ingest(name, source)

    def _ingest(self, label: str, source: SourceFile) -> FileOutcome:
        sha = source.sha256
        if self.store.has_file(sha):
            return FileOutcome(label, "present", self.store.document_ids(sha), sha256=sha)
        try:
            read, layout = read_layout(source, ocr=self.ocr)
        except ReadError as exc:
            return FileOutcome(label, "failed", error=str(exc), sha256=sha)
        records = extract_documents(layout, source.name, read.warnings)
        added, ids = self.store.add_file(source, read, layout, records)
        if added and self.link:
            self._link(ids)
        return FileOutcome(label, "added" if added else "present", ids, sha256=sha)

    def _link(self, ids: list[str]) -> None:
        """Linking never loses a stored file: on failure the documents stay unlinked
        (`vanban relink` recomputes every link) and the reason is logged."""
        from linker import on_documents_added

        try:
            on_documents_added(self.store, ids)
        except Exception:  # noqa: BLE001
            log.exception("linking failed for %s; run `vanban relink`", ", ".join(ids))


def iter_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """Files under the given paths, folders walked recursively in name order; hidden
    files and folders skipped. A path that does not exist is yielded as is, so that
    it is reported as failed rather than silently dropped."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        yield Path(root) / name
        else:
            yield path
