"""The numbering grammar of Vietnamese documents, shared by the citation extractor,
the header extractor and the linker (which parses what users type: "NĐ 61/2018").

Symbols come in three families:
- state administrative   205/KH-UBND, 1783/UBND-TH5 (a letter: no type code), 797/UBND
- legal normative        61/2018/NĐ-CP, 30/2018/QĐ-UBND, 02/2017/TT-VPCP, 80/2015/QH13
- Party                  05-NQ/TU, 152-KH/TU, 36-HD/VPTW, 28-KL/TW
and arrive damaged: "92/20 17/NĐ-CP", "44 /2005/QĐ-UBND", "152 -KH/TU", "số31-QĐ/TW",
"123/QĐUBND" (hyphen lost). A reference is a type word ("Nghị định", "QĐ"), an
optional "số", a symbol or a bare number, then optionally its date, its issuer
("của ...") and its subject ("về ...").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from extractors.doctypes import is_known_code, issuer_for_code, type_for_code, type_name, type_word_pattern
from vanban.text import fold

# ------------------------------------------------------------------ symbols

_CODE_TOKEN = r"[A-ZĐÑ][A-Za-zĐđÑ&]{0,11}\d{0,2}"     # Ñ: OCR's N or Đ, repaired below
SYMBOL_RE = re.compile(
    rf"""(?<![\d/.,–-])
    (?P<num>\d{{1,5}})
    (?:[ ]{{0,2}}/[ ]{{0,2}}(?P<year>(?:19|20)[ ]?\d[ ]?\d)(?![\d]))?
    [ ]{{0,2}}(?P<sep>[/–-])[ ]{{0,2}}
    (?P<code>{_CODE_TOKEN}(?:(?:[-–/]|[ ]?[-–][ ]?(?=[A-ZĐ][A-Za-zĐđ&])){_CODE_TOKEN}){{0,5}})
    (?![\w])""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Symbol:
    """A parsed document symbol."""
    number: str                 # as printed, spaces removed: "61/2018/NĐ-CP"
    num: str                    # "61"
    year: int | None            # 2018
    type_code: str | None       # "NĐ"
    issuer_codes: tuple[str, ...]   # ("CP",)
    party: bool                 # "05-NQ/TU" style

    @property
    def doc_type(self) -> str | None:
        if self.type_code:
            return type_for_code(self.type_code)
        if self.issuer_codes and self.issuer_codes[0].upper() == "QH" or (
                self.issuer_codes and re.fullmatch(r"QH\d*", self.issuer_codes[0])):
            return "Luật"
        return "Công văn" if self.issuer_codes else None


def _split_glued(token: str) -> list[str]:
    """'QĐUBND' -> ['QĐ', 'UBND'] when the parts are known codes."""
    if is_known_code(token):
        return [token]
    for cut in range(1, len(token)):
        head, tail = token[:cut], token[cut:]
        if type_for_code(head) and is_known_code(tail):
            return [head, tail]
    return [token]


# What OCR reads for a letter of a code: "Ñ" for N or Đ, "0" for O, "1" or "l" for I.
_LOOKALIKES = {"Ñ": ("N", "Đ"), "0": ("O",), "1": ("I",), "l": ("I",)}


def _is_code(token: str) -> bool:
    return bool(type_for_code(token)) or is_known_code(token)


def _repair_code(token: str) -> str:
    """An unknown code read back into the closed set of codes by undoing one OCR slip:
    a look-alike letter ("ÑQ" -> "NQ") or a doubled "Đ" ("QĐĐ" -> "QĐ"; other letters
    repeat in real codes: "TTT", "TTTT"). Unchanged when no repair gives a known code."""
    if _is_code(token):
        return token
    for k, c in enumerate(token):
        if k and c == token[k - 1] == "Đ" and _is_code(token[:k] + token[k + 1:]):
            return token[:k] + token[k + 1:]
        for alternative in _LOOKALIKES.get(c, ()):
            if _is_code(candidate := token[:k] + alternative + token[k + 1:]):
                return candidate
    return token


