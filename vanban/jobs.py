"""Background ingestion: a persistent queue (store/jobs.py) worked by a pool of
processes, each with its own `Store` and `Ingestor` (OCR is CPU-bound, so threads
would share one core).

Rules:
- A job is queued only once its bytes are in the spool, so it can always run again.
- Each worker holds an exclusive `flock` on its own lock file for its whole life and
  claims jobs under that file's name. The kernel drops the lock when the process
  dies, however it dies (kill -9 included), so "running with a dead owner" is exact:
  no heartbeats, no timeouts, no pid reuse. Such jobs are queued again when a pool
  starts and whenever the pool's supervisor notices a dead worker.
- A file that does not read (ReadError: corrupt, encrypted, too large...) fails at
  once with the reader's reason. Anything else (database locked, disk full, a bug in
  a later stage) is retried with back-off, `max_attempts` claims in all; a worker that
  dies counts as an attempt too, so a file that kills its worker cannot loop forever.
- Running a job twice is harmless: a file is stored in one transaction, keyed by its
  content hash, so the second run finds it "present".
"""
from __future__ import annotations

import fcntl
import logging
import multiprocessing
import os
import secrets
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from multiprocessing.connection import Connection
from pathlib import Path
from types import TracebackType

from ingest.base import OcrEngine, ReadError
from ingest.reader import load_source
from store.db import Store
from store.jobs import Job, Jobs, Origin
from vanban.config import Settings
from vanban.pipeline import Ingestor

log = logging.getLogger(__name__)

OcrFactory = Callable[[Settings], OcrEngine | None]
IDLE_POLL = 0.5         # seconds an idle worker waits before looking at the queue again
SUPERVISE_EVERY = 1.0   # seconds between the supervisor's looks at its workers
RECOVER_EVERY = 30.0    # seconds between looks for other pools' dead workers


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 3
    delay: float = 2.0   # seconds before the first retry, doubled for each one after


def new_batch(origin: Origin) -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return f"{origin}-{stamp}-{secrets.token_hex(3)}"


# ---------------------------------------------------------------- submitting

def submit_files(db_path: str | os.PathLike[str], files: Iterable[tuple[str, str | os.PathLike[str]]],
                 *, settings: Settings | None = None, origin: Origin = "upload") -> tuple[str, list[Job]]:
    """Queue files given as (original name, path to their bytes), in one new batch.
    Returns at once with the batch id and one job per file: queued, or failed with the
    reason when the file is refused before queueing (over the size limit, unreadable).
    The bytes are copied to the spool before each job commits, so the paths may be
    deleted as soon as this returns."""
    settings = settings or Settings.from_env()
    batch = new_batch(origin)
    with Store(db_path) as store:
        jobs = Jobs(store)
        return batch, [_submit(jobs, batch, origin, name, Path(path), settings) for name, path in files]


def _submit(jobs: Jobs, batch: str, origin: Origin, name: str, path: Path, settings: Settings) -> Job:
    try:
        source = load_source(path, max_bytes=settings.max_file_bytes)
    except ReadError as exc:
        return jobs.reject(batch=batch, origin=origin, name=name, reason=str(exc))
    return jobs.enqueue(batch=batch, origin=origin, name=name, data=source.data)


# ---------------------------------------------------------------- running one job

def run_next(jobs: Jobs, ingestor: Ingestor, owner: str,
             policy: RetryPolicy = RetryPolicy()) -> Job | None:
    """Claim the oldest runnable job and run it to its next state; None when idle."""
    if not jobs.has_runnable():
        return None
    job = jobs.claim(owner)
    if job is None:   # another worker was quicker
        return None
    try:
        outcome = ingestor.ingest_bytes(job.name, jobs.spool_bytes(job))
    except Exception as exc:  # noqa: BLE001 - every file fails alone, and the loop goes on
        reason = f"{type(exc).__name__}: {exc}"
        if job.attempts < policy.max_attempts:
            log.warning("job %s (%s): %s; retrying", job.id, job.name, reason)
            return jobs.requeue(job.id, reason, delay=policy.delay * 2 ** (job.attempts - 1))
        log.error("job %s (%s): %s; giving up", job.id, job.name, reason)
        ended = jobs.fail(job.id, f"gave up after {job.attempts} attempts: {reason}")
    else:
        if outcome.status == "failed":
            ended = jobs.fail(job.id, outcome.error or "unreadable")
        else:
            ended = jobs.finish(job.id, outcome.status, outcome.document_ids)
    jobs.release_spool(job.sha256)
    return ended


# ---------------------------------------------------------------- worker identity

def owners_dir(db_path: str | os.PathLike[str]) -> Path:
    path = Path(db_path)
    return path.with_name(path.stem + "-workers")


class OwnerLock:
    """A worker's identity: a lock file held for the life of the process."""

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.token = f"{os.getpid()}.{secrets.token_hex(4)}.{socket.gethostname()}"
        self.path = folder / f"{self.token}.lock"
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(self.fd, fcntl.LOCK_EX)

    def release(self) -> None:
        self.path.unlink(missing_ok=True)
        os.close(self.fd)


