"""Citations of one document: every other document it refers to, with type, number
as printed, date, issuer (expanded, scoped by the citing document's province or
city), relation and every place it is mentioned.

The reference grammar lives in `refs`; this module adds what only context tells:
- the date, issuer and subject printed after a symbol;
- attributes shared by a list ("Nghị định số 107/2020/NĐ-CP và Nghị định số
  108/2020/NĐ-CP ngày 14/9/2020 của Chính phủ": both dated, both by the Government);
- the relation, from the clause that holds the reference;
- what is not a citation: the document's own number, drafts it asks for ("Dự thảo
  Chỉ thị ..."), references nested in another reference's subject count but only
  as mentions (tham_chieu).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors import agencies
from extractors.dates import find_dates
from extractors.doctypes import issuer_for_code, sole_issuer, type_word_pattern
from extractors.refs import Reference, Symbol, find_references
from vanban.models import Citation, Relation, Span
from vanban.text import fold, squash_spaces

_DATE_LEAD = re.compile(r"\s*[,(]?\s*(?:ban hanh\s+)?(?:ngay|ngày)\s*", re.I)
_ISSUER_LEAD = re.compile(r"\s*[,(]?\s*(?:cua|do)\s+")
_SUBJECT_LEAD = re.compile(r"\s*[,(]?\s*(?:ve viec|ve|v/v|quy dinh|huong dan|ban hanh|sua doi)\s+")
_DRAFT = re.compile(r"(?:du thao|xay dung|soan thao|trinh ban hanh)\s*$")
_SELF_APPENDIX = re.compile(r"(?:ban hanh\s+)?kem theo\s*$")
_AMEND = re.compile(r"(?:^|\.\s|;\s)(?:sua doi|bo sung|bai bo|thay the|dinh chinh)|nay thay the\s*$")
# "Thực hiện", "triển khai" (maybe "kịp thời", "có hiệu quả", "nghiêm túc") right before
# the reference; a bare "theo" ("according to") only mentions it.
_IMPLEMENT = re.compile(
    r"(?:thuc hien|trien khai|cu the hoa|quan triet|hoan thanh muc tieu theo|theo tinh than|"
    r"thi hanh)(?:\s+(?:kip thoi|co hieu qua|hieu qua|nghiem tuc|day du|dong bo|quyet liet|"
    r"tot|ngay|sau rong))*\s*$")
_BY = re.compile(r"\btheo\s*$")
_IMPLEMENTING_ITEM = re.compile(r"(?:thuc hien|trien khai|to chuc trien khai|to chuc thuc hien)\b")
_LOOSE_THEO = re.compile(r"(?:quy dinh tai|quy dinh cua|theo quy dinh|huong dan tai|tai)\s*$")
_NESTING = re.compile(r"\b(?:ve|ve viec|sua doi|bo sung|thuc hien|trien khai|thay the|huong dan)\b")
_LIST_GLUE = re.compile(r"^[\s,;]*(?:va|hoac|cung)?[\s,]*(?:cac\s+)?$")
_RELATION_RANK = {Relation.CAN_CU: 5, Relation.KEM_THEO: 4, Relation.SUA_DOI: 3,
                  Relation.THUC_HIEN: 2, Relation.THAM_CHIEU: 1}


@dataclass
class Scope:
    """Where the citing document sits: used to expand "UBND tỉnh", "Tỉnh ủy"."""
    province: str | None = None
    locality: str | None = None       # "thành phố Tây Ninh" when the issuer is a city/district


@dataclass
class _Mention:
    ref: Reference
    date: str | None = None
    issuer: str | None = None
    subject: str | None = None
    end: int = 0                      # end of the whole mention (symbol + date + issuer + subject)
    relation: Relation = Relation.THAM_CHIEU
    nested: bool = False
    context: dict[str, object] = field(default_factory=dict)


def extract_citations(text: str, start: int, end: int, *, own_numbers: set[str],
                      scope: Scope, page_at=lambda offset: 1) -> list[Citation]:
    """Citations in text[start:end] (offsets are offsets in `text`)."""
    folded = fold(text)
    refs = find_references(text[start:end])
    for ref in refs:
        ref.start += start
        ref.end += start
        if ref.type_start is not None:
            ref.type_start += start
    mentions: list[_Mention] = []
    for i, ref in enumerate(refs):
        if _is_draft(folded, ref) or _norm(ref.number) in own_numbers:
            continue
        following = refs[i + 1].type_start if i + 1 < len(refs) else None
        limit = min(end, following if following is not None else refs[i + 1].start) \
            if i + 1 < len(refs) else end
        mentions.append(_read_tail(text, folded, ref, limit))
    _share_list_attributes(folded, mentions)
    item: _Mention | None = None      # the last reference that is not inside another's subject
    for i, mention in enumerate(mentions):
        mention.nested = i > 0 and _is_nested(folded, mentions[i - 1], mention)
        mention.relation = _relation(folded, mention, start, text)
        if mention.nested:
            continue
        if item is not None and mention.relation is Relation.THAM_CHIEU \
                and _continues_list(folded, mentions[i - 1], mention):
            mention.relation = item.relation
        item = mention
    return _merge(text, mentions, scope, page_at)


def _norm(number: str | None) -> str:
    return re.sub(r"\s+", "", fold(number or ""))


def _is_draft(folded: str, ref: Reference) -> bool:
    at = ref.type_start if ref.type_start is not None else ref.start
    return bool(_DRAFT.search(folded[max(0, at - 25):at]))


def _read_tail(text: str, folded: str, ref: Reference, limit: int) -> _Mention:
    """Date, issuer and subject printed right after a reference."""
    mention = _Mention(ref, end=ref.end, date=ref.extras.get("date"))  # type: ignore[arg-type]
    pos = ref.end
    window_end = min(limit, pos + 400)
    lead = _DATE_LEAD.match(folded, pos, window_end)
    if lead:
        dates = [d for d in find_dates(text[lead.end():window_end]) if d.start <= 3]
        if dates:
            mention.date = dates[0].iso
            pos = lead.end() + dates[0].end
    lead = _ISSUER_LEAD.match(folded, pos, window_end)
    if lead:
        found = _issuer_at(text, lead.end(), window_end)
        if found:
            mention.issuer, pos = found
            # a date printed after the issuer: "... của UBND tỉnh ngày 30/12/2021"
            lead = _DATE_LEAD.match(folded, pos, window_end)
            if lead and mention.date is None:
                dates = [d for d in find_dates(text[lead.end():window_end]) if d.start <= 3]
                if dates:
                    mention.date = dates[0].iso
                    pos = lead.end() + dates[0].end
    lead = _SUBJECT_LEAD.match(folded, pos, window_end)
    if lead:
        stop = re.search(r"[;.]\s|[;]|\.$|\n", text[lead.end():window_end])
        subject_end = lead.end() + (stop.start() if stop else window_end - lead.end())
        mention.subject = squash_spaces(text[lead.end():subject_end]).strip(" ,") or None
        pos = subject_end
    mention.end = pos
    return mention


_WORD_NUMERAL = r"(?:nhat|hai|ba|bon|tu|nam|sau|bay|tam|chin|muoi(?: mot| hai| ba| bon| lam)?)"
# What may stand between "của" and the body that issued: the signing position
# ("Bộ trưởng", "Bộ trưởng, Chủ nhiệm") or the meeting ("Hội nghị lần thứ 6").
_ISSUER_PREFIX = re.compile(
    r"^(?:(?:bo truong|thu truong|chu nhiem|pho chu nhiem|giam doc|chu tich|pho chu tich|"
    r"truong ban|tong cuc truong|cuc truong)\s*,?\s*)*"
    r"(?:(?:hoi nghi|ky hop)\s+(?:lan\s+thu\s+)?(?:[\divxlc]+|" + _WORD_NUMERAL + r")\s+(?:cua\s+)?)?$")
# "Hội nghị Trung ương 8 (khóa XI)": a plenum of the Party Central Committee, which issues.
_PLENUM = re.compile(r"hoi nghi (?:lan thu \S+ )?trung uong(?: dang)? (?:lan thu )?\S+(?: \(?khoa (?P<term>[ivxl]+)\)?)?")
# Heads of an agency that issue in their own name: "Chánh Thanh tra tỉnh".
_KEPT_PREFIX = re.compile(r"^chanh\s+$")


def _issuer_at(text: str, start: int, limit: int) -> tuple[str, int] | None:
    """The issuing body named at `start` (after "của"), and where its name ends."""
    window = text[start:min(limit, start + 160)]
    # An issuer's name ends before its document's subject or the clause end.
    cut = re.search(r"\s(?:về|v/v)\s|[;.\n]", window)
    window = window[:cut.start()] if cut else window
    plenum = _PLENUM.match(fold(window))
    if plenum:
        term = f" khóa {plenum.group('term').upper()}" if plenum.group("term") else ""
        return f"Ban Chấp hành Trung ương Đảng{term}", start + plenum.end()
    for mention in agencies.find_agencies(window):
        prefix = fold(window[:mention.start])
        if _KEPT_PREFIX.match(prefix):
            return window[:mention.end], start + mention.end
        if _ISSUER_PREFIX.match(prefix):
            return window[mention.start:mention.end], start + mention.end
        break
    return None


def _share_list_attributes(folded: str, mentions: list[_Mention]) -> None:
    """In a run of references joined only by "và", "," or ";", a date or issuer
    printed once, after the last, belongs to the earlier ones too; an item that
    states its own date before a ";" is complete and takes nothing from the next."""
    run: list[_Mention] = []
    for mention in mentions + [None]:  # type: ignore[list-item]
        if (mention is not None and run and run[-1].subject is None
                and mention.ref.start >= run[-1].end
                and _LIST_GLUE.match(glue := folded[run[-1].end:mention.ref.start])
                and not (";" in glue and run[-1].date)):   # "...ngày 2/3/2024; ..." is complete
            run.append(mention)
            continue
        if len(run) > 1:
            for i, m in enumerate(run[:-1]):
                later = run[i + 1:]
                if m.issuer is None and not _names_central_body(m.ref.symbol):
                    m.issuer = next((x.issuer for x in later if x.issuer), None)
                if m.date is None and all(x.ref.doc_type == m.ref.doc_type for x in later[:1]):
                    if later[0].date and later[0] is run[-1] and m.ref.doc_type == run[-1].ref.doc_type:
                        m.date = later[0].date
        run = [mention] if mention is not None else []


def _names_central_body(symbol: Symbol | None) -> bool:
    """"15/VBHN-VPQH" says whose it is; "18-NQ/TW" or "205/KH-UBND" leave it open."""
    return symbol is not None and any(
        (code := issuer_for_code(c)) is not None and code.level == "central" for c in symbol.issuer_codes)


def _is_nested(folded: str, previous: _Mention, mention: _Mention) -> bool:
    """Inside the previous reference's subject ("... về thực hiện Kết luận số 28")?"""
    between = folded[previous.ref.end:mention.ref.start]
    glue = folded[previous.end:mention.ref.start]
    if previous.nested and _LIST_GLUE.match(glue) and ";" not in glue:   # ";" closes the subject
        return True
    return bool(_NESTING.search(between)) and not re.search(r"[;.]\s|[;.]$|\n", between)


