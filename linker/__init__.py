"""The linker: canonical keys for documents and citations, resolution of each citation
to one document (or an honest ambiguous / unresolved), renditions of one document
collapsed into one node, and the agency registry.

`on_documents_added` runs after each file lands (vanban.pipeline) and re-resolves at
once every citation the new documents may answer — placeholders and ambiguous ones,
and resolved ones too, since a newcomer can make a unique match ambiguous. Every
outcome is a function of the set of documents, never of the order they came in.
`relink_all` forgets every derived row and recomputes it (after an upgrade).
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from linker import agencies, shortforms
from linker.keys import UNKNOWN_PLACE, Key, Place, key_from_row, key_of, with_place
from linker.resolve import Doc, group_renditions, resolve
from store import links
from store.db import Store
from vanban.models import Resolution
from vanban.text import fold

__all__ = ["on_documents_added", "relink_all"]


def on_documents_added(store: Store, doc_ids: Iterable[str]) -> None:
    """Link newly stored documents, in one transaction: their keys, renditions, agencies
    and citations, and every citation elsewhere that shares a stem with them."""
    doc_ids = sorted(set(doc_ids))
    if doc_ids:
        with store.transaction():
            _link(store, doc_ids)


def relink_all(store: Store, *, batch: int = 2000) -> dict[str, int]:
    """Recompute every key, node, resolution and registry row, in batches of
    documents so memory stays flat on a large corpus. Returns status counts."""
    with store.transaction():
        links.clear_links(store)
        ids = links.all_document_ids(store)
        chunks = [ids[i:i + batch] for i in range(0, len(ids), batch)]
        idents: set[str] = set()
        for chunk in chunks:
            idents |= _index_documents(store, chunk)
        _regroup(store, idents)
        for chunk in chunks:
            _bind_short_forms(store, chunk, _contexts(store, chunk))
        pools: dict[str, list[Doc]] = {}      # candidates do not change while relinking
        touched: set[str] = set()
        for chunk in chunks:
            touched |= _resolve_citations(store, links.citations_of_docs(store, chunk), pools)
        _describe_placeholders(store, touched)
    return {s.value: 0 for s in Resolution} | links.status_counts(store)


# ------------------------------------------------------------------ documents

@dataclass(frozen=True)
class Context:
    """A citing document: its key and node, and its place as names for scoping. A
    central body's document has no province: the one the extractor reads from its
    date line ("Hà Nội, ngày ...") is where it was signed, not whose it is."""
    doc: Doc
    province: str | None          # canonical name ("Quảng Ninh")
    locality: str | None          # canonical district unit ("huyện Ninh Hải")
    signed_in: str | None = None  # folded province of a central document's date line


def document_key(row: dict[str, Any]) -> tuple[Key, agencies.Body | None]:
    province, issuer = row["province"], row["issuer"]
    locality = agencies.locality_of(issuer)
    body = agencies.body(issuer, province, locality) if issuer else None
    key = key_of(row["doc_type"], row["number"], row["issued_date"], title=row["title"])
    place = body.place if body and body.place.scope else (
        agencies.place_of_codes(key.codes, province, locality)
        or Place(None, fold(province) if province else None))
    return with_place(key, place, body.organ if body else None, body is not None), body


def _ident(key: Key) -> str | None:
    """What renditions of one document share: its number, or its title if unnumbered."""
    if key.stems and key.num:
        return key.stems[0]
    if key.cls and key.title:
        return f"t:{key.cls}:{key.title}"
    return None


def _registry_row(body: agencies.Body, surface: str) -> dict[str, Any]:
    return {"id": body.key, "name": body.name, "body": body.folded_body, "province": body.place.province,
            "locality": body.place.locality, "level": body.place.level,
            "aliases": agencies.aliases(surface, body.name)}


def _index_documents(store: Store, doc_ids: list[str]) -> set[str]:
    """Keys, stems, issuers and task agencies of these documents; returns their idents."""
    rows = links.document_rows(store, doc_ids)
    key_rows, stems, registry, idents = [], {}, [], set()
    for row in rows:
        key, body = document_key(row)
        if body is not None:
            registry.append(_registry_row(body, row["issuer"]))
        ident = _ident(key)
        if ident:
            idents.add(ident)
        stems[row["id"]] = key.all_stems
        key_rows.append({
            "doc_id": row["id"], "ident": ident, "key": key.text() if key.num else None, "cls": key.cls,
            "num": key.num, "codes": "-".join(key.codes) or None, "year": key.year,
            "number_year": int(key.number_year), "family": key.family, "issued_date": key.date,
            "level": key.place.level, "province": key.place.province, "locality": key.place.locality,
            "organ": key.organ, "agency_id": body.key if body else None, "ocr": int(bool(row["ocr"])),
            "title": key.title})
    task_rows, task_links = _task_agencies(store, rows, registry)
    links.upsert_agencies(store, registry)
    links.write_doc_keys(store, key_rows, stems)
    links.write_task_agencies(store, task_rows, task_links)
    return idents


def _task_agencies(store: Store, rows: list[dict[str, Any]], registry: list[dict[str, Any]]
                   ) -> tuple[list[str], list[tuple[str, str, int, str]]]:
    """Leads and supports of the documents' tasks as registry entries, scoped by the
    document's province and district."""
    where = {r["id"]: (r["province"], agencies.locality_of(r["issuer"])) for r in rows}
    task_ids, task_links = [], []
    for task in links.tasks_of_docs(store, where):
        task_ids.append(task["id"])
        province, locality = where[task["doc_id"]]
        support = json.loads(task["support"] or "[]")
        named = [("lead", n) for n in agencies.split(task["lead"])] + [("support", n) for n in support]
        seen: set[tuple[str, str]] = set()
        for position, (role, name) in enumerate(named):
            body = agencies.body(name, province, locality, local=True)
            if (role, body.key) in seen:
                continue
            seen.add((role, body.key))
            registry.append(_registry_row(body, name))
            task_links.append((task["id"], role, position, body.key))
    return task_ids, task_links


