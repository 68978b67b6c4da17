"""Scoring extraction against hand annotations, by the rules of corpus/gold/SCHEMA.md
(the client's referee is corpus/gold/score.py; tests/test_evaluate.py checks that
both give the same numbers on the bundled corpus).

- Header fields match after canonical form, case and whitespace folding; titles when
  90% alike; a null matches only a null; a gold signer name that is null is skipped.
- Citations match on (type, number) when a number is printed, else (type, date);
  one with neither is not scored. Date, issuer and relation are compared on matches
  where the gold states them.
- Tasks pair one to one, best first, when their texts are ≥ 80% alike (mean of plain
  and token-set similarity, +5 for the same printed ref); due, lead and support are
  scored on pairs, agency names matching when their words are 90% alike in any order.
- Scores match on (index, criterion, year, kind, value).
- A gold file marked "partial" scores header fields and citations only.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from vanban.text import canonical

HEADER_FIELDS = ("doc_type", "number", "issuer", "place", "issued_date", "title", "signer_name")
CITATION_ATTRIBUTES = ("issued_date", "issuer", "relation")

# The referee moves a tone mark off the second vowel of these pairs wherever they
# occur; doing the same on both sides keeps our equality identical to its equality.
_PAIR_TONES = {"oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
               "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
               "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy"}
_PAIR_RE = re.compile("|".join(_PAIR_TONES))


def norm(value: Any) -> str | None:
    if value is None:
        return None
    text = canonical(str(value)).casefold()
    return " ".join(_PAIR_RE.sub(lambda m: _PAIR_TONES[m.group(0)], text).split())


def norm_number(value: Any) -> str | None:
    text = norm(value)
    return None if text is None else re.sub(r"\s+", "", text)


def loose(value: Any) -> str:
    """Text compared by similarity: punctuation dropped."""
    return " ".join(re.sub(r"[^\w\s/]", " ", norm(value) or "").split())


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, tp: int, fp: int, fn: int) -> None:
        self.tp += tp
        self.fp += fp
        self.fn += fn

    def report(self) -> dict[str, float | int]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass
class Accuracy:
    ok: int = 0
    n: int = 0

    def add(self, ok: bool) -> None:
        self.n += 1
        self.ok += bool(ok)

    def report(self) -> dict[str, float | int | None]:
        return {"acc": round(self.ok / self.n, 4) if self.n else None, "n": self.n}


def _field(doc: dict[str, Any], name: str) -> Any:
    if name == "signer_name":
        return (doc.get("signer") or {}).get("name")
    return doc.get(name)


def same_field(name: str, gold: Any, pred: Any) -> bool:
    if name == "number":
        return norm_number(gold) == norm_number(pred)
    if name == "title":
        if gold is None or pred is None:
            return gold is None and pred is None
        return fuzz.ratio(loose(gold), loose(pred)) >= 90
    return norm(gold) == norm(pred)


def citation_key(c: dict[str, Any]) -> tuple[str, str | None, str | None] | None:
    """A number names its document; without one, type and date do; with neither, nothing."""
    if c.get("number"):
        return ("n", norm(c.get("doc_type")), norm_number(c["number"]))
    if c.get("issued_date"):
        return ("d", norm(c.get("doc_type")), c.get("issued_date"))
    return None


def _keyed(citations: Iterable[dict[str, Any]] | None) -> dict[tuple, dict[str, Any]]:
    out: dict[tuple, dict[str, Any]] = {}
    for c in citations or []:
        if (key := citation_key(c)) is not None:
            out.setdefault(key, c)
    return out


def pair_best_first(golds: list[Any], preds: list[Any], similarity: Callable[[Any, Any], float],
                    threshold: float) -> list[tuple[Any, Any]]:
    """One-to-one pairs, most similar first, at or above the threshold."""
    candidates = sorted(((similarity(g, p), i, j) for i, g in enumerate(golds)
                         for j, p in enumerate(preds)), reverse=True)
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for score, i, j in candidates:
        if score < threshold:
            break
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            pairs.append((golds[i], preds[j]))
    return pairs


def task_similarity(g: dict[str, Any], p: dict[str, Any]) -> float:
    a, b = loose(g.get("text")), loose(p.get("text"))
    score = (fuzz.ratio(a, b) + fuzz.token_set_ratio(a, b)) / 2
    if g.get("ref") and norm(g.get("ref")) == norm(p.get("ref")):
        score += 5
    return score


def score_similarity(g: dict[str, Any], p: dict[str, Any]) -> float:
    if (norm(g.get("index")), g.get("year"), g.get("kind")) != (norm(p.get("index")), p.get("year"), p.get("kind")):
        return 0
    try:
        if abs(float(g.get("value")) - float(p.get("value"))) > 1e-6:
            return 0
    except (TypeError, ValueError):
        return 0
    gc, pc = g.get("criterion"), p.get("criterion")
    if gc is None or pc is None:
        return 100 if gc is None and pc is None else 0
    return fuzz.token_set_ratio(loose(gc), loose(pc))


def same_agency(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return fuzz.token_sort_ratio(loose(a), loose(b)) >= 90


def _agency_set_f1(gold: list[str] | None, pred: list[str] | None) -> float:
    gold, pred = list(gold or []), list(pred or [])
    if not gold and not pred:
        return 1.0
    matched = len(pair_best_first(gold, pred, lambda x, y: 100 if same_agency(x, y) else 0, 100))
    return 2 * matched / (len(gold) + len(pred))


@dataclass
class Scorecard:
    files: int = 0
    documents: Tally = field(default_factory=Tally)
    header: dict[str, Accuracy] = field(default_factory=lambda: {f: Accuracy() for f in HEADER_FIELDS})
    citations: Tally = field(default_factory=Tally)
    citation_attributes: dict[str, Accuracy] = field(
        default_factory=lambda: {a: Accuracy() for a in CITATION_ATTRIBUTES})
    tasks: Tally = field(default_factory=Tally)
    task_lead: Accuracy = field(default_factory=Accuracy)
    task_due: Accuracy = field(default_factory=Accuracy)
    support: list[float] = field(default_factory=list)
    scores: Tally = field(default_factory=Tally)

    def add_file(self, gold: dict[str, Any], pred: dict[str, Any]) -> None:
        self.files += 1
        gdocs, pdocs = gold.get("documents") or [], pred.get("documents") or []
        self.documents.add(min(len(gdocs), len(pdocs)), max(0, len(pdocs) - len(gdocs)),
                           max(0, len(gdocs) - len(pdocs)))
        for k, g in enumerate(gdocs):
            p = pdocs[k] if k < len(pdocs) else {}
            self._add_header(g, p)
            self._add_citations(g, p)
            if not gold.get("partial"):
                self._add_tasks(g.get("tasks") or [], p.get("tasks") or [])
                gs, ps = g.get("scores") or [], p.get("scores") or []
                matched = len(pair_best_first(gs, ps, score_similarity, 85))
                self.scores.add(matched, len(ps) - matched, len(gs) - matched)

    def _add_header(self, g: dict[str, Any], p: dict[str, Any]) -> None:
        for name in HEADER_FIELDS:
            gold_value = _field(g, name)
            if gold_value is None and name == "signer_name":
                continue
            self.header[name].add(same_field(name, gold_value, _field(p, name)))

    def _add_citations(self, g: dict[str, Any], p: dict[str, Any]) -> None:
        gc, pc = _keyed(g.get("citations")), _keyed(p.get("citations"))
        both = gc.keys() & pc.keys()
        self.citations.add(len(both), len(pc.keys() - gc.keys()), len(gc.keys() - pc.keys()))
        for key in both:
            for attribute in CITATION_ATTRIBUTES:
                if gc[key].get(attribute) is not None:
                    self.citation_attributes[attribute].add(
                        norm(gc[key].get(attribute)) == norm(pc[key].get(attribute)))

    def _add_tasks(self, gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> None:
        pairs = pair_best_first(gold, pred, task_similarity, 80)
        self.tasks.add(len(pairs), len(pred) - len(pairs), len(gold) - len(pairs))
        for g, p in pairs:
            self.task_lead.add(same_agency(g.get("lead"), p.get("lead")))
            self.task_due.add((g.get("deadline") or {}).get("due") == (p.get("deadline") or {}).get("due"))
            self.support.append(_agency_set_f1(g.get("support"), p.get("support")))

    def report(self) -> dict[str, Any]:
        """The same keys and numbers as the referee's --json output."""
        return {
            "files": self.files,
            "documents": self.documents.report(),
            "header": {name: acc.report() for name, acc in self.header.items()},
            "citations": self.citations.report(),
            "citation_attributes": {a: acc.report() for a, acc in self.citation_attributes.items()},
            "tasks": self.tasks.report(),
            "task_attributes": {"lead": self.task_lead.report(), "due": self.task_due.report(),
                                "support_f1": round(sum(self.support) / len(self.support), 4)
                                if self.support else None},
            "scores": self.scores.report(),
        }