def _continues_list(folded: str, previous: _Mention, mention: _Mention) -> bool:
    """The next item of a list of references in one sentence ("Thực hiện Nghị quyết A
    ...; Chương trình B ...; Quyết định C ..."): it shares the list's relation."""
    at = mention.ref.type_start if mention.ref.type_start is not None else mention.ref.start
    return mention.ref.start >= previous.end and bool(_LIST_GLUE.match(folded[previous.end:at]))


def _clause_start(folded: str, at: int, floor: int) -> int:
    cut = max(folded.rfind("\n", floor, at), folded.rfind(". ", floor, at), floor - 1)
    return cut + 1


def _item_start(folded: str, at: int, floor: int) -> int:
    """Where the preamble item holding `at` starts: its line, joined back over line
    breaks that fall mid-sentence (text copied from a page wraps "Căn cứ Nghị định
    số\n27/2022/NĐ-CP ...")."""
    start = max(folded.rfind("\n", floor, at) + 1, floor)
    for _ in range(8):
        if start <= floor:
            break
        prev = folded.rfind("\n", floor, start - 1)
        prev_line = folded[prev + 1:start - 1].rstrip(" *_")
        if not prev_line.strip() or prev_line[-1:] in ";.:!?)":
            break
        start = prev + 1
    return start


