"""HTML pages saved from portals: paragraphs, headings and tables in reading order.

Block elements (p, div, h1-h6, li ...) end paragraphs, <br> ends a line, tables
become rows of cells on a grid (a cell spanning rows or columns is written in its first
grid position, the positions it covers stay empty), scripts, styles and navigation are
dropped. Source offsets are offsets in the decoded HTML text.
"""
from __future__ import annotations

import codecs
import html
import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser

from ingest.base import ReadError
from ingest.encoding import EMPTY, decode, fix_legacy, vietnamese_score
from vanban.models import BlockKind, RawBlock, ReadResult

_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_SKIP = frozenset("script style noscript template head title nav aside svg iframe object "
                  "select button canvas map".split())
_BLOCK = frozenset("p div section article header footer main ul ol li dl dt dd blockquote "
                   "pre address figure figcaption form fieldset hr center".split())
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_VOID = frozenset("br img hr meta link input col area base wbr source embed param track".split())


def read_html(data: bytes) -> ReadResult:
    """Blocks of an HTML page: headings, paragraphs and tables, in reading order."""
    text, encoding = decode_html(data)
    parser = _Parser(text)
    parser.feed(text)
    parser.close()
    return ReadResult(blocks=parser.finish(), encoding=encoding)


def decode_html(data: bytes) -> tuple[str, str]:
    """The page's text: the charset its <meta> declares, unless the bytes say otherwise
    (a BOM, or UTF-8 that reads as better Vietnamese than the declared charset)."""
    if not data.strip():
        raise ReadError(EMPTY)
    declared = _declared_charset(data)
    if declared is None or data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode(data)
    try:
        text = unicodedata.normalize("NFC", data.decode(declared))
    except UnicodeDecodeError:
        return decode(data)
    text, legacy = fix_legacy(text)      # pages still set in .VnTime or VNI fonts
    if legacy:
        return text, legacy
    if declared != "utf-8":
        try:
            as_utf8 = data.decode("utf-8")
        except UnicodeDecodeError:
            return text, declared
        if vietnamese_score(as_utf8) > vietnamese_score(text):
            return as_utf8, "utf-8"
    return text, declared


# Python's codec names -> the names `ingest.encoding.decode` reports.
_CODEC_NAMES = {"cp1258": "windows-1258", "cp1252": "windows-1252"}


