"""Tasks: the obligations a document assigns, with who leads, who supports, by when and
what is to be produced.

Three shapes, as plans and programmes write them:

1. A section's list of work, then who is responsible for it:
   "a) Nội dung triển khai" + bullets, "b) Trách nhiệm thực hiện: - Đơn vị chủ trì: X.
   - Đơn vị phối hợp: Y, Z". Each bullet is a task led by X; a bullet that names its own
   body ("Giao X ...", "Sở X khẩn trương ...") takes it, and "* Riêng việc ... do X chủ
   trì" hands the matching bullet to X. Numbered items followed by "- Cơ quan chủ trì:"
   lines are the same shape with one task per item.
2. Assignments under "Tổ chức thực hiện" (and "Trách nhiệm của ...", "Phân công ..."):
   every numbered item is a task, its body from the item ("2- Ban Tổ chức Tỉnh ủy chủ
   trì, phối hợp với Sở Nội vụ tham mưu ...") or from a heading that names it ("1. Giao
   Ban cán sự đảng UBND tỉnh" + bullets). Elsewhere (outside objectives, principles,
   scope and outlines) only sentences that name a body and oblige it are tasks
   ("Các cơ quan được giao nhiệm vụ ... phải đẩy mạnh ...").
3. Task tables (see `extractors.tables`): every numbered row with something besides its
   text; rows with empty number and text continue the row above; a merged responsibility
   cell covering a group's rows gives the group's bodies to each.

Words are data (`vanban/data/task_vocabulary.csv`); names are expanded with
`extractors.agencies`, deadlines read with `extractors.dates`.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache

from rapidfuzz import fuzz

from extractors import agencies, tables
from extractors.dates import find_deadline, parse_deadline
from vanban.datafiles import read_csv
from vanban.models import Block, BlockKind, Layout, Span, Task
from vanban.text import fold

# ------------------------------------------------------------------ vocabulary


@cache
def _vocabulary() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for row in read_csv("task_vocabulary.csv"):
        out.setdefault(row["kind"], []).append(row["phrase"].lower())
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in out.items()}


@cache
def _phrases(kind: str) -> re.Pattern[str]:
    """Phrases of one kind as a regex on lower-cased text, whole words, longest first."""
    words = _vocabulary().get(kind, ())
    body = "|".join(r"[\s,]+".join(map(re.escape, p.split())) for p in words) or r"(?!x)x"
    return re.compile(rf"(?<![\w])(?:{body})(?![\w])")


def _starts(kind: str, text: str) -> re.Match[str] | None:
    """A phrase of `kind` at the start of text (after marks and spaces)."""
    lower = text.lower()
    lead = len(lower) - len(lower.lstrip(" \t*_-–•+(\"“"))
    return _phrases(kind).match(lower, lead)


# ------------------------------------------------------------------ paragraphs

_ROMAN = re.compile(r"^(?P<m>[IVXLC]{1,6})\s*[.\-–/)]\s*(?=\S)")
_NUMBERED = re.compile(r"^(?P<m>\d{1,2}(?:\.\d{1,2})*)(?:\s*[.\-–)]\s*|\s+)(?=\S)")
_LETTER = re.compile(r"^(?P<m>[a-zđ])\s*\)\s*(?=\S)")
_BULLET = re.compile(r"^(?P<m>[-–+•*●▪◦])\s*(?=\S)")
_SENTENCE_END = re.compile(r"[.;]\W*$")
_ARTICLE = re.compile(r"^Điều\s+\d+\s*[.:]\s*")
_SYMBOL_START = re.compile(r"^\d{1,5}\s*[-/]\s*[A-ZĐ]{1,8}[-/]")   # "09-NQ/TU ..." goes on a citation


@dataclass
class _Para:
    text: str            # the paragraph without its marker
    start: int           # offset of `text` in the layout
    end: int
    kind: str            # roman | number | letter | bullet | plain
    marker: str
    upper: bool

    @property
    def level(self) -> int:
        if self.kind == "roman":
            return 1
        if self.kind == "number":
            return 2 + self.marker.count(".")
        if self.kind == "letter":
            return 8
        return 99


def _para(layout: Layout, block: Block) -> _Para:
    raw = layout.text[block.start:block.end]
    if _SYMBOL_START.match(raw):
        return _Para(raw, block.start, block.end, "plain", "", _is_upper(raw))
    for kind, pattern in (("roman", _ROMAN), ("number", _NUMBERED), ("letter", _LETTER),
                          ("bullet", _BULLET)):
        m = pattern.match(raw)
        if m:
            return _Para(raw[m.end():], block.start + m.end(), block.end, kind, m.group("m"),
                         _is_upper(raw))
    return _Para(raw, block.start, block.end, "plain", "", _is_upper(raw))


def _continues(previous: _Para, p: _Para) -> bool:
    """Is p the rest of the paragraph before it, cut by the layout ("... thuộc UBND tỉnh;"
    + "phòng, ban chuyên môn ...", "... Nghị quyết số" + "09-NQ/TU ngày ...")?"""
    if p.kind != "plain" or p.upper or previous.upper or previous.text.rstrip().endswith(":"):
        return False
    first = next((c for c in p.text if c.isalnum()), "")
    open_end = not re.search(r"[.;!?]\W*$", previous.text)
    if _is_label(previous.text) and _LABEL_LIST_END.search(previous.text):
        return True                     # "- Đơn vị chủ trì: Văn phòng UBND tỉnh;" + the rest of the list
    return first.islower() or (first.isdigit() and open_end)


def _label(text: str) -> tuple[str, str] | None:
    """("lead", "Sở Nội vụ.") from "Đơn vị chủ trì: Sở Nội vụ." (also support, deadline,
    output lines); None for any other paragraph."""
    head, colon, content = text.partition(":")
    if not colon or len(head.split()) > 6:
        return None
    for kind in ("support_label", "lead_label", "deadline_label", "output_label"):
        m = _starts(kind, head)
        if m and not head.lower()[m.end():].strip(" *_"):
            return kind.split("_")[0], content
    return None


def _is_label(text: str) -> bool:
    return _label(text) is not None


def _paragraphs(layout: Layout, blocks: list[Block]) -> Iterator[_Para | Block]:
    """Paragraphs (joined back where the layout cut one) and tables, in order."""
    pending: _Para | None = None
    for block in blocks:
        if block.kind == BlockKind.TABLE:
            if pending is not None:
                yield pending
                pending = None
            yield block
            continue
        p = _para(layout, block)
        if pending is not None and _continues(pending, p):
            # same offsets: the paragraph break becomes spaces of the same length
            text = layout.text[pending.start:p.end].replace("\n", " ")
            pending = _Para(text, pending.start, p.end, pending.kind, pending.marker, False)
            continue
        if pending is not None:
            yield pending
        pending = p
    if pending is not None:
        yield pending


def _is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and not any(c.islower() for c in letters)


# ------------------------------------------------------------------ who is assigned

_WORD = re.compile(r"[\w/&.-]+")
_SUPPORT_INTRO = re.compile(r"(?<![\w])phối hợp(?:\s+chặt chẽ)?\s+(?:với|cùng)\s+", re.I)
_LIST_GLUE = re.compile(r"^\s*(?:,|;|và|cùng|với)?\s*$", re.I)
_LEAD_TAIL = re.compile(r"\s*(?:thực hiện theo chức năng.*|theo chức năng.*|đối với .*)$", re.I | re.S)
_PLURAL = re.compile(r"^(?:các|từng|mỗi|toàn thể|những)\b|\scác\s", re.I)
_LABEL_LIST_END = re.compile(r"[;,]\s*$")
_EXPLICIT = re.compile(r"\s*(?:chủ trì|có trách nhiệm|có nhiệm vụ)\b\s*,?\s*", re.I)


@dataclass
class Assignment:
    """Who a sentence assigns: the body as printed (expanded), its partners, and where
    the work itself starts in the sentence."""
    lead: str
    support: list[str]
    body: int                  # offset in the sentence where the task text starts
    explicit: bool             # "Giao X", "X chủ trì", "X có trách nhiệm" ...
    group: bool                # several bodies, or a collective ("Các sở, ngành")
    giao: bool = False         # the sentence says "Giao X"
    name_start: int = 0        # where the body's name starts in the sentence
    opening: bool = False      # an opening phrase precedes it ("Căn cứ ..., X ...")

    def text_start(self, length: int) -> int:
        """Where the task text starts in a sentence of `length`: after "X chủ trì, phối
        hợp với Y" and after a plain subject, unless what is left is shorter than the
        name; a sentence that opens otherwise ("Giao X ...", "Căn cứ ..., X") is whole."""
        if (self.chu_tri or not (self.giao or self.opening)) \
                and length - self.body >= self.name_end - self.name_start:
            return self.body
        return 0

    chu_tri: bool = False      # "X chủ trì" / "X có trách nhiệm" follows the name
    name_end: int = 0


def _is_head(text: str, pos: int) -> bool:
    """Does a body's name start at pos? ("Tổ chức chính trị" does, "Tổ chức tiếp nhận"
    not; "Các sở" does, "Các cuộc kiểm tra" not; a name the agency gazetteer knows does,
    abbreviated or misspelt: "VP UBND tỉnh", "Sỏ Tài chính".)"""
    lower = text.lower()
    quantifier = _phrases("quantifier").match(lower, pos)
    if quantifier:
        nxt = quantifier.end() + len(lower[quantifier.end():]) - len(lower[quantifier.end():].lstrip())
        return _is_head(text, nxt) or bool(_phrases("collective").match(lower, nxt))
    if any(a == pos for a, _ in _agency_spans(text)):
        return True
    head = _phrases("subject_head").match(lower, pos)
    if not head:
        return False
    verb = _phrases("not_subject").match(lower, pos)
    return not verb or len(head.group(0)) > len(verb.group(0))


def _ends_with_name_head(lower: str, pos: int) -> bool:
    before = " " + lower[max(0, pos - 20):pos].rstrip(" ,")
    return any(before.endswith(" " + h) for h in _vocabulary()["name_head"])


def _names_function(lower: str, pos: int) -> bool:
    """"Đoàn kiểm tra", "cơ quan tham mưu": a function verb right after a head noun."""
    return bool(_phrases("name_verb").match(lower, pos)) and _ends_with_name_head(lower, pos)


def subject_end(text: str, start: int = 0) -> int | None:
    """Where the name of the body that opens `text[start:]` ends: before the first
    obligation marker or action verb that is not part of a name ("Đoàn kiểm tra có trách
    nhiệm" ends before "có"; "Ban Tổ chức Tỉnh ủy chủ trì" before "chủ trì"; "Các cơ quan
    được giao nhiệm vụ tham mưu, theo dõi ... phải" before "phải"). None when text does
    not open with a body or no verb ends it."""
    lower = text.lower()
    if not _is_head(text, start):
        return None
    names = _agency_spans(text)
    relative = False
    previous_end = start
    for count, w in enumerate(_WORD.finditer(text, start)):
        pos, gap, previous_end = w.start(), text[previous_end:w.start()], w.end()
        if count > 45:
            return None
        if ":" in gap:                        # "Sở Tài chính: Tham mưu ..."
            return pos - len(gap) + gap.index(":")
        if pos == start or any(a <= pos < b for a, b in names):
            continue
        word = w.group(0)
        marker = _phrases("marker").match(lower, pos)
        if _phrases("relative").match(lower, pos):
            relative = True
        elif _phrases("permission").match(lower, pos) or _phrases("sanction").match(lower, pos) \
                or not relative and (_phrases("descriptive").match(lower, pos)
                                     or _phrases("relay").match(lower, pos)):
            return pos
        elif word[0].isupper():
            # a capitalised word belongs to a name ("Ban Tổ chức", "Ủy ban Kiểm tra"),
            # unless a verb follows a complete name ("Trung tâm Truyền thông tỉnh Tăng cường")
            previous = lower[:pos].rstrip()[-1:]
            if (marker or _phrases("verb").match(lower, pos)) and previous.islower() \
                    and not _ends_with_name_head(lower, pos):
                return pos
        elif _names_function(lower, pos):
            pass
        elif marker and not (relative and (marker.group(0) in ("chủ trì", "phối hợp")
                                           or _after_giao(lower, pos))):
            return pos
        elif not relative and _phrases("verb").match(lower, pos) and not _inside_noun(lower, pos):
            return pos
    return None


def _inside_noun(lower: str, pos: int) -> bool:
    """"chương trình", "các tổ chức thành viên": a verb's syllable used in a noun."""
    previous = re.search(r"(\w+)\s+$", lower[max(0, pos - 15):pos])
    if previous is None:
        return False
    if _phrases("quantifier").fullmatch(previous.group(1)):
        return True
    compound = _phrases("compound").match(lower, pos - len(previous.group(0)))
    return compound is not None and compound.end() > pos


def _after_giao(lower: str, pos: int) -> bool:
    return lower[max(0, pos - 6):pos].strip().endswith("giao")


@lru_cache(maxsize=4096)
def _agency_spans(text: str) -> tuple[tuple[int, int], ...]:
    return tuple((m.start, m.end) for m in agencies.find_agencies(text))


def _clean_name(text: str) -> str:
    text = re.sub(r"\s+", " ", text.strip(" \t\n,;:.-–*"))
    return text[:1].upper() + text[1:]


def expand_name(text: str) -> str:
    """A body's name as printed, abbreviations expanded ("UBND tỉnh" -> "Ủy ban nhân dân tỉnh")."""
    return _clean_name(agencies.expand(_clean_name(text)))


def _is_group(name: str) -> bool:
    """Several bodies, or a collective: "Các sở, ngành", "Chủ tịch UBND các huyện"."""
    return bool(_PLURAL.search(name.strip())) or len(agencies.split_agencies(name)) > 1


def _agency_list_end(text: str, start: int) -> int:
    """End of a run of agency names from `start` ("Sở Tài chính, UBND các huyện và các
    đơn vị liên quan tham mưu ..." ends after "liên quan")."""
    end = start
    for m in agencies.find_agencies(text[start:]):
        gap = text[end:start + m.start]
        if (end > start and not _LIST_GLUE.match(gap)) or (end == start and gap.strip()):
            break
        end = start + m.end
    if end == start:                          # no known name: up to the first verb
        cut = subject_end(text, start)
        return cut if cut is not None else start
    return end


def support_in(text: str) -> list[str]:
    """Bodies named after "phối hợp với" in a sentence."""
    m = _SUPPORT_INTRO.search(text)
    if not m:
        return []
    end = _agency_list_end(text, m.end())
    return agencies.split_agencies(text[m.end():end]) if end > m.end() else []


def _skip_prefixes(sentence: str, pos: int) -> tuple[int, bool]:
    giao = False
    while (m := _starts("prefix", sentence[pos:])) is not None:
        giao = giao or m.group(0).startswith("giao")
        pos += m.end()
        pos += len(sentence[pos:]) - len(sentence[pos:].lstrip(" ,:"))
    return pos, giao


def parse_assignment(sentence: str) -> Assignment | None:
    """The body a sentence assigns, if it opens with one: after "Giao", "Đề nghị", ...,
    or after an opening phrase ("Căn cứ Kế hoạch này, Trưởng các phòng ...")."""
    pos, giao = _skip_prefixes(sentence, 0)
    end = subject_end(sentence, pos)
    opening = False
    if end is None and _starts("adverbial", sentence[pos:]):
        for comma in [m.end() for m in re.finditer(r",\s*", sentence[pos:pos + 200])][:3]:
            at, giao2 = _skip_prefixes(sentence, pos + comma)
            end = subject_end(sentence, at) if _names_at(sentence, at) else None
            if end is not None:
                pos, giao, opening = at, giao or giao2, True
                break
    if end is None or not re.search(r"\w", sentence[pos:end]):
        return None
    relay = _phrases("relay").match(sentence.lower(), end)
    if relay:                                  # "UBND tỉnh yêu cầu Thủ trưởng các sở ..."
        at = relay.end() + len(sentence[relay.end():]) - len(sentence[relay.end():].lstrip())
        inner = parse_assignment(sentence[at:])
        if inner is None:
            return None
        inner.body += at
        inner.name_start += at
        inner.name_end += at
        inner.giao = True
        return inner
    name = sentence[pos:end]
    rest, explicit = end, giao
    chu_tri = False
    if m := _EXPLICIT.match(sentence, rest):
        explicit, rest, chu_tri = True, m.end(), True
    support: list[str] = []
    m = _SUPPORT_INTRO.match(sentence, rest + len(sentence[rest:]) - len(sentence[rest:].lstrip(" ,")))
    if m and explicit:
        list_end = _agency_list_end(sentence, m.end())
        if list_end > m.end():
            support, rest = agencies.split_agencies(sentence[m.end():list_end]), list_end
    rest += len(sentence[rest:]) - len(sentence[rest:].lstrip(" ,;:"))
    return Assignment(expand_name(name), support, rest, explicit, _is_group(name), giao, pos,
                      opening, chu_tri, end)


def _responsible_items(text: str) -> list[str]:
    """A responsibility cell cut into its statements: lines, "- " items, and a "; ..."
    part that coordinates ("Văn phòng chủ trì; các phòng phối hợp")."""
    parts = re.split(r"\n|(?:^|\s)[-–•+]\s+|;\s*(?=[^;]*\bphối hợp\b)", text)
    return _unique(p.strip(" -–•+;.") for p in parts if p.strip(" -–•+;."))


def parse_responsible(text: str) -> tuple[str | None, list[str]]:
    """Lead and support from a responsibility cell or line: "Văn phòng chủ trì; các phòng
    phối hợp", "- Chánh Văn phòng chủ trì ... - Trưởng các phòng thực hiện ...",
    "Văn phòng chủ trì, phối hợp với chuyên trách CNTT và các phòng nghiệp vụ ...".
    A cell of names only is one lead as printed ("Sở Nội vụ; các sở, ngành, địa phương")."""
    text = text.strip()
    items = _responsible_items(text)
    if not items:
        return None, []
    if all(_names_only(i) for i in items):
        return expand_name(_LEAD_TAIL.sub("", "; ".join(items))), []
    lead: str | None = None
    support: list[str] = []
    for item in items:
        end = subject_end(item + " thực hiện")
        if end is None:
            if not _is_head(item, 0):
                continue
            end = len(item)                   # "Các cơ quan, đơn vị được giao nhiệm vụ"
        name = expand_name(_LEAD_TAIL.sub("", item[:min(end, len(item))]))
        rest = item[end:].lower().lstrip(" ,") if end < len(item) else ""
        coordinating = rest.startswith("phối hợp") and not _SUPPORT_INTRO.match(rest)
        if lead is None and not coordinating:
            lead = name
        else:
            support.append(name)
        support += support_in(item)
    return lead, _unique(support)


def _names_only(item: str) -> bool:
    return _is_head(item, 0) and subject_end(item) is None


# ------------------------------------------------------------------ products

_OUTPUT_STOP = re.compile(r"[,;:()]|\s(?:theo|để|gửi|trước|trong|cho|đảm bảo|nhằm|và các)\s")
_MAKING = re.compile(r"(?<![\w])(?:xây dựng|ban hành|trình|lập|dự thảo|báo cáo|tổng hợp|soạn thảo|"
                     r"đề xuất)\s+(?:(?:các|một|01)\s+)?")


def find_output(text: str) -> str | None:
    """The product a task asks for: the first product noun after a making verb ("xây dựng
    Báo cáo kết quả ...", "ban hành kế hoạch ..."), up to the end of its phrase."""
    lower = text.lower()
    for m in _MAKING.finditer(lower):
        noun = _phrases("output").match(lower, m.end())
        if noun:
            stop = _OUTPUT_STOP.search(text, noun.end())
            words = text[m.end():stop.start() if stop else len(text)].split()[:12]
            return _clean_name(" ".join(words))
    return "Báo cáo" if re.search(r"(?<![\w])báo cáo(?![\w])", lower) else None


# ------------------------------------------------------------------ sentences

_SPLIT = re.compile(r"(?<=[.;])\s+(?=\S)")


def _sentences(text: str, at: int = 0, *, semicolons: bool = False) -> Iterator[tuple[int, int]]:
    """[start, end) of the sentences of text (and of its ';' clauses when asked)."""
    pos = 0
    for m in _SPLIT.finditer(text):
        before = text[m.start() - 1]
        if before == ";" and not semicolons:
            continue
        if before == "." and not re.match(r"[A-ZĐÀ-Ỹ\d]", text[m.end():m.end() + 1] or "a"):
            continue
        if before == "." and re.search(r"\b(?:TP|Tp|TX|ThS|TS|PGS|GS|St|Q|H|P)\.$", text[:m.start()]):
            continue
        yield at + pos, at + m.start()
        pos = m.end()
    if pos < len(text):
        yield at + pos, at + len(text)


def _passive_agent(sentence: str) -> str | None:
    """"Toàn bộ hồ sơ quá hạn phải được lãnh đạo cơ quan ... hẹn lại": the agent of an
    obligation written in the passive."""
    m = re.search(r"\bphải được\s+", sentence, re.I)
    end = subject_end(sentence, m.end()) if m else None
    return expand_name(sentence[m.end():end]) if m and end else None


def _given_to(sentence: str) -> str | None:
    """"... được UBND Thành phố giao cho Phòng Nội vụ Thành phố quản lý": the body work
    is handed to in the passive."""
    m = re.search(r"\bgiao\s+cho\s+", sentence, re.I)
    end = subject_end(sentence, m.end()) if m else None
    return expand_name(sentence[m.end():end]) if m and end else None


def _names_at(clause: str, pos: int) -> bool:
    """Inside a sentence a new body is capitalised or collective ("; Các sở ...",
    "; từng thành viên ..."): "báo cáo" or "thanh tra" there are verbs."""
    return clause[pos:pos + 1].isupper() or bool(re.match(r"(?:các|từng|mỗi|những)\b", clause[pos:]))


def _clauses(text: str) -> list[tuple[int, int]]:
    """Sentences and ';' clauses; a clause that is only names ("Thủ trưởng các sở, ban,
    ngành; Chủ tịch UBND các huyện ... triển khai ...") belongs to the next one."""
    out: list[tuple[int, int]] = []
    carry: int | None = None
    for s, e in _sentences(text, semicolons=True):
        start = s if carry is None else carry
        if text[e - 1:e] == ";" and _names_only(text[s:e - 1]):
            carry = start
            continue
        out.append((start, e))
        carry = None
    if carry is not None:
        out.append((carry, len(text)))
    return out


def _one_line(text: str) -> str:
    text = re.sub(r"\s+", " ", text.replace("*", " ")).strip()
    text = text.rstrip(" .;,:/")
    return text[:1].upper() + text[1:]


def _is_obligation(sentence: str, a: Assignment) -> bool:
    """An assignment, not a sanction or a permission: the name is followed by a marker
    somewhere in the sentence ("... phải đẩy mạnh ..."), not by "không được xếp loại"."""
    lower = sentence.lower()
    tail = lower[a.body:].lstrip() if a.body < len(lower) else ""
    if _phrases("sanction").search(lower):
        return False
    if _phrases("permission").match(tail) or (_phrases("descriptive").match(tail)
                                             and not _phrases("relative").match(tail)):
        return False
    return a.explicit or bool(_phrases("marker").search(lower, 0)) or bool(_phrases("verb").match(tail))


# ------------------------------------------------------------------ prose walk


@dataclass
class _Draft:
    ref: str
    start: int                      # layout offsets of the task text
    end: int
    text: str
    lead: str | None = None
    support: list[str] = field(default_factory=list)
    own_lead: bool = False          # named by the task itself, not by its section
    group_subject: bool = False
    deadline_text: str | None = None
    output: str | None = None
    kind: str = "item"              # item | bullet | heading | sentence
    giao: bool = False              # "Giao X ...": X is assigned even when it is a group


@dataclass
class _Section:
    level: int
    ref: str
    mode: str                       # skip | assign | named
    lead: str | None = None         # body named by the heading ("3. Trung tâm ...")
    lead_giao: bool = False
    support: list[str] = field(default_factory=list)
    role: str | None = None         # content | responsibility (labels a) / b))
    drafts: list[_Draft] = field(default_factory=list)
    named: list[_Draft] = field(default_factory=list)   # sentence-level tasks (named mode)
    heading: _Draft | None = None   # the heading itself, a task if lines give it a lead
    resp_lead: str | None = None
    resp_support: list[str] | None = None
    overrides: list[tuple[str, str]] = field(default_factory=list)
    deadline_text: str | None = None
    output: str | None = None
    last_bullet: str | None = None


class _Walker:
    """Reads paragraphs in order, keeps the open sections, and turns drafts into tasks."""

    def __init__(self, layout: Layout, issued: str | None, ignore: list[Span]):
        self.layout = layout
        self.issued = issued
        self.ignore = ignore
        self.stack: list[_Section] = [_Section(0, "", "named")]
        self.state = "body"               # body | closed | outline
        self.tasks: list[Task] = []
        self.after_bullet: _Draft | None = None   # the bullet task a plain paragraph may go on

    # -- sections

    @property
    def top(self) -> _Section:
        return self.stack[-1]

    def _mode_of(self, title: str) -> str | None:
        if _starts("assign_section", title):
            return "assign"
        if _starts("skip_section", title):
            return "skip"
        return None

    def _close_to(self, level: int) -> None:
        while len(self.stack) > 1 and self.stack[-1].level >= level:
            self._finish(self.stack.pop())

    def _unit(self) -> _Section:
        """The nearest open section that is not a content/responsibility label."""
        for s in reversed(self.stack):
            if s.role is None:
                return s
        return self.stack[0]

    def _inherited_lead(self) -> tuple[str | None, bool, list[str]]:
        for s in reversed(self.stack):
            if s.lead:
                return s.lead, s.lead_giao, s.support
        return None, False, []

    def _ref(self) -> str:
        """The printed path: "II.1.1" for bullets under "II." and "1.1." ("a) Nội dung
        triển khai" labels are not part of it)."""
        parts: list[str] = []
        for s in self.stack:
            if not s.ref or s.role is not None:
                continue
            if parts and s.ref.startswith(parts[-1] + "."):
                parts[-1] = s.ref
            else:
                parts.append(s.ref)
        return ".".join(parts)

    # -- feeding

    def feed(self, p: _Para) -> None:
        if p.kind == "plain" and _starts("appendix", p.text) and (p.upper or len(p.text) < 40):
            self._close_to(1)
            self.state = "body"
            self.stack[0].mode = "named"
            return
        if p.kind == "plain" and _starts("outline", p.text) and p.upper:
            self._close_to(1)
            self.state = "outline"
            return
        if _starts("closing", p.text) and p.kind == "plain":
            self._close_to(1)
            self.state = "closed"
            return
        if self.state != "body":
            return
        after_bullet, self.after_bullet = self.after_bullet, None
        if p.kind in ("roman", "number", "letter"):
            self._numbered(p)
        elif p.kind == "bullet":
            self._bullet(p)
        elif after_bullet is not None and not self._assigns(p.text) and not _is_label(p.text) \
                and not self._is_closing(p.text):
            # a bullet's next sentence printed as a paragraph of its own
            after_bullet.end = p.end
            after_bullet.text = _one_line(self.layout.text[after_bullet.start:after_bullet.end])
            self.after_bullet = after_bullet
        else:
            self._plain(p)

    @staticmethod
    def _assigns(text: str) -> bool:
        a = parse_assignment(text)
        return a is not None and _is_obligation(text, a)

    def _numbered(self, p: _Para) -> None:
        self._close_to(p.level)
        title, colon, content = p.text.partition(":")
        heading_only = not _SENTENCE_END.search(p.text) or (content.strip() == "" and ":" in p.text)
        titled = heading_only or (colon and len(title.split()) <= 8)   # "1. Thời gian: ..."
        mode = (self._mode_of(title) if titled else None) or self.top.mode
        role = None
        # "b) Cơ quan thực hiện: ...", "c) Thời gian hoàn thành: Quý I năm 2016."
        label = _label(p.text) if p.kind == "letter" else None
        if p.kind == "letter" and _starts("content_label", p.text) and heading_only:
            role = "content"
        elif p.kind == "letter" and _starts("lead_label", title) and (heading_only or content.strip()):
            role = "responsibility"
        elif label is not None and label[1].strip():
            role = "responsibility"
        if role == "responsibility":
            mode = self.top.mode        # "c) Thời gian ...:" is a line of the item, not a section
        section = _Section(p.level, p.marker.rstrip("."), mode, role=role)
        self.stack.append(section)
        if mode == "skip":
            return
        if role == "responsibility":
            if label is not None and label[1].strip():
                self._responsibility_line(*label)
            elif content.strip():
                self._responsibility_line("lead", content)
            return
        if role == "content":
            return
        if heading_only:
            self._heading(section, p)
        else:
            self._item(section, p)

    def _heading(self, section: _Section, p: _Para) -> None:
        """A heading: it may name the body its items are assigned to ("3. Trung tâm Phục
        vụ hành chính công tỉnh", "1. Giao Ban cán sự đảng UBND tỉnh", "1. Trách nhiệm
        của Sở Nội vụ - Cơ quan thường trực ..."); otherwise it may itself be the task of
        the responsibility lines that follow it."""
        text = re.sub(r"\s+[-–]\s+.*$", "", p.text.rstrip(" :"))   # an apposition after " - "
        a = parse_assignment(text + " thực hiện")
        if a is not None and a.body >= len(text):
            section.lead = _clean_name(_LEAD_TAIL.sub("", a.lead))
            section.lead_giao = a.giao
            return
        section.heading = _Draft(self._ref(), p.start, p.end, _one_line(p.text), kind="heading")

    def _item(self, section: _Section, p: _Para) -> None:
        """A numbered item with content: a task in an assignment section, or where it
        names and obliges a body."""
        if section.mode == "assign":
            drafts = self._assign_drafts(p.text, p.start, self._ref())
            section.drafts += drafts
            if drafts and drafts[0].own_lead:     # paragraphs that go on take its body
                section.lead, section.support = drafts[0].lead, []
        else:
            section.named += self._named_drafts(p.text, p.start, self._ref())
            section.heading = _Draft(self._ref(), p.start, p.end, _one_line(p.text), kind="heading")

    def _assign_drafts(self, text: str, start: int, ref: str) -> list[_Draft]:
        """One task per clause that names its own body; clauses without one stay with
        the task before them (or take the section's body)."""
        drafts: list[_Draft] = []
        lead, _, support = self._inherited_lead()
        for s, e in _clauses(text):
            clause = text[s:e]
            if _phrases("sanction").search(clause.lower()):
                continue                      # a rule on who is not rewarded, not a task
            a = parse_assignment(clause)
            if a is not None and s > 0 and not _names_at(clause, a.name_start):
                a = None                      # "; định kỳ ..., báo cáo ...": no new body
            if a is not None and (_is_obligation(clause, a) or a.explicit) and a.lead:
                drafts.append(_Draft(ref, start + s + a.text_start(e - s), start + e, "", a.lead,
                                     a.support or support_in(clause), True, a.group, giao=a.giao))
            elif drafts:
                drafts[-1].end = start + e
            else:
                drafts.append(_Draft(ref, start + s, start + e, "", _given_to(clause) or lead,
                                     support_in(clause) or list(support)))
        for d in drafts:
            d.text = _one_line(self.layout.text[d.start:d.end])
        return [d for d in drafts if _worth(d.text)]

    def _named_drafts(self, text: str, start: int, ref: str) -> list[_Draft]:
        """Sentences that name a body and oblige it (outside assignment sections; not in
        the preamble before the first heading, which introduces the document)."""
        out: list[_Draft] = []
        if len(self.stack) < 2:
            return out
        for s, e in _sentences(text):
            sentence = text[s:e]
            lead_in = re.match(r"^\s*(?:Cụ thể|Trong đó|Riêng)\s*[:,]?\s*", sentence)
            offset = lead_in.end() if lead_in else 0
            a = parse_assignment(sentence[offset:])
            if a is None:
                agent = _passive_agent(sentence)
                if agent is None:
                    continue
                out.append(_Draft(ref, start + s, start + e, _one_line(sentence), agent, [], True))
                continue
            if not _is_obligation(sentence[offset:], a):
                continue
            body = s + offset + a.text_start(e - s - offset)
            out.append(_Draft(ref, start + body, start + e, _one_line(text[body:e]), a.lead,
                              a.support or support_in(sentence), True, a.group, kind="sentence"))
        return [d for d in out if _worth(d.text)]

    def _bullet(self, p: _Para) -> None:
        unit = self._unit()
        if unit.mode == "skip":
            return
        label = _label(p.text)
        if label is not None:
            self._responsibility_line(*label)
            return
        if p.marker == "*" and re.match(r"\s*Riêng\b", p.text):
            if self._override(p.text):
                return
        previous = unit.last_bullet
        if previous and p.marker != previous and unit.drafts and unit.drafts[-1].kind == "bullet" \
                and p.marker in "+•◦▪":
            self._extend(unit.drafts[-1], p)            # a sub-item of the bullet above
            return
        unit.last_bullet = p.marker
        self._bullet_draft(unit, p.text, p.start)

    def _bullet_draft(self, unit: _Section, text: str, start: int) -> None:
        ref = self._ref()
        lead, giao, support = self._inherited_lead()
        drafts = self._bullet_split(text, start, ref)
        first = drafts[0]
        own = parse_assignment(text)
        # a bullet's own body leads it when it is one body ("Sở X khẩn trương ...") or
        # assigned ("Giao ..."), or when nothing above names one; a group it names within
        # a section's bodies ("Các sở, ngành ...") leaves the section's lead
        if own is not None and ((own.giao or not own.group) and _is_obligation(text, own)
                                or own.group and not lead):
            first.lead, first.own_lead, first.group_subject, first.giao = own.lead, True, own.group, own.giao
            first.support = own.support or support_in(text)
        partner = re.match(r"\s*Phối hợp\s+(?:với|cùng)\s+", text)
        if partner and lead and not giao and not first.own_lead:
            end = _agency_list_end(text, partner.end())
            if end > partner.end():
                first.lead, first.own_lead = expand_name(text[partner.end():end]), True
                first.support = agencies.split_agencies(lead)
        for d in drafts:
            if not d.own_lead:
                d.lead = lead
                d.support = support_in(d.text) if not support else list(support)
        unit.drafts += drafts
        unit.named += self._named_drafts(text, start, ref)
        self.after_bullet = drafts[-1]

    def _bullet_split(self, text: str, start: int, ref: str) -> list[_Draft]:
        """A bullet is one task, except sentences that hand work to a body of their own
        ("Giao Sở Nội vụ kiểm tra ...", "Sở X chủ trì, phối hợp với ... nâng cấp ...")."""
        cuts: list[tuple[int, Assignment | None]] = [(0, None)]
        for s, e in _sentences(text):
            if s == 0:
                continue                      # the bullet's own body: see _bullet_draft
            sentence = text[s:e]
            a = parse_assignment(sentence)
            if a is not None and (a.giao or (a.explicit and "chủ trì" in sentence.lower()[:a.body])):
                cuts.append((s, a))
        drafts = []
        for k, (s, a) in enumerate(cuts):
            e = cuts[k + 1][0] if k + 1 < len(cuts) else len(text)
            d = _Draft(ref, start + s, start + e, _one_line(text[s:e]), kind="bullet")
            if a is not None and a.lead:
                d.lead, d.own_lead, d.group_subject = a.lead, True, a.group
                d.support = a.support or support_in(text[s:e])
                d.giao = a.giao
            drafts.append(d)
        return drafts

    def _extend(self, draft: _Draft, p: _Para) -> None:
        draft.end = p.end
        if draft.output is None:
            draft.output = find_output(p.text) or _clean_name(" ".join(p.text.split()[:12]))

    def _plain(self, p: _Para) -> None:
        unit = self._unit()
        if unit.mode == "skip" or p.upper:
            return
        article = _ARTICLE.match(p.text)
        if article:
            # an article of a decision: its own section; the execution clause ("Điều 3.
            # ... chịu trách nhiệm thi hành Quyết định này") is not a task
            self._close_to(1)
            self.stack.append(_Section(1, article.group(0).strip(" .:"), "named"))
            if not _phrases("not_task").search(p.text.lower()):
                unit = self.top
                unit.named += self._named_drafts(p.text[article.end():], p.start + article.end(), unit.ref)
            return
        label = _label(p.text)
        if label is not None:
            self._responsibility_line(*label)
            return
        if re.match(r"^\(.*\)\.?$", p.text.strip()):
            return                                        # "(Nhiệm vụ cụ thể tại Phụ lục I ...)"
        content = _starts("content_label", p.text)
        if content and p.text[content.end():].lstrip(" *_").startswith(":"):
            at = p.text.index(":", content.end()) + 1     # "Nội dung triển khai: Chuẩn bị ..."
            at += len(p.text[at:]) - len(p.text[at:].lstrip())
            if _worth(p.text[at:]):
                self._bullet_draft(unit, p.text[at:], p.start + at)
            return
        if p.text.rstrip().endswith(":"):
            a = parse_assignment(p.text)                  # "... đề nghị các đơn vị ... như sau:"
            if a is not None:
                unit.lead, unit.lead_giao, unit.support = a.lead, True, a.support
                return
        if unit.mode == "assign":
            if self._is_closing(p.text):
                return
            unit.drafts += self._assign_drafts(p.text, p.start, self._ref())
        else:
            unit.named += self._named_drafts(p.text, p.start, self._ref())

    @staticmethod
    def _is_closing(text: str) -> bool:
        folded = fold(text)
        return bool(re.search(r"kho khan,? vuong mac|to chuc thuc hien tot ke hoach|"
                              r"yeu cau .{0,200}(?:nghiem tuc|tot|khan truong) (?:trien khai|thuc hien)", folded)) \
            and not re.match(r"\s*(?:giao|de nghi)\b", folded)

    # -- responsibility lines

    def _responsibility_line(self, kind: str, content: str) -> None:
        unit = self._unit()
        content = content.strip()
        if kind == "lead":
            # "Sở Nội vụ đối với công tác tổ chức bộ máy. Các sở, ngành thực hiện ...":
            # the first body named leads the section
            first = re.split(r"(?<=\w)\.\s+(?=[A-ZĐ])", content)[0].rstrip(" .")
            lead, support = parse_responsible(first)
            unit.resp_lead = _clean_name(_LEAD_TAIL.sub("", lead or expand_name(first)))
            if support:
                unit.resp_support = (unit.resp_support or []) + support
            self._override(content)
        elif kind == "support":
            unit.resp_support = (unit.resp_support or []) + agencies.split_agencies(
                _LEAD_TAIL.sub("", content).rstrip("."))
        elif kind == "deadline":
            unit.deadline_text = content.rstrip(".")
        elif kind == "output":
            unit.output = _clean_name(content)

    def _override(self, text: str) -> bool:
        """"* Riêng việc <what> do <X> chủ trì": the bullet about <what> goes to X."""
        m = re.search(r"Riêng\s+(?:việc\s+|nhiệm vụ\s+|nội dung\s+)?(?P<what>.+?)\s+do\s+(?P<who>.+?)\s+chủ trì",
                      text, re.I | re.S)
        if not m:
            return False
        self._unit().overrides.append((m.group("what"), expand_name(m.group("who"))))
        return True

    # -- finishing

    def _finish(self, section: _Section) -> None:
        if section.mode == "skip":
            return
        unit = section
        has_resp = unit.resp_lead is not None or unit.resp_support is not None
        if has_resp:
            drafts = [d for d in unit.drafts if d.kind in ("bullet", "item")] or \
                     ([unit.heading] if unit.heading else [])
            for d in drafts:
                self._apply_responsibility(unit, d)
        elif unit.mode == "assign":
            drafts = unit.drafts
        else:
            drafts = [d for d in unit.drafts if d.own_lead and (not d.group_subject or d.giao)
                      and d.kind == "bullet"]
            drafts += [d for d in unit.named if not any(_overlaps(d, x) for x in drafts)]
        for d in drafts:
            if d.deadline_text is None and unit.deadline_text:
                d.deadline_text = unit.deadline_text
            if d.output is None and unit.output:
                d.output = unit.output
            self._emit(d)

    def _apply_responsibility(self, unit: _Section, d: _Draft) -> None:
        section_support = list(unit.resp_support or [])
        for what, who in unit.overrides:
            if _covers(what, d.text):
                d.lead, d.own_lead = who, True
                d.support = section_support
                return
        if d.own_lead and (d.giao or not d.group_subject):
            # a body the task names itself; the section's partners stay unless the body
            # is one of them ("Sở X tiếp tục tham mưu ..." where Sở X only coordinates)
            if not d.support and not any(agencies.same_agency(d.lead, s) for s in section_support):
                d.support = section_support
            return
        d.lead = unit.resp_lead or d.lead
        d.support = section_support

    def _emit(self, d: _Draft) -> None:
        raw = self.layout.text[d.start:d.end]
        ignore = [Span(s.start - d.start, s.end - d.start) for s in self.ignore
                  if d.start <= s.start and s.end <= d.end]
        if d.deadline_text:
            deadline = parse_deadline(d.deadline_text, issued=self.issued)
        else:
            deadline = find_deadline(raw, issued=self.issued, ignore=ignore)
            if deadline is not None and deadline.span is not None:
                deadline.span = self.layout.span(d.start + deadline.span.start, d.start + deadline.span.end)
        self.tasks.append(Task(
            ref=d.ref or None, text=d.text, lead=d.lead, support=_unique(d.support),
            deadline=deadline, output=d.output or find_output(d.text),
            span=self.layout.span(d.start, d.end)))

    def finish(self) -> list[Task]:
        self._close_to(0)
        self._finish(self.stack[0])
        return self.tasks


def _covers(what: str, text: str) -> bool:
    """Does a task text contain (almost) all the words of a phrase?"""
    words = set(re.findall(r"\w+", what.lower()))
    have = set(re.findall(r"\w+", text.lower()))
    return bool(words) and len(words & have) / len(words) >= 0.8


def _overlaps(a: _Draft, b: _Draft) -> bool:
    return a.start < b.end and b.start < a.end


def _worth(text: str) -> bool:
    return len(text.split()) >= 4 and not _is_upper(text)


def _unique(names: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    return [n for n in names if n and not (n.casefold() in seen or seen.add(n.casefold()))]


# ------------------------------------------------------------------ tables

_DANGLING = re.compile(r"(?:\b(?:và|của|các|với|theo|về|cho|trong|để|hoặc|tại|đối với)|,)\s*$", re.I)


@dataclass
class _Row:
    ref: str | None
    cells: list[str]                # raw cells, continuation rows appended
    start: int
    end: int
    lead: str | None = None
    support: list[str] = field(default_factory=list)
    deadline: str = ""

    def get(self, column: tables.Column | None) -> str:
        return tables.cell(self.cells, column)


def _table_tasks(layout: Layout, block: Block, header: tables.TableHeader,
                 issued: str | None) -> list[Task]:
    rows = _rows(block, header)
    for row in rows:
        _responsibility(row, header)
    _inherit_group_cells(rows)
    text_col = header.first("text")
    numbered = any(r.ref for r in rows)
    out = []
    for row in rows:
        text = row.get(text_col)
        if not text or (numbered and row.ref is None) or not (_has_more(row, header) or row.lead):
            continue
        deadline = None
        if row.deadline.strip():
            deadline = parse_deadline(row.deadline, issued=issued)
            deadline.text = "; ".join(x.strip(" -–") for x in row.deadline.split("\n") if x.strip(" -–"))
        output = "\n".join(row.get(c) for c in header.all("output") if row.get(c))
        out.append(Task(ref=row.ref, text=_one_line(text), lead=row.lead, support=row.support,
                        deadline=deadline, output=_cell_output(output),
                        span=layout.span(row.start, row.end)))
    return out


def _rows(block: Block, header: tables.TableHeader) -> list[_Row]:
    """The body rows, numbered as printed; a row with no number and no text (or a text
    that goes on from a phrase cut short, "Thực hiện áp dụng và") continues the row above,
    cell by cell."""
    grid = block.rows or []
    bounds = tables.cell_bounds(grid, block.start)
    ref_col, text_col = header.first("ref"), header.first("text")
    out: list[_Row] = []
    for r in range(header.body_start, len(grid)):
        cells = list(grid[r]) + [""] * (header.width - len(grid[r]))
        if not any(c.strip() for c in cells):
            continue
        ref, text = _ref_and_text(tables.cell(cells, ref_col), tables.cell(cells, text_col))
        if ref_col is not None:
            cells[ref_col.index] = ref or ""
        if text_col is not None:
            cells[text_col.index] = text
        spans = [bounds[r, c] for c in range(len(grid[r])) if (r, c) in bounds]
        start, end = min(s for s, _ in spans), max(e for _, e in spans)
        previous = out[-1] if out else None
        if ref is None and previous is not None and (not text or _DANGLING.search(previous.get(text_col))):
            if _has_more(previous, header) or _DANGLING.search(previous.get(text_col)):
                _continue_row(previous, cells)
                previous.end = max(previous.end, end)
            continue
        out.append(_Row(ref, cells, start, end))
    return out


def _ref_and_text(ref: str, text: str) -> tuple[str | None, str]:
    """The row number and the task text; "7.1 Ứng dụng công nghệ thông tin" printed in
    the number cell is split."""
    text = "" if re.fullmatch(r"[-–.…\s]*", text) else text
    if not ref:
        return None, text
    own, rest = tables.split_ref(ref)
    if own is None:
        return None, (ref + " " + text).strip()
    return own, (rest + " " + text).strip() if rest else tables.strip_repeated_ref(text, own)


def _continue_row(row: _Row, cells: list[str]) -> None:
    for k, more in enumerate(cells):
        if not more.strip():
            continue
        here = row.cells[k]
        # a word cut by the page break ("Thư ký ISO thực" + "hiện ...") joins with a space
        glue = " " if here and not re.search(r"[.;:!?]\s*$", here) and more[:1].islower() else "\n"
        row.cells[k] = f"{here}{glue}{more}" if here else more


def _has_more(row: _Row, header: tables.TableHeader) -> bool:
    return any(row.get(c) for c in header.columns if c.role not in ("ref", "text", ""))


def _responsibility(row: _Row, header: tables.TableHeader) -> None:
    """Lead and support of a row; a responsibility run into the deadline cell ("Trong năm
    2021 Pháp chế chủ trì, ...") is taken back from it."""
    lead_col, performer = header.first("lead"), header.first("performer")
    deadline = "\n".join(row.get(c) for c in header.all("deadline") if row.get(c))
    who_col = lead_col or performer
    who = row.get(who_col)
    if who_col is not None and not who and deadline:
        cut = _spilled_responsibility(deadline)
        if cut is not None:
            deadline, who = deadline[:cut].strip(), deadline[cut:]
    row.deadline = deadline
    if lead_col is not None:
        row.lead, row.support = parse_responsible(who)
        if performer is not None:
            row.support += _names(row.get(performer))
    elif performer is not None:
        row.lead, row.support = parse_responsible(who)
    for col in header.all("support"):
        row.support += _names(row.get(col))
    row.support = _unique(row.support)


def _spilled_responsibility(cell: str) -> int | None:
    """Where a body's name starts in a deadline cell, the last capitalised one."""
    found = None
    for w in _WORD.finditer(cell):
        if w.group(0)[0].isupper() and _is_head(cell, w.start()) \
                and subject_end(cell[w.start():] + " thực hiện") is not None:
            found = w.start()
    return found if found else None


def _names(cell: str) -> list[str]:
    lead, support = parse_responsible(cell)
    return ([lead] if lead else []) + support


def _inherit_group_cells(rows: list[_Row]) -> None:
    """A responsibility cell merged over a group's rows is printed once, on the group
    row: its sub-rows take it when none of them has a body of its own."""
    for i, row in enumerate(rows):
        if row.lead is None:
            continue
        level = tables.ref_level(row.ref)
        children = []
        for child in rows[i + 1:]:
            if tables.ref_level(child.ref) <= level:
                break
            children.append(child)
        if children and all(c.lead is None for c in children):
            for c in children:
                c.lead, c.support = row.lead, c.support or list(row.support)


def _cell_output(cell: str) -> str | None:
    """A product column names the product: its first item, shortened."""
    first = next((line for line in re.split(r"\n|\s-\s", cell) if line.strip(" -–•+*")), "")
    return _clean_name(" ".join(first.split()[:14])) or None


# ------------------------------------------------------------------ entry point


def extract_tasks(layout: Layout, start: int, end: int, *, province: str | None = None,
                  issued: str | None = None, exclude: Iterable[Span] = ()) -> list[Task]:
    """The tasks of the document in [start, end) of the layout, in reading order.

    `issued` (ISO) dates deadlines printed without a year; `exclude` are spans of
    cited documents, whose dates are not deadlines. Leads are kept as printed, with
    abbreviations expanded, without adding the province (`province` is accepted for the
    orchestrator's uniform call and not needed: plans name their own bodies)."""
    del province
    walker = _Walker(layout, issued, [s for s in exclude if start <= s.start < end])
    tasks: list[Task] = []
    previous: tables.TableHeader | None = None
    blocks = [b for b in layout.blocks if start <= b.start < end
              and b.kind not in (BlockKind.PAGE_HEADER, BlockKind.PAGE_FOOTER)]
    for item in _paragraphs(layout, blocks):
        if isinstance(item, _Para):
            walker.feed(item)
            continue
        if item.rows:
            header = tables.read_header(item.rows) or tables.continues(previous, item.rows)
            previous = header if header is not None else previous
            if header is not None and header.is_task_table():
                tasks += _table_tasks(layout, item, header, issued)
    tasks += _dedupe(walker.finish())
    tasks.sort(key=lambda t: t.span.start if t.span else 0)
    return tasks


def _dedupe(tasks: list[Task]) -> list[Task]:
    """A duty written twice in the prose ("từng thành viên ... có nhiệm vụ kiểm tra ...")
    is one task (table rows are distinct by their numbers and are not compared)."""
    out: list[Task] = []
    for t in sorted(tasks, key=lambda t: t.span.start if t.span else 0):
        if any(fuzz.ratio(t.text.lower(), o.text.lower()) >= 90 for o in out):
            continue
        out.append(t)
    return out
