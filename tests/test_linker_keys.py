"""Canonical keys and the resolution rules, on keys alone (no database)."""
from __future__ import annotations

import pytest

from linker.graph import query_key
from linker.keys import NORMATIVE, PARTY, STATE, Place, key_of, parse_number, party_term, repair_number
from linker.resolve import Doc, codes_match, group_renditions, resolve
from vanban.models import Resolution

SPELLINGS = [
    "NĐ 61/2018",
    "ND 61/2018",
    "Nghị định 61/2018",
    "Nghị định số 61/2018/NĐ-CP",
    "Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ",
    "nghi dinh 61/2018/nd-cp",
    "nghị định số 61/2018/nđ-cp",
    "NGHỊ ĐỊNH SỐ 61/2018/NĐ-CP CỦA CHÍNH PHỦ",
    "61/2018/ND-CP",
    "6l/2O18/NĐ-CP",
]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_every_spelling_has_one_stem_number_and_year(spelling):
    key = query_key(spelling)
    assert (key.stems, key.num, key.year, key.family) == (("nd:61",), "61", 2018, NORMATIVE)
    assert key.codes in ((), ("nd", "cp"))


def test_ocr_damage_is_repaired_inside_numbers_only():
    assert repair_number("6l/2O18/nd-cp") == "61/2018/ND-CP"
    assert repair_number("Quyết định số 4788/qđ-ubnd ngày 30/12/2021") == \
        "Quyết định số 4788/QĐ-UBND ngày 30/12/2021"


@pytest.mark.parametrize("number, expected", [
    ("05-NQ/TU", ("5", None, ("nq", "tu"), True)),
    ("5-NQ/TU", ("5", None, ("nq", "tu"), True)),
    ("205/KH-UBND", ("205", None, ("kh", "ubnd"), False)),
    ("61/2018/NĐ-CP", ("61", 2018, ("nd", "cp"), False)),
    ("123/QĐUBND", ("123", None, ("qd", "ubnd"), False)),
    ("4788", ("4788", None, (), False)),
])
def test_numbers_parse_through_the_shared_grammar(number, expected):
    parsed = parse_number(number)
    assert (parsed.num, parsed.year, parsed.codes, parsed.party) == expected


def test_families_and_keys():
    party = key_of("Nghị quyết", "05-NQ/TU", "2021-09-28", place=Place("province", "ninh thuan"))
    state = key_of("Kế hoạch", "205/KH-UBND", "2022-08-24", place=Place("province", "quang ninh"))
    normative = key_of("Nghị định", "61/2018/NĐ-CP", place=Place("central"))
    assert (party.family, state.family, normative.family) == (PARTY, STATE, NORMATIVE)
    assert party.text() == "nq|5-nq/tu|2021|ninh thuan"
    assert state.text() == "kh|205/kh-ubnd|2022|quang ninh"
    assert normative.text() == "nd|61/2018/nd-cp|2018|central"
    # "Chương trình" and "Chương trình hành động" are one class (code CTr)
    assert key_of("Chương trình hành động", "16-CTr/TU").stems == key_of("Chương trình", "16").stems == ("ctr:16",)


@pytest.mark.parametrize("date, level, term", [
    ("2021-09-28", "province", 2020), ("2020-03-01", "province", 2015), ("2020-09-01", "province", None),
    ("2020-11-20", "province", 2020), ("2017-10-25", "central", 2016), ("2021-02-10", "central", None),
    ("2021-06-01", "central", 2021), (None, "province", None),
])
def test_party_terms(date, level, term):
    assert party_term(date, level) == term


def test_codes_match_absorbs_damage_never_a_different_body():
    assert codes_match(("kh", "ubnd"), ("kh", "ubnd"))
    assert codes_match(("kh", "ubnd"), ())
    assert codes_match(("kh", "ubnd"), ("kh", "ubno"))       # OCR: D read as O
    assert not codes_match(("nq", "tu"), ("nq", "tw"))      # Tỉnh ủy is not Trung ương
    assert not codes_match(("kh", "ubnd"), ("kh", "tu"))
    assert not codes_match(("nq", "hdnd"), ("nq", "ubnd"))  # HĐND folds to hdnd: still a known code


def _doc(ident: str, date: str | None, province: str | None, *, number="05-NQ/TU", ocr=False) -> Doc:
    place = Place("province", province) if province else Place()
    return Doc(ident, key_of("Nghị quyết", number, date, place=place, organ="tinh uy"), ident, ocr)


def test_same_number_in_two_provinces_needs_the_place_or_the_date():
    nt, qn = _doc("b", "2021-09-28", "ninh thuan"), _doc("a", "2021-04-09", "quang ninh")
    bare = key_of("Nghị quyết", "05-NQ/TU", place=Place("province"))
    outcome = resolve(bare, [nt, qn])
    assert outcome.status == Resolution.AMBIGUOUS
    assert [c["id"] for c in outcome.candidates] == ["a", "b"]
    assert all("citation gives no date" in c["why"] for c in outcome.candidates)
    by_place = key_of("Nghị quyết", "05-NQ/TU", place=Place("province", "ninh thuan"))
    assert (resolve(by_place, [nt, qn]).status, resolve(by_place, [nt, qn]).target) == (Resolution.RESOLVED, "b")
    by_date = key_of("Nghị quyết", "05-NQ/TU", "2021-04-09", place=Place("province"))
    assert resolve(by_date, [nt, qn]).target == "a"


def test_a_later_document_is_never_the_cited_one():
    citing = _doc("z", "2021-05-01", "ninh thuan", number="10-KH/TU")
    later = _doc("b", "2021-09-28", "ninh thuan")
    cited = key_of("Nghị quyết", "05-NQ/TU", place=Place("province", "ninh thuan"))
    outcome = resolve(cited, [later], citing=citing)
    assert outcome.status == Resolution.UNRESOLVED
    assert "after the citing document" in outcome.why


def test_without_a_date_the_citing_term_chooses():
    citing = _doc("z", "2022-03-01", "ninh thuan", number="10-KH/TU")
    old, new = _doc("a", "2016-05-01", "ninh thuan"), _doc("b", "2021-09-28", "ninh thuan")
    cited = key_of("Nghị quyết", "05-NQ/TU", place=Place("province", "ninh thuan"))
    outcome = resolve(cited, [old, new], citing=citing)
    assert (outcome.status, outcome.target) == (Resolution.RESOLVED, "b")
    assert outcome.why.endswith("the only one in the citing document's term")


def test_renditions_group_whatever_the_order():
    docs = [_doc("c", "2021-09-28", "ninh thuan"), _doc("a", "2021-09-28", "ninh thuan", ocr=True),
            _doc("b", None, "ninh thuan"), _doc("d", "2021-04-09", "quang ninh")]
    expected = {"a": "c", "b": "c", "c": "c", "d": "d"}   # the OCR-read one is not canonical
    assert group_renditions(docs) == expected
    assert group_renditions(list(reversed(docs))) == expected


def test_an_undated_rendition_that_fits_two_documents_stands_alone():
    docs = [_doc("a", "2016-05-01", "ninh thuan"), _doc("b", "2021-09-28", "ninh thuan"),
            _doc("c", None, "ninh thuan")]
    assert group_renditions(docs) == {"a": "a", "b": "b", "c": "c"}
