"""The plain-text reader on the seed documents (text copied from portals) and on
snippets in the shapes real files take: encodings, markup, the three table forms."""
from __future__ import annotations

import codecs
import random
import unicodedata
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from ingest.base import ReadError
from ingest.legacy import TCVN3_TO_UNICODE, encode_tcvn3, encode_vni
from ingest.normalize import build_layout
from ingest.text import read_text
from vanban.models import BlockKind
from vanban.text import canonical

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
SEEDS = {p.stem: p for p in sorted((CORPUS / "seeds").glob("*.txt"))}
# The heuristic reference writes a few things wrongly itself: "KẾ HOẠCHCải cách" glued
# (002) and a *...* emphasis over two lines left in (003). Everything else matches.
MIN_SIMILARITY = 0.999


def seed(stem_prefix: str) -> Path:
    return next(p for stem, p in SEEDS.items() if stem.startswith(stem_prefix))


def squash(text: str) -> str:
    return " ".join(canonical(text).split())


def tables(path: Path) -> list[list[list[str]]]:
    """The tables read_text rebuilds, cells squashed, trailing empty cells dropped."""
    result = read_text(path.read_bytes())
    return [[_row(row) for row in b.rows] for b in result.blocks if b.kind == BlockKind.TABLE]


def _row(cells: list[str]) -> list[str]:
    row = [squash(c) for c in cells]
    while row and not row[-1]:
        row.pop()
    return row


def reference_rows(path: Path) -> list[list[str]]:
    """The TAB lines of the seed's reference text (one table row per line)."""
    ref = (CORPUS / "reference" / f"{path.stem}.ref.txt").read_text(encoding="utf-8")
    return [_row(line.split("\t")) for line in ref.split("\n") if "\t" in line]


def layout_text(data: bytes) -> str:
    return build_layout(read_text(data)).text


# ---------------------------------------------------------------- encodings

def encode_cp1258(text: str) -> bytes:
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


ENCODINGS = {
    "tcvn3": lambda t: encode_tcvn3(t).encode("cp1252"),
    "vni": lambda t: encode_vni(t).encode("cp1252"),
    "utf-16-le": lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"),
    "utf-16-be": lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
    "utf-8-sig": lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
    "windows-1258": encode_cp1258,
}


@pytest.mark.parametrize("name", ENCODINGS)
@pytest.mark.parametrize("stem", sorted(SEEDS))
def test_seed_in_every_encoding_reads_the_same(stem, name):
    """Acceptance: the seed encoded with the standard map reads back to exactly the
    Unicode text (canonical form), tables and all."""
    # A TCVN3 file cannot hold the Latin-1 characters the table uses as letters (003's "¹").
    text = SEEDS[stem].read_text(encoding="utf-8")
    if name == "tcvn3":
        text = text.translate({ord(code): None for code in TCVN3_TO_UNICODE})
    encoded = read_text(ENCODINGS[name](text))
    assert encoded.encoding == name
    assert build_layout(encoded).text == layout_text(text.encode("utf-8"))


@pytest.mark.parametrize("prefix", ["001", "002"])
def test_windows_line_ends(prefix):
    text = seed(prefix).read_text(encoding="utf-8")
    crlf = text.replace("\n", "\r\n")
    result = read_text(crlf.encode("utf-8"))
    assert build_layout(result).text == layout_text(text.encode("utf-8"))
    block = next(b for b in result.blocks if b.origins and len(b.text) > 200)
    assert all(crlf[o] == c for c, o in zip(block.text, block.origins, strict=True) if not c.isspace())


# ---------------------------------------------------------------- bad input

def test_zero_byte_file():
    with pytest.raises(ReadError, match="^empty file$"):
        read_text(b"")


def test_binary_file_named_txt():
    rng = random.Random(3)
    data = bytes(rng.randrange(256) for _ in range(3000)) + b"\x00\x00"
    with pytest.raises(ReadError, match="^binary file, not text$"):
        read_text(data)


def test_png_bytes():
    with pytest.raises(ReadError, match="^binary file, not text$"):
        read_text(next((CORPUS / "formats").glob("*.png")).read_bytes())


