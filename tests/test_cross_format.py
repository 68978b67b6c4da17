"""The same document as .txt, .docx and born-digital .pdf gives the same header and
citations (the bundled corpus has each seed in all three forms)."""
from __future__ import annotations

import pytest

from conftest import CORPUS, STEMS
from extractors import extract
from extractors.evaluate import citation_key, same_field
from ingest.reader import load_source, read_layout

HEADER = ("doc_type", "number", "issuer", "place", "issued_date", "title", "signer_name")


def _records(path):
    source = load_source(path, max_bytes=10**9)
    _, layout = read_layout(source)
    return [d.to_schema() for d in extract(layout, source.name).documents]


def _value(doc, field):
    return (doc.get("signer") or {}).get("name") if field == "signer_name" else doc.get(field)


@pytest.fixture(scope="module", params=STEMS)
def renditions(request):
    stem = request.param
    return {"txt": _records(CORPUS / "seeds" / f"{stem}.txt"),
            "docx": _records(CORPUS / "formats" / f"{stem}.docx"),
            "pdf": _records(CORPUS / "formats" / f"{stem}.pdf")}


@pytest.mark.parametrize("form", ["docx", "pdf"])
def test_header_is_the_same_in_every_format(renditions, form):
    text_docs, other_docs = renditions["txt"], renditions[form]
    assert len(other_docs) == len(text_docs)
    for a, b in zip(text_docs, other_docs):
        for field in HEADER:
            assert same_field(field, _value(a, field), _value(b, field)), (field, _value(a, field),
                                                                           _value(b, field))


@pytest.mark.parametrize("form", ["docx", "pdf"])
def test_citations_are_the_same_in_every_format(renditions, form):
    for a, b in zip(renditions["txt"], renditions[form]):
        keys_a = {citation_key(c) for c in a["citations"]} - {None}
        keys_b = {citation_key(c) for c in b["citations"]} - {None}
        assert keys_a == keys_b
        by_key = {citation_key(c): c for c in b["citations"]}
        for c in a["citations"]:
            if (key := citation_key(c)) is not None:
                assert (c["issued_date"], c["issuer"]) == (by_key[key]["issued_date"], by_key[key]["issuer"])
