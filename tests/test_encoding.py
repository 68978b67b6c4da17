"""Encoding detection: Unicode forms, Windows-1258, the TCVN3 and VNI font encodings,
and refusing what is not text."""
from __future__ import annotations

import codecs
import random
import unicodedata
from pathlib import Path

import pytest

from ingest.base import ReadError
from ingest.encoding import decode, is_syllable, vietnamese_score
from ingest.legacy import (
    TCVN3_TO_UNICODE, decode_tcvn3, decode_vni, encode_tcvn3, encode_vni,
)
from vanban.text import canonical

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
SEEDS = sorted((CORPUS / "seeds").glob("*.txt"))
SAMPLE = "Ủy ban nhân dân tỉnh Quảng Ninh ban hành Kế hoạch cải cách hành chính năm 2022."


def seed_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def encode_cp1258(text: str) -> bytes:
    """Windows-1258 as Word writes it: base letters precomposed where the code page has
    them (ê, ơ, ư ...), tone marks as combining characters after them."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in "\u0300\u0301\u0303\u0309\u0323")
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out += base.encode("cp1258") + tones.encode("cp1258")
    return bytes(out)


def without_tcvn3_codes(text: str) -> str:
    """A TCVN3 document cannot hold the Latin-1 characters its codes stand for
    (003 has a superscript "¹", which is TCVN3's "ạ")."""
    return text.translate({ord(code): None for code in TCVN3_TO_UNICODE})


# ---------------------------------------------------------------- Unicode encodings

@pytest.mark.parametrize("data, name", [
    (SAMPLE.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + SAMPLE.encode("utf-8"), "utf-8-sig"),
    (codecs.BOM_UTF16_LE + SAMPLE.encode("utf-16-le"), "utf-16-le"),
    (codecs.BOM_UTF16_BE + SAMPLE.encode("utf-16-be"), "utf-16-be"),
    (codecs.BOM_UTF32_LE + SAMPLE.encode("utf-32-le"), "utf-32-le"),
    (codecs.BOM_UTF32_BE + SAMPLE.encode("utf-32-be"), "utf-32-be"),
    (SAMPLE.encode("utf-16-le"), "utf-16-le"),      # no BOM: the NUL pattern says it
    (SAMPLE.encode("utf-16-be"), "utf-16-be"),
])
def test_unicode_forms(data, name):
    assert decode(data) == (SAMPLE, name)


def test_decomposed_utf8_comes_back_composed():
    text, name = decode(unicodedata.normalize("NFD", SAMPLE).encode("utf-8"))
    assert (text, name) == (SAMPLE, "utf-8")


def test_a_few_bad_bytes_do_not_make_utf8_something_else():
    data = SAMPLE.encode("utf-8") * 20 + b"\xff" + SAMPLE.encode("utf-8")
    text, name = decode(data)
    assert name == "utf-8"
    assert text.count("\ufffd") == 1 and text.endswith(SAMPLE)


# ---------------------------------------------------------------- Windows-1258

@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_windows_1258_seed_round_trip(path):
    original = seed_text(path)
    text, name = decode(encode_cp1258(original))
    assert name == "windows-1258"
    assert text == unicodedata.normalize("NFC", original)


def test_western_text_is_not_taken_for_vietnamese():
    data = "Le café est très bon, à la française; élève, garçon, hôtel.".encode("cp1252")
    assert decode(data) == ("Le café est très bon, à la française; élève, garçon, hôtel.",
                            "windows-1252")


# ---------------------------------------------------------------- TCVN3 and VNI

def test_tcvn3_examples():
    assert decode_tcvn3("Uû ban nh©n d©n tØnh Qu¶ng Ninh") == "Uỷ ban nhân dân tỉnh Quảng Ninh"
    assert decode_tcvn3("Céng hoµ x· héi chñ nghÜa ViÖt Nam") == "Cộng hoà xã hội chủ nghĩa Việt Nam"
    assert decode_tcvn3("§éc lËp - Tù do - H¹nh phóc") == "Độc lập - Tự do - Hạnh phúc"


def test_tcvn3_capitals_come_back_from_their_words():
    # Capital fonts drew capitals from the lowercase codes: "KÕ HO¹CH" is "KẾ HOẠCH".
    assert decode_tcvn3("KÕ HO¹CH") == "KẾ HOẠCH"
    assert decode_tcvn3("Uû BAN NH¢N D¢N") == "UỶ BAN NHÂN DÂN"       # by its neighbours
    assert decode_tcvn3("Uû ban nh©n d©n") == "Uỷ ban nhân dân"       # title case stays
    assert decode_tcvn3("Sè: 205/KH-UBND") == "Số: 205/KH-UBND"       # not by "KH" across ": 205/"
    assert decode_tcvn3("Së KHCN, Së Tµi chÝnh") == "Sở KHCN, Sở Tài chính"   # acronyms prove nothing
    assert decode_tcvn3("- ¸p dông quy ®Þnh") == "- Áp dụng quy định"  # an item starts with a capital
    # ... but a lowercase line after a blank line is a paragraph cut by a page break
    assert decode_tcvn3("c¸c thµnh viªn\n\n®­îc biÕt") == "các thành viên\n\nđược biết"


def test_vni_examples():
    assert decode_vni("UÛy ban nhaân daân tænh Quaûng Ninh") == "Ủy ban nhân dân tỉnh Quảng Ninh"
    assert decode_vni("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam") == "Cộng hòa xã hội chủ nghĩa Việt Nam"
    assert decode_vni("Ñoäc laäp - Töï do - Haïnh phuùc") == "Độc lập - Tự do - Hạnh phúc"
    assert decode_vni("NGÖÔØI ÑÖÙNG ÑAÀU") == "NGƯỜI ĐỨNG ĐẦU"


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_tcvn3_seed_round_trip(path):
    original = without_tcvn3_codes(seed_text(path))
    text, name = decode(encode_tcvn3(original).encode("cp1252"))
    assert name == "tcvn3"
    assert canonical(text) == canonical(original)


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_vni_seed_round_trip(path):
    original = seed_text(path)
    text, name = decode(encode_vni(original).encode("cp1252"))
    assert name == "vni"
    assert text == unicodedata.normalize("NFC", original)


@pytest.mark.parametrize("encode, name", [(encode_tcvn3, "tcvn3"), (encode_vni, "vni")])
def test_font_encodings_saved_as_utf8_are_converted(encode, name):
    # copied from an old page and saved by a tool that did not know the font
    text, found = decode(encode(SAMPLE).encode("utf-8"))
    assert found == name
    assert canonical(text) == canonical(SAMPLE)


@pytest.mark.parametrize("encode, name", [(encode_tcvn3, "tcvn3"), (encode_vni, "vni")])
def test_short_legacy_texts(encode, name):
    assert decode(encode("Số: 12/QĐ-UBND").encode("cp1252")) == ("Số: 12/QĐ-UBND", name)


def test_unicode_vietnamese_is_never_converted():
    # "à", "á", "ý" are TCVN3 codes too; text with real Unicode Vietnamese is left alone
    assert decode(SAMPLE.encode("utf-8"))[0] == SAMPLE


# ---------------------------------------------------------------- scoring

def test_syllables():
    for word in ("người", "quyết", "nguyễn", "khuya", "giữ", "Việt", "ngoặc", "tỉnh"):
        assert is_syllable(word), word
    for word in ("soỏ", "qẹ", "uû", "café", "hoá̀"):
        assert not is_syllable(word), word


def test_right_reading_scores_higher():
    wrong = encode_tcvn3(SAMPLE)
    assert vietnamese_score(SAMPLE) > 0 > vietnamese_score(wrong)


# ---------------------------------------------------------------- not text

def test_empty_file():
    with pytest.raises(ReadError, match="^empty file$"):
        decode(b"")


@pytest.mark.parametrize("data", [b"  \r\n\t\n", codecs.BOM_UTF8, codecs.BOM_UTF16_LE + " \n".encode("utf-16-le")])
def test_whitespace_only_is_empty(data):
    with pytest.raises(ReadError, match="^empty file$"):
        decode(data)


def test_random_bytes_are_binary():
    rng = random.Random(7)
    data = bytes(rng.randrange(256) for _ in range(4000))
    assert b"\x00" in data
    with pytest.raises(ReadError, match="^binary file, not text$"):
        decode(data)


def test_png_is_binary():
    png = next((CORPUS / "formats").glob("*.png")).read_bytes()
    with pytest.raises(ReadError, match="^binary file, not text$"):
        decode(png)


def test_rare_nul_in_text_is_kept_as_unreadable_glyph():
    # PDF extractions write checkboxes as NUL: one in a long text is not binary.
    data = (SAMPLE + "\n\x00 Nhà đầu tư độc lập\n" + SAMPLE * 5).encode("utf-8")
    text, name = decode(data)
    assert name == "utf-8" and "\ufffd Nhà đầu tư độc lập" in text
