"""What the routes ask of the layers below, in one place.

Uploads are ingested in the background: `submit_uploads` queues one job per file
(vanban/jobs.py spools its bytes before the job commits), the app's `JobPool` runs
the jobs, and `wait_for_jobs` lets a request wait for them, up to a bound. A job
outlives the request and the server: a pool started after a crash runs it again."""
from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.detect import detect
from ingest.reader import SUPPORTED_MEDIA_TYPES
from store.db import Store
from store.jobs import Job, Jobs, State
from vanban.config import Settings
from vanban.jobs import submit_files
from vanban.pipeline import extract_documents

FILE_STATUSES = ("added", "present", "failed", "queued", "running")
PENDING: frozenset[State] = frozenset({"queued", "running"})
POLL_EVERY = 0.2   # seconds between looks at the job table while a request waits
UNSUPPORTED = ("Định dạng không được hỗ trợ ({}). "
               "Chấp nhận: PDF, DOCX, HTML, văn bản thuần, ảnh PNG/JPEG/TIFF.")


@dataclass(frozen=True)
class Upload:
    """A received file: its (sanitised) original name, kept as metadata only, and the
    temporary file holding its bytes."""
    name: str
    path: Path


@dataclass(frozen=True)
class Submission:
    batch: str
    jobs: list[Job]            # one per upload, in the order sent
    refused: frozenset[int]    # ids of the jobs failed at once for their format


def submit_uploads(db_path: str | os.PathLike[str], settings: Settings,
                   uploads: list[Upload]) -> Submission:
    """Queue the files as one batch of jobs. A file of a format no reader takes is
    refused here, as a failed job, rather than spooled only to fail in a worker."""
    refusals = {i: UNSUPPORTED.format(media_type) for i, upload in enumerate(uploads)
                if (media_type := detect(upload.path.read_bytes())) not in SUPPORTED_MEDIA_TYPES}
    batch, queued = submit_files(db_path, [(u.name, u.path) for i, u in enumerate(uploads) if i not in refusals],
                                 settings=settings)
    waiting = iter(queued)
    with Store(db_path) as store:
        table = Jobs(store)
        jobs = [table.reject(batch=batch, origin="upload", name=upload.name, reason=refusals[i])
                if i in refusals else next(waiting) for i, upload in enumerate(uploads)]
    return Submission(batch, jobs, frozenset(jobs[i].id for i in refusals))


def current_jobs(db_path: str | os.PathLike[str], jobs: list[Job]) -> list[Job]:
    """The same jobs read again (job rows are never deleted)."""
    with Store(db_path, readonly=True) as store:   # read only: no migration check at each look
        table = Jobs(store)
        return [table.get(job.id) or job for job in jobs]


async def wait_for_jobs(db_path: str | os.PathLike[str], jobs: list[Job], seconds: float) -> list[Job]:
    """The jobs as they are once none is queued or running, or after `seconds`. The
    workers are other processes, so the job table is polled (a cheap read in WAL)."""
    deadline = time.monotonic() + seconds
    while any(job.state in PENDING for job in jobs) and (left := deadline - time.monotonic()) > 0:
        await asyncio.sleep(min(POLL_EVERY, left))
        jobs = await asyncio.to_thread(current_jobs, db_path, jobs)
    return jobs


def upload_results(db_path: str | os.PathLike[str], submission: Submission, jobs: list[Job]) -> dict[str, Any]:
    """Per file: its job, status, documents and error; the counts per status."""
    with Store(db_path) as store:
        files = [_file_result(store, job, refused=job.id in submission.refused) for job in jobs]
    counts = {status: sum(f["status"] == status for f in files) for status in FILE_STATUSES}
    return {"batch": submission.batch, "files": files, **counts}


def _file_result(store: Store, job: Job, *, refused: bool) -> dict[str, Any]:
    error = None
    if job.state == "failed":
        error = ({"code": "unsupported_media_type", "message": job.reason} if refused else
                 {"code": "unreadable", "message": f"Không đọc được tệp: {job.reason}"})
    return {"name": job.name, "job_id": job.id, "status": job.outcome if job.state == "done" else job.state,
            "sha256": job.sha256, "documents": [document_brief(store, i) for i in job.document_ids],
            "error": error}


JOB_FIELDS = ("id", "batch", "origin", "name", "state", "outcome", "attempts", "reason", "sha256", "size",
              "created_at", "started_at", "finished_at")


def job_view(store: Store, job: Job) -> dict[str, Any]:
    """A job as the API shows it: no worker or server-side paths, documents in brief."""
    return {**{k: getattr(job, k) for k in JOB_FIELDS},
            "documents": [document_brief(store, i) for i in job.document_ids]}


def find_jobs(store: Store, *, state: State | None, batch: str | None,
              limit: int, offset: int) -> tuple[list[Job], int]:
    """A page of jobs, newest first, and the total."""
    table = Jobs(store)
    counts = table.counts(batch=batch)
    total = counts[state] if state else sum(counts.values())
    # Jobs.recent has no offset: take the newest offset + limit and drop the first ones.
    return table.recent(limit=limit, offset=offset, state=state, batch=batch), total


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
