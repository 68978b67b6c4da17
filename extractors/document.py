"""One file, one or more documents: find where each starts, read each header, then
its citations, tasks and scores.

A file holds two documents when a decision (or resolution, ...) is followed by the
text it issues: a new type heading ("KẾ HOẠCH", "QUY CHẾ") captioned "(Ban hành kèm
theo Quyết định số ...)". An outline or appendix captioned "kèm theo" the document's
own type ("ĐỀ CƯƠNG ... (Kèm theo Kế hoạch số 152-KH/TU)") is part of the document."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from extractors import agencies, header as hdr
from extractors.citations import Scope, extract_citations, issuer_by_number
from extractors.dates import find_dates
from extractors.doctypes import type_name, type_word_pattern
from extractors.lines import Line, layout_lines
from extractors.refs import SYMBOL_RE, parse_symbol
from extractors.scores import extract_scores
from extractors.tasks import extract_tasks
from vanban import geo
from vanban.models import DocumentRecord, Layout, Span
from vanban.text import fold

@cache
def _caption_re() -> re.Pattern[str]:
    return re.compile(rf"^\W*(?:ban hanh\s+)?kem theo\s+(?P<type>{type_word_pattern()})\s*(?:so\s*)?")


@dataclass
class _Slice:
    first: int          # index of the first line
    heading: int | None  # index of the type heading, when found
    end: int            # one past the last line
    doc_type: str | None = None
    heading_rest: str = ""


def _captions(lines: list[Line], start: int, end: int) -> list[tuple[int, str, re.Match[str]]]:
    """Appendix/issue captions "(Ban hành) kèm theo <Type> số <symbol> [ngày <date>]"."""
    out = []
    for i in range(start, end):
        folded = lines[i].folded
        m = _caption_re().match(folded)
        if m:
            caption_type = type_name(lines[i].text[m.start("type"):m.end("type")])
            if caption_type:
                out.append((i, caption_type, m))
    return out


def split_documents(lines: list[Line]) -> list[_Slice]:
    found = hdr.find_type_heading(lines)
    if found is None:
        return [_Slice(0, None, len(lines))]
    first_heading, first_type, rest = found
    slices = [_Slice(0, first_heading, len(lines), first_type, rest)]
    i = first_heading + 1
    while i < len(lines):
        sub = hdr.find_type_heading(lines[i:], limit=len(lines) - i)
        if sub is None:
            break
        j, sub_type, sub_rest = sub
        j += i
        parent = slices[-1]
        captions = [c for c in _captions(lines, j + 1, min(j + 5, len(lines)))
                    if c[1] == parent.doc_type and c[1] != sub_type]
        if captions:
            parent.end = j
            slices.append(_Slice(j, j, len(lines), sub_type, sub_rest))
        i = j + 1
    return slices


def _caption_number(lines: list[Line], doc_type: str, start: int, end: int):
    """Own number and date from a caption "(Kèm theo Kế hoạch số 152-KH/TU, ngày 15/7/2022)"."""
    for i, caption_type, m in _captions(lines, start, end):
        if caption_type != doc_type:
            continue
        line = lines[i]
        sym = SYMBOL_RE.search(line.text, m.end() - 1)
        parsed = parse_symbol(sym) if sym else None
        date = None
        dates = find_dates(line.text[sym.end() if sym else m.end():])
        if dates:
            date = dates[0].iso
        if parsed or date:
            return parsed, date, line
    return None


def _read_header(lines: list[Line], sl: _Slice) -> hdr.Header:
    h = hdr.Header(doc_type=sl.doc_type, heading_line=sl.heading)
    scope_end = sl.heading if sl.heading is not None else min(sl.end, sl.first + 25)
    region = lines[sl.first:sl.end]
    top = lines[sl.first:min(sl.end, (sl.heading or sl.first) + 12)]

    own = hdr.find_own_number(top) or hdr.find_consolidation_number(region)
    if own:
        h.symbol, line = own
        h.number = h.symbol.number
        h.spans["number"] = Span(line.start, line.end)
    place_date = hdr.find_place_date(top)
    if place_date:
        h.place, h.issued_date, line = place_date
        h.spans["place"] = h.spans["issued_date"] = Span(line.start, line.end)
    authority = None
    if sl.heading is not None:
        flattened = hdr.find_place_date([lines[sl.heading]]) is not None
        title = hdr.find_title(lines, sl.heading, sl.heading_rest, keep_case=flattened)
        if title:
            h.title, h.spans["title"] = title
            if flattened:
                # the heading ran into the header line: text copied from a page
                flat, authority = hdr.split_flattened_title(h.title)
                h.title = hdr.sentence_case(flat or h.title)
        h.spans["doc_type"] = Span(lines[sl.heading].start, lines[sl.heading].end)
    else:
        if h.symbol is not None:
            h.doc_type = h.symbol.doc_type
        subject = hdr.find_subject(top)
        if subject:
            # A letter has no type heading, only its subject under the number.
            h.doc_type = "Công văn"
            h.title, h.spans["title"] = subject
    if h.symbol is not None and h.symbol.type_code and h.symbol.type_code.upper() == "VBHN":
        # A consolidated text carries the heading of the text it consolidates; its
        # own identity is the certification block at the end.
        h.doc_type = h.symbol.doc_type
        dated = hdr.find_place_date(lines[lines.index(line):sl.end])
        if dated:
            h.place, h.issued_date, _ = dated

    heading = sl.heading if sl.heading is not None else sl.first
    agency_lines = hdr.header_agency_lines(lines[sl.first:scope_end], scope_end - sl.first)
    head = hdr.authority_line(lines, heading + 1) if sl.heading is not None else None
    if authority and hdr.is_head_authority(authority):
        head = agencies.canonical_agency(authority), h.spans.get("title", Span(0, 0))
    # A head who decides in his own name ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH" under the
    # title) is the issuer, not the body in the header.
    issuer = ((head if head and hdr.is_head_authority(head[0]) else None)
              or hdr.issuer_from_header(agency_lines)
              or head
              or hdr.issuer_from_body(lines, heading + 1))
    if issuer:
        h.issuer, h.spans["issuer"] = issuer
    else:
        h.issuer = hdr.issuer_from_signature(lines, heading, sl.end)

    signer = hdr.find_signer(lines, heading + 1, sl.end)
    if signer:
        h.signer, h.signer.span = signer
    recipients = hdr.find_recipients(lines, heading + 1, sl.end)
    if recipients:
        h.recipients, h.spans["recipients"] = recipients
    return h


def _scope_of(h: hdr.Header, text: str) -> Scope:
    """The province (and city/district) a document belongs to."""
    province = None
    locality = None
    if h.issuer and agencies.agency_key(h.issuer).endswith("@central"):
        return Scope(province=None, locality=None)     # signed in Hà Nội, rules the country
    if h.issuer:
        province = geo.province_in(h.issuer)
        locality = geo.locality_in(h.issuer)
    if province is None and h.place:
        province = geo.province_in(h.place) or geo.province_of_district(h.place)
        if locality is None and geo.province_of_district(h.place):
            locality = geo.locality_name(h.place)
    if province is None:
        province = geo.infer_province(text)
    if locality is None and h.place and h.issuer and re.search(
            r"\b(?:thành phố|huyện|quận|thị xã)$", h.issuer):
        locality = geo.locality_name(h.place)
    return Scope(province=province, locality=locality)


def _fill_from_siblings(citations: list, headers: list[hdr.Header]) -> None:
    """A citation of another document of the same file (a plan citing the decision
    that issues it) knows what that document's header says."""
    by_number = {re.sub(r"\s+", "", fold(h.number)): h for h in headers if h.number}
    for citation in citations:
        sibling = by_number.get(re.sub(r"\s+", "", fold(citation.number or "")))
        if sibling is not None:
            citation.issuer = citation.issuer or sibling.issuer
            citation.issued_date = citation.issued_date or sibling.issued_date


