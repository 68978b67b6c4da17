"""Normalisation: one canonical text for every reader, with a map back to the source."""
from __future__ import annotations

import unicodedata

import pytest

from ingest.normalize import build_layout, continues_paragraph, should_join
from vanban.models import BlockKind, RawBlock, ReadResult
from vanban.text import canonical, fix_tone_placement, fold


def _layout(*blocks: RawBlock):
    return build_layout(ReadResult(list(blocks)))


@pytest.mark.parametrize("old, new", [
    ("Uỷ ban nhân dân", "Ủy ban nhân dân"), ("Khánh Hoà", "Khánh Hòa"), ("THUỶ LỢI", "THỦY LỢI"),
    ("khoẻ", "khỏe"), ("hoàng", "hoàng"), ("quý", "quý"), ("Quỹ", "Quỹ"), ("toán", "toán"),
])
def test_one_tone_placement(old, new):
    assert fix_tone_placement(old) == new


def test_canonical_characters():
    decomposed = unicodedata.normalize("NFD", "Quyết định")
    assert canonical(decomposed) == "Quyết định"
    assert canonical("2021\u20132025\u00a0và\u200bnăm") == "2021-2025 vànăm"


def test_fold_keeps_offsets_and_folds_d():
    text = "Nghị định số 61/2018/NĐ-CP, Đề án"
    assert fold(text) == "nghi dinh so 61/2018/nd-cp, de an"
    assert len(fold(text)) == len(text)


@pytest.mark.parametrize("prev, nxt, joined", [
    ("Quảng", "Ninh, ngày 24 tháng 8 năm 2022", True),            # a lone word wrapped
    ("Căn cứ Quyết định số 362/QĐ-BNV ngày", "06/5/2022 của Bộ Nội vụ", True),
    ("thực hiện Kết luận số", "28-KL/TW ngày 21/02/2022", True),  # a symbol is not a list marker
    ("thuộc UBND tỉnh;", "phòng, ban chuyên môn", True),           # lower case goes on after ";"
    ("Chỉ số PAR Index,", "SIPAS.", True),                          # an acronym, not a heading
    ("II. NỘI DUNG VÀ", "TRÁCH NHIỆM THỰC HIỆN", True),            # a numbered heading wrapped
    ("- Hoàn thành mục tiêu.", "- Nâng cao nhận thức", False),      # a new item
    ("1. Mục đích", "- Hoàn thành mục tiêu", False),
    ("KẾ HOẠCH", "CẢI THIỆN, NÂNG CAO CHỈ SỐ", False),               # type heading, then title
    ("T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ", False),                     # signature lines
    ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", False),
    ("4. Trung tâm Truyền thông tỉnh", "Tăng cường thông tin", False),
    ("Nơi nhận:", "- Bộ Nội vụ (b/c);", False),
    ("Độc lập - Tự do - Hạnh phúc", "Hà Nội, ngày 03 tháng 02 năm 2023", False),
])
def test_line_joining(prev, nxt, joined):
    assert should_join(prev, nxt) is joined


@pytest.mark.parametrize("prev, nxt, joined", [
    ("cho các thành viên Đoàn giám sát", "được biết, tham dự làm việc", True),
    ("Ban Chấp hành Trung ương Đảng khóa", "XII và việc triển khai", True),
    ("hoàn thành nhiệm vụ.", "được biết", False),
    ("I. MỤC ĐÍCH", "yêu cầu", False),
    ("cho các thành viên", "Ủy ban nhân dân tỉnh giao", False),
    ("a) Kiểm tra qua báo cáo", "Các cơ quan, đơn vị tuân thủ", False),  # a word, not a numeral
    ("theo Nghị định số", "61/2018/NĐ-CP ngày 23/4/2018", True),
    ("quy định tại Công văn số 1971-", "CV/TU, ngày 31/12/2021 của Ban Thường vụ", True),
    ("đạt 2022/", "Tỉnh ủy giao", False),
    ("III. TỔ CHỨC THỰC", "HIỆN", True),                       # a numbered heading wrapped
    ("II. MỤC ĐÍCH, YÊU CẦU", "1. MỤC ĐÍCH", False),
])
def test_paragraph_cut_by_a_break(prev, nxt, joined):
    assert continues_paragraph(prev, nxt) is joined


def test_layout_text_blocks_and_source_map():
    source = "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NINH\n\nQuảng\nNinh, ngày 24 tháng 8\n\nnăm 2022 Uỷ ban"
    layout = _layout(RawBlock(BlockKind.PARAGRAPH, source, page=3, origin=100))
    assert layout.text == ("ỦY BAN NHÂN DÂN\n\nTỈNH QUẢNG NINH\n\n"
                           "Quảng Ninh, ngày 24 tháng 8 năm 2022 Ủy ban")
    assert [layout.text[b.start:b.end] for b in layout.blocks][1] == "TỈNH QUẢNG NINH"
    # every normalised offset points back at the same character of the source
    for word in ("TỈNH", "Ninh", "năm 2022", "ban"):
        at = layout.text.index(word)
        page, offset = layout.source_position(at)
        assert page == 3 and source[offset - 100:offset - 100 + len(word)] == word


def test_tables_are_rows_of_cells_in_the_text():
    table = RawBlock(BlockKind.TABLE, rows=[["STT", "Nội dung"], ["1", "Rà soát,\nhệ thống hóa"]],
                     page=2, origin=40)
    layout = _layout(RawBlock(BlockKind.PARAGRAPH, "PHỤ LỤC"), table)
    (_, block) = layout.blocks
    assert block.kind == BlockKind.TABLE and block.page == 2
    assert block.rows == [["STT", "Nội dung"], ["1", "Rà soát, hệ thống hóa"]]
    assert layout.text[block.start:block.end] == "STT\tNội dung\n1\tRà soát, hệ thống hóa"
    assert layout.page_at(block.start) == 2


def test_empty_tables_and_blank_text_leave_nothing():
    layout = _layout(RawBlock(BlockKind.PARAGRAPH, " \n\n "), RawBlock(BlockKind.TABLE, rows=[["", ""]]))
    assert layout.text == "" and layout.blocks == []