_LIST_ITEM = re.compile(rf"^[\s\-+*•]*(?:{type_word_pattern()}|luat|bo luat|so\s*\d)\b")


def _in_legal_basis(folded: str, item: int, floor: int) -> bool:
    """An item of the legal-basis block without its own "Căn cứ": "Căn cứ Nghị định
    A;\nNghị định B;" or "Căn cứ các văn bản sau:\n- Luật ...;\n- Nghị định ...;"."""
    if not _LIST_ITEM.match(folded[item:item + 60]):
        return False
    start = item
    for _ in range(12):
        if start <= floor:
            return False
        end = folded[:start].rstrip()
        if end[-1:] not in ";:":
            return False
        prev = _item_start(folded, len(end) - 1, floor)
        head = folded[prev:prev + 40].lstrip(" -+*•(")
        if head.startswith("can cu"):
            return True
        if not _LIST_ITEM.match(folded[prev:prev + 60]):
            return False
        start = prev
    return False


def _run_in_legal_basis(segment: str) -> bool:
    """"Căn cứ" run into a heading in capitals, as text copied from a page arrives
    ("... CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH Căn cứ Luật ..."): the clause is a legal basis."""
    at = segment.rfind("Căn cứ ")
    if at <= 0 or re.search(r"\.\s", segment[at:]):
        return False
    before = segment[:at].rstrip()
    return bool(before) and (before[-1].isupper() or before[-1].isdigit())


