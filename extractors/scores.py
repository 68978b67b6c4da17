"""Index values and targets: "Chỉ số PAR Index năm 2021 ... đạt 91,14 điểm, xếp thứ 2/63",
"Chỉ số SIPAS năm 2022 phấn đấu ... đạt trên 95%", and rows of index tables
("2.4.1 | Tính đồng bộ ... | 1 | 0.81 | 0.82 | +0,01").

Prose: every number with a unit ("91,14 điểm", "94,07%") is tied to the nearest index
named before it in the same clause; increases ("tăng 0,1 điểm"), maxima and numbers with
no index in their clause are left out, so a task's "đạt 100%" is not a score. Tables:
the value columns are read from the header ("Điểm năm 2021" is the 2021 result, "Mục
tiêu năm 2022" the 2022 target); the index comes from those headers or from the caption
above the table ("MỤC TIÊU ... CHỈ SỐ CẢI CÁCH HÀNH CHÍNH TỈNH ... NĂM 2022").
Index names and their aliases are data: `vanban/data/index_names.csv`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from extractors import tables
from vanban.datafiles import read_csv
from vanban.models import Block, BlockKind, Layout, Score
from vanban.text import fold

_NUMBER = r"\d{1,3}(?:[.,]\d{1,4})?"
# On folded text: a value with its unit, the words just before it and a bound.
_VALUE = re.compile(
    rf"(?P<bound>(?<![a-z])(?:tren|hon|vuot|tu|toi thieu|it nhat|khong thap hon|>=|>|≥)\s*)?"
    rf"(?<![\d.,])(?P<num>{_NUMBER})\s*(?P<unit>diem\b|%)")
# An increase, a maximum or a total before a number: "tăng 0,1 điểm", "tăng trên 0,43%".
_CHANGE_BEFORE = re.compile(
    r"\b(?:tang|giam|cao hon|thap hon|chenh lech|toi da|tong so|thang diem)\s*(?:them\s*)?"
    r"(?:tren\s*|hon\s*|khoang\s*)?$")
# "xếp thứ 2/63", also after the change it brought: "43,5 điểm, tăng 1,2 điểm so với năm
# 2022, xếp thứ 15/63".
_RANK = re.compile(r"^\W{0,3}(?:(?:tang|giam)\b[^;.()]{0,60}?,\s*)?(?:\(?\s*)?(?:xep|dung|thu hang|hang)\s*"
                   r"(?:thu|hang)?\s*(?:thu\s*)?(?P<rank>\d{1,3}\s*/\s*\d{1,3})")
_YEAR_PHRASE = re.compile(r"(?P<lead>so voi\s+|tu\s+|giai doan\s+)?\bnam\s+(?P<year>(?:19|20)\d\d)\b")
_AFTER_YEAR = re.compile(r"^[^\w.;]{0,3}(?:vao|den|trong|cua)?\s*nam\s+(?P<year>(?:19|20)\d\d)\b")
_TARGET_CUE = re.compile(
    r"\b(?:phan dau|muc tieu|dam bao|bao dam|chi tieu|du kien|huong toi|can dat|phai dat|"
    r"giu vung|duy tri|nang len|vao nam|den nam)\b")
_CLAUSE_END = re.compile(r";|\.(?=\s|$)|\n")
_LOCAL_SUBJECT = re.compile(
    r"\bcua\s+(?P<subject>(?:so|ban|van phong|thanh tra|ubnd|uy ban nhan dan|huyen|quan|thi xa|"
    r"thanh pho|xa|phuong)\b[^,;()]{0,60}?)(?=\s+(?:nam\b|dat\b|la\b|xep\b|\d)|[,;()]|$)")
_TOTAL_ROW = re.compile(r"\b(?:tong diem|tong cong|tong so|chung)\b")


@dataclass(frozen=True)
class IndexName:
    name: str
    unit: str
    local: str | None
    generic: bool


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    index: IndexName


@cache
def _index_table() -> tuple[re.Pattern[str], dict[str, IndexName]]:
    """One regex over folded text for every alias (longest first), alias -> index."""
    by_alias: dict[str, IndexName] = {}
    for row in read_csv("index_names.csv"):
        index = IndexName(row["index"], row["unit"], row["local"] or None, row["generic"] == "yes")
        for alias in row["aliases"].split("|"):
            by_alias[_alias_key(alias)] = index
    parts = sorted(by_alias, key=len, reverse=True)
    pattern = "|".join(r"\W+".join(map(re.escape, key.split())) for key in parts)
    return re.compile(rf"(?<![a-z0-9])(?:{pattern})(?![a-z0-9])"), by_alias


def _alias_key(text: str) -> str:
    return " ".join(re.sub(r"\W+", " ", fold(text)).split())


def index_mentions(folded: str) -> list[_Mention]:
    """Every index named in (folded) text."""
    pattern, by_alias = _index_table()
    return [_Mention(m.start(), m.end(), by_alias[_alias_key(m.group(0))])
            for m in pattern.finditer(folded)]


def index_named(text: str) -> IndexName | None:
    """The first specific index named in a text, else the first generic one."""
    mentions = index_mentions(fold(text))
    specific = [m for m in mentions if not m.index.generic]
    chosen = specific or mentions
    return chosen[0].index if chosen else None


def parse_number(text: str) -> float:
    """"91,14" and "93.157" are decimals (index values are under 1000)."""
    return float(text.replace(",", "."))


def extract_scores(layout: Layout, start: int, end: int, *, subject: str | None = None,
                   year: int | None = None) -> list[Score]:
    """Index values and targets stated in [start, end) of the layout."""
    found: list[Score] = []
    previous_header: tables.TableHeader | None = None
    for i, block in enumerate(layout.blocks):
        if not start <= block.start < end:
            continue
        if block.kind == BlockKind.TABLE and block.rows:
            header = tables.read_header(block.rows) or tables.continues(previous_header, block.rows)
            previous_header = header if header is not None else previous_header
            if header is not None and header.is_value_table():
                caption = _caption(layout, i)
                found += _table_scores(layout, block, header, caption, subject, year)
        else:
            found += _prose_scores(layout, block, subject, year)
    return _dedupe(found)


# ------------------------------------------------------------------ prose

def _prose_scores(layout: Layout, block: Block, subject: str | None,
                  year: int | None) -> list[Score]:
    text = layout.text[block.start:block.end]
    folded = fold(text)
    mentions = index_mentions(folded)
    if not mentions:
        return []
    out = []
    for m in _VALUE.finditer(folded):
        num_start = m.start("num")
        if _CHANGE_BEFORE.search(folded[max(0, m.start() - 25):m.start()]):
            continue
        clause_start = _clause_start(folded, num_start)
        mention = _mention_for(mentions, clause_start, num_start)
        if mention is None:
            continue
        after = folded[m.end():m.end() + 60]
        value_year = _year(folded, clause_start, mention, m, after) or year
        # "Phấn đấu năm 2024 Chỉ số PAPI đạt ...", "Đến năm 2030, ... đạt tối thiểu 95%":
        # the target cue may open the clause
        # and it holds for the items of a list that follow it ("...; Chỉ số PAR Index đạt ...")
        window = folded[_sentence_start(folded, num_start):m.end() + 20]
        kind = "target" if _TARGET_CUE.search(window) else "actual"
        rank = _RANK.search(after)
        unit = "%" if m.group("unit") == "%" else "điểm"
        local = _local_subject(folded[mention.end:num_start], text[mention.end:num_start])
        out.append(Score(
            index=_index_name(mention.index, local), value=parse_number(m.group("num")), unit=unit,
            subject=local or subject, year=value_year,
            rank=re.sub(r"\s+", "", rank.group("rank")) if rank else None, kind=kind,
            bound=_bound(m.group("bound"), after),
            span=layout.span(block.start + m.start("num"), block.start + m.end())))
    return out


def _clause_start(folded: str, at: int) -> int:
    ends = [e.end() for e in _CLAUSE_END.finditer(folded, 0, at)
            if not (e.group(0) == "." and re.match(r"\d", folded[e.end():e.end() + 1] or "x"))]
    return ends[-1] if ends else 0


_SENTENCE_END = re.compile(r"\.(?=\s|$)|\n")


def _sentence_start(folded: str, at: int) -> int:
    ends = [e.end() for e in _SENTENCE_END.finditer(folded, 0, at)]
    return ends[-1] if ends else 0


def _mention_for(mentions: list[_Mention], clause_start: int, at: int) -> _Mention | None:
    """The index named nearest before a value in its clause; a loose name ("tỷ lệ hài
    lòng") gives way to a specific index named earlier in the same clause."""
    before = [m for m in mentions if clause_start <= m.start and m.end <= at]
    if not before:
        return None
    nearest = before[-1]
    if nearest.index.generic:
        specific = [m for m in before if not m.index.generic]
        if specific:
            return specific[-1]
    return nearest


def _year(folded: str, clause_start: int, mention: _Mention, value: re.Match[str],
          after: str) -> int | None:
    """The year of a value: named between the index and the value, right after the value
    ("vào năm 2020"), or before the index in the same sentence; never "so với năm X"."""
    def last_year(a: int, b: int) -> int | None:
        years = [int(y.group("year")) for y in _YEAR_PHRASE.finditer(folded, a, b) if not y.group("lead")]
        return years[-1] if years else None

    return (last_year(mention.start, value.start())
            or (int(m.group("year")) if (m := _AFTER_YEAR.match(after)) else None)
            or last_year(_sentence_start(folded, mention.start), mention.start)
            or last_year(clause_start, mention.start))


def _sentence_start(folded: str, at: int) -> int:
    ends = [e.end() for e in re.finditer(r"\.(?=\s+[A-Z\W])|\n", folded[:at])]
    return ends[-1] if ends else 0


def _bound(prefix: str | None, after: str) -> str | None:
    words = (prefix or "").strip()
    if words in ("tren", "hon", "vuot", ">"):
        return ">"
    if words or re.match(r"^\s*tro len\b", after):
        return ">="
    return None


def _local_subject(folded: str, text: str) -> str | None:
    """"Chỉ số CCHC của Sở Nội vụ đạt ...": the body the value belongs to, if not the province."""
    m = _LOCAL_SUBJECT.search(folded)
    if not m or re.match(r"tinh\b", m.group("subject")):
        return None
    return text[m.start("subject"):m.end("subject")].strip()


def _index_name(index: IndexName, local_subject: str | None) -> str:
    return index.local if local_subject and index.local else index.name


# ------------------------------------------------------------------ tables

def _caption(layout: Layout, at: int) -> str:
    """The paragraphs just above a table (appendix title and caption) as one text: a
    title wrapped over two lines may reach the layout as two paragraphs."""
    parts: list[str] = []
    for block in reversed(layout.blocks[max(0, at - 5):at]):
        if block.kind == BlockKind.TABLE:
            break
        parts.insert(0, layout.text[block.start:block.end])
    return " ".join(parts)


def _table_scores(layout: Layout, block: Block, header: tables.TableHeader, caption: str,
                  subject: str | None, year: int | None) -> list[Score]:
    rows = block.rows or []
    values = header.all("value")
    table_index = (next((index_named(c.header) for c in values if index_named(c.header)), None)
                   or index_named(caption))
    caption_years = tables.years_in(caption)
    text_col, ref_col = header.first("text"), header.first("ref")
    bounds = tables.cell_bounds(rows, block.start)
    out = []
    for r in range(header.body_start, len(rows)):
        row = rows[r]
        ref = tables.cell(row, ref_col) or None
        criterion = " ".join(tables.cell(row, text_col).split())
        if ref is None:
            ref, criterion = tables.split_ref(criterion)
        else:
            criterion = tables.strip_repeated_ref(criterion, ref)
        index = table_index
        if index is None:
            index = index_named(criterion)
            criterion = None if index else criterion
        elif ref is None and (_TOTAL_ROW.search(fold(criterion)) or index_named(criterion) == index):
            criterion = None          # the index as a whole: "TỔNG ĐIỂM", "CHỈ SỐ HÀI LÒNG CHUNG"
        if index is None:
            continue
        for column in values:
            parsed = _cell_value(tables.cell(row, column))
            if parsed is None:
                continue
            value, bound, rank = parsed
            column_index = index_named(column.header)
            name = (column_index or index).name if table_index else index.name
            col_year = column.year or (caption_years[-1] if caption_years and column.kind == "target"
                                       else year)
            cell_start, cell_end = bounds.get((r, column.index), (block.start, block.start))
            out.append(Score(
                index=name, value=value, unit=_unit(column.header, index), criterion=criterion or None,
                subject=subject, year=col_year, rank=rank, kind=column.kind or "actual", bound=bound,
                span=layout.span(cell_start, cell_end)))
    return out


def _cell_value(text: str) -> tuple[float, str | None, str | None] | None:
    """(value, bound, rank) from "8,5 (Xếp thứ 1/63 tỉnh, thành phố)", ">94,50", "95.00"."""
    folded = fold(text).strip()
    m = re.match(rf"^(?P<bound>>=|≥|>|tren|tu)?\s*(?P<num>{_NUMBER})(?:\s*(?:diem|%))?(?P<rest>.*)$",
                 folded, re.S)
    if not m:
        return None
    rank = _RANK.search(m.group("rest"))
    bound = {">": ">", "tren": ">", ">=": ">=", "≥": ">=", "tu": ">="}.get(m.group("bound") or "")
    return parse_number(m.group("num")), bound, re.sub(r"\s+", "", rank.group("rank")) if rank else None


def _unit(header: str, index: IndexName) -> str:
    folded = fold(header)
    if "%" in header or re.search(r"\bty le\b", folded):
        return "%"
    if re.search(r"\bdiem\b", folded):
        return "điểm"
    return index.unit


def _dedupe(scores: list[Score]) -> list[Score]:
    """One score per (index, criterion, year, kind, value); a rank stated once is kept."""
    kept: dict[tuple, Score] = {}
    for s in scores:
        key = (s.index, (s.criterion or "").casefold(), s.year, s.kind, round(s.value, 6))
        if key not in kept:
            kept[key] = s
        elif kept[key].rank is None and s.rank:
            kept[key].rank = s.rank
    return list(kept.values())
