"""Vietnamese dates, periods and deadlines.

- `find_dates` / `parse_date` read a day-month-year as printed: "24/8/2022", "05/4/17",
  Party style "01-10-1997", dotted "24.8.2022", damaged "29 /01 /2021" or
  "*29* / *01* /2021", long form "ngày 24 tháng 8 năm 2022". A date that cannot exist
  but fits day <= 31 and month <= 12 is kept as printed ("29/02/2023" -> "2023-02-29"):
  the documents are the record; `is_valid_date` tells callers that need a real day.
- Periods without a day (quarter, month, part of a year, year, year range) are read only
  in deadline context: a bare "8/2022" or "2/63" is a number or a fraction as often as not.
- `parse_deadline` normalises a deadline text to its last allowed day or a recurrence;
  `find_deadline` finds the deadline expression inside a task sentence.

Everything is matched on a folded copy of the text with the same length ("Quý" ->
"quy"), so OCR-lost tones still match and every offset found is an offset of the input.
Text is expected in canonical (NFC) form, as `Layout.text` is: decomposed tone marks
keep dates readable but hide the keywords.
"""
from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import Enum

from vanban.models import Deadline, Span
from vanban.text import fold

# ------------------------------------------------------------------ vocabulary
# Folded words (no tones, lower case). A space in an entry matches any run of spaces,
# line breaks or markdown stars.

ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}        # quarters are printed I..IV
ROMAN_OCR = str.maketrans("l|1", "iii")            # OCR reads a roman I as l, | or 1
YEARS = range(1900, 2100)                          # what a printed four-digit year may be

RECURRENCES = ("daily", "weekly", "monthly", "quarterly", "half-yearly", "yearly", "continuous")
CONTINUOUS = "continuous"
# hằng/hàng/mỗi + unit: "hằng tháng", "mỗi quý"
EVERY = {"ngay": "daily", "tuan": "weekly", "thang": "monthly", "quy": "quarterly",
         "nam": "yearly"}
# (unit, n) in "n <unit> một lần", "n <unit>/lần", "mỗi n <unit>", "định kỳ n <unit>"
ONCE_EVERY = {("ngay", 1): "daily", ("ngay", 7): "weekly", ("tuan", 1): "weekly",
              ("thang", 1): "monthly", ("thang", 3): "quarterly", ("thang", 6): "half-yearly",
              ("thang", 12): "yearly", ("quy", 1): "quarterly", ("quy", 2): "half-yearly",
              ("nam", 1): "yearly"}
# (unit, n) in "n lần/<unit>": n times per unit
TIMES_PER = {("ngay", 1): "daily", ("tuan", 1): "weekly", ("thang", 1): "monthly",
             ("quy", 1): "quarterly", ("nam", 1): "yearly", ("nam", 2): "half-yearly",
             ("nam", 4): "quarterly", ("nam", 12): "monthly"}
# "năm nay / năm trước / năm sau / năm tới", relative to the year the document was issued
RELATIVE_YEAR = {"nay": 0, "truoc": -1, "sau": 1, "toi": 1}

# Words that introduce a deadline and belong to it: "trước ngày 15/8/2022".
DEADLINE_WORDS = ("cham nhat", "muon nhat", "tre nhat", "khong muon hon", "khong qua",
                  "truoc", "trong vong", "trong", "den het", "den", "toi", "vao")
# Labels that announce a deadline but are not part of it: "Thời gian: Quý III/2022".
LABEL_WORDS = ("thoi gian", "thoi han", "tien do", "hoan thanh", "thuc hien", "han chot",
               "thoi diem")
LABEL_OBJECTS = ("nop", "gui", "bao cao", "kiem tra")   # "thời hạn nộp: ..."
# Right before one of these a time is a start, an as-of date or a comparison, not a deadline.
NOT_DEADLINE_BEFORE = ("tu", "ke tu", "tinh tu", "bat dau", "bat dau tu", "tinh den",
                       "tinh toi", "so voi")
GOAL_WORDS = ("dinh huong", "tam nhin")            # "định hướng đến năm 2030" is a goal
YEAR_START_WORDS = ("dau", "giua")                 # "đầu năm 2022" does not end on 12-31
# "chi thường xuyên" is recurrent spending, "không thường xuyên" irregular.
NOT_CONTINUOUS_AFTER = ("chi", "kinh phi", "khong")
# Conditions: "Sau các đợt kiểm tra", "Trước khi ..."; "theo đúng thời hạn quy định ..."
EVENT_WORDS = ("khi", "cac", "moi", "mot")
SCHEDULE_WORDS = ("thoi han", "thoi gian", "tien do", "lich")
# What ties a count of days to its starting event: "05 ngày làm việc kể từ ...".
RELATIVE_LINKS = ("ke tu", "tinh tu", "sau khi", "truoc khi", "khi", "sau", "truoc", "tu")
# "không quá 01 lần trong năm" caps how often, it does not schedule.
CAP_WORDS = ("khong qua", "toi da")

