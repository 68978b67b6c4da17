"""Agency names: abbreviations expanded, one canonical spelling, scope, mentions in text.

The vocabulary is data: `abbreviations.csv` (UBND, Sở KH&ĐT, TX, ...), `agency_kinds.csv`
(the bodies at each level in their canonical spelling, and collective groups such as
"Các sở, ban, ngành"), `positions.csv` (titles) and the place gazetteer of `vanban.geo`.

- `expand("Văn phòng UBND tỉnh")` -> "Văn phòng Ủy ban nhân dân tỉnh". Typos are repaired
  in agency abbreviations ("UBDN") and inside gazetteer names ("Sỏ Tài chính") only, so
  ordinary words are never "corrected".
- `canonical_agency` adds the spelling convention: sentence case with proper names kept
  ("ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH" -> "Ủy ban nhân dân tỉnh Quảng Ninh").
- `scope` completes a local body's name with its province or district.
- `find_agencies` finds names in running text; `split_agencies` splits a responsibility
  cell into names without cutting those that contain commas or "và".
- `agency_key` / `same_agency` identify one body across spellings and keep two
  provinces' bodies apart.

Place lookups (`infer_province`, `find_places`, `province_of_district`, `province_in`,
`locality_in`, `locality_name`) live in `vanban.geo` and are re-exported here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache, cache

from rapidfuzz.distance import OSA

from vanban import geo
from vanban.datafiles import read_csv
from vanban.geo import (find_places, infer_province, locality_in, locality_name,  # noqa: F401
                        province_in, province_of_district)
from vanban.models import Agency
from vanban.text import canonical, fix_tone_placement, fold, squash_spaces

# Grammar, not names: the unit words a place name follows and the level each announces
# ("thành phố" is a province or a district: the name decides).
_UNIT_LEVEL = {"tỉnh": "province", "thành phố": None, "huyện": "district", "quận": "district",
               "thị xã": "district", "xã": "commune", "phường": "commune", "thị trấn": "commune"}
_PARTY_UNITS = ("tỉnh ủy", "thành ủy", "huyện ủy", "quận ủy", "thị ủy")
_LEVEL_WORDS = ("tỉnh", "huyện", "xã")           # what "cấp ..." takes
_GROUP_TAILS = (("có", "liên", "quan"), ("liên", "quan"))
_EDGE = " \t\n.,;:-+•*_"
_OPERATORS = ("=", "+", "×", "*", "<", ">")
_MAX_GENERIC_WORDS = 10
# Words that end a name not in the gazetteer: what an assignment says an agency does
# ("Trung tâm Truyền thông chủ trì"), and prepositions. Grammar, not names.
_STOP_WORDS = frozenset(("chủ trì", "phối hợp", "thực hiện", "tham mưu", "triển khai",
                         "chịu trách nhiệm", "có trách nhiệm", "báo cáo", "theo dõi",
                         "hướng dẫn", "đôn đốc", "kiểm tra", "rà soát", "tăng cường",
                         "xây dựng", "ban hành", "là", "có", "của", "theo", "tại", "về",
                         "với", "để", "do", "đã", "sẽ", "đang", "được", "trong", "trên",
                         "cho", "khi", "nhằm", "phải", "cần", "làm", "không"))


# ------------------------------------------------------------------ vocabulary

@dataclass(frozen=True)
class Abbreviation:
    short: str
    expansion: str
    kind: str                       # agency | word | title | name
    after: tuple[str, ...] = ()     # only right after one of these words
    before: tuple[str, ...] = ()    # only right before one of these


@dataclass(frozen=True)
class AgencyKind:
    name: str
    level: str                      # central | province | district | commune | any
    category: str                   # state | party | front | court | unit | group
    short_forms: tuple[str, ...] = ()


@dataclass(frozen=True)
class AgencyMention:
    """An agency named in text; [start, end) is its span in the text searched."""
    start: int
    end: int
    surface: str
    canonical: str
    kind: str | None                # the gazetteer entry it is built on; None if not in it
    category: str                   # as in agency_kinds.csv, or "generic"
    level: str | None               # central | province | district | commune | None

    def to_agency(self, province: str | None = None) -> Agency:
        return Agency(canonical=scope(self.canonical, province), scope=province,
                      aliases=[self.surface], level=self.level)


_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_WORD_OR_MARK = re.compile(rf"{_WORD_RE.pattern}|[^\w\s]")


def _words(text: str) -> tuple[str, ...]:
    return tuple(_WORD_RE.findall(text))


@lru_cache(maxsize=65536)
def _loose(text: str) -> str:
    """Matching key: the folded words, punctuation and spacing aside."""
    return " ".join(_words(fold(text)))


@cache
def _abbreviations() -> dict[str, tuple[Abbreviation, ...]]:
    """Rows by abbreviation, rows with a context first (the one without is the default)."""
    rows: dict[str, list[Abbreviation]] = {}
    for r in read_csv("abbreviations.csv"):
        where, _, words = r["context"].partition(":")
        context = tuple(w for w in words.split("|") if w)
        rows.setdefault(r["abbreviation"], []).append(Abbreviation(
            r["abbreviation"], r["expansion"], r["kind"],
            after=context if where == "after" else (), before=context if where == "before" else ()))
    return {k: tuple(sorted(v, key=lambda a: not (a.after or a.before))) for k, v in rows.items()}


@cache
def kinds() -> tuple[AgencyKind, ...]:
    return tuple(AgencyKind(r["name"], r["level"], r["category"],
                            tuple(x.strip() for x in r["short_forms"].split(";") if x.strip()))
                 for r in read_csv("agency_kinds.csv"))


@cache
def _positions() -> tuple[str, ...]:
    return tuple(r["position"] for r in read_csv("positions.csv"))


@cache
def _short_forms() -> dict[str, AgencyKind]:
    """Whole-name spellings other than the canonical one ("SNV", "TTT"), exact."""
    return {s: k for k in kinds() for s in k.short_forms}


@cache
def _kind_by_key() -> dict[str, AgencyKind]:
    index: dict[str, AgencyKind] = {}
    for k in kinds():
        for spelling in (k.name, *k.short_forms):
            index.setdefault(_loose(spelling), k)
    return index


def kind_of(name: str) -> AgencyKind | None:
    """The gazetteer entry a whole name is (any spelling), or None."""
    return _kind_by_key().get(_loose(name))


def _phrase_index(phrases) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Phrases as word tuples, by their first folded word, longest first."""
    index: dict[str, set[tuple[str, ...]]] = {}
    for phrase in phrases:
        words = _words(phrase)
        if words:
            index.setdefault(fold(words[0]), set()).add(words)
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in index.items()}


