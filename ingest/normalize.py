"""From what a reader saw (`RawBlock`s) to the stored `Layout`.

A separate step from reading so that every format gets the same treatment:
- canonical characters (NFC, one tone placement, one dash, plain spaces);
- lines broken by layout joined back ("Quảng\\nNinh, ngày ..."), lines that start
  something new (list markers, headings, a new sentence) kept apart;
- a paragraph cut in two by a page or blank line ("... cho các thành viên\\n\\nđược
  biết") joined back when the second half starts in lower case;
- tables kept as rows of cells, rendered into the text as TAB-separated lines;
- a map from every offset of the result back to (page, source offset).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from vanban.models import Block, BlockKind, Layout, RawBlock, ReadResult
from vanban.text import MappedText, canonical, canonical_mapped

PARAGRAPH_SEPARATOR = "\n\n"

# Numbering that starts an item or heading: bullets, "1.", "1.2.", "a)", "II.", "III-".
_NUMBERED = re.compile(
    r"""^\s*(?:
        [-+*•●▪◦–]\s*(?=\S)                      # bullets
      | \(?\d{1,2}(?:\.\d{1,2})*[.)]\s*(?=\S)     # 1.  1.2.  1)  (1)
      | \d{1,2}(?:\.\d{1,2})+\s+(?=\S)            # 1.2 text
      | \d{1,2}\s*[-–]\s*(?=[^\W\d])(?![A-ZĐ]{1,6}[/-])  # 1- Quan điểm (not 28-KL/TW)
      | \(?[a-zđ]\)\s*(?=\S)                      # a)  đ)
      | [IVXLC]{1,6}\s*[.\-–/)]\s*(?=\S)          # II.  III-  IV/
    )""",
    re.VERBOSE,
)
_NUMBERED_HEADING = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*[.)]|[IVXLC]{1,6}[.)\-–])\s")
# Fixed openings: legal units, appendix captions, header and closing formulas,
# signature markers ("TM.", "KT.", "T/M").
_OPENER = re.compile(
    r"""^\s*(?:
        (?:Điều|Chương|Mục|Phần)\s+[\dIVXLC]+\b
      | (?:PHỤ\s+LỤC|Phụ\s+lục)\b
      | (?:Căn\s+cứ|Nơi\s+nhận|Kính\s+gửi|Số\s*:|Số\s+ký\s+hiệu)
      | (?:TM|KT|TL|TUQ|Q)\s*[./]\s*[A-ZĐÀ-Ỹ]
      | T/M\b
    )""",
    re.VERBOSE,
)


# The national motto closes its line; the place-and-date line often follows unspaced.
_MOTTO_END = re.compile(r"H[ạa]nh\s+ph[úu]c[\s*_]*$", re.IGNORECASE)


def _starts_new(line: str) -> bool:
    return bool(_NUMBERED.match(line) or _OPENER.match(line))


_TERMINAL = re.compile(r"(?:[.;:!?…]|\./\.|\.\))[\s\"”’*_)]*$")
_LETTER = re.compile(r"[^\W\d_]")


def _starts_lower(line: str) -> bool:
    stripped = line.lstrip()
    return bool(stripped) and stripped[0].islower()


def _is_upper(line: str) -> bool:
    letters = _LETTER.findall(line)
    return len(letters) >= 2 and all(not c.islower() for c in letters)


def should_join(prev: str, nxt: str) -> bool:
    """Is the break between two consecutive lines an artefact of layout?"""
    a, b = prev.strip(), nxt.strip()
    if not a or not b or _starts_new(b) or _MOTTO_END.search(a):
        return False
    if _TERMINAL.search(a):
        # "...thuộc UBND tỉnh;\nphòng, ban ..." continues; a new sentence does not.
        return a[-1] in ";," and _starts_lower(b)
    if " " not in a and not _starts_new(a):     # a lone word: a wrap in a narrow cell
        return True
    upper_a, upper_b = _is_upper(a), _is_upper(b)
    if _NUMBERED_HEADING.match(a) and not upper_a and len(a) < 50 and b[:1].isupper():
        return False     # "4. Trung tâm Truyền thông tỉnh" is a heading over "Tăng cường ..."
    if upper_b and not upper_a and " " not in b:   # "... PAR Index,\nSIPAS.": an acronym, not a heading
        return True
    if upper_a != upper_b:                     # heading -> body or body -> heading
        return _starts_lower(b)
    if upper_a and upper_b:                    # two capitalised lines: a wrapped heading?
        return len(a) >= 40 or bool(_NUMBERED.match(a))
    return True


# A number or symbol ("61/2018/NĐ-CP") or a Roman numeral ("XII"), then a word.
_CUT_TOKEN = re.compile(r"^\s*(?:\d[\w/.-]{0,19}|[IVXLC]+)\s+(?P<next>\w)")


# A symbol cut at its hyphen or slash by a page break: "Công văn số 1971-" + "CV/TU, ...".
_SYMBOL_HEAD = re.compile(r"\d\s?[-/]$")
_SYMBOL_TAIL = re.compile(r"^\s*[A-ZĐ][A-Za-zĐđ&]{0,9}[-/][A-ZĐ][\w&/-]*[,;.]?(?:\s|$)")


def continues_paragraph(prev: str, nxt: str) -> bool:
    """Does a paragraph that follows a blank line or page break continue the previous?"""
    a = prev.rstrip()
    if _SYMBOL_HEAD.search(a) and _SYMBOL_TAIL.match(nxt):
        return True
    if _NUMBERED.match(a) and _is_upper(a) and _is_upper(nxt) and len(nxt.split()) <= 3 \
            and not _starts_new(nxt):
        return True      # "III. TỔ CHỨC THỰC" + "HIỆN": a numbered heading wrapped
    if not a or _starts_new(nxt) or _TERMINAL.search(a) or _is_upper(a) or _MOTTO_END.search(a):
        return False
    # "... Trung ương Đảng khóa" + "XII và việc ...": a numeral or symbol cut off its
    # phrase by a page break, the sentence going on in lower case.
    cut = _CUT_TOKEN.match(nxt)
    return _starts_lower(nxt) or bool(cut and cut.group("next").islower())


@dataclass
class _Piece:
    """A paragraph or table on its way into the layout."""
    kind: BlockKind
    text: MappedText
    page: int
    rows: list[list[str]] | None = None
    level: int | None = None


def _source_text(raw: RawBlock) -> MappedText:
    if raw.origins is not None:
        from array import array
        return MappedText(raw.text, array("l", raw.origins))
    return MappedText(raw.text, base=raw.origin)


def _split_lines(text: MappedText) -> list[MappedText]:
    lines, start = [], 0
    for i, ch in enumerate(text.text):
        if ch == "\n":
            lines.append(text.slice(start, i))
            start = i + 1
    lines.append(text.slice(start, len(text)))
    return lines


def _paragraphs(raw: RawBlock) -> list[_Piece]:
    """Split a text block at real breaks, join the lines broken by layout."""
    text = canonical_mapped(_source_text(raw)).sub(r"\r\n?", "\n").sub(r"[ \t]+", " ")
    pieces: list[_Piece] = []
    current: MappedText | None = None
    last_line = ""
    for line in _split_lines(text):
        line = line.strip()
        if not line.text:
            if current is not None:
                pieces.append(_Piece(raw.kind, current, raw.page, level=raw.level))
                current = None
            continue
        if current is not None and should_join(last_line, line.text):
            current = current + MappedText(" ", current.origin[-1:]) + line
        else:
            if current is not None:
                pieces.append(_Piece(raw.kind, current, raw.page, level=raw.level))
            current = line
        last_line = line.text
    if current is not None:
        pieces.append(_Piece(raw.kind, current, raw.page, level=raw.level))
    return pieces


def _clean_cell(cell: str) -> str:
    lines = [" ".join(line.split()) for line in canonical(cell).splitlines()]
    out: list[str] = []
    for line in lines:
        if not line:
            continue
        if out and should_join(out[-1], line):
            out[-1] += " " + line
        else:
            out.append(line)
    return "\n".join(out)


def _table(raw: RawBlock) -> _Piece:
    rows = [[_clean_cell(c) for c in row] for row in raw.rows or []]
    width = max((len(r) for r in rows), default=0)
    rows = [r + [""] * (width - len(r)) for r in rows]
    rendered = "\n".join("\t".join(c.replace("\n", " ") for c in row) for row in rows)
    return _Piece(BlockKind.TABLE, MappedText(rendered, base=raw.origin), raw.page, rows=rows)


def build_layout(read: ReadResult) -> Layout:
    """Normalise a reader's blocks into a Layout with its source map."""
    pieces: list[_Piece] = []
    for raw in read.blocks:
        if raw.kind == BlockKind.TABLE:
            if raw.rows and any(any(c.strip() for c in row) for row in raw.rows):
                pieces.append(_table(raw))
            continue
        for piece in _paragraphs(raw):
            previous = pieces[-1] if pieces else None
            if (previous is not None and previous.kind in (BlockKind.PARAGRAPH, BlockKind.HEADING)
                    and piece.kind == BlockKind.PARAGRAPH
                    and continues_paragraph(previous.text.text, piece.text.text)):
                previous.text = previous.text + MappedText(" ", previous.text.origin[-1:]) + piece.text
            else:
                pieces.append(piece)

    parts: list[str] = []
    blocks: list[Block] = []
    anchors: list[tuple[int, int, int]] = []
    offset = 0
    for piece in pieces:
        if parts:
            parts.append(PARAGRAPH_SEPARATOR)
            offset += len(PARAGRAPH_SEPARATOR)
        text = piece.text.text
        blocks.append(Block(piece.kind, offset, offset + len(text), piece.page, piece.rows, piece.level))
        anchors.extend(_anchors(piece, offset))
        parts.append(text)
        offset += len(text)
    return Layout(text="".join(parts), blocks=blocks, anchors=anchors,
                  page_count=read.page_count, ocr_pages=list(read.ocr_pages),
                  page_quality=dict(read.page_quality))


def _anchors(piece: _Piece, offset: int) -> list[tuple[int, int, int]]:
    """Compress a per-character origin map to the points where it jumps."""
    origin = piece.text.origin
    out: list[tuple[int, int, int]] = []
    previous = None
    for i, source in enumerate(origin):
        if previous is None or source != previous + 1:
            out.append((offset + i, piece.page, source))
        previous = source
    if not out:
        out.append((offset, piece.page, origin[0] if len(origin) else 0))
    return out
