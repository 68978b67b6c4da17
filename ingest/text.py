"""Plain text files: text copied from portals, Word "save as text", TVPL markdown.

`read_text` decodes the bytes (`ingest.encoding`), rebuilds the tables that copying
flattened (`ingest.tables`), and removes markup that is not printed: markdown emphasis
(also split mid-word, "giớ****i"), Turndown escapes ("1\\.", "\\-"), links, HTML
fragments and entities. Paragraphs are blank-line separated and keep their line breaks:
joining lines broken by layout is `ingest.normalize`'s job. Every character keeps its
offset in the decoded text (`RawBlock.origins`).
"""
from __future__ import annotations

import html
import re
from array import array

from ingest.encoding import decode
from ingest.tables import (
    Piece, TableSpan, TextSpan, find_tables, is_cell_layout, join_lines, read_cell_layout,
    split_lines,
)
from vanban.models import BlockKind, RawBlock, ReadResult
from vanban.text import MappedText

Edit = tuple[int, int, str]     # replace text[start:end] by the string


def read_text(data: bytes) -> ReadResult:
    """Blocks of a text file: paragraphs (with their line breaks) and tables, in order.
    ReadError("empty file") / ReadError("binary file, not text") when it is no text."""
    text, encoding = decode(data)
    source = MappedText(text).sub(r"\r\n?|\x0b|\u2028", "\n").sub(r"\f|\u2029", "\n\n").sub("\x1a", "")
    markdown = looks_like_markdown(source.text)
    lines = split_lines(source)
    pieces = read_cell_layout(lines) if is_cell_layout(lines) else [TextSpan(lines)]
    blocks: list[RawBlock] = []
    for piece in pieces:
        for part in find_tables(piece.lines) if isinstance(piece, TextSpan) else [piece]:
            blocks.extend(_blocks(part, markdown))
    return ReadResult(blocks=blocks, encoding=encoding)


def _blocks(piece: Piece, markdown: bool) -> list[RawBlock]:
    if isinstance(piece, TableSpan):
        rows = [[clean_cell(cell, markdown) for cell in row] for row in piece.rows]
        return [RawBlock(BlockKind.TABLE, rows=rows, origin=piece.origin)] if rows else []
    blocks = []
    for paragraph in _paragraphs(piece.lines):
        cleaned = clean_markup(paragraph, markdown).strip()
        if not cleaned.text:
            continue
        kind, level = BlockKind.PARAGRAPH, None
        heading = _MD_HEADING.match(cleaned.text) if markdown else None
        if heading:
            kind, level = BlockKind.HEADING, len(heading.group(1))
            cleaned = cleaned.slice(heading.end(), len(cleaned))
        blocks.append(RawBlock(kind, text=cleaned.text, origins=list(cleaned.origin), level=level))
    return blocks


def _paragraphs(lines: list[MappedText]) -> list[MappedText]:
    """Runs of non-blank lines, each joined back with its line breaks."""
    paragraphs, current = [], []
    for line in lines + [MappedText("")]:
        if line.text.strip():
            current.append(line)
        elif current:
            paragraphs.append(join_lines(current))
            current = []
    return paragraphs


def clean_cell(cell: MappedText, markdown: bool) -> str:
    """A table cell's text: markup removed, one line per paragraph or list item in it."""
    lines = (" ".join(line.split()) for line in clean_markup(cell, markdown).text.split("\n"))
    return "\n".join(line for line in lines if line)


_MD_HEADING = re.compile(r"(#{1,6})[ \t]+")


# ---------------------------------------------------------------- markup

# Turndown's escapes of markdown syntax (and a few other converters').
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~=])")
# The escapes that give a converter away: list dashes and item numbers ("\- ", "1\. ").
_TELLTALE_ESCAPE = re.compile(r"^(?:\\[-+*]|\d{1,3}\\\.)[ \t]", re.M)
_MD_LINK_TARGET = r"(?:https?://|/|www\.|#|mailto:)[^)\s]*"


