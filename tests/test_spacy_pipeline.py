"""vanban.load(): the extractors as a spaCy pipeline, rendered by displaCy."""
from __future__ import annotations

import pytest
from spacy import displacy

import vanban
from extractors.spacy_pipeline import SPANS_KEY, load

TEXT = """ỦY BAN NHÂN DÂN
TỈNH BẮC GIANG

Số: 45/KH-UBND

Bắc Giang, ngày 10 tháng 3 năm 2023

KẾ HOẠCH
Triển khai công tác cải cách hành chính năm 2023

Căn cứ Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ về thực hiện cơ chế một cửa.

III. TỔ CHỨC THỰC HIỆN

1. Giao Sở Nội vụ chủ trì, phối hợp với Sở Tài chính tổng hợp, báo cáo kết quả trước ngày 15/12/2023.
"""


@pytest.fixture(scope="module", params=["vi", "xx"])
def doc(request):
    return load(request.param)(TEXT)


def _spans(doc, label):
    return [s.text for s in doc.spans[SPANS_KEY] if s.label_ == label]


def test_record_is_attached(doc):
    (record,) = doc._.record.documents
    assert (record.doc_type, record.number, record.issued_date) == ("Kế hoạch", "45/KH-UBND", "2023-03-10")
    assert record.issuer == "Ủy ban nhân dân tỉnh Bắc Giang"
    assert [c.number for c in record.citations] == ["61/2018/NĐ-CP"]


def test_spans_point_at_the_source_text(doc):
    assert _spans(doc, "DOC_REF") == [
        "Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ về thực hiện cơ chế một cửa"]
    assert "15/12/2023" in _spans(doc, "DATE") and "23/4/2018" in _spans(doc, "DATE")
    assert {"Sở Nội vụ", "Sở Tài chính"} <= set(_spans(doc, "AGENCY"))
    assert _spans(doc, "DEADLINE") == ["trước ngày 15/12/2023"]


def test_ents_do_not_overlap_and_render(doc):
    ents = list(doc.ents)
    assert all(a.end <= b.start for a, b in zip(ents, ents[1:]))
    html = displacy.render(doc, style="ent")
    assert "DOC_REF" in html and "Nghị định số 61/2018/NĐ-CP" in html
    spans_html = displacy.render(doc, style="span", options={"spans_key": SPANS_KEY})
    assert "DEADLINE" in spans_html and "AGENCY" in spans_html


def test_package_entry_point_and_empty_text():
    nlp = vanban.load()
    assert nlp.pipe_names == ["vanban_extractor"] and nlp.lang == "vi"
    empty = nlp("   ")
    assert list(empty.spans[SPANS_KEY]) == [] and empty._.record.documents == []