# ------------------------------------------------------------------ regex building blocks

_SP = r"[ \n\r\f\v\xa0*]"          # between words: spaces, line breaks, markdown stars
W = _SP + "+"                     # (not TAB: in the layout it separates table cells)
W0 = _SP + "*"


def _alt(words: Iterable[str]) -> str:
    """Folded phrases as a regex alternation, longest first."""
    return "|".join(w.replace(" ", W) for w in sorted(words, key=len, reverse=True))


def _rx(pattern: str) -> re.Pattern[str]:
    # ASCII: the folded text is ASCII for Vietnamese, and \d must not match other digits.
    return re.compile(pattern, re.ASCII)


_NUM = r"(?<![\w/])(?<!\d[.,])"     # a number that does not continue "1.3.", "61/", "v1."
_YEAR = r"(?:19|20)\d\d(?!\d)"
_QNO = r"(?:[1-4]|[ivl|]{1,4})(?![\w|])"
_UNIT = r"(?:ngay|tuan|thang|qu[yi]|nam)"
_YEAR_TAIL = (rf"(?:{W0}(?:[/,-]{W0})?(?:nam{W0})?(?P<y>{_YEAR})"
              rf"|{W}nam{W}(?P<ry>{_alt(RELATIVE_YEAR)})(?!\w))")

_NUM_DATE = _rx(
    rf"{_NUM}(?P<d>\d{{1,2}})[ *]*(?P<sep>[/.-])[ *]*(?P<m>\d{{1,2}})[ *]*(?P=sep)[ *]*"
    r"(?P<y>\d{4}|\d{2})(?!\d|[ *]*/[ *]*\w|[.,]\d|-[^\W\d])")
_LONG_DATE = _rx(
    rf"(?:(?<!\w)ngay{W0})?{_NUM}(?P<d>\d{{1,2}}){W0}thang{W0}(?P<m>\d{{1,2}}){W0},?{W0}"
    rf"nam{W0}(?P<y>{_YEAR})")
_VERSION_BEFORE = _rx(rf"(?<!\w)(?:phien{W}ban|version){W0}$")

_DAY_MONTH = _rx(
    rf"{_NUM}(?P<d>\d{{1,2}})[ *]*[/.-][ *]*(?P<m>\d{{1,2}})(?![\d/]|[ *]*[/.-][ *]*\d|[.,]\d)"
    rf"(?:{_YEAR_TAIL})?")
_DAY_MONTH_LEAD = _rx(rf"(?<!\w)(?:ngay|{_alt(DEADLINE_WORDS)})(?:{W}(?:la|vao))?{W0}$")
_QUARTER = _rx(rf"(?<!\w)qu[yi]{W}(?P<q>{_QNO})(?:{W0}(?:-|,|&|va){W0}(?:qu[yi]{W})?(?P<q2>{_QNO}))?"
               rf"(?:{_YEAR_TAIL})?")
_MONTH = _rx(
    rf"(?<!\w)thang{W}(?P<m>\d{{1,2}})(?!\d)(?:{W0}-{W0}(?P<m2>\d{{1,2}})(?!\d))?"
    rf"(?:{_YEAR_TAIL})?")
_PART_YEAR = _rx(
    rf"{_NUM}(?P<n>\d{{1,2}}){W}thang"
    rf"(?:{W}(?P<edge>dau|cuoi){W}nam(?:{W}(?P<ry2>{_alt(RELATIVE_YEAR)})(?!\w))?)?"
    rf"(?:{_YEAR_TAIL})?")
_YEAR_RANGE = _rx(
    rf"(?<!\w)(?:(?:cuoi|het){W})?(?:nam|giai{W}doan){W0}(?P<y>{_YEAR})"
    rf"(?:{W0}-{W0}(?:nam{W0})?(?P<y2>{_YEAR}))?")
_YEAR_START_BEFORE = _rx(rf"(?<!\w)(?:{_alt(YEAR_START_WORDS)}){W}$")
_YEAR_REL = _rx(
    rf"(?<!\w)(?:(?P<edge>cuoi|het){W})?nam(?:{W}(?P<ry>{_alt(RELATIVE_YEAR)}))?(?!\w)"
    rf"(?!{W0}\d)")