def looks_like_markdown(text: str) -> bool:
    """Markdown from an HTML-to-markdown converter (TVPL's Turndown), which escapes
    whatever looks like syntax. Trailing double spaces prove nothing: text extracted
    from PDF has them too. Plain text only gets the markup unambiguous in any text."""
    return len(_TELLTALE_ESCAPE.findall(text)) >= 2 \
        or re.search(r"\]\(" + _MD_LINK_TARGET + r"\)", text) is not None


def clean_markup(text: MappedText, markdown: bool) -> MappedText:
    text = _apply(text, _html_edits(text.text))
    text = _apply(text, _link_edits(text.text))
    if markdown:
        text = _apply(text, _escape_edits(text.text))
    text = _apply(text, _emphasis_edits(text.text, markdown))
    return text.translate(_UNPROTECT) if markdown else text


def _apply(text: MappedText, edits: list[Edit]) -> MappedText:
    """Replace spans, keeping every untouched character's source offset; a replacement
    of another length points at the start of what it replaced."""
    if not edits:
        return text
    pieces: list[str] = []
    origin = array("l")
    last = 0
    for start, end, replacement in sorted(edits):
        pieces.append(text.text[last:start])
        origin.extend(text.origin[last:start])
        pieces.append(replacement)
        if len(replacement) == end - start:
            origin.extend(text.origin[start:end])
        elif replacement:
            origin.extend(array("l", [text.source_offset(start)]) * len(replacement))
        last = end
    pieces.append(text.text[last:])
    origin.extend(text.origin[last:])
    return MappedText("".join(pieces), origin)


# HTML tags that break a line, and those that only style text. Only these names are
# tags: "<Tên cơ quan>" and "<NNT>" are placeholders of forms and stay.
_BLOCK_TAGS = frozenset(
    "p br div li ul ol h1 h2 h3 h4 h5 h6 tr table thead tbody tfoot blockquote pre hr "
    "section article header footer dl dt dd address".split())
_INLINE_TAGS = frozenset(
    "span b i u s em strong a font sup sub small big strike mark abbr cite code del ins "
    "td th col colgroup caption label img o:p".split())
_TAG = re.compile(
    r"</?([a-zA-Z][a-zA-Z0-9]*(?::[a-zA-Z]+)?)"
    r"(?:\s+[\w:.-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?)*\s*/?>")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def _html_edits(text: str) -> list[Edit]:
    edits = []
    for m in _TAG.finditer(text):
        name = m.group(1).lower()
        if name in _BLOCK_TAGS:
            edits.append((m.start(), m.end(), "\n"))
        elif name in _INLINE_TAGS:
            edits.append((m.start(), m.end(), ""))
    for m in _ENTITY.finditer(text):
        decoded = html.unescape(m.group(0))
        if decoded != m.group(0):
            edits.append((m.start(), m.end(), decoded))
    return edits


_LINK = re.compile(r"!?\[([^\]\n]*)\]\(" + _MD_LINK_TARGET + r"(?:\s+\"[^\"\n]*\")?\)")
_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^\s<>]+|www\.[^\s<>]+|mailto:[^\s<>]+)>")


def _link_edits(text: str) -> list[Edit]:
    """[text](url) -> text; <https://...> -> the address."""
    edits = []
    for pattern in (_LINK, _AUTOLINK):
        for m in pattern.finditer(text):
            edits.append((m.start(), m.start(1), ""))
            edits.append((m.end(1), m.end(), ""))
    return edits


# Escaped * and _ are literal: they hide behind private-use characters while emphasis
# is removed (same length, so their offsets stay).
_PROTECT = {"*": "\ue02a", "_": "\ue05f"}
_UNPROTECT = {ord(v): k for k, v in _PROTECT.items()}


def _escape_edits(text: str) -> list[Edit]:
    edits = []
    for m in _ESCAPE.finditer(text):
        char = m.group(1)
        edits.append((m.start(), m.end(), _PROTECT.get(char, char)))
    return edits


