"""Extraction: a normalised Layout in, a Record (one or more documents) out.

Pure functions of the layout: no storage, no files. `extract` never raises on text
it cannot make sense of; fields it cannot find stay None."""
from __future__ import annotations

from vanban.models import Layout, Record


def extract(layout: Layout, source: str) -> Record:
    """Every document in the file, with header fields, citations, tasks and scores."""
    from extractors.document import read_documents

    return Record(source=source, documents=read_documents(layout))
