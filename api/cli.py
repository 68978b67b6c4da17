"""The `vanban` command line.

Every command that reports something takes `--format json` and then prints exactly
one JSON document on stdout; progress bars and logs go to stderr."""
from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from vanban.config import Settings, default_db_path

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="vanban: read, extract, link and search Vietnamese government documents.")
err = Console(stderr=True, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)


class Format(StrEnum):
    text = "text"
    json = "json"


DbOption = Annotated[Path | None, typer.Option(
    "--db", help="SQLite database (default: $VANBAN_DB or ~/.local/share/vanban/vanban.db).",
    show_default=False)]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]


def open_store(db: Path | None):
    from store.db import Store

    return Store(db or default_db_path())


def emit_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=1, default=str) + "\n")


def default_ocr(settings: Settings):
    """The Tesseract engine when it is installed; scans then fail with a clear reason."""
    try:
        from ingest.ocr import TesseractEngine
    except ImportError:
        return None
    return TesseractEngine(languages=settings.ocr_languages, workers=settings.ocr_workers)


# ---------------------------------------------------------------- ingest

@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files and folders (walked recursively).")],
    db: DbOption = None,
    fmt: FormatOption = Format.text,
) -> None:
    """Read files into the database; files already there are left as they are."""
    from vanban.pipeline import Ingestor, iter_files

    settings = Settings.from_env()
    files = list(iter_files(paths))
    outcomes = []
    with open_store(db) as store:
        ingestor = Ingestor(store, settings, ocr=default_ocr(settings))
        with Progress(TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), TextColumn("{task.description}"),
                      console=err, transient=fmt == Format.json) as progress:
            bar = progress.add_task("", total=len(files))
            for path in files:
                progress.update(bar, description=path.name)
                outcome = ingestor.ingest_path(path)
                outcomes.append(outcome)
                if outcome.status == "failed":
                    progress.console.print(f"[red]failed[/red] {escape(str(path))}: "
                                           f"{escape(outcome.error or '')}")
                progress.advance(bar)
    counts = {s: sum(o.status == s for o in outcomes) for s in ("added", "present", "failed")}
    if fmt == Format.json:
        emit_json({**counts, "files": [o.to_dict() for o in outcomes]})
    else:
        err.print(f"added {counts['added']}, already present {counts['present']}, "
                  f"failed {counts['failed']}")
    if counts["failed"]:
        raise typer.Exit(1)


# ---------------------------------------------------------------- show / search

def _document_or_exit(store, ident: str) -> dict[str, Any]:
    doc_id = store.resolve_document_id(ident)
    doc = store.document(doc_id) if doc_id else None
    if doc is None:
        err.print(f"[red]no document[/red] {ident!r}")
        raise typer.Exit(2)
    return doc


@app.command()
def show(ident: Annotated[str, typer.Argument(help="Document id (or a unique prefix).")],
         db: DbOption = None, fmt: FormatOption = Format.text) -> None:
    """A document: its fields, citations (with resolution), tasks and scores."""
    with open_store(db) as store:
        doc = _document_or_exit(store, ident)
    if fmt == Format.json:
        emit_json(doc)
        return
    fields = Table.grid(padding=(0, 2))
    for label, key in (("id", "id"), ("file", "file_name"), ("type", "doc_type"), ("number", "number"),
                       ("issuer", "issuer"), ("place", "place"), ("date", "issued_date"),
                       ("title", "title"), ("signer", "signer_name"), ("position", "signer_position")):
        fields.add_row(f"[bold]{label}", str(doc.get(key) or "—"))
    out.print(fields)
    if doc["citations"]:
        out.print(f"\n[bold]Citations[/bold] ({len(doc['citations'])})")
        for c in doc["citations"]:
            target = f" → {c['target_id']}" if c.get("target_id") else ""
            out.print(escape(f"  [{c['status']}] {c['relation']:<10} {c['surface']}{target}"))
    if doc["tasks"]:
        out.print(f"\n[bold]Tasks[/bold] ({len(doc['tasks'])})")
        for t in doc["tasks"]:
            due = t.get("due") or t.get("deadline_text") or ""
            out.print(escape(f"  {t['id']}  {t.get('lead') or '—'} | {due} | {t['text'][:100]}"))
    if doc["scores"]:
        out.print(f"\n[bold]Scores[/bold] ({len(doc['scores'])})")
        for s in doc["scores"][:30]:
            out.print(f"  {s['index_name']} {s.get('criterion') or ''} {s['year']} {s['kind']}: "
                      f"{s['value']} {s.get('unit') or ''} {s.get('rank') or ''}")


@app.command()
def search(query: Annotated[str, typer.Argument(help="Words, with or without diacritics.")],
           db: DbOption = None, fmt: FormatOption = Format.text,
           doc_type: Annotated[str | None, typer.Option("--type", help="Document type.")] = None,
           limit: int = 20) -> None:
    """Full-text search: "quyet dinh 4788" finds "Quyết định số 4788/QĐ-UBND"."""
    with open_store(db) as store:
        hits = store.search(query, doc_type=doc_type, limit=limit)
    if fmt == Format.json:
        emit_json(hits)
        return
    if not hits:
        err.print("no documents found")
    for h in hits:
        out.print(f"[bold]{h['id']}[/bold]  {h.get('doc_type') or '?'} {h.get('number') or ''}  "
                  f"{h.get('issued_date') or ''}  {h.get('title') or h['file_name']}")
        out.print(f"    {h['snippet']}")


# ---------------------------------------------------------------- extract

@app.command()
def extract(file: Annotated[Path, typer.Argument(help="A document file of any supported format.")],
            fmt: FormatOption = Format.text) -> None:
    """Extract fields, citations, tasks and scores from one file (nothing is stored)."""
    from extractors import extract as run_extract
    from ingest.base import ReadError
    from ingest.reader import load_source, read_layout

    settings = Settings.from_env()
    try:
        source = load_source(file, max_bytes=settings.max_file_bytes)
        _, layout = read_layout(source, ocr=default_ocr(settings))
    except ReadError as exc:
        err.print(f"[red]failed[/red] {escape(str(file))}: {escape(str(exc))}")
        raise typer.Exit(1) from None
    record = run_extract(layout, source.name)
    if fmt == Format.json:
        emit_json(record.to_schema())
        return
    for doc in record.documents:
        out.print(f"[bold]{doc.doc_type or '?'}[/bold] {doc.number or ''} — {doc.issuer or '?'}, "
                  f"{doc.place or ''} {doc.issued_date or ''}")
        out.print(f"  {doc.title or ''}")
        out.print(f"  citations {len(doc.citations)}, tasks {len(doc.tasks)}, scores {len(doc.scores)}")


# Commands that live beside their layer register themselves on `app` when imported.
from api import cli_eval, cli_graph, cli_serve, cli_watch  # noqa: E402,F401
