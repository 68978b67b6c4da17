"""What the columns of a table mean, read from its header row(s).

Task tables ("TT | Nhiệm vụ | Sản phẩm | Tiến độ | Thực hiện") and index tables
("STT | Tiêu chí | Điểm tối đa | Điểm năm 2021 | Mục tiêu năm 2022") are recognised by
the words of their header (vocabulary in `vanban/data/table_columns.csv`). A table that
continues one on the next page often repeats no header: `continues` tells whether it can
take the previous table's header.

Rows are numbered as printed: "I", "1", "1.1", "2.4.1", sometimes "22" for "2.2" or a
number run into the text cell ("7.1 Ứng dụng công nghệ thông tin"); `split_ref` reads both.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from vanban.datafiles import read_csv
from vanban.text import fold

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
# Row numbers: roman group numbers, dotted arabic numbers (a space may stand for a dot:
# "3.3 1"), letters "a)", with an optional trailing dot or parenthesis.
_REF = re.compile(r"^\s*(?P<ref>(?:[IVXLC]{1,6}|\d{1,3}(?:[.\s]\d{1,3})*|[a-zđ]\))\.?)(?:\s+|$)")
_ROMAN = re.compile(r"^[IVXLC]{1,6}$")
_TARGET_WORDS = re.compile(r"\b(?:muc tieu|ke hoach|chi tieu|phan dau|du kien|dang ky|giao)\b")


@dataclass(frozen=True)
class Column:
    index: int
    role: str
    header: str
    year: int | None = None
    kind: str | None = None        # value columns: "actual" or "target"


@dataclass(frozen=True)
class TableHeader:
    columns: tuple[Column, ...]
    body_start: int                # index of the first row after the header

    def first(self, role: str) -> Column | None:
        return next((c for c in self.columns if c.role == role), None)

    def all(self, role: str) -> list[Column]:
        return [c for c in self.columns if c.role == role]

    @property
    def width(self) -> int:
        return len(self.columns)

    def is_task_table(self) -> bool:
        """A task column and someone responsible, a deadline or a product."""
        return self.first("text") is not None and any(
            self.first(r) for r in ("lead", "performer", "support", "deadline", "output"))

    def is_value_table(self) -> bool:
        return bool(self.all("value"))


@cache
def _vocabulary() -> tuple[tuple[str, str], ...]:
    return tuple((row["role"], row["phrase"]) for row in read_csv("table_columns.csv"))


def _words(text: str) -> str:
    return " " + " ".join(re.sub(r"\W+", " ", fold(text)).split()) + " "


def column_role(header: str) -> str | None:
    """The role of a column from its header text, or None when nothing matches."""
    words = _words(header)
    if not words.strip():
        return None
    for role, phrase in _vocabulary():
        if phrase == "year:":
            if _YEAR.search(header):
                return role
        elif phrase.startswith("exact:"):
            if words.strip() == _words(phrase[6:]).strip():
                return role
        elif _words(phrase) in words:
            return role
    return None


def _column(index: int, header: str) -> Column:
    role = column_role(header) or ""
    if role != "value":
        return Column(index, role, header)
    year = _YEAR.search(header)
    kind = "target" if _TARGET_WORDS.search(fold(header)) else "actual"
    return Column(index, role, header, int(year.group(1)) if year else None, kind)


def _is_header_row(row: list[str]) -> bool:
    roles = [column_role(c) for c in row if c.strip()]
    known = [r for r in roles if r]
    return len(known) >= 2 and any(r in ("text", "ref") for r in known) \
        and not any(split_ref(c)[0] and column_role(c) is None for c in row[:1])


def read_header(rows: list[list[str]], scan: int = 3) -> TableHeader | None:
    """The header among the first rows; a second header row whose first cells are empty
    (sub-columns under a merged cell) adds its words to the columns above it."""
    for i, row in enumerate(rows[:scan]):
        if not _is_header_row(row):
            continue
        headers = list(row)
        body = i + 1
        while body < len(rows) and not any(rows[body][:2]) and any(rows[body]) \
                and all(len(c) < 60 and not _YEAR.fullmatch(c.strip()) for c in rows[body]):
            for k, cell in enumerate(rows[body]):
                if cell.strip() and k < len(headers):
                    headers[k] = f"{headers[k]} {cell}".strip()
            body += 1
        return TableHeader(tuple(_column(k, h) for k, h in enumerate(headers)), body)
    return None


def continues(previous: TableHeader | None, rows: list[list[str]]) -> TableHeader | None:
    """The previous table's header for a headerless table of the same width."""
    if previous is None or not rows or read_header(rows) is not None:
        return None
    width = max(len(r) for r in rows)
    if width != previous.width:
        return None
    return TableHeader(previous.columns, 0)


def cell(row: list[str], column: Column | None) -> str:
    if column is None or column.index >= len(row):
        return ""
    return row[column.index].strip()


def split_ref(text: str) -> tuple[str | None, str]:
    """("2.4.1", "Tính đồng bộ ...") from "2.4.1. Tính đồng bộ ..."; (None, text) if unnumbered."""
    m = _REF.match(text)
    if not m:
        return None, text.strip()
    ref = m.group("ref").rstrip(".")
    if not ref or re.fullmatch(r"\d+", ref) and len(ref) > 3:
        return None, text.strip()
    return ref, text[m.end():].strip()


def strip_repeated_ref(text: str, ref: str) -> str:
    """"2.4.1. Tính đồng bộ ..." in the row numbered 2.4.1: the number is not the text."""
    own, rest = split_ref(text)
    return rest if own and own.replace(" ", ".") == ref.replace(" ", ".").rstrip(".") else text


def ref_level(ref: str | None) -> int:
    """Depth of a printed row number: roman groups above arabic numbers, then by dots."""
    if ref is None:
        return 99
    if _ROMAN.match(ref):
        return 0
    if ref.endswith(")"):
        return 10
    return 1 + len(re.split(r"[.\s]", ref)) - 1


def years_in(text: str) -> list[int]:
    return [int(y) for y in _YEAR.findall(text)]


def cell_bounds(rows: list[list[str]], start: int) -> dict[tuple[int, int], tuple[int, int]]:
    """[start, end) of every cell in the layout text, given the table block's start
    (cells are rendered TAB-separated, rows newline-separated, a cell's newlines as spaces)."""
    bounds: dict[tuple[int, int], tuple[int, int]] = {}
    offset = start
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            bounds[r, c] = (offset, offset + len(text))
            offset += len(text) + 1
    return bounds