def parse_symbol(match: re.Match[str], lenient: bool = False) -> Symbol | None:
    """A Symbol from a SYMBOL_RE match, or None when its code is not a document code.

    `lenient` is for places where the context already says a number follows ("Số:",
    "Công văn số"): there a body's own registration code ("1899/SGDĐT-CTrTT",
    "283/STTTT-VT") is accepted even when no table knows it."""
    code = re.sub(r"[^-–/\s]+", lambda m: _repair_code(m.group()), match.group("code"))
    code = re.sub(r"\s+", "", code)
    year_text = match.group("year")
    party = match.group("sep") in "-–" and "/" in code and not year_text
    tokens = [t for part in re.split(r"[-–/]", code) for t in _split_glued(part)]
    type_code = tokens[0] if tokens and type_for_code(tokens[0]) else None
    issuers = tuple(tokens[1:] if type_code else tokens)
    known = type_code is not None or any(issuer_for_code(t) for t in issuers)
    if not known and not (lenient and _looks_like_code(tokens)):
        return None
    if not party and len(tokens) == 1 and type_code and not year_text:
        return None  # "5/QĐ" alone is too weak to be a symbol
    year = int(year_text.replace(" ", "")) if year_text else None
    number = re.sub(r"\s+", "", match.string[match.start():match.start("code")] + code).replace("–", "-")
    return Symbol(number, match.group("num"), year, type_code, issuers, party)


def _looks_like_code(tokens: list[str]) -> bool:
    """Registration codes are abbreviations: mostly capitals ("SGDĐT", "CTrTT", "VP")."""
    if not tokens:
        return False
    for token in tokens:
        letters = [c for c in token if c.isalpha()]
        if len(letters) < 2 or sum(c.isupper() for c in letters) < len(letters) / 2 + 0.5:
            return False
    return True


# ------------------------------------------------------------------ references

@cache
def _type_word_re() -> re.Pattern[str]:
    # On folded text: "Nghị định", "NGHỊ ĐỊNH", "nghi dinh" all read the same.
    abbreviations = r"nd|qd|nq|kh|ctr|tt|ttlt|ct|cv|tb|hd|bc|ttr|kl"
    return re.compile(
        rf"(?<![a-z0-9])(?P<type>{type_word_pattern()}|(?:{abbreviations})(?=\s*(?:so\s*)?\d))"
        r"(?P<so>\s*(?:s[oổố]\s*:?\s*)?)",
    )


_ABBREVIATED_TYPES = {"nd": "Nghị định", "qd": "Quyết định", "nq": "Nghị quyết", "kh": "Kế hoạch",
                      "ctr": "Chương trình", "tt": "Thông tư", "ttlt": "Thông tư liên tịch",
                      "ct": "Chỉ thị", "cv": "Công văn", "tb": "Thông báo", "hd": "Hướng dẫn",
                      "bc": "Báo cáo", "ttr": "Tờ trình", "kl": "Kết luận"}
_BARE_NUMBER = re.compile(r"(?P<num>\d{1,5})(?![\d/.,\w])")


@dataclass
class Reference:
    """A reference found in text, before any context (relation, scope) is applied."""
    start: int
    end: int
    doc_type: str | None
    number: str | None
    symbol: Symbol | None = None
    type_start: int | None = None        # where the type word starts, when printed
    listed: bool = False                 # continues a list: "... và 108/2020/NĐ-CP"
    extras: dict[str, object] = field(default_factory=dict)


def find_references(text: str) -> list[Reference]:
    """Every numbered reference in `text`, in order (type word + symbol, a bare
    symbol with a type code, a type word + "số" + bare number, and list continuations
    "Nghị định số 107/2020/NĐ-CP và 108/2020/NĐ-CP")."""
    folded = fold(text)
    refs: list[Reference] = []
    taken: list[tuple[int, int]] = []

    for m in _type_word_re().finditer(folded):
        after = m.end()
        sym = SYMBOL_RE.match(text, after)
        word = folded[m.start("type"):m.end("type")]
        doc_type = type_name(text[m.start("type"):m.end("type")]) or _ABBREVIATED_TYPES.get(word)
        # After a type word a number is expected: a body's own registration code is
        # accepted there ("Công văn số 283/STTTT-VT").
        if sym and (parsed := parse_symbol(sym) or parse_symbol(sym, lenient=True)):
            refs.append(Reference(m.start(), sym.end(), doc_type or parsed.doc_type,
                                  parsed.number, parsed, m.start()))
            taken.append((m.start(), sym.end()))
        elif m.group("so").strip() and (bare := _BARE_NUMBER.match(text, after)):
            refs.append(Reference(m.start(), bare.end(), doc_type, bare.group("num"), None, m.start()))
            taken.append((m.start(), bare.end()))

    for sym in SYMBOL_RE.finditer(text):
        if any(s <= sym.start() < e for s, e in taken):
            continue
        parsed = parse_symbol(sym)
        if parsed is None or parsed.doc_type is None:
            continue
        refs.append(Reference(sym.start(), sym.end(), parsed.doc_type, parsed.number, parsed))

    refs.extend(_named_laws(text, taken + [(r.start, r.end) for r in refs]))
    refs.sort(key=lambda r: r.start)
    _mark_list_continuations(text, refs)
    return refs


