"""Header fields of one document: type, own number, issuer, place and date, title,
signer and recipients — each with the span it was read from.

Real files are missing parts of the header (no number line, no place-date line, no
agency block), so each field has an ordered list of sources and takes the first
that speaks; traps are handled where they are read (an incoming-mail stamp
"ĐẾN Số: 3251 Ngày: 05/4/17" is neither the number nor the date)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from extractors import agencies
from extractors.dates import find_dates, parse_date
from extractors.doctypes import doc_types, sole_issuer, type_name, type_word_pattern
from extractors.lines import Line, is_upper
from extractors.refs import SYMBOL_RE, Symbol, parse_symbol
from vanban.datafiles import read_csv
from vanban.models import Signer, Span
from vanban.text import fold, squash_spaces

# ------------------------------------------------------------------ patterns (on folded text)

_NUMBER_LINE = re.compile(
    r"^\W*(?P<type>(?:luat|phap lenh|lenh|nghi quyet|quyet dinh|chi thi|nghi dinh|thong tu|ke hoach|"
    r"bao cao|to trinh|cong van|thong bao|huong dan|chuong trinh)\s+)?so\s*(?:ky hieu\s*)?(?P<colon>[:.]?)\s*")


def _number_line(folded: str) -> re.Match[str] | None:
    """A number line ("Số: 12/KH-UBND", "Số 12/...", "Số:" alone before a wrapped
    symbol), not a line that opens with "Sở" ("SỞ Y TẾ", "Sở Tài chính đề nghị")."""
    m = _NUMBER_LINE.match(folded)
    if m is None:
        return None
    rest = folded[m.end():]
    if m.group("colon") or rest[:1].isdigit() or rest.startswith("ky hieu"):
        return m
    return None


_STAMP = re.compile(r"(?<![a-z])(?:den|cong van den)(?![a-z])")
_MOTTO = re.compile(r"cong hoa xa hoi|doc lap\s*-\s*tu do|dang cong san viet nam")
_SEPARATOR = re.compile(r"^[\W_]*$")
_PLACE_DATE = re.compile(
    r"(?P<place>[^\d,;:()]{2,40}?)\s*,\s*ngay\s*(?P<day>[\d.…_ ]*?)\s*thang\s*(?P<month>[\d.…_ ]*?)"
    r"\s*nam\s*(?P<year>\d{4})")
_PLACE_PREFIX = re.compile(r"^(?:tp\.?|thanh pho|tx\.?|thi xa|q\.|quan|h\.|huyen|tt\.?|thi tran)\s+", re.I)
_BODY_START = re.compile(
    r"^\W*(?:can cu|thuc hien|trien khai|nham|xet de nghi|theo de nghi|kinh gui|"
    r"(?:[ivxlc]+|\d+)\s*[.\-/)]\s|dieu\s+\d)")
_SECTION_START = re.compile(r"^\W*(?:(?:[ivxlc]+|\d+)\s*[.\-/)]\s|dieu\s+\d)")
_APPENDIX_REF = re.compile(r"\(?\s*(?:ban hanh\s+)?kem theo\s+")
_V_V = re.compile(r"^\W*v/v\s*[:.]?\s*", re.I)
_SIGN_MARKER = re.compile(r"^\W*(?P<marker>t/m|tm|kt|tl|tuq|q|thua lenh|thua uy quyen)\s*[./:]?\s*(?=\S|$)")
_RECIPIENTS = re.compile(r"^\W*noi nhan\s*(?:\([^)]*\))?\s*:?")
_AGENCY_HEAD = re.compile(
    r"^(?:uy ban|ubnd|hoi dong|hdnd|so |ban |bo |van phong|thanh tra|tinh uy|thanh uy|huyen uy|"
    r"quan uy|thi uy|dang uy|dang bo|chinh phu|thu tuong|quoc hoi|cong an|toa an|vien kiem sat|"
    r"mat tran|chi cuc|cuc |tong cuc|trung tam|phong |chanh |chu tich|bo truong|giam doc|"
    r"truong ban|hoi |lien doan|doan |kiem toan|ngan hang|bao hiem|dai |truong )")
_SCOPE_ONLY = re.compile(r"^(?:tinh|thanh pho|tp\.?|huyen|quan|thi xa|xa|phuong|thi tran)\s+\S")
_ISSUING_VERB = re.compile(
    r"(?:^|[,.;:]\s*|\bthi\s+|\bnay\s+)(?P<agency>(?:uy ban|ubnd|hoi dong|hdnd|ban |so |tinh uy|thanh uy|"
    r"huyen uy|dang uy|thanh tra|van phong|bo |chinh phu|thu tuong)[^,.;:]{0,80}?)\s+"
    r"(?:da\s+|thong nhat\s+|tiep tuc\s+)?(?:ban hanh|xay dung|trien khai)\s+(?:ke hoach|chuong trinh|"
    r"quyet dinh|chi thi|nghi quyet|huong dan|de an|quy che|quy dinh|thong bao|bao cao)")
_PERSON = re.compile(r"^(?:[A-ZĐÀ-Ỹ][a-zđà-ỹ]+|[A-ZĐÀ-Ỹ]{2,})(?:\s+(?:[A-ZĐÀ-Ỹ][a-zđà-ỹ]+|[A-ZĐÀ-Ỹ]{1,})){1,4}$")


@cache
def _type_heading_re() -> re.Pattern[str]:
    return re.compile(rf"^\W*(?P<type>{type_word_pattern()})(?![a-z])")


@cache
def _positions() -> list[tuple[str, str]]:
    """(folded, canonical) positions, longest first."""
    names = [r["position"] for r in read_csv("positions.csv")]
    return sorted(((fold(n), n) for n in names), key=lambda p: len(p[0]), reverse=True)


def canonical_position(text: str) -> str:
    folded = " ".join(fold(text).split())
    for key, name in _positions():
        if folded == key:
            return name
    for key, name in _positions():   # "PHÓ CHỦ TỊCH THƯỜNG TRỰC": known head + rest
        if folded.startswith(key + " "):
            return name + text.strip()[len(key):].lower()
    return text.strip()[:1].upper() + text.strip()[1:].lower()


def _is_position(text: str) -> bool:
    folded = " ".join(fold(text).split())
    return any(folded == key or folded.startswith(key + " ") for key, _ in _positions())


# ------------------------------------------------------------------ result

@dataclass
class Header:
    doc_type: str | None = None
    number: str | None = None
    symbol: Symbol | None = None
    issuer: str | None = None
    place: str | None = None
    issued_date: str | None = None
    title: str | None = None
    signer: Signer | None = None
    recipients: list[str] = field(default_factory=list)
    province: str | None = None
    locality: str | None = None         # "thành phố Tây Ninh" for a city-level issuer
    heading_line: int | None = None      # index in the lines of the type heading
    spans: dict[str, Span] = field(default_factory=dict)


def _span(line: Line, start: int = 0, end: int | None = None) -> Span:
    end = len(line.text) if end is None else end
    return Span(line.start + start, line.start + end)


# ------------------------------------------------------------------ fields

def _inline_heading(line: Line) -> tuple[str, str] | None:
    """A heading run into the header line ("Số: 98/KH-UBND Bắc Giang, ngày 06 tháng 6
    năm 2023 KẾ HOẠCH HOẠT ĐỘNG ..."), as text copied from a web page arrives: the
    type word in capitals right after the place-date."""
    date = _PLACE_DATE.search(line.folded)
    if date is None:
        return None
    after = line.text[date.end():]
    lead = len(after) - len(after.lstrip(" *_"))
    m = _type_heading_re().match(fold(after[lead:]))
    if not m or not is_upper(after[lead:lead + m.end()]):
        return None
    rest = after[lead + m.end():].strip(" *:")
    if rest[:1].islower():
        return None
    return type_name(after[lead + m.start("type"):lead + m.end("type")]) or "", rest


@cache
def _glued_heading_re() -> re.Pattern[str]:
    """A type heading in capitals glued to a title that starts with a capital word,
    maybe through one stray character (OCR reads a rule or markup as "G", "|")."""
    names = sorted({t.name.upper() for t in doc_types()}, key=len, reverse=True)
    return re.compile(r"^\W*(?P<type>" + "|".join(map(re.escape, names)) +
                      r")(?:[^\w\s]|[A-ZĐ](?=[A-ZĐÀ-Ỹ][a-zđà-ỹ]))?(?=[A-ZĐÀ-Ỹ][a-zđà-ỹ])")


_NOT_A_TITLE = re.compile(r"(?:nay|so|cua|da|duoc|se)\b")


def _opens_lower_title(rest: str) -> bool:
    """A title set in lower case under its heading, not a sentence about a document
    ("KẾ HOẠCH này ...", "QUYẾT ĐỊNH số ...")."""
    rest = rest.strip(" *:")
    return len(rest.split()) >= 3 and rest[:1].islower() and not _NOT_A_TITLE.match(fold(rest))


def find_type_heading(lines: list[Line], limit: int = 60) -> tuple[int, str, str] | None:
    """(line index, type, rest of the line) of the first type heading ("KẾ HOẠCH")."""
    for i, line in enumerate(lines[:limit]):
        inline = _inline_heading(line)
        if inline and inline[0]:
            return i, inline[0], inline[1]
        text = line.text.strip()
        glued = _glued_heading_re().match(text)
        if glued:      # "KẾ HOẠCHCải cách ..." (the markup that separated them was dropped)
            return i, type_name(glued.group("type")) or "", text[glued.end():].strip(" *:")
        m = _type_heading_re().match(line.folded)
        if m and is_upper(line.text[:m.end()]) and _opens_lower_title(line.text[m.end():]):
            # "CHƯƠNG TRÌNH HÀNH ĐỘNG tiếp tục thực hiện ...": a heading and the title
            # under it read as one paragraph (OCR, or a page that lost its line breaks)
            return i, type_name(line.text[m.start("type"):m.end("type")]) or "", \
                line.text[m.end():].strip(" *:")
        if not is_upper(text.split("**")[0]) and not text.isupper():
            continue
        if not m:
            continue
        rest = line.text[m.end():].strip(" *:")
        if line.folded.rstrip().endswith(":") and not rest:   # "QUYẾT ĐỊNH:" enacting formula
            continue
        # The heading stands alone ("KẾ HOẠCH"); a title may follow on the same line only
        # when it reads as one ("QUYẾT ĐỊNH Về việc ...", "KẾ HOẠCH Cải cách ...").
        # "VĂN BẢN QUY PHẠM PHÁP LUẬT" is a gazette section label, not a heading.
        kind = type_name(line.text[m.start("type"):m.end("type")]) or ""
        if rest and is_upper(rest) and not _V_V.match(fold(rest)) and not fold(rest).startswith("ve ") \
                and sole_issuer(kind) is None:     # an assembly's text: "LUẬT BẢO HIỂM XÃ HỘI"
            continue
        return i, kind, rest
    return None


def find_own_number(lines: list[Line], limit: int = 60) -> tuple[Symbol, Line] | None:
    for i, line in enumerate(lines[:limit]):
        m = _number_line(line.folded)
        if not m:
            continue
        context = " ".join(l.folded for l in lines[max(0, i - 1):i + 1])
        if _STAMP.search(context) and not SYMBOL_RE.search(line.text):
            continue
        where, sym = line, SYMBOL_RE.search(line.text, m.end())
        if sym is None and not line.text[m.end():].strip() and i + 1 < len(lines):
            # "Số:" alone, the symbol wrapped to the next line (text copied from a page)
            where, sym = lines[i + 1], SYMBOL_RE.search(lines[i + 1].text)
            if sym and lines[i + 1].text[:sym.start()].strip():
                sym = None
            at = 0
        else:
            at = m.end()
        if sym and sym.start() - at <= 3 and (
                parsed := parse_symbol(sym) or (None if m.group("type") else parse_symbol(sym, lenient=True))):
            if _STAMP.search(line.folded[:m.start() + 1]):
                continue
            # "Luật số: 58/2014/QH13" is a number line; "Thông tư số 34/2016/TT-BLĐTBXH
            # ngày ... của Bộ trưởng ..." opening a sentence is a citation.
            if m.group("type") and not m.group("colon") and len(line.text[sym.end():].strip()) > 3:
                continue
            return parsed, where
    return None


def find_consolidation_number(lines: list[Line]) -> tuple[Symbol, Line] | None:
    """The number of a consolidated text ("XÁC THỰC VĂN BẢN HỢP NHẤT / Số: 463/VBHN-..."),
    printed in the certification block at the end rather than at the top."""
    for line in lines:
        m = _number_line(line.folded)
        sym = SYMBOL_RE.search(line.text, m.end()) if m else None
        parsed = parse_symbol(sym) if sym else None
        if parsed and parsed.type_code and parsed.type_code.upper() == "VBHN":
            return parsed, line
    return None


_PASSED = re.compile(r"\b(?:hien phap|bo luat|luat|phap lenh|nghi quyet) nay (?:da )?duoc\b.{0,240}?"
                     r"\bthong qua(?: vao)? ngay\s*")


def find_passing_date(lines: list[Line], start: int, end: int) -> tuple[str, Span] | None:
    """When an assembly passed a law or resolution whose header has no date line: "Luật
    này được Quốc hội ... khóa XV, kỳ họp thứ 7 thông qua ngày 29 tháng 6 năm 2024."."""
    for line in reversed(lines[start:end]):
        m = _PASSED.search(line.folded)
        if m is None:
            continue
        dates = find_dates(line.text[m.end() - 5:m.end() + 40])
        if dates and dates[0].start <= 6:
            return dates[0].iso, _span(line, m.start(), m.end() - 5 + dates[0].end)
    return None


def find_place_date(lines: list[Line], limit: int = 60) -> tuple[str | None, str | None, Line] | None:
    for line in lines[:limit]:
        m = _PLACE_DATE.search(line.folded)
        # an incoming-mail stamp ("ĐẾN Số: ... Ngày: ...") stands before the date it
        # carries; "đến" later in a long line is the text's own word
        if not m or _STAMP.search(line.folded[:m.end()]):
            continue
        sym = SYMBOL_RE.search(line.text)
        if sym and sym.end() <= m.end("place"):
            # "Số: 98/KH-UBND Bắc Giang, ngày ...": number and date on one line
            m = _PLACE_DATE.search(line.folded, sym.end())
            if not m:
                continue
        raw_place = line.text[m.start("place"):m.end("place")].strip(" _*-–")
        prefix = _PLACE_PREFIX.match(fold(raw_place))
        place = raw_place[prefix.end() if prefix else 0:].strip() or None
        if place and (len(place.split()) > 6 or fold(place).startswith(("kem theo", "ban hanh"))):
            continue
        day, month = m.group("day").strip(), m.group("month").strip()
        date = None
        if day.isdigit() and month.isdigit():
            date = parse_date(f"{day}/{month}/{m.group('year')}")
        return place, date, line
    return None


def find_title(lines: list[Line], heading: int, rest: str,
               keep_case: bool = False) -> tuple[str, Span] | None:
    """The subject line(s) after the type heading, as one line (in sentence case
    unless `keep_case`)."""
    parts: list[str] = [rest] if rest else []
    first: Line | None = lines[heading] if rest else None
    span_end = lines[heading].end
    for line in lines[heading + 1: heading + 6]:
        text = line.text.strip(" *")
        folded = line.folded.strip(" *")
        upper = is_upper(text)
        # A title in capitals may open like a sentence ("TRIỂN KHAI THỰC HIỆN ..."); a
        # numbered section ("I. MỤC TIÊU") or an article still ends it.
        body = _BODY_START.match(folded) and (not upper or _SECTION_START.match(folded))
        if (not text or line.in_table or body or _APPENDIX_REF.match(folded)
                or _SEPARATOR.match(text) or _number_line(folded) or _PLACE_DATE.search(folded)):
            break
        if parts and not upper and is_upper(parts[-1]) and len(parts) + bool(not rest) > 1:
            caps = _caps_prefix(text)
            if caps and first is lines[heading]:
                parts.append(caps)      # a flattened heading: its capitals run into the body
                span_end = line.start + len(caps)
            break       # the body after a title in capitals
        if parts and is_upper(text) and not is_upper(parts[-1]):
            break       # an authority line ("CHÁNH THANH TRA TỈNH ...") after a mixed-case title
        if parts and is_upper(text) and _AGENCY_HEAD.match(folded) and is_upper(parts[-1]):
            break
        if parts and not is_upper(text) and not is_upper(parts[-1]):
            break       # a title is one paragraph; the next one is the body
        parts.append(_V_V.sub("", text))
        first = first or line
        span_end = line.end
        if not is_upper(text):
            break
    if not parts or first is None:
        return None
    title = squash_spaces(" ".join(parts)).strip(" .:*")
    return (title if keep_case else sentence_case(title)), Span(first.start, span_end)


def _caps_prefix(text: str) -> str:
    """The words in capitals a line opens with ("CỦA SỞ TƯ PHÁP CHỦ TỊCH ỦY BAN NHÂN DÂN
    TỈNH Căn cứ ..." -> up to "TỈNH"), when there are at least two."""
    words = []
    for w in text.split():
        if any(c.islower() for c in w):
            break
        words.append(w)
    return " ".join(words) if len(words) >= 2 else ""


# The subject of a letter, printed under its number: "V/v ...", "Về việc ...".
_SUBJECT = re.compile(r"^[\W_]*(?:v/v|ve viec)\b\s*[:.]?\s*")


def find_subject(lines: list[Line], limit: int = 14) -> tuple[str, Span] | None:
    """The "V/v ..." subject of a letter (công văn): on the number line after the
    symbol, or on a line of its own near it."""
    for i, line in enumerate(lines[:limit]):
        folded = line.folded
        m = _number_line(folded)
        if m:
            sym = SYMBOL_RE.search(line.text, m.end())
            if sym:
                rest = line.text[sym.end():]
                lead = _SUBJECT.match(fold(rest))
                if lead and rest[lead.end():].strip():
                    text = squash_spaces(rest[lead.end():]).strip(" .:*_\"'")
                    return sentence_case(text), Span(line.start + sym.end(), line.end)
            continue
        lead = _SUBJECT.match(folded)
        if lead and line.text[lead.end():].strip() and not _PLACE_DATE.search(folded):
            text = squash_spaces(line.text[lead.end():]).strip(" .:*_\"'")
            return sentence_case(text), _span(line, lead.end())
    return None


# The authority a flattened heading runs into: "... TỈNH LÀO CAI HỘI ĐỒNG NHÂN DÂN
# TỈNH LÀO CAI KHÓA XVI - KỲ HỌP THỨ 15", "... SỞ TƯ PHÁP CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH".
_TRAILING_AUTHORITY = re.compile(
    r"(?<!\bCỦA)(?<!\bVÀ)(?<!\bVỚI)(?<!\bCHO)\s+(?P<authority>(?:CHỦ TỊCH\s+)?(?:ỦY|UỶ)\s+BAN\s+NHÂN\s+DÂN|"
    r"HỘI\s+ĐỒNG\s+NHÂN\s+DÂN|BAN\s+THƯỜNG\s+VỤ|BAN\s+CHẤP\s+HÀNH|CHÁNH\s+THANH\s+TRA|GIÁM\s+ĐỐC\s+SỞ)"
    r"(?:\s+(?:TỈNH|THÀNH\s+PHỐ|HUYỆN|QUẬN|THỊ\s+XÃ)(?:\s+[A-ZĐÀ-Ỹ]+){0,3})?"
    r"(?:\s+KH[OÓ]A\b.*)?$")


def split_flattened_title(title: str) -> tuple[str, str | None]:
    """A heading that arrived run into the text around it: keep its capitals, cut the
    preamble that follows ("... NĂM 2023 - 2024 Căn cứ Luật ...") and the authority
    line it runs into; return (title, authority or None)."""
    words = title.split()
    caps = []
    for w in words:
        if any(c.islower() for c in w):
            break
        caps.append(w)
    title = " ".join(caps) if caps else title
    authority = None
    m = _TRAILING_AUTHORITY.search(title)
    if m and m.start() > 0:
        authority = title[m.start("authority"):].strip()
        authority = re.split(r"\s+KH[OÓ]A\b", authority)[0]
        title = title[:m.start()].strip()
    return title.strip(" -–,;:"), authority


def is_head_authority(text: str) -> bool:
    """"CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH", "CHÁNH THANH TRA TỈNH X": a head who issues
    in his own name, not a body."""
    folded = " ".join(fold(text).split())
    return bool(re.match(r"(?:chu tich|chanh|giam doc|bo truong|cuc truong|tong cuc truong|"
                         r"truong ban|vien truong)\s", folded))


_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
    r"[aeiouyàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]{1,3}"
    r"(?:ng|nh|ch|[cmnpt])?")


