"""Which encoding a text file is in, and its text.

Vietnamese files arrive as UTF-8 (with or without BOM), UTF-16, Windows-1258, or in the
pre-Unicode font encodings TCVN3 and VNI (see `ingest.legacy`), which look like
cp1252/latin-1 text. Between the single-byte readings the one that yields the most
valid Vietnamese syllables wins: a byte means different letters in each, and only the
right reading spells words.
"""
from __future__ import annotations

import codecs
import re
import unicodedata

from ingest.base import ReadError
from ingest.legacy import decode_tcvn3, decode_vni

_BOMS = (   # UTF-32 first: its little-endian BOM starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
BINARY = "binary file, not text"
EMPTY = "empty file"

# Control characters a text file may hold: TAB, LF, VT, FF, CR, and DOS's end-of-file.
_ALLOWED_CONTROLS = frozenset("\t\n\x0b\x0c\r\x1a")
_MAX_CONTROL_SHARE = 0.01


def decode(data: bytes) -> tuple[str, str]:
    """(text in NFC, name of the encoding) of a text file; ReadError when it is empty
    or not text."""
    if not data.strip():
        raise ReadError(EMPTY)
    text, name = _decode_unicode(data)
    if text is None:
        text, name = _decode_single_byte(data)
    else:
        text, legacy = fix_legacy(text)
        name = legacy or name
    text = unicodedata.normalize("NFC", text)
    if not text.strip():
        raise ReadError(EMPTY)
    if _control_share(text) > _MAX_CONTROL_SHARE:
        raise ReadError(BINARY)
    # A rare NUL in real text is a glyph the converter could not name (PDF checkboxes).
    return text.replace("\x00", "\ufffd"), name


def _decode_unicode(data: bytes) -> tuple[str | None, str]:
    """Text of a file in a Unicode encoding (BOM, NUL pattern of UTF-16, or valid
    UTF-8); (None, "") when it is in none."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return _strict(data[len(bom):], name.replace("-sig", "")), name
    utf16 = _utf16_without_bom(data)
    if utf16:
        return _strict(data, utf16), utf16
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # A few bad bytes in an otherwise UTF-8 file (a truncated copy, one stray byte):
    # still UTF-8, the bad bytes become U+FFFD.
    text = data.decode("utf-8", errors="replace")
    bad, multibyte = text.count("\ufffd"), sum(1 for c in text if ord(c) > 0x7F)
    if bad <= max(2, len(data) // 1000) and multibyte > 10 * bad:
        return text, "utf-8"
    return None, ""


def _strict(data: bytes, name: str) -> str:
    try:
        return data.decode(name)
    except UnicodeDecodeError:
        raise ReadError(BINARY) from None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text has a NUL in every other byte (ASCII characters); binary has them anywhere."""
    head = data[:8192]
    if len(head) < 4 or b"\x00" not in head:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    half = len(head) / 2
    if odd > 0.3 * half and even < 0.02 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.02 * half:
        return "utf-16-be"
    return None


def _control_share(text: str) -> float:
    controls = sum(1 for c in text if (c < " " and c not in _ALLOWED_CONTROLS) or c == "\x7f")
    return controls / max(len(text), 1)


def _decode_single_byte(data: bytes) -> tuple[str, str]:
    """The best of the single-byte readings: Windows-1258, TCVN3, VNI, cp1252."""
    if _control_share(data.decode("latin-1")) > _MAX_CONTROL_SHARE:
        raise ReadError(BINARY)
    western = _cp1252(data)
    candidates = [(western, "windows-1252")]
    try:   # Windows-1258 writes tone marks as combining characters
        candidates.append((unicodedata.normalize("NFC", data.decode("cp1258")), "windows-1258"))
    except UnicodeDecodeError:
        pass
    candidates += [(decode_tcvn3(western), "tcvn3"), (decode_vni(western), "vni")]
    # max() keeps the first of equal scores: Western text reads the same in 1252 and 1258
    return max(candidates, key=lambda c: vietnamese_score(c[0]))


def _cp1252(data: bytes) -> str:
    """cp1252, keeping latin-1's reading of the five bytes cp1252 leaves undefined."""
    return data.decode("latin-1").translate(_C1_AS_CP1252)


_C1_AS_CP1252 = {b: bytes([b]).decode("cp1252") for b in range(0x80, 0xA0)
                 if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}


# ---------------------------------------------------------------- legacy text inside Unicode

# Unicode letters only Unicode Vietnamese has: text holding them is not a font encoding.
_UNICODE_VIETNAMESE = re.compile(r"[\u0102\u0103\u0110\u0111\u01a0\u01a1\u01af\u01b0\u1ea0-\u1ef9]")


def fix_legacy(text: str) -> tuple[str, str | None]:
    """Text that is TCVN3 or VNI read as cp1252 (copied from an old page, saved as
    UTF-8 by a tool that did not know the font): (converted text, "tcvn3"/"vni"), else
    (text, None)."""
    if len(_UNICODE_VIETNAMESE.findall(text)) > len(text) // 1000 or not re.search(r"[\u00a1-\u00ff]", text):
        return text, None
    base = vietnamese_score(text)
    best = max(((decode_tcvn3(text), "tcvn3"), (decode_vni(text), "vni")),
               key=lambda c: vietnamese_score(c[0]))
    gain = vietnamese_score(best[0]) - base
    return best if gain >= max(3, base // 10) else (text, None)


# ---------------------------------------------------------------- how Vietnamese a text reads

_TONES = "\u0300\u0301\u0303\u0309\u0323"
# Vowel groups of Vietnamese syllables (without tone marks), longest first.
_VOWELS = ("iêu yêu oai oay oao oeo uây uôi ươi ươu uya uyê uyu "
           "ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi ua uâ uê ui uô uơ uy ưa ưi ưu ươ yê "
           "a ă â e ê i o ô ơ u ư y").split()
_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"     # initial consonant
    rf"(?:{'|'.join(_VOWELS)})"
    r"(?:ch|ng|nh|[cmnpt])?")                                        # final consonant
_TOKEN = re.compile(r"[^\W\d_]+")
# Frequent words of administrative Vietnamese: they tip short texts the right way.
_COMMON = frozenset(
    "của và các được trong người năm theo việc số ngày tháng đã cho với có này những để "
    "không đến tỉnh nhân dân quyết định nghị hành chính quản lý thực hiện về là một tại "
    "trên cơ đơn vị xã hội cộng hòa hoà việt độc lập tự hạnh phúc ủy uỷ điều khoản công "
    "tác kế hoạch báo cáo phát triển nhà nước".split())
# Latin-1 symbols the font encodings use as letters: inside a word they mean a wrong reading.
_SYMBOLS = frozenset("¡¢£¤¥¦§¨©ª«¬\u00ad®¯°±²³´µ¶·¸¹º»¼½¾¿×÷")


def is_syllable(word: str) -> bool:
    """A well-formed Vietnamese syllable: consonant, vowels, consonant, one tone at most."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    if sum(decomposed.count(t) for t in _TONES) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    return _SYLLABLE.fullmatch(bare) is not None


def vietnamese_score(text: str, sample: int = 200_000) -> int:
    """Words with Vietnamese letters that are valid syllables, less those that are not
    and less the symbols and stray combining marks stuck to letters (in a sample)."""
    text = text[:sample]
    score = 0
    for token in _TOKEN.findall(text):
        if token.isascii() or token.replace("Đ", "D").isupper():   # acronyms: UBND, HĐND
            continue
        if is_syllable(token):
            score += 2 if token.lower() in _COMMON else 1
        else:
            score -= 1
    for i, ch in enumerate(text):
        if (ch in _SYMBOLS and _next_to_letter(text, i)) or unicodedata.combining(ch):
            score -= 1
    return score


def _next_to_letter(text: str, i: int) -> bool:
    return (i > 0 and text[i - 1].isalpha()) or (i + 1 < len(text) and text[i + 1].isalpha())
