"""The drop folder: files put in an inbox are ingested by the job pool, then moved to
the archive (stored, or already there) or to quarantine with `<name>.reason.txt`.

- A file is taken once it is stable: the same size and mtime at every look for
  `settle` seconds. Its bytes are checked again after reading, so a file still being
  written is put back, never taken half copied.
- Filesystem events (watchdog) say where to look; a full rescan every `rescan`
  seconds catches what events miss (network shares, overflowing event queues).
- Restart-safe, all state is in the job table: taken files have a job row (with the
  inbox path) from the moment their bytes are spooled; the destination of a move is
  recorded before the move and the move is marked done after it, so a restart either
  repeats nothing or finishes exactly the step that was interrupted.
- `read_only`: nothing in the inbox is moved, renamed or deleted; what was taken is
  remembered by (path, size, mtime) and, once read, by content hash.
"""
from __future__ import annotations

import errno
import logging
import os
import queue
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import Any

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

from ingest.base import ReadError
from ingest.reader import load_source
from store.db import Store
from store.jobs import Job, Jobs
from vanban.config import Settings

log = logging.getLogger(__name__)

REASON_SUFFIX = ".reason.txt"
TAKE_PER_STEP = 100   # files read into the queue per step, so filing and progress keep up
Snapshot = tuple[int, int]   # (size, mtime_ns)


@dataclass(frozen=True)
class WatchOptions:
    inbox: Path
    archive: Path
    quarantine: Path
    settle: float = 5.0
    rescan: float = 60.0
    read_only: bool = False

    @classmethod
    def beside(cls, inbox: Path, *, archive: Path | None = None, quarantine: Path | None = None,
               **options: Any) -> WatchOptions:
        """Options with the archive and quarantine folders next to the inbox
        (INBOX-archive, INBOX-quarantine) unless given."""
        inbox = inbox.resolve()
        archive = archive or inbox.with_name(inbox.name + "-archive")
        quarantine = quarantine or inbox.with_name(inbox.name + "-quarantine")
        return cls(inbox, archive.resolve(), quarantine.resolve(), **options)


class Watcher:
    """Takes stable files from the inbox into the queue and files them when their
    job has finished. Single-threaded: `step()` is called in a loop; `notice()` may
    be called from any thread (watchdog's)."""

    def __init__(self, store: Store, options: WatchOptions, settings: Settings, batch: str,
                 on_filed: Callable[[Job], None] = lambda job: None,
                 clock: Callable[[], float] = time.monotonic):
        self.jobs = Jobs(store)
        self.options = options
        self.settings = settings
        self.batch = batch
        self.on_filed = on_filed
        self.clock = clock
        self.inbox = str(options.inbox)
        self._noticed: queue.SimpleQueue[Path] = queue.SimpleQueue()
        self._pending: dict[Path, tuple[Snapshot, float]] = {}   # path -> (last look, unchanged since)
        self._in_flight: dict[str, Job] = {}                      # path -> its unfiled job
        self._left: set[tuple[str, int | None, int | None]] = set()   # files left in place
        self._last_scan = float("-inf")
        self.taken = 0
        self.filed = 0

    # ------------------------------------------------------------ state

    def resume(self) -> None:
        """Pick up where a previous run stopped: its unfiled jobs are waited for (and
        run again by the pool if their worker died); read-only runs skip what was taken."""
        for job in self.jobs.unfiled(self.inbox):
            self._in_flight[_inbox_path(job)] = job
            self.taken += 1
        if self.options.read_only:
            self._left = self.jobs.taken_files(self.inbox)

    @property
    def idle(self) -> bool:
        """Nothing waiting to settle, nothing in the queue or unfiled."""
        return not self._pending and not self._in_flight and self._noticed.empty()

    # ------------------------------------------------------------ finding files

    def notice(self, path: Path) -> None:
        """A path that may have changed: a file, or a folder to look through."""
        self._noticed.put(path)

    def scan(self) -> None:
        self._last_scan = self.clock()
        self.notice(self.options.inbox)

    def step(self) -> None:
        """One round: rescan when due, take what has settled, file what has finished."""
        if self.clock() - self._last_scan >= self.options.rescan:
            self.scan()
        while not self._noticed.empty():
            for path in self._candidates(self._noticed.get()):
                self._pending.setdefault(path, ((-1, -1), self.clock()))
        self._take_settled()
        self._file_finished()

    def _candidates(self, path: Path) -> Iterator[Path]:
        if not self._wanted(path):
            return
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if self._wanted(Path(root, d)))
                yield from (Path(root, f) for f in sorted(files) if self._wanted(Path(root, f)))
        elif str(path) not in self._in_flight:
            yield path

    def _wanted(self, path: Path) -> bool:
        """Inside the inbox, not hidden, not an Office lock file (~$name.docx), not the
        archive or quarantine when they are inside the inbox."""
        try:
            parts = path.relative_to(self.options.inbox).parts
        except ValueError:
            return False
        if any(p.startswith((".", "~$")) for p in parts):
            return False
        return not (path == self.options.archive or path == self.options.quarantine)

    # ------------------------------------------------------------ taking settled files

    def _take_settled(self) -> None:
        clock = self.clock()
        taken = 0
        for path, (seen, since) in list(self._pending.items()):
            current = _snapshot(path)
            if current is None or str(path) in self._in_flight or (str(path), *current) in self._left:
                del self._pending[path]   # gone, not a file, taken, or left in place on purpose
            elif current != seen:
                self._pending[path] = (current, clock)
            elif clock - since >= self.options.settle and taken < TAKE_PER_STEP:
                del self._pending[path]
                self._take(path, current)
                taken += 1

    def _take(self, path: Path, seen: Snapshot) -> None:
        fields: dict[str, Any] = {"batch": self.batch, "origin": "watch", "name": path.name,
                                  "inbox": self.inbox, "path": str(path), "mtime_ns": seen[1]}
        try:
            source = load_source(path, max_bytes=self.settings.max_file_bytes)
        except ReadError as exc:
            if _snapshot(path) is None:   # removed while we looked: nothing to file
                return
            job = self.jobs.reject(reason=str(exc), size=seen[0], **fields)
        else:
            if _snapshot(path) != seen:   # changed while being read: not settled after all
                self.notice(path)
                return
            if self.options.read_only and self.jobs.was_taken(self.inbox, str(path), source.sha256):
                self._left.add((str(path), *seen))   # touched, not changed
                return
            job = self.jobs.enqueue(data=source.data, **fields)
        self._in_flight[str(path)] = job
        self.taken += 1

    # ------------------------------------------------------------ filing finished jobs

    def _file_finished(self) -> None:
        if not self._in_flight:
            return
        for job in self.jobs.finished_unfiled(self.inbox):
            self._file(job)

    def _file(self, job: Job) -> None:
        path = _inbox_path(job)
        source = Path(path)
        current = _snapshot(source)
        ours = current is not None and current == (job.size, job.mtime_ns)
        if self.options.read_only:
            filed = self.jobs.mark_filed(job.id, path)
        elif current is not None and not ours:
            # Replaced by another file of the same name since it was taken: that one is
            # new and will be taken on its own; the job's file is gone.
            filed = self.jobs.mark_filed(job.id, None)
        else:
            filed = self._move(job, source, present=ours)
        self._in_flight.pop(path, None)
        if filed.filed_to == path:
            self._left.add((path, job.size, job.mtime_ns))
        self.filed += 1
        self.on_filed(filed)

    def _move(self, job: Job, source: Path, *, present: bool) -> Job:
        """Move the file to the archive or quarantine under a name nobody holds. The
        destination is recorded before the move, so a run that stopped in between is
        finished, not repeated."""
        target = Path(job.filed_to) if job.filed_to else None
        if not present:
            # Moved by a run that stopped before recording it, or removed from the inbox.
            if target is None or not os.path.lexists(target):
                return self.jobs.mark_filed(job.id, None)
        else:
            if target is None or os.path.lexists(target):   # no plan yet, or its name got taken
                root = self.options.quarantine if job.state == "failed" else self.options.archive
                target = free_name(root / source.relative_to(self.options.inbox), job.state == "failed")
                self.jobs.plan_filing(job.id, str(target))
            try:
                move(source, target)
            except OSError as exc:   # left in place, and not taken again in this run
                log.error("could not move %s to %s: %s", source, target, exc.strerror or exc)
                return self.jobs.mark_filed(job.id, str(source))
        if job.state == "failed":
            write_reason(target, job)
        return self.jobs.mark_filed(job.id, str(target))


