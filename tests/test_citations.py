"""Citations on short preambles and paragraphs written in the styles real documents
use: laws cited by name and date, bodies' own registration codes, damaged symbols,
legal-basis blocks whose items do not all repeat "Căn cứ", and preambles copied from
a web page with their lines wrapped or run into the heading."""
from __future__ import annotations

import pytest

from extractors.citations import Scope, extract_citations
from extractors.document import read_documents
from ingest.normalize import build_layout
from ingest.text import read_text
from vanban.models import Citation
from vanban.text import canonical


def cites(text: str, province: str | None = "Gia Lai") -> list[Citation]:
    return extract_citations(text, 0, len(text), own_numbers=set(), scope=Scope(province=province))


def by_key(citations: list[Citation]) -> dict[tuple[str | None, str | None], Citation]:
    return {(c.doc_type, c.number or c.issued_date): c for c in citations}


# ------------------------------------------------------------------ laws cited by name

def test_law_cited_by_name_and_date_is_keyed_by_its_date():
    found = by_key(cites("Căn cứ Luật Đất đai ngày 29 tháng 11 năm 2013;\n"
                         "Căn cứ Bộ luật Lao động ngày 20/11/2019;"))
    law = found[("Luật", "2013-11-29")]
    assert (law.number, law.issuer, law.relation.value) == (None, "Quốc hội", "can_cu")
    assert found[("Bộ luật", "2019-11-20")].issuer == "Quốc hội"


def test_law_name_in_lower_case_is_still_a_name_but_this_law_is_not():
    found = by_key(cites("Căn cứ Luật tổ chức chính quyền địa phương ngày 19/6/2015;\n"
                         "Các nội dung khác thực hiện theo Luật này ngày có hiệu lực."))
    assert list(found) == [("Luật", "2015-06-19")]


def test_amending_law_is_one_citation_with_its_own_date():
    found = cites("Căn cứ Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và "
                  "Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;")
    assert [(c.doc_type, c.issued_date) for c in found] == [("Luật", "2019-11-22")]


def test_numbered_law_keeps_its_number_and_the_date_after_it():
    found = cites("Căn cứ Luật Quy hoạch số 21/2017/QH14 ngày 24/11/2017;")
    assert [(c.doc_type, c.number, c.issued_date) for c in found] == [
        ("Luật", "21/2017/QH14", "2017-11-24")]


# ------------------------------------------------------------------ numbers

def test_registration_code_no_table_knows_is_accepted_after_a_type_word():
    found = by_key(cites("Xét đề nghị của Sở Tư pháp tại Công văn số 415/STP-XDKTVB "
                         "ngày 3/8/2022 về việc thẩm định dự thảo."))
    letter = found[("Công văn", "415/STP-XDKTVB")]
    assert letter.issued_date == "2022-08-03"
    # without a type word in front, an unknown code is not taken for a number
    assert cites("Mã hồ sơ 415/STP-XDKTVB đã tiếp nhận.") == []


def test_symbol_with_spaces_around_its_hyphen():
    found = by_key(cites("Theo đề nghị tại Tờ trình số 52/TTr - SNN ngày 9/5/2023; "
                         "Nghị định số 15/2021/NĐ -CP ngày 3/3/2021 của Chính phủ."))
    assert ("Tờ trình", "52/TTr-SNN") in found
    assert found[("Nghị định", "15/2021/NĐ-CP")].issuer == "Chính phủ"


def test_codes_damaged_by_ocr_are_read_back_into_known_codes():
    # "Ð" (eth) becomes "Đ" when the text is stored (canonical); "Ñ" and "ĐĐ" are repaired
    found = by_key(cites(canonical("thực hiện Nghị quyết số 05- ÑQ/TU của Ban Thường vụ Tỉnh ủy; "
                                   "Căn cứ Quyết định số 362/QĐĐ-BNV ngày 06/5/2022 của Bộ Nội vụ; "
                                   "Căn cứ Nghị định số 61/2018/NÐ-CP ngày 23/4/2018.")))
    assert set(found) == {("Nghị quyết", "05-NQ/TU"), ("Quyết định", "362/QĐ-BNV"),
                          ("Nghị định", "61/2018/NĐ-CP")}


def test_repeated_letters_of_a_real_code_are_not_repaired():
    found = by_key(cites("Căn cứ Quyết định số 11/QĐ-TTT ngày 29/01/2021 của Thanh tra tỉnh."))
    assert list(found) == [("Quyết định", "11/QĐ-TTT")]


# ------------------------------------------------------------------ the legal-basis block

def test_items_of_the_legal_basis_without_their_own_can_cu():
    found = by_key(cites("Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ;\n"
                         "Nghị định số 42/2022/NĐ-CP ngày 24/6/2022 của Chính phủ;\n"
                         "Căn cứ các văn bản sau:\n"
                         "- Thông tư số 01/2023/TT-BNV ngày 10/1/2023 của Bộ Nội vụ;\n"
                         "- Quyết định số 88/QĐ-UBND ngày 2/2/2023 của UBND tỉnh.\n"
                         "Thực hiện Kế hoạch số 7/KH-UBND ngày 3/3/2023 của UBND tỉnh."))
    assert found[("Nghị định", "42/2022/NĐ-CP")].relation.value == "can_cu"
    assert found[("Thông tư", "01/2023/TT-BNV")].relation.value == "can_cu"
    assert found[("Quyết định", "88/QĐ-UBND")].relation.value == "can_cu"
    assert found[("Kế hoạch", "7/KH-UBND")].relation.value == "thuc_hien"