# ---------------------------------------------------------------- similarity to the reference

@pytest.mark.parametrize("stem", sorted(SEEDS))
def test_layout_text_matches_reference(stem):
    path = SEEDS[stem]
    ref = (CORPUS / "reference" / f"{stem}.ref.txt").read_text(encoding="utf-8")
    ratio = fuzz.ratio(squash(layout_text(path.read_bytes())), squash(ref)) / 100
    assert ratio >= MIN_SIMILARITY, f"{stem}: {ratio:.5f}"


@pytest.mark.parametrize("stem", sorted(SEEDS))
def test_every_character_points_back_to_its_source(stem):
    data = SEEDS[stem].read_bytes()
    decoded = data.decode("utf-8")
    for block in read_text(data).blocks:
        if block.kind == BlockKind.TABLE:
            first = next(c for row in block.rows for c in row if c)
            assert decoded.startswith(first.split("\n")[0][:5], block.origin)
            continue
        assert len(block.origins) == len(block.text)
        for char, origin in zip(block.text, block.origins, strict=True):
            if not char.isspace():
                assert decoded[origin] == char


# ---------------------------------------------------------------- TAB tables

@pytest.mark.parametrize("prefix", ["000", "002", "004"])
def test_tab_tables_equal_reference_rows(prefix):
    path = seed(prefix)
    rows = [row for b in read_text(path.read_bytes()).blocks if b.kind == BlockKind.TABLE
            for row in b.rows]
    # A one-cell row merged across the table (002's "IV NHỮNG NỘI DUNG KHÁC") is a
    # line without TAB in the reference; page-break continuation rows are rows in both.
    merged = [row for row in rows if len(row) == 1]
    assert [_row(row) for row in rows if len(row) > 1] == reference_rows(path)
    assert merged == ([["IV NHỮNG NỘI DUNG KHÁC"]] if prefix == "002" else [])


def test_tab_table_shapes():
    t000 = tables(seed("000"))
    assert [len(t) for t in t000] == [4, 8, 4]
    assert t000[1][1] == ["", "", "Ban hành mới", "Sửa đổi thời gian giải quyết",
                          "Đơn giản hóa thành phần hồ sơ", "Đơn giản hóa quy trình giải quyết",
                          "Giảm phí lệ phí"]
    (t004,) = tables(seed("004"))
    assert t004 == [["SỞ NỘI VỤ KHÁNH HÒA"], ["ĐẾN", "Số:.....3251..... Ngày: 05/4/17....."],
                    ["....."], ["Chuyển:....."]]


def test_html_in_tab_cells_becomes_lines():
    result = read_text(seed("002").read_bytes())
    (table,) = [b for b in result.blocks if b.kind == BlockKind.TABLE]
    row = next(r for r in table.rows if r[0] == "1.2")
    assert row[3].split("\n") == ["Trước 01/3/2021", "Thực hiện theo thời gian quy định", "Pháp chế"]
    assert not any("<" in cell for r in table.rows for cell in r)


def test_page_break_continuation_stays_a_row_of_its_own():
    rows = tables(seed("002"))[0]
    i = next(k for k, r in enumerate(rows) if r[:1] == ["7.2.2"])
    assert rows[i] == ["7.2.2", "Thực hiện áp dụng và",
                       "Thực hiện áp dụng và duy trì tốt hệ thống quản lý chất", "",
                       "- Thư ký ISO thực"]
    assert rows[i + 1][:2] == ["", "duy trì tốt hệ thống quản lý chất lượng ISO 9001:2008 "
                                   "(hoặc ISO 9001:2015 nếu đã được chuyển đổi)"]


def test_tabs_that_are_not_cells():
    text = ("\tCăn cứ Luật Tổ chức chính quyền địa phương;\n"
            "Ủy ban nhân dân tỉnh ban hành Kế hoạch.\t\n\n"
            "STT\tNội dung\n1\tRà soát\n").encode()
    blocks = read_text(text).blocks
    assert [b.kind for b in blocks] == [BlockKind.PARAGRAPH, BlockKind.TABLE]
    assert blocks[1].rows == [["STT", "Nội dung"], ["1", "Rà soát"]]


