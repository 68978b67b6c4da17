"""Graph queries over linked documents (used by the CLI and the REST API; the
signatures are a contract).

Nodes are documents — renditions of one document (.txt, .docx, .pdf, scan) collapse
into their canonical rendition — and placeholders for cited documents not in the
corpus. Edges are citations: resolved to a node, ambiguous (an edge to every
candidate), or unresolved (to the placeholder).
"""
from __future__ import annotations

import json
import re
from datetime import date
from functools import lru_cache
from typing import Any

from linker import agencies
from linker.keys import UNKNOWN_PLACE, Key, Place, key_from_row, key_of, query_reference, with_place
from linker.resolve import conflict
from store import links
from store.db import Store
from vanban.models import Relation, Resolution
from vanban.text import fold

CAUSAL = (Relation.THUC_HIEN.value, Relation.CAN_CU.value, Relation.KEM_THEO.value)
_STATUS_RANK = {Resolution.RESOLVED.value: 0, Resolution.AMBIGUOUS.value: 1, Resolution.UNRESOLVED.value: 2}
_RELATION_RANK = {r: i for i, r in enumerate(CAUSAL)}
_SUMMARY_FIELDS = ("id", "doc_type", "number", "issuer", "issued_date", "title")


# ------------------------------------------------------------------ sentences

_BOUNDARY = re.compile(r"\n|[.;!?](?=\s)")
_RADIUS = 400


def _sentence(window: str, start: int, end: int) -> str:
    """The sentence (or "Căn cứ ..." clause, or line) around [start, end) of `window`."""
    left = 0
    right = len(window)
    for m in _BOUNDARY.finditer(window):
        if m.end() <= start:
            left = m.end()
        elif m.start() >= end:
            right = m.end() if m.group() != "\n" else m.start()
            break
    return " ".join(window[left:right].split())


def _sentences(store: Store, cits: list[dict[str, Any]]) -> dict[str, str]:
    spans = [(c["doc_id"], c["start"], c["end"]) for c in cits if c["start"] is not None]
    texts = links.windows(store, spans, _RADIUS)
    out = {}
    for c in cits:
        if c["start"] is None:
            out[c["id"]] = c["surface"]
            continue
        lo = max(c["start"] - _RADIUS, 0)
        out[c["id"]] = _sentence(texts[(c["doc_id"], c["start"])], c["start"] - lo, c["end"] - lo)
    return out


# ------------------------------------------------------------------ citing documents

def _summary(row: dict[str, Any] | None, ident: str) -> dict[str, Any]:
    row = row or {}
    return {f: row.get(f) for f in _SUMMARY_FIELDS} | {"id": ident}


def _citing_rows(store: Store, cits: list[dict[str, Any]], limit: int | None) -> list[dict[str, Any]]:
    """One row per citing node (renditions collapsed): its best citation — resolved
    before ambiguous before unresolved, then the first — with the citing sentence."""
    nodes = links.nodes_of(store, {c["doc_id"] for c in cits})
    best: dict[str, dict[str, Any]] = {}
    for c in sorted(cits, key=lambda c: (_STATUS_RANK[c["status"]], c["doc_id"] != nodes[c["doc_id"]], c["id"])):
        best.setdefault(nodes[c["doc_id"]], c)
    docs = links.summaries(store, best)
    order = sorted(best, key=lambda n: (docs.get(n, {}).get("issued_date") or "9999", n))
    if limit is not None:
        order = order[:limit]
    chosen = [best[n] for n in order]
    sentences = _sentences(store, chosen)
    copies = links.renditions(store, order)
    return [_summary(docs.get(n), n) | {
        "citation_id": c["id"], "status": c["status"], "relation": c["relation"], "sentence": sentences[c["id"]],
        "target_id": c["target_id"], "renditions": copies.get(n, [n])} for n, c in zip(order, chosen, strict=True)]