def _regroup(store: Store, idents: set[str]) -> set[str]:
    """Recompute the renditions of every identity touched; returns the stems of all
    documents involved (their citations may need re-resolving)."""
    rows = links.doc_keys_by_ident(store, idents)
    by_ident: dict[str, list[Doc]] = {}
    for row in rows:
        by_ident.setdefault(row["ident"], []).append(Doc(row["doc_id"], key_from_row(row), ocr=bool(row["ocr"])))
    nodes: dict[str, str] = {}
    for docs in by_ident.values():
        nodes.update(group_renditions(docs))
    links.set_nodes(store, nodes)
    return links.stems_of(store, [r["doc_id"] for r in rows])


# ------------------------------------------------------------------ citations

_PRINTED_ISSUER = re.compile(r"\b(?:cua|do)\s")


@lru_cache(maxsize=262144)
def citation_key(doc_type: str | None, number: str | None, issued_date: str | None, issuer: str | None,
                 surface: str, province: str | None, locality: str | None,
                 signed_in: str | None = None) -> Key:
    """A citation's key in its citing document's place. An issuer counts only when
    printed ("... của UBND tỉnh"); otherwise the number's codes say where the body
    sits (the extractor fills `issuer` from the codes too, as its best guess). In a
    central document, a local body's place taken from the signing place is dropped."""
    key = key_of(doc_type, number, issued_date)
    from_codes = agencies.place_of_codes(key.codes, province, locality) or UNKNOWN_PLACE
    if issuer and _PRINTED_ISSUER.search(fold(surface)):
        body = agencies.body(issuer, province, locality)
        place = body.place
        if signed_in and place.province == signed_in:
            place = Place(place.level)
        return with_place(key, place if place.scope or place.level else from_codes, body.organ, True)
    return with_place(key, from_codes, None, False)


def _contexts(store: Store, doc_ids: Iterable[str]) -> dict[str, Context]:
    ids = sorted(set(doc_ids))
    keys = {r["doc_id"]: r for r in links.doc_keys(store, ids)}
    out = {}
    for row in links.document_rows(store, ids):
        k = keys.get(row["id"])
        doc = Doc(row["id"], key_from_row(k), node=k["node_id"]) if k else Doc(row["id"], document_key(row)[0],
                                                                              node=row["id"])
        if doc.key.place.level == "central":
            signed_in = fold(row["province"]) if row["province"] else None
            out[row["id"]] = Context(doc, None, None, signed_in)
        else:
            out[row["id"]] = Context(doc, row["province"], agencies.locality_of(row["issuer"]))
    return out


def _key_in(row: dict[str, Any], ctx: Context | None) -> Key:
    return citation_key(row["doc_type"], row["number"], row["issued_date"], row["issuer"], row["surface"],
                        ctx.province if ctx else None, ctx.locality if ctx else None,
                        ctx.signed_in if ctx else None)


def _bind_short_forms(store: Store, doc_ids: list[str], contexts: dict[str, Context]) -> None:
    """Citation keys and stems, short forms bound to their antecedents, and pointer
    phrases ("Nghị quyết nêu trên", "Kế hoạch này") of newly added documents."""
    cits = links.citations_of_docs(store, doc_ids)
    by_doc: dict[str, list[dict[str, Any]]] = {}
    for c in cits:
        by_doc.setdefault(c["doc_id"], []).append(c)
    records = links.records(store, doc_ids)
    updates = []
    for doc_id in doc_ids:
        ctx = contexts.get(doc_id)
        rows = by_doc.get(doc_id, [])
        keys = {c["id"]: _key_in(c, ctx) for c in rows}
        bound = shortforms.antecedents([(c["id"], c["start"] or 0, keys[c["id"]]) for c in rows])
        for c in rows:
            key = keys[bound.get(c["id"], c["id"])]
            updates.append((key.text() if key.num else None, key.stems[0] if key.stems else None,
                            bound.get(c["id"]), c["id"]))
        text, offset = links.layout_slice(store, doc_id)
        mentions = shortforms.explicit_mentions(records.get(doc_id, {}), {c["idx"]: c["id"] for c in rows})
        links.write_short_mentions(store, doc_id, shortforms.short_mentions(
            text, offset, ctx.doc.key.cls if ctx else None, mentions))
    links.set_citation_keys(store, updates)