def owner_is_dead(folder: Path, owner: str | None) -> bool:
    """True when no live process holds `owner`'s lock (the lock file is then removed)."""
    if not owner:
        return True
    path = folder / f"{owner}.lock"
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    else:
        path.unlink(missing_ok=True)
        return True
    finally:
        os.close(fd)


def recover(db_path: str | os.PathLike[str], policy: RetryPolicy = RetryPolicy()) -> list[Job]:
    """Queue again (or fail, when out of attempts) the running jobs of dead workers."""
    folder = owners_dir(db_path)
    with Store(db_path) as store:
        jobs = Jobs(store)
        changed = jobs.recover(lambda owner: owner_is_dead(folder, owner), policy.max_attempts)
        for job in changed:
            if job.state == "failed":
                jobs.release_spool(job.sha256)
    return changed


def clean_up(db_path: str | os.PathLike[str]) -> None:
    """Remove what dead processes left behind: spool files no job needs (a crash
    between a job's end and the spool's release), stale worker lock files."""
    with Store(db_path) as store:
        if removed := Jobs(store).sweep_spool():
            log.info("removed %d spool files left by a crash", removed)
    folder = owners_dir(db_path)
    if folder.is_dir():
        for lock in folder.glob("*.lock"):
            owner_is_dead(folder, lock.name.removesuffix(".lock"))


# ---------------------------------------------------------------- the pool

def _worker_main(db_path: str, settings: Settings, ocr_factory: OcrFactory | None,
                 policy: RetryPolicy, stop: Connection) -> None:
    # Ctrl-C reaches the whole process group; the pool decides when workers stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    lock = OwnerLock(owners_dir(db_path))
    try:
        with Store(db_path) as store:
            jobs = Jobs(store)
            ingestor = Ingestor(store, settings, ocr=ocr_factory(settings) if ocr_factory else None)
            # `stop` turns readable when the pool closes its end of the pipe, or when the
            # pool's process dies (kill -9 included): either way, finish the job and leave.
            while not stop.poll():
                if run_next(jobs, ingestor, lock.token, policy) is None:
                    stop.poll(IDLE_POLL)
    finally:
        lock.release()


class JobPool:
    """`workers` processes running queued jobs of one database, and a supervisor
    thread that replaces dead workers and queues their jobs again.

        with JobPool(db_path, workers=2, ocr_factory=default_ocr):
            ...   # jobs run in the background
    """

    def __init__(self, db_path: str | os.PathLike[str], *, workers: int | None = None,
                 settings: Settings | None = None, ocr_factory: OcrFactory | None = None,
                 policy: RetryPolicy = RetryPolicy()):
        self.db_path = str(db_path)
        self.size = max(workers or os.cpu_count() or 1, 1)
        settings = settings or Settings.from_env()
        # The cores are shared between the workers: each OCRs with its share of them.
        self.settings = replace(settings, ocr_workers=max(settings.ocr_workers // self.size, 1))
        self.ocr_factory = ocr_factory
        self.policy = policy
        self._mp = multiprocessing.get_context("spawn")   # no fork of a threaded process
        self._stop_reader, self._stop_writer = self._mp.Pipe(duplex=False)
        self._done = threading.Event()
        self._workers: list[multiprocessing.process.BaseProcess] = []
        self._supervisor: threading.Thread | None = None

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self._workers if p.pid is not None]

    def start(self) -> JobPool:
        recover(self.db_path, self.policy)
        clean_up(self.db_path)
        self._workers = [self._spawn() for _ in range(self.size)]
        self._supervisor = threading.Thread(target=self._supervise, name="job-supervisor", daemon=True)
        self._supervisor.start()
        return self

    def stop(self, timeout: float | None = None) -> None:
        """Let each worker finish its current job, then end it. A worker still busy
        after `timeout` seconds is killed; its job runs again next time."""
        self._done.set()
        if self._supervisor:
            self._supervisor.join()
        self._stop_writer.close()
        for process in self._workers:
            process.join(timeout)
            if process.is_alive():
                process.kill()
                process.join()

    def __enter__(self) -> JobPool:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def _spawn(self) -> multiprocessing.process.BaseProcess:
        process = self._mp.Process(
            target=_worker_main, name="vanban-worker", daemon=True,
            args=(self.db_path, self.settings, self.ocr_factory, self.policy, self._stop_reader))
        process.start()
        return process

    def _supervise(self) -> None:
        """Replace dead workers and queue their jobs again at once; now and then, also
        recover the jobs of other pools' dead workers (another process on this database)."""
        last_recovery = time.monotonic()
        while not self._done.wait(SUPERVISE_EVERY):
            dead = [p for p in self._workers if not p.is_alive()]
            for process in dead:
                log.warning("worker %s ended (exit code %s); starting another", process.pid, process.exitcode)
                self._workers.remove(process)
            if dead or time.monotonic() - last_recovery >= RECOVER_EVERY:
                recover(self.db_path, self.policy)
                last_recovery = time.monotonic()
            self._workers.extend(self._spawn() for _ in dead)
