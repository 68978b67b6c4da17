"""Linking at scale: resolution throughput and `cites` latency.

    .venv/bin/python bench/link.py [--docs 100000] [--citations 10] [--queries 300] [--db PATH]

Generates a corpus straight into the store (`store.links.bulk_load`, no files, no
extractors): 63 provinces with their districts, each issuing state plans and decisions
whose numbers restart every year, Party documents whose numbers restart every term,
and central decrees (numbered with their year). Every document cites `--citations`
earlier ones, mostly of its own province, in the spellings documents use — with or
without date and issuer (always with the issuer when it is another province's body);
every tenth generated document is left out of the corpus and about a third of the
citations name one of those, so they must stay unresolved. Then:

- full resolution (`relink_all`): citations per second;
- one more document ingested into the full corpus (`on_documents_added`): latency;
- `cites` for references people type: median and p95 latency.
Numbers only: nothing here asserts a speed.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from linker import on_documents_added, relink_all  # noqa: E402
from linker.graph import cites  # noqa: E402
from store import links  # noqa: E402
from store.db import Store  # noqa: E402
from vanban import geo  # noqa: E402

YEARS = range(2015, 2025)
STATE_TYPES = [("Kế hoạch", "KH"), ("Quyết định", "QĐ"), ("Báo cáo", "BC"), ("Chương trình", "CTr")]
PARTY_TYPES = [("Nghị quyết", "NQ"), ("Kế hoạch", "KH"), ("Chỉ thị", "CT"), ("Kết luận", "KL")]


def _date(rng: random.Random, year: int) -> str:
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _printed(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{int(d):02d}/{int(m)}/{y}"


def generate_documents(n: int, rng: random.Random) -> list[dict]:
    """Documents with their own numbers, in the three numbering families, oldest
    first. A stored corpus is a sample of what was issued, so numbers are drawn from
    each series' whole range (a province signs thousands of decisions a year)."""
    provinces = [p.name for p in geo.provinces("pre-2025")]
    districts: dict[str, list[str]] = {}
    for d in geo.districts():
        if d.status == "current":
            districts.setdefault(d.province, []).append(f"{d.type} {d.name}")
    used: set[tuple] = set()

    def number(series: tuple, top: int) -> int:
        while True:
            num = rng.randint(1, top)
            if (series, num) not in used:
                used.add((series, num))
                return num

    docs = []
    for i in range(n):
        roll = rng.random()
        year = rng.choice(YEARS)
        if roll < 0.01:       # central decree, numbered with its year
            num = number(("nd", year), 300)
            doc = ("Nghị định", f"{num}/{year}/NĐ-CP", "Chính phủ", None)
        elif roll < 0.21:     # provincial Party committee, numbers restart each term
            province = rng.choice(provinces)
            doc_type, code = rng.choice(PARTY_TYPES)
            num = number((province, code, 2020 if year >= 2021 else 2015), 400)
            doc = (doc_type, f"{num:02d}-{code}/TU", f"Tỉnh ủy {province}", province)
        else:                 # provincial or district People's Committee, numbers restart each year
            province = rng.choice(provinces)
            locality = rng.choice(districts.get(province, [""])) if rng.random() < 0.4 else ""
            doc_type, code = rng.choice(STATE_TYPES)
            issuer = f"Ủy ban nhân dân {locality}" if locality else f"Ủy ban nhân dân tỉnh {province}"
            num = number((issuer, year), 800 if locality else 4000)
            doc = (doc_type, f"{num}/{code}-UBND", issuer, province)
        doc_type, number_text, issuer, province = doc
        docs.append({"doc_type": doc_type, "number": number_text, "issuer": issuer, "province": province,
                     "issued_date": _date(rng, year), "title": f"văn bản thử {i}", "seq": 1})
    return sorted(docs, key=lambda d: d["issued_date"])


def surface(doc: dict, citing: dict, rng: random.Random) -> tuple[str, str | None, str | None]:
    """How a document cites another: (text, date printed, issuer printed). A local
    body of another province is always named: bare "/UBND", "/TU" mean one's own."""
    date = doc["issued_date"] if rng.random() < 0.7 else None
    foreign = doc["province"] is not None and doc["province"] != citing["province"]
    issuer = doc["issuer"] if foreign or rng.random() < 0.6 else None
    text = f"{doc['doc_type']} số {doc['number']}"
    if date:
        text += f" ngày {_printed(date)}"
    if issuer:
        text += f" của {issuer}"
    return text, date, issuer