# ---------------------------------------------------------------- one cell per line block (001)

@pytest.fixture(scope="module")
def read_001():
    return read_text(seed("001").read_bytes())


def test_cell_layout_text_parts_are_paragraphs(read_001):
    blocks = read_001.blocks
    kinds = [b.kind for b in blocks]
    assert kinds.count(BlockKind.TABLE) == 2
    first_table = kinds.index(BlockKind.TABLE)
    texts = [squash(b.text) for b in blocks[:first_table]]
    assert texts[:4] == ["ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH -------",
                         "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc ---------------",
                         "Số: 205/KH-UBND", "Quảng Ninh, ngày 24 tháng 8 năm 2022"]
    body = blocks[4].text.split("\n")
    assert body[:2] == ["KẾ HOẠCH", "CẢI THIỆN, NÂNG CAO CHỈ SỐ CẢI CÁCH HÀNH CHÍNH (PAR INDEX), CHỈ SỐ HÀI"]
    assert body[-1] == "2b_KHcchc6"                      # the body keeps its own lines
    assert texts[5] == "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH Nguyễn Tường Văn"
    assert texts[6].startswith("PHỤ LỤC I MỤC TIÊU PHẤN ĐẤU")   # the caption, without "STT"
    assert texts[6].endswith("(Kèm theo Kế hoạch số 205/KH-UBND ngày 24 tháng 8 năm 2022 của UBND tỉnh Quảng Ninh)")
    between = squash(blocks[first_table + 1].text)
    assert between.startswith("* Ghi chú: Các nội dung") and between.endswith("của UBND tỉnh Quảng Ninh)")
    assert squash(blocks[-1].text).startswith("* Ghi chú: Kết quả đo lường")


def test_appendix_one_equals_reference(read_001):
    appendix = [_row(r) for r in [b for b in read_001.blocks if b.kind == BlockKind.TABLE][0].rows]
    ref = reference_rows(seed("001"))
    start = next(i for i, r in enumerate(ref) if r[0] == "STT")
    end = next(i for i, r in enumerate(ref) if r[1:2] == ["TỔNG ĐIỂM"])
    assert appendix == ref[start:end + 1]
    assert len(appendix) == 150
    assert [r[0] for r in appendix[:10]] == ["STT", "1", "1.1", "1.2", "1.3", "1.3.1", "1.3.2",
                                            "1.4", "1.5", "1.6"]
    assert next(r for r in appendix if r[0] == "5.1.2") == [
        "5.1.2", "Tỷ lệ cơ quan, tổ chức hành chính của tỉnh bố trí công chức theo đúng vị trí "
                 "việc làm được phê duyệt", "1", "1", "1", "-", "Sở Nội vụ"]
    # values that look like row numbers stay values
    assert not any(r[0] == "0.04" for r in appendix)
    assert [r[1] for r in appendix if r[0] == "8.5"] == ["Tỷ lệ tăng tổng sản phẩm trên địa bàn (GRDP)"]
    assert appendix[1][2:4] == ["8.5", "8.5 (Xếp thứ 1/63 tỉnh, thành phố)"]
    # a typo in the numbering ("22" for 2.2) and a number split over two lines ("3.3\n1")
    assert [r[0] for r in appendix if r[0] in ("22", "2.2.1", "3.3 1", "3.3.2")] == ["22", "2.2.1", "3.3 1", "3.3.2"]


