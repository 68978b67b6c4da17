"""`vanban watch` (the drop folder) and `vanban jobs` (the background job table)."""
from __future__ import annotations

import logging
import os
import signal
from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from api.cli import DbOption, Format, FormatOption, app, default_ocr, emit_json, err, open_store, out
from vanban.config import Settings, default_db_path

if TYPE_CHECKING:   # the store is imported when a command runs, not at every CLI start
    from store.jobs import Job


class JobState(StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


@app.command()
def watch(
    inbox: Annotated[Path, typer.Argument(help="The folder clerks drop files into.",
                                          exists=True, file_okay=False)],
    db: DbOption = None,
    archive: Annotated[Path | None, typer.Option(
        help="Where ingested files go (default: INBOX-archive beside the inbox).")] = None,
    quarantine: Annotated[Path | None, typer.Option(
        help="Where unreadable files go, each with NAME.reason.txt (default: INBOX-quarantine).")] = None,
    settle: Annotated[float, typer.Option(
        help="Seconds a file's size and mtime must stay unchanged before it is taken.")] = 5.0,
    rescan: Annotated[float, typer.Option(
        help="Seconds between full rescans (for changes filesystem events miss).")] = 60.0,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = os.cpu_count() or 1,
    once: Annotated[bool, typer.Option(
        "--once", help="Process the files there now, then exit.")] = False,
    read_only: Annotated[bool, typer.Option(
        "--read-only", help="Never move or delete anything in the inbox; remember what was taken.")] = False,
    fmt: FormatOption = Format.text,
) -> None:
    """Ingest files dropped into INBOX: stored ones go to the archive, unreadable ones
    to quarantine with the reason beside them. Safe to stop (even kill -9) and restart."""
    from vanban import watch as inbox_watch
    from vanban.jobs import JobPool, new_batch

    settings = Settings.from_env()
    options = inbox_watch.WatchOptions.beside(
        inbox, archive=archive, quarantine=quarantine, settle=settle,
        rescan=float("inf") if once else rescan, read_only=read_only)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    signal.signal(signal.SIGTERM, _stop_gracefully)
    tally: Counter[str] = Counter()
    filed: list[dict[str, Any]] = []   # for --format json only: a long watch files many
    with (open_store(db) as store,
          JobPool(db or default_db_path(), workers=workers, settings=settings, ocr_factory=default_ocr),
          Progress(TextColumn("[bold]watch"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   TextColumn("{task.description}"), console=err) as progress):
        bar = progress.add_task("", total=0)

        def on_filed(job: Job) -> None:
            where = _disposition(job)
            tally[where] += 1
            if fmt == Format.json:
                filed.append(_filed_summary(job, where))
            path = escape(job.path or "")
            if where == "quarantine":
                progress.console.print(f"[red]quarantined[/red] {path}: {escape(job.reason or '')}")
            elif where == "archive":
                progress.console.print(f"archived {path} ({job.outcome}, {len(job.document_ids)} documents)")
            else:
                progress.console.print(f"[yellow]{_LEFT[where]}[/yellow] {path} ({job.state})")

        def on_step(w: inbox_watch.Watcher) -> None:
            progress.update(bar, total=w.taken, completed=w.filed,
                            description=f"archived {tally['archive']}, quarantined {tally['quarantine']}")

        watcher = inbox_watch.Watcher(store, options, settings, new_batch("watch"), on_filed)
        if not once:
            err.print(f"watching {options.inbox} (Ctrl-C to stop)")
        try:
            inbox_watch.run(watcher, once=once, on_step=on_step)
        except KeyboardInterrupt:
            err.print("stopping: letting running jobs finish")
    counts = {k: tally[k] for k in ("archive", "quarantine", "inbox", "gone")}
    if fmt == Format.json:
        emit_json({**counts, "files": filed})
    else:
        err.print(f"archived {counts['archive']}, quarantined {counts['quarantine']}"
                  + (f", left in place {counts['inbox']}" if counts["inbox"] else "")
                  + (f", vanished {counts['gone']}" if counts["gone"] else ""))


def _stop_gracefully(signum: int, frame: object) -> NoReturn:
    raise KeyboardInterrupt


_LEFT = {"inbox": "left in the inbox", "gone": "vanished from the inbox"}


def _disposition(job: Job) -> str:
    if job.filed_to is None:
        return "gone"
    if job.filed_to == job.path:
        return "inbox"
    return "quarantine" if job.state == "failed" else "archive"


def _filed_summary(job: Job, where: str) -> dict[str, Any]:
    return {"job": job.id, "path": job.path, "to": where, "filed_to": job.filed_to,
            "state": job.state, "outcome": job.outcome, "sha256": job.sha256,
            "document_ids": job.document_ids, "reason": job.reason}


@app.command()
def jobs(
    db: DbOption = None,
    fmt: FormatOption = Format.text,
    state: Annotated[JobState | None, typer.Option(help="Only jobs in this state.")] = None,
    batch: Annotated[str | None, typer.Option(help="Only jobs of this batch.")] = None,
    limit: Annotated[int, typer.Option(help="How many of the most recent jobs.")] = 30,
) -> None:
    """Recent background jobs (uploads and dropped files) with their state."""
    from store.jobs import Jobs

    with open_store(db) as store:
        table = Jobs(store)
        counts = table.counts(batch=batch)
        recent = table.recent(limit=limit, state=state.value if state else None, batch=batch)
    if fmt == Format.json:
        emit_json({"counts": counts, "jobs": [j.to_dict() for j in recent]})
        return
    err.print(", ".join(f"{name} {n}" for name, n in counts.items()))
    for job in recent:
        when = (job.finished_at or job.started_at or job.created_at)[:19].replace("T", " ")
        result = f"{job.outcome}: {', '.join(job.document_ids)}" if job.state == "done" else job.reason or ""
        colour = {"failed": "red", "running": "yellow", "queued": "cyan"}.get(job.state, "green")
        out.print(f"{job.id:>6}  [{colour}]{job.state:<7}[/{colour}]  {job.attempts}  {when}  "
                  f"{escape(job.name)}  {escape(result)}")