_ANCHOR = (rf"(?:(?:ngay{W0})?\d{{1,2}}(?:[ *]*[/.-][ *]*\d{{1,2}})?|thang{W}\d{{1,2}}"
           rf"|qu[yi]{W}{_QNO}){W}(?:cua{W})?")
_EVERY = _rx(rf"(?:{_NUM}(?P<anchor>{_ANCHOR}))?(?<!\w)(?:hang|moi){W}(?P<unit>{_UNIT})"
             rf"(?!\w)(?!{W0}\d)")
_CYCLE_EDGE = _rx(   # "ngày 10 của tháng cuối quý", "cuối mỗi tháng"
    rf"(?:{_NUM}(?P<anchor>(?:ngay{W0})?\d{{1,2}}{W}(?:cua{W})?))?(?<!\w)(?:thang{W})?"
    rf"(?:dau|cuoi){W}(?:(?:moi|cua(?:{W}moi)?){W})?(?P<unit>thang|qu[yi])(?!\w)"
    rf"(?!{W0}(?:\d|{_QNO}))")
_ONCE_EVERY = _rx(rf"{_NUM}(?P<n>\d{{1,2}}){W}(?P<unit>{_UNIT}){W0}(?:/|{W}mot{W}){W0}lan(?!\w)")
_TIMES_PER = _rx(rf"{_NUM}(?P<n>\d{{1,2}}){W}lan{W0}(?:/|{W}(?:moi|mot|trong(?:{W}mot)?){W})"
                 rf"{W0}(?P<unit>{_UNIT})(?!\w)")
_CAP_BEFORE = _rx(rf"(?<!\w)(?:{_alt(CAP_WORDS)}){W0}$")
_EVERY_N = _rx(rf"(?<!\w)(?:moi|hang|dinh{W}ky){W}(?P<n>\d{{1,2}}){W}(?P<unit>{_UNIT})(?!\w)")
_CONTINUOUS = _rx(rf"(?<!\w)thuong{W}xuyen(?!\w)")
_NOT_CONTINUOUS_BEFORE = _rx(rf"(?<!\w)(?:{_alt(NOT_CONTINUOUS_AFTER)}){W0}$")
_PERIODIC = _rx(rf"(?<!\w)dinh{W}ky(?!\w)")

_WITHIN = (rf"(?:(?:cham|muon|tre){W}nhat(?:{W}la)?{W}"
           rf"(?:(?:trong(?:{W}(?:thoi{W}han|vong))?|sau|truoc){W})?"
           rf"|trong(?:{W}(?:thoi{W}han|thoi{W}gian|vong))?{W}(?:khong{W}qua{W})?"
           rf"|(?:khong{W}qua|truoc|sau|(?:thoi{W}han|thoi{W}gian)(?:{W}la)?){W})"
           rf"(?:(?:toi{W}da|it{W}nhat){W})?")
_REL_COUNT = _rx(rf"(?<!\w){_WITHIN}(?P<n>\d{{1,3}}){W}(?:ngay(?:{W}lam{W}viec)?|tuan|thang|nam)"
                 rf"(?!\w)(?!{W}(?:dau|cuoi){W}nam)")
_REL_LINK = _rx(rf"{W0}(?:{_alt(RELATIVE_LINKS)})(?!\w)")
_REL_EVENT = _rx(rf"(?<!\w)(?:ngay{W})?(?:sau|truoc){W}(?:{_alt(EVENT_WORDS)})(?!\w)")
_REL_SCHEDULE = _rx(rf"(?<!\w)theo{W}(?:dung{W})?(?:{_alt(SCHEDULE_WORDS)})(?!\w)")
_CLAUSE_END = _rx(r"[;,\n\t()<>\[\]]|\.(?=[\s*]|$)")
_CLAUSE_START = _rx(
    rf"(?:^|[\n\t;:.!?(<>\[\]]|(?<!\S)[-+])"   # not ")": the clause goes on after a parenthesis
    rf"(?:{W0}(?:\d{{1,2}}(?:\.\d{{1,2}})*|[a-z]|[ivx]{{1,5}})[.)])?{W0}$")

# Guards, tested on the text right before a time expression.
_CITED_BEFORE = _rx(   # "05-NQ/TU, ngày 28/9/2021", "34/NĐ-CP năm 2016": a citation's date
    rf"(?:\d|\*){W0}[/-]{W0}[a-z][a-z0-9]*(?:{W0}[/-]{W0}[a-z0-9]+)*{W0},?{W0}(?:ngay{W0})?$")