def test_appendix_two_keeps_short_rows_short(read_001):
    appendix = [_row(r) for r in [b for b in read_001.blocks if b.kind == BlockKind.TABLE][1].rows]
    assert appendix[0] == ["TT", "Tiêu chí", "Kết quả SIPAS năm 2021", "Mục tiêu SIPAS năm 2022",
                           "Tỷ lệ dự kiến tăng so với năm 2021", "Đơn vị chủ trì theo dõi",
                           "Đơn vị thực hiện"]
    assert [r[0] for r in appendix] == (
        ["TT", "", "I", "1", "2", "3", "4", "II", "1", "2", "3", "4", "5", "III"]
        + [str(n) for n in range(1, 8)] + ["IV", "1", "2", "3", "4", "V", "1", "2", "3", "4"])
    assert appendix[1] == ["", "CHỈ SỐ HÀI LÒNG CHUNG", "94.07", ">94,50", ">0,43"]
    assert appendix[3] == ["1", "Trụ sở cơ quan tiếp nhận hồ sơ, trả kết quả có biển hiệu, "
                                "hướng dẫn rõ ràng, dễ thấy", "94.9", "95.00", "0.10"]
    group = next(r for r in appendix if r[0] == "II")
    assert group[:5] == ["II", "Thủ tục hành chính", "94.78", ">95,00", ">0,22"] and len(group) == 7
    # rows of a group leave the two row-spanned columns out instead of taking the next row's cells
    assert {len(r) for r in appendix if r[0].isdigit()} == {5}


CELL_LAYOUT = """UBND HUYỆN AN LÃO
|
Số: 15/KH-UBND
|
Kế hoạch thực hiện năm 2023 như sau:
- Rà soát thủ tục hành chính.
|
BIỂU CHỈ TIÊU
STT
|
Nội dung
|
Chỉ tiêu
|
Đơn vị chủ trì
|
I
|
Cải cách thể chế
|
|
|
1
|
Ban hành văn bản quy phạm pháp luật
|
2
|
Phòng Tư pháp
|
2
|
Rà soát văn bản
|
0.5
|
Phòng Tư pháp
|
2.1
|
Rà soát định kỳ
|
1
|
II
|
Hiện đại hóa
|
|
|
1
|
Số hóa hồ sơ
|
100%
|
Văn phòng
|
Nơi nhận: - Như trên; - Lưu: VT, ghi chú cho các đơn vị thực hiện.
|
"""


def test_cell_layout_unseen_shape():
    blocks = read_text(CELL_LAYOUT.encode("utf-8")).blocks
    assert [b.kind for b in blocks] == [BlockKind.PARAGRAPH] * 4 + [BlockKind.TABLE, BlockKind.PARAGRAPH]
    assert blocks[3].text == "BIỂU CHỈ TIÊU"
    assert blocks[4].rows == [
        ["STT", "Nội dung", "Chỉ tiêu", "Đơn vị chủ trì"],
        ["I", "Cải cách thể chế", "", ""],
        ["1", "Ban hành văn bản quy phạm pháp luật", "2", "Phòng Tư pháp"],   # "2" is a value
        ["2", "Rà soát văn bản", "0.5", "Phòng Tư pháp"],
        ["2.1", "Rà soát định kỳ", "1"],                                      # short: row-spanned
        ["II", "Hiện đại hóa", "", ""],
        ["1", "Số hóa hồ sơ", "100%", "Văn phòng"],
    ]
    assert blocks[5].text.startswith("Nơi nhận:")


# ---------------------------------------------------------------- pipe tables

def test_markdown_pipe_table():
    text = ("Bảng 1. Chỉ tiêu năm 2022\n\n"
            "| STT | Chỉ tiêu | Năm 2022 |\n"
            "|:---:|----------|---------:|\n"
            "| 1 | Tỷ lệ hồ sơ giải quyết đúng hạn | 98% |\n"
            "| 2 | Dịch vụ công trực tuyến toàn trình | **60%** |\n\n"
            "Giao Văn phòng theo dõi.\n")
    blocks = read_text(text.encode("utf-8")).blocks
    assert [b.kind for b in blocks] == [BlockKind.PARAGRAPH, BlockKind.TABLE, BlockKind.PARAGRAPH]
    assert blocks[1].rows == [["STT", "Chỉ tiêu", "Năm 2022"],
                              ["1", "Tỷ lệ hồ sơ giải quyết đúng hạn", "98%"],
                              ["2", "Dịch vụ công trực tuyến toàn trình", "60%"]]


# ---------------------------------------------------------------- markup

