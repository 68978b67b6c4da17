"""The extractors as a spaCy pipeline, so that `nlp = vanban.load()` works like any
spaCy model and its output renders with displaCy:

    nlp = vanban.load()
    doc = nlp(text)
    doc._.record                       # the vanban Record (header, citations, tasks, scores)
    doc.spans["vanban"]                # DOC_REF, DATE, AGENCY, DEADLINE, SCORE spans
    doc.ents                           # the non-overlapping subset, longest first
    displacy.render(doc, style="span", options={"spans_key": "vanban"})

The tokenizer is spaCy's Vietnamese one (`spacy.blank("vi")`, word segmentation by
pyvi) or the multilingual one (`"xx"`, syllables); bench/extract.py measures both.
Extraction itself works on the text, not on tokens: spans are computed on the
normalised layout, mapped back to offsets in `doc.text`, then to tokens.
"""
from __future__ import annotations

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span as SpacySpan

from extractors import extract
from extractors.agencies import find_agencies
from extractors.dates import find_dates
from ingest.normalize import build_layout
from ingest.text import read_text
from vanban.models import BlockKind, Layout, Record

SPANS_KEY = "vanban"
LABELS = ("DOC_REF", "DATE", "AGENCY", "DEADLINE", "SCORE")

if not Doc.has_extension("record"):
    Doc.set_extension("record", default=None)


def _layout_of(text: str) -> Layout:
    """The text as the text reader sees it (markup cleaned, tables rebuilt); every
    layout offset maps back to an offset of `text`."""
    return build_layout(read_text(text.encode("utf-8")))


def _labelled_offsets(layout: Layout, record: Record) -> list[tuple[int, int, str]]:
    """(start, end, label) in layout offsets."""
    found: list[tuple[int, int, str]] = []
    for doc in record.documents:
        for citation in doc.citations:
            found += [(m.start, m.end, "DOC_REF") for m in citation.mentions]
        for task in doc.tasks:
            if task.deadline and task.deadline.span:
                found.append((task.deadline.span.start, task.deadline.span.end, "DEADLINE"))
        found += [(s.span.start, s.span.end, "SCORE") for s in doc.scores if s.span]
    for block in layout.blocks:
        if block.kind == BlockKind.TABLE:
            continue
        text = layout.text[block.start:block.end]
        found += [(block.start + d.start, block.start + d.end, "DATE") for d in find_dates(text)]
        found += [(block.start + a.start, block.start + a.end, "AGENCY") for a in find_agencies(text)]
    return found


def _to_source(layout: Layout, start: int, end: int) -> tuple[int, int]:
    return layout.source_position(start)[1], layout.source_position(max(end - 1, start))[1] + 1


@Language.component("vanban_extractor")
def vanban_extractor(doc: Doc) -> Doc:
    """Run vanban extraction on the text; set Doc._.record, doc.spans and doc.ents."""
    if not doc.text.strip():
        doc._.record = Record(source="<spacy>")
        doc.spans[SPANS_KEY] = []
        return doc
    layout = _layout_of(doc.text)
    record = extract(layout, "<spacy>")
    doc._.record = record
    spans: list[SpacySpan] = []
    seen: set[tuple[int, int, str]] = set()
    for start, end, label in _labelled_offsets(layout, record):
        s, e = _to_source(layout, start, end)
        span = doc.char_span(s, e, label=label, alignment_mode="expand")
        if span is not None and (span.start, span.end, label) not in seen:
            seen.add((span.start, span.end, label))
            spans.append(span)
    spans.sort(key=lambda sp: (sp.start, -len(sp)))
    doc.spans[SPANS_KEY] = spans
    doc.ents = spacy.util.filter_spans(spans)
    return doc


def load(tokenizer: str = "vi") -> Language:
    """A pipeline with vanban's extractor; tokenizer "vi" (pyvi words) or "xx" (syllables)."""
    nlp = spacy.blank(tokenizer)
    nlp.add_pipe("vanban_extractor")
    return nlp