@cache
def _name_phrases() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Gazetteer names and their spelled-out variants, for matching in text."""
    return _phrase_index(s for k in kinds() for s in (k.name, *k.short_forms)
                         if s == k.name or len(_words(s)) > 1)


@cache
def _casing_phrases() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Everything whose capitals are known: names, expansions, titles, provinces."""
    expansions = (a.expansion for rows in _abbreviations().values() for a in rows
                  if a.kind in ("agency", "title", "name"))
    provinces = (n for p in geo.provinces() for n in (p.name, *p.aliases) if not n.isupper())
    return _phrase_index([*(s for k in kinds() for s in (k.name, *k.short_forms)),
                          *expansions, *_positions(), *provinces])


@cache
def _head_phrases(titles: bool = True) -> frozenset[tuple[str, ...]]:
    """What an agency name (and, with `titles`, a title) starts with, case-folded with
    its marks ("sở" is not "số"): the words up to the first capitalised word after the
    first ("sở", "trung tâm", "ủy ban nhân dân", "chủ tịch")."""
    names = [k.name for k in kinds() if k.category != "group"]
    heads = set()
    for name in [*names, *(_positions() if titles else ())]:
        words = _words(name)
        n = next((i for i, w in enumerate(words) if i and w[0].isupper()), len(words))
        heads.add(tuple(w.casefold() for w in words[:n]))
    return frozenset(heads)


@cache
def _group_nouns() -> frozenset[str]:
    """Case-folded nouns after "các" in a collective mention ("các sở", "các cơ quan")."""
    nouns = {h[0] for h in _head_phrases() if len(h) == 1}
    for k in kinds():
        if k.category == "group":
            words = [w.casefold() for w in _words(k.name)]
            nouns |= {words[1], " ".join(words[1:3])}
    return frozenset(nouns)


@cache
def _vocabulary() -> frozenset[str]:
    """Every word of the gazetteers, case-folded: an all-caps "TƯ" is the word "tư"."""
    texts = [*(k.name for k in kinds()), *_positions(),
             *(a.expansion for rows in _abbreviations().values() for a in rows),
             *(p.name for p in geo.provinces()), *(d.name for d in geo.districts())]
    return frozenset(w.casefold() for t in texts for w in _words(t))


# ------------------------------------------------------------------ tokens and expansion

@cache
def _token_re() -> re.Pattern[str]:
    # Abbreviations with punctuation inside ("KH&ĐT", "VH,TT&DL", "TP.") are one token.
    compounds = sorted((a for a in _abbreviations() if not _WORD_RE.fullmatch(a)),
                       key=len, reverse=True)
    alternatives = "|".join(map(re.escape, compounds))
    return re.compile(rf"(?P<abbr>(?<![^\W_])(?:{alternatives})(?![^\W_]))"
                      rf"|(?P<word>{_WORD_RE.pattern})|(?P<punct>[^\w\s])")


@dataclass
class _Piece:
    """A source token and what it is written as after expansion and repair."""
    text: str                       # as in the source
    start: int
    end: int
    kind: str                       # word | abbr | punct
    out: str = ""
    gap: str = ""                   # the source's whitespace before it
    expansion: Abbreviation | None = None


@dataclass
class _Word:
    """A word or punctuation mark of the expanded text, pointing at its piece."""
    text: str
    piece: int
    punct: bool = False
    kind: str | None = None         # the abbreviation kind when it comes from an expansion
    index: int = 0                  # which word of its piece's expansion it is

    @property
    def fixed(self) -> bool:        # spelled out from data: spelling and capitals known
        return self.kind is not None

    @property
    def capitalised(self) -> bool:
        return self.fixed or self.text[:1].isupper()


def _tokenize(text: str) -> list[_Piece]:
    pieces, last = [], 0
    for m in _token_re().finditer(text):
        pieces.append(_Piece(m.group(), m.start(), m.end(), m.lastgroup or "punct",
                             out=m.group(), gap=text[last:m.start()]))
        last = m.end()
    return pieces


def _glued(pieces: list[_Piece], i: int) -> bool:
    """Part of a symbol ("05-NQ/TU", "QĐ-UBND") or of a formula ("TP = 12"), not a name."""
    prev = pieces[i - 1] if i else None
    nxt = pieces[i + 1] if i + 1 < len(pieces) else None
    return bool((prev and prev.end == pieces[i].start and prev.text in ("/", "-"))
                or (nxt and nxt.start == pieces[i].end and nxt.text in ("/", "-"))
                or any(p and p.text in _OPERATORS for p in (prev, nxt)))


def _ends_with(previous: list[str], phrases: tuple[str, ...]) -> bool:
    for phrase in phrases:
        words = [w.casefold() for w in _words(phrase)]
        if words and previous[-len(words):] == words:
            return True
    return False


