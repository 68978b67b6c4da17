"""Canonical keys: one normaliser for both sides of a link.

A document's own number, a citation of it and what a user types all go through
`key_of`, so "NĐ 61/2018", "Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ",
"nghi dinh 61/2018/nd-cp" and "61/2018/ND-CP" meet. The numbering grammar is
`extractors.refs`; this module only decides what in a parsed number is identity.

Three numbering families, each restarting its numbers every *period*:

=========  ======================  ===========================================
family     example                 identity, and the period numbers restart in
=========  ======================  ===========================================
normative  61/2018/NĐ-CP           type, number, the year printed in the number
state      205/KH-UBND             type, number, codes, issuing body; calendar year
party      05-NQ/TU                type, number, codes, committee; congress term
=========  ======================  ===========================================

The issuing body enters a key as a `Place` (central, or a province and maybe a
district) plus an `organ` (the body without its place: "tinh uy", "uy ban nhan dan").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import Any

from extractors.doctypes import doc_types, type_for_code, type_name
from extractors.refs import SYMBOL_RE, parse_reference_query, parse_symbol
from vanban.datafiles import read_csv
from vanban.models import DocKey
from vanban.text import canonical, fold

NORMATIVE, STATE, PARTY = "normative", "state", "party"


@dataclass(frozen=True)
class Place:
    """Where an issuing body sits. `level` is central, province or district; a
    None field is unknown and matches anything."""
    level: str | None = None
    province: str | None = None      # folded province name
    locality: str | None = None      # folded district/city name, district level only

    @property
    def scope(self) -> str | None:
        """The DocKey scope: "central", a folded province name, or None."""
        return "central" if self.level == "central" else self.province


UNKNOWN_PLACE = Place()


@dataclass(frozen=True)
class Key:
    cls: str | None                  # type class: one per family of type words ("nq", "kh")
    num: str | None                  # the serial number, leading zeros dropped ("5")
    codes: tuple[str, ...] = ()      # folded codes after the number: ("nq", "tu")
    year: int | None = None          # printed in the number, else the issue year
    number_year: bool = False        # the year was printed in the number
    date: str | None = None          # ISO issue date
    family: str = STATE
    place: Place = UNKNOWN_PLACE
    organ: str | None = None         # issuing body without its place
    explicit_issuer: bool = False    # the place/organ was printed, not assumed
    title: str | None = None         # folded title, identity of unnumbered documents
    word_cls: str | None = None      # class of the type word, when it differs from the code's

    @property
    def number(self) -> str | None:
        """The folded, separator-normalised number: "61/2018/nd-cp", "5-nq/tu"."""
        if self.num is None:
            return None
        if self.family == PARTY and len(self.codes) >= 2:
            return f"{self.num}-{self.codes[0]}/{'-'.join(self.codes[1:])}"
        parts = [self.num] + ([str(self.year)] if self.number_year else [])
        if self.codes:
            parts.append("-".join(self.codes))
        return "/".join(parts)

    @property
    def all_stems(self) -> set[str]:
        """Every stem a document is found under: its code class and its word class
        ("Quy định 66-QĐ/TW" is qd by code, qyd by word), by number and by date."""
        classes = {c for c in (self.cls, self.word_cls) if c}
        return {f"{c}:{self.num}" for c in classes if self.num} | \
            {f"{c}@{self.date}" for c in classes if self.date}

    @property
    def stems(self) -> tuple[str, ...]:
        """A citation's blocking key: a candidate is found under it. A number never
        changes under damage repair, so it is always part of the stem."""
        if self.cls is None:
            return ()
        if self.num is not None:
            return (f"{self.cls}:{self.num}",)
        if self.date is not None:
            return (f"{self.cls}@{self.date}",)
        return ()

    def doc_key(self) -> DocKey:
        return DocKey(self.cls, self.number, self.year, self.place.scope, self.date)

    def text(self) -> str:
        return self.doc_key().text()


# ------------------------------------------------------------------ type classes

@cache
def _classes() -> dict[str, str]:
    """Folded type name -> class: the first code of its row in doc_types.csv, so
    "Chương trình" and "Chương trình hành động" (both CTr) are one class."""
    return {fold(t.name): fold(t.codes[0]) if t.codes else fold(t.name) for t in doc_types()}


@lru_cache(maxsize=4096)
def type_class(doc_type: str | None) -> str | None:
    if not doc_type:
        return None
    name = type_name(doc_type) or doc_type
    return _classes().get(fold(name), fold(name))


@lru_cache(maxsize=4096)
def _family(doc_type: str) -> str | None:
    names = {fold(t.name): t.family for t in doc_types()}
    return names.get(fold(type_name(doc_type) or doc_type))


# ------------------------------------------------------------------ numbers

@dataclass(frozen=True)
class Number:
    num: str | None
    year: int | None = None
    codes: tuple[str, ...] = ()
    type_cls: str | None = None      # class of the type code inside the number
    party: bool = False


_DIGIT_LIKE = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "|": "1"})
# A number or year damaged by OCR: digits with O/l/I among them, before a separator.
_DAMAGED_NUMBER = re.compile(r"(?<![\w/])[0-9OolI|]*\d[0-9OolI|]*(?=\s?[/-])|(?<=/)[0-9OolI]{4}(?=/)")


def repair_number(text: str) -> str:
    """Undo OCR letter-for-digit damage inside numbers ("6l/2O18" -> "61/2018") and
    put codes in capitals ("61/2018/nd-cp" -> "61/2018/ND-CP") so the grammar reads them."""
    text = _DAMAGED_NUMBER.sub(lambda m: m.group(0).translate(_DIGIT_LIKE), canonical(text))
    return re.sub(r"(?<![^\W\d_])\d+(?:\s?/\s?\d{4})?\s?[/-]\s?[^\W\d_][\w/&-]*",
                  lambda m: m.group(0).upper(), text)


@lru_cache(maxsize=262144)
def parse_number(number: str | None) -> Number:
    """The parts of a number as stored ("05-NQ/TU", "4788", "61/2018/NĐ-CP")."""
    if not number:
        return Number(None)
    number = repair_number(number)
    m = SYMBOL_RE.search(number)
    symbol = parse_symbol(m) if m else None
    if symbol is None:
        digits = re.match(r"\s*(\d{1,5})(?:\s*/\s*((?:19|20)\d\d))?", number)
        if not digits:
            return Number(None)
        return Number(_num(digits.group(1)), int(digits.group(2)) if digits.group(2) else None)
    codes = tuple(fold(c) for c in ((symbol.type_code,) if symbol.type_code else ()) + symbol.issuer_codes)
    cls = type_class(type_for_code(symbol.type_code)) if symbol.type_code else None
    return Number(_num(symbol.num), symbol.year, codes, cls, symbol.party)


def _num(text: str) -> str:
    return str(int(text))


def party_term(date: str | None, level: str | None) -> int | None:
    """First year of the Party congress term a date falls in, None when it cannot be
    told. Local congresses sit every five years (2015, 2020, 2025), between about
    August and October; the national one early in the next year (2016, 2021, 2026).
    Numbers restart with each term, so a date inside a congress season says nothing."""
    if not date or not re.match(r"\d{4}-\d\d", date):
        return None
    year, month = int(date[:4]), int(date[5:7])
    offset, season = (1, (1, 4)) if level == "central" else (0, (8, 10))
    start = year - (year - offset) % 5
    if year == start:
        if month < season[0]:
            return start - 5
        if month <= season[1]:
            return None
    return start


@cache
def _known_codes() -> frozenset[str]:
    """Every type and issuer code (doc_types.csv, issuer_codes.csv), folded as keys hold them."""
    issuers = (r["code"] for r in read_csv("issuer_codes.csv"))
    return frozenset(fold(c) for c in (*(c for t in doc_types() for c in t.codes), *issuers))


def is_known_code(code: str) -> bool:
    """A folded code ("hdnd", "tu", "qh13") that the data files list."""
    return code in _known_codes() or re.sub(r"\d+$", "", code) in _known_codes()


@cache
def _code_levels() -> dict[str, str]:
    """Folded issuer code -> central / province / district (issuer_codes.csv, Party
    and state bodies alike)."""
    return {fold(r["code"]): r["level"].removeprefix("party_") for r in read_csv("issuer_codes.csv")}


def codes_level(codes: tuple[str, ...]) -> str | None:
    """The level of the issuing body that the codes name ("qh13" is "qh")."""
    for code in codes:
        level = _code_levels().get(code) or _code_levels().get(re.sub(r"\d+$", "", code))
        if level is not None:
            return level
    return None


# ------------------------------------------------------------------ keys

def key_of(doc_type: str | None, number: str | None, issued_date: str | None = None, *,
           place: Place = UNKNOWN_PLACE, organ: str | None = None, explicit_issuer: bool = False,
           title: str | None = None) -> Key:
    """The key of a document or a citation from its stored fields."""
    parsed = parse_number(number)
    word_cls = type_class(doc_type)
    cls = parsed.type_cls or word_cls
    if parsed.party:
        family = PARTY
    elif parsed.year is not None:
        family = NORMATIVE
    elif doc_type and _family(doc_type) == "party":
        family = PARTY
    else:
        family = STATE
    year = parsed.year or (int(issued_date[:4]) if issued_date and issued_date[:4].isdigit() else None)
    return Key(cls, parsed.num, parsed.codes, year, parsed.year is not None, issued_date or None,
               family, place, organ, explicit_issuer,
               title=" ".join(fold(title).split())[:200] if title and parsed.num is None else None,
               word_cls=word_cls if word_cls != cls else None)


def with_place(key: Key, place: Place, organ: str | None, explicit: bool) -> Key:
    return replace(key, place=place, organ=organ, explicit_issuer=explicit)


def key_from_row(row: dict[str, Any]) -> Key:
    """A document's key back from its `doc_keys` row (store/links.py)."""
    return Key(row["cls"], row["num"], tuple(row["codes"].split("-")) if row["codes"] else (), row["year"],
               bool(row["number_year"]), row["issued_date"], row["family"] or STATE,
               Place(row["level"], row["province"], row["locality"]), row["organ"], True, row["title"])


def query_reference(text: str) -> tuple[str | None, str | None, str | None, str | None] | None:
    """(doc_type, number, issued_date, issuer) of a reference typed by a user, in any
    spelling; None when it names no numbered document."""
    from extractors.citations import Scope, extract_citations

    text = repair_number(text)
    found = extract_citations(text, 0, len(text), own_numbers=set(), scope=Scope())
    if found:
        c = found[0]
        return c.doc_type, c.number, c.issued_date, c.issuer
    ref = parse_reference_query(text)
    if ref is None:
        return None
    if ref.number:
        return ref.doc_type, ref.number, None, None
    num, year = ref.extras.get("num"), ref.extras.get("year")
    return ref.doc_type, f"{num}/{year}" if year else str(num), None, None