# A law cited by its name and date, without a number: "Luật Tổ chức chính quyền địa
# phương ngày 19 tháng 6 năm 2015", "Bộ luật Lao động ngày 20/11/2019". The name runs
# to "ngày"; an amending law names the law it amends ("Luật sửa đổi, bổ sung một số
# điều của Luật A và Luật B ngày ..."): the date is the amending law's, one citation.
_NAMED_LAW = re.compile(r"(?<![\w])(?P<type>Bộ luật|Luật|Pháp lệnh|BỘ LUẬT|LUẬT|PHÁP LỆNH)(?=\s+\S)")
_NAME_STOP = re.compile(r";|\.\s|\n\s*\n|\bsố\s*:?\s*\d|\bngày\b|\bnăm\s+\d{4}\b", re.IGNORECASE)


_NOT_A_NAME = {"này", "nêu", "trên", "đó", "hiện", "các", "về", "và", "của", "được", "đã",
               "là", "có", "thì", "mà", "khi", "để", "như"}


def _named_laws(text: str, taken: list[tuple[int, int]]) -> list[Reference]:
    from extractors.dates import find_dates

    out: list[Reference] = []
    covered_until = -1
    for m in _NAMED_LAW.finditer(text):
        if m.start() < covered_until or any(s <= m.start() < e for s, e in taken):
            continue
        window = text[m.end():m.end() + 220]
        stop = _NAME_STOP.search(window)
        if stop is None or not stop.group(0).lower().startswith("ngày"):
            continue
        name = window[:stop.start()].strip(" ,")
        words = name.split()
        if not 1 <= len(words) <= 25 or words[0].lower() in _NOT_A_NAME:
            continue    # "Luật này ngày ...", "Luật nêu trên": not a name
        at = m.end() + stop.start()
        dates = [d for d in find_dates(text[at:at + 40]) if d.start <= 6]
        if not dates:
            continue
        end = at + dates[0].end
        if any(m.start() < s < end for s, _ in taken):
            continue     # a numbered law ("Luật ... số 77/2015/QH13 ngày ...") is read by its symbol
        doc_type = type_name(m.group("type"))
        ref = Reference(m.start(), end, doc_type, None, None, m.start())
        ref.extras["date"] = dates[0].iso
        ref.extras["name"] = " ".join(words)
        out.append(ref)
        covered_until = end
    return out


_LIST_GLUE = re.compile(r"^\s*(?:,|;|và|va|hoặc|hoac)?\s*(?:các\s+)?$", re.I)


def _mark_list_continuations(text: str, refs: list[Reference]) -> None:
    """A symbol without its own type word right after another reference, joined by
    "và"/","/";", is the same type: "Nghị định số 107/2020/NĐ-CP và 108/2020/NĐ-CP"."""
    for prev, ref in zip(refs, refs[1:]):
        if ref.type_start is None and _LIST_GLUE.match(text[prev.end:ref.start]):
            ref.listed = True
            if prev.doc_type and ref.symbol and ref.symbol.type_code == (
                    prev.symbol.type_code if prev.symbol else None):
                ref.doc_type = prev.doc_type


def parse_reference_query(query: str) -> Reference | None:
    """What a user typed ("NĐ 61/2018", "nghi dinh 61/2018/nd-cp", "Quyết định 4788")
    as a reference; partial symbols are allowed here."""
    refs = find_references(query)
    if refs:
        return refs[0]
    folded = fold(query)
    m = _type_word_re().search(folded)
    num = re.search(r"(\d{1,5})(?:\s*/\s*((?:19|20)\d\d))?", query)
    if not m or not num:
        return None
    word = folded[m.start("type"):m.end("type")]
    doc_type = type_name(query[m.start("type"):m.end("type")]) or _ABBREVIATED_TYPES.get(word)
    ref = Reference(m.start(), num.end(), doc_type, None)
    ref.extras["num"] = num.group(1)
    ref.extras["year"] = int(num.group(2)) if num.group(2) else None
    return ref
