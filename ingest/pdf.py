"""Born-digital PDF reader: the text layer, with tables read cell by cell.

- Text comes from pypdfium2. A page's source stream is `get_text_range()` of that
  page: a body block's `origin`/`origins` are offsets into it, and a table's origin
  is the offset of its first line there (pages are 1-based, as in `RawBlock.page`).
- Tables: a page goes to table finding only when it carries ruling lines (thin path
  objects, counted through pdfium's object list: no second parse of the page). The
  finder is pdfplumber's "lines" strategy (`merge_edges` -> `edges_to_intersections`
  -> `intersections_to_cells` -> `cells_to_tables`, its default tolerances) fed with
  those ruling lines, so pdfminer never parses the page (that costs ~80 ms a page
  with pdfplumber's own `find_tables`). Cell text is read by pdfium inside each
  cell's box, line by line (see `_CellReader`); body lines inside a table's area are
  left out, so no text is read twice.
- A table cut by a page break (same columns at the top of the next page) is one
  table; the row the break cut in two is put back together.
- Body lines are grouped into paragraphs from their geometry (a larger line pitch,
  a first-line indent, a line that stops short, a change of font size), in the
  stream's order, which is the reading order producers write; `build_layout` then
  joins the lines inside a paragraph.
- A hyphen that ends a line ("12/CT-" / "UBND") joins the two lines: pdfium's
  U+FFFE/U+0002 marks become "-".
- Pages whose text layer is missing or garbage (broken font maps, legacy TCVN3/VNI
  encodings) are OCRed in one call when an engine is given, else left out with a
  warning naming them. Pages with nothing drawn are skipped silently.
- Running headers/footers (the same short line at the top/bottom of most pages,
  page numbers) become PAGE_HEADER/PAGE_FOOTER blocks after the body, so the body
  flows across page breaks.
- Every pdfium failure becomes a ReadError with a plain reason; pdfium is not
  thread-safe, so one thread at a time reads.
"""
from __future__ import annotations

import bisect
import ctypes
import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.table import (
    DEFAULT_JOIN_TOLERANCE,
    DEFAULT_SNAP_TOLERANCE,
    cells_to_tables,
    edges_to_intersections,
    intersections_to_cells,
    merge_edges,
)

from ingest.base import PDFIUM_LOCK, OcrEngine, ReadError
from ingest.image import ocr_blocks, ocr_quality, rescan_warning
from vanban.models import BlockKind, RawBlock, ReadResult
from vanban.text import fold

# ---------------------------------------------------------------- opening


_LOAD_ERRORS = {
    pdfium_c.FPDF_ERR_FORMAT: "not in PDF format or damaged",
    pdfium_c.FPDF_ERR_PAGE: "page not found or content error",
}


def _open(data: bytes) -> pdfium.PdfDocument:
    """The document, or a ReadError saying in plain words why it cannot be read."""
    if b"%PDF-" not in data[:1024]:
        raise ReadError("not a PDF: no %PDF- header")
    # pdfium leaves its (thread-local) last error untouched on some failures, so a
    # stale code from an earlier file could be reported. Start from "file error",
    # which loading from memory never sets: still seeing it means "no code".
    pdfium_c.FPDF_LoadDocument(b"", None)
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise ReadError(_load_error(exc.err_code, data)) from None
    try:
        pages = len(pdf)
    except pdfium.PdfiumError as exc:
        pdf.close()
        raise ReadError(f"corrupt PDF: {exc}") from None
    if pages <= 0:
        pdf.close()
        raise ReadError("PDF has no pages")
    return pdf


def _load_error(code: int | None, data: bytes) -> str:
    if code == pdfium_c.FPDF_ERR_PASSWORD:
        return "encrypted PDF (password required)"
    if code == pdfium_c.FPDF_ERR_SECURITY:
        return "encrypted PDF (unsupported security handler)"
    if code in (pdfium_c.FPDF_ERR_FILE, pdfium_c.FPDF_ERR_SUCCESS):
        # No error code: pdfium fails that way when the page tree is missing or empty.
        return "PDF has no pages (no usable page tree)"
    reason = _LOAD_ERRORS.get(code, "unknown error")
    if b"%%EOF" not in data[-2048:]:
        reason += "; the file looks truncated (no %%EOF at the end)"
    return f"corrupt PDF: {reason}"


