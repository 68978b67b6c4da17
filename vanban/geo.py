"""Vietnam's provinces and districts: the gazetteer, lookups, and places named in text.

Data: `vanban/data/provinces.csv` (the 63 units of 2008-2025, the 34 from 01/7/2025 and
Hà Tây before 2008) and `vanban/data/districts.csv` (district-level units with their
pre-2025 province). Names are matched with their diacritics, case-insensitively; text
typed without any diacritics falls back to the folded form when that is unambiguous.

A document often names its province only through its districts ("huyện ủy Ninh Phước;
huyện ủy Ninh Hải" is Ninh Thuận), so `infer_province` weighs explicit "tỉnh X" /
"thành phố X" mentions, the "X, ngày ..." date line and district mentions; a district
name shared by several provinces ("Châu Thành") is no evidence at all.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from vanban.datafiles import read_csv
from vanban.text import canonical, fix_tone_placement, fold, squash_spaces

PRE_2025 = "pre-2025"
POST_2025 = "2025"

# Evidence weights for infer_province: the printed date line beats a named province,
# which beats a district (a district is often named in a list of many places).
DATE_LINE_WEIGHT = 2.0
PROVINCE_WEIGHT = 1.0
DISTRICT_WEIGHT = 0.5


@dataclass(frozen=True)
class Province:
    name: str                  # "Quảng Ninh", "Hồ Chí Minh"
    type: str                  # "tỉnh" or "thành phố"
    era: str                   # "pre-2025", "2025" or "pre-2008"
    code: str
    aliases: tuple[str, ...] = ()
    successor: str | None = None   # the 2025 unit a pre-2025 province is now part of

    @property
    def full_name(self) -> str:
        return f"{self.type} {self.name}"


@dataclass(frozen=True)
class District:
    name: str                  # "Ninh Hải", "1" (Quận 1)
    type: str                  # "quận", "huyện", "thị xã", "thành phố"
    province: str              # pre-2025 province name
    status: str = "current"    # "current" or "former" (merged away 2019-2021)
    aliases: tuple[str, ...] = ()

    @property
    def full_name(self) -> str:
        return f"{self.type} {self.name}"


@dataclass(frozen=True)
class PlaceMention:
    """A place named in text: [start, end) covers the prefix word and the name."""
    start: int
    end: int
    surface: str
    name: str                  # canonical name of the province or district
    kind: str                  # "province" or "district"
    province: str | None       # the province it supports; None when ambiguous
    weight: float
    unit: str | None = None    # the unit word as written ("tỉnh", "TP.", "Huyện ủy")


# ------------------------------------------------------------------ keys and loading

_NON_NAME = re.compile(r"[\s\-\u2013.'’]+")


def place_key(text: str) -> str:
    """Lookup key: canonical, case-folded, dashes/dots/apostrophes as spaces."""
    return _NON_NAME.sub(" ", canonical(text).casefold()).strip()


def _folded_key(text: str) -> str:
    return _NON_NAME.sub(" ", fold(text)).strip()


def _split(value: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in value.split(";") if x.strip())


@cache
def provinces(era: str | None = None) -> tuple[Province, ...]:
    """All province-level units, or those of one era ("pre-2025", "2025", "pre-2008")."""
    rows = tuple(Province(name=r["name"], type=r["type"], era=r["era"], code=r["code"],
                          aliases=_split(r["aliases"]), successor=r["successor"] or None)
                 for r in read_csv("provinces.csv"))
    return rows if era is None else tuple(p for p in rows if p.era == era)


@cache
def districts() -> tuple[District, ...]:
    return tuple(District(name=r["name"], type=r["type"], province=r["province"],
                          status=r["status"] or "current", aliases=_split(r["aliases"]))
                 for r in read_csv("districts.csv"))


def _index(items, names) -> tuple[dict[str, list], dict[str, list]]:
    exact: dict[str, list] = defaultdict(list)
    folded: dict[str, list] = defaultdict(list)
    for item in items:
        for name in names(item):
            for index, key in ((exact, place_key(name)), (folded, _folded_key(name))):
                if item not in index[key]:
                    index[key].append(item)
    return exact, folded


@cache
def _province_index():
    return _index(provinces(), lambda p: (p.name, *p.aliases))


@cache
def _district_index():
    return _index(districts(), lambda d: (d.name, *d.aliases))


def _lookup(indexes, name: str) -> list:
    exact, folded = indexes
    found = exact.get(place_key(name))
    if found:
        return found
    # Folded matching only for text typed without diacritics: "Thanh Hoa" may be
    # Thanh Hóa, but "Thạnh Hóa" is never Thanh Hóa.
    if name.isascii():
        return folded.get(_folded_key(name), [])
    return []


# ------------------------------------------------------------------ lookups

# Unit words that introduce a place name, and the kind of unit they announce.
_UNIT_WORDS = {
    "tỉnh": "tỉnh", "tỉnh ủy": "tỉnh",
    "thành phố": "thành phố", "tp": "thành phố", "thành ủy": "thành phố",
    "huyện": "huyện", "huyện ủy": "huyện",
    "quận": "quận", "quận ủy": "quận",
    "thị xã": "thị xã", "tx": "thị xã", "thị ủy": "thị xã",
}
_UNIT_ABBREVIATIONS = ("tp", "tx")         # "TP. Hạ Long", "TP.HCM", "TX Quảng Yên"
_UNIT_RE = re.compile(
    r"(?<![^\W_])(?:("
    + "|".join(sorted((re.escape(w) for w in _UNIT_WORDS if w not in _UNIT_ABBREVIATIONS),
                      key=len, reverse=True))
    + r")\s+|(" + "|".join(_UNIT_ABBREVIATIONS) + r")(?:\.\s*|\s+))(?=[^\W_])", re.IGNORECASE)
_WORD = r"[^\W_]+(?:['’][^\W_]*)*"
_NAME_WORDS = re.compile(rf"{_WORD}(?:(?:\s*-\s*|[ \t]+|\s*\n\s*){_WORD}){{0,5}}")
_NAME_WORD = re.compile(_WORD)


def unit_kind(written: str) -> str | None:
    """The unit a written unit word announces: "TP." -> "thành phố", "Huyện ủy" -> "huyện"."""
    return _UNIT_WORDS.get(squash_spaces(canonical(written)).strip(" .").casefold())


def strip_unit(text: str) -> tuple[str | None, str]:
    """("thành phố", "Tây Ninh") from "TP. Tây Ninh"; (None, text) when no unit word."""
    text = squash_spaces(canonical(text)).strip(" ,.;:")
    m = _UNIT_RE.match(text)
    if m:
        return _UNIT_WORDS[(m.group(1) or m.group(2)).casefold()], text[m.end():].strip()
    return None, text


def find_province(name: str) -> Province | None:
    """The province called `name` ("Quảng Ninh", "tỉnh Quảng Ninh", "TP.HCM", "Kontum")."""
    unit, bare = strip_unit(name)
    found = _lookup(_province_index(), bare) or _lookup(_province_index(), name)
    if unit is not None and unit not in ("tỉnh", "thành phố"):
        return None
    return found[0] if found else None


def districts_named(name: str, unit: str | None = None) -> list[District]:
    """Districts called `name`; with `unit` ("huyện", ...) those of that type when any are."""
    found = _lookup(_district_index(), name)
    typed = [d for d in found if d.type == unit]
    return typed or found


def _province_of(candidates: list[District]) -> str | None:
    names = {d.province for d in candidates}
    return names.pop() if len(names) == 1 else None


def province_of_district(name: str) -> str | None:
    """The province of a district ("huyện Ninh Hải", "Ninh Hải" -> "Ninh Thuận");
    None when unknown or when several provinces have a district of that name."""
    unit, bare = strip_unit(name)
    return _province_of(districts_named(bare, unit))


def is_ambiguous_district(name: str) -> bool:
    """True when districts of this name exist in more than one province."""
    return len({d.province for d in districts_named(name)}) > 1


# ------------------------------------------------------------------ places in text

def _name_at(text: str, pos: int, lookup, numbered: bool = False) -> tuple[int, list] | None:
    """The longest known name starting at `pos`: (end, candidates). Names are
    capitalised; only `numbered` units (quận) have numbers for names ("Quận 1")."""
    m = _NAME_WORDS.match(text, pos)
    if not m or not (text[pos].isupper() or (numbered and text[pos].isdigit())):
        return None
    words = list(_NAME_WORD.finditer(text, pos, m.end()))
    for n in range(len(words), 0, -1):
        end = words[n - 1].end()
        found = lookup(text[pos:end])
        if found:
            return end, found
    return None


def _mention_at(text: str, start: int, pos: int, unit: str) -> PlaceMention | None:
    """The place named at `pos` after a unit word of kind `unit` written at
    text[start:pos] (start == pos for the next name of a list)."""
    written = text[start:pos].strip() or None
    if unit in ("tỉnh", "thành phố"):
        hit = _name_at(text, pos, lambda s: [p for p in _lookup(_province_index(), s)
                                             if p.type == unit])
        if hit:
            end, found = hit
            return PlaceMention(start, end, text[start:end], found[0].name, "province",
                                found[0].name, PROVINCE_WEIGHT, written)
        if unit == "tỉnh":
            return None
    hit = _name_at(text, pos, lambda s: districts_named(s, unit), numbered=unit == "quận")
    if hit is None:
        return None
    end, found = hit
    province = _province_of(found)
    return PlaceMention(start, end, text[start:end], found[0].name, "district", province,
                        DISTRICT_WEIGHT if province else 0.0, written)


_LIST_SEP = re.compile(r"\s*(?:,|;|\bvà\b)\s*", re.IGNORECASE)
# The place line under the number: "Quảng Ninh, ngày 24 tháng 8 năm 2022", "TP. Tây Ninh, ngày".
_DATE_LINE = re.compile(
    rf"^[ \t*_]*(?i:(?:tp|tx|thành phố|thị xã|huyện|quận)\.?\s*)?"
    rf"({_WORD}(?:[ \t]*\n?[ \t]*{_WORD}){{0,5}})\s*,\s*ngày\s+\d{{1,2}}\b", re.MULTILINE)


def find_places(text: str) -> list[PlaceMention]:
    """Provinces and districts named in `text` after a unit word ("tỉnh Quảng Ninh",
    "TP. Tây Ninh", "huyện ủy Ninh Hải", "các huyện Khánh Sơn, Khánh Vĩnh") and in a
    "X, ngày ..." date line. Ambiguous district names are reported with province None
    and weight 0. Offsets are into `text`."""
    text = fix_tone_placement(text)      # same length: "uỷ" -> "ủy"
    found: list[PlaceMention] = []
    for m in _UNIT_RE.finditer(text):
        unit = _UNIT_WORDS[(m.group(1) or m.group(2)).casefold()]
        mention = _mention_at(text, m.start(), m.end(), unit)
        while mention is not None:
            found.append(mention)
            sep = _LIST_SEP.match(text, mention.end)     # "các huyện A, B và C"
            if not sep or _UNIT_RE.match(text, sep.end()):
                break
            mention = _mention_at(text, sep.end(), sep.end(), unit)
    found.extend(_date_line_places(text))
    found.sort(key=lambda p: (p.start, -p.end))
    return found


def _date_line_places(text: str) -> list[PlaceMention]:
    """ "Quảng Ninh, ngày 24 tháng 8 năm 2022": the words before the comma."""
    out = []
    for m in _DATE_LINE.finditer(text):
        words = list(_NAME_WORD.finditer(text, m.start(1), m.end(1)))
        for k in range(len(words)):           # the longest known name ending at the comma
            start, name = words[k].start(), text[words[k].start():m.end(1)]
            if not name[0].isupper():
                continue
            province = _lookup(_province_index(), name)
            if province:
                out.append(PlaceMention(start, m.end(1), name, province[0].name, "province",
                                        province[0].name, DATE_LINE_WEIGHT))
                break
            dist = districts_named(name)
            if dist and _province_of(dist):
                out.append(PlaceMention(start, m.end(1), name, dist[0].name, "district",
                                        dist[0].province, DATE_LINE_WEIGHT))
                break
    return out


def infer_province(text: str) -> str | None:
    """The province `text` most supports, or None when nothing names one."""
    score: dict[str, float] = defaultdict(float)
    first: dict[str, int] = {}
    for p in find_places(text):
        if p.province and p.weight > 0:
            score[p.province] += p.weight
            first.setdefault(p.province, p.start)
    if not score:
        return None
    return max(score, key=lambda name: (score[name], -first[name]))


def province_in(text: str) -> str | None:
    """The province a short string (an issuer line, a place) names: "Ủy ban nhân dân
    tỉnh Quảng Ninh", "TP. Tây Ninh", "Quảng Ninh", "SỞ NỘI VỤ KHÁNH HÒA" -> the
    province; None when it names none."""
    for p in find_places(text):
        if p.province:
            return p.province
    _, bare = strip_unit(text)
    found = _lookup(_province_index(), bare)
    if not found and bare.isupper():
        # An all-caps header line closes with the bare province: "SỞ NỘI VỤ KHÁNH HÒA".
        words = list(_NAME_WORD.finditer(bare))
        for k in range(1, len(words)):
            found = _lookup(_province_index(), bare[words[k].start():])
            if found:
                break
    return found[0].name if found else None


def locality_in(text: str) -> str | None:
    """The district-level unit a short string names ("Ủy ban nhân dân thành phố Tây
    Ninh" -> "thành phố Tây Ninh"); None for provinces and when it names none."""
    for p in find_places(text):
        if p.kind == "district" and p.province:
            unit = unit_kind(p.unit) if p.unit else None
            return f"{unit} {p.name}" if unit else p.name
    return None


def locality_name(place: str) -> str | None:
    """A place line's locality in canonical spelling: "TP. Tây Ninh" -> "thành phố Tây
    Ninh", "Ninh Hải" -> "Ninh Hải"."""
    unit, bare = strip_unit(place)
    if not bare:
        return None
    found = districts_named(bare, unit)
    name = found[0].name if found else bare
    return f"{unit} {name}" if unit else name
