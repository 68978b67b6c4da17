"""OCR speed: vanban's path next to plain tesseract, on the same corpus scan pages.

    .venv/bin/python bench/ocr.py [--per-doc 3] [--lang vie]

Pages: `--per-doc` pages spread over each corpus/formats/*.scan.pdf (first, last and
between, so both prose and table pages). For each page:

- tesseract CLI: `tesseract page.png - -l vie`, as a user would run it (default
  environment, so tesseract's own OpenMP threads), then again with one thread as
  vanban runs it, on the page image rendered beforehand (not timed);
- vanban: `TesseractEngine.ocr_pdf_pages(pdf, [page])`: render from the PDF, deskew,
  table rules, tesseract (TSV), layout; split into render / tesseract / the rest.

With 1 worker pages run one after another; with 2, two at a time (separate
processes, as two requests would). Latency is one page's time; throughput is pages
over wall time; "cpu s/p" is the CPU time (process and tesseract) per page, which
a busy machine changes less than wall time. A last row reads each document's pages
in one call with the engine's own 2 workers, as a multi-page upload is read. The
machine may be shared: the load average is printed before and after.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pypdfium2 as pdfium

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest import ocr

FORMATS = ROOT / "corpus" / "formats"


def pick_pages(count: int, per_doc: int) -> list[int]:
    """`per_doc` page numbers spread evenly from the first page to the last."""
    if count <= per_doc:
        return list(range(1, count + 1))
    step = (count - 1) / max(per_doc - 1, 1)
    return sorted({1 + round(i * step) for i in range(per_doc)})


def cpu_seconds() -> float:
    """CPU time of this process and its finished subprocesses (tesseract) so far."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def plain_page(png: str, lang: str, threads: str | None) -> tuple[float, float]:
    """(wall, cpu) seconds; `threads` caps tesseract's OpenMP threads when given."""
    env = {**os.environ, "OMP_THREAD_LIMIT": threads} if threads else None
    start, cpu = time.perf_counter(), cpu_seconds()
    subprocess.run(["tesseract", png, "-", "-l", lang], capture_output=True, check=True, env=env)
    return time.perf_counter() - start, cpu_seconds() - cpu


def vanban_page(pdf: str, page: int, lang: str) -> tuple[float, float, float, float]:
    """(wall, cpu, render, tesseract) seconds for one page through the engine."""
    spent = {"tesseract": 0.0, "render": 0.0}
    run, render = ocr._run_tesseract, ocr._render_pdf

    def timed_run(*args, **kwargs):
        start = time.perf_counter()
        try:
            return run(*args, **kwargs)
        finally:
            spent["tesseract"] += time.perf_counter() - start

    def timed_render(*args, **kwargs):
        pages = render(*args, **kwargs)
        while True:
            start = time.perf_counter()
            try:
                image = next(pages)
            except StopIteration:
                return
            spent["render"] += time.perf_counter() - start
            yield image

    ocr._run_tesseract, ocr._render_pdf = timed_run, timed_render
    try:
        engine = ocr.TesseractEngine(lang, workers=1)
        data = Path(pdf).read_bytes()
        start, cpu = time.perf_counter(), cpu_seconds()
        engine.ocr_pdf_pages(data, [page])
        return time.perf_counter() - start, cpu_seconds() - cpu, spent["render"], spent["tesseract"]
    finally:
        ocr._run_tesseract, ocr._render_pdf = run, render


def timed_pool(workers: int, fn, jobs: list[tuple]) -> tuple[float, list]:
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(fn, *zip(*jobs[:workers])))            # start-up and imports, not timed
        start = time.perf_counter()
        results = list(pool.map(fn, *zip(*jobs)))
        return time.perf_counter() - start, results


def row(name: str, workers: int, wall: float, pages: int, results: list[tuple] | None = None) -> str:
    cells = f"{name:<34} {workers:>7} {pages:>5} {wall:>7.1f} {wall / pages:>7.2f} {60 * pages / wall:>9.1f}"
    if results:
        latencies = [r[0] for r in results]
        p90 = statistics.quantiles(latencies, n=10)[-1] if len(latencies) > 1 else latencies[0]
        cpu = statistics.mean(r[1] for r in results)
        cells += f" {statistics.median(latencies):>8.2f} {p90:>8.2f} {cpu:>8.2f}"
    return cells


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-doc", type=int, default=3)
    parser.add_argument("--lang", default="vie")
    args = parser.parse_args()

    docs = sorted(FORMATS.glob("*.scan.pdf"))
    jobs: list[tuple[str, int]] = []
    for pdf in docs:
        jobs += [(str(pdf), p) for p in pick_pages(len(pdfium.PdfDocument(pdf)), args.per_doc)]
    print(f"{len(jobs)} pages from {len(docs)} scans, -l {args.lang}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.2f}")

    with tempfile.TemporaryDirectory() as tmp:
        pngs = []
        for pdf, page in jobs:             # the page images the CLI reads, as embedded (200 dpi)
            document = pdfium.PdfDocument(pdf)
            png = f"{tmp}/{Path(pdf).stem}-{page}.png"
            dpi = ocr._scan_dpi(document[page - 1]) or ocr.RENDER_DPI
            document[page - 1].render(scale=dpi / 72, grayscale=True).to_pil().save(png, dpi=(dpi, dpi))
            pngs.append(png)

        print(f"\n{'path':<34} {'workers':>7} {'pages':>5} {'wall s':>7} {'s/page':>7} "
              f"{'pages/min':>9} {'lat med':>8} {'lat p90':>8} {'cpu s/p':>8}")
        breakdown = []
        for workers in (1, 2):
            for threads, name in ((None, "tesseract CLI (png)"), ("1", "  same, OMP_THREAD_LIMIT=1")):
                wall, results = timed_pool(workers, plain_page, [(png, args.lang, threads) for png in pngs])
                print(row(name, workers, wall, len(jobs), results))
            wall, results = timed_pool(workers, vanban_page, [(pdf, p, args.lang) for pdf, p in jobs])
            print(row("vanban ocr_pdf_pages (1 page/call)", workers, wall, len(jobs), results))
            if workers == 1:
                breakdown = results

        engine = ocr.TesseractEngine(args.lang, workers=2)
        start = time.perf_counter()
        for pdf in docs:
            pages = [p for path, p in jobs if path == str(pdf)]
            engine.ocr_pdf_pages(pdf.read_bytes(), pages)
        print(row("vanban, a call per document", 2, time.perf_counter() - start, len(jobs)))

    total, _, render, tesseract = (statistics.mean(r[i] for r in breakdown) for i in range(4))
    print(f"\nvanban, 1 worker, mean per page: {total:.2f} s = render {render:.2f} + tesseract "
          f"{tesseract:.2f} + deskew/tables/layout {total - render - tesseract:.2f}")
    print(f"load average now {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
