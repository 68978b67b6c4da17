"""The one vocabulary every stage speaks (see README, "Architecture").

ingest/ turns a `SourceFile` into a `Layout`; extractors/ turn a `Layout` into a
`Record` of `DocumentRecord`s; store/ persists both; linker/ resolves `Citation`s to
`DocKey`s and documents. Dates are ISO strings ("2022-08-24") because documents print
impossible dates ("29/02/2023") that must be kept as printed, not silently dropped.
"""
from __future__ import annotations

import bisect
import hashlib
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


# ---------------------------------------------------------------- files and layout

@dataclass(frozen=True)
class SourceFile:
    """A file as it arrived: bytes, their hash, the media type detected from content."""
    name: str
    data: bytes = field(repr=False)
    media_type: str = "application/octet-stream"

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def size(self) -> int:
        return len(self.data)


class BlockKind(StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    TABLE = "table"
    PAGE_HEADER = "page_header"   # running headers/footers: kept apart from the body
    PAGE_FOOTER = "page_footer"


@dataclass
class RawBlock:
    """One block as a reader saw it, before normalisation.

    `origin` is the offset of `text[0]` in the reader's source stream for `page`
    (the decoded file for text formats, the page's text layer for PDF, the running
    paragraph text for DOCX). `origins`, when given, is the per-character map and
    wins over `origin`. Tables give `rows` (cells as text, merged cells repeated or
    left empty as the format says) and no `text`."""
    kind: BlockKind
    text: str = ""
    rows: list[list[str]] | None = None
    page: int = 1
    origin: int = 0
    origins: list[int] | None = None
    level: int | None = None          # heading level when the format says so


@dataclass
class ReadResult:
    """What a reader returns: blocks in reading order plus facts about the file."""
    blocks: list[RawBlock]
    page_count: int = 1
    encoding: str | None = None       # for text formats: what was detected
    ocr_pages: list[int] = field(default_factory=list)
    page_quality: dict[int, dict[str, Any]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Block:
    """A normalised block: its slice of `Layout.text`, its page, its table cells."""
    kind: BlockKind
    start: int
    end: int
    page: int = 1
    rows: list[list[str]] | None = None
    level: int | None = None


@dataclass(frozen=True)
class Span:
    """Where a value was read: [start, end) in the normalised `Layout.text`."""
    start: int
    end: int
    page: int = 1

    def to_dict(self) -> dict[str, int]:
        return {"page": self.page, "start": self.start, "end": self.end}


@dataclass
class Layout:
    """A file's ordered, normalised text.

    `text` joins the blocks: paragraphs separated by a blank line, table rows by a
    newline and cells by a TAB. `anchors` maps back to the source: a sorted list of
    (text offset, page, source offset); between two anchors offsets advance together."""
    text: str
    blocks: list[Block]
    anchors: list[tuple[int, int, int]] = field(default_factory=list)
    page_count: int = 1
    ocr_pages: list[int] = field(default_factory=list)
    page_quality: dict[int, dict[str, Any]] = field(default_factory=dict)

    def source_position(self, offset: int) -> tuple[int, int]:
        """(page, offset in that page's source text) of a normalised offset."""
        if not self.anchors:
            return 1, offset
        i = bisect.bisect_right(self.anchors, (offset, float("inf"), float("inf"))) - 1
        at, page, source = self.anchors[max(i, 0)]
        return page, source + max(offset - at, 0)

    def page_at(self, offset: int) -> int:
        return self.source_position(offset)[0]

    def span(self, start: int, end: int) -> Span:
        return Span(start, end, self.page_at(start))

    def block_index_at(self, offset: int) -> int:
        starts = [b.start for b in self.blocks]
        return max(bisect.bisect_right(starts, offset) - 1, 0)


# ---------------------------------------------------------------- extraction

class Relation(StrEnum):
    CAN_CU = "can_cu"            # legal basis: "Căn cứ ..."
    THUC_HIEN = "thuc_hien"      # implements: "Thực hiện ...", "triển khai ..."
    KEM_THEO = "kem_theo"        # attached to / issued with
    SUA_DOI = "sua_doi"          # amends / replaces
    THAM_CHIEU = "tham_chieu"    # any other mention


@dataclass
class DocRef:
    """A reference to a document as written in the text."""
    doc_type: str | None
    number: str | None               # as printed, spaces removed
    issued_date: str | None = None
    issuer: str | None = None        # expanded and scoped
    surface: str = ""
    span: Span | None = None
    subject: str | None = None       # "về ..." clause, when printed


@dataclass
class Citation(DocRef):
    relation: Relation = Relation.THAM_CHIEU
    mentions: list[Span] = field(default_factory=list)   # every place it is cited


@dataclass
class Deadline:
    text: str
    due: str | None = None           # last allowed day, ISO
    recurrence: str | None = None    # "daily", "weekly", "monthly", "quarterly", "yearly", "continuous"
    span: Span | None = None


@dataclass
class Task:
    ref: str | None
    text: str
    lead: str | None = None
    support: list[str] = field(default_factory=list)
    deadline: Deadline | None = None
    output: str | None = None
    span: Span | None = None


@dataclass
class Score:
    index: str
    value: float
    unit: str | None = None          # "điểm" or "%"
    criterion: str | None = None
    subject: str | None = None
    year: int | None = None
    rank: str | None = None          # "2/63"
    kind: str = "actual"             # "actual" or "target"
    bound: str | None = None         # ">" / ">=" for "trên 80%", ">95,00"
    span: Span | None = None


@dataclass
class Signer:
    name: str | None
    position: str | None
    marker: str | None = None        # TM., KT., TL., TUQ., Q.
    span: Span | None = None


@dataclass
class DocumentRecord:
    """Everything extracted about one document (a file may hold several)."""
    doc_type: str | None = None
    number: str | None = None
    issuer: str | None = None
    place: str | None = None
    issued_date: str | None = None
    title: str | None = None
    signer: Signer | None = None
    recipients: list[str] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    scores: list[Score] = field(default_factory=list)
    spans: dict[str, Span] = field(default_factory=dict)   # header field -> where read
    extent: Span | None = None                            # the part of the file it covers
    province: str | None = None                           # scope inferred from context

    def to_schema(self) -> dict[str, Any]:
        """The gold/referee shape (../shared/gold/SCHEMA.md), spans as extra keys."""
        def clean(value: Any) -> Any:
            if isinstance(value, StrEnum):
                return value.value
            if isinstance(value, dict):
                return {k: clean(v) for k, v in value.items()}
            if isinstance(value, list):
                return [clean(v) for v in value]
            return value

        out = clean(asdict(self))
        if self.signer is not None:
            out["signer"] = {"name": self.signer.name, "position": self.signer.position,
                             "marker": self.signer.marker,
                             "span": self.signer.span.to_dict() if self.signer.span else None}
        return out


@dataclass
class Record:
    """The extraction result for one file."""
    source: str
    documents: list[DocumentRecord] = field(default_factory=list)

    def to_schema(self) -> dict[str, Any]:
        return {"source": self.source, "documents": [d.to_schema() for d in self.documents]}


# ---------------------------------------------------------------- linking

@dataclass(frozen=True)
class DocKey:
    """The canonical identity of a document or a reference to one.

    `number` is the folded, separator-normalised number ("61/2018/nd-cp"); `year` the
    year in the number or the issue date; `scope` the issuing body's province (folded)
    or "central"."""
    doc_type: str | None
    number: str | None
    year: int | None = None
    scope: str | None = None
    issued_date: str | None = None

    def text(self) -> str:
        parts = [self.doc_type or "?", self.number or "?", str(self.year or "?"), self.scope or "?"]
        return "|".join(parts)


class Resolution(StrEnum):
    RESOLVED = "resolved"
    AMBIGUOUS = "ambiguous"
    UNRESOLVED = "unresolved"


@dataclass
class Agency:
    canonical: str
    scope: str | None = None          # province name, or None for central bodies
    aliases: list[str] = field(default_factory=list)
    level: str | None = None          # "central", "province", "district", "commune"