_NOT_DEADLINE_TAIL = _rx(   # "thứ tư" (Wednesday) is not "từ" (from)
    rf"(?<!\w)(?<!thu )(?:{_alt(NOT_DEADLINE_BEFORE)})(?:{W}(?:het|cuoi|ngay))*{W0}$")
_GOAL_TAIL = _rx(rf"(?<!\w)(?:{_alt(GOAL_WORDS)})(?:{W}(?:den|toi))?{W0},?{W0}$")
_DAYWORD = _rx(rf"(?<!\w)ngay{W0}$")
_LEAD = _rx(
    rf"(?P<trig>(?<!\w)(?:ngay{W})?(?:(?:{_alt(DEADLINE_WORDS)})(?:{W}(?:la|vao))?{W0}:?{W0})+)?"
    rf"(?P<edge>(?<!\w)(?:cuoi|het){W})?$")
_LABEL = _rx(rf"(?<!\w)(?:{_alt(LABEL_WORDS)})(?:{W}(?:{_alt(LABEL_WORDS + LABEL_OBJECTS)}))?"
             rf"{W0}:?{W0}$")
# A year inside the subject of a cited document: "Nghị quyết số 05-NQ/TU ... về ... đến năm 2025"
_CITED_NUMBER = _rx(rf"(?:\d|\*){W0}[/-]{W0}[a-z]")
_ABOUT = _rx(r"(?<!\w)ve(?!\w)")
_RESUME = _rx(rf",{W0}(?:{_alt(DEADLINE_WORDS + LABEL_WORDS)})(?!\w)")
_JOIN = _rx(rf"[ \n*,/-]*(?:(?:va|hoac){W})?")
_COORDINATION = _rx(rf"{W0}(?:-|va|hoac){W0}")
_ISO_YEAR = _rx(r"\d{4}-")


# ------------------------------------------------------------------ calendar helpers

def last_day_of_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def period_end(year: int, month: int | None = None, quarter: int | None = None,
               half: int | None = None) -> str:
    """The last day (ISO) of a year, or of one of its months, quarters or halves."""
    if sum(x is not None for x in (month, quarter, half)) > 1:
        raise ValueError("give at most one of month, quarter, half")
    if quarter is not None:
        if not 1 <= quarter <= 4:
            raise ValueError(f"quarter {quarter}")
        month = 3 * quarter
    elif half is not None:
        if half not in (1, 2):
            raise ValueError(f"half {half}")
        month = 6 * half
    elif month is None:
        month = 12
    return f"{year:04d}-{month:02d}-{last_day_of_month(year, month):02d}"


def is_valid_date(iso: str) -> bool:
    """Does the ISO date exist on the calendar ("2023-02-29" does not)?"""
    try:
        date.fromisoformat(iso)
    except (TypeError, ValueError):
        return False
    return True


# ------------------------------------------------------------------ folding