def run(watcher: Watcher, *, once: bool, on_step: Callable[[Watcher], None] = lambda watcher: None) -> None:
    """Watch until interrupted, or with `once` until every file found at the start has
    been filed. A started `JobPool` on the same database runs the jobs; starting it
    first also queues again the jobs of dead workers, which `resume` then waits for."""
    watcher.resume()
    watcher.scan()
    observer = None if once else _observe(watcher)
    tick = max(0.05, min(0.5, watcher.options.settle / 4))
    try:
        while True:
            watcher.step()
            on_step(watcher)
            if once and watcher.idle:
                return
            time.sleep(tick)
    finally:
        if observer is not None:
            observer.stop()
            observer.join()


def _observe(watcher: Watcher) -> BaseObserver:
    class Events(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            for path in (event.src_path, event.dest_path):
                if path:
                    watcher.notice(Path(os.fsdecode(path)))

    observer = Observer()
    observer.schedule(Events(), watcher.inbox, recursive=True)
    observer.start()
    return observer


# ---------------------------------------------------------------- files

def _inbox_path(job: Job) -> str:
    if job.path is None:
        raise ValueError(f"job {job.id} did not come from an inbox")
    return job.path


def _snapshot(path: Path) -> Snapshot | None:
    """(size, mtime_ns) of a regular file; None when it is gone or not a file."""
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns) if path.is_file() else None


def reason_path(path: Path) -> Path:
    return path.with_name(path.name + REASON_SUFFIX)


def free_name(target: Path, with_reason: bool) -> Path:
    """`target`, or `name (1).ext`, `name (2).ext`...: the first name not taken (nor its
    reason file, when one will be written beside it)."""
    for n in count():
        candidate = target if n == 0 else target.with_name(f"{target.stem} ({n}){target.suffix}")
        if not os.path.lexists(candidate) and not (with_reason and os.path.lexists(reason_path(candidate))):
            return candidate
    raise AssertionError("unreachable")


def move(source: Path, target: Path) -> None:
    """Rename when on one filesystem; otherwise copy under a hidden name, rename that
    into place, then remove the source (so a crash never leaves half a file in place)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.rename(source, target)
        return
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
    partial = target.with_name(f".{target.name}.moving")
    shutil.copy2(source, partial)
    os.replace(partial, target)
    source.unlink()


def write_reason(target: Path, job: Job) -> None:
    text = (f"{job.reason}\n\n"
            f"file: {job.path}\n"
            f"sha256: {job.sha256 or '-'}\n"
            f"job: {job.id}, attempts {job.attempts}, failed {job.finished_at}\n")
    path = reason_path(target)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)