def _keeps_capitals(word: str) -> bool:
    """Symbols ("98/NQ-CP") and acronyms ("UBND", "PAR", "(CCHC)") keep their capitals:
    a word that is not one Vietnamese syllable is not an ordinary word."""
    core = word.strip("()[],.;:\"'“”-–")
    return bool(core) and (any(c.isdigit() for c in core)
                           or not all(_SYLLABLE.fullmatch(p) for p in core.lower().split("-")))


def sentence_case(text: str) -> str:
    """ALL-CAPS title -> sentence case keeping acronyms and place names readable."""
    if not is_upper(text):
        return text[:1].upper() + text[1:]
    out = " ".join(w if _keeps_capitals(w) else w.lower() for w in text.split(" "))
    out = agencies.restore_proper_names(out)
    return out[:1].upper() + out[1:]


def _inline_signer(text: str) -> tuple[str | None, str, str] | None:
    """(marker, position, name) of a signature block run into one line, as text copied
    from a web page arrives: "KT. CHỦ TỊCH PHÓ CHỦ TỊCH Nguyễn Văn A [PHỤ LỤC ...]"."""
    tokens = text.split()
    first = next((k for k, t in enumerate(tokens)
                  if t[:1].isupper() and len(t) > 1 and t[1:].isalpha() and t[1:].islower()), None)
    if not first:
        return None
    block = " ".join(tokens[:first])
    if not is_upper(block) or not _split_position(block):
        return None
    names = []
    for t in tokens[first:first + 5]:
        if not (t[:1].isupper() and t[1:].isalpha() and (t[1:].islower() or len(t) == 1)):
            break
        names.append(t)
    name = " ".join(names)
    if len(names) < 2 or not _is_person_name(name):
        return None
    folded = " ".join(fold(block).split())
    marks = [m.group(1) for m in re.finditer(r"(?:^|\s)(t/m|tm|kt|tl|tuq|q)\s*[./]", folded)]
    marker = None
    if marks:
        marker = marks[-1].upper().replace("T/M", "TM") + "."
    return marker, _split_position(block) or "", name


