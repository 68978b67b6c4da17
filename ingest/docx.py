"""DOCX reader: paragraphs and tables in body order, headings, headers/footers.

- The ZIP's central directory is checked before python-docx opens it: too many
  entries, too many uncompressed bytes or an extreme compression ratio is refused
  (a zip bomb). Python's zipfile never inflates a member past the size the central
  directory declares, so checking the declared sizes is enough.
- Body order comes from walking the body XML (`w:p`, `w:tbl`, content controls),
  not from `doc.paragraphs` then `doc.tables`.
- Paragraph text is read from the runs, including tracked insertions, hyperlinks,
  fields' shown results and content controls; deleted text and field codes are not
  text. `<w:br/>` and `<w:cr/>` become "\n" (the normaliser decides whether to join).
  Automatic list numbers ("1.", "a)", "-") are rendered, as Word shows them.
- Tables: one row per `w:tr` on the table grid, read from the XML (python-docx's
  `row.cells` repeats a merged cell in every grid position it covers). A merged
  cell's text is in its first grid position; the positions it spans (gridSpan),
  the rows below it (vMerge continuation cells, which hold no text of their own)
  and gridBefore/gridAfter are empty. A table inside a cell is flattened into the
  cell text (rows on lines, cells TAB-separated) so it stays with its cell.
- Text boxes anchored in a paragraph follow that paragraph.
- Section headers/footers become PAGE_HEADER/PAGE_FOOTER blocks after the body,
  each distinct header/footer once.
- `origin` of a block: its offset in the concatenation of every paragraph text the
  reader visits, in visiting order, each followed by "\n" (DOCX has no pages: page 1).
"""
from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from ingest.base import ReadError
from vanban.models import BlockKind, RawBlock, ReadResult

MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 100              # uncompressed / compressed, for a member big enough to matter
RATIO_MIN_SIZE = 1024 * 1024
MAX_ENTRIES = 10_000

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


def _val(element: etree._Element | None, attr: str = "val") -> str | None:
    return None if element is None else element.get(_w(attr))


# ---------------------------------------------------------------- the package

