"""Tables in plain text, rebuilt from the shapes that copying from portals gives them.

- TAB rows: one row per line, cells separated by TAB (what a browser copies from an
  HTML table). Merged cells leave empty cells; a row broken by a page break continues
  on a line of its own with only some cells filled.
- Markdown pipe tables: `| a | b |` rows with a `|---|---|` separator row.
- One cell per line block: every cell (its text wrapped over several lines) is
  followed by a line holding only `|`, row after row, with nothing marking where a row
  ends. Rows are found from the column count of the header row and from the row
  numbers (1, 1.1, 1.1.1, I, II ...) that open them.

Everything here works on lines of `MappedText`, so cells keep their source offsets;
cleaning markup out of the cells is the caller's business.
"""
from __future__ import annotations

import re
from array import array
from dataclasses import dataclass

from vanban.text import MappedText


@dataclass
class TextSpan:
    """Lines that are not part of a table, in order."""
    lines: list[MappedText]


@dataclass
class TableSpan:
    """A rebuilt table: rows of cells, each cell a MappedText (lines joined by "\\n")."""
    rows: list[list[MappedText]]

    @property
    def origin(self) -> int:
        for row in self.rows:
            for cell in row:
                if len(cell):
                    return cell.source_offset(0)
        return 0


Piece = TextSpan | TableSpan


# ---------------------------------------------------------------- lines

def split_lines(text: MappedText) -> list[MappedText]:
    lines, start = [], 0
    for i, ch in enumerate(text.text):
        if ch == "\n":
            lines.append(text.slice(start, i))
            start = i + 1
    lines.append(text.slice(start, len(text)))
    return lines


def join_lines(lines: list[MappedText]) -> MappedText:
    """Lines back into one text; each "\\n" points just after the line it ends."""
    text: list[str] = []
    origin = array("l")
    for i, line in enumerate(lines):
        if i:
            previous = lines[i - 1]
            text.append("\n")
            origin.append(previous.origin[-1] + 1 if len(previous) else (origin[-1] if origin else 0))
        text.append(line.text)
        origin.extend(line.origin)
    return MappedText("".join(text), origin)


def _strip_blank_edges(lines: list[MappedText]) -> list[MappedText]:
    start, end = 0, len(lines)
    while start < end and not lines[start].text.strip():
        start += 1
    while end > start and not lines[end - 1].text.strip():
        end -= 1
    return lines[start:end]


def _split_at(line: MappedText, positions: list[int]) -> list[MappedText]:
    cells, start = [], 0
    for pos in positions:
        cells.append(line.slice(start, pos).strip())
        start = pos + 1
    cells.append(line.slice(start, len(line)).strip())
    return cells


# ---------------------------------------------------------------- TAB rows and pipe tables

_DASHES = re.compile(r"\s*:?-{2,}:?\s*")
# Lines between two TAB rows that are captions of a new table, not a merged row.
_CAPTION = re.compile(r"\s*(?:PHỤ\s+LỤC|Phụ\s+lục|BIỂU|Biểu|BẢNG|Bảng|\(Kèm\s+theo|Mẫu\s+số)", re.I)
_MERGED_ROW_MAX = 200   # a one-cell row spanning the table is a short heading


def find_tables(lines: list[MappedText]) -> list[Piece]:
    """Split lines into text and the tables among them (TAB rows, pipe tables)."""
    pieces: list[Piece] = []
    text: list[MappedText] = []
    i = 0
    while i < len(lines):
        end, rows = _tab_table(lines, i)
        if not rows:
            end, rows = _pipe_table(lines, i)
        if rows:
            if text:
                pieces.append(TextSpan(text))
                text = []
            pieces.append(TableSpan(rows))
            i = end
        else:
            text.append(lines[i])
            i += 1
    if text:
        pieces.append(TextSpan(text))
    return pieces


_INNER_TAB = re.compile(r"\S[ ]*\t[\t ]*\S")


def _has_cells(line: str) -> bool:
    """A TAB that separates cells: after some text, not only indenting the line."""
    return "\t" in line.lstrip(" \t\u3000") and bool(line.strip())


def _is_separator_row(line: str) -> bool:
    cells = [c for c in re.split(r"[\t|]", line) if c.strip()]
    return bool(cells) and all(_DASHES.fullmatch(c) for c in cells)


def _tab_table(lines: list[MappedText], start: int) -> tuple[int, list[list[MappedText]]]:
    """The TAB table that starts at `start`, if one does: (index after it, rows).

    The run goes on over blank lines, over lines that only start with TABs (the cells
    of a row continued after a page break) and over one short line standing alone
    between two TAB rows (a row merged across the table)."""
    first = lines[start].text
    if not _has_cells(first):
        return start, []
    if not _INNER_TAB.search(first) and not (start + 1 < len(lines) and _has_cells(lines[start + 1].text)):
        return start, []        # a TAB left at the end of a line of text
    rows: list[list[MappedText]] = []
    i, end = start, start
    while i < len(lines):
        raw = lines[i].text
        if _has_cells(raw) or (raw.startswith("\t") and raw.strip()):
            if not _is_separator_row(raw):
                rows.append(_split_at(lines[i], [m.start() for m in re.finditer("\t", raw)]))
            i += 1
            end = i
        elif not raw.strip():
            i += 1
        elif _merged_row(lines, i):
            rows.append([lines[i].strip()])
            i += 1
            end = i
        else:
            break
    if not any(sum(1 for c in row if c.text) >= 2 for row in rows):
        return start, []        # stray TABs at the end of a line of text, not cells
    return end, rows