# ---------------------------------------------------------------- text-layer quality

_VIETNAMESE_LETTERS = set(
    "abcdefghijklmnopqrstuvwxyzđ"
    "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
)
_WORD = re.compile(r"[^\W\d_]+")
_ALNUM = re.compile(r"[^\W_]")
_LEADERS = re.compile(r"[._\-…·]")
# U+FFFD, private use, C0 controls other than whitespace, lone surrogates.
_BROKEN = re.compile("[\ufffd\ue000-\uf8ff\x00-\x08\x0e-\x1f\ud800-\udfff]")


def text_layer_problem(text: str) -> str | None:
    """Why a page's text layer cannot be used, or None when it can.

    A broken font map shows up as U+FFFD/private-use/control characters, or as
    letters that no Vietnamese word holds (TCVN3/VNI fonts without a Unicode map
    give "Céng hoµ x· héi"): words with non-ASCII letters must mostly be spelt
    in the Vietnamese alphabet."""
    visible = len("".join(text.split()))
    if not visible:
        return "no text layer"
    if len(_BROKEN.findall(text)) > 0.2 * visible:
        return "text layer is unreadable (broken font map)"
    # Dot leaders of a contents page or a form ("Số:.......") are not garbage.
    if len(_ALNUM.findall(text)) < 0.5 * (visible - len(_LEADERS.findall(text))):
        return "text layer holds almost no letters"
    accented = [w for w in _WORD.findall(unicodedata.normalize("NFC", text).lower()) if not w.isascii()]
    foreign = sum(1 for w in accented if not set(w) <= _VIETNAMESE_LETTERS)
    if len(accented) >= 5 and foreign > 0.3 * len(accented):
        return "text layer is not Unicode Vietnamese (legacy font encoding?)"
    return None


# ---------------------------------------------------------------- page geometry

_Box = tuple[float, float, float, float]   # left, bottom, right, top in PDF units


@dataclass
class _Line:
    """One line of a page's text stream, with the geometry of its first/last char."""
    start: int          # [start, end) in the page text
    end: int
    left: float
    right: float
    bottom: float
    top: float
    baseline: float     # of the first char: a glyph's box varies, its baseline does not
    end_baseline: float  # of the last char: lower when a U+FFFE joined two lines
    size: float         # font size of the first char
    text: str = ""
    table: int | None = None   # index of the page's table whose area holds the line


@dataclass
class _Table:
    bbox: _Box
    columns: list[float]     # left edge of every grid column
    rows: list[list[str]]
    page: int = 0


@dataclass
class _Page:
    number: int
    text: str = ""
    lines: list[_Line] = field(default_factory=list)
    tables: list[_Table] = field(default_factory=list)
    problem: str | None = None
    flat: bool = False   # geometry not usable (rotated page): keep the stream as is
    extent: tuple[float, float] = (0.0, 0.0)   # bottom and top of the visible page

    def place_lines(self) -> None:
        """Note for every line the table whose area holds it, if any."""
        for line in self.lines:
            x, y = line.left + 1.0, (line.bottom + line.top) / 2
            line.table = next((k for k, t in enumerate(self.tables)
                               if t.bbox[0] <= x <= t.bbox[2] and t.bbox[1] <= y <= t.bbox[3]), None)


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _lines(textpage: pdfium.PdfTextPage, text: str) -> list[_Line]:
    lines: list[_Line] = []
    # get_text_range() may drop or insert a few chars compared to pdfium's char list;
    # when the lengths agree (nearly always) a text offset is a char index.
    aligned = len(text) == textpage.count_chars()
    start = 0
    for match in [*_LINE_BREAK.finditer(text), None]:
        end = match.start() if match else len(text)
        chunk = text[start:end]
        stripped = chunk.strip()
        if stripped:
            i = start + len(chunk) - len(chunk.lstrip())
            j = start + len(chunk.rstrip()) - 1
            if not aligned:
                i, j = _char_index(textpage, i), _char_index(textpage, j)
            left, bottom, _, top = textpage.get_charbox(i, loose=True)
            _, _, right, _ = textpage.get_charbox(j, loose=True)
            size = pdfium_c.FPDFText_GetFontSize(textpage, i) or (top - bottom)
            baseline = _baseline(textpage, i, bottom)
            end_baseline = _baseline(textpage, j, baseline) if "\ufffe" in chunk else baseline
            lines.append(_Line(start, end, left, right, bottom, top, baseline, end_baseline, size, stripped))
        if match:
            start = match.end()
    return lines