@lru_cache(maxsize=1024)
def query_key(reference: str) -> Key | None:
    """What a user typed, as a key: "NĐ 61/2018", "nghi dinh 61/2018/nd-cp", ..."""
    parsed = query_reference(reference)
    if parsed is None:
        return None
    doc_type, number, issued_date, issuer = parsed
    key = key_of(doc_type, number, issued_date)
    if issuer:
        body = agencies.body(issuer)
        return with_place(key, body.place if body.place.scope else
                          agencies.place_of_codes(key.codes, None, None) or UNKNOWN_PLACE, body.organ, True)
    return with_place(key, agencies.place_of_codes(key.codes, None, None) or UNKNOWN_PLACE, None, False)


def _stored_key(c: dict[str, Any]) -> Key:
    """A citation's key back from its stored text (class|number|year|scope) and date."""
    cls, number, year, scope = c["key"].split("|")
    key = key_of(None, number, c["issued_date"])
    place = Place("central") if scope == "central" else Place(None, None if scope == "?" else scope)
    return Key(cls, key.num, key.codes, int(year) if year != "?" else None, key.number_year, key.date,
               key.family, place)


def cites(store: Store, reference: str, *, limit: int | None = None) -> list[dict[str, Any]]:
    """Documents citing a reference given in any spelling, each once (renditions
    collapsed), oldest first: {id, doc_type, number, issuer, issued_date, title,
    citation_id, status, relation, sentence} (+ target_id, renditions)."""
    key = query_key(reference)
    if key is None or key.num is None:
        return []
    cits = links.citations_with_stems(store, {s for s in key.all_stems if ":" in s})
    targets = {r["doc_id"]: r for r in links.doc_keys(store, {c["target_id"] for c in cits if c["target_id"]})}
    matching = []
    for c in cits:
        if c["key"] is None:
            continue
        target = targets.get(c["target_id"])
        seen_as = key_from_row(target) if target else _stored_key(c)
        if conflict(key, seen_as) is None:
            matching.append(c)
    return _citing_rows(store, matching, limit)


def cited_by(store: Store, doc_id: str) -> list[dict[str, Any]]:
    """Documents citing this document (any rendition of it), resolved or listing it
    among ambiguous candidates (status says which)."""
    node = links.node_of(store, doc_id) or doc_id
    return _citing_rows(store, links.citations_targeting(store, [node]), None)


def references(store: Store, doc_id: str) -> list[dict[str, Any]]:
    """What a document cites, in order: the target's fields when resolved, else what
    the citation says; with status, candidates, placeholder and the sentence."""
    cits = links.citations_of_docs(store, [doc_id])
    targets = links.summaries(store, {c["target_id"] for c in cits if c["target_id"]})
    sentences = _sentences(store, cits)
    short = {}
    for m in links.short_mentions(store, doc_id):
        if m["citation_id"]:
            short.setdefault(m["citation_id"], []).append(m["surface"])
    out = []
    for c in cits:
        target = targets.get(c["target_id"])
        fields = _summary(target, c["target_id"]) if target else {
            "id": c["placeholder_id"], "doc_type": c["doc_type"], "number": c["number"], "issuer": c["issuer"],
            "issued_date": c["issued_date"], "title": c["subject"]}
        out.append(fields | {
            "citation_id": c["id"], "status": c["status"], "relation": c["relation"],
            "sentence": sentences[c["id"]], "surface": c["surface"], "target_id": c["target_id"],
            "candidates": json.loads(c["candidates"] or "[]"), "placeholder": c["placeholder_id"] is not None,
            "why": c["why"], "short_forms": short.get(c["id"], [])})
    return out


# ------------------------------------------------------------------ trace

