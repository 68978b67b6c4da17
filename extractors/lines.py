"""A document seen as lines: paragraphs, and each line of each table cell, with their
offsets in `Layout.text`. Header, signature and recipient rules read lines."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from vanban.models import BlockKind, Layout
from vanban.text import fold

_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Line:
    text: str
    start: int
    end: int
    block: int
    row: int | None = None      # table lines: row and column of their cell
    col: int | None = None

    @cached_property
    def folded(self) -> str:
        return fold(self.text)

    @property
    def in_table(self) -> bool:
        return self.row is not None


def is_upper(text: str) -> bool:
    """All letters capitals (at least two letters)."""
    letters = _LETTER.findall(text)
    return len(letters) >= 2 and not any(c.islower() for c in letters)


def layout_lines(layout: Layout, start: int = 0, end: int | None = None) -> list[Line]:
    """Lines of the blocks that start within [start, end)."""
    end = len(layout.text) if end is None else end
    lines: list[Line] = []
    for index, block in enumerate(layout.blocks):
        if not start <= block.start < end:
            continue
        if block.kind != BlockKind.TABLE or not block.rows:
            lines.append(Line(layout.text[block.start:block.end], block.start, block.end, index))
            continue
        offset = block.start
        for r, row in enumerate(block.rows):
            for c, cell in enumerate(row):
                # A cell's newlines are rendered as spaces: offsets stay aligned.
                cell_offset = offset
                for part in cell.split("\n"):
                    if part.strip():
                        lines.append(Line(part, cell_offset, cell_offset + len(part), index, r, c))
                    cell_offset += len(part) + 1
                offset += len(cell) + 1   # the TAB or the newline after the cell
    return lines
