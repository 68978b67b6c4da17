"""Resolution: which document a citation names — one, several, or none in the corpus.

Pure functions over keys; `linker.__init__` feeds them rows and writes the outcome.
The rules, in order:

1. Candidates share a stem with the citation (type class and number; for an
   unnumbered citation, type class and date). Damage is repaired before this
   (OCR digits, lost diacritics in codes), so a different number is never a candidate.
2. A candidate is rejected on any conflict with what the citation states — codes
   (fuzzy only where a code is not a known one, i.e. damaged), year, date, the issuing
   body's place (a bare local code such as "/TU" means the citing document's
   province) and organ — or with its context: a document cannot cite a later one.
3. Survivors are grouped into nodes (renditions of one document collapse).
4. Several nodes, and the citation states no year or date: those in the citing
   document's own period — its year, its congress term for Party numbers — are kept,
   if any are.
5. One node: resolved. Several: ambiguous, each listed with why. None: unresolved.
Nothing else is preferred: when the text and its context do not decide, the linker
abstains.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz

from linker.keys import PARTY, Key, Place, is_known_code, party_term
from vanban.models import Resolution


@dataclass(frozen=True)
class Doc:
    """A document as resolution sees it."""
    id: str
    key: Key
    node: str = ""                   # canonical rendition id, filled by `group_renditions`
    ocr: bool = False                # read (partly) by OCR: a worse canonical rendition
    label: str = ""                  # "Nghị quyết 05-NQ/TU, Tỉnh ủy Ninh Thuận, 2021-09-28"


@dataclass
class Outcome:
    status: Resolution
    target: str | None = None
    candidates: list[dict[str, str]] = field(default_factory=list)   # [{id, why}]
    why: str = ""


# ------------------------------------------------------------------ compatibility

def codes_match(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Equal codes, or codes that differ only where one side is not a known code
    (OCR damage: "kh-ubno"); two different known codes ("tu", "tw") never match."""
    if not a or not b or a == b:
        return True
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        if x != y and is_known_code(x) and is_known_code(y):
            return False
    return fuzz.ratio("-".join(a), "-".join(b)) >= 85


def place_conflict(a: Place, b: Place) -> str | None:
    if a.scope and b.scope and a.scope != b.scope:
        return f"issued in {b.scope}, cited as {a.scope}"
    if a.level and b.level and a.level != b.level:
        return f"a {b.level}-level body, cited as {a.level}-level"
    if a.locality and b.locality and a.locality != b.locality:
        return f"issued in {b.locality}, cited as {a.locality}"
    return None


def conflict(cited: Key, doc: Key) -> str | None:
    """Why `doc` cannot be the document `cited` names, or None."""
    if not codes_match(cited.codes, doc.codes):
        return f"codes {'-'.join(doc.codes)}, cited as {'-'.join(cited.codes)}"
    if cited.year and doc.year and cited.year != doc.year:
        return f"year {doc.year}, cited as {cited.year}"
    if cited.date and doc.date and cited.date != doc.date:
        return f"dated {doc.date}, cited as {cited.date}"
    if reason := place_conflict(cited.place, doc.place):
        return reason
    # Codes name the organ when both sides print them; otherwise the names must agree.
    if not (cited.codes and doc.codes) and cited.organ and doc.organ and cited.organ != doc.organ:
        return f"issued by {doc.organ}, cited as {cited.organ}"
    return None


def period_of(doc: Key, cited: Key) -> int | None:
    """The period a document falls in, counted the way the cited numbering restarts."""
    if cited.family == PARTY:
        return party_term(doc.date, cited.place.level)
    return int(doc.date[:4]) if doc.date and doc.date[:4].isdigit() else None


# ------------------------------------------------------------------ resolution