def find_signer(lines: list[Line], start: int, end: int) -> tuple[Signer, Span] | None:
    """The signature block in lines[start:end]: [marker] position [name]."""
    for i in range(start, end):
        line = lines[i]
        text = line.text.strip(" *")
        folded = " ".join(fold(text).split())
        inline = _inline_signer(text) if len(text) > 12 else None
        if inline:
            marker, position, name = inline
            return Signer(name=name, position=canonical_position(position), marker=marker), _span(line)
        marker = None
        m = _SIGN_MARKER.match(folded)
        body = text
        if m and is_upper(text):
            marker = text[: m.end("marker")].upper().replace("T/M", "TM").rstrip(".") + "."
            body = text[m.end():].strip(" ./")
        candidates = []
        if body and is_upper(body):
            candidates.append((i, body))
        if marker:
            for j in range(i + 1, min(i + 3, end)):
                nxt = lines[j].text.strip(" *")
                if is_upper(nxt):
                    candidates.append((j, nxt))
        position_line = None
        for j, cand in candidates:
            pos = _split_position(cand)
            if pos:
                position_line = (j, pos)
        if position_line is None:
            continue
        j, position = position_line
        if marker is None and not _looks_like_signature_end(lines, j, end):
            continue
        name = None
        for k in range(j + 1, min(j + 4, end)):
            cand = _signed_name(lines[k].text.strip(" *"))
            if _is_person_name(cand):
                name = _person_case(cand)
                break
            if cand and not _SEPARATOR.match(cand) and not re.search(r"đã ký|\(ký|ký tên|\[", cand, re.I):
                if not is_upper(cand):
                    break
        last = lines[k] if name else lines[j]
        return Signer(name=name, position=canonical_position(position), marker=marker), \
            Span(line.start, last.end)
    return None


