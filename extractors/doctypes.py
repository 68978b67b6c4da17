"""Document types and issuing-body codes (vanban/data/doc_types.csv, issuer_codes.csv)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from vanban.datafiles import read_csv
from vanban.text import fold


@dataclass(frozen=True)
class DocType:
    name: str            # "Nghị định"
    codes: tuple[str, ...]
    family: str          # state | normative | party | joint


@cache
def doc_types() -> tuple[DocType, ...]:
    return tuple(DocType(r["name"], tuple(c for c in r["codes"].split("|") if c), r["family"])
                 for r in read_csv("doc_types.csv"))


@cache
def _by_folded_name() -> dict[str, str]:
    return {fold(t.name): t.name for t in doc_types()}


def type_name(surface: str) -> str | None:
    """The canonical type for a type word as printed ("NGHỊ ĐỊNH", "nghi dinh")."""
    return _by_folded_name().get(" ".join(fold(surface).split()))


@cache
def type_word_pattern() -> str:
    """Regex alternation (on folded text) of every type name, longest first."""
    names = sorted({fold(t.name) for t in doc_types()}, key=len, reverse=True)
    return "|".join(n.replace(" ", r"\s+") for n in names)


# Type codes as they appear inside symbols. Where a code is shared, the first listed
# type wins for state symbols; Party symbols ("12-CT/TU") use the same table.
_CODE_TYPES_OVERRIDE = {"QĐ": "Quyết định", "QD": "Quyết định", "CT": "Chỉ thị",
                        "CTr": "Chương trình", "TB": "Thông báo", "TT": "Thông tư",
                        "QH": "Luật", "CV": "Công văn"}


@cache
def _code_types() -> dict[str, str]:
    table: dict[str, str] = {}
    for t in doc_types():
        for code in t.codes:
            table.setdefault(code.upper(), t.name)
    table.update({k.upper(): v for k, v in _CODE_TYPES_OVERRIDE.items()})
    return table


def type_for_code(code: str) -> str | None:
    return _code_types().get(code.upper())


@dataclass(frozen=True)
class IssuerCode:
    code: str
    issuer: str
    level: str


@cache
def _issuer_codes() -> dict[str, IssuerCode]:
    return {r["code"].upper(): IssuerCode(r["code"], r["issuer"], r["level"])
            for r in read_csv("issuer_codes.csv")}


def issuer_for_code(code: str) -> IssuerCode | None:
    code = code.upper()
    if (found := _issuer_codes().get(code)) is not None:
        return found
    # "QH13", "QH14": the National Assembly of a term
    stripped = re.sub(r"\d+$", "", code)
    return _issuer_codes().get(stripped) if stripped != code else None


def is_known_code(code: str) -> bool:
    return type_for_code(code) is not None or issuer_for_code(code) is not None


# Texts only an assembly passes: a law is the National Assembly's, an ordinance its
# Standing Committee's. Their heading is also their name ("LUẬT BẢO HIỂM XÃ HỘI").
_SOLE_ISSUERS = {"Hiến pháp": "Quốc hội", "Luật": "Quốc hội", "Bộ luật": "Quốc hội",
                 "Pháp lệnh": "Ủy ban Thường vụ Quốc hội"}


def sole_issuer(doc_type: str | None) -> str | None:
    """The one body that issues every text of this type, or None."""
    return _SOLE_ISSUERS.get(doc_type or "")