def resolve(cited: Key, candidates: list[Doc], *, citing: Doc | None = None) -> Outcome:
    """Resolve one citation among the documents sharing its stem."""
    if not cited.stems:
        return Outcome(Resolution.UNRESOLVED, why="no number or date to look it up by")
    key = cited
    survivors: dict[str, list[Doc]] = {}
    rejected: list[str] = []
    for doc in candidates:
        if citing is not None and doc.node == citing.node:
            continue
        reason = conflict(key, doc.key)
        if reason is None and citing is not None and citing.key.date and doc.key.date \
                and doc.key.date > citing.key.date:
            reason = f"dated {doc.key.date}, after the citing document"
        if reason:
            rejected.append(f"{doc.id}: {reason}")
            continue
        survivors.setdefault(doc.node, []).append(doc)
    if not survivors:
        why = "no document in the corpus has this number"
        if rejected:
            why = "no compatible document (" + "; ".join(sorted(rejected)[:5]) + ")"
        return Outcome(Resolution.UNRESOLVED, why=why)
    nodes = {node: _canonical(node, docs) for node, docs in survivors.items()}
    note = ""
    if len(nodes) > 1 and citing is not None and not (key.date or key.number_year):
        # No period stated: the citing document's own year (term, for Party numbers) chooses.
        here = period_of(citing.key, key)
        same = {n: d for n, d in nodes.items() if here is not None and period_of(d.key, key) in (here, None)}
        if same:
            nodes = same
            note = f"; the only one in the citing document's {'term' if key.family == PARTY else 'year'}" \
                if len(same) == 1 else ""
    if len(nodes) == 1:
        (node, doc), = nodes.items()
        return Outcome(Resolution.RESOLVED, node, why=_fit(key, doc) + note)
    listed = [{"id": node, "why": _fit(key, doc)} for node, doc in sorted(nodes.items())]
    return Outcome(Resolution.AMBIGUOUS, candidates=listed,
                   why=f"{len(listed)} documents fit; the citation states only {_stated(key)}")


def _canonical(node: str, docs: list[Doc]) -> Doc:
    return next((d for d in docs if d.id == node), docs[0])


def _stated(key: Key) -> str:
    said = ["number " + (key.number or "?")]
    if key.date:
        said.append("date")
    elif key.number_year:
        said.append("year")
    if key.explicit_issuer:
        said.append("issuer")
    elif key.place.scope:
        said.append("place (from its codes)")
    return ", ".join(said)


def _fit(key: Key, doc: Doc) -> str:
    """Why a document fits a citation: what agreed and what the citation left open."""
    agreed = ["number"]
    open_ = []
    for name, said in (("date", key.date), ("place", key.place.scope), ("issuer", key.organ)):
        (agreed if said else open_).append(name)
    text = f"{doc.label or doc.id}: {', '.join(agreed)} agree"
    return text + (f"; citation gives no {', '.join(open_)}" if open_ else "")


# ------------------------------------------------------------------ renditions

def same_document(a: Key, b: Key) -> bool:
    """Two stored documents are renditions of one: same key, body and date, where
    an unknown field on one side is no evidence against."""
    if conflict(a, b) or conflict(b, a):
        return False
    return not (a.organ and b.organ and a.organ != b.organ)


def group_renditions(docs: list[Doc]) -> dict[str, str]:
    """doc id -> node id for documents sharing an identity (stem or title).

    Documents whose date and place are known group with their exact equals; one with
    a field missing joins the single group it is compatible with, else stands alone.
    The node (canonical rendition) is the first by: not read by OCR, date and place
    known, smallest id — so the answer depends only on the set of documents, never on
    the order they came in."""
    complete = sorted((d for d in docs if d.key.date and d.key.place.scope), key=lambda d: d.id)
    partial = sorted((d for d in docs if not (d.key.date and d.key.place.scope)), key=lambda d: d.id)
    groups: list[list[Doc]] = []
    for doc in complete:
        home = next((g for g in groups if same_document(g[0].key, doc.key)), None)
        if home is None:
            groups.append([doc])
        else:
            home.append(doc)
    settled = len(groups)
    for doc in partial:
        fits = [g for g in groups[:settled] if all(same_document(x.key, doc.key) for x in g)]
        if len(fits) == 1:
            fits[0].append(doc)
            continue
        home = next((g for g in groups[settled:] if all(same_document(x.key, doc.key) for x in g)), None)
        if home is None:
            groups.append([doc])
        else:
            home.append(doc)
    nodes = {}
    for group in groups:
        node = min(group, key=lambda d: (d.ocr, not (d.key.date and d.key.place.scope), d.id)).id
        nodes.update({d.id: node for d in group})
    return nodes