def _baseline(textpage: pdfium.PdfTextPage, index: int, default: float) -> float:
    x, y = ctypes.c_double(), ctypes.c_double()
    return y.value if pdfium_c.FPDFText_GetCharOrigin(textpage, index, x, y) else default


def _char_index(textpage: pdfium.PdfTextPage, text_index: int) -> int:
    index = pdfium_c.FPDFText_GetCharIndexFromTextIndex(textpage, text_index)
    return index if index >= 0 else text_index


# ---------------------------------------------------------------- tables

_RULE_MAX_WIDTH = 3.0      # pt: a path thinner than this is a ruling line
_RULE_MIN_LENGTH = 3.0     # pdfplumber's edge_min_length
_INTERSECTION_TOLERANCE = 3.0   # pdfplumber's intersection_tolerance


def _ruling_edges(page: pdfium.PdfPage) -> list[dict]:
    """Ruling lines of the page as pdfplumber edges (top = -y, so "down" grows).

    Table borders are thin path objects (LibreOffice and Word draw one per border
    segment) or rectangles; anything else (curves, glyph outlines) is ignored, and
    so are paths inside form XObjects (their bounds are not in page space)."""
    edges: list[dict] = []
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    for i in range(pdfium_c.FPDFPage_CountObjects(page)):
        obj = pdfium_c.FPDFPage_GetObject(page, i)
        if pdfium_c.FPDFPageObj_GetType(obj) != pdfium_c.FPDF_PAGEOBJ_PATH:
            continue
        if not pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            continue
        x0, y0, x1, y1 = left.value, bottom.value, right.value, top.value
        width, height = x1 - x0, y1 - y0
        if height <= _RULE_MAX_WIDTH and width >= _RULE_MIN_LENGTH:
            edges.append(_edge("h", x0, x1, (y0 + y1) / 2, (y0 + y1) / 2))
        elif width <= _RULE_MAX_WIDTH and height >= _RULE_MIN_LENGTH:
            edges.append(_edge("v", (x0 + x1) / 2, (x0 + x1) / 2, y0, y1))
        elif pdfium_c.FPDFPath_CountSegments(obj) in (4, 5):   # a rectangle: its 4 sides
            edges += [_edge("h", x0, x1, y0, y0), _edge("h", x0, x1, y1, y1),
                      _edge("v", x0, x0, y0, y1), _edge("v", x1, x1, y0, y1)]
    return edges


def _edge(orientation: str, x0: float, x1: float, y0: float, y1: float) -> dict:
    return {"orientation": orientation, "object_type": "line", "x0": x0, "x1": x1,
            "top": -y1, "bottom": -y0, "doctop": -y1, "width": x1 - x0, "height": y1 - y0}


def _find_tables(edges: list[dict], textpage: pdfium.PdfTextPage) -> list[_Table]:
    """pdfplumber's "lines" strategy with its default tolerances, on our edges."""
    if not ({e["orientation"] for e in edges} >= {"h", "v"}):
        return []
    edges = merge_edges(edges, DEFAULT_SNAP_TOLERANCE, DEFAULT_SNAP_TOLERANCE,
                        DEFAULT_JOIN_TOLERANCE, DEFAULT_JOIN_TOLERANCE)
    edges = [e for e in edges if e["width" if e["orientation"] == "h" else "height"] >= _RULE_MIN_LENGTH]
    cells = intersections_to_cells(
        edges_to_intersections(edges, _INTERSECTION_TOLERANCE, _INTERSECTION_TOLERANCE))
    reader = _CellReader(textpage)
    # pdfplumber's cells are (x0, top, x1, bottom) with top = -y: back to PDF units.
    return [reader.table([(x0, -bottom, x1, -top) for x0, top, x1, bottom in group])
            for group in cells_to_tables(cells)]