def trace(store: Store, task_id: str) -> dict[str, Any]:
    """From a task's document up through căn cứ / thực hiện edges to the root, one
    hop per document with the citation and sentence that justify it. At each step the
    edge is chosen by: causal relation (thực hiện, căn cứ, kèm theo) before any
    other, resolved before ambiguous before placeholder, the longer onward chain,
    thực hiện before căn cứ, then the first cited. Stops at a cycle or a node that
    cites nothing; an ambiguous or placeholder target ends the chain as a last hop."""
    task = links.task(store, task_id)
    if task is None:
        raise LookupError(f"no task {task_id!r}")
    task["support"] = json.loads(task["support"] or "[]")
    node = links.node_of(store, task["doc_id"]) or task["doc_id"]
    depth_memo: dict[str, int] = {}
    hops: list[dict[str, Any]] = [{"document": _document(store, node), "via": None}]
    visited = {node}
    while True:
        edge = _best_edge(store, node, visited, depth_memo)
        if edge is None:
            break
        via = {"citation_id": edge["id"], "relation": edge["relation"], "surface": edge["surface"],
               "sentence": _sentences(store, [edge])[edge["id"]], "status": edge["status"]}
        if edge["status"] != Resolution.RESOLVED.value:
            hops.append({"document": _unresolved_node(edge), "via": via})
            break
        node = edge["target_id"]
        visited.add(node)
        hops.append({"document": _document(store, node), "via": via})
    return {"task": task, "hops": hops}


def _document(store: Store, node: str) -> dict[str, Any]:
    return _summary(links.summaries(store, [node]).get(node), node)


def _unresolved_node(c: dict[str, Any]) -> dict[str, Any]:
    fields = {"id": c["placeholder_id"], "doc_type": c["doc_type"], "number": c["number"], "issuer": c["issuer"],
              "issued_date": c["issued_date"], "title": c["subject"]}
    if c["status"] == Resolution.AMBIGUOUS.value:
        return fields | {"id": None, "candidates": json.loads(c["candidates"] or "[]")}
    return fields | {"placeholder": True}


def _edges(store: Store, node: str) -> list[dict[str, Any]]:
    return [c for c in links.citations_of_docs(store, [node]) if c["key"] or c["placeholder_id"]]


def _depth(store: Store, node: str, memo: dict[str, int], path: frozenset[str]) -> int:
    """Length of the longest chain of resolved causal edges from `node`, cycle-safe."""
    if node in memo:
        return memo[node]
    best = 0
    for c in _edges(store, node):
        target = c["target_id"]
        if c["relation"] in CAUSAL and c["status"] == Resolution.RESOLVED.value and target not in path:
            best = max(best, 1 + _depth(store, target, memo, path | {node}))
    memo[node] = best
    return best


def _best_edge(store: Store, node: str, visited: set[str], memo: dict[str, int]) -> dict[str, Any] | None:
    edges = [c for c in _edges(store, node) if c["target_id"] not in visited]
    if not edges:
        return None

    def rank(c: dict[str, Any]) -> tuple[int, int, int, int, int]:
        resolved = c["status"] == Resolution.RESOLVED.value
        depth = _depth(store, c["target_id"], memo, frozenset(visited)) if resolved else -1
        return (c["relation"] not in CAUSAL, _STATUS_RANK[c["status"]], -depth,
                _RELATION_RANK.get(c["relation"], len(CAUSAL)), c["idx"])

    return min(edges, key=rank)


# ------------------------------------------------------------------ obligations

def obligations(store: Store, *, agency: str | None = None, due_before: str | None = None,
                overdue: bool = False, year: int | None = None, today: str | None = None,
                role: str | None = None) -> list[dict[str, Any]]:
    """Tasks {id, text, lead, support, due, deadline_text, doc_id, doc_number, doc_type}
    of canonical renditions, soonest due first; `due_before` is inclusive, `overdue`
    means due before `today` (ISO, default the real today), `year` the year due.
    `agency` is matched through the
    registry: any spelling or abbreviation of one body; a province named in it ("Sở
    Nội vụ tỉnh Quảng Ninh") narrows to that province's body, none means every
    province's. `role` "lead" or "support" narrows to one role (default either)."""
    agency_ids = _agency_ids(store, agency) if agency else None
    rows = links.tasks(store, agency_ids=agency_ids, role=role, due_before=due_before,
                       overdue_on=(today or date.today().isoformat()) if overdue else None, year=year)
    return [{"id": r["id"], "text": r["text"], "lead": r["lead"], "support": json.loads(r["support"] or "[]"),
             "due": r["due"], "deadline_text": r["deadline_text"], "doc_id": r["doc_id"],
             "doc_number": r["doc_number"], "doc_type": r["doc_type"]} for r in rows]