def _declared_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:8192])
    if not m:
        return None
    try:
        name = codecs.lookup(m.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
    return _CODEC_NAMES.get(name, name)


@dataclass
class _Buffer:
    """Text being collected, with each character's offset in the page."""
    chars: list[str] = field(default_factory=list)
    origins: list[int] = field(default_factory=list)

    def add(self, text: str, origin: int, spaces: bool = False) -> None:
        """Add text; unless `spaces`, runs of whitespace become one space, as a browser
        shows them, and none at the start of a line."""
        for i, ch in enumerate(text):
            if ch.isspace() and not spaces:
                if not self.chars or self.chars[-1] in " \n":
                    continue
                ch = " "
            self.chars.append(ch)
            self.origins.append(origin + i)

    def newline(self, origin: int, blank: bool = False) -> None:
        while self.chars and self.chars[-1] == " ":
            self.chars.pop()
            self.origins.pop()
        if not self.chars:
            return
        wanted = "\n\n" if blank else "\n"
        tail = "".join(self.chars[-2:])
        for _ in range(len(wanted) - (len(tail) - len(tail.rstrip("\n")))):
            self.chars.append("\n")
            self.origins.append(origin)

    @property
    def text(self) -> str:
        return "".join(self.chars)


@dataclass
class _Cell:
    buffer: _Buffer
    rowspan: int = 1
    colspan: int = 1


@dataclass
class _Table:
    origin: int
    rows: list[list[_Cell]] = field(default_factory=list)
    cell: _Cell | None = None
    nested: int = 0        # depth of tables inside a cell: flattened into that cell


class _Parser(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.blocks: list[RawBlock] = []
        self._buffer = _Buffer()
        self._heading: int | None = None
        self._skip: list[str] = []
        self._tables: list[_Table] = []
        self._pre = 0

    # -- positions and targets

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def _target(self) -> _Buffer:
        if self._tables and self._tables[-1].cell is not None:
            return self._tables[-1].cell.buffer
        return self._buffer

    # -- events

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip:
            if tag not in _VOID:
                self._skip.append(tag)
            return
        if tag in _SKIP:
            self._skip.append(tag)
            return
        at = self._offset()
        if tag == "table":
            if self._tables and self._tables[-1].cell is not None:
                self._tables[-1].nested += 1
                self._target().newline(at, blank=True)
            else:
                self._flush(at)
                self._tables.append(_Table(at))
        elif tag in ("tr", "td", "th") and self._tables:
            self._table_tag(tag, dict(attrs), at)
        elif tag == "br":
            self._target().newline(at)
        elif tag in _HEADINGS and not self._in_cell():
            self._flush(at)
            self._heading = _HEADINGS[tag]
        elif tag in _BLOCK or tag in _HEADINGS:
            self._block_break(at)
        elif tag == "pre":
            self._pre += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._skip:
            if tag in self._skip:
                while self._skip and self._skip.pop() != tag:
                    pass
            return
        at = self._offset()
        if tag == "table" and self._tables:
            table = self._tables[-1]
            if table.nested:
                table.nested -= 1
                self._target().newline(at, blank=True)
            else:
                self._end_cell()
                self._tables.pop()
                self._emit_table(table)
        elif tag in ("td", "th") and self._tables:
            if self._tables[-1].nested:
                self._target().add(" ", at)
            else:
                self._end_cell()
        elif tag in _HEADINGS and self._heading is not None and not self._in_cell():
            self._flush(at)
        elif tag in _BLOCK or tag in _HEADINGS:
            self._block_break(at)
        elif tag == "pre":
            self._pre = max(self._pre - 1, 0)

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._target().add(data, self._offset(), spaces=self._pre > 0)

    def handle_entityref(self, name: str) -> None:
        self._char_reference(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self._char_reference(f"&#{name};")

    def _char_reference(self, reference: str) -> None:
        if not self._skip:
            # "&nbsp;" is a space that does not collapse; canonical() makes it a space
            self._target().add(html.unescape(reference), self._offset(), spaces=True)

    # -- structure

    def _in_cell(self) -> bool:
        return bool(self._tables) and self._tables[-1].cell is not None

    def _block_break(self, at: int) -> None:
        if self._in_cell():
            self._target().newline(at, blank=True)
        else:
            self._flush(at)

    def _flush(self, at: int) -> None:
        """End the paragraph (or heading) being collected."""
        buffer = self._buffer
        buffer.newline(at)
        text = buffer.text.strip()
        if text:
            start = len(buffer.text) - len(buffer.text.lstrip())
            kind = BlockKind.HEADING if self._heading else BlockKind.PARAGRAPH
            self.blocks.append(RawBlock(kind, text=text, level=self._heading,
                                        origins=buffer.origins[start:start + len(text)]))
        self._buffer = _Buffer()
        self._heading = None

    def _table_tag(self, tag: str, attrs: dict[str, str | None], at: int) -> None:
        table = self._tables[-1]
        if table.nested:
            self._target().add(" " if tag != "tr" else "\n", at, spaces=True)
            return
        self._end_cell()
        if tag == "tr" or not table.rows:
            table.rows.append([])
        if tag in ("td", "th"):
            table.cell = _Cell(_Buffer(), _span(attrs.get("rowspan")), _span(attrs.get("colspan")))
            table.rows[-1].append(table.cell)

    def _end_cell(self) -> None:
        if self._tables:
            self._tables[-1].cell = None

    def _emit_table(self, table: _Table) -> None:
        grid = _grid(table.rows)
        if not grid:
            return
        if len(grid) == 1 and len(grid[0]) == 1:        # a layout box, not a table
            cell = next(c for row in table.rows for c in row)
            text = cell.buffer.text.strip()
            if text:
                start = len(cell.buffer.text) - len(cell.buffer.text.lstrip())
                self.blocks.append(RawBlock(BlockKind.PARAGRAPH, text=text,
                                            origins=cell.buffer.origins[start:start + len(text)]))
            return
        self.blocks.append(RawBlock(BlockKind.TABLE, rows=grid, origin=table.origin))

    def finish(self) -> list[RawBlock]:
        at = self._line_starts[-1]
        while self._tables:                        # a page cut off inside a table
            self._end_cell()
            self._emit_table(self._tables.pop())
        self._flush(at)
        return self.blocks


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1


def _grid(rows: list[list[_Cell]]) -> list[list[str]]:
    """Cells placed on the table's grid: each at the first free position of its row,
    the positions its rowspan/colspan cover left empty."""
    taken: set[tuple[int, int]] = set()
    placed: dict[tuple[int, int], str] = {}
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            placed[(r, c)] = _cell_text(cell.buffer.text)
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
    if not placed:
        return []
    height = max(r for r, _ in taken) + 1
    width = max(c for _, c in taken) + 1
    grid = [[placed.get((r, c), "") for c in range(width)] for r in range(height)]
    return [row for row in grid if any(row)] if any(any(row) for row in grid) else []


def _cell_text(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)