_CELL_PADDING = 1.0   # pt: keep glyphs that touch a border out of the next cell


class _CellReader:
    """The text of a page's table cells, line by line as the cell shows it.

    pdfium's text of a cell can glue two of its lines with a space when another
    cell has text on the first line's baseline; the cell's text rectangles (one
    band per visual line) say how many lines there are, and each band is then read
    on its own.

    A word that a narrow cell cut in two is put back. A PDF producer breaks inside a
    word only when the word alone is wider than the cell ("Điể" / "m", "+0,0" / "1"),
    so the cut line holds one token and fills the cell to within a character, and
    the two halves make one number or one Vietnamese syllable (one vowel group:
    "NHI" + "ỆM", not "hành" + "chính", a normal wrap). Anything less certain keeps
    its line break.
    """

    def __init__(self, textpage: pdfium.PdfTextPage):
        self.textpage = textpage
        self.rects = [textpage.get_rect(i) for i in range(textpage.count_rects())]
        # One buffer for every cell of the page, big enough for all its text even with
        # a "\r\n" added before every char, so each cell costs one pdfium call, not two.
        self._size = 3 * textpage.count_chars() + 64
        self._buffer = (ctypes.c_ushort * self._size)()

    def table(self, cells: list[_Box]) -> _Table:
        """Rows of cell text on the table's grid; a merged cell's text is in its first
        grid position and the positions it covers are empty."""
        xs = sorted({c[0] for c in cells})
        tops = sorted({c[3] for c in cells}, reverse=True)
        rects = self._rects_by_cell(cells, xs, tops)
        by_corner = {(c[0], c[3]): c for c in cells}
        rows = [[self.text(by_corner[(x, t)], rects[by_corner[(x, t)]]) if (x, t) in by_corner else ""
                 for x in xs] for t in tops]
        bbox = (xs[0], min(c[1] for c in cells), max(c[2] for c in cells), tops[0])
        return _Table(bbox, xs, rows)

    def _rects_by_cell(self, cells: list[_Box], xs: list[float], tops: list[float]) -> dict[_Box, list[_Box]]:
        cover: dict[tuple[int, int], _Box] = {}   # (row, column) -> the cell spanning it
        for cell in cells:
            for i, x in enumerate(xs):
                for k, t in enumerate(tops):
                    if cell[0] <= x < cell[2] and cell[1] < t <= cell[3]:
                        cover[(k, i)] = cell
        below = [-t for t in tops]   # ascending, for bisect
        found: dict[_Box, list[_Box]] = {cell: [] for cell in cells}
        for rect in self.rects:
            x, y = (rect[0] + rect[2]) / 2, (rect[1] + rect[3]) / 2
            cell = cover.get((bisect.bisect_right(below, -y) - 1, bisect.bisect_right(xs, x) - 1))
            if cell is not None and cell[0] <= x <= cell[2] and cell[1] <= y <= cell[3]:
                found[cell].append(rect)
        return found

    def _bounded(self, left: float, bottom: float, right: float, top: float) -> str:
        n = pdfium_c.FPDFText_GetBoundedText(self.textpage, left, top, right, bottom,
                                             self._buffer, self._size)
        if n > 0 and self._buffer[n - 1] == 0:   # the count includes pdfium's NUL
            n -= 1
        return bytes(memoryview(self._buffer)[:max(n, 0)]).decode("utf-16-le", "ignore")

    def text(self, cell: _Box, rects: list[_Box]) -> str:
        raw = self._bounded(cell[0] + _CELL_PADDING, cell[1] + _CELL_PADDING,
                            cell[2] - _CELL_PADDING, cell[3] - _CELL_PADDING)
        lines = _LINE_BREAK.split(raw)
        bands = _bands(rects)
        if len(bands) > _visual_lines(lines):
            lines = self._lines_by_band(bands, raw) or lines
        cuts = {k for k in range(len(lines) - 1) if _may_be_cut(lines[k], lines[k + 1])}
        if cuts and len(bands) == _visual_lines(lines):
            cuts = self._confirmed_cuts(lines, cuts, bands, cell)
        else:
            cuts = set()
        text = "".join(line + ("" if k in cuts else "\n") for k, line in enumerate(lines))
        return _HYPHEN_BREAK.sub("-", text.translate(_HYPHEN_MARKS)).strip()

    def _lines_by_band(self, bands: list[_Box], raw: str) -> list[str] | None:
        """Each visual line read on its own; None unless they hold exactly the cell's
        characters (a glyph of the next line reaching into a band would add one)."""
        # pdfium ends a band with the space it put where it glued the lines: drop it.
        lines = [_LINE_BREAK.sub(" ", self._bounded(*band)).rstrip() for band in bands]
        return lines if "".join("".join(lines).split()) == "".join(raw.split()) else None

    def _confirmed_cuts(self, lines: list[str], cuts: set[int], bands: list[_Box], cell: _Box) -> set[int]:
        """The candidate cuts whose line fills the cell to within one character."""
        marks = [_hyphen_marks(line) for line in lines]
        padding = min(b[0] for b in bands) - cell[0]
        inner_right = cell[2] - padding
        confirmed = set()
        for k in cuts:
            band = bands[k + sum(marks[:k + 1])]
            if band[2] >= inner_right - self._em(band):
                confirmed.add(k)
        return confirmed

    def _em(self, band: _Box) -> float:
        index = pdfium_c.FPDFText_GetCharIndexAtPos(self.textpage, band[2] - 0.5,
                                                    (band[1] + band[3]) / 2, 2.0, 2.0)
        size = pdfium_c.FPDFText_GetFontSize(self.textpage, index) if index >= 0 else 0.0
        return size or band[3] - band[1]