def _merged_row(lines: list[MappedText], i: int) -> bool:
    text = lines[i].text
    if len(text) > _MERGED_ROW_MAX or _CAPTION.match(text):
        return False
    following = next((line.text for line in lines[i + 1:] if line.text.strip()), "")
    return _has_cells(following)


_PIPE_ROW = re.compile(r"\s*\|.*\|\s*")


def _pipe_table(lines: list[MappedText], start: int) -> tuple[int, list[list[MappedText]]]:
    end = start
    while end < len(lines) and _PIPE_ROW.fullmatch(lines[end].text) and lines[end].text.count("|") >= 2:
        end += 1
    block = lines[start:end]
    if len(block) < 2 or not any(_is_separator_row(line.text) for line in block[:3]):
        return start, []
    rows = []
    for line in block:
        if _is_separator_row(line.text):
            continue
        raw = line.text
        first, last = raw.index("|"), raw.rindex("|")
        bars = [m.start() for m in re.finditer(r"(?<!\\)\|", raw) if first < m.start() < last]
        rows.append(_split_at(line.slice(first + 1, last), [b - first - 1 for b in bars]))
    return end, rows


# ---------------------------------------------------------------- one cell per line block

_BAR = "|"
_MIN_BARS = 6
# The label heading a table's number column.
_NUMBER_LABEL = re.compile(r"(?:S\.?\s?T\.?\s?T\.?|TT|Số\s*TT|Số\s+thứ\s+tự)", re.I)
# A cell that closes the table: a note or the caption of the next part.
_AFTER_TABLE = re.compile(r"\s*(?:\*\s*)?(?:Ghi\s+chú|Chú\s+thích|Lưu\s+ý|Nơi\s+nhận|PHỤ\s+LỤC)\b", re.I)
_NOTE_MIN = 40
_MAX_HEADER = 15


def is_cell_layout(lines: list[MappedText]) -> bool:
    return sum(1 for line in lines if line.text.strip() == _BAR) >= _MIN_BARS


@dataclass
class _Cell:
    lines: list[MappedText]
    closed: bool             # followed by a `|` line (text after the last one is not a cell)

    @property
    def text(self) -> str:
        return "\n".join(line.text.strip() for line in self.lines).strip()

    def mapped(self) -> MappedText:
        return join_lines([line.strip() for line in self.lines])


def _cells(lines: list[MappedText]) -> list[_Cell]:
    cells, current = [], []
    for line in lines:
        if line.text.strip() == _BAR:
            cells.append(_Cell(_strip_blank_edges(current), True))
            current = []
        else:
            current.append(line)
    if _strip_blank_edges(current):
        cells.append(_Cell(_strip_blank_edges(current), False))
    return cells


def read_cell_layout(lines: list[MappedText]) -> list[Piece]:
    """Cells one per line block, `|` lines between: tables where a number column's
    label opens them, text (header, body, signature, captions) everywhere else."""
    cells = _cells(lines)
    pieces: list[Piece] = []
    i = 0
    while i < len(cells):
        cell = cells[i]
        label_at = _label_line(cell)
        if label_at is None or not cell.closed:
            if cell.lines:
                pieces.append(TextSpan(cell.lines))
            i += 1
            continue
        header = [_Cell(cell.lines[label_at:], True)]
        end, rows = _table_body(cells, i + 1, header)
        if rows is None:                 # no header row ends here: not a table after all
            pieces.append(TextSpan(cell.lines))
            i += 1
            continue
        if label_at:
            pieces.append(TextSpan(cell.lines[:label_at]))      # the caption above it
        pieces.append(TableSpan([[c.mapped() for c in row] for row in rows]))
        i = end
    return pieces


def _label_line(cell: _Cell) -> int | None:
    """Index of the cell's line that is a number-column label, when it is its last line."""
    if cell.lines and _NUMBER_LABEL.fullmatch(cell.lines[-1].text.strip()):
        return len(cell.lines) - 1
    return None


