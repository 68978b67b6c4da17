"""Issuing bodies and the agency registry.

Identity is `extractors.agencies.agency_key` ("so noi vu@quang ninh"): "Sở NV",
"Sở Nội vụ" and "SNV" of one province are one registry entry, the same body of two
provinces two. For linking, a body is split into a `Place` (central, a province, a
district) and an *organ* — the body without its place, with the several names of one
Party committee folded together, since "Ban Thường vụ Tỉnh ủy", "Ban Chấp hành Đảng
bộ tỉnh" and "Tỉnh ủy" all issue under the one code "/TU".
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from extractors import agencies
from linker.keys import Place, codes_level
from vanban import geo
from vanban.text import fold

# Party committees under their several names -> one organ (on folded text).
_PARTY_ORGANS = (
    (re.compile(r"\b(?:trung uong(?: dang)?|bo chinh tri|ban bi thu)\b"), "trung uong dang"),
    (re.compile(r"\b(?:tinh uy|dang bo tinh)\b"), "tinh uy"),
    (re.compile(r"\b(?:thanh uy|dang bo thanh pho)\b"), "thanh uy"),
    (re.compile(r"\b(?:huyen uy|dang bo huyen)\b"), "huyen uy"),
    (re.compile(r"\b(?:quan uy|dang bo quan)\b"), "quan uy"),
    (re.compile(r"\b(?:thi uy|dang bo thi xa)\b"), "thi uy"),
)
# Codes whose body sits at more than one level: "KH-UBND" is a province's or a district's.
_MULTI_LEVEL = {"ubnd", "hdnd", "thu", "du"}


@dataclass(frozen=True)
class Body:
    """An issuing body as the linker compares it."""
    key: str                 # registry key, "body@place"
    name: str                # canonical spelling, scoped when the place is known
    place: Place
    organ: str

    @property
    def folded_body(self) -> str:
        return self.key.rsplit("@", 1)[0]


def body(name: str, province: str | None = None, locality: str | None = None, *, local: bool = False) -> Body:
    """A body named in a document, completed with the place it is named from when
    the name does not say where it is. `local`: the body is one the document itself
    assigns work to, so one the gazetteer cannot place ("Văn phòng Hội đồng nhân dân",
    "Các cơ quan liên quan") is taken as the document's own place's."""
    found = _named(name)
    if found.place.level is None and (province or locality):
        found = _scoped(name, province, locality)
        if local and found.place.level is None and province:
            district = fold(_bare(locality)) if locality else None
            where = fold(province) + (f"/{district}" if district else "")
            return Body(f"{found.folded_body}@{where}", found.name, Place(None, fold(province), district),
                        found.organ)
        return found
    if found.place.level == "district" and province and fold(province) != found.place.province \
            and _district_in(found.place.locality, fold(province)):
        # one district name in several provinces ("huyện Phú Tân"): the document's province says which
        where = f"{fold(province)}/{found.place.locality}"
        return Body(f"{found.folded_body}@{where}", found.name, _place(where), found.organ)
    return found


def _district_in(locality: str | None, province: str) -> bool:
    """Whether the province has a district of that (folded) name."""
    return (province, locality) in _districts()


@cache
def _districts() -> frozenset[tuple[str, str]]:
    return frozenset((fold(d.province), fold(d.name)) for d in geo.districts())


# Two caches: most names already say where they are, and then the citing document's
# place does not matter (it would multiply the cache keys by every province).
@lru_cache(maxsize=65536)
def _named(name: str) -> Body:
    return _body(agencies.canonical_agency(name))


@lru_cache(maxsize=65536)
def _scoped(name: str, province: str | None, locality: str | None) -> Body:
    return _body(agencies.scope(name, province, locality))


def _bare(locality: str) -> str:
    """ "huyện Ninh Hải" -> "Ninh Hải" (district keys hold the bare name)."""
    return re.sub(r"^(?:huyện|quận|thị xã|thành phố)\s+", "", locality, flags=re.IGNORECASE)


def _body(full: str) -> Body:
    key = agencies.agency_key(full)
    organ_text, where = key.rsplit("@", 1)
    return Body(key, full, _place(where), organ(organ_text))


def organ(body_key: str) -> str:
    for pattern, name in _PARTY_ORGANS:
        if pattern.search(body_key):
            return name
    return body_key


def _place(where: str) -> Place:
    if where == "central":
        return Place("central")
    if not where:
        return Place()
    province, _, locality = where.partition("/")
    return Place("district" if locality else "province", province, locality or None)


def same_organ(a: str | None, b: str | None) -> bool:
    """Unknown on either side is no evidence against."""
    return a is None or b is None or a == b


def place_of_codes(codes: tuple[str, ...], province: str | None, locality: str | None) -> Place | None:
    """Where the body named by a number's codes sits, read in the citing document's
    place: "CP" is central, "TU" the citing province's committee, "UBND" the citing
    province's or one of its districts'."""
    level = codes_level(codes)
    if level is None:
        return None
    if level == "central":
        return Place("central")
    prov = fold(province) if province else None
    if any(c in _MULTI_LEVEL for c in codes[:2]):
        return Place(None, prov)
    if level == "district":
        return Place("district", prov, fold(locality) if locality else None)
    return Place(level, prov)


@lru_cache(maxsize=65536)
def locality_of(issuer: str | None) -> str | None:
    """The district-level unit an issuer belongs to ("thành phố Tây Ninh"), if any."""
    return agencies.locality_in(issuer) if issuer else None


def split(text: str | None) -> list[str]:
    return agencies.split_agencies(text) if text else []


def aliases(surface: str, canonical_name: str) -> set[str]:
    """Folded spellings a registry entry answers to: as written, canonical, and the
    initials of the body ("snv" for "Sở Nội vụ")."""
    out = {" ".join(fold(surface).split()), " ".join(fold(canonical_name).split())}
    words = fold(agencies.canonical_agency(surface)).split()
    if len(words) >= 2:
        out.add("".join(w[0] for w in words))
    return {a for a in out if a}
