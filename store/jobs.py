"""The job table and its spool folder: the SQL behind background ingestion.

A job's bytes live in the spool (`<db>-spool/<sha256[:2]>/<sha256>`, content-addressed)
from before its row commits until it has finished, so a job never points at bytes
that are gone. Spool files appear and disappear only while the database write lock
is held (`enqueue` renames a finished temporary file into place inside its
transaction; `release_spool` and `sweep_spool` check for live references inside
theirs), so a file can never be removed between being written and being referenced.
Policy (when to retry, who is dead) belongs to vanban/jobs.py; this module only
makes each state change atomic.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Literal

from store.db import Store

State = Literal["queued", "running", "done", "failed"]
Origin = Literal["upload", "watch"]
STATES: tuple[State, ...] = ("queued", "running", "done", "failed")
_TEMP_PREFIX = ".incoming-"


@dataclass(frozen=True)
class Job:
    id: int
    batch: str
    origin: Origin
    name: str
    sha256: str | None
    size: int | None
    state: State
    attempts: int
    owner: str | None
    run_after: str | None
    outcome: str | None
    document_ids: list[str] = field(default_factory=list)
    reason: str | None = None
    created_at: str = ""
    started_at: str | None = None
    finished_at: str | None = None
    inbox: str | None = None
    path: str | None = None
    mtime_ns: int | None = None
    filed_to: str | None = None
    filed_at: str | None = None

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Job:
        values = dict(row)
        values["document_ids"] = json.loads(values["document_ids"])
        return cls(**values)


def _timestamp(delay: float = 0.0) -> str:
    """UTC time as ISO text; fixed width, so text order is time order."""
    moment = datetime.now(timezone.utc) + timedelta(seconds=delay)
    return moment.isoformat(timespec="milliseconds")


class Jobs:
    """Job rows of one `Store` (and so of one connection: one per thread/process)."""

    def __init__(self, store: Store):
        self.store = store
        self.conn = store.conn
        self.spool_dir = store.path.with_name(store.path.stem + "-spool")

    # ------------------------------------------------------------ creating jobs

    def enqueue(self, *, batch: str, origin: Origin, name: str, data: bytes,
                inbox: str | None = None, path: str | None = None,
                mtime_ns: int | None = None) -> Job:
        """Spool `data`, then commit a queued job for it."""
        sha = hashlib.sha256(data).hexdigest()
        final = self.spool_path(sha)
        final.parent.mkdir(parents=True, exist_ok=True)
        with self._spool_lock() as lock:
            fcntl.flock(lock, fcntl.LOCK_SH)
            fd, tmp = tempfile.mkstemp(dir=final.parent, prefix=_TEMP_PREFIX)
            try:
                with os.fdopen(fd, "wb") as fh:   # the slow part, outside the write lock
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
                with self.store.transaction() as conn:
                    if not final.exists():
                        os.replace(tmp, final)
                        _fsync_dir(final.parent)
                    row = conn.execute(
                        "INSERT INTO jobs (batch, origin, name, sha256, size, state, created_at,"
                        " inbox, path, mtime_ns) VALUES (?,?,?,?,?,'queued',?,?,?,?) RETURNING *",
                        (batch, origin, name, sha, len(data), _timestamp(), inbox, path, mtime_ns)).fetchone()
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
        return Job.from_row(row)

    def reject(self, *, batch: str, origin: Origin, name: str, reason: str,
               size: int | None = None, inbox: str | None = None, path: str | None = None,
               mtime_ns: int | None = None) -> Job:
        """A job that failed before its bytes were spooled (too large, unreadable), so
        that it is reported, listed and filed like any other."""
        stamp = _timestamp()
        with self.store.transaction() as conn:
            row = conn.execute(
                "INSERT INTO jobs (batch, origin, name, size, state, reason, created_at, finished_at,"
                " inbox, path, mtime_ns) VALUES (?,?,?,?,'failed',?,?,?,?,?,?) RETURNING *",
                (batch, origin, name, size, reason, stamp, stamp, inbox, path, mtime_ns)).fetchone()
        return Job.from_row(row)

    # ------------------------------------------------------------ running jobs

    def has_runnable(self) -> bool:
        """A read (no write lock), so that idle workers can poll cheaply."""
        return self.conn.execute(
            "SELECT 1 FROM jobs WHERE state = 'queued' AND (run_after IS NULL OR run_after <= ?)"
            " LIMIT 1", (_timestamp(),)).fetchone() is not None

    def claim(self, owner: str) -> Job | None:
        """The oldest runnable job, now running under `owner`; None when there is none."""
        stamp = _timestamp()
        with self.store.transaction() as conn:
            row = conn.execute(
                "UPDATE jobs SET state = 'running', owner = ?, attempts = attempts + 1,"
                " started_at = ?, run_after = NULL"
                " WHERE id = (SELECT id FROM jobs WHERE state = 'queued'"
                "             AND (run_after IS NULL OR run_after <= ?) ORDER BY id LIMIT 1)"
                " RETURNING *", (owner, stamp, stamp)).fetchone()
        return Job.from_row(row) if row else None

    def spool_path(self, sha256: str) -> Path:
        return self.spool_dir / sha256[:2] / sha256

    def spool_bytes(self, job: Job) -> bytes:
        if job.sha256 is None:
            raise ValueError(f"job {job.id} has no spooled bytes")
        return self.spool_path(job.sha256).read_bytes()

    def finish(self, job_id: int, outcome: str, document_ids: list[str]) -> Job:
        return self._end(job_id, "UPDATE jobs SET state = 'done', outcome = ?, document_ids = ?,"
                         " reason = NULL, owner = NULL, finished_at = ? WHERE id = ? RETURNING *",
                         (outcome, json.dumps(document_ids), _timestamp(), job_id))

    def fail(self, job_id: int, reason: str) -> Job:
        return self._end(job_id, "UPDATE jobs SET state = 'failed', reason = ?, owner = NULL,"
                         " finished_at = ? WHERE id = ? RETURNING *", (reason, _timestamp(), job_id))

    def requeue(self, job_id: int, reason: str, *, delay: float) -> Job:
        """Back to the queue after a transient error, not to be claimed for `delay` s."""
        return self._end(job_id, "UPDATE jobs SET state = 'queued', reason = ?, owner = NULL,"
                         " run_after = ? WHERE id = ? RETURNING *", (reason, _timestamp(delay), job_id))

    def _end(self, job_id: int, sql: str, params: tuple[object, ...]) -> Job:
        with self.store.transaction() as conn:
            row = conn.execute(sql, params).fetchone()
        return Job.from_row(row)

    def recover(self, is_dead: Callable[[str], bool], max_attempts: int) -> list[Job]:
        """Running jobs whose owner has died: queued again, or failed once they have
        been claimed `max_attempts` times (a file that kills its worker every time)."""
        changed = []
        with self.store.transaction() as conn:
            rows = conn.execute("SELECT id, owner, attempts FROM jobs WHERE state = 'running'").fetchall()
            for row in rows:
                if not is_dead(row["owner"]):
                    continue
                if row["attempts"] >= max_attempts:
                    reason = (f"the worker stopped while reading this file, {row['attempts']} times"
                              " (a crash, a kill or running out of memory)")
                    job = self.fail(row["id"], reason)
                else:
                    job = self.requeue(row["id"], "the worker stopped; will run again", delay=0)
                changed.append(job)
        return changed

    # ------------------------------------------------------------ the spool

    def release_spool(self, sha256: str | None) -> None:
        """Remove spooled bytes no queued or running job needs any more."""
        if sha256 is None:
            return
        with self.store.transaction():
            if not self._spool_needed(sha256):
                self.spool_path(sha256).unlink(missing_ok=True)

    def sweep_spool(self) -> int:
        """Remove what crashes left in the spool: files no queued or running job needs,
        and temporary files whose writer is gone. Returns how many files were removed."""
        removed = 0
        with self.store.transaction():
            for path in self.spool_dir.glob("??/*"):
                if not path.name.startswith(_TEMP_PREFIX) and not self._spool_needed(path.name):
                    path.unlink(missing_ok=True)
                    removed += 1
        with self._spool_lock() as fd:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:   # a writer is alive: its temporary files are in use
                return removed
            for path in self.spool_dir.glob(f"??/{_TEMP_PREFIX}*"):
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    def _spool_needed(self, sha256: str) -> bool:
        return self.conn.execute(
            "SELECT 1 FROM jobs WHERE sha256 = ? AND state IN ('queued', 'running') LIMIT 1",
            (sha256,)).fetchone() is not None

    @contextmanager
    def _spool_lock(self) -> Iterator[int]:
        """A file lock on the spool: writers of temporary files hold it shared, and
        `sweep_spool` removes temporaries only when it can hold it exclusively, i.e. when
        no writer is alive (the kernel drops the locks of a killed process)."""
        self.spool_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.spool_dir / ".writers.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            yield fd
        finally:
            os.close(fd)

    # ------------------------------------------------------------ reading

    def get(self, job_id: int) -> Job | None:
        row = self.conn.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return Job.from_row(row) if row else None

    def recent(self, *, limit: int = 50, offset: int = 0, state: State | None = None,
               batch: str | None = None) -> list[Job]:
        where, params = _filters(state=state, batch=batch)
        rows = self.conn.execute(f"SELECT * FROM jobs {where} ORDER BY id DESC LIMIT ? OFFSET ?",
                                 [*params, limit, offset])
        return [Job.from_row(r) for r in rows]

    def counts(self, *, batch: str | None = None) -> dict[str, int]:
        """Jobs per state (every state present, zero included)."""
        where, params = _filters(batch=batch)
        rows = self.conn.execute(f"SELECT state, count(*) FROM jobs {where} GROUP BY state", params)
        return {**dict.fromkeys(STATES, 0), **{state: n for state, n in rows}}

    # ------------------------------------------------------------ the drop folder

    def unfiled(self, inbox: str) -> list[Job]:
        """Jobs for files taken from `inbox` that have not been filed yet."""
        rows = self.conn.execute("SELECT * FROM jobs WHERE inbox = ? AND filed_at IS NULL ORDER BY id",
                                 (inbox,))
        return [Job.from_row(r) for r in rows]

    def finished_unfiled(self, inbox: str) -> list[Job]:
        rows = self.conn.execute(
            "SELECT * FROM jobs WHERE inbox = ? AND filed_at IS NULL AND state IN ('done', 'failed')"
            " ORDER BY id", (inbox,))
        return [Job.from_row(r) for r in rows]

    def taken_files(self, inbox: str) -> set[tuple[str, int | None, int | None]]:
        """(path, size, mtime_ns) of every file ever taken from `inbox`."""
        rows = self.conn.execute("SELECT DISTINCT path, size, mtime_ns FROM jobs WHERE inbox = ?", (inbox,))
        return {(r[0], r[1], r[2]) for r in rows}

    def was_taken(self, inbox: str, path: str, sha256: str) -> bool:
        return self.conn.execute(
            "SELECT 1 FROM jobs WHERE inbox = ? AND path = ? AND sha256 = ? LIMIT 1",
            (inbox, path, sha256)).fetchone() is not None

    def plan_filing(self, job_id: int, destination: str) -> None:
        with self.store.transaction() as conn:
            conn.execute("UPDATE jobs SET filed_to = ? WHERE id = ?", (destination, job_id))

    def mark_filed(self, job_id: int, filed_to: str | None) -> Job:
        return self._end(job_id, "UPDATE jobs SET filed_to = ?, filed_at = ? WHERE id = ? RETURNING *",
                         (filed_to, _timestamp(), job_id))


def _filters(*, state: str | None = None, batch: str | None = None) -> tuple[str, list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    if state:
        clauses.append("state = ?")
        params.append(state)
    if batch:
        clauses.append("batch = ?")
        params.append(batch)
    return ("WHERE " + " AND ".join(clauses), params) if clauses else ("", [])


def _fsync_dir(path: Path) -> None:
    """Make a rename in `path` durable (it is the directory entry that changed)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
