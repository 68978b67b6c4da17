"""vanban: document intelligence for Vietnamese government paperwork."""
from __future__ import annotations

__version__ = "0.1.0"


def load():
    """The extraction pipeline as a spaCy `Language` (render it with displaCy)."""
    from extractors.spacy_pipeline import load as _load
    return _load()