class _FoldTable(dict):
    """str.translate table for `fold`, one character for one: a character whose fold
    is not exactly one character (a lone combining mark, "İ") stays as it is."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        folded = fold(ch)
        self[code] = value = folded if len(folded) == 1 else ch
        return value


_FOLD_TABLE = _FoldTable()


def _fold(text: str) -> str:
    return text.translate(_FOLD_TABLE)


def _year_of(iso: str | None) -> int | None:
    return int(iso[:4]) if iso and _ISO_YEAR.match(iso) else None


# ------------------------------------------------------------------ dates

@dataclass(frozen=True)
class DateMatch:
    """A day-month-year as printed: [start, end) in the text, ISO value, printed form.

    The long form keeps its leading "ngày" ("ngày 24 tháng 8 năm 2022"), where it is part
    of the grammar; a numeric date starts at its first digit."""
    start: int
    end: int
    iso: str
    surface: str


def _iso(year: int, month: int, day: int) -> str | None:
    if year in YEARS and 1 <= month <= 12 and 1 <= day <= 31:
        return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def _numeric_iso(m: re.Match[str], century: int) -> str | None:
    y = m.group("y")
    if len(y) == 2 and m.group("sep") != "/":
        return None      # "7.1.10", "1-2-20" are row and item numbers
    if m.group("sep") == "." and _ends_before(_VERSION_BEFORE, m.string, m.start(), 16):
        return None
    year = int(y) if len(y) == 4 else century + int(y)
    return _iso(year, int(m.group("m")), int(m.group("d")))


def _date_spans(folded: str, century: int) -> list[tuple[int, int, str]]:
    found = [(m.start(), m.end(), iso) for m in _LONG_DATE.finditer(folded)
             if (iso := _iso(int(m.group("y")), int(m.group("m")), int(m.group("d"))))]
    taken = [(s, e) for s, e, _ in found]
    for m in _NUM_DATE.finditer(folded):
        iso = _numeric_iso(m, century)
        if iso and not any(s < m.end() and m.start() < e for s, e in taken):
            found.append((m.start(), m.end(), iso))
    return sorted(found)


def find_dates(text: str, *, default_century: int = 2000) -> list[DateMatch]:
    """Every day-month-year printed in `text`, in order (see module docstring).

    A two-digit year is read in `default_century` ("05/4/17" -> 2017). Not dates: a day
    and month without year ("15/8"), fractions ("2/63"), row numbers ("1.3.1", "7.1.10"),
    document numbers ("61/2018/NĐ-CP", "05-NQ/TU")."""
    return [DateMatch(s, e, iso, text[s:e])
            for s, e, iso in _date_spans(_fold(text), default_century)]


def parse_date(text: str, *, default_century: int = 2000) -> str | None:
    """The first date printed in `text` as ISO, or None."""
    dates = find_dates(text, default_century=default_century)
    return dates[0].iso if dates else None


# ------------------------------------------------------------------ time expressions

class _Kind(Enum):
    DATE = "date"              # a day: "15/8/2022", "ngày 15/8"
    PERIOD = "period"          # "quý III/2022", "tháng 8/2022", "năm 2021", "6 tháng đầu năm"
    RECUR = "recur"            # "hằng tháng", "trước ngày 16 hàng tháng", "6 tháng một lần"
    CONTINUOUS = "continuous"  # "thường xuyên"
    PERIODIC = "periodic"      # "định kỳ", a recurrence of unknown period
    RELATIVE = "relative"      # "trong thời hạn 05 ngày ...", "Sau các đợt kiểm tra"


# Qualifiers join a neighbouring deadline ("Định kỳ hàng tháng") but are not one alone
# in the middle of a clause ("báo cáo định kỳ", "ngân sách hàng năm").
_QUALIFIERS = (_Kind.RECUR, _Kind.PERIODIC, _Kind.CONTINUOUS)


@dataclass
class _Atom:
    start: int
    end: int
    kind: _Kind
    due: str | None = None                       # the last day, when the year is printed
    yearless: Callable[[int], str] | None = None  # the last day, given a year
    recurrence: str | None = None
    standalone: bool = False   # reads as a deadline wherever it stands
    coarse: bool = False       # a year or years: what a goal in a cited title looks like
    reach: int | None = None   # a condition's end: "... kể từ ngày ký quyết định"


def _ends_before(pattern: re.Pattern[str], folded: str, at: int,
                 width: int = 60) -> re.Match[str] | None:
    """`pattern` (anchored with $) matched on the text that ends at `at`."""
    return pattern.search(folded, max(0, at - width), at)


def _at_clause_start(folded: str, at: int) -> bool:
    return _ends_before(_CLAUSE_START, folded, at, 30) is not None


def _clause_end(folded: str, at: int) -> int:
    m = _CLAUSE_END.search(folded, at)
    return m.start() if m else len(folded)


def _period(m: re.Match[str], end_of: Callable[[int], str], *, kind: _Kind = _Kind.PERIOD,
            coarse: bool = False) -> _Atom:
    """An atom dated when its year is printed, else relative to the issue year."""
    groups = m.groupdict()
    if groups.get("y"):
        return _Atom(m.start(), m.end(), kind, due=end_of(int(groups["y"])), coarse=coarse)
    offset = RELATIVE_YEAR.get(groups.get("ry") or groups.get("ry2") or "nay", 0)
    return _Atom(m.start(), m.end(), kind, yearless=lambda year: end_of(year + offset),
                 coarse=coarse)


def _quarter_no(token: str | None) -> int | None:
    if token is None:
        return None
    return int(token) if token.isdigit() else ROMAN.get(token.translate(ROMAN_OCR))


def _unit(token: str) -> str:
    return "quy" if token == "qui" else token


def _day_month(m: re.Match[str]) -> _Atom | None:
    day, month = int(m.group("d")), int(m.group("m"))
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    if not _ends_before(_DAY_MONTH_LEAD, m.string, m.start()):
        return None      # a bare "d/m" is a fraction or a count ("6/6 phòng")
    return _period(m, lambda year: f"{year:04d}-{month:02d}-{day:02d}", kind=_Kind.DATE)


def _quarter(m: re.Match[str]) -> _Atom | None:
    quarters = [q for q in (_quarter_no(m.group("q")), _quarter_no(m.group("q2"))) if q]
    if not quarters or max(quarters) > 4:
        return None
    # The last quarter named is the deadline: "quý III - IV", "quý I, II", and "quý IV
    # và quý I/2022" (the year printed belongs to the last one).
    return _period(m, lambda year: period_end(year, quarter=quarters[-1]))


def _month(m: re.Match[str]) -> _Atom | None:
    months = [int(x) for x in (m.group("m"), m.group("m2")) if x]
    if not all(1 <= x <= 12 for x in months):
        return None
    return _period(m, lambda year: period_end(year, month=max(months)))


def _part_year(m: re.Match[str]) -> _Atom | None:
    n, edge = int(m.group("n")), m.group("edge")
    if edge and 1 <= n <= 11:           # "6 tháng đầu năm" -> June, "6 tháng cuối năm" -> December
        month = n if edge == "dau" else 12
    elif not edge and n in (3, 6, 9):   # "9 tháng": the nine-month reporting period
        month = n
    else:
        return None
    return _period(m, lambda year: period_end(year, month=month))


def _year_range(m: re.Match[str]) -> _Atom | None:
    if _ends_before(_YEAR_START_BEFORE, m.string, m.start(), 12):
        return None
    first, last = int(m.group("y")), int(m.group("y2") or 0)
    year = last if first < last <= first + 50 else first
    return _Atom(m.start(), m.end(), _Kind.PERIOD, due=period_end(year), coarse=True)


def _year_rel(m: re.Match[str]) -> _Atom | None:
    if not (m.group("edge") or m.group("ry")):
        return None      # a bare "năm" is not a period
    return _period(m, period_end, coarse=True)


def _recur(m: re.Match[str], recurrence: str | None, anchored: bool) -> _Atom:
    kind = _Kind.RECUR if recurrence else _Kind.PERIODIC
    return _Atom(m.start(), m.end(), kind, recurrence=recurrence, standalone=anchored)


def _every(m: re.Match[str]) -> _Atom:
    """"hằng tháng"; anchored ("trước ngày 16 hàng tháng") it is a schedule wherever it stands."""
    return _recur(m, EVERY[_unit(m.group("unit"))], m.group("anchor") is not None)


def _once_every(m: re.Match[str]) -> _Atom:
    return _recur(m, ONCE_EVERY.get((_unit(m.group("unit")), int(m.group("n")))), True)


def _times_per(m: re.Match[str]) -> _Atom | None:
    if _ends_before(_CAP_BEFORE, m.string, m.start(), 16):
        return None
    return _recur(m, TIMES_PER.get((_unit(m.group("unit")), int(m.group("n")))), True)


def _continuous(m: re.Match[str]) -> _Atom | None:
    if _ends_before(_NOT_CONTINUOUS_BEFORE, m.string, m.start(), 16):
        return None
    return _Atom(m.start(), m.end(), _Kind.CONTINUOUS, recurrence=CONTINUOUS, standalone=True)


def _periodic(m: re.Match[str]) -> _Atom:
    return _Atom(m.start(), m.end(), _Kind.PERIODIC)


def _rel_count(m: re.Match[str]) -> _Atom:
    link = _REL_LINK.match(m.string, m.end())
    reach = _clause_end(m.string, link.end()) if link else m.end()
    return _Atom(m.start(), m.end(), _Kind.RELATIVE, standalone=True, reach=reach)


def _rel_event(m: re.Match[str]) -> _Atom | None:
    if not _at_clause_start(m.string, m.start()):
        return None      # "rà soát ... trước khi bầu" mid-clause is a sequence, not a deadline
    return _Atom(m.start(), m.end(), _Kind.RELATIVE, standalone=True,
                 reach=_clause_end(m.string, m.end()))


def _rel_schedule(m: re.Match[str]) -> _Atom:
    return _Atom(m.start(), m.end(), _Kind.RELATIVE, standalone=True,
                 reach=_clause_end(m.string, m.end()))


# In order of preference when two expressions of the same length overlap.
_SCANNERS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], _Atom | None]], ...] = (
    (_DAY_MONTH, _day_month), (_QUARTER, _quarter), (_MONTH, _month),
    (_PART_YEAR, _part_year), (_YEAR_RANGE, _year_range), (_YEAR_REL, _year_rel),
    (_EVERY, _every), (_CYCLE_EDGE, _every), (_ONCE_EVERY, _once_every),
    (_TIMES_PER, _times_per), (_EVERY_N, _once_every), (_CONTINUOUS, _continuous),
    (_PERIODIC, _periodic), (_REL_COUNT, _rel_count), (_REL_EVENT, _rel_event),
    (_REL_SCHEDULE, _rel_schedule),
)


def _not_a_deadline(folded: str, atom: _Atom) -> bool:
    """A citation's date, a start or as-of date, a comparison, a goal year."""
    at = atom.start
    if atom.kind is _Kind.DATE and (day := _ends_before(_DAYWORD, folded, at, 12)):
        at = day.start()
    return any(_ends_before(p, folded, at) for p in (_CITED_BEFORE, _NOT_DEADLINE_TAIL, _GOAL_TAIL))