def _split_position(text: str) -> str | None:
    """The position in a signature line ("PHÓ CHỦ TỊCH", "T/M BAN THƯỜNG VỤ PHÓ BÍ THƯ")."""
    folded = " ".join(fold(text).split())
    for key, _ in _positions():
        if folded == key:
            return text.strip()
        if folded.endswith(" " + key) and len(folded) - len(key) < 40:
            return text.strip()[-len(key):]
    return None


@cache
def _surnames() -> frozenset[str]:
    return frozenset(fold(r["surname"]) for r in read_csv("surnames.csv"))


# A rank or degree printed before a signer's name: "Đại tướng", "Thiếu tá", "PGS.TS.".
_HONORIFIC = re.compile(r"(?:(?:dai|thuong|trung|thieu)\s+(?:tuong|ta|uy)(?!\w)"
                        r"|(?:gs|pgs|ts|ths|bs|ds|ks|ls|nsnd|nsut)(?:\.\s*|\s+)(?:(?:ts|ths|bs|ckii?)\.?\s*)*)\s*")


# What stands for the handwritten signature in a copied text: "[daky]", "(Đã ký)".
_SIGNED_MARK = re.compile(r"\s*(?:\[[^\]\n]{0,20}\]|\((?:da )?ky[^)\n]{0,20}\)|da ky\b)\s*")