def _hyphen_marks(line: str) -> int:
    # A hyphen mark stands for a line break pdfium already removed.
    return line.count("\x02") + line.count("\ufffe")


def _visual_lines(lines: list[str]) -> int:
    return len(lines) + sum(map(_hyphen_marks, lines))


_VOWEL_GROUP = re.compile(r"[aeiouy]+")


def _may_be_cut(line: str, following: str) -> bool:
    """Could the break between these two lines of a cell be inside one word?"""
    head = line.strip()
    if not head or " " in head or line[-1].isspace() or not following:
        return False
    a, b = head[-1], following[0]
    if a.isdigit() and b.isdigit():
        return True
    if a.isalnum() and following[:1] == "-" and following[1:2].isalnum():   # "TT" / "-VPCP"
        return True
    if not (a.isalpha() and b.isalpha() and a.islower() == b.islower()):
        return False
    word = fold(head + following.split(" ", 1)[0])
    return word.isalpha() and len(_VOWEL_GROUP.findall(word)) == 1


def _bands(rects: list[_Box]) -> list[_Box]:
    """Text rectangles merged into visual lines, top to bottom."""
    bands: list[list[float]] = []
    for left, bottom, right, top in sorted(rects, key=lambda r: -r[3]):
        last = bands[-1] if bands else None
        if last and bottom < (last[1] + last[3]) / 2 < top:   # overlaps the line above
            last[:] = [min(last[0], left), min(last[1], bottom), max(last[2], right), max(last[3], top)]
        else:
            bands.append([left, bottom, right, top])
    return [tuple(b) for b in bands]


# pdfium replaces "-" + line break by one U+FFFE in get_text_range() and by U+0002 in
# get_text_bounded() when a letter precedes the hyphen ("12/CT-" / "UBND"): a hyphen,
# the break dropped. After a digit it keeps "-\r\n" ("12-" / "CT/TU", "2021-" /
# "2025"); in Vietnamese documents that too is a code or range cut at its hyphen.
_HYPHEN_MARKS = str.maketrans({"\ufffe": "-", "\x02": "-"})
_HYPHEN_BREAK = re.compile(r"(?<=[^\s-])-(?:\r\n|\r|\n)(?=[^\s-])")


# ---------------------------------------------------------------- reading a page