# Turndown ends forced line breaks with two spaces, written "␣␣" here so that no
# editor strips them.
TVPL_SNIPPET = r"""**ỦY BAN NHÂN DÂN␣␣
TỈNH BÌNH ĐỊNH****␣␣
\-------**

Số: 12/KH-UBND

_Bình Định__, ngày 05_ _tháng 3_ _năm 2021_

**KẾ HOẠCH**

**1\. Tăng cường công tác kiể****m tra, giám sát**

Căn cứ Nghị quyết số [45/2020/NQ-HĐND](/phap-luat/tim-van-ban.aspx?keyword=45/2020/NQ-HĐND&match=True) \
của Hội đồng nhân dân tỉnh; xem tại <https://binhdinh.gov.vn/van-ban>.

\- Tỷ lệ hồ sơ đúng hạn đạt 98% (không tính \*hồ sơ bổ sung\*, mã 2b\_HS);

**_Nơi nhận:_**\- Bộ Nội vụ;␣␣
\- Lưu: VT.
""".replace("␣", " ").replace(" \\\n", " ")


def test_tvpl_markdown_cleanup():
    blocks = read_text(TVPL_SNIPPET.encode("utf-8")).blocks
    assert [[line.strip() for line in b.text.split("\n")] for b in blocks] == [
        ["ỦY BAN NHÂN DÂN", "TỈNH BÌNH ĐỊNH", "-------"],
        ["Số: 12/KH-UBND"],
        ["Bình Định, ngày 05 tháng 3 năm 2021"],
        ["KẾ HOẠCH"],
        ["1. Tăng cường công tác kiểm tra, giám sát"],
        ["Căn cứ Nghị quyết số 45/2020/NQ-HĐND của Hội đồng nhân dân tỉnh; "
         "xem tại https://binhdinh.gov.vn/van-ban."],
        ["- Tỷ lệ hồ sơ đúng hạn đạt 98% (không tính *hồ sơ bổ sung*, mã 2b_HS);"],
        ["Nơi nhận:", "- Bộ Nội vụ;", "- Lưu: VT."],
    ]


def test_plain_text_emphasis_and_glued_heading():
    text = ("KẾ HOẠCH**Cải cách hành chính năm 2021**\n\n"
            "Gửi về Sở Nội vụ **trước ngày 15/8/2022** (*thông qua Văn phòng*).\n\n"
            "*(Kèm theo Kế hoạch số 110/KH-UBND\ncủa Ủy ban nhân dân thành phố)*\n")
    blocks = read_text(text.encode("utf-8")).blocks
    assert [b.text for b in blocks] == [
        "KẾ HOẠCH\nCải cách hành chính năm 2021",
        "Gửi về Sở Nội vụ trước ngày 15/8/2022 (thông qua Văn phòng).",
        "(Kèm theo Kế hoạch số 110/KH-UBND\ncủa Ủy ban nhân dân thành phố)",
    ]


def test_printed_stars_and_underscores_stay():
    lines = ["Tiền gửi tại các ngân hàng thương mại (*)", "(**) Ghi chú: không bao gồm tiền lãi.",
             "Ngày/tháng/năm sinh*: ..........; Giới tính*: ......", "(10)=(7)*(8)*(9)",
             "Văn bản đến (tập tin *.pdf) phải được số hóa.", "* Ghi chú: số liệu ước tính.",
             "Căn cứ khoản ___ Điều ____ Nghị định số____ngày __ tháng __", "Mã hồ sơ 2b_KHcchc6"]
    blocks = read_text("\n\n".join(lines).encode("utf-8")).blocks
    assert [b.text for b in blocks] == lines


def test_html_fragments_and_entities_in_text():
    text = "<p>Căn cứ Luật&nbsp;Đất đai;</p><p>Sở Tài nguyên &amp; Môi trường</p>\n\n<Tên cơ quan> báo cáo."
    blocks = read_text(text.encode("utf-8")).blocks
    # one paragraph per <p> (the normaliser splits at the blank line), the placeholder stays
    assert [b.text for b in blocks] == ["Căn cứ Luật\u00a0Đất đai;\n\nSở Tài nguyên & Môi trường",
                                        "<Tên cơ quan> báo cáo."]