def _agency_ids(store: Store, agency: str) -> list[str]:
    body = agencies.body(agency)
    return links.agencies_matching(store, body=body.folded_body, province=body.place.province,
                                   locality=body.place.locality, alias=" ".join(fold(agency).split()))


# ------------------------------------------------------------------ neighbourhood

def neighbourhood(store: Store, doc_id: str, depth: int = 1) -> dict[str, list[dict[str, Any]]]:
    """Nodes and edges within `depth` citation hops of a document, in both
    directions; placeholders are nodes with "placeholder": true."""
    start = links.node_of(store, doc_id) or doc_id
    docs, placeholder_ids, edges = {start}, set(), {}
    frontier = {start}
    for _ in range(max(depth, 0)):
        found: set[str] = set()
        for c in links.citations_of_docs(store, sorted(frontier)):
            for e in _edge_rows(c):
                edges[(e["citation_id"], e["target"])] = e
                if e["placeholder"]:
                    placeholder_ids.add(e["target"])
                else:
                    found.add(e["target"])
        incoming = links.citations_targeting(store, sorted(frontier))
        nodes = links.nodes_of(store, {c["doc_id"] for c in incoming})
        for c in incoming:
            if nodes[c["doc_id"]] != c["doc_id"]:
                continue    # a non-canonical rendition: its canonical one carries the edge
            for e in _edge_rows(c):
                edges[(e["citation_id"], e["target"])] = e
                found.add(e["target"])     # every endpoint is a node, other candidates too
            found.add(c["doc_id"])
        frontier = found - docs
        docs |= found
    return {"nodes": _nodes(store, docs, placeholder_ids),
            "edges": [{k: v for k, v in e.items() if k != "placeholder"} for _, e in sorted(edges.items())]}


def _edge_rows(c: dict[str, Any]) -> list[dict[str, Any]]:
    base = {"source": c["doc_id"], "citation_id": c["id"], "relation": c["relation"], "status": c["status"]}
    if c["status"] == Resolution.RESOLVED.value:
        return [base | {"target": c["target_id"], "placeholder": False}]
    if c["status"] == Resolution.AMBIGUOUS.value:
        return [base | {"target": x["id"], "placeholder": False} for x in json.loads(c["candidates"] or "[]")]
    if c["placeholder_id"]:
        return [base | {"target": c["placeholder_id"], "placeholder": True}]
    return []


def _nodes(store: Store, doc_ids: set[str], placeholder_ids: set[str]) -> list[dict[str, Any]]:
    docs = links.summaries(store, doc_ids)
    out = [_summary(docs.get(d), d) | {"placeholder": False} for d in sorted(doc_ids)]
    held = links.placeholders(store, placeholder_ids)
    for pid in sorted(placeholder_ids):
        p = held.get(pid, {"id": pid})
        out.append({"id": pid, "doc_type": p.get("doc_type"), "number": p.get("number"), "issuer": p.get("issuer"),
                    "issued_date": p.get("issued_date"), "title": None, "placeholder": True})
    return out


def export_graph(store: Store, fmt: str) -> str:
    """The whole graph as "json" ({nodes, edges}) or "graphml"."""
    from linker.export import to_graphml

    docs = links.all_nodes(store)
    nodes = [_summary(d, d["id"]) | {"placeholder": False} for d in docs]
    nodes += [{"id": p["id"], "doc_type": p["doc_type"], "number": p["number"], "issuer": p["issuer"],
               "issued_date": p["issued_date"], "title": None, "placeholder": True}
              for p in links.all_placeholders(store)]
    edges = [{k: v for k, v in e.items() if k != "placeholder"}
             for c in links.all_edges(store) for e in _edge_rows(c)]
    if fmt == "json":
        return json.dumps({"nodes": nodes, "edges": edges}, ensure_ascii=False, indent=1)
    if fmt == "graphml":
        return to_graphml(nodes, edges)
    raise ValueError(f"unknown graph format {fmt!r} (json, graphml)")