def _read_page(pdf: pdfium.PdfDocument, index: int) -> _Page:
    page = pdf[index]
    try:
        textpage = page.get_textpage()
        try:
            result = _Page(index + 1, textpage.get_text_range())
            result.problem = _page_problem(page, result.text)
            if result.problem is not None:
                return result
            if page.get_rotation() % 360:
                result.flat = True
                return result
            result.lines = _lines(textpage, result.text)
            _, bottom, _, top = page.get_cropbox()
            result.extent = (bottom, top)
            edges = _ruling_edges(page)
            if edges:
                result.tables = _find_tables(edges, textpage)
                for table in result.tables:
                    table.page = result.number
                result.place_lines()
            return result
        finally:
            textpage.close()
    finally:
        page.close()


_BLANK = "blank page"
_FEW_CHARS = 50          # a scan with a stamped page number is still a scan
_IMAGE_COVER = 0.5       # share of the page an image must cover to be "the page"


def _page_problem(page: pdfium.PdfPage, text: str) -> str | None:
    """Why the page's text layer cannot be used (_BLANK: nothing to read at all)."""
    problem = text_layer_problem(text)
    if problem == "no text layer" and pdfium_c.FPDFPage_CountObjects(page) == 0:
        return _BLANK
    if problem is None and len("".join(text.split())) < _FEW_CHARS and _is_scan(page):
        return "page is an image with almost no text layer"
    return problem


def _is_scan(page: pdfium.PdfPage) -> bool:
    width, height = page.get_size()
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    for i in range(pdfium_c.FPDFPage_CountObjects(page)):
        obj = pdfium_c.FPDFPage_GetObject(page, i)
        if pdfium_c.FPDFPageObj_GetType(obj) == pdfium_c.FPDF_PAGEOBJ_IMAGE \
                and pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            area = (right.value - left.value) * (top.value - bottom.value)
            if area >= _IMAGE_COVER * width * height:
                return True
    return False


# ---------------------------------------------------------------- paragraphs

@dataclass
class _Metrics:
    """Document-wide line pitch, as a multiple of the font size."""
    pitch: float

    @classmethod
    def of(cls, pages: list[_Page]) -> _Metrics:
        ratios = []
        for page in pages:
            for a, b in zip(page.lines, page.lines[1:]):
                if abs(a.size - b.size) < 0.5 and a.size > 0:
                    ratio = (a.end_baseline - b.baseline) / a.size
                    if 0.8 < ratio < 3.0:
                        ratios.append(ratio)
        # The lower quartile: lines inside a paragraph, not the gaps between them.
        pitch = statistics.quantiles(ratios, n=4)[0] if len(ratios) >= 4 else 1.2
        return cls(pitch)


def _new_paragraph(prev: _Line, line: _Line, left: float, right: float, metrics: _Metrics) -> bool:
    """Does `line` start a new paragraph after `prev` (both body lines, in order)?"""
    size = max(prev.size, line.size, 1.0)
    pitch = prev.end_baseline - line.baseline
    if pitch < 0.5 * size:                       # moved up or sideways: a new text run
        return True
    if pitch > (metrics.pitch + 0.2) * size:     # space between paragraphs
        return True
    if abs(prev.size - line.size) >= 1.0:        # a heading next to body text
        return True
    centred = _centred(prev, left, right) and _centred(line, left, right)
    if centred:
        return False
    if line.left > left + 0.5 * size and line.left > prev.left + 0.5 * size:   # first-line indent
        return True
    return prev.right < right - 6 * size         # previous line stopped short: it ended


def _centred(line: _Line, left: float, right: float) -> bool:
    before, after = line.left - left, right - line.right
    return before > 2 * line.size and abs(before - after) < 2 * line.size


_Placed = tuple[RawBlock, "_Table | None"]   # a block and, for a table, its geometry


