"""Header fields on short documents written in the layouts real files arrive in:
letters of a department under a provincial committee, headers copied from a web page
with every line run together, signatures run into one line, heads who decide in
their own name. One test per layout pattern."""
from __future__ import annotations

import pytest

from extractors.document import read_documents
from extractors.header import sentence_case
from ingest.normalize import build_layout
from ingest.text import read_text
from vanban.models import DocumentRecord


def doc_of(text: str) -> DocumentRecord:
    return read_documents(build_layout(read_text(text.encode("utf-8"))))[0]


# ------------------------------------------------------------------ letters of a department

DEPARTMENT_LETTER = """UBND TỈNH ĐIỆN BIÊN
**SỞ NỘI VỤ
\\-------**

**CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
\\---------------**

Số: 214/SNV-TCBC
_V/v rà soát số lượng người làm việc năm 2024_

_Điện Biên, ngày 06 tháng 3 năm 2024_

**Kính gửi:** Các sở, ban, ngành tỉnh.

Để có cơ sở tổng hợp, Sở Nội vụ đề nghị các cơ quan báo cáo số liệu trước ngày 20/3/2024./.

**KT. GIÁM ĐỐC
PHÓ GIÁM ĐỐC



Lò Văn Minh**
"""


def test_department_letter_with_its_own_registration_code():
    doc = doc_of(DEPARTMENT_LETTER)
    assert doc.number == "214/SNV-TCBC"            # a code no table lists, after "Số:"
    assert doc.doc_type == "Công văn"              # no type heading, a "V/v" subject
    assert doc.issuer == "Sở Nội vụ tỉnh Điện Biên"  # "SỞ ..." is not a number line
    assert doc.title == "Rà soát số lượng người làm việc năm 2024"
    assert doc.place == "Điện Biên" and doc.issued_date == "2024-03-06"
    assert doc.signer.name == "Lò Văn Minh"


def test_letter_with_a_code_that_reads_as_a_type_is_still_a_letter():
    text = """TỔNG CỤC THUẾ
CỤC THUẾ TỈNH HÀ GIANG

Số: 88/CT-NVDTPC
V/v hướng dẫn kê khai lệ phí trước bạ

Hà Giang, ngày 2 tháng 4 năm 2021

Kính gửi: Chi cục Thuế các huyện.
"""
    doc = doc_of(text)
    assert doc.doc_type == "Công văn"              # "CT" here is the Cục Thuế, not Chỉ thị
    assert doc.number == "88/CT-NVDTPC"
    assert doc.issuer == "Cục Thuế tỉnh Hà Giang"


def test_department_name_wrapped_in_its_cell():
    text = """ỦY BAN NHÂN DÂN
TỈNH YÊN BÁI
SỞ LAO ĐỘNG - THƯƠNG BINH &
XÃ HỘI

Số: 61/SLĐTBXH-VL
V/v tuyển sinh đào tạo nghề

Yên Bái, ngày 9 tháng 1 năm 2020
"""
    assert doc_of(text).issuer == "Sở Lao động - Thương binh và Xã hội tỉnh Yên Bái"


def test_office_of_a_committee_and_the_signature_below_are_not_confused():
    text = """UBND HUYỆN MỘC CHÂU
VĂN PHÒNG

Số: 35/VP-TH
V/v lịch làm việc tuần

Mộc Châu, ngày 15 tháng 5 năm 2022

Văn phòng thông báo lịch làm việc của lãnh đạo huyện./.

CHÁNH VĂN PHÒNG

Hà Thị Lan
"""
    doc = doc_of(text)
    assert doc.issuer == "Văn phòng Ủy ban nhân dân huyện Mộc Châu"
    assert doc.signer.name == "Hà Thị Lan"


def test_place_written_with_city_prefix_drops_it():
    text = """ỦY BAN NHÂN DÂN
THÀNH PHỐ HỒ CHÍ MINH

Số: 7/TB-UBND

Thành phố Hồ Chí Minh, ngày 4 tháng 1 năm 2023

THÔNG BÁO
Về lịch tiếp công dân tháng 01 năm 2023
"""
    doc = doc_of(text)
    assert doc.place == "Hồ Chí Minh"
    assert doc.issued_date == "2023-01-04"


# ------------------------------------------------------------------ headers copied from a page

FLATTENED = """HỘI ĐỒNG NHÂN DÂN TỈNH HẬU GIANG
 -------
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
 Độc lập - Tự do - Hạnh phúc
 ---------------
Số:
 09/2022/NQ-HĐND Hậu Giang, ngày 8 tháng 7 năm 2022 NGHỊ QUYẾT QUY ĐỊNH MỨC CHI HỖ TRỢ
CÔNG TÁC HÒA GIẢI Ở CƠ SỞ TRÊN ĐỊA BÀN TỈNH HẬU GIANG HỘI ĐỒNG NHÂN DÂN TỈNH HẬU GIANG KHÓA X - KỲ HỌP THỨ 7 Căn cứ Luật Hòa giải ở cơ sở ngày 20 tháng 6 năm 2013;
Căn cứ Nghị định số 15/2014/NĐ-CP ngày 27 tháng 02 năm 2014 của Chính phủ quy định chi tiết một số điều, kéo dài đến năm 2025;
QUYẾT NGHỊ:
Điều 1. Quy định mức chi hỗ trợ công tác hòa giải ở cơ sở.
CHỦ TỊCH Trần Văn Huyến
"""


