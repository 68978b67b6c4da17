"""Extraction never raises: random and mangled Vietnamese administrative text always
gives a well-formed Record (the product reads whatever clerks drop on it)."""
from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings, strategies as st

from extractors import extract
from ingest.base import ReadError
from ingest.normalize import build_layout
from ingest.text import read_text
from vanban.models import BlockKind, RawBlock, ReadResult, Record

# Pieces of real administrative writing, recombined at random, plus noise.
FRAGMENTS = [
    "ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NINH", "Số:", "Số: 205/KH-UBND", "/KH-UBND", "05-NQ/TU",
    "ĐẾN Số: 3251 Ngày: 05/4/17", "Quảng Ninh, ngày 24 tháng 8 năm 2022", "ngày", "tháng", "năm",
    "KẾ HOẠCH", "QUYẾT ĐỊNH", "QUYẾT ĐỊNH:", "Căn cứ", "Nghị định số", "61/2018/NĐ-CP",
    "92/20 17/NĐ-CP", "44 /2005/QĐ-UBND", "số31-QĐ/TW", "QĐUBND", "của Chính phủ", "về việc",
    "(Kèm theo Kế hoạch số 152 -KH/TU, ngày 15/7/2022)", "Điều 1.", "I.", "1.1.", "a)", "- ", "+ ",
    "Giao Sở Nội vụ chủ trì, phối hợp với Sở Tài chính", "hoàn thành trước ngày 15/8/2022",
    "quý III/2022", "hằng năm", "Chỉ số PAR Index năm 2021 đạt 91,14 điểm, xếp thứ 2/63", ">95,00",
    "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn A", "Nơi nhận:", "|", "\t",
    "STT\tNội dung\tCơ quan chủ trì\tThời gian", "<p>", "**", "\\-", "29/02/2023", "0", "I/II",
]
TEXT = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12),
                          st.sampled_from(["\n", "\n\n", " ", "\n|\n"])), max_size=120).map("".join)
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _check(record: Record, length: int) -> None:
    assert record.documents, "every readable file gives at least one document"
    for doc in record.documents:
        for value in (doc.doc_type, doc.number, doc.issuer, doc.place, doc.title):
            assert value is None or (isinstance(value, str) and value.strip())
        assert doc.issued_date is None or ISO.match(doc.issued_date)
        spans = list(doc.spans.values()) + [c.span for c in doc.citations] + \
            [m for c in doc.citations for m in c.mentions] + [t.span for t in doc.tasks] + \
            [s.span for s in doc.scores]
        for span in filter(None, spans):
            assert 0 <= span.start <= span.end <= length
        for citation in doc.citations:
            assert citation.issued_date is None or ISO.match(citation.issued_date)
            assert citation.number is None or " " not in citation.number
        for task in doc.tasks:
            assert task.text.strip()
            assert task.deadline is None or task.deadline.due is None or ISO.match(task.deadline.due)
        for score in doc.scores:
            assert isinstance(score.value, float | int) and score.kind in {"actual", "target"}
        assert isinstance(doc.to_schema(), dict)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_extraction_never_raises_on_mangled_text(text):
    try:
        layout = build_layout(read_text(text.encode("utf-8")))
    except ReadError:      # empty or binary-looking input is refused before extraction
        return
    _check(extract(layout, "random.txt"), len(layout.text))


@settings(max_examples=100, deadline=None)
@given(st.text(min_size=1, max_size=400))
def test_extraction_never_raises_on_arbitrary_unicode(text):
    layout = build_layout(ReadResult([RawBlock(BlockKind.PARAGRAPH, text)]))
    if layout.blocks:
        _check(extract(layout, "random.txt"), len(layout.text))