def _table_body(cells: list[_Cell], start: int,
                header: list[_Cell]) -> tuple[int, list[list[_Cell]] | None]:
    """Header cells run to the first empty or row-number cell; then rows are cut where
    a row is full or where a row number that follows the previous one opens a new one."""
    i = start
    while i < len(cells) and not _header_ends(cells, i):
        header.append(cells[i])
        i += 1
        if len(header) > _MAX_HEADER:
            return start, None
    if i >= len(cells) or len(header) < 2:
        return start, None
    columns = len(header)
    rows, row = [header], []
    numbering = _Numbering()
    while i < len(cells) and not _ends_table(cells[i], row, columns):
        cell = cells[i]
        number = row_number(cell.text)
        opens = _opens_row(cells, i, numbering) and not (
            row and _opens_row(cells, i + columns - len(row), numbering))
        if row and (len(row) >= columns or opens):
            rows.append(row)
            row = []
        if not row and number is not None:
            numbering.accept(number)
        row.append(cell)
        i += 1
    if row:
        rows.append(row)
    return i, rows


def _opens_row(cells: list[_Cell], i: int, numbering: _Numbering) -> bool:
    """Could cell i open the next row: a row number that follows the last one, with
    a label after it? A short row is cut there, unless filling the row up to the column
    count would end just before such a cell: then cell i is a value ("1 | Ban hành |
    2 | Phòng Tư pháp | 2 | Rà soát")."""
    if i >= len(cells):
        return False
    number = row_number(cells[i].text)
    return number is not None and _text_follows(cells, i, cells[i].text) and numbering.follows(number)


def _header_ends(cells: list[_Cell], i: int) -> bool:
    text = cells[i].text
    return not text or (row_number(text) is not None and _text_follows(cells, i, text))


def _ends_table(cell: _Cell, row: list[_Cell], columns: int) -> bool:
    if not cell.closed or _label_line(cell) is not None:
        return True
    at_row_start = not row or len(row) >= columns
    return at_row_start and len(cell.text) >= _NOTE_MIN and bool(_AFTER_TABLE.match(cell.text))


def _text_follows(cells: list[_Cell], i: int, number_text: str) -> bool:
    """Is the next cell a label (starts with a letter, after repeating the number)?"""
    if i + 1 >= len(cells):
        return False
    following = cells[i + 1].text
    flat = " ".join(number_text.split())
    if following.startswith(flat):
        following = following[len(flat):].lstrip(". ")
    following = following.lstrip("(\"“‘'[")
    return bool(following) and following[0].isalpha()


# ---------------------------------------------------------------- row numbers

_ARABIC = re.compile(r"\d{1,2}(?:\.\d{1,2}){0,3}\.?")
_ROMAN = re.compile(r"[IVXLC]{1,7}\.?")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def row_number(text: str) -> tuple[int, ...] | str | None:
    """A row number as hierarchical parts ("1.2" -> (1, 2)) or a roman numeral ("II"),
    None when the text is not one. Parts written on separate lines ("3.3\\n1") count."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if len(lines) == 1 and _ROMAN.fullmatch(lines[0]):
        numeral = lines[0].rstrip(".")
        return numeral if _roman_value(numeral) else None
    if not lines or not all(_ARABIC.fullmatch(line) for line in lines):
        return None
    digits = [part for line in lines for part in line.rstrip(".").split(".")]
    if any(part.startswith("0") for part in digits):
        return None          # "0.5", "01" are values, not row numbers
    return tuple(int(part) for part in digits)


def _roman_value(numeral: str) -> int:
    """The value of a well-formed roman numeral, 0 otherwise ("IIII", "VX")."""
    total = 0
    for i, ch in enumerate(numeral):
        value = _ROMAN_VALUES[ch]
        following = _ROMAN_VALUES[numeral[i + 1]] if i + 1 < len(numeral) else 0
        total += -value if value < following else value
    return total if _to_roman(total) == numeral else 0


def _to_roman(value: int) -> str:
    out = []
    for number, numeral in ((100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"),
                            (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        count, value = divmod(value, number)
        out.append(numeral * count)
    return "".join(out)


class _Numbering:
    """The row numbers seen so far, to tell the next row's number from a value.

    After 1.2 come 1.2.1 (a child), 1.3 (a sibling), 2 or 2.1 (an uncle and its first
    child); a roman numeral (I, II ...) opens a group whose rows count from 1 again."""

    def __init__(self) -> None:
        self.last: tuple[int, ...] | None = None
        self.roman = 0

    def follows(self, number: tuple[int, ...] | str) -> bool:
        if isinstance(number, str):
            return _roman_value(number) == self.roman + 1
        if self.last is None:
            return all(p == 1 for p in number)
        last = self.last
        if number == last + (1,):
            return True
        for k in range(1, len(last) + 1):
            if (number[:k - 1] == last[:k - 1] and len(number) >= k
                    and number[k - 1] == last[k - 1] + 1 and all(p == 1 for p in number[k:])):
                return True
        return False

    def accept(self, number: tuple[int, ...] | str) -> None:
        """Remember a number that opened a row, if it fits the sequence (a typo such as
        "22" for "2.2" opens its row but must not derail what follows)."""
        if not self.follows(number):
            return
        if isinstance(number, str):
            self.roman, self.last = _roman_value(number), None
        else:
            self.last = number