def _signed_name(text: str) -> str:
    """The name in a line under the position: without a signature placeholder or a rank."""
    mark = _SIGNED_MARK.match(fold(text))
    text = text[mark.end():] if mark and mark.end() < len(text) else text
    m = _HONORIFIC.match(fold(text))
    return text[m.end():] if m and m.end() < len(text) else text


def _is_person_name(text: str) -> bool:
    """"Nguyễn Tường Văn", "PHẠM VĂN HẬU"; not "Đề Cương" or "SỞ NỘI VỤ"."""
    if not _PERSON.match(text) or _AGENCY_HEAD.match(fold(text)) or _is_position(text):
        return False
    return fold(text.split()[0]) in _surnames()


def _looks_like_signature_end(lines: list[Line], j: int, end: int) -> bool:
    """An unmarked position line signs only if a name (or nothing) follows it."""
    for k in range(j + 1, min(j + 3, end)):
        cand = _signed_name(lines[k].text.strip(" *"))
        if _is_person_name(cand):
            return True
        if cand and not _SEPARATOR.match(cand):
            return False
    return j + 1 >= end


def _person_case(name: str) -> str:
    if name.isupper():
        return " ".join(w[:1] + w[1:].lower() for w in name.split())
    return name


def find_recipients(lines: list[Line], start: int, end: int) -> tuple[list[str], Span] | None:
    for i in range(start, end):
        m = _RECIPIENTS.match(lines[i].folded)
        if not m:
            continue
        items: list[str] = []
        rest = lines[i].text[m.end():].strip()
        last = lines[i]
        block_lines = ([rest] if rest else [])
        for line in lines[i + 1: i + 40]:
            text = line.text.strip()
            if not text.startswith(("-", "+", "•", "*")) and block_lines and not items and not rest:
                break
            if not text.startswith(("-", "+", "•")):
                break
            block_lines.append(text)
            last = line
        for text in block_lines:
            for item in re.split(r"(?<=;)\s*-\s*", text):
                item = item.strip(" -+•;,.").strip()
                if item:
                    items.append(item)
        return items, Span(lines[i].start, last.end)
    return None