def _scan(folded: str) -> list[_Atom]:
    """The time expressions of a text, longest first where they overlap, in order."""
    found: list[tuple[int, int, _Atom]] = [
        (s - e, 0, _Atom(s, e, _Kind.DATE, due=iso)) for s, e, iso in _date_spans(folded, 2000)]
    for rank, (pattern, build) in enumerate(_SCANNERS, start=1):
        for m in pattern.finditer(folded):
            if m.end() > m.start() and (atom := build(m)):
                found.append((m.start() - m.end(), rank, atom))
    chosen: list[_Atom] = []
    for _, _, atom in sorted(found, key=lambda f: (f[0], f[1], f[2].start)):
        if all(atom.end <= c.start or c.end <= atom.start for c in chosen):
            chosen.append(atom)
    return sorted((a for a in chosen if not _not_a_deadline(folded, a)), key=lambda a: a.start)


def _resolve(atoms: list[_Atom], year: int | None) -> tuple[str | None, str | None]:
    """(due, recurrence) of the expressions of one deadline: the latest day wins. In a
    recurring deadline a day without year is the cycle's anchor ("trước ngày 16 hàng
    tháng"), not a date."""
    recurrences = [a.recurrence for a in atoms if a.recurrence]
    recurrence = next((r for r in recurrences if r != CONTINUOUS),
                      recurrences[0] if recurrences else None)
    cyclic = recurrence not in (None, CONTINUOUS) or any(a.kind is _Kind.PERIODIC for a in atoms)
    dues = [a.due for a in atoms if a.due]
    if not cyclic:
        dues += [due for i, a in enumerate(atoms)
                 if a.yearless and (due := _yearless_due(a, atoms[i + 1:], year))]
    return max(dues, default=None), recurrence


