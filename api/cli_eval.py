"""`vanban eval GOLD_DIR DOCS_DIR`: extraction scored against hand annotations."""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from api.cli import Format, FormatOption, app, default_ocr, emit_json, err, out
from vanban.config import Settings


def _documents_by_variant(gold_dir: Path, docs_dir: Path) -> dict[str, dict[str, Path]]:
    """{variant: {stem: file}}: "000_x.txt" is variant "txt", "000_x.scan.pdf" "scan.pdf"."""
    stems = sorted(p.stem for p in gold_dir.glob("*.json"))
    variants: dict[str, dict[str, Path]] = defaultdict(dict)
    for path in sorted(docs_dir.iterdir()):
        for stem in stems:
            if path.is_file() and path.name.startswith(stem + "."):
                variants[path.name[len(stem) + 1:]][stem] = path
    return dict(variants)


def _extract(path: Path, settings: Settings, ocr) -> dict[str, Any]:
    from extractors import extract as run_extract
    from ingest.base import ReadError
    from ingest.reader import load_source, read_layout

    try:
        source = load_source(path, max_bytes=settings.max_file_bytes)
        _, layout = read_layout(source, ocr=ocr)
    except ReadError as exc:
        err.print(f"[red]failed[/red] {path}: {exc}")
        return {"documents": []}
    return run_extract(layout, source.name).to_schema()


def _rows(report: dict[str, Any]) -> list[tuple[str, str]]:
    rows = [("documents F1", f"{report['documents']['f1']:.3f}")]
    rows += [(f"  {name}", "—" if v["acc"] is None else f"{v['acc']:.3f} (n={v['n']})")
             for name, v in report["header"].items()]
    for part in ("citations", "tasks", "scores"):
        r = report[part]
        rows.append((f"{part} P/R/F1", f"{r['p']:.3f} / {r['r']:.3f} / {r['f1']:.3f}"))
        if part == "citations":
            rows += [(f"  {a}", "—" if v["acc"] is None else f"{v['acc']:.3f} (n={v['n']})")
                     for a, v in report["citation_attributes"].items()]
        if part == "tasks":
            attrs = report["task_attributes"]
            rows += [(f"  {a}", "—" if attrs[a]["acc"] is None else f"{attrs[a]['acc']:.3f}")
                     for a in ("lead", "due")]
            rows.append(("  support F1", "—" if attrs["support_f1"] is None else f"{attrs['support_f1']:.3f}"))
    return rows


@app.command("eval")
def evaluate(
    gold_dir: Annotated[Path, typer.Argument(help="Folder of <stem>.json annotations.")],
    docs_dir: Annotated[Path, typer.Argument(help="Folder of <stem>.<ext> documents.")],
    fmt: FormatOption = Format.text,
) -> None:
    """Extract every document in DOCS_DIR and score it against GOLD_DIR, by the rules of
    the gold SCHEMA.md; one scorecard per file variant (txt, docx, pdf, scan.pdf ...)."""
    from extractors.evaluate import Scorecard

    settings = Settings.from_env()
    ocr = default_ocr(settings)
    variants = _documents_by_variant(gold_dir, docs_dir)
    if not variants:
        err.print(f"no documents in {docs_dir} match the annotations in {gold_dir}")
        raise typer.Exit(2)
    golds = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(gold_dir.glob("*.json"))}
    reports: dict[str, dict[str, Any]] = {}
    total = sum(len(files) for files in variants.values())
    with Progress(TextColumn("[bold]eval"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.description}"), console=err, transient=True) as progress:
        bar = progress.add_task("", total=total)
        for variant, files in variants.items():
            card = Scorecard()
            for stem, gold in golds.items():
                pred = {"documents": []}
                if stem in files:
                    progress.update(bar, description=files[stem].name)
                    pred = _extract(files[stem], settings, ocr)
                    progress.advance(bar)
                card.add_file(gold, pred)
            reports[variant] = card.report()
    if fmt == Format.json:
        emit_json(reports)
        return
    table = Table(title=f"{docs_dir} scored against {gold_dir}")
    table.add_column("metric")
    for variant in reports:
        table.add_column(variant, justify="right")
    columns = [_rows(r) for r in reports.values()]
    for i, (label, _) in enumerate(columns[0]):
        table.add_row(label, *(col[i][1] for col in columns))
    out.print(table)