def _starts_with(text: str, pos: int, phrases: tuple[str, ...]) -> bool:
    rest = text[pos:].lstrip(". \t\n")
    return any(rest.startswith(p) and not rest[len(p):len(p) + 1].isalpha() for p in phrases)


def _choose(rows: tuple[Abbreviation, ...], previous: list[str], text: str, end: int
            ) -> Abbreviation | None:
    for row in rows:
        if row.after and not _ends_with(previous, row.after):
            continue
        if row.before and not _starts_with(text, end, row.before):
            continue
        return row
    return None


def _fuzzy_abbreviation(token: str) -> Abbreviation | None:
    """ "UBDN" -> UBND: two neighbouring letters swapped in an agency abbreviation of
    four letters or more. Nothing looser: other acronyms sit one letter away from the
    agency ones ("GTGT" is value added tax, not GTVT; "DTTS" is not DTTG)."""
    if len(token) < 4 or not token.isupper() or token.casefold() in _vocabulary():
        return None
    near = [rows[-1] for short, rows in _abbreviations().items()
            if len(short) == len(token) and sorted(short) == sorted(token)
            and rows[-1].kind == "agency" and not rows[-1].after and not rows[-1].before
            and OSA.distance(token, short, score_cutoff=1) == 1]
    return near[0] if len(near) == 1 else None


def _in_caps_run(pieces: list[_Piece], i: int) -> bool:
    """Whether pieces[i] sits among all-caps ordinary words ("LUẬT ĐẦU TƯ"): there an
    abbreviation that is also a word ("TƯ") is the word."""
    def caps_word(k: int) -> bool:
        p = pieces[k] if 0 <= k < len(pieces) else None
        return bool(p and p.kind == "word" and len(p.text) > 1 and p.text.isupper()
                    and p.text not in _abbreviations())
    return caps_word(i - 1) or caps_word(i + 1)


def _expand_pieces(text: str, lower: bool) -> list[_Piece]:
    """Tokens with abbreviations expanded. `lower` lower-cases the other words (for
    all-caps input, whose abbreviations are the tokens outside the vocabulary)."""
    pieces = _tokenize(text)
    previous: list[str] = []            # the expanded words so far, case-folded
    for i, p in enumerate(pieces):
        if p.kind == "punct":
            continue
        row = None
        is_word = p.kind == "word" and p.text.casefold() in _vocabulary()
        if not _glued(pieces, i) and not (is_word and (lower or _in_caps_run(pieces, i))):
            rows = _abbreviations().get(p.text)
            row = _choose(rows, previous, text, p.end) if rows else _fuzzy_abbreviation(p.text)
        if row is not None:
            p.out, p.expansion = row.expansion, row
            _drop_abbreviation_dot(pieces, i)
        elif lower:
            p.out = p.text.lower()
        previous.extend(w.casefold() for w in _words(p.out) if w.casefold() != "các")
    for i, p in enumerate(pieces):
        if p.expansion is not None:
            _drop_repeated_tail(pieces, i)
    return pieces


def _drop_repeated_tail(pieces: list[_Piece], i: int) -> None:
    """ "MTTQ Việt Nam": the words after an abbreviation that its expansion already
    ends with are not written twice."""
    tail = [w.casefold() for w in _words(pieces[i].out)]
    following: list[_Piece] = []             # the words right after, up to punctuation
    for p in pieces[i + 1:i + 4]:
        if p.kind == "punct":
            break
        following.append(p)
    for n in range(len(following), 0, -1):
        said = [w.casefold() for p in following[:n] for w in _words(p.out)]
        if said and tail[-len(said):] == said:
            for p in following[:n]:
                p.out = p.gap = ""
            return


def _drop_abbreviation_dot(pieces: list[_Piece], i: int) -> None:
    """ "TP. Hạ Long", "VP.UBND": the dot closes the abbreviation, not a sentence."""
    if i + 2 >= len(pieces):
        return
    dot, after = pieces[i + 1], pieces[i + 2]
    if dot.text == "." and dot.start == pieces[i].end and after.kind != "punct" \
            and "\n" not in after.gap:
        dot.out = "" if after.gap else " "


def _flat(pieces: list[_Piece]) -> list[_Word]:
    words = []
    for k, p in enumerate(pieces):
        if p.expansion is None:
            words.append(_Word(p.out, k, punct=p.kind == "punct"))
            continue
        for n, m in enumerate(_WORD_OR_MARK.finditer(p.out)):
            words.append(_Word(m.group(), k, punct=not _WORD_RE.fullmatch(m.group()),
                               kind=p.expansion.kind, index=n))
    return words


def _set(pieces: list[_Piece], w: _Word, text: str) -> None:
    """Rewrite a source word. Of the words spelled out from data only a common term may
    change, and only its capitals: "Trung tâm HCC" -> "Trung tâm Hành chính công"."""
    if not w.fixed:
        w.text = pieces[w.piece].out = text
    elif w.kind == "word" and text.casefold() == w.text.casefold():
        p = pieces[w.piece]
        m = list(_WORD_OR_MARK.finditer(p.out))[w.index]
        p.out = p.out[:m.start()] + text + p.out[m.end():]
        w.text = text


def _render(pieces: list[_Piece]) -> str:
    return "".join((p.gap if k else "") + p.out for k, p in enumerate(pieces))


# ------------------------------------------------------------------ phrase matching