def _relation(folded: str, mention: _Mention, floor: int, text: str | None = None) -> Relation:
    at = mention.ref.type_start if mention.ref.type_start is not None else mention.ref.start
    paragraph_start = _item_start(folded, at, floor)
    paragraph_head = folded[paragraph_start:paragraph_start + 40].lstrip(" -+*•(")
    before = folded[_clause_start(folded, at, floor):at]
    if paragraph_head.startswith("can cu") or _in_legal_basis(folded, paragraph_start, floor):
        return Relation.CAN_CU
    if text is not None and _run_in_legal_basis(text[paragraph_start:at]):
        return Relation.CAN_CU
    if _SELF_APPENDIX.search(before) and before.strip(" (-").startswith(("ban hanh kem theo", "kem theo")):
        return Relation.KEM_THEO
    if mention.nested:
        return Relation.THAM_CHIEU
    if _AMEND.search(before[-60:]) and not re.search(r"\d", before[-60:]):
        return Relation.SUA_DOI
    if _LOOSE_THEO.search(before[-40:]):
        return Relation.THAM_CHIEU
    if _IMPLEMENT.search(before[-40:]) or _IMPLEMENT.search(paragraph_head[:30].split(",")[0] + " "):
        return Relation.THUC_HIEN
    if _BY.search(before[-20:]) and _IMPLEMENTING_ITEM.match(paragraph_head):
        return Relation.THUC_HIEN      # "- Triển khai công tác kiểm tra ... theo Kế hoạch số 105"
    return Relation.THAM_CHIEU


# ------------------------------------------------------------------ issuers



def resolve_issuer(mention: _Mention, scope: Scope) -> str | None:
    if mention.issuer:
        return scoped_issuer(mention.issuer, scope)
    return issuer_by_number(mention.ref.symbol, mention.ref.doc_type, scope)