def _check_zip(data: bytes) -> None:
    """Refuse what is not a DOCX, or would inflate to far more than it weighs."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        if data.startswith(b"PK\x03\x04"):   # a ZIP that lost its end: cut short
            raise ReadError("corrupt DOCX: truncated ZIP archive (no central directory)") from None
        raise ReadError("not a DOCX: not a ZIP archive") from None
    if len(infos) > MAX_ENTRIES:
        raise ReadError(f"refused: ZIP holds {len(infos):,} entries (limit {MAX_ENTRIES:,})")
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED:
        raise ReadError(f"refused: DOCX would expand to {total / 2**20:,.0f} MB "
                        f"(limit {MAX_UNCOMPRESSED // 2**20} MB), a possible zip bomb")
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= RATIO_MIN_SIZE and ratio > MAX_RATIO:
            raise ReadError(f"refused: {info.filename} expands {ratio:,.0f} times "
                            f"(limit {MAX_RATIO}), a possible zip bomb")
    if "word/document.xml" not in {info.filename for info in infos}:
        raise ReadError("not a DOCX: no word/document.xml in the ZIP archive")


def _open(data: bytes) -> docx.document.Document:
    _check_zip(data)
    try:
        return docx.Document(io.BytesIO(data))
    except etree.XMLSyntaxError as exc:
        raise ReadError(f"corrupt DOCX: broken XML ({exc})") from None
    except ValueError as exc:
        kind = re.search(r"content type is '([^']*)'", str(exc))
        if kind:   # a .docm, .dotx ... : Word, but not a plain document
            raise ReadError(f"not a DOCX: the main part is {kind.group(1)}") from None
        raise ReadError(f"corrupt DOCX: {exc}") from None
    except (PackageNotFoundError, KeyError, zipfile.BadZipFile, EOFError) as exc:
        # KeyError: a part or relationship that is named but missing; BadZipFile,
        # EOFError: a member whose data is damaged.
        raise ReadError(f"corrupt DOCX: {type(exc).__name__}: {exc}") from None


# ---------------------------------------------------------------- styles and numbering

_HEADING_NAME = re.compile(r"^heading\s*([1-9])$", re.IGNORECASE)


def _heading_levels(document: docx.document.Document) -> dict[str, int]:
    """styleId -> heading level, for "Heading N" styles, styles based on them, and
    styles with an outline level."""
    styles = {s.style_id: s for s in document.styles if s.type == WD_STYLE_TYPE.PARAGRAPH}

    def level(style, depth: int = 0) -> int | None:
        if style is None or depth > 10:
            return None
        match = _HEADING_NAME.match(style.name or "")
        if match:
            return int(match.group(1))
        outline = _val(style.element.find(f"{_w('pPr')}/{_w('outlineLvl')}"))
        if outline is not None and outline.isdigit() and int(outline) < 9:
            return int(outline) + 1
        return level(style.base_style, depth + 1)

    levels = {sid: level(style) for sid, style in styles.items()}
    return {sid: lvl for sid, lvl in levels.items() if lvl is not None}


_ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


def _roman(n: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        while n >= value:
            out, n = out + letters, n - value
    return out


def _letters(n: int) -> str:
    # Word's a..z, aa..zz, aaa..: the letter repeated.
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _format_number(n: int, fmt: str) -> str:
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)


@dataclass
class _Level:
    start: int
    fmt: str
    text: str


class _Numbering:
    """Automatic list labels, counted the way Word counts them (per abstract list)."""

    def __init__(self, document: docx.document.Document):
        self.lists: dict[str, tuple[str, dict[int, _Level]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return
        abstract = {a.get(_w("abstractNumId")): a for a in root.iterchildren(_w("abstractNum"))}
        for num in root.iterchildren(_w("num")):
            abstract_id = _val(num.find(_w("abstractNumId")))
            if abstract_id in abstract:
                self.lists[num.get(_w("numId"))] = (abstract_id, self._levels(abstract[abstract_id]))

    @staticmethod
    def _levels(abstract: etree._Element) -> dict[int, _Level]:
        levels = {}
        for lvl in abstract.iterchildren(_w("lvl")):
            start = _val(lvl.find(_w("start"))) or "1"
            levels[int(lvl.get(_w("ilvl"), "0"))] = _Level(
                int(start) if start.lstrip("-").isdigit() else 1,
                _val(lvl.find(_w("numFmt"))) or "decimal",
                _val(lvl.find(_w("lvlText"))) or "")
        return levels

    def label(self, num_id: str | None, ilvl: int) -> str:
        """The label of the next item of list `num_id` at level `ilvl` ("" if none)."""
        if num_id is None or num_id not in self.lists:
            return ""
        abstract_id, levels = self.lists[num_id]
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(abstract_id, {})
        counters[ilvl] = counters.get(ilvl, levels[ilvl].start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        level = levels[ilvl]
        if level.fmt == "bullet":
            # Symbol-font bullets are private-use code points: show a plain one.
            return level.text if level.text and not _private_use(level.text) else "•"

        def number(match: re.Match[str]) -> str:
            k = int(match.group(1)) - 1
            lvl = levels.get(k)
            value = counters.get(k, lvl.start if lvl else 1)
            return _format_number(value, lvl.fmt if lvl else "decimal")

        return re.sub(r"%([1-9])", number, level.text)


def _symbol(code: str) -> str:
    """A w:sym character; symbol-font (private-use) glyphs have no text meaning."""
    try:
        char = chr(int(code, 16))
    except (ValueError, OverflowError):
        return ""
    return "" if _private_use(char) else char


def _private_use(text: str) -> bool:
    return any("\ue000" <= c <= "\uf8ff" for c in text)


# ---------------------------------------------------------------- text

# Elements whose content is not this paragraph's visible text.
_SKIP = {_w("del"), _w("moveFrom"), _w("pPr"), _w("rPr"), _w("txbxContent"), _w("p"),
         f"{{{_MC}}}Fallback", _w("instrText"), _w("delText")}
_BREAKS = {_w("br"), _w("cr")}
_TABS = {_w("tab"), _w("ptab")}


def _runs_text(element: etree._Element, out: list[str]) -> None:
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag == _w("t"):
            out.append(child.text or "")
        elif tag in _BREAKS:
            out.append("\n")
        elif tag in _TABS:
            out.append("\t")
        elif tag == _w("noBreakHyphen"):
            out.append("-")
        elif tag == _w("sym"):
            out.append(_symbol(child.get(_w("char"), "")))
        else:
            _runs_text(child, out)


@dataclass
class _Reader:
    document: docx.document.Document
    headings: dict[str, int]
    numbering: _Numbering
    styles_numbering: dict[str, tuple[str | None, int]]
    offset: int = 0                       # in the concatenated paragraph text
    blocks: list[RawBlock] = field(default_factory=list)

    # -- paragraphs

    def paragraph_text(self, p: etree._Element) -> str:
        out: list[str] = []
        _runs_text(p, out)
        text = "".join(out)
        label = self._label(p)
        if label and text.strip():
            text = f"{label} {text}"
        self.offset += len(text) + 1
        return text

    def _label(self, p: etree._Element) -> str:
        ppr = p.find(_w("pPr"))
        num_pr = ppr.find(_w("numPr")) if ppr is not None else None
        style = _val(ppr.find(_w("pStyle"))) if ppr is not None else None
        if num_pr is not None:
            num_id, ilvl = _val(num_pr.find(_w("numId"))), _val(num_pr.find(_w("ilvl")))
            level = int(ilvl) if ilvl and ilvl.isdigit() else 0
        elif style in self.styles_numbering:
            num_id, level = self.styles_numbering[style]
        else:
            return ""
        return self.numbering.label(num_id, level)

    def heading_level(self, p: etree._Element) -> int | None:
        ppr = p.find(_w("pPr"))
        if ppr is None:
            return None
        outline = _val(ppr.find(_w("outlineLvl")))
        if outline is not None and outline.isdigit():
            return int(outline) + 1 if int(outline) < 9 else None
        return self.headings.get(_val(ppr.find(_w("pStyle"))) or "")

    # -- the body

    def body(self, container: etree._Element, kind: BlockKind = BlockKind.PARAGRAPH) -> None:
        """Emit the paragraphs and tables of a body, header or footer, in order."""
        for element in _content(container):
            if element.tag == _w("tbl"):
                self._table(element, kind)
            else:
                self._paragraph(element, kind)

    def _paragraph(self, p: etree._Element, kind: BlockKind) -> None:
        origin = self.offset
        text = self.paragraph_text(p)
        if text.strip():
            level = self.heading_level(p) if kind == BlockKind.PARAGRAPH else None
            if level is not None:
                self.blocks.append(RawBlock(BlockKind.HEADING, text, origin=origin, level=level))
            else:
                self.blocks.append(RawBlock(kind, text, origin=origin))
        for box in _text_boxes(p):
            self.body(box, kind)

    def _table(self, tbl: etree._Element, kind: BlockKind) -> None:
        origin = self.offset
        rows = self.table_rows(tbl)
        if kind == BlockKind.PARAGRAPH:
            self.blocks.append(RawBlock(BlockKind.TABLE, rows=rows, origin=origin))
        else:   # a header/footer laid out in a table: its text, a line per row
            text = "\n".join("\t".join(row) for row in rows)
            if text.strip():
                self.blocks.append(RawBlock(kind, text, origin=origin))

    def table_rows(self, tbl: etree._Element) -> list[list[str]]:
        rows = []
        for tr in _children(tbl, "tr"):
            tr_pr = tr.find(_w("trPr"))
            before = _int(_val(tr_pr.find(_w("gridBefore"))), 0) if tr_pr is not None else 0
            after = _int(_val(tr_pr.find(_w("gridAfter"))), 0) if tr_pr is not None else 0
            row = [""] * before
            for tc in _children(tr, "tc"):
                tc_pr = tc.find(_w("tcPr"))
                span = _int(_val(tc_pr.find(_w("gridSpan"))), 1) if tc_pr is not None else 1
                row += [self.cell_text(tc)] + [""] * (max(span, 1) - 1)
            rows.append(row + [""] * after)
        return rows

    def cell_text(self, tc: etree._Element) -> str:
        parts = []
        for element in _content(tc):
            if element.tag == _w("tbl"):
                nested = self.table_rows(element)
                parts.append("\n".join("\t".join(row) for row in nested))
            else:
                parts.append(self.paragraph_text(element))
                parts += [self.cell_text(box) for box in _text_boxes(element)]
        return "\n".join(part for part in parts if part.strip())

    # -- headers and footers

    def headers_and_footers(self) -> None:
        seen: set[str] = set()
        part = self.document.part
        for sect_pr in self.document.element.body.iter(_w("sectPr")):
            for reference in sect_pr:
                if reference.tag not in (_w("headerReference"), _w("footerReference")):
                    continue
                rel_id = reference.get(f"{{{_R}}}id")
                if rel_id not in part.rels or rel_id in seen:
                    continue
                seen.add(rel_id)
                kind = BlockKind.PAGE_HEADER if reference.tag == _w("headerReference") else BlockKind.PAGE_FOOTER
                self.body(part.related_parts[rel_id].element, kind)


def _int(value: str | None, default: int) -> int:
    return int(value) if value and value.isdigit() else default


def _children(element: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Children named `tag`, also those wrapped in content controls or custom XML."""
    for child in element:
        if child.tag == _w(tag):
            yield child
        elif child.tag == _w("sdt"):
            content = child.find(_w("sdtContent"))
            if content is not None:
                yield from _children(content, tag)
        elif child.tag == _w("customXml"):
            yield from _children(child, tag)