def _match(words: list[_Word], i: int, phrase: tuple[str, ...], fuzzy: bool) -> int | None:
    """End of `phrase` matched at words[i], or None. Words match folded (marks and case
    aside; the punctuation inside names is skipped). With `fuzzy`, a name of three words
    or more may have one misspelt later word of four letters or more, one edit away, if
    that word is not itself a word of the vocabulary: "Sở Tài chímh" is repaired,
    "Hội đồng Dân" is not "Hội Nông dân"."""
    j, edited = i, False
    for k, written in enumerate(phrase):
        target = fold(written)
        while k and j < len(words) and words[j].punct and words[j].text in (",", "-", "&"):
            j += 1
        if j >= len(words) or words[j].punct:
            return None
        got = fold(words[j].text)
        # Level words share their letters with common words ("Thanh tra tính pháp lý"):
        # only one typed without any marks is taken for one.
        if written in _LEVEL_WORDS and got == target and not words[j].text.isascii() \
                and words[j].text.casefold() != written:
            return None
        if got != target:
            if not fuzzy or edited or k == 0 or len(phrase) < 3 or len(target) < 4 \
                    or words[j].text.casefold() in _vocabulary() \
                    or OSA.distance(got, target, score_cutoff=1) > 1:
                return None
            edited = True
        j += 1
    return j


def _real(words: list[_Word], i: int, j: int) -> list[_Word]:
    return [w for w in words[i:j] if not w.punct]


def _with_case_of(word: str, model: str) -> str:
    """`word` written in the capitalisation style of `model`."""
    if model.isupper() and len(model) > 1:
        return word.upper()
    return word[:1].upper() + word[1:] if model[:1].isupper() else word[:1].lower() + word[1:]


def _starts_agency(words: list[_Word], i: int, titles: bool = True) -> bool:
    """Whether an agency name, a collective mention or (with `titles`) a title starts
    at words[i]."""
    if i >= len(words) or words[i].punct:
        return False
    w = words[i]
    if w.kind == "agency" or (titles and w.kind == "title"):
        return True
    if w.text.casefold() == "các":
        nxt = _real(words, i + 1, i + 3)
        return bool(nxt) and (nxt[0].text.casefold() in _group_nouns()
                              or " ".join(x.text.casefold() for x in nxt) in _group_nouns())
    if not w.text[:1].isupper():
        return False
    folded = tuple(x.text.casefold() for x in _real(words, i, i + 4))
    heads = _head_phrases(titles)
    return any(folded[:n] in heads for n in range(1, len(folded) + 1))


def _repair(pieces: list[_Piece], words: list[_Word]) -> None:
    """Correct misspelt words inside gazetteer names ("Sỏ Tài chinh" -> "Sở Tài chính")
    and a level word typed without its marks closing a name ("Trung tâm ... tinh")."""
    i = 0
    while i < len(words):
        w = words[i]
        if w.punct or not w.text[:1].isupper():
            i += 1
            continue
        for phrase in _name_phrases().get(fold(w.text), ()):
            end = _match(words, i, phrase, fuzzy=True)
            if end is not None and len(phrase) > 1:
                for x, target in zip(_real(words, i, end), phrase):
                    if x.text.casefold() != target.casefold():
                        _set(pieces, x, _with_case_of(target, x.text))
                i = end - 1
                break
        i += 1
    for i, w in enumerate(words):
        level = next((lv for lv in _LEVEL_WORDS if fold(lv) == w.text.casefold()), None)
        if level is None or w.fixed or not w.text.isascii() or i == 0:
            continue
        closing = i + 1 == len(words) or words[i + 1].punct
        if fold(words[i - 1].text) == "cap" or (closing and _in_named_segment(words, i)):
            _set(pieces, w, _with_case_of(level, w.text))


def _in_named_segment(words: list[_Word], i: int) -> bool:
    """Whether an agency name starts between the last punctuation mark and words[i]."""
    k = i - 1
    while k >= 0 and not words[k].punct:
        if _starts_agency(words, k):
            return True
        k -= 1
    return False


def _prepared(text: str, lower: bool = False) -> tuple[list[_Piece], list[_Word]]:
    pieces = _expand_pieces(text, lower)
    words = _flat(pieces)
    _repair(pieces, words)
    return pieces, words


def expand(text: str) -> str:
    """Agency abbreviations spelled out and typos in agency names repaired:
    "Sở KH&ĐT" -> "Sở Kế hoạch và Đầu tư", "UBND các huyện, TX, TP" -> "Ủy ban nhân dân
    các huyện, thị xã, thành phố", "Văn phòng UBDN tỉnh" -> "Văn phòng Ủy ban nhân dân
    tỉnh". Everything else is left as written."""
    pieces, _ = _prepared(canonical(text))
    out = _render(pieces)
    return out[:1].upper() + out[1:] if pieces and pieces[0].expansion else out


# ------------------------------------------------------------------ canonical spelling

def _is_single_case(text: str) -> bool:
    """All caps ("SỞ NỘI VỤ") or all lower case ("sở nội vụ"): capitals carry nothing, the
    gazetteers give them back. Abbreviations do not count."""
    letters = "".join(p.text for p in _tokenize(text) if p.kind == "word"
                      and (p.text not in _abbreviations() or p.text.casefold() in _vocabulary()))
    letters = "".join(c for c in letters if c.isalpha())
    return len(letters) >= 2 and (letters.isupper() or letters.islower())


def _unit_at(words: list[_Word], i: int) -> tuple[str, int] | None:
    """A unit word ("tỉnh", "thị xã") at words[i]: (unit, end)."""
    real = _real(words, i, i + 2)
    if not real or words[i].punct:
        return None
    two = " ".join(w.text.casefold() for w in real)
    if two in _UNIT_LEVEL and len(real) == 2:
        return two, words.index(real[1], i) + 1
    one = real[0].text.casefold()
    return (one, i + 1) if one in _UNIT_LEVEL else None


