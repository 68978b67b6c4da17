"""Graph commands: cites, cited-by, references, trace, tasks, export, relink.

Each reporting command takes `--format json` and then prints one JSON document."""
from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from api.cli import DbOption, Format, FormatOption, app, emit_json, err, open_store, out


class GraphFormat(StrEnum):
    json = "json"
    graphml = "graphml"


def _doc_id_or_exit(store, ident: str) -> str:
    doc_id = store.resolve_document_id(ident)
    if doc_id is None:
        err.print(f"[red]no document[/red] {ident!r}")
        raise typer.Exit(2)
    return doc_id


def _status(status: str) -> str:
    return escape(f"[{status}]")


def _emit_citing(rows: list[dict[str, Any]], fmt: Format) -> None:
    if fmt == Format.json:
        emit_json(rows)
        return
    if not rows:
        err.print("no documents found")
    for r in rows:
        out.print(f"[bold]{r['id']}[/bold]  {_status(r['status'])} {r.get('doc_type') or '?'} "
                  f"{r.get('number') or ''}  {r.get('issued_date') or ''}  {escape(r.get('issuer') or '')}")
        out.print(f"    {r['relation']}: {escape(r['sentence'])}")


@app.command()
def cites(reference: Annotated[str, typer.Argument(help='A reference in any spelling: "NĐ 61/2018".')],
          db: DbOption = None, fmt: FormatOption = Format.text,
          limit: Annotated[int | None, typer.Option(help="At most this many documents.")] = None) -> None:
    """Documents that cite a reference, with the citing sentence."""
    from linker.graph import cites as run

    with open_store(db) as store:
        rows = run(store, reference, limit=limit)
    _emit_citing(rows, fmt)


@app.command("cited-by")
def cited_by(ident: Annotated[str, typer.Argument(help="Document id (or a unique prefix).")],
             db: DbOption = None, fmt: FormatOption = Format.text) -> None:
    """Documents that cite this document (any of its renditions)."""
    from linker.graph import cited_by as run

    with open_store(db) as store:
        rows = run(store, _doc_id_or_exit(store, ident))
    _emit_citing(rows, fmt)


@app.command()
def references(ident: Annotated[str, typer.Argument(help="Document id (or a unique prefix).")],
               db: DbOption = None, fmt: FormatOption = Format.text) -> None:
    """What a document cites, each with its resolution."""
    from linker.graph import references as run

    with open_store(db) as store:
        rows = run(store, _doc_id_or_exit(store, ident))
    if fmt == Format.json:
        emit_json(rows)
        return
    for r in rows:
        target = r["target_id"] or ("placeholder" if r["placeholder"] else
                                    ", ".join(c["id"] for c in r["candidates"]))
        out.print(f"  {_status(r['status'])} {r['relation']:<10} {escape(r['surface'])} → {target}")


@app.command()
def trace(task_id: Annotated[str, typer.Argument(help="Task id, as listed by `vanban tasks`.")],
          db: DbOption = None, fmt: FormatOption = Format.text) -> None:
    """A task's document and the chain of documents it implements, up to the root."""
    from linker.graph import trace as run

    with open_store(db) as store:
        try:
            result = run(store, task_id)
        except LookupError as exc:
            err.print(f"[red]{exc}[/red]")
            raise typer.Exit(2) from None
    if fmt == Format.json:
        emit_json(result)
        return
    out.print(f"[bold]task[/bold] {result['task']['id']}: {escape(result['task']['text'][:120])}")
    for hop in result["hops"]:
        d = hop["document"]
        via = hop["via"]
        if via:
            out.print(f"  ↑ {via['relation']} {_status(via['status'])}: {escape(via['sentence'])}")
        out.print(f"[bold]{d.get('id') or '?'}[/bold]  {d.get('doc_type') or '?'} {d.get('number') or ''}  "
                  f"{escape(d.get('issuer') or '')}  {d.get('issued_date') or ''}")


@app.command()
def tasks(db: DbOption = None, fmt: FormatOption = Format.text,
          agency: Annotated[str | None, typer.Option(help='Any spelling: "Sở Nội vụ", "SNV", "Sở NV tỉnh X".')] = None,
          overdue: Annotated[bool, typer.Option(help="Only tasks whose due date has passed.")] = False,
          due_before: Annotated[str | None, typer.Option(help="Only tasks due on or before this ISO date.")] = None,
          year: Annotated[int | None, typer.Option(help="Only tasks due that year.")] = None,
          today: Annotated[str | None, typer.Option(help="Today's date for --overdue (ISO).")] = None,
          role: Annotated[str | None, typer.Option(help="lead or support (default: either).")] = None) -> None:
    """Obligations: tasks by agency and deadline."""
    from linker.graph import obligations

    with open_store(db) as store:
        rows = obligations(store, agency=agency, due_before=due_before, overdue=overdue, year=year,
                           today=today, role=role)
    if fmt == Format.json:
        emit_json(rows)
        return
    if not rows:
        err.print("no tasks found")
    for r in rows:
        out.print(f"[bold]{r['id']}[/bold]  {escape(r['due'] or r['deadline_text'] or '—')}  "
                  f"{escape(r['lead'] or '—')}  ({r['doc_type'] or '?'} {r['doc_number'] or ''})")
        out.print(f"    {escape(r['text'][:160])}")


@app.command()
def export(db: DbOption = None,
           fmt: Annotated[GraphFormat, typer.Option("--format", "-f", help="Graph format.")] = GraphFormat.json,
           output: Annotated[Path | None, typer.Option("--output", "-o", help="File (default: stdout).")] = None
           ) -> None:
    """The citation graph: documents, placeholders and citations."""
    from linker.graph import export_graph

    with open_store(db) as store:
        text = export_graph(store, fmt.value)
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        output.write_text(text, encoding="utf-8")
        err.print(f"wrote {output}")


@app.command()
def relink(db: DbOption = None, fmt: FormatOption = Format.text) -> None:
    """Recompute every key, rendition, resolution and agency link (e.g. after an upgrade)."""
    from linker import relink_all

    with open_store(db) as store:
        counts = relink_all(store)
    if fmt == Format.json:
        emit_json(counts)
    else:
        err.print(", ".join(f"{k} {v}" for k, v in counts.items()))
