"""Short forms inside one document, bound at link time.

The extractor merges repeated mentions of one number into one citation. What is left:
- a bare number after a full one ("Nghị quyết số 05" after "Nghị quyết số 05-NQ/TU
  ngày 28/9/2021 ..."): a separate citation that is a short form of the earlier one,
  and resolves as it does (`antecedents`);
- a type word with a pointer: "Nghị quyết nêu trên" binds to the nearest earlier
  mention of a citation of that type, "Kế hoạch này" to the document itself
  (`short_mentions`).
"""
from __future__ import annotations

import re
from functools import cache
from typing import Any

from extractors.doctypes import type_name, type_word_pattern
from linker.keys import Key, type_class
from vanban.text import fold

_SELF = ("nay",)
_POINTER_WORD = re.compile(r"(?i)(?<!\w)(?:này|nay|trên|tren|nêu|neu)(?!\w)")
_ABOVE = ("neu tren", "noi tren", "tren", "vua neu", "da neu")


@cache
def _pointer_re() -> re.Pattern[str]:
    pointers = "|".join(p.replace(" ", r"\s+") for p in (*_ABOVE, *_SELF))
    return re.compile(rf"(?<![a-z])(?P<type>{type_word_pattern()})\s+(?P<ptr>{pointers})(?![a-z])")


def is_short_form(key: Key) -> bool:
    """A number printed with nothing else: no codes, year, date or issuer."""
    return key.num is not None and not (key.codes or key.number_year or key.date or key.explicit_issuer)


def antecedents(keys: list[tuple[str, int, Key]]) -> dict[str, str]:
    """citation id -> id of the earlier citation it is a short form of. `keys` are one
    document's citations as (id, start offset, key)."""
    out: dict[str, str] = {}
    ordered = sorted(keys, key=lambda k: (k[1], k[0]))
    for i, (cid, _, key) in enumerate(ordered):
        if not is_short_form(key):
            continue
        for other_id, _, other in reversed(ordered[:i]):
            if other_id not in out and other.cls == key.cls and other.num == key.num \
                    and not is_short_form(other):
                out[cid] = other_id
                break
    return out


def short_mentions(text: str, offset: int, own_cls: str | None,
                   mentions: list[tuple[int, str, str | None]]) -> list[tuple[int, int, str, str | None]]:
    """(start, end, surface, citation id or None for the document itself) of every
    pointer phrase in `text` (a document's extent starting at `offset`) that can be
    bound. `mentions` are (start, citation id, type) of every explicit mention."""
    if not _POINTER_WORD.search(text):
        return []        # folding a long text is the cost: skip those without a pointer word
    folded = fold(text)
    ordered = sorted(mentions)
    out = []
    for m in _pointer_re().finditer(folded):
        cls = type_class(type_name(text[m.start("type"):m.end("type")]))
        start, end = offset + m.start(), offset + m.end()
        surface = text[m.start():m.end()]
        if m.group("ptr") in _SELF:
            if cls is not None and cls == own_cls:
                out.append((start, end, surface, None))
            continue
        earlier = [cid for at, cid, doc_type in ordered if at < start and type_class(doc_type) == cls]
        if earlier:
            out.append((start, end, surface, earlier[-1]))
    return out


def explicit_mentions(record: dict[str, Any], citation_ids: dict[int, str]) -> list[tuple[int, str, str | None]]:
    """(start, citation id, type) of every mention the extractor recorded; citation
    `idx` i is record["citations"][i - 1]."""
    out = []
    for i, c in enumerate(record.get("citations") or [], start=1):
        cid = citation_ids.get(i)
        if cid is None:
            continue
        spans = c.get("mentions") or ([c["span"]] if c.get("span") else [])
        out.extend((s["start"], cid, c.get("doc_type")) for s in spans if s)
    return out