def _district_at(words: list[_Word], i: int) -> tuple[int, tuple[str, ...]] | None:
    """A known district name at words[i]: (end, its words as the gazetteer writes them)."""
    for n in range(min(5, len(words) - i), 0, -1):
        span = words[i:i + n]
        if any(x.punct and x.text != "-" for x in span) or span[-1].punct:
            continue
        found = geo.districts_named(" ".join(x.text for x in span if not x.punct))
        if found:
            return i + n, _words(found[0].name)
    return None


def _apply_casing(words: list[_Word], pieces: list[_Piece], lowered: bool,
                  title_unknown: bool) -> None:
    """Capitals from the gazetteers. Lower-cased input (`lowered`) takes every known
    phrase's capitals and the district after a unit word; with `title_unknown` unknown
    words after a unit word become a proper name ("xã tân hiệp" -> "xã Tân Hiệp").
    Mixed-case input only has known names that start capitalised normalised
    ("Sở nội vụ" -> "Sở Nội vụ")."""
    i, after_unit = 0, False
    while i < len(words):
        w = words[i]
        if w.punct:
            after_unit = after_unit and w.text == "-"
            i += 1
            continue
        end = _case_phrase(words, pieces, i) if lowered or w.text[:1].isupper() else None
        if end is None and lowered and after_unit:
            hit = _district_at(words, i)
            if hit is not None:
                end, names = hit
                for x, target in zip(_real(words, i, end), names):
                    _set(pieces, x, target)
            elif title_unknown:
                _set(pieces, w, w.text[:1].upper() + w.text[1:])
                i += 1
                continue
        if end is not None:       # "Huyện ủy" and "Thanh tra tỉnh" end in a unit word too
            tail = [x.text.casefold() for x in _real(words, i, end)[-2:]]
            after_unit, i = tail[-1] in _UNIT_LEVEL or " ".join(tail) in _PARTY_UNITS, end
            continue
        unit = _unit_at(words, i)
        after_unit = unit is not None
        i = unit[1] if unit else i + 1


def _case_phrase(words: list[_Word], pieces: list[_Piece], i: int) -> int | None:
    for phrase in _casing_phrases().get(fold(words[i].text), ()):
        end = _match(words, i, phrase, fuzzy=False)
        if end is None:
            continue
        real = _real(words, i, end)
        if all(x.text.casefold() == t.casefold() for x, t in zip(real, phrase)):
            for x, target in zip(real, phrase):
                _set(pieces, x, target)
            return end
    return None


@lru_cache(maxsize=8192)
def canonical_agency(name: str) -> str:
    """One spelling per agency: abbreviations expanded, typos repaired, NFC and new tone
    placement, sentence case with proper names kept: "ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH"
    and "ủy ban nhân dân tỉnh quảng ninh" -> "Ủy ban nhân dân tỉnh Quảng Ninh", "SNV" ->
    "Sở Nội vụ", "Các sở, ban ngành" -> "Các sở, ban, ngành", "&" -> "và"."""
    # "Sở Kế hoạch & Đầu tư": a spaced ampersand is the word "và" ("KH&ĐT" is a code)
    text = squash_spaces(canonical(name)).strip(_EDGE).replace(" & ", " và ")
    if not text:
        return text
    if text in _short_forms():
        return _short_forms()[text].name
    code, _, rest = text.partition(" ")
    if code in _short_forms() and _names_place(f"{code} {rest}"):      # "SNV Ninh Thuận"
        return canonical_agency(f"{_short_forms()[code].name} {rest}")
    lowered = _is_single_case(text)
    pieces, words = _prepared(text, lower=lowered)
    known = kind_of(_render(pieces))
    if known is not None:
        return known.name
    _apply_casing(words, pieces, lowered, title_unknown=lowered)
    out = _render(pieces)
    return out[:1].upper() + out[1:]


def restore_proper_names(text: str) -> str:
    """Capitals back in lower-cased text (an all-caps title after lower()): provinces,
    districts after a unit word, gazetteer names. Nothing else changes."""
    pieces = _tokenize(text)
    words = [_Word(p.out, k, punct=p.kind == "punct") for k, p in enumerate(pieces)]
    _apply_casing(words, pieces, lowered=True, title_unknown=False)
    return _render(pieces)


# ------------------------------------------------------------------ scope

_OPEN_UNIT = re.compile(
    r"(?<![^\W_])(tỉnh ủy|thành ủy|huyện ủy|quận ủy|thị ủy|tỉnh|thành phố|huyện|quận|thị xã)"
    r"(?=(?:\s+(?:lần thứ|khóa|nhiệm kỳ)\b.*)?$)", re.IGNORECASE)
_NAMED_UNIT = re.compile(
    r"(?<![^\W_])(?:tỉnh ủy|thành ủy|huyện ủy|quận ủy|thị ủy|tỉnh|thành phố|huyện|quận|thị xã"
    r"|xã|phường|thị trấn)\s+(?!lần thứ|khóa|nhiệm kỳ)(?=\d|[^\W\d_])", re.IGNORECASE)
_COLLECTIVE = re.compile(r"(?<![^\W_])(?:các|cấp)\s", re.IGNORECASE)


def _trailing_province(name: str) -> tuple[int, geo.Province] | None:
    """A bare province name closing `name` ("Sở Nội vụ Khánh Hòa"): (start, province)."""
    for w in list(_WORD_RE.finditer(name))[1:]:
        if w.group()[:1].isupper():
            found = geo.find_province(name[w.start():])
            if found is not None:
                return w.start(), found
    return None


def _names_place(name: str) -> bool:
    """Whether `name` already says where: "... tỉnh Quảng Ninh", "... xã Tân Hiệp"."""
    if any(p.end == len(name) for p in find_places(name)):
        return True
    if any(name[m.end():][:1].isupper() or name[m.end():][:1].isdigit()
           for m in _NAMED_UNIT.finditer(name)):
        return True
    return _trailing_province(name) is not None