# ------------------------------------------------------------------ issuer and scope

def header_agency_lines(lines: list[Line], stop: int) -> list[Line]:
    """All-caps agency lines of the header block (motto, separators and number excluded)."""
    out = []
    for line in lines[:stop]:
        text = line.text.strip(" *")
        folded = " ".join(fold(text).split())
        if not text or _SEPARATOR.match(text) or _MOTTO.search(folded):
            continue
        if line.col is not None and line.col > 0 and out:
            continue        # right-hand header cell: motto and place-date
        if out and (_number_line(folded) or _PLACE_DATE.search(folded) or folded.startswith("kinh gui")):
            break           # the agency block is above the number and the date
        if _number_line(folded) or _PLACE_DATE.search(folded) or not is_upper(text):
            continue
        if _AGENCY_HEAD.match(folded) or _SCOPE_ONLY.match(folded):
            out.append(line)
        elif out and _CONTINUED.search(out[-1].text.strip(" *")) and out[-1].end <= line.start:
            out.append(line)    # "SỞ TÀI NGUYÊN &" / "MÔI TRƯỜNG": a name wrapped in its cell
    return out


# A header line that stops mid-name ("SỞ TÀI NGUYÊN &", "SỞ LAO ĐỘNG -", "... VÀ").
_CONTINUED = re.compile(r"(?:&|\bVÀ|,|-|–)$")