def test_legal_basis_wrapped_mid_sentence_by_a_copied_page():
    found = by_key(cites("Căn cứ Luật Ngân sách nhà nước số\n83/2015/QH13 ngày 25/6/2015;\n"
                         "Căn cứ Thông tư số\n342/2016/TT-BTC ngày 30/12/2016 của Bộ Tài chính;"))
    assert found[("Luật", "83/2015/QH13")].relation.value == "can_cu"
    assert found[("Thông tư", "342/2016/TT-BTC")].relation.value == "can_cu"


def test_legal_basis_run_into_a_flattened_heading():
    text = ("Số: 12/QĐ-UBND Gia Lai, ngày 3 tháng 1 năm 2022 QUYẾT ĐỊNH VỀ VIỆC BAN HÀNH "
            "QUY CHẾ ỦY BAN NHÂN DÂN TỈNH GIA LAI Căn cứ Nghị định số 61/2018/NĐ-CP ngày "
            "23 tháng 4 năm 2018 của Chính phủ; Nghị định số 107/2021/NĐ-CP ngày 06/12/2021;\n")
    found = by_key(read_documents(build_layout(read_text(text.encode("utf-8"))))[0].citations)
    assert found[("Nghị định", "61/2018/NĐ-CP")].relation.value == "can_cu"
    assert found[("Nghị định", "107/2021/NĐ-CP")].relation.value == "can_cu"


# ------------------------------------------------------------------ relations

def relations(text: str) -> dict[str | None, str]:
    return {c.number: c.relation.value for c in cites(text)}


def test_implementing_verb_may_carry_an_adverb():
    assert relations("- Triển khai kịp thời Quyết định số 174/QĐ-UBND ngày 18/01/2022; "
                     "thực hiện nghiêm túc Chỉ thị số 26/CT-TTg ngày 5/9/2016.") == {
        "174/QĐ-UBND": "thuc_hien", "26/CT-TTg": "thuc_hien"}


def test_according_to_is_a_mention_unless_the_item_implements():
    assert relations("- Rà soát, sắp xếp tổ chức bộ máy theo Nghị định số 107/2020/NĐ-CP.") == {
        "107/2020/NĐ-CP": "tham_chieu"}
    assert relations("- Triển khai công tác kiểm tra trên địa bàn tỉnh theo Kế hoạch số "
                     "105/KH-UBND ngày 20/4/2022.") == {"105/KH-UBND": "thuc_hien"}


def test_items_of_a_list_share_its_relation_and_a_subject_ends_at_the_semicolon():
    text = ("- Hoàn thành mục tiêu theo Nghị quyết số 05-NQ/TU ngày 09/4/2021 của Ban Chấp hành "
            "Đảng bộ tỉnh về cải cách hành chính; Chương trình hành động số 131/CTr-UBND ngày "
            "02/7/2021 của UBND tỉnh về triển khai thực hiện Nghị quyết số 05-NQ/TU; "
            "Quyết định số 3322/QĐ-UBND ngày 01/10/2021 của UBND tỉnh.")
    assert relations(text) == {"05-NQ/TU": "thuc_hien", "131/CTr-UBND": "thuc_hien",
                               "3322/QĐ-UBND": "thuc_hien"}


def test_an_item_that_states_its_date_takes_nothing_from_the_next_item():
    found = by_key(cites("theo Quyết định số 1234/QĐ-UBND ngày 2/3/2024; Văn bản hợp nhất số "
                         "15/VBHN-VPQH; Nghị quyết số 18-NQ/TW; Nghị quyết số 19-NQ/TW của Ban Chấp "
                         "hành Trung ương Đảng khóa XII."))
    assert found[("Quyết định", "1234/QĐ-UBND")].issuer == "Ủy ban nhân dân tỉnh Gia Lai"
    assert found[("Văn bản hợp nhất", "15/VBHN-VPQH")].issuer == "Văn phòng Quốc hội"   # its code says
    # a bare item shares the issuer printed after the list
    assert found[("Nghị quyết", "18-NQ/TW")].issuer == "Ban Chấp hành Trung ương Đảng khóa XII"


@pytest.mark.parametrize("issuer", [
    "Hội nghị Trung ương 8 khóa XI",
    "Hội nghị lần thứ tám Ban Chấp hành Trung ương Đảng khóa XI",
])
def test_a_resolution_of_a_central_plenum_is_the_central_committees(issuer):
    found = cites(f"Thực hiện Nghị quyết số 29-NQ/TW ngày 4/11/2013 của {issuer} về đổi mới giáo dục;")
    assert [c.issuer for c in found] == ["Ban Chấp hành Trung ương Đảng khóa XI"]
