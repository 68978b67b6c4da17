"""Turning what a user types into an FTS5 query.

Each whitespace-separated chunk becomes a phrase of its word pieces ("61/2018" must
match "61/2018", not a 61 here and a 2018 there); chunks are ANDed. The folded
column answers queries with or without diacritics (and đ/d); the original column,
ORed in, lifts documents that match the diacritics as typed.
"""
from __future__ import annotations

import re

from vanban.text import canonical, fold

_WORD = re.compile(r"\w+")


def _phrases(text: str) -> list[str]:
    phrases = []
    for chunk in text.split():
        words = _WORD.findall(chunk)
        if words:
            phrases.append('"' + " ".join(words) + '"')
    return phrases


def fts_query(query: str) -> str | None:
    """An FTS5 MATCH expression, or None when the query has no words."""
    query = canonical(query).lower()
    folded = _phrases(fold(query))
    if not folded:
        return None
    exact = _phrases(query)
    return f"({{body_folded}} : {' AND '.join(folded)}) OR ({{body title}} : {' AND '.join(exact)})"