def _page_blocks(page: _Page, metrics: _Metrics, skip: set[int]) -> list[_Placed]:
    """Body paragraphs and tables of a page in stream order (`skip`: header/footer lines)."""
    if page.flat:
        return [(RawBlock(BlockKind.PARAGRAPH, page.text.translate(_HYPHEN_MARKS), page=page.number), None)]
    body = [i for i, line in enumerate(page.lines) if i not in skip and line.table is None]
    left = min((page.lines[i].left for i in body), default=0.0)
    right = max((page.lines[i].right for i in body), default=0.0)

    blocks: list[_Placed] = []
    emitted: set[int] = set()
    group: list[int] = []
    for i, line in enumerate(page.lines):
        if i in skip:
            continue
        table = line.table
        if table is not None:
            if group:
                blocks.append((_paragraph(page, group), None))
                group = []
            if table not in emitted:
                emitted.add(table)
                raw = RawBlock(BlockKind.TABLE, rows=page.tables[table].rows,
                               page=page.number, origin=line.start)
                blocks.append((raw, page.tables[table]))
            continue
        if group and (group[-1] != i - 1 or
                      _new_paragraph(page.lines[group[-1]], line, left, right, metrics)):
            blocks.append((_paragraph(page, group), None))
            group = []
        group.append(i)
    if group:
        blocks.append((_paragraph(page, group), None))
    return blocks


# ---------------------------------------------------------------- tables across pages

_SAME_COLUMN = 3.0   # pt


def _continues(before: _Placed, after: _Placed) -> bool:
    """Is `after` (first on its page) the rest of the table `before` (last on the
    previous page)? Same grid: same number of columns at the same places."""
    table_a, table_b = before[1], after[1]
    return (table_a is not None and table_b is not None and table_b.page == table_a.page + 1
            and len(table_a.columns) == len(table_b.columns)
            and all(abs(a - b) <= _SAME_COLUMN for a, b in zip(table_a.columns, table_b.columns))
            and abs(table_a.bbox[2] - table_b.bbox[2]) <= _SAME_COLUMN)


def _merge_tables(before: _Placed, after: _Placed) -> _Placed:
    """One table from its two parts. A repeated header row is dropped; a first row
    without its first cell (the row number) is the rest of a row the page cut."""
    (raw_a, _), (raw_b, table_b) = before, after
    rows_a, rows_b = [list(r) for r in raw_a.rows or []], list(raw_b.rows or [])
    if rows_a and rows_b and rows_b[0] == rows_a[0]:
        rows_b = rows_b[1:]
    elif rows_a and rows_b and not rows_b[0][0].strip() and rows_a[-1][0].strip():
        rows_a[-1] = ["\n".join(c for c in pair if c) for pair in zip(rows_a[-1], rows_b[0])]
        rows_b = rows_b[1:]
    return RawBlock(BlockKind.TABLE, rows=rows_a + rows_b, page=raw_a.page,
                    origin=raw_a.origin), table_b


def _paragraph(page: _Page, group: list[int], kind: BlockKind = BlockKind.PARAGRAPH) -> RawBlock:
    """The page text of consecutive lines, with the map back to the page stream."""
    start, end = page.lines[group[0]].start, page.lines[group[-1]].end
    text = page.text[start:end].translate(_HYPHEN_MARKS)
    cuts = [m.span() for m in _HYPHEN_BREAK.finditer(text)]
    if not cuts:
        return RawBlock(kind, text, page=page.number, origin=start)
    # Drop the line break after each joining hyphen; keep every other char's origin.
    kept = [i for i in range(len(text))
            if not any(a + 1 <= i < b for a, b in cuts)]
    return RawBlock(kind, "".join(text[i] for i in kept), page=page.number,
                    origin=start, origins=[start + i for i in kept])


# ---------------------------------------------------------------- running headers/footers

_DIGITS = re.compile(r"\d+")
_MAX_RUNNING_LENGTH = 100
_MARGIN_SHARE = 0.15   # the top/bottom share of the page a running line lives in