def issuer_from_header(agency_lines: list[Line]) -> tuple[str, Span] | None:
    """"ỦY BAN NHÂN DÂN" + "TỈNH QUẢNG NINH" -> one name; "UBND TỈNH X" + "SỞ Y" ->
    "Sở Y tỉnh X" (the lower line issues, the upper one scopes it)."""
    if not agency_lines:
        return None
    names: list[str] = []
    for line in agency_lines:
        text = squash_spaces(line.text.strip(" *"))
        if names and (_SCOPE_ONLY.match(fold(text)) or _CONTINUED.search(names[-1])):
            names[-1] += " " + text
        else:
            names.append(text)
    names = [re.sub(r"\s*&\s*", " VÀ ", n) for n in names]
    issuer = names[-1]
    if len(names) > 1 and fold(issuer).strip() == "van phong":
        # "UBND TỈNH X" / "VĂN PHÒNG": the office of that body
        issuer += " " + agencies.canonical_agency(names[-2])
    elif len(names) > 1 and not _has_place(issuer):
        parent_scope = _scope_words(names[-2])
        if parent_scope:
            issuer += " " + parent_scope
    span = Span(agency_lines[0].start, agency_lines[-1].end)
    return agencies.canonical_agency(issuer), span


def _scope_words(name: str) -> str | None:
    m = re.search(r"\b(TỈNH|THÀNH PHỐ|HUYỆN|QUẬN|THỊ XÃ)\s+(.+)$", name, re.I)
    return f"{m.group(1)} {m.group(2)}" if m else None