def _locality(district: str | None, province: str | None) -> tuple[str | None, str | None]:
    """(unit, name) of a district argument: "thành phố Tây Ninh" -> ("thành phố", "Tây
    Ninh"); the unit comes from the gazetteer when the argument has none."""
    if not district:
        return None, None
    unit, bare = geo.strip_unit(district)
    if unit is None:
        types = {d.type for d in geo.districts_named(bare) if province in (None, d.province)}
        unit = types.pop() if len(types) == 1 else None
    return unit, bare


def scope(name: str, province: str | None, district: str | None = None) -> str:
    """A local body's name completed with where it is: "Ủy ban nhân dân tỉnh" + Quảng
    Ninh -> "Ủy ban nhân dân tỉnh Quảng Ninh"; "Ban Thường vụ Tỉnh ủy" -> "Ban Thường vụ
    Tỉnh ủy Quảng Ninh"; "Ủy ban nhân dân thành phố" + "thành phố Tây Ninh" -> "Ủy ban
    nhân dân thành phố Tây Ninh"; "Sở Nội vụ" -> "Sở Nội vụ tỉnh Quảng Ninh". Central
    bodies, collective names and names that already say where are returned canonical."""
    full = canonical_agency(name)
    if not full or not (province or district) or _COLLECTIVE.search(full) or _names_place(full):
        return full
    prov = geo.find_province(province) if province else None
    prov_name = prov.name if prov else (geo.strip_unit(province)[1] if province else None)
    prov_type = prov.type if prov else "tỉnh"
    dist_unit, dist_name = _locality(district, prov_name)

    m = _OPEN_UNIT.search(full)
    if m:
        unit = geo.unit_kind(m.group(1))
        if unit == "tỉnh":
            place = prov_name
        elif dist_name and dist_unit in (None, unit):
            place = dist_name
        else:
            place = prov_name if unit == "thành phố" and prov_type == "thành phố" else None
        return f"{full[:m.end()]} {place}{full[m.end():]}" if place else full

    kind = kind_of(full)
    if kind is not None and kind.level == "province" and prov_name:
        return f"{full} {prov_type} {prov_name}"
    if kind is not None and kind.level == "district" and dist_name and dist_unit:
        return f"{full} {dist_unit} {dist_name}"
    return full


# ------------------------------------------------------------------ identity

def _split_scope(full: str) -> tuple[str, str]:
    """(body, place key) of a scoped name: "Sở Nội vụ tỉnh Quảng Ninh" -> ("Sở Nội vụ",
    "quang ninh"). The unit word stays with a body whose level it decides ("Ủy ban nhân
    dân tỉnh", "Ban Thường vụ Tỉnh ủy")."""
    for p in reversed(find_places(full)):
        if p.end != len(full) or not p.province:
            continue
        body = full[:p.start].strip()
        if p.unit:
            unit = squash_spaces(p.unit).strip(".").casefold()
            if unit in _PARTY_UNITS:
                body = f"{body} {unit}"
            elif not _fixed_level(body):
                body = f"{body} {geo.unit_kind(unit)}"
        where = fold(p.province) if p.kind == "province" else f"{fold(p.province)}/{fold(p.name)}"
        return body.strip(), where
    trailing = _trailing_province(full)
    if trailing:
        return full[:trailing[0]].strip(), fold(trailing[1].name)
    return full, ""


def _fixed_level(body: str) -> bool:
    kind = kind_of(body)
    return kind is not None and kind.level != "any"


def agency_key(name: str, province: str | None = None) -> str:
    """A normalised identity "body@place": "Sở NV", "Sở Nội vụ" and "SNV" of one province
    share a key, the same body of two provinces does not. The place is "central" for
    central bodies and empty when unknown."""
    full = scope(name, province) if province else canonical_agency(name)
    body, where = _split_scope(full)
    kind = kind_of(body)
    if not where and kind is not None and kind.level == "central":
        where = "central"
    return f"{_loose(kind.name if kind else body)}@{where}"


def same_agency(a: str | None, b: str | None, province: str | None = None) -> bool:
    """The same body: equal keys, or the same body where one side does not say where."""
    if a is None or b is None:
        return a is b
    ka, kb = agency_key(a, province), agency_key(b, province)
    if ka == kb:
        return True
    body_a, where_a = ka.rsplit("@", 1)
    body_b, where_b = kb.rsplit("@", 1)
    return body_a == body_b and not (where_a and where_b)


# ------------------------------------------------------------------ mentions in text

@dataclass
class _Span:
    i: int                          # first word
    j: int                          # after the last word
    kind: AgencyKind | None = None
    level: str | None = None


def _same_line(words: list[_Word], pieces: list[_Piece], i: int, j: int) -> bool:
    """No line break or table cell boundary between words[i] and words[j - 1]."""
    return not any("\n" in pieces[w.piece].gap or "\t" in pieces[w.piece].gap
                   for w in words[i + 1:j])


