"""Legacy Vietnamese font encodings: TCVN3 ("ABC") and VNI Windows.

Before Unicode, Vietnamese was typed with fonts that draw Vietnamese letters in place
of Latin-1 characters, so a file in these encodings is stored as cp1252/latin-1 bytes
and reads as "Uû ban nh©n d©n" (TCVN3) or "UÛy ban nhaân daân" (VNI). Both tables map
characters of that 8-bit reading (U+00A1..U+00FF, as cp1252 decodes them) to Unicode.

- TCVN3 is TCVN 5712:1993 table VN3: one code per lowercase letter and for
  Ă Â Ê Ô Ơ Ư Đ only. Capitals with tone marks were typed with the lowercase codes in
  the capital fonts (.VnTimeH), so the bytes do not say the case: `decode_tcvn3`
  restores it from the surrounding words.
- VNI Windows (VNI Software) writes most vowels as a base letter followed by one mark
  character ("a" + "ù" = "á"), in both cases.
"""
from __future__ import annotations

import re
import unicodedata

# ---------------------------------------------------------------- TCVN3 (VN3)

# TCVN 5712:1993, VN3 ("ABC" fonts .VnTime, .VnArial ...): the code's character as
# cp1252 shows it, above the Unicode letter it stands for. Codes 0xA8-0xFE are the
# lowercase letters, 0xA1-0xA7 the only capitals the table has.
_TCVN3_CODES = ("µ¸¶·¹" "¨»¾¼½Æ" "©ÇÊÈÉË" "®" "ÌÐÎÏÑ" "ªÒÕÓÔÖ" "×ÝØÜÞ" "ßãáâä"
                "«åèæçé" "¬êíëìî" "ïóñòô" "\u00adõøö÷ù" "úýûüþ" "¡¢§£¤¥¦")
_TCVN3_LETTERS = ("àáảãạ" "ăằắẳẵặ" "âầấẩẫậ" "đ" "èéẻẽẹ" "êềếểễệ" "ìíỉĩị" "òóỏõọ"
                  "ôồốổỗộ" "ơờớởỡợ" "ùúủũụ" "ưừứửữự" "ỳýỷỹỵ" "ĂÂĐÊÔƠƯ")
TCVN3_TO_UNICODE: dict[str, str] = dict(zip(_TCVN3_CODES, _TCVN3_LETTERS, strict=True))
UNICODE_TO_TCVN3: dict[str, str] = {v: k for k, v in TCVN3_TO_UNICODE.items()}

# ---------------------------------------------------------------- VNI Windows

# VNI Windows: each vowel without tone and with sắc, huyền, hỏi, ngã, nặng. Capitals
# are the same sequences in upper case ("AÙ" = "Á"); đ is "ñ", Đ is "Ñ".
_VNI_VOWELS: dict[str, tuple[str, ...]] = {
    "a": ("a", "aù", "aø", "aû", "aõ", "aï"),
    "ă": ("aê", "aé", "aè", "aú", "aü", "aë"),
    "â": ("aâ", "aá", "aà", "aå", "aã", "aä"),
    "e": ("e", "eù", "eø", "eû", "eõ", "eï"),
    "ê": ("eâ", "eá", "eà", "eå", "eã", "eä"),
    "i": ("i", "í", "ì", "æ", "ó", "ò"),
    "o": ("o", "où", "oø", "oû", "oõ", "oï"),
    "ô": ("oâ", "oá", "oà", "oå", "oã", "oä"),
    "ơ": ("ô", "ôù", "ôø", "ôû", "ôõ", "ôï"),
    "u": ("u", "uù", "uø", "uû", "uõ", "uï"),
    "ư": ("ö", "öù", "öø", "öû", "öõ", "öï"),
    "y": ("y", "yù", "yø", "yû", "yõ", "î"),
}
_TONE_MARKS = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")   # same order


def _vni_table() -> dict[str, str]:
    table = {"ñ": "đ", "Ñ": "Đ"}
    for vowel, codes in _VNI_VOWELS.items():
        for mark, code in zip(_TONE_MARKS, codes, strict=True):
            letter = unicodedata.normalize("NFC", vowel + mark)
            if code != letter:          # plain a, e, i, o, u, y are themselves
                table[code] = letter
                table[code.upper()] = letter.upper()
    return table


VNI_TO_UNICODE: dict[str, str] = _vni_table()
UNICODE_TO_VNI: dict[str, str] = {v: k for k, v in VNI_TO_UNICODE.items()}
# Two-character sequences first, so "oâ" (ô) wins over "ô" (ơ) and "o".
_VNI_RE = re.compile("|".join(sorted(map(re.escape, VNI_TO_UNICODE), key=len, reverse=True)))

# ---------------------------------------------------------------- decoding


def decode_vni(text: str) -> str:
    """VNI text read as cp1252 -> Unicode (NFC)."""
    return _VNI_RE.sub(lambda m: VNI_TO_UNICODE[m.group(0)], text)