def _has_place(name: str) -> bool:
    return bool(re.search(r"\b(?:tỉnh|thành phố|huyện|quận|thị xã|xã|phường)\s+[A-ZĐÀ-Ỹ]",
                          agencies.canonical_agency(name)))


def authority_line(lines: list[Line], after: int) -> tuple[str, Span] | None:
    """The issuing authority printed under a decision's title ("CHÁNH THANH TRA TỈNH X")."""
    for line in lines[after: after + 8]:
        text = line.text.strip(" *:")
        folded = " ".join(fold(text).split())
        if _BODY_START.match(folded):
            return None
        if line.in_table:       # a stamp or a header table, not the authority line
            continue
        if is_upper(text) and _AGENCY_HEAD.match(folded) and not _type_heading_re().match(folded):
            return agencies.canonical_agency(text), _span(line)
    return None


def issuer_from_body(lines: list[Line], after: int) -> tuple[str, Span] | None:
    """"..., Ban Thường vụ Tỉnh ủy ban hành Kế hoạch ..." in the opening paragraphs."""
    for line in lines[after: after + 12]:
        m = _ISSUING_VERB.search(line.folded)
        if m:
            s, e = m.span("agency")
            return agencies.canonical_agency(line.text[s:e].strip()), _span(line, s, e)
    return None


def issuer_from_signature(lines: list[Line], start: int, end: int) -> str | None:
    for line in lines[start:end]:
        text = line.text.strip(" *")
        m = _SIGN_MARKER.match(fold(text))
        if m and m.group("marker") in {"tm", "t/m"} and is_upper(text):
            body = text[m.end():].strip(" ./")
            pos = _split_position(body)
            if pos:
                body = body[: len(body) - len(pos)].strip()
            if body and _AGENCY_HEAD.match(fold(body)):
                return agencies.canonical_agency(body)
    return None