def _known_place_end(words: list[_Word], pieces: list[_Piece], i: int, unit: str | None) -> int:
    """The end of the known place named at words[i] after a unit word of kind `unit`
    (None: a bare province), or i. Commune names, not in the gazetteer, are the
    capitalised words that follow on the same line."""
    numbered = unit in ("quận", "phường")     # "Quận 1", "Phường 3"
    if i >= len(words) or not (words[i].text[:1].isupper()
                               or numbered and words[i].text.isdigit()):
        return i
    for n in range(min(5, len(words) - i), 0, -1):
        span = words[i:i + n]
        if span[-1].punct or any(x.punct and x.text != "-" for x in span) \
                or not _same_line(words, pieces, i, i + n):
            continue
        name = " ".join(x.text for x in span if not x.punct)
        if unit in (None, "tỉnh", "thành phố") and geo.find_province(name) is not None:
            return i + n
        if unit not in (None, "tỉnh") and _UNIT_LEVEL[unit] != "commune" \
                and geo.districts_named(name, unit):
            return i + n
    j = i
    if unit is not None and _UNIT_LEVEL[unit] == "commune":
        while j < len(words) and j - i < 4 and _same_line(words, pieces, i, j + 1) \
                and (words[j].text[:1].isupper() or words[j].text.isdigit()) \
                and not _starts_agency(words, j):
            j += 1
    return j


def _levels_end(words: list[_Word], j: int) -> int | None:
    """ "cấp huyện, cấp xã" at words[j]: its end, or None."""
    end = None
    while j + 1 < len(words) and fold(words[j].text) == "cap" \
            and words[j + 1].text.casefold() in _LEVEL_WORDS:
        end = j + 2
        if not (end + 1 < len(words) and words[end].text == ","
                and fold(words[end + 1].text) == "cap"):
            break
        j = end + 1
    return end


def _suffix(words: list[_Word], pieces: list[_Piece], span: _Span) -> None:
    """Extend a name with what says where: "cấp huyện, cấp xã", "các huyện, thị xã,
    thành phố", "tỉnh Quảng Ninh", a bare province ("Tỉnh ủy Khánh Hòa"), "khóa XII"."""
    j = span.j
    end = _levels_end(words, j)
    if end is not None:
        span.level, span.j = _UNIT_LEVEL[words[j + 1].text.casefold()], end
        return
    if j < len(words) and words[j].text.casefold() == "các" and _unit_at(words, j + 1):
        unit, k = _unit_at(words, j + 1)
        span.level = _UNIT_LEVEL[unit]
        while k + 1 < len(words) and (words[k].text == "," or words[k].text.casefold() == "và") \
                and _unit_at(words, k + 1):
            k = _unit_at(words, k + 1)[1]
        span.j = k
        return
    closing = _closing_unit(span.kind.name) if span.kind else None
    if closing and _known_place_end(words, pieces, j, closing) > j:    # "Huyện ủy Ninh Hải"
        span.j = _known_place_end(words, pieces, j, closing)
        return
    unit = _unit_at(words, j)
    if unit:
        name, k = unit
        end = _known_place_end(words, pieces, k, name)
        level = _UNIT_LEVEL[name]
        if name == "thành phố":
            prov = geo.find_province(" ".join(x.text for x in words[k:end])) if end > k else None
            level = "province" if prov is not None and prov.type == "thành phố" else "district"
        span.level, span.j = level, end
        return
    end = _known_place_end(words, pieces, j, None)
    if end > j:
        span.j = end
        return
    if j + 1 < len(words) and words[j].text.casefold() in ("khóa", "khoá") \
            and re.fullmatch(r"[IVXLC]+|\d+", words[j + 1].text):
        span.j = j + 2


def _closing_unit(name: str) -> str | None:
    """The unit a name ends with when it is a Party committee: "Huyện ủy" -> "huyện"."""
    tail = " ".join(_words(name)[-2:]).casefold()
    return geo.unit_kind(tail) if tail in _PARTY_UNITS else None


def _gazetteer_at(words: list[_Word], pieces: list[_Piece], i: int) -> _Span | None:
    """A gazetteer name at words[i]. Written in lower case ("qua sở Nội vụ", "huyện ủy
    Ninh Hải") it must keep its proper part or be followed by its place."""
    w = words[i]
    for phrase in _name_phrases().get(fold(w.text), ()):
        kind = kind_of(" ".join(phrase))
        if kind is None:
            continue
        end = _match(words, i, phrase, fuzzy=w.capitalised)
        if end is None:
            continue
        unit = _closing_unit(kind.name)
        if w.capitalised or kind.category == "group" or _keeps_proper_part(words, i, end, phrase) \
                or unit and _known_place_end(words, pieces, end, unit) > end:
            return _Span(i, end, kind, None if kind.level == "any" else kind.level)
    return None


def _keeps_proper_part(words: list[_Word], i: int, end: int, phrase: tuple[str, ...]) -> bool:
    """Whether the capitalised part of a name is capitalised in the text too ("sở Nội
    vụ", not "sở nội vụ")."""
    pairs = [(x, p) for x, p in zip(_real(words, i, end), phrase) if p[:1].isupper()][1:]
    return bool(pairs) and all(x.text[:1].isupper() for x, _ in pairs)


def _title_cased(w: _Word) -> bool:
    """Capitalised as a name is in running text: "Xúc", not an all-caps heading word."""
    return w.text[:1].isupper() and (len(w.text) == 1 or not w.text.isupper())


def _stops_name(words: list[_Word], pieces: list[_Piece], k: int, start: int) -> bool:
    """Whether a name not in the gazetteer, begun at words[start], ends before words[k]."""
    w = words[k]
    if (w.punct and w.text != "-") or _unit_at(words, k) or not _same_line(words, pieces, start, k + 1):
        return True
    if w.text.casefold() == "và" and _starts_agency(words, k + 1):
        return True
    two = " ".join(x.text for x in words[k:k + 2] if not x.punct)
    return w.text in _STOP_WORDS or two in _STOP_WORDS