def _yearless_due(atom: _Atom, later: list[_Atom], year: int | None) -> str | None:
    """A part without year is in the year printed next ("tháng 11 và tháng 12/2021"), one
    earlier if it would fall after that part ("quý IV và quý I/2022"), else in `year`."""
    assert atom.yearless is not None
    printed = next((a.due for a in later if a.due), None)
    if printed is None:
        return atom.yearless(year) if year is not None else None
    due = atom.yearless(int(printed[:4]))
    return due if due <= printed else atom.yearless(int(printed[:4]) - 1)


def parse_deadline(text: str, *, issued: str | None = None) -> Deadline:
    """Normalise a deadline text to its last allowed day (`due`) or a recurrence.

    "trước ngày 15/8/2022" -> 2022-08-15; "Quý III/2022" -> 2022-09-30; "6 tháng đầu năm
    2022" -> 2022-06-30; "trong tháng 8/2022" -> 2022-08-31; "năm 2022 - 2023" -> 2023-12-31;
    several -> the latest; "hằng tháng", "trước ngày 16 hàng tháng" -> recurrence
    "monthly"; "thường xuyên" -> "continuous"; a relative or conditional deadline
    ("trong thời hạn 05 ngày làm việc kể từ ...", "theo quy định") -> neither. A day or
    period without year takes the year of `issued` (ISO) when given."""
    due, recurrence = _resolve(_scan(_fold(text)), _year_of(issued))
    return Deadline(text=text.strip(), due=due, recurrence=recurrence)


# ------------------------------------------------------------------ deadlines in a sentence

@dataclass
class _Expr:
    start: int
    end: int
    atoms: list[_Atom] = field(default_factory=list)
    licensed: bool = False