def _content(container: etree._Element) -> Iterator[etree._Element]:
    """Paragraphs and tables of a body-like element, in document order."""
    for child in container:
        if child.tag in (_w("p"), _w("tbl")):
            yield child
        elif child.tag == _w("sdt"):
            content = child.find(_w("sdtContent"))
            if content is not None:
                yield from _content(content)
        elif child.tag == _w("customXml"):
            yield from _content(child)


def _text_boxes(p: etree._Element) -> list[etree._Element]:
    """Text-box contents anchored in this paragraph (not in a nested one, not the
    VML fallback copy of a DrawingML box)."""
    boxes = []
    for box in p.iter(_w("txbxContent")):
        ancestors = set()
        parent = box.getparent()
        while parent is not None and parent is not p:
            ancestors.add(parent.tag)
            parent = parent.getparent()
        if not ancestors & {_w("p"), _w("txbxContent"), f"{{{_MC}}}Fallback"}:
            boxes.append(box)
    return boxes


def _styles_numbering(document: docx.document.Document) -> dict[str, tuple[str | None, int]]:
    """styleId -> (numId, level) for paragraph styles that carry list numbering."""
    out = {}
    for style in document.styles:
        if style.type != WD_STYLE_TYPE.PARAGRAPH:
            continue
        num_pr = style.element.find(f"{_w('pPr')}/{_w('numPr')}")
        if num_pr is not None:
            ilvl = _val(num_pr.find(_w("ilvl")))
            out[style.style_id] = (_val(num_pr.find(_w("numId"))), int(ilvl) if ilvl and ilvl.isdigit() else 0)
    return out


# ---------------------------------------------------------------- the reader

def read_docx(data: bytes) -> ReadResult:
    """Read a DOCX: body blocks in order, then the page headers/footers."""
    document = _open(data)
    reader = _Reader(document, _heading_levels(document), _Numbering(document),
                     _styles_numbering(document))
    reader.body(document.element.body)
    reader.headers_and_footers()
    return ReadResult(blocks=reader.blocks, page_count=1)