def _generic_at(words: list[_Word], pieces: list[_Piece], i: int) -> _Span | None:
    """A head noun and a name not in the gazetteer: "Ban Xúc tiến và Hỗ trợ đầu tư",
    "Trung tâm Truyền thông tỉnh". The name runs to punctuation, a unit word, the next
    agency or a verb or preposition; without one of these within a few words it ends
    one word after its last capitalised word."""
    heads = _head_phrases(titles=False)
    head = next((n for n in (3, 2, 1) if len(_real(words, i, i + n)) == n
                 and tuple(x.text.casefold() for x in words[i:i + n]) in heads), 0)
    j = i + head
    if head == 0 or j >= len(words) or not _title_cased(words[i]) or not _title_cased(words[j]) \
            or any(x.text.isupper() and len(x.text) > 1 for x in words[i:j]) \
            or not _same_line(words, pieces, i, j + 1) or _starts_agency(words, j):
        return None
    k = j
    while k < len(words) and k - i < _MAX_GENERIC_WORDS and not _stops_name(words, pieces, k, i):
        if words[k].text[:1].isupper() and not _title_cased(words[k]):
            break
        k += 1
    if k < len(words) and not _stops_name(words, pieces, k, i):
        last = max(n for n in range(j, k) if words[n].text[:1].isupper())
        k = min(last + 2, k)
    while k > j + 1 and words[k - 1].text.casefold() == "và":
        k -= 1
    return _Span(i, k)


def _group_tail(words: list[_Word], span: _Span) -> None:
    for tail in _GROUP_TAILS:
        if tuple(x.text.casefold() for x in words[span.j:span.j + len(tail)]) == tail:
            span.j += len(tail)
            return


def find_agencies(text: str) -> list[AgencyMention]:
    """Agency names in running text: "Giao Sở Nội vụ chủ trì, phối hợp với Sở Tài chính,
    UBND các huyện" -> Sở Nội vụ, Sở Tài chính, Ủy ban nhân dân các huyện; collective
    names ("Các sở, ban, ngành", "UBND cấp huyện, cấp xã") too. Offsets are into `text`
    (normalised text, as `Layout.text`)."""
    return list(_find_agencies(text))


@lru_cache(maxsize=4096)
def _find_agencies(text: str) -> tuple[AgencyMention, ...]:
    """find_agencies, memoised: the same short phrases (issuers, responsibility
    lines) recur across a document and a corpus."""
    pieces, words = _prepared(fix_tone_placement(text))      # same length as text
    found, i = [], 0
    while i < len(words):
        span = None if words[i].punct else (_gazetteer_at(words, pieces, i)
                                             or _generic_at(words, pieces, i))
        if span is None:
            i += 1
            continue
        if span.kind is not None and span.kind.category == "group":
            _group_tail(words, span)
        else:
            _suffix(words, pieces, span)
        start = pieces[words[span.i].piece].start
        end = pieces[words[span.j - 1].piece].end
        kind = span.kind
        found.append(AgencyMention(start, end, text[start:end], canonical_agency(text[start:end]),
                                   kind.name if kind else None,
                                   kind.category if kind else "generic", span.level))
        i = span.j
    return tuple(found)


# ------------------------------------------------------------------ responsibility cells

_HARD_SEPARATORS = re.compile(r";|\n[ \t]*[-+•][ \t]*")
_TRAILING_NOTE = re.compile(r"\s*\([^()]*\)\s*$")
_LEVEL_START = re.compile(r"(?<![^\W_])cấp\s", re.IGNORECASE)


def split_agencies(text: str) -> list[str]:
    """The agencies of a responsibility cell or list, expanded, in order, once each:
    "Sở Nội vụ, Văn phòng UBND tỉnh và các cơ quan, đơn vị có liên quan" -> ["Sở Nội
    vụ", "Văn phòng Ủy ban nhân dân tỉnh", "Các cơ quan, đơn vị có liên quan"]. Names
    with commas or "và" stay whole ("Sở Văn hóa, Thể thao và Du lịch", "Các sở, ban,
    ngành"); "UBND cấp huyện, cấp xã" gives one name per level."""
    out: list[str] = []
    seen: set[str] = set()
    for part in _HARD_SEPARATORS.split(canonical(text)):
        for item in _split_soft(part):
            name = canonical_agency(_TRAILING_NOTE.sub("", item))
            if name and name.casefold() not in seen:
                seen.add(name.casefold())
                out.append(name)
    return out


def _split_soft(part: str) -> list[str]:
    """Split at ",", "và" and line breaks where a new agency or a new "cấp ..." starts;
    a bare "cấp xã" takes the body of the name before it ("UBND cấp huyện, cấp xã").
    Items come out expanded, each abbreviation read in its whole context."""
    pieces, words = _prepared(part)
    cuts: list[tuple[int, int]] = []        # (separator piece, first piece of the next item)
    first = 0                                # first word of the current item
    for j, w in enumerate(words):
        if w.fixed:                          # commas and "và" inside a spelled-out name
            continue
        if w.text == "," or (not w.punct and fold(w.text) == "va"):
            nxt = j + 1
        elif j and not w.punct and "\n" in pieces[w.piece].gap:
            nxt = j
        else:
            continue
        if nxt >= len(words) or nxt <= first:
            continue
        before = _render(pieces[words[first].piece:w.piece])
        if _starts_agency(words, nxt) or (fold(words[nxt].text) == "cap"
                                          and _LEVEL_START.search(before)):
            cuts.append((w.piece, words[nxt].piece))
            first = nxt
    bounds = [0, *(x for cut in cuts for x in cut), len(pieces)]
    items, body = [], ""
    for start, end in zip(bounds[::2], bounds[1::2]):
        item = _render(pieces[start:end]).strip(_EDGE)
        if body and _LEVEL_START.match(item):
            item = body + item
        level = _LEVEL_START.search(item)
        body = item[:level.start()] if level else ""
        if item:
            items.append(item)
    return items
