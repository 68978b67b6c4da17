"""Vietnamese text primitives shared by every stage.

- `canonical` puts text in the one form vanban stores: NFC, one tone placement
  ("Uỷ" -> "Ủy", "hoà" -> "hòa"), one dash, plain spaces, "Đ" for its look-alike "Ð".
- `fold` is the search/matching key: no diacritics, đ -> d, lower case.
- `MappedText` applies edits while remembering where each character came from, so an
  extraction on normalised text can point back into the source.
"""
from __future__ import annotations

import re
import unicodedata
from array import array
from collections.abc import Callable
from functools import lru_cache

# Combining tone marks (in NFD). Horn (U+031B), breve (U+0306) and circumflex
# (U+0302) are part of the vowel, not the tone.
_TONES = "\u0300\u0301\u0309\u0303\u0323"


def _with_tone(base: str, tone: str) -> str:
    return unicodedata.normalize("NFC", base + tone)


def _tone_moves() -> dict[str, str]:
    """Old-style pairs ("oà", "uỷ") mapped to new style ("òa", "ủy"), in every case."""
    moves: dict[str, str] = {}
    for first, second in (("o", "a"), ("o", "e"), ("u", "y")):
        for tone in _TONES:
            for f in (first, first.upper()):
                for s in (second, second.upper()):
                    moves[f + _with_tone(s, tone)] = _with_tone(f, tone) + s
    return moves


_TONE_MOVES = _tone_moves()
# Only at the end of a syllable ("hoà" but not "hoàng"), and "quý" keeps its tone on
# y because its u belongs to the consonant "qu".
_TONE_RE = re.compile(
    r"(?<![qQ])(?:" + "|".join(map(re.escape, _TONE_MOVES)) + r")(?![^\W\d_])"
)

# Dashes and hyphens that mean "-", spaces that mean " ", characters that mean nothing;
# the Icelandic eth ("Ð", "ð") stands for Vietnamese "Đ"/"đ" in mis-converted fonts and OCR.
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_SPACES = "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_CHAR_TABLE = str.maketrans(
    {**{c: "-" for c in _DASHES}, **{c: " " for c in _SPACES}, "\ufffe": "-",
     "\u00d0": "Đ", "\u00f0": "đ"}
)
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE}]")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fix_tone_placement(text: str) -> str:
    """Move old-style tone marks to the new convention; length is unchanged."""
    return _TONE_RE.sub(lambda m: _TONE_MOVES[m.group(0)], text)


def canonical(text: str) -> str:
    """The stored form of a piece of text (see module docstring)."""
    text = nfc(text).translate(_CHAR_TABLE)
    return fix_tone_placement(_INVISIBLE_RE.sub("", text))


def _fold_char(ch: str) -> str:
    if ch in "đĐ":
        return "d"
    decomposed = unicodedata.normalize("NFD", ch)
    base = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return base if len(base) == 1 else ch.lower() if len(ch.lower()) == 1 else ch


def _fold_table() -> dict[int, str]:
    """Upper-case ASCII and every Latin letter with marks (the Vietnamese ones among
    them) mapped to one lower-case base letter."""
    ranges = [range(0x41, 0x5B), range(0xC0, 0x250), range(0x1E00, 0x1F00)]
    table = {}
    for code in (c for r in ranges for c in r):
        folded = _fold_char(chr(code))
        if folded != chr(code):
            table[code] = folded
    return table


_FOLD_TABLE = _fold_table()


def fold(text: str) -> str:
    """Diacritics removed, đ -> d, lower case: "Nghị định" -> "nghi dinh".

    One character in, one character out, so offsets in the folded text are offsets
    in the original (after NFC)."""
    if len(text) <= 48:     # words and names recur endlessly in matching: remember them
        return _fold_short(text)
    return nfc(text).translate(_FOLD_TABLE)


@lru_cache(maxsize=200_000)
def _fold_short(text: str) -> str:
    return nfc(text).translate(_FOLD_TABLE)


def squash_spaces(text: str) -> str:
    return " ".join(text.split())


def same_words(a: str | None, b: str | None) -> bool:
    """Equal after canonical form, case and whitespace folding."""
    if a is None or b is None:
        return a is b
    return squash_spaces(canonical(a)).casefold() == squash_spaces(canonical(b)).casefold()


class MappedText:
    """A string plus, for every character, its offset in the source text.

    Edits (`sub`, `translate`) return a new MappedText whose characters still point
    at the source; inserted characters point at the start of what they replaced."""

    __slots__ = ("text", "origin")

    def __init__(self, text: str, origin: array | None = None, base: int = 0):
        self.text = text
        self.origin = origin if origin is not None else array("l", range(base, base + len(text)))

    def __len__(self) -> int:
        return len(self.text)

    def __str__(self) -> str:
        return self.text

    def source_offset(self, index: int) -> int:
        if not self.origin:
            return 0
        return self.origin[min(max(index, 0), len(self.origin) - 1)]

    def translate(self, table: dict[int, str]) -> MappedText:
        """Character-for-character replacement (the table must map to one char)."""
        return MappedText(self.text.translate(table), self.origin)

    def sub(self, pattern: re.Pattern[str] | str, repl: str | Callable[[re.Match[str]], str],
            flags: int = 0) -> MappedText:
        regex = re.compile(pattern, flags) if isinstance(pattern, str) else pattern
        pieces: list[str] = []
        origin = array("l")
        last = 0
        for m in regex.finditer(self.text):
            start, end = m.span()
            replacement = repl(m) if callable(repl) else m.expand(repl)
            pieces.append(self.text[last:start])
            origin.extend(self.origin[last:start])
            pieces.append(replacement)
            origin.extend(self._origin_for(replacement, m))
            last = end
        if last == 0 and not pieces:
            return self
        pieces.append(self.text[last:])
        origin.extend(self.origin[last:])
        return MappedText("".join(pieces), origin)

    def _origin_for(self, replacement: str, m: re.Match[str]) -> array:
        start, end = m.span()
        if len(replacement) == end - start:  # same length: keep the per-char map
            return self.origin[start:end]
        anchor = self.origin[start] if start < len(self.origin) else (
            self.origin[-1] + 1 if self.origin else 0)
        return array("l", [anchor]) * len(replacement)

    def slice(self, start: int, end: int) -> MappedText:
        return MappedText(self.text[start:end], self.origin[start:end])

    def __add__(self, other: MappedText) -> MappedText:
        return MappedText(self.text + other.text, self.origin + other.origin)

    def strip(self) -> MappedText:
        left = len(self.text) - len(self.text.lstrip())
        right = len(self.text.rstrip())
        return self.slice(left, right)


_DECOMPOSED_RE = re.compile(r"[^\u0300-\u036f][\u0300-\u036f]+")


def canonical_mapped(text: MappedText) -> MappedText:
    """`canonical` on a MappedText, keeping the map to the source."""
    text = text.sub(_DECOMPOSED_RE, lambda m: nfc(m.group(0)))
    text = text.translate(_CHAR_TABLE).sub(_INVISIBLE_RE, "")
    return text.sub(_TONE_RE, lambda m: _TONE_MOVES[m.group(0)])
