"""Background jobs: the queue's states, retries, recovery from dead workers, the spool.
Real SQLite files, real worker processes, real kill -9; no mocks."""
from __future__ import annotations

import fcntl
import os
import signal
import time
from pathlib import Path

import pytest

from conftest import SEEDS
from store.db import Store
from store.jobs import Job, Jobs
from vanban.config import Settings
from vanban.jobs import (JobPool, OwnerLock, RetryPolicy, clean_up, owners_dir, recover, run_next,
                         submit_files)
from vanban.models import SourceFile
from vanban.pipeline import Ingestor

NO_DELAY = RetryPolicy(max_attempts=3, delay=0)


def _sha(data: bytes) -> str:
    return SourceFile("x", data).sha256


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def _spooled(jobs: Jobs) -> list[str]:
    """Names of the content files in the spool (lock and temporary files aside)."""
    return sorted(p.name for p in jobs.spool_dir.glob("??/*"))


def _wait_for(predicate, timeout: float = 120.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def seed_bytes() -> bytes:
    return SEEDS[0].read_bytes()


# ---------------------------------------------------------------- submit and run

def test_submitted_bytes_are_spooled_before_the_job_and_released_after_it(tmp_path, db_path, seed_bytes):
    upload = _write(tmp_path, "upload-tmp", seed_bytes)
    batch, [job] = submit_files(db_path, [("quyết định.txt", upload)])
    upload.unlink()   # the caller may drop its copy at once

    with Store(db_path) as store:
        jobs = Jobs(store)
        assert (job.state, job.attempts, job.name, job.batch) == ("queued", 0, "quyết định.txt", batch)
        assert job.sha256 == _sha(seed_bytes) and job.size == len(seed_bytes)
        assert jobs.spool_path(job.sha256).read_bytes() == seed_bytes
        assert jobs.counts(batch=batch) == {"queued": 1, "running": 0, "done": 0, "failed": 0}

        done = run_next(jobs, Ingestor(store), "test-owner")
        assert (done.id, done.state, done.outcome, done.attempts) == (job.id, "done", "added", 1)
        assert done.document_ids == store.document_ids(job.sha256) != []
        assert done.finished_at >= done.started_at >= done.created_at
        assert _spooled(jobs) == []
        assert run_next(jobs, Ingestor(store), "test-owner") is None   # nothing left


def test_same_content_twice_is_stored_once(tmp_path, db_path, seed_bytes):
    a = _write(tmp_path, "a.txt", seed_bytes)
    b = _write(tmp_path, "b.txt", seed_bytes)
    _, [first, second] = submit_files(db_path, [("a.txt", a), ("b.txt", b)])
    with Store(db_path) as store:
        jobs, ingestor = Jobs(store), Ingestor(store)
        assert _spooled(jobs) == [first.sha256]   # one spool file serves both jobs
        one = run_next(jobs, ingestor, "w")
        assert _spooled(jobs) == [first.sha256]   # still needed by the second job
        two = run_next(jobs, ingestor, "w")
        assert (one.outcome, two.outcome) == ("added", "present")
        assert one.document_ids == two.document_ids
        assert store.all_file_hashes() == [first.sha256]
        assert _spooled(jobs) == []


def test_unreadable_file_fails_at_once_with_the_readers_reason(tmp_path, db_path):
    bad = _write(tmp_path, "scan.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8)
    _, [job] = submit_files(db_path, [("scan.docx", bad)])
    with Store(db_path) as store:
        jobs = Jobs(store)
        failed = run_next(jobs, Ingestor(store), "w", NO_DELAY)
        assert (failed.state, failed.attempts) == ("failed", 1)
        assert failed.reason == "legacy binary Word/Excel file (.doc/.xls) is not supported; save it as .docx"
        assert store.all_file_hashes() == [] and _spooled(jobs) == []


def test_file_over_the_size_limit_is_refused_before_spooling(tmp_path, db_path, seed_bytes):
    big = _write(tmp_path, "big.txt", seed_bytes)
    settings = Settings(max_file_bytes=1000)
    _, [job] = submit_files(db_path, [("big.txt", big)], settings=settings)
    assert (job.state, job.attempts, job.sha256) == ("failed", 0, None)
    assert job.reason == f"file too large: {len(seed_bytes):,} bytes > limit 1,000"
    _, [missing] = submit_files(db_path, [("gone.txt", tmp_path / "gone.txt")])
    assert (missing.state, missing.reason) == ("failed", "no such file")
    with Store(db_path) as store:
        assert _spooled(Jobs(store)) == [] and Jobs(store).counts()["failed"] == 2


# ---------------------------------------------------------------- transient errors

def _obstruct_blobs(store: Store) -> None:
    """Make the blob folder a plain file, so storing any file fails with an OSError
    (something an operator can fix, like a full disk)."""
    store.blob_dir.write_text("not a folder")


def test_transient_error_is_retried_and_then_succeeds(tmp_path, db_path, seed_bytes):
    _, [job] = submit_files(db_path, [("a.txt", _write(tmp_path, "a.txt", seed_bytes))])
    with Store(db_path) as store:
        jobs, ingestor = Jobs(store), Ingestor(store)
        _obstruct_blobs(store)
        retry = run_next(jobs, ingestor, "w", NO_DELAY)
        assert (retry.state, retry.attempts, retry.owner) == ("queued", 1, None)
        assert retry.reason.startswith(("FileExistsError", "NotADirectoryError"))
        assert _spooled(jobs) == [job.sha256]   # kept for the next attempt

        store.blob_dir.unlink()
        done = run_next(jobs, ingestor, "w", NO_DELAY)
        assert (done.state, done.attempts, done.outcome, done.reason) == ("done", 2, "added", None)
        assert store.all_file_hashes() == [job.sha256]


def test_retry_waits_for_its_back_off(tmp_path, db_path, seed_bytes):
    submit_files(db_path, [("a.txt", _write(tmp_path, "a.txt", seed_bytes))])
    with Store(db_path) as store:
        jobs, ingestor = Jobs(store), Ingestor(store)
        _obstruct_blobs(store)
        retry = run_next(jobs, ingestor, "w", RetryPolicy(max_attempts=3, delay=3600))
        assert retry.state == "queued" and retry.run_after > retry.started_at
        assert jobs.has_runnable() is False
        assert run_next(jobs, ingestor, "w") is None and jobs.get(retry.id).attempts == 1


def test_transient_error_gives_up_after_the_cap(tmp_path, db_path, seed_bytes):
    _, [job] = submit_files(db_path, [("a.txt", _write(tmp_path, "a.txt", seed_bytes))])
    with Store(db_path) as store:
        jobs, ingestor = Jobs(store), Ingestor(store)
        _obstruct_blobs(store)
        states = [run_next(jobs, ingestor, "w", NO_DELAY) for _ in range(3)]
        assert [(j.state, j.attempts) for j in states] == [("queued", 1), ("queued", 2), ("failed", 3)]
        assert states[-1].reason.startswith("gave up after 3 attempts: ")
        assert run_next(jobs, ingestor, "w", NO_DELAY) is None
        assert _spooled(jobs) == [] and store.stats()["files"] == 0


# ---------------------------------------------------------------- dead owners

def test_running_job_of_a_dead_owner_runs_again_and_of_a_live_one_does_not(tmp_path, db_path, seed_bytes):
    _, [job] = submit_files(db_path, [("a.txt", _write(tmp_path, "a.txt", seed_bytes))])
    with Store(db_path) as store:
        jobs = Jobs(store)
        worker = OwnerLock(owners_dir(db_path))   # a live owner: its lock is held
        assert jobs.claim(worker.token).id == job.id
        assert recover(db_path) == []
        assert jobs.get(job.id).state == "running"

        worker.release()   # what the kernel does when a worker dies
        [requeued] = recover(db_path)
        assert (requeued.id, requeued.state, requeued.owner, requeued.attempts) == (job.id, "queued", None, 1)
        assert jobs.spool_path(job.sha256).exists()

        done = run_next(jobs, Ingestor(store), "w")
        assert (done.state, done.attempts) == ("done", 2)


def test_a_file_that_keeps_killing_its_worker_fails_after_the_cap(tmp_path, db_path, seed_bytes):
    _, [job] = submit_files(db_path, [("a.txt", _write(tmp_path, "a.txt", seed_bytes))])
    with Store(db_path) as store:
        jobs = Jobs(store)
        for attempt in (1, 2, 3):
            worker = OwnerLock(owners_dir(db_path))
            assert jobs.claim(worker.token).attempts == attempt
            worker.release()
            [changed] = recover(db_path, RetryPolicy(max_attempts=3))
        assert changed.state == "failed"
        assert changed.reason == ("the worker stopped while reading this file, 3 times"
                                  " (a crash, a kill or running out of memory)")
        assert _spooled(jobs) == []


def test_pool_replaces_a_killed_worker_and_runs_its_job_again(tmp_path, db_path):
    """kill -9 of a worker in the middle of a job: caught while the job is running and
    the test holds the database write lock, so the worker cannot have finished it."""
    texts = [seed.read_bytes() + f"\nBản sao {i}.\n".encode() for i, seed in enumerate(SEEDS)]
    files = [(f"{i}.txt", _write(tmp_path, f"{i}.txt", data)) for i, data in enumerate(texts)]
    _, submitted = submit_files(db_path, files)

    with JobPool(db_path, workers=1) as pool, Store(db_path) as store:
        jobs = Jobs(store)
        [first_pid] = pool.pids
        victim: Job | None = None
        while victim is None:
            with store.transaction():
                running = [j for j in jobs.recent(limit=10) if j.state == "running"]
                if running:
                    victim = running[0]
                    os.kill(first_pid, signal.SIGKILL)
                    assert victim.owner.split(".")[0] == str(first_pid)
            assert len([j for j in jobs.recent(limit=10) if j.state == "done"]) < len(files), \
                "every job finished before one could be caught running"
            time.sleep(0.02)

        _wait_for(lambda: jobs.counts()["done"] == len(files), what="all jobs done")
        again = jobs.get(victim.id)
        assert (again.state, again.attempts, again.outcome) == ("done", 2, "added")
        assert first_pid not in pool.pids and len(pool.pids) == 1
    with Store(db_path) as store:
        assert sorted(store.all_file_hashes()) == sorted(j.sha256 for j in submitted)
        assert _spooled(Jobs(store)) == []
        assert list(owners_dir(db_path).glob("*.lock")) == []


def test_clean_up_removes_only_spool_files_nobody_needs(tmp_path, db_path, seed_bytes):
    _, [job] = submit_files(db_path, [("a.txt", _write(tmp_path, "a.txt", seed_bytes))])
    with Store(db_path) as store:
        jobs = Jobs(store)
        orphan = jobs.spool_path("ab" * 32)          # left by a crash after its job ended
        orphan.parent.mkdir(parents=True, exist_ok=True)
        orphan.write_bytes(b"old")
        temporary = orphan.with_name(".incoming-dead-writer")
        temporary.write_bytes(b"half")

        with jobs._spool_lock() as lock:            # a writer is alive: its temporaries stay
            fcntl.flock(lock, fcntl.LOCK_SH)
            clean_up(db_path)
            assert _spooled(jobs) == sorted([job.sha256, temporary.name])
        clean_up(db_path)
        assert _spooled(jobs) == [job.sha256]        # the queued job's bytes are kept