def issuer_by_number(symbol: Symbol | None, doc_type: str | None, scope: Scope) -> str | None:
    """The body a document's number or type names when no text says who issued it:
    "04/VBHN-BYT" is the Ministry of Health's, "152-KH/TU" the citing province's Party
    committee, a law the National Assembly's. None when the number does not tell."""
    if symbol is None:
        return sole_issuer(doc_type)
    for code in symbol.issuer_codes:
        found = issuer_for_code(code)
        if found is None:
            continue
        if found.level == "central":
            return found.issuer
        if found.level == "province" and scope.province:
            return agencies.scope(f"{found.issuer} tỉnh", scope.province)
        if found.level == "party_province" and scope.province:
            return agencies.scope(found.issuer, scope.province)
        return None
    return sole_issuer(doc_type)


def scoped_issuer(phrase: str, scope: Scope) -> str:
    """"UBND tỉnh" -> "Ủy ban nhân dân tỉnh X"; "UBND thành phố" -> "... thành phố Y"."""
    name = agencies.canonical_agency(squash_spaces(phrase).strip(" ,."))
    if re.search(r"\b(?:thanh pho|huyen|quan|thi xa)$", fold(name)) and scope.locality:
        return agencies.scope(name, scope.province, scope.locality)
    return agencies.scope(name, scope.province, None)


# ------------------------------------------------------------------ merging

def _merge(text: str, mentions: list[_Mention], scope: Scope, page_at) -> list[Citation]:
    """One citation per document cited; attributes from the most informative mention."""
    by_key: dict[tuple[str, str], Citation] = {}
    ranks: dict[tuple[str, str], int] = {}
    order: list[tuple[str, str]] = []
    for mention in mentions:
        ref = mention.ref
        # A law cited by name only is keyed by its date (SCHEMA: type + date).
        key = (fold(ref.doc_type or ""), _norm(ref.number) or f"@{mention.date or ''}")
        key = _alias_key(key, mention, by_key)
        span = Span(ref.type_start if ref.type_start is not None else ref.start, mention.end,
                    page_at(ref.start))
        issuer = resolve_issuer(mention, scope)
        citation = by_key.get(key)
        if citation is None:
            citation = Citation(
                doc_type=ref.doc_type, number=re.sub(r"\s+", "", ref.number) if ref.number else None,
                issued_date=mention.date, issuer=issuer,
                surface=squash_spaces(text[span.start:span.end]), span=span,
                subject=mention.subject, relation=mention.relation)
            by_key[key] = citation
            ranks[key] = _RELATION_RANK[mention.relation]
            order.append(key)
        else:
            if citation.issued_date is None and mention.date:
                citation.issued_date = mention.date
                citation.surface = squash_spaces(text[span.start:span.end])
                citation.span = span
            if mention.issuer and (citation.issuer is None or not _explicit(citation, text)):
                citation.issuer = issuer
            citation.subject = citation.subject or mention.subject
            if _RELATION_RANK[mention.relation] > ranks[key]:
                citation.relation = mention.relation
                ranks[key] = _RELATION_RANK[mention.relation]
        citation.mentions.append(span)
    return [by_key[k] for k in order]


def _explicit(citation: Citation, text: str) -> bool:
    return " của " in citation.surface or " do " in citation.surface


def _alias_key(key: tuple[str, str], mention: _Mention,
               known: dict[tuple[str, str], Citation]) -> tuple[str, str]:
    """A symbol printed without its year ("02/TT-VPCP") is the same document as one
    printed with it ("02/2017/TT-VPCP") when number, codes and date agree."""
    symbol = mention.ref.symbol
    if symbol is None or key in known:
        return key
    for other_key, citation in known.items():
        if other_key[0] != key[0] or not citation.number:
            continue
        other = _norm(citation.number)
        mine = key[1]
        with_year, without = (other, mine) if len(other) > len(mine) else (mine, other)
        parts = with_year.split("/")
        if len(parts) == 3 and parts[1].isdigit() and f"{parts[0]}/{parts[2]}" == without:
            dates_agree = (mention.date is None or citation.issued_date is None
                           or mention.date == citation.issued_date
                           or mention.date[:4] == parts[1])
            if dates_agree and len(other) > len(mine):
                return other_key
    return key