def test_flattened_header_gives_number_place_date_type_and_title():
    doc = doc_of(FLATTENED)
    assert doc.number == "09/2022/NQ-HĐND"         # "Số:" alone, the symbol on the next line
    assert doc.place == "Hậu Giang"                  # not "/NQ-HĐND Hậu Giang"
    assert doc.issued_date == "2022-07-08"
    assert doc.doc_type == "Nghị quyết"              # the heading runs into the date line
    # the capitals up to the authority line, the preamble cut off
    assert doc.title == "Quy định mức chi hỗ trợ công tác hòa giải ở cơ sở trên địa bàn tỉnh Hậu Giang"
    assert doc.issuer == "Hội đồng nhân dân tỉnh Hậu Giang"


def test_signature_run_into_one_line():
    assert doc_of(FLATTENED).signer.name == "Trần Văn Huyến"
    text = FLATTENED.replace("CHỦ TỊCH Trần Văn Huyến",
                             "TM. HỘI ĐỒNG NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH Lê Thị Hoa PHỤ LỤC I")
    signer = doc_of(text).signer
    assert (signer.name, signer.position, signer.marker) == ("Lê Thị Hoa", "Phó Chủ tịch", "KT.")


def test_date_line_in_a_long_flattened_line_that_says_den_later():
    text = """ỦY BAN NHÂN DÂN TỈNH TRÀ VINH
 -------
Số: 40/KH-UBND Trà Vinh, ngày 2 tháng 3 năm 2021 KẾ HOẠCH THỰC HIỆN CHƯƠNG TRÌNH GIẢM NGHÈO Căn cứ Quyết định số 12/QĐ-TTg ngày 5/1/2021 của Thủ tướng Chính phủ, định hướng đến năm 2025;
"""
    doc = doc_of(text)
    assert (doc.place, doc.issued_date) == ("Trà Vinh", "2021-03-02")
    assert doc.title == "Thực hiện chương trình giảm nghèo"


# ------------------------------------------------------------------ authorities and titles

def test_head_deciding_in_own_name_is_the_issuer():
    text = """ỦY BAN NHÂN DÂN
TỈNH SÓC TRĂNG

Số: 250/QĐ-CTUBND

Sóc Trăng, ngày 11 tháng 2 năm 2022

QUYẾT ĐỊNH
Về việc thành lập Tổ công tác

CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH SÓC TRĂNG

Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
"""
    assert doc_of(text).issuer == "Chủ tịch Ủy ban nhân dân tỉnh Sóc Trăng"


def test_title_in_capitals_may_open_like_a_sentence_and_stops_before_the_body():
    text = """ỦY BAN NHÂN DÂN
TỈNH BẠC LIÊU

Số: 17/KH-UBND

Bạc Liêu, ngày 20 tháng 1 năm 2022

KẾ HOẠCH
TRIỂN KHAI THỰC HIỆN CHƯƠNG TRÌNH CHUYỂN ĐỔI SỐ NĂM 2022

Chuyển đổi số là nhiệm vụ trọng tâm của các cấp, các ngành trong năm 2022.

I. MỤC ĐÍCH, YÊU CẦU
"""
    assert doc_of(text).title == "Triển khai thực hiện chương trình chuyển đổi số năm 2022"


@pytest.mark.parametrize("caps, readable", [
    ("KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH (CCHC) TỈNH QUẢNG NINH NĂM 2023",
     "Kế hoạch cải cách hành chính (CCHC) tỉnh Quảng Ninh năm 2023"),
    ("NÂNG CAO CHỈ SỐ PAR INDEX CỦA UBND TỈNH THEO NGHỊ QUYẾT 76/NQ-CP",
     "Nâng cao chỉ số PAR INDEX của UBND tỉnh theo nghị quyết 76/NQ-CP"),
    ("TĂNG CƯỜNG QUẢN LÝ CỦA SỞ Y TẾ VÀ SỞ XÂY DỰNG", "Tăng cường quản lý của Sở Y tế và Sở Xây dựng"),
    ("Kiểm tra công tác năm 2023", "Kiểm tra công tác năm 2023"),     # not in capitals: kept
])
def test_title_in_capitals_reads_in_sentence_case(caps, readable):
    assert sentence_case(caps) == readable


CENTRAL_RESOLUTION = """CHÍNH PHỦ
Số: 12/NQ-CP
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Hà Nội, ngày 03 tháng 02 năm 2023

NGHỊ QUYẾT
Về việc thí điểm một số cơ chế đặc thù

CHÍNH PHỦ

Xét Tờ trình số 45/TTr-UBND ngày 10 tháng 01 năm 2023 của Ủy ban nhân dân tỉnh,

QUYẾT NGHỊ:

Điều 1. Đồng ý chủ trương thí điểm.
"""