def build_files(docs: list[dict], per_doc: int, rng: random.Random) -> list[dict]:
    """One file per document, citing earlier ones — mostly of its own province. Every
    tenth document is left out of the corpus, and 30% of citations name one of those."""
    files = []
    earlier: dict[str | None, list[int]] = {}
    for i, doc in enumerate(docs):
        lines, citations = [], []
        offset = 0
        for k in range(1, per_doc + 1):
            roll = rng.random()
            if roll < 0.3:
                cited = docs[10 * rng.randrange(max(i // 10, 1))]
            elif roll < 0.7 and earlier.get(doc["province"]):
                cited = docs[rng.choice(earlier[doc["province"]])]
            else:
                cited = docs[rng.randrange(max(i, 1))]
            text, date, issuer = surface(cited, doc, rng)
            line = f"Căn cứ {text} về việc triển khai nhiệm vụ năm {cited['issued_date'][:4]};"
            start = offset + len("Căn cứ ")
            citations.append({"idx": k, "doc_type": cited["doc_type"], "number": cited["number"],
                              "issued_date": date, "issuer": issuer, "relation": "can_cu",
                              "surface": text, "start": start, "end": start + len(text)})
            lines.append(line)
            offset += len(line) + 1
        earlier.setdefault(doc["province"], []).append(i)
        body = "\n".join(lines)
        sha = hashlib.sha256(f"bench-{i}".encode()).hexdigest()
        doc_id = f"{sha[:16]}.1"
        for c in citations:
            c["id"] = f"{doc_id}.c{c['idx']}"
        files.append({"sha256": sha, "name": f"bench-{i}.txt", "text": body,
                      "documents": [{**doc, "id": doc_id, "citations": citations}]})
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--citations", type=int, default=10, help="citations per document")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--db", type=Path, help="database file (default: a temporary one)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    db = args.db or Path(tempfile.mkdtemp(prefix="vanban-bench-")) / "bench.db"

    t = time.perf_counter()
    docs = generate_documents(args.docs * 10 // 9 + 1, rng)
    files = build_files(docs, args.citations, rng)
    late = files.pop()                      # ingested last, into the full corpus
    files = [f for i, f in enumerate(files) if i % 10]      # every tenth is cited, never stored
    generated = time.perf_counter() - t

    results: dict[str, object] = {"documents": len(files), "citations": len(files) * args.citations}
    with Store(db) as store:
        t = time.perf_counter()
        with store.transaction():
            for i in range(0, len(files), 5000):
                links.bulk_load(store, files[i:i + 5000])
        results["load_s"] = round(time.perf_counter() - t, 1)

        t = time.perf_counter()
        counts = relink_all(store)
        elapsed = time.perf_counter() - t
        results |= {"relink_s": round(elapsed, 1),
                    "resolution_citations_per_s": round(results["citations"] / elapsed),
                    "statuses": counts}

        t = time.perf_counter()
        with store.transaction():
            links.bulk_load(store, [late])
        on_documents_added(store, [late["documents"][0]["id"]])
        results["one_more_document_ms"] = round((time.perf_counter() - t) * 1000, 1)

        queries = []
        for doc in rng.sample(docs[:-1], args.queries):   # some of them are not stored: cited only
            spelled = rng.choice([f"{doc['doc_type']} {doc['number']}", doc["number"],
                                  f"{doc['doc_type']} số {doc['number']} ngày {_printed(doc['issued_date'])}"])
            queries.append(spelled)
        cites(store, queries[0])            # warm caches once
        latencies, hits = [], []
        for q in queries:
            t = time.perf_counter()
            rows = cites(store, q, limit=50)
            latencies.append((time.perf_counter() - t) * 1000)
            hits.append(len(rows))
        latencies.sort()
        results["cites_ms"] = {"median": round(statistics.median(latencies), 2),
                               "p95": round(latencies[int(0.95 * (len(latencies) - 1))], 2),
                               "max": round(latencies[-1], 2)}
        results["cites_rows_median"] = statistics.median(hits)
    results["generate_s"] = round(generated, 1)
    results["db"] = str(db)
    results["db_mb"] = round(db.stat().st_size / 2**20)
    print(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