def _lead(folded: str, atom: _Atom) -> tuple[int, bool]:
    """Where the expression of `atom` starts (with its deadline words: "ngay trong",
    "chậm nhất là", "trước ngày") and whether it is licensed as a deadline: by a deadline
    word, a label, its place at the start of a clause, or by itself."""
    start = atom.start
    if atom.kind is _Kind.DATE and (day := _ends_before(_DAYWORD, folded, start, 12)):
        start = day.start()
    lead = _ends_before(_LEAD, folded, start)
    worded = bool(lead and lead.group("trig"))
    if lead:
        start = lead.start()
    label = _ends_before(_LABEL, folded, start)
    if label:
        return start, True
    return start, worded or atom.standalone or _at_clause_start(folded, start)


def _in_cited_title(folded: str, at: int) -> bool:
    """Is `at` inside the subject of a cited document ("... số 05-NQ/TU ... về tăng
    cường ... đến năm 2025"), up to a clause that resumes with a deadline word?"""
    begin = max(max(folded.rfind(c, 0, at) for c in ";\n\t"), folded.rfind(". ", 0, at)) + 1
    numbers = list(_CITED_NUMBER.finditer(folded, begin, at))
    if not numbers:
        return False
    about = _ABOUT.search(folded, numbers[-1].end(), at)
    return about is not None and not _RESUME.search(folded, about.end(), at)


def _expressions(folded: str, atoms: list[_Atom]) -> list[_Expr]:
    """Neighbouring atoms joined into expressions ("Thường xuyên, định kỳ"); only those
    with a licensed atom are deadlines."""
    exprs: list[_Expr] = []
    for atom in atoms:
        start, licensed = _lead(folded, atom)
        last = exprs[-1] if exprs else None
        joins = last is not None and (start <= last.end or _JOIN.fullmatch(folded, last.end, start))
        # A deadline word reaches over what is coordinated after it ("trong tháng 8 và
        # tháng 9/2022"), not back over what comes before ("báo cáo năm 2022 trước ...").
        coordinated = joins and last.licensed and _COORDINATION.fullmatch(folded, last.end, start)
        if not (licensed or atom.kind in _QUALIFIERS or coordinated):
            continue
        if joins:
            last.end = max(last.end, atom.end)
            last.atoms.append(atom)
            last.licensed |= licensed
        else:
            exprs.append(_Expr(start, atom.end, [atom], licensed))
    exprs = [e for e in exprs if e.licensed]
    for e, following in zip(exprs, [*(x.start for x in exprs[1:]), len(folded)]):
        reach = max((a.reach for a in e.atoms if a.reach), default=e.end)
        e.end = max(e.end, min(reach, following))
    return exprs


def _rank(expr: _Expr, deadline: Deadline) -> tuple[int, str]:
    """A day beats a recurrence, which beats a condition, which beats "thường xuyên"."""
    if deadline.due:
        return 3, deadline.due
    if deadline.recurrence not in (None, CONTINUOUS):
        return 2, ""
    if any(a.kind is _Kind.RELATIVE for a in expr.atoms):
        return 1, ""
    return 0, ""


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] == "*"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in "*,;:"):
        end -= 1
    return start, end


def find_deadline(text: str, *, issued: str | None = None,
                  ignore: Iterable[Span | tuple[int, int]] = ()) -> Deadline | None:
    """The deadline expression of a task sentence, or None.

    A deadline is introduced by a deadline word (trước, trong, đến, chậm nhất, ...), a
    label (thời gian, thời hạn, tiến độ, hoàn thành, ...), stands at the start of a clause
    ("Năm 2021", "Thường xuyên, định kỳ ..."), or is a recurrence or condition by itself.
    A cited document's date, a year in a cited title, an as-of or start date and a goal
    ("định hướng đến năm 2030") are not deadlines; nor is anything inside `ignore`
    (the caller's citation spans). Of several deadlines the one with the latest day wins.
    `text` is the expression without markdown stars, whitespace squashed; `span` is where
    it is printed."""
    folded = _fold(text)
    spans = [(s.start, s.end) if isinstance(s, Span) else (s[0], s[1]) for s in ignore]
    atoms = [a for a in _scan(folded)
             if not any(a.start < e and s < a.end for s, e in spans)
             and not (a.coarse and _in_cited_title(folded, a.start))]
    year = _year_of(issued)
    best: tuple[tuple[int, str], Deadline] | None = None
    for expr in _expressions(folded, atoms):
        start, end = _trimmed(text, expr.start, expr.end)
        due, recurrence = _resolve(expr.atoms, year)
        printed = " ".join(text[start:end].replace("*", " ").split())
        deadline = Deadline(printed, due, recurrence, Span(start, end))
        rank = _rank(expr, deadline)
        if best is None or rank > best[0]:
            best = rank, deadline
    return best[1] if best else None