_WORD = re.compile(r"[^\W\d_]+")
# Between two words of one heading: spaces, one line break and light punctuation
# ("SẢN PHẨM, TIẾN ĐỘ"), not a colon or digits ("Số: 205/KH-UBND" is no "SỐ").
_SAME_PHRASE = re.compile(r"[ ,&()\-–/\"“”']*\n?[ ,&()\-–/\"“”']*")
# What may stand before the first word of a sentence on its line: a list marker
# ("-", "1.", "1.2", "II.", "a)") or the end of a previous sentence.
_AFTER_MARKER = re.compile(
    r"(?:[.!?]\s+|^[ \t]*(?:[-+•*]|\d+(?:\.\d+)*\.?|[IVXLC]+[.\-)]|[a-zđ]\))\s+)$")
_CAPITALS, _LOWER, _UNKNOWN = "capitals", "lower", "unknown"


def decode_tcvn3(text: str) -> str:
    """TCVN3 text read as cp1252 -> Unicode, capitals typed in capital fonts restored."""
    chars: list[str] = []
    unsure: list[bool] = []          # a lowercase letter from a code that has no capital
    for ch in text:
        letter = TCVN3_TO_UNICODE.get(ch)
        chars.append(letter or ch)
        unsure.append(letter is not None and letter.islower())
    joined = "".join(chars)
    words = [m.span() for m in _WORD.finditer(joined)]
    kinds = [_kind(chars, unsure, *span) for span in words]
    for i, (start, end) in enumerate(words):
        if not any(unsure[start:end]):
            continue
        if kinds[i] == _CAPITALS or (kinds[i] == _UNKNOWN and _in_capital_phrase(joined, words, kinds, i)):
            for k in range(start, end):
                if unsure[k]:
                    chars[k] = chars[k].upper()
        elif unsure[start] and _starts_sentence(joined, start):
            chars[start] = chars[start].upper()
    return "".join(chars)


def _kind(chars: list[str], unsure: list[bool], start: int, end: int) -> str:
    """What a word's certain letters say about its case. Words of two to five plain
    capitals are left unknown: they are as often acronyms (UBND, KHCN) in lowercase text."""
    sure = [chars[k] for k in range(start, end) if not unsure[k]]
    if any(c.islower() for c in sure):
        return _LOWER
    if len(sure) < 2:
        return _UNKNOWN
    acronym = end - start <= 5 and all(c.isascii() for c in chars[start:end])
    return _UNKNOWN if acronym else _CAPITALS


def _in_capital_phrase(text: str, words: list[tuple[int, int]], kinds: list[str], i: int) -> bool:
    """Is an undecided word ("Uû", "Vô", "ë") part of a capitalised phrase? The nearest
    decided words on its line, left and right, say so when none of them is lowercase."""
    seen = []
    for step in (-1, 1):
        j = i
        while 0 <= j + step < len(words):
            left, right = sorted((words[j], words[j + step]))
            if not _SAME_PHRASE.fullmatch(text[left[1]:right[0]]):
                break
            j += step
            if kinds[j] != _UNKNOWN:
                seen.append(kinds[j])
                break
    return bool(seen) and all(kind == _CAPITALS for kind in seen)


def _starts_sentence(text: str, start: int) -> bool:
    """Does the word at `start` open a sentence or list item? Only where that is sure:
    a lowercase word at the start of a line is often a line or page-break continuation."""
    line_start = text.rfind("\n", 0, start) + 1
    if _AFTER_MARKER.search(text[line_start:start]) or line_start == start == 0:
        return True
    if text[line_start:start].strip():
        return False
    previous = text[text.rfind("\n", 0, max(line_start - 1, 0)) + 1:max(line_start - 1, 0)]
    return previous.strip() == "|" or previous.rstrip()[-1:] in (".", "!", "?")


# ---------------------------------------------------------------- encoding (tests, tools)

_OLD_STYLE = re.compile(r"(?<![qQ])([òóỏõọÒÓỎÕỌùúủũụÙÚỦŨỤ])([aeyAEY])(?![^\W\d_])")


def _old_style_tones(text: str) -> str:
    """ "hòa" -> "hoà", "Ủy" -> "Uỷ": the tone placement of the TCVN3 era."""
    def move(m: re.Match[str]) -> str:
        first = unicodedata.normalize("NFD", m.group(1))
        base, tone = first[0], first[1:]
        pair = base + m.group(2)
        if pair.lower() not in ("oa", "oe", "uy"):
            return m.group(0)
        return base + unicodedata.normalize("NFC", m.group(2) + tone)
    return _OLD_STYLE.sub(move, text)


def encode_tcvn3(text: str) -> str:
    """Unicode -> TCVN3 as cp1252 characters, the way it was typed: old tone placement,
    capitals with tone marks as the lowercase code (the capital font draws them)."""
    out = []
    for ch in _old_style_tones(unicodedata.normalize("NFC", text)):
        code = UNICODE_TO_TCVN3.get(ch) or UNICODE_TO_TCVN3.get(ch.lower())
        out.append(code if code is not None else ch)
    return "".join(out)


def encode_vni(text: str) -> str:
    """Unicode -> VNI Windows as cp1252 characters."""
    return "".join(UNICODE_TO_VNI.get(ch, ch) for ch in unicodedata.normalize("NFC", text))