def read_documents(layout: Layout) -> list[DocumentRecord]:
    lines = layout_lines(layout)
    if not lines:
        return [DocumentRecord()]
    slices = split_documents(lines)
    headers = [_read_header(lines, sl) for sl in slices]

    # Numbers and dates printed only in captions, and what an issued text inherits.
    for k, (sl, h) in enumerate(zip(slices, headers)):
        if h.doc_type and (h.number is None or h.issued_date is None):
            found = _caption_number(lines, h.doc_type, sl.first, len(lines))
            if found:
                symbol, date, line = found
                if h.number is None and symbol is not None:
                    h.symbol, h.number = symbol, symbol.number
                    h.spans["number"] = Span(line.start, line.end)
                if h.issued_date is None and date:
                    h.issued_date = date
                    h.spans["issued_date"] = Span(line.start, line.end)
        if h.issued_date is None and (passed := hdr.find_passing_date(lines, sl.first, sl.end)):
            h.issued_date, h.spans["issued_date"] = passed
        if k > 0:
            parent = headers[k - 1]
            h.issuer = h.issuer or parent.issuer
            parent_caption = [c for c in _captions(lines, sl.first, min(sl.first + 6, sl.end))
                              if c[1] == parent.doc_type]
            if h.issued_date is None and parent_caption:
                dates = find_dates(lines[parent_caption[0][0]].text)
                h.issued_date = dates[0].iso if dates else parent.issued_date

    records = []
    for k, (sl, h) in enumerate(zip(slices, headers)):
        start = lines[sl.first].start if k > 0 else 0
        end = lines[sl.end].start if sl.end < len(lines) else len(layout.text)
        body_text = layout.text[start:end]
        scope = _scope_of(h, body_text if k == 0 else layout.text)
        if h.issuer:
            h.issuer = agencies.scope(h.issuer, scope.province, scope.locality)
        else:       # no header block, no signature: what the number or type says
            h.issuer = issuer_by_number(h.symbol, h.doc_type, scope)
        own = {re.sub(r"\s+", "", fold(x.number)) for x in headers[k:k + 1] if x.number}
        citations = extract_citations(layout.text, start, end, own_numbers=own, scope=scope,
                                      page_at=layout.page_at)
        _fill_from_siblings(citations, headers)
        mentions = [m for c in citations for m in c.mentions]
        tasks = extract_tasks(layout, start, end, province=scope.province,
                              issued=h.issued_date, exclude=mentions)
        province = geo.find_province(scope.province) if scope.province else None
        scores = extract_scores(layout, start, end,
                                subject=province.full_name if province else None,
                                year=int(h.issued_date[:4]) if h.issued_date else None)
        records.append(DocumentRecord(
            doc_type=h.doc_type, number=h.number, issuer=h.issuer, place=h.place,
            issued_date=h.issued_date, title=h.title, signer=h.signer, recipients=h.recipients,
            citations=citations, tasks=tasks, scores=scores, spans={k2: Span(v.start, v.end, layout.page_at(v.start))
                                        for k2, v in h.spans.items()},
            extent=Span(start, end, layout.page_at(start)), province=scope.province))
    return records