def _resolve_citations(store: Store, cits: list[dict[str, Any]],
                       pools: dict[str, list[Doc]] | None = None) -> set[str]:
    """Resolve and write these citations; returns the placeholders touched (to be
    described). `pools` caches candidates by stem across batches of one relink."""
    pools = {} if pools is None else pools
    contexts = _contexts(store, {c["doc_id"] for c in cits})
    antecedent_ids = {c["antecedent_id"] for c in cits if c["antecedent_id"]}
    antecedents = {c["id"]: c for c in links.citations_by_id(store, antecedent_ids)}
    keys = {}
    for c in cits:
        source = antecedents.get(c["antecedent_id"], c)
        keys[c["id"]] = _key_in(source, contexts.get(c["doc_id"]))
    wanted = {s for k in keys.values() for s in k.stems} - pools.keys()
    pools.update((s, []) for s in wanted)
    for row in links.doc_keys_by_stem(store, wanted):
        pools[row["stem"]].append(Doc(row["doc_id"], key_from_row(row), row["node_id"], bool(row["ocr"]),
                                      _label(row)))
    results, placeholder_ids = [], set()
    for c in cits:
        key = keys[c["id"]]
        ctx = contexts.get(c["doc_id"])
        pool = [d for s in key.stems for d in pools[s]]
        outcome = resolve(key, pool, citing=ctx.doc if ctx else None)
        placeholder = None
        if outcome.status == Resolution.UNRESOLVED:
            placeholder = placeholder_id(key, c["surface"])
            placeholder_ids.add(placeholder)
        results.append({"id": c["id"], "status": outcome.status.value, "target_id": outcome.target,
                        "candidates": outcome.candidates, "why": outcome.why, "placeholder_id": placeholder})
    links.write_resolutions(store, results)
    return placeholder_ids | {c["placeholder_id"] for c in cits if c["placeholder_id"]}


def _label(row: dict[str, Any]) -> str:
    parts = [" ".join(filter(None, [row["printed_type"], row["printed_number"]])) or row["doc_id"],
             row["printed_issuer"] or "issuer unknown", row["issued_date"] or "undated"]
    return ", ".join(parts)


def placeholder_id(key: Key, surface: str) -> str:
    """One placeholder per cited key; a citation without a number by its words."""
    if key.num:
        return "placeholder:" + key.text()
    return "placeholder:" + " ".join(fold(surface).split())


def _describe_placeholders(store: Store, ids: set[str], batch: int = 5000) -> None:
    """Each placeholder says everything its citations told, taken from the citation
    that told most (ties: smallest id), so the result does not depend on order."""
    ordered = sorted(ids)
    for i in range(0, len(ordered), batch):
        _describe(store, ordered[i:i + batch])


def _describe(store: Store, ids: list[str]) -> None:
    cits = links.placeholder_citations(store, ids)
    best: dict[str, dict[str, Any]] = {}
    for c in cits:
        score = sum(bool(c[f]) for f in ("doc_type", "number", "issued_date", "issuer"))
        current = best.get(c["placeholder_id"])
        if current is None or score > current["_score"]:
            best[c["placeholder_id"]] = {**c, "_score": score}
    rows = []
    for pid, c in sorted(best.items()):
        key = key_of(c["doc_type"], c["number"], c["issued_date"])
        scope = c["key"].split("|")[3] if c["key"] and c["key"].split("|")[3] != "?" else None
        rows.append({"id": pid, "doc_type": c["doc_type"], "number": c["number"], "year": key.year,
                     "issued_date": c["issued_date"], "issuer": c["issuer"], "scope": scope,
                     "surface": c["surface"]})
    links.upsert_placeholders(store, rows)
    links.prune_placeholders(store, ids)


# ------------------------------------------------------------------ one batch

def _link(store: Store, doc_ids: list[str]) -> None:
    idents = _index_documents(store, doc_ids)
    stems = _regroup(store, idents) | links.stems_of(store, doc_ids)
    contexts = _contexts(store, doc_ids)
    _bind_short_forms(store, doc_ids, contexts)
    cits = {c["id"]: c for c in links.citations_of_docs(store, doc_ids)}
    cits.update({c["id"]: c for c in links.citations_with_stems(store, stems)})
    _describe_placeholders(store, _resolve_citations(store, [cits[k] for k in sorted(cits)]))