def _running_lines(pages: list[_Page]) -> dict[int, dict[int, BlockKind]]:
    """Per page, the line indices that are running headers/footers.

    Candidates are the top-most and bottom-most body line of a page when they sit in
    the top or bottom margin; digits are masked so "Trang 2" and "Trang 3" match. A
    candidate is running when it recurs on at least half of the pages (and twice)."""
    candidates: list[tuple[int, int, BlockKind, str]] = []
    for page in pages:
        body = [i for i, line in enumerate(page.lines) if line.table is None]
        if page.flat or not body:
            continue
        low, high = page.extent
        band = (high - low) * _MARGIN_SHARE
        top = max(body, key=lambda i: page.lines[i].top)
        bottom = min(body, key=lambda i: page.lines[i].bottom)
        for i, kind in ((top, BlockKind.PAGE_HEADER), (bottom, BlockKind.PAGE_FOOTER)):
            line = page.lines[i]
            in_margin = line.bottom > high - band if kind == BlockKind.PAGE_HEADER else line.top < low + band
            if in_margin and len(line.text) <= _MAX_RUNNING_LENGTH:
                candidates.append((page.number, i, kind, _DIGITS.sub("#", " ".join(line.text.split()))))
    counts = Counter((kind, key) for _, _, kind, key in candidates)
    needed = max(2, (len(pages) + 1) // 2)
    running: dict[int, dict[int, BlockKind]] = {}
    for number, i, kind, key in candidates:
        if counts[(kind, key)] >= needed:
            running.setdefault(number, {})[i] = kind
    return running


# ---------------------------------------------------------------- the reader

def read_pdf(data: bytes, *, ocr: OcrEngine | None = None) -> ReadResult:
    """Read a PDF's text layer (tables cell by cell); OCR the pages without one."""
    with PDFIUM_LOCK:
        pages = _read_pages(data)
    page_count = len(pages)

    result = ReadResult(blocks=[], page_count=page_count)
    text_pages = [p for p in pages if p.problem is None]
    metrics = _Metrics.of(text_pages)
    running = _running_lines(text_pages)
    need_ocr = [p.number for p in pages if p.problem not in (None, _BLANK)]
    ocr_blocks = _ocr(data, need_ocr, ocr, result)

    body: list[_Placed] = []
    running_blocks: list[RawBlock] = []
    for page in pages:
        if page.number in ocr_blocks:
            placed = [(raw, None) for raw in ocr_blocks[page.number]]
            if body and placed and _ocr_table_continues(body[-1][0], placed[0][0]):
                body[-1] = _merge_tables(body[-1], placed.pop(0))
            body += placed
        elif page.problem is None:
            lines = running.get(page.number, {})
            placed = _page_blocks(page, metrics, set(lines))
            if body and placed and _continues(body[-1], placed[0]):
                body[-1] = _merge_tables(body[-1], placed.pop(0))
            body += placed
            running_blocks += [_paragraph(page, [i], kind) for i, kind in sorted(lines.items())]
    result.blocks = [raw for raw, _ in body] + running_blocks
    return result


def _read_pages(data: bytes) -> list[_Page]:
    pdf = _open(data)
    try:
        pages = []
        for index in range(len(pdf)):
            try:
                pages.append(_read_page(pdf, index))
            except pdfium.PdfiumError as exc:
                raise ReadError(f"corrupt PDF: page {index + 1}: {exc}") from None
        return pages
    finally:
        pdf.close()


def _ocr(data: bytes, pages: list[int], ocr: OcrEngine | None,
         result: ReadResult) -> dict[int, list[RawBlock]]:
    """OCR the pages without a usable text layer in one call; their blocks by page
    (paragraphs, and the ruled tables the engine read cell by cell)."""
    if not pages:
        return {}
    listed = ", ".join(map(str, pages))
    if ocr is None:
        result.warnings.append(f"pages without a usable text layer left out (no OCR engine): {listed}")
        return {}
    blocks: dict[int, list[RawBlock]] = {}
    for page in ocr.ocr_pdf_pages(data, pages):
        if page.page not in pages:
            continue
        blocks[page.page] = ocr_blocks(page)
        result.page_quality[page.page] = ocr_quality(page)
        result.warnings += [f"page {page.page}: {w}" for w in page.warnings]
        if page.needs_rescan:
            result.warnings.append(rescan_warning(page))
    result.ocr_pages = sorted(blocks)
    missing = [p for p in pages if p not in blocks]
    if missing:
        result.warnings.append(f"OCR returned nothing for pages: {', '.join(map(str, missing))}")
    return blocks


def _ocr_table_continues(before: RawBlock, after: RawBlock) -> bool:
    """An OCR-read table that opens a page continues the one that closed the previous
    page when both have the same number of columns (OCR gives no geometry to compare)."""
    return (before.kind == after.kind == BlockKind.TABLE and after.page == before.page + 1
            and max(map(len, before.rows or [[]])) == max(map(len, after.rows or [[]])))
