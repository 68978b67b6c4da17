"""Extraction throughput on the bundled seeds repeated to >= 20 MB of text.

    .venv/bin/python bench/extract.py [--mb 20]

Prints MB/s and per-document latency (median, p95) for:
- vanban extraction alone (Layout -> Record), the number to compare with eyecite's
  ~10 MB/s for US citations;
- the whole text path (bytes -> read_text -> build_layout -> extract);
- the spaCy pipeline with the pyvi ("vi") and the multilingual ("xx") tokenizer;
- a baseline: one regular expression for document symbols, the naive approach.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractors import extract  # noqa: E402
from ingest.normalize import build_layout  # noqa: E402
from ingest.text import read_text  # noqa: E402

NAIVE = re.compile(r"\d{1,5}(?:/\d{4})?[/-][A-ZĐ]{1,6}(?:[-/][A-ZĐa-z]{1,8})*")


def _measure(label: str, items: Sequence, run: Callable, size_of: Callable[[object], int]) -> dict:
    latencies = []
    start = time.perf_counter()
    for item in items:
        t = time.perf_counter()
        run(item)
        latencies.append(time.perf_counter() - t)
    elapsed = time.perf_counter() - start
    megabytes = sum(size_of(i) for i in items) / 1e6
    latencies.sort()
    return {"label": label, "mb": megabytes, "seconds": elapsed, "mb_s": megabytes / elapsed,
            "median_ms": statistics.median(latencies) * 1000,
            "p95_ms": latencies[int(0.95 * (len(latencies) - 1))] * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=20.0, help="megabytes of text to process")
    args = parser.parse_args()

    seeds = [p.read_bytes() for p in sorted((ROOT / "corpus" / "seeds").glob("*.txt"))]
    per_round = sum(len(s) for s in seeds)
    rounds = max(1, int(args.mb * 1e6 / per_round + 0.999))
    data = seeds * rounds
    print(f"{len(data)} documents, {per_round * rounds / 1e6:.1f} MB "
          f"({len(seeds)} seeds x {rounds})", flush=True)

    layouts = [build_layout(read_text(d)) for d in seeds]
    layout_items = layouts * rounds
    results = [
        _measure("vanban extract (Layout -> Record)", layout_items,
                 lambda layout: extract(layout, "bench"), lambda layout: len(layout.text.encode())),
        _measure("vanban read + layout + extract", data,
                 lambda raw: extract(build_layout(read_text(raw)), "bench"), len),
    ]
    from extractors.spacy_pipeline import load

    for tokenizer in ("vi", "xx"):
        nlp = load(tokenizer)
        texts = [d.decode("utf-8") for d in seeds] * max(1, rounds // 10)
        results.append(_measure(f"spaCy pipeline, tokenizer {tokenizer!r} (1/10 of the data)", texts,
                                nlp, lambda t: len(t.encode())))
    texts = [d.decode("utf-8") for d in data]
    results.append(_measure("baseline: one symbol regex", texts, NAIVE.findall, lambda t: len(t.encode())))

    print(f"{'path':<58} {'MB':>6} {'s':>7} {'MB/s':>7} {'median ms':>10} {'p95 ms':>8}")
    for r in results:
        print(f"{r['label']:<58} {r['mb']:>6.1f} {r['seconds']:>7.1f} {r['mb_s']:>7.2f} "
              f"{r['median_ms']:>10.1f} {r['p95_ms']:>8.1f}")


if __name__ == "__main__":
    main()