_FOOTNOTE_MARK = re.compile(r"\(\*{1,3}\)")          # (*) (**): printed, not emphasis
_MD_RUN = re.compile(r"[*_]+")
_STAR_RUN = re.compile(r"\*{2,}")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
# *text* in plain text: the opening star before a word, the closing one after it,
# within one paragraph ("*.pdf", "sinh*:", "(*)", "(7)*(8)*(9)" are not emphasis).
_STAR_PAIR = re.compile(
    r"(?<![\w*)\]])\*(?=[\w(\"“‘'])(?:(?!\n[ \t]*\n)[^*])+?(?<=[\w).,:;!?\"”’'…])\*(?![\w*(])")
_BULLET_AFTER = re.compile(r"[-+•][ \t]")
_LETTER = re.compile(r"[^\W\d_]")


def _emphasis_edits(text: str, markdown: bool) -> list[Edit]:
    """Emphasis markers out, with what the layout put there: nothing inside a word
    ("giớ****i"), a space after punctuation ("Điều 1.**Phạm vi"), a line break where a
    heading or list was glued to the text before ("KẾ HOẠCH**Cải cách ...").

    In markdown every unescaped * and _ is markup (literal ones are escaped), except a
    list bullet. In plain text _ is literal ("____" blanks of forms, "2b_KHcchc6") and
    stars are removed only in pairs within a paragraph, so footnote marks ("(+))**",
    "Bộ*") stay."""
    protected = [m.span() for m in _FOOTNOTE_MARK.finditer(text)]

    def free(start: int) -> bool:
        return not any(a <= start < b for a, b in protected)

    if markdown:
        edits = []
        for m in _MD_RUN.finditer(text):
            start, end = m.span()
            bullet = m.group(0) == "*" and (start == 0 or text[start - 1] == "\n") \
                and text[end:end + 1] in (" ", "\t")
            if free(start) and not bullet:
                edits.append((start, end, _glue(text, start, end)))
        return edits
    edits = _paired_star_runs(text, free)
    for m in _STAR_PAIR.finditer(text):
        if free(m.start()):
            edits += [(m.start(), m.start() + 1, ""), (m.end() - 1, m.end(), "")]
    return _without_overlaps(edits)


def _paired_star_runs(text: str, free) -> list[Edit]:
    """Runs of two or more stars that open and close within one paragraph; a run of
    four inside a word is a close and a reopen ("giớ****i") and goes alone."""
    breaks = [m.start() for m in _PARAGRAPH_BREAK.finditer(text)]
    edits: list[Edit] = []
    opening: Edit | None = None
    for m in _STAR_RUN.finditer(text):
        start, end = m.span()
        if not free(start):
            continue
        if opening and any(opening[1] <= b < start for b in breaks):
            opening = None
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        edit = (start, end, _glue(text, start, end))
        if end - start == 4 and not before.isspace() and not after.isspace():
            edits.append(edit)
        elif opening and not before.isspace():
            edits += [opening, edit]
            opening = None
        elif not after.isspace():
            opening = edit
    return edits


def _glue(text: str, start: int, end: int) -> str:
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    if before.isspace() or after.isspace():
        return ""
    if _BULLET_AFTER.match(text, end):
        return "\n"
    if before.isalpha() and after.isupper() and text[end + 1:end + 2].islower() \
            and _capitals_before(text, start):
        return "\n"
    if before in ".:;!?)" and after.isalnum():
        return " "
    return ""


def _capitals_before(text: str, start: int) -> bool:
    """Is the line up to `start` a heading in capitals ("KẾ HOẠCH")?"""
    line = text[text.rfind("\n", 0, start) + 1:start]
    letters = _LETTER.findall(line)
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _without_overlaps(edits: list[Edit]) -> list[Edit]:
    kept: list[Edit] = []
    for edit in sorted(edits):
        if not kept or edit[0] >= kept[-1][1]:
            kept.append(edit)
    return kept