def test_central_document_signed_in_hanoi_does_not_belong_to_hanoi():
    doc = doc_of(CENTRAL_RESOLUTION)
    # the date line follows the motto with no blank line between them
    assert (doc.place, doc.issued_date) == ("Hà Nội", "2023-02-03")
    assert doc.province is None
    assert [c.issuer for c in doc.citations] == ["Ủy ban nhân dân tỉnh"]


def test_heading_and_lower_case_title_read_as_one_paragraph():
    doc = doc_of("TỈNH ỦY KHÁNH HÒA\n\nCHƯƠNG TRÌNH HÀNH ĐỘNG tiếp tục thực hiện Nghị quyết "
                 "Trung ương 5 (khóa X) về cải cách hành chính\n\nI. QUAN ĐIỂM\n\n"
                 "Quyết định này có hiệu lực.")
    assert (doc.doc_type, doc.title) == (
        "Chương trình hành động",
        "Tiếp tục thực hiện Nghị quyết Trung ương 5 (khóa X) về cải cách hành chính")


def test_a_sentence_about_a_document_in_capitals_is_not_a_heading():
    doc = doc_of("Điều 2.\n\nKẾ HOẠCH này có hiệu lực kể từ ngày ký.\n\nQUYẾT ĐỊNH số 5 được bãi bỏ.")
    assert doc.doc_type is None


def test_heading_glued_to_its_title_through_a_stray_ocr_character():
    doc = doc_of("THANH TRA TỈNH\n\nKẾ HOẠCHGCải cách hành chính năm 2021 của Thanh tra tỉnh\n\n"
                 "I. MỤC TIÊU")
    assert (doc.doc_type, doc.title) == ("Kế hoạch", "Cải cách hành chính năm 2021 của Thanh tra tỉnh")


def test_without_an_issuer_block_the_number_names_the_body():
    doc = doc_of("CÔNG BÁO/Số 329/Ngày 01-4-2020\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                 "Độc lập - Tự do - Hạnh phúc\n\nTHÔNG TƯ\nHướng dẫn quản lý lao động\n\n"
                 "Điều 1. Phạm vi điều chỉnh\n\nThông tư này hướng dẫn quản lý lao động.\n\n"
                 "Số: 09/2026/TT-BNV\n")
    assert (doc.number, doc.issuer) == ("09/2026/TT-BNV", "Bộ Nội vụ")


def test_a_local_number_without_a_known_province_names_no_body():
    doc = doc_of("KẾ HOẠCH\nCải cách hành chính năm 2023\n\nI. MỤC ĐÍCH\n\nSố: 15/KH-UBND\n")
    assert doc.issuer is None


def test_a_law_is_titled_by_the_name_in_its_heading():
    doc = doc_of("QUỐC HỘI\n\nLuật số: 41/2024/QH15\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                 "Độc lập - Tự do - Hạnh phúc\n\nLUẬT\nBẢO HIỂM XÃ HỘI\n\n"
                 "Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;\n")
    assert (doc.doc_type, doc.number, doc.title, doc.issuer) == (
        "Luật", "41/2024/QH15", "Bảo hiểm xã hội", "Quốc hội")


def test_a_law_without_a_date_line_is_dated_by_the_day_it_was_passed():
    doc = doc_of("QUỐC HỘI\n\nLuật số: 41/2024/QH15\n\nLUẬT\nBẢO HIỂM XÃ HỘI\n\n"
                 "Điều 1. Phạm vi điều chỉnh\n\nLuật này quy định về bảo hiểm xã hội.\n\n"
                 "Luật này được Quốc hội nước Cộng hòa xã hội chủ nghĩa Việt Nam khóa XV,\n"
                 "kỳ họp thứ 7 thông qua ngày 29 tháng 6 năm 2024.\n\nCHỦ TỊCH QUỐC HỘI\nTrần Thanh Mẫn\n")
    assert doc.issued_date == "2024-06-29"


@pytest.mark.parametrize("printed, name", [
    ("Đại tướng Lương Tam Quang", "Lương Tam Quang"),
    ("PGS.TS. Nguyễn Văn An", "Nguyễn Văn An"),
    ("THƯỢNG TÁ TRẦN VĂN BÌNH", "Trần Văn Bình"),
    ("[daky]\nHồ Đức Phớc", "Hồ Đức Phớc"),                # a copied text's signature mark
])
def test_a_rank_degree_or_signature_mark_before_the_signer_is_not_part_of_the_name(printed, name):
    doc = doc_of("BỘ CÔNG AN\n\nSố: 81/2025/TT-BCA\n\nTHÔNG TƯ\nQuy định về bảo hiểm y tế\n\n"
                 f"Điều 1. Phạm vi\n\nThông tư này quy định về bảo hiểm y tế.\n\nBỘ TRƯỞNG\n\n{printed}\n")
    assert doc.signer is not None and doc.signer.name == name
