"""Ingest throughput: vanban's readers against the libraries they are built on.

    .venv/bin/python bench/ingest.py [--seconds 2] [--min-rounds 3]

Born-digital PDFs (corpus/formats/*.pdf, scans excluded) in pages/s through
`read_pdf`, `read_pdf` + `build_layout`, pypdfium2 alone (plain page text) and
pdfplumber alone (`extract_text` on every page); TXT (corpus/seeds) and DOCX
(corpus/formats) in MB/s. The readers take turns, a round (every file once) each,
until each has spent its time budget (pdfplumber: the minimum rounds only);
latency is the median time per file over all rounds.
Numbers only: nothing here asserts a speed.
"""
from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This script is itself named "ingest": the repository root must come first on the
# path so that `import ingest.pdf` finds the package, not this file.
sys.path.insert(0, str(ROOT))

import pdfplumber  # noqa: E402
import pypdfium2 as pdfium  # noqa: E402

from ingest.docx import read_docx  # noqa: E402
from ingest.normalize import build_layout  # noqa: E402
from ingest.pdf import read_pdf  # noqa: E402

CORPUS = ROOT / "corpus"


@dataclass
class Job:
    """One reader over one set of files, and what its rounds took."""
    name: str
    unit: str             # "pages" or "MB"
    amount: float         # units in one round
    files: list[bytes]
    read: Callable[[bytes], object]
    budget: float         # seconds to spend at least
    latencies: list[float] = field(default_factory=list)
    rounds: int = 0

    def round(self) -> None:
        for data in self.files:
            start = time.perf_counter()
            self.read(data)
            self.latencies.append(time.perf_counter() - start)
        self.rounds += 1

    def done(self, min_rounds: int) -> bool:
        return self.rounds >= min_rounds and sum(self.latencies) >= self.budget

    @property
    def rate(self) -> float:
        return self.amount * self.rounds / sum(self.latencies)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies) * 1000


def measure(jobs: list[Job], min_rounds: int) -> None:
    """Round-robin over the jobs, so that other load on the machine slows them alike."""
    for job in jobs:
        job.read(job.files[0])   # warm up imports and caches
    while not all(job.done(min_rounds) for job in jobs):
        for job in jobs:
            if not job.done(min_rounds):
                job.round()


# ---------------------------------------------------------------- the plain libraries

def pdfium_text(data: bytes) -> list[str]:
    pdf = pdfium.PdfDocument(data)
    try:
        texts = []
        for page in pdf:
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return texts
    finally:
        pdf.close()


def pdfplumber_text(data: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def page_count(data: bytes) -> int:
    pdf = pdfium.PdfDocument(data)
    try:
        return len(pdf)
    finally:
        pdf.close()


# ---------------------------------------------------------------- report

def table(jobs: list[Job], baseline: Job) -> str:
    header = ("reader", "files", "rounds", "throughput", "median/file", "vs pypdfium2")
    rows = [header]
    for job in jobs:
        rate = f"{job.rate:,.1f} {job.unit}/s" if job.unit == "MB" else f"{job.rate:,.0f} {job.unit}/s"
        relative = f"{job.rate / baseline.rate:.2f}x" if job.unit == baseline.unit else ""
        rows.append((job.name, str(len(job.files)), str(job.rounds), rate, f"{job.median_ms:,.1f} ms", relative))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths)))
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="time budget per reader")
    parser.add_argument("--min-rounds", type=int, default=3)
    args = parser.parse_args()

    pdfs = [p.read_bytes() for p in sorted((CORPUS / "formats").glob("*.pdf")) if not p.name.endswith(".scan.pdf")]
    docxs = [p.read_bytes() for p in sorted((CORPUS / "formats").glob("*.docx"))]
    texts = [p.read_bytes() for p in sorted((CORPUS / "seeds").glob("*.txt"))]
    pages = sum(page_count(d) for d in pdfs)

    megabytes_docx = sum(map(len, docxs)) / 1e6
    baseline = Job("pypdfium2 alone (page text)", "pages", pages, pdfs, pdfium_text, args.seconds)
    jobs = [
        Job("read_pdf", "pages", pages, pdfs, read_pdf, args.seconds),
        Job("read_pdf + build_layout", "pages", pages, pdfs, lambda d: build_layout(read_pdf(d)), args.seconds),
        baseline,
        Job("pdfplumber alone (extract_text)", "pages", pages, pdfs, pdfplumber_text, 0.0),
        Job("read_docx", "MB", megabytes_docx, docxs, read_docx, args.seconds),
        Job("read_docx + build_layout", "MB", megabytes_docx, docxs, lambda d: build_layout(read_docx(d)),
            args.seconds),
    ]
    notes = []
    try:
        from ingest.text import read_text
    except ImportError as exc:
        notes.append(f"TXT skipped: ingest.text.read_text does not import ({exc})")
    else:
        megabytes_text = sum(map(len, texts)) / 1e6
        jobs += [Job("read_text", "MB", megabytes_text, texts, read_text, args.seconds),
                 Job("read_text + build_layout", "MB", megabytes_text, texts,
                     lambda d: build_layout(read_text(d)), args.seconds)]
    measure(jobs, args.min_rounds)

    print(f"\nPDF: {len(pdfs)} born-digital files, {pages} pages; DOCX: {len(docxs)} files, "
          f"{sum(map(len, docxs)) / 1e3:,.0f} KB; TXT: {len(texts)} files, {sum(map(len, texts)) / 1e3:,.0f} KB\n")
    print(table(jobs, baseline))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    notes.append(f"load average at the end: {load} on {os.cpu_count()} CPUs "
                 "(readers run round-robin, so other work slows every row alike)")
    for note in notes:
        print(f"\n{note}")


if __name__ == "__main__":
    main()
