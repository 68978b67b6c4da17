"""extractors.dates: dates, periods, deadlines. Sentences here are written for the tests
(no corpus text), each case asserting the exact value the grammar must give."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.dates import (RECURRENCES, DateMatch, find_dates, find_deadline,
                              is_valid_date, last_day_of_month, parse_date, parse_deadline,
                              period_end)
from vanban.models import Span

ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


# ------------------------------------------------------------------ calendar helpers

@pytest.mark.parametrize("args, expected", [
    ((2022,), "2022-12-31"),
    ((2022, 2), "2022-02-28"),
    ((2024, 2), "2024-02-29"),
    ((2022, 4), "2022-04-30"),
    ((2022, None, 1), "2022-03-31"),
    ((2022, None, 3), "2022-09-30"),
    ((2022, None, 4), "2022-12-31"),
    ((2022, None, None, 1), "2022-06-30"),
    ((2022, None, None, 2), "2022-12-31"),
])
def test_period_end(args, expected):
    assert period_end(*args) == expected


@pytest.mark.parametrize("kwargs", [{"quarter": 5}, {"half": 3}, {"month": 13},
                                    {"month": 1, "quarter": 1}])
def test_period_end_rejects_impossible_periods(kwargs):
    with pytest.raises(ValueError):
        period_end(2022, **kwargs)


@pytest.mark.parametrize("year, month, day", [(2023, 2, 28), (2024, 2, 29), (2022, 11, 30),
                                              (2022, 12, 31)])
def test_last_day_of_month(year, month, day):
    assert last_day_of_month(year, month) == day


@pytest.mark.parametrize("iso, valid", [("2022-08-24", True), ("2024-02-29", True),
                                        ("2023-02-29", False), ("2022-04-31", False),
                                        ("24/8/2022", False), ("", False)])
def test_is_valid_date(iso, valid):
    assert is_valid_date(iso) is valid


# ------------------------------------------------------------------ dates

@pytest.mark.parametrize("text, iso", [
    ("24/8/2022", "2022-08-24"),
    ("06/5/2022", "2022-05-06"),
    ("05/4/17", "2017-04-05"),                       # two-digit year
    ("01-10-1997", "1997-10-01"),                    # Party style
    ("24.8.2022", "2022-08-24"),                     # dotted
    ("06 / 7 /2005", "2005-07-06"),                  # spaced by OCR
    ("29 /01 /2021", "2021-01-29"),
    ("ngày *29* / *01* /2021", "2021-01-29"),        # markdown stars around parts
    ("ngày 24 tháng 8 năm 2022", "2022-08-24"),      # long form
    ("24 tháng 8 năm 2022", "2022-08-24"),           # without "ngày"
    ("ngày 05 tháng 01 năm 2020", "2020-01-05"),
    ("ngày 24  tháng 8\nnăm 2022", "2022-08-24"),    # multiple spaces, line break
    ("ngay 24 thang 8 nam 2022", "2022-08-24"),      # OCR lost the tones
    ("NGÀY 3 THÁNG 9 NĂM 2019", "2019-09-03"),
    ("29/02/2023", "2023-02-29"),                    # impossible, kept as printed
    ("31/04/2022", "2022-04-31"),
    ("Ngày: 05/4/17.....", "2017-04-05"),
])
def test_parse_date(text, iso):
    assert parse_date(text) == iso


def test_parse_date_two_digit_year_in_another_century():
    assert parse_date("05/4/97", default_century=1900) == "1997-04-05"


@pytest.mark.parametrize("text", [
    "xếp thứ 2/63 tỉnh",            # rank / fraction
    "6/6 phòng trực thuộc",
    "mục 1.3.1",                    # row numbers
    "7.1.10",
    "Nghị định số 61/2018/NĐ-CP",   # document numbers
    "Nghị quyết số 05-NQ/TU",
    "Thông tư số 02/2017/TT-VPCP",
    "trước ngày 15/8",              # no year: not a date (a deadline may still read it)
    "tháng 8/2022",                 # month-year: a period, not a date
    "điện thoại 0258.3822.123",
    "phiên bản 1.2.2020",           # version numbers
    "v1.2.2020",
    "32/1/2022",                    # day > 31
    "12/13/2022",                   # month > 12
    "1.3.20",                       # dotted/dashed two-digit years are item numbers
    "1-3-20",
    "",
])
def test_not_dates(text):
    assert find_dates(text) == []
    assert parse_date(text) is None


def test_find_dates_positions_and_surfaces():
    text = "Quảng Ninh, ngày 24 tháng 8 năm 2022; thay Kế hoạch ngày 06/5/2022."
    assert find_dates(text) == [
        DateMatch(12, 36, "2022-08-24", "ngày 24 tháng 8 năm 2022"),
        DateMatch(57, 66, "2022-05-06", "06/5/2022"),
    ]


def test_find_dates_numeric_date_starts_at_its_first_digit():
    text = "Quyết định số 11 /QĐ-TTT ngày 29 /01 /2021"
    assert find_dates(text) == [DateMatch(30, 42, "2021-01-29", "29 /01 /2021")]


def test_find_dates_inside_a_document_number_reference():
    text = "Quyết định số 3595/QĐ-UBND ngày 31/12/2020 và Nghị định số 61/2018/NĐ-CP"
    assert [d.iso for d in find_dates(text)] == ["2020-12-31"]


# ------------------------------------------------------------------ parse_deadline: days

@pytest.mark.parametrize("text, due", [
    ("trước ngày 15/8/2022", "2022-08-15"),      # "trước ngày X" gives X
    ("Trước 31/01/2021", "2021-01-31"),
    ("chậm nhất ngày 30/9/2022", "2022-09-30"),
    ("chậm nhất là ngày 30 tháng 9 năm 2022", "2022-09-30"),
    ("hoàn thành trước 30/9/2022", "2022-09-30"),
    ("đến ngày 31/12/2022", "2022-12-31"),
    ("truoc ngay 15/8/2022", "2022-08-15"),      # OCR lost the tones
    ("Trước ngày *15* / *8* /2022", "2022-08-15"),
    ("trước ngày 29/02/2023", "2023-02-29"),     # impossible, as printed
])
def test_parse_deadline_days(text, due):
    deadline = parse_deadline(text)
    assert (deadline.text, deadline.due, deadline.recurrence) == (text, due, None)


# ------------------------------------------------------------------ parse_deadline: periods

@pytest.mark.parametrize("text, due", [
    ("quý III/2022", "2022-09-30"),
    ("Quý 3 năm 2022", "2022-09-30"),
    ("Quí I năm 2016", "2016-03-31"),
    ("Quý IV/2023", "2023-12-31"),
    ("Quy III/2022", "2022-09-30"),               # OCR: no tone
    ("Quý Ill/2022", "2022-09-30"),               # OCR: I read as l
    ("hoàn thành trong quý II năm 2021", "2021-06-30"),
    ("quý III - IV/2022", "2022-12-31"),          # a range: its last quarter
    ("Quí I, II năm 2016", "2016-06-30"),          # a list: its last quarter
    ("Quý I và quý II/2023", "2023-06-30"),
    ("6 tháng đầu năm 2022", "2022-06-30"),
    ("9 tháng năm 2022", "2022-09-30"),
    ("6 tháng cuối năm 2022", "2022-12-31"),
    ("trong tháng 8/2022", "2022-08-31"),
    ("tháng 10/2021", "2021-10-31"),
    ("ngay trong tháng 8/2022", "2022-08-31"),
    ("trong tháng 01/2021", "2021-01-31"),
    ("trong tháng 02/2024", "2024-02-29"),
    ("trong tháng 9 năm 2022", "2022-09-30"),
    ("thang 8/2022", "2022-08-31"),
    ("tháng 10 - 11/2021", "2021-11-30"),
    ("trong năm 2021", "2021-12-31"),
    ("Năm 2021", "2021-12-31"),
    ("đến năm 2020", "2020-12-31"),
    ("cuối năm 2022", "2022-12-31"),
    ("nam 2021", "2021-12-31"),
    ("năm 2022 - 2023", "2023-12-31"),
    ("giai đoạn 2021-2025", "2025-12-31"),
    ("giai đoạn 2021 - 2025", "2025-12-31"),
])
def test_parse_deadline_periods(text, due):
    assert parse_deadline(text).due == due


@pytest.mark.parametrize("text, due", [
    ("Ban hành KH kiểm tra trong tháng 10/2021 - Kiểm tra trong tháng 11/2021", "2021-11-30"),
    ("Trước 01/3/2021; Thực hiện theo thời gian quy định", "2021-03-01"),
    ("Trước 30/12/2020; Trước 31/01/2021; Trước 15/12/2021", "2021-12-15"),
    ("Không quá 30 ngày kể từ ngày kế hoạch được ban hành; Năm 2021", "2021-12-31"),
    ("từ ngày 01/6/2022 đến ngày 30/9/2022", "2022-09-30"),
    ("quý II/2022 và quý I/2023", "2023-03-31"),
])
def test_parse_deadline_several_gives_the_latest(text, due):
    assert parse_deadline(text).due == due


# ------------------------------------------------------------------ parse_deadline: without year

@pytest.mark.parametrize("text, due", [
    ("trước ngày 15/8", "2022-08-15"),
    ("6 tháng đầu năm", "2022-06-30"),
    ("09 tháng đầu năm", "2022-09-30"),
    ("9 tháng", "2022-09-30"),
    ("6 tháng cuối năm", "2022-12-31"),
    ("trong quý IV", "2022-12-31"),
    ("trong tháng 11", "2022-11-30"),
    ("cuối năm", "2022-12-31"),
    ("trong năm nay", "2022-12-31"),
    ("quý I năm sau", "2023-03-31"),
    ("tháng 12 năm trước", "2021-12-31"),
])
def test_parse_deadline_without_year_takes_the_issue_year(text, due):
    assert parse_deadline(text, issued="2022-07-15").due == due
    assert parse_deadline(text).due is None


def test_a_printed_year_wins_over_the_issue_year():
    assert parse_deadline("trước ngày 15/8/2021", issued="2022-07-15").due == "2021-08-15"


@pytest.mark.parametrize("text, due", [
    ("trong tháng 11 và tháng 12/2021", "2021-12-31"),
    ("từ tháng 10 đến tháng 11/2021", "2021-11-30"),
    ("quý IV và quý I/2022", "2022-03-31"),       # listed in order: quý IV is of 2021
])
def test_a_part_without_year_takes_the_next_printed_year(text, due):
    assert parse_deadline(text, issued="2023-07-15").due == due


# ------------------------------------------------------------------ parse_deadline: recurring

@pytest.mark.parametrize("text, recurrence", [
    ("hằng năm", "yearly"),
    ("hàng năm", "yearly"),
    ("Hàng năm", "yearly"),
    ("mỗi năm", "yearly"),
    ("định kỳ hằng tháng", "monthly"),
    ("hàng tháng", "monthly"),
    ("Thực hiện hàng tháng", "monthly"),
    ("hàng quý", "quarterly"),
    ("hằng quý", "quarterly"),
    ("hằng tuần", "weekly"),
    ("hàng ngày", "daily"),
    ("6 tháng một lần", "half-yearly"),
    ("06 tháng/lần", "half-yearly"),
    ("3 tháng một lần", "quarterly"),
    ("định kỳ 6 tháng", "half-yearly"),
    ("ít nhất 01 lần/năm", "yearly"),
    ("02 lần/năm", "half-yearly"),
    ("thường xuyên", "continuous"),
    ("Thường xuyên, định kỳ", "continuous"),
    ("trong tháng 12 hàng năm", "yearly"),
    ("trước ngày 16 hàng tháng", "monthly"),
    ("Định kỳ trước ngày 16 hàng tháng", "monthly"),
    ("trước 15/12 hàng năm", "yearly"),
    ("Trước ngày 10 của tháng cuối quý", "quarterly"),
    ("hang thang", "monthly"),                       # OCR lost the tones
    ("Thực hiện theo quy định; Thực hiện hàng tháng", "monthly"),
])
def test_parse_deadline_recurring(text, recurrence):
    deadline = parse_deadline(text, issued="2022-07-15")
    assert (deadline.due, deadline.recurrence) == (None, recurrence)


def test_a_recurring_deadline_with_a_dated_end_keeps_both():
    deadline = parse_deadline("hàng quý, kết thúc trong năm 2022")
    assert (deadline.due, deadline.recurrence) == ("2022-12-31", "quarterly")


# ------------------------------------------------------------------ parse_deadline: neither

@pytest.mark.parametrize("text", [
    "trước 05 ngày khi Đoàn kiểm tra làm việc",
    "trong thời hạn 05 ngày làm việc kể từ ngày ký quyết định",
    "trong thời hạn 30 ngày kể từ ngày 01/3/2021",     # counted from a date: not a due day
    "Không quá 30 ngày kể từ ngày kế hoạch của tỉnh được ban hành",
    "chậm nhất là 05 ngày làm việc kể từ ngày dữ liệu được đăng tải",
    "Sau các đợt kiểm tra",
    "sau khi Kế hoạch được phê duyệt",
    "theo quy định",
    "Theo kế hoạch",
    "Theo quy định của Thông tư số 02/2017/TT-VPCP",
    "theo đúng thời hạn quy định tại Công văn số 1971-CV/TU, ngày 31/12/2021",
    "định kỳ",                                         # a period nobody printed
    "từ tháng 8/2022",                                 # a start, not an end
    "tính đến 31/3/2022",                              # an as-of date
    "",
])
def test_parse_deadline_relative_or_conditional(text):
    deadline = parse_deadline(text, issued="2022-07-15")
    assert (deadline.text, deadline.due, deadline.recurrence) == (text, None, None)


def test_parse_deadline_trims_the_text():
    assert parse_deadline("  Quý I/2021 \n").text == "Quý I/2021"


def test_parse_deadline_goal_year_is_not_the_end():
    assert parse_deadline("giai đoạn 2021 - 2025, định hướng đến năm 2030").due == "2025-12-31"


# ------------------------------------------------------------------ find_deadline

def _found(sentence: str, **kwargs) -> tuple | None:
    deadline = find_deadline(sentence, **kwargs)
    if deadline is None:
        return None
    span = deadline.span
    return deadline.text, deadline.due, deadline.recurrence, sentence[span.start:span.end]


@pytest.mark.parametrize("sentence, expected", [
    ("Sở Tài chính chủ trì, phối hợp các sở liên quan hoàn thành trong quý II/2023.",
     ("trong quý II/2023", "2023-06-30", None, "trong quý II/2023")),
    ("Các huyện gửi báo cáo về Sở Nội vụ trước ngày 20/10/2023; đồng thời cập nhật phần mềm.",
     ("trước ngày 20/10/2023", "2023-10-20", None, "trước ngày 20/10/2023")),
    ("Các sở gửi báo cáo về Sở Nội vụ **trước ngày 05/11/2021**; đồng thời tổ chức tự kiểm tra.",
     ("trước ngày 05/11/2021", "2021-11-05", None, "trước ngày 05/11/2021")),
    ("- Thường xuyên, định kỳ tổ chức đối thoại với doanh nghiệp.",
     ("Thường xuyên, định kỳ", None, "continuous", "Thường xuyên, định kỳ")),
    ("Sở Tư pháp rà soát các văn bản chưa phù hợp, thời gian ngay trong tháng 9/2023.",
     ("ngay trong tháng 9/2023", "2023-09-30", None, "ngay trong tháng 9/2023")),
    ("Sở Tư pháp rà soát các văn bản, thời gian\nngay trong tháng 9/2023.",
     ("ngay trong tháng 9/2023", "2023-09-30", None, "ngay trong tháng 9/2023")),
    ("Văn phòng tham mưu ban hành quy chế, thời gian thực hiện: Quý IV/2022.",
     ("Quý IV/2022", "2022-12-31", None, "Quý IV/2022")),
    ("Năm 2024, các huyện hoàn thành số hóa hồ sơ hộ tịch.",
     ("Năm 2024", "2024-12-31", None, "Năm 2024")),
    ("Các sở thường xuyên rà soát, cập nhật thủ tục hành chính.",
     ("thường xuyên", None, "continuous", "thường xuyên")),
    ("Định kỳ hàng quý tổng hợp kết quả, báo cáo UBND huyện.",
     ("Định kỳ hàng quý", None, "quarterly", "Định kỳ hàng quý")),
    ("Định kỳ trước ngày 20 hàng tháng tổng hợp kết quả giải quyết hồ sơ.",
     ("Định kỳ trước ngày 20 hàng tháng", None, "monthly", "Định kỳ trước ngày 20 hàng tháng")),
    ("Định kỳ báo cáo kết quả về Thường trực Huyện ủy trong tháng 11 hàng năm theo quy định.",
     ("trong tháng 11 hàng năm", None, "yearly", "trong tháng 11 hàng năm")),
    ("Tổ chức đối thoại với doanh nghiệp ít nhất 02 lần/năm.",
     ("02 lần/năm", None, "half-yearly", "02 lần/năm")),
    ("Các phòng gửi tài liệu về Văn phòng **trước 03 ngày** khi Đoàn giám sát làm việc.",
     ("trước 03 ngày khi Đoàn giám sát làm việc", None, None,
      "trước 03 ngày** khi Đoàn giám sát làm việc")),
    ("Sau mỗi đợt giám sát, Đoàn báo cáo kết quả cho Thường trực Tỉnh ủy.",
     ("Sau mỗi đợt giám sát", None, None, "Sau mỗi đợt giám sát")),
    ("Cập nhật dữ liệu lên hệ thống (chậm nhất là trong thời hạn 03\nngày làm việc kể từ ngày ký).",
     ("chậm nhất là trong thời hạn 03 ngày làm việc kể từ ngày ký", None, None,
      "chậm nhất là trong thời hạn 03\nngày làm việc kể từ ngày ký")),
    ("Đổi mới cơ chế tài chính theo lộ trình đến năm 2025 phải tự bảo đảm chi đầu tư.",
     ("đến năm 2025", "2025-12-31", None, "đến năm 2025")),
    ("Ban hành kế hoạch trong tháng 3/2022, tổ chức kiểm tra trong quý III/2022.",
     ("trong quý III/2022", "2022-09-30", None, "trong quý III/2022")),
    ("Hoàn thành việc sáp nhập trước ngày 15/8 theo chỉ đạo của tỉnh.",
     ("trước ngày 15/8", "2023-08-15", None, "trước ngày 15/8")),
    ("Hoàn thành trong 6 tháng đầu năm 2023.",
     ("trong 6 tháng đầu năm 2023", "2023-06-30", None, "trong 6 tháng đầu năm 2023")),
    ("Thời hạn: 30/6/2023.",
     ("30/6/2023", "2023-06-30", None, "30/6/2023")),
    ("Thường xuyên theo dõi; báo cáo kết quả trước ngày 31/12/2022.",
     ("trước ngày 31/12/2022", "2022-12-31", None, "trước ngày 31/12/2022")),
    ("Kiểm tra trong tháng 8 và tháng 9/2022 tại các xã.",          # coordinated after the word
     ("trong tháng 8 và tháng 9/2022", "2022-09-30", None, "trong tháng 8 và tháng 9/2022")),
    ("Lập báo cáo năm 2022 trước ngày 15/3/2023.",                  # not back over a report name
     ("trước ngày 15/3/2023", "2023-03-15", None, "trước ngày 15/3/2023")),
    ("Nộp hồ sơ trước ngày 15/8/2022, năm 2023 tiếp tục mở rộng.",  # a new clause is not joined
     ("trước ngày 15/8/2022", "2022-08-15", None, "trước ngày 15/8/2022")),
    ("HOÀN THÀNH TRƯỚC NGÀY 30/4/2022.",
     ("TRƯỚC NGÀY 30/4/2022", "2022-04-30", None, "TRƯỚC NGÀY 30/4/2022")),
    ("hoan thanh truoc ngay 30/4/2022",                          # OCR lost the tones
     ("truoc ngay 30/4/2022", "2022-04-30", None, "truoc ngay 30/4/2022")),
])
def test_find_deadline(sentence, expected):
    assert _found(sentence, issued="2023-02-10") == expected


@pytest.mark.parametrize("sentence", [
    # a cited document's date or year
    "Triển khai hiệu quả Kế hoạch số 12/KH-UBND ngày 15/02/2023 của UBND tỉnh.",
    "Thực hiện Nghị quyết số 08-NQ/TU, ngày 20/5/2021 của Ban Thường vụ Tỉnh ủy.",
    "Thực hiện đúng quy định tại Luật Thanh tra năm 2022 và Nghị định số 43/NĐ-CP năm 2023.",
    # a goal in a title
    "Triển khai Chương trình chuyển đổi số giai đoạn 2021 - 2025, định hướng đến năm 2030.",
    "Quán triệt Nghị quyết số 09-NQ/TU của Tỉnh ủy về phát triển du lịch đến năm 2025.",
    # a period that names a report, a comparison, an as-of date, a start
    "Lồng ghép vào báo cáo 09 tháng, báo cáo năm 2023 theo nhiệm vụ được giao.",
    "Tỷ lệ giảm biên chế so với năm 2015.",
    "Tổng hợp số liệu tính đến 31/3/2023 của các cơ quan.",
    "Áp dụng từ năm 2023 đối với các xã.",
    # recurrence words that qualify a noun, mid-clause
    "Thực hiện nghiêm chế độ báo cáo định kỳ, báo cáo năm và báo cáo đột xuất.",
    "Gắn kết quả cải cách hành chính với công tác thi đua, khen thưởng hàng năm.",
    "Bảo đảm tự chủ chi thường xuyên từ nguồn thu sự nghiệp.",
    # a bare day-month or fraction, a sequence inside a clause, a cap on frequency
    "Có 6/6 phòng hoàn thành nhiệm vụ.",
    "Rà soát hồ sơ trước khi trình ký theo quy định.",
    "Bảo đảm kiểm tra không quá 01 lần trong năm đối với mỗi doanh nghiệp.",
    "Tổ chức thực hiện theo quy định.",
    "",
])
def test_find_deadline_none(sentence):
    assert find_deadline(sentence, issued="2023-02-10") is None


def test_find_deadline_ignores_the_callers_citation_spans():
    sentence = "Thực hiện trong năm 2023 các nội dung của Chương trình hành động đến năm 2025"
    citation = sentence.index("Chương trình")
    assert find_deadline(sentence).due == "2025-12-31"        # unaware, the later year wins
    for span in (Span(citation, len(sentence)), (citation, len(sentence))):
        found = find_deadline(sentence, ignore=[span])
        assert (found.text, found.due) == ("trong năm 2023", "2023-12-31")


def test_find_deadline_resumes_after_a_cited_title():
    sentence = "Triển khai Kế hoạch số 15/KH-UBND về chuyển đổi số, hoàn thành trong năm 2023."
    assert _found(sentence) == ("trong năm 2023", "2023-12-31", None, "trong năm 2023")


def test_find_deadline_citation_date_next_to_a_deadline():
    sentence = ("Báo cáo kết quả thực hiện Quyết định số 101/QĐ-UBND ngày 10/01/2023 "
                "gửi Sở Nội vụ trước ngày 15/6/2023.")
    assert _found(sentence) == ("trước ngày 15/6/2023", "2023-06-15", None, "trước ngày 15/6/2023")


def test_find_deadline_span_is_page_one():
    deadline = find_deadline("Hoàn thành trong năm 2023.")
    assert deadline.span == Span(11, 25, 1)


# ------------------------------------------------------------------ robustness

_WORDS = ["ngày", "ngay", "tháng", "thang", "năm", "nam", "quý", "Quy", "Quí", "trước", "truoc",
          "trong", "đến", "chậm nhất", "là", "hàng", "hằng", "mỗi", "định kỳ", "thường xuyên",
          "lần", "một", "đầu", "cuối", "giai đoạn", "kể từ", "khi", "sau", "các", "theo",
          "thời hạn", "số", "về", "NĐ-CP", "KH/UBND", "05-NQ/TU", "III", "IV", "I", "Ill",
          "15/8", "15/8/2022", "29/02/2023", "8/2022", "2021", "2022-2023", "6", "9", "12",
          "05", "31", "99", "2/63", "1.3.1", "24.8.2022", "01-10-1997", "05/4/17",
          "/", "-", ".", ",", ";", ":", "(", ")", "*", "**", "\t", "\n", " ", "  "]
_MANGLED = st.lists(st.sampled_from(_WORDS), max_size=40).map(" ".join)
_ANY_TEXT = st.one_of(_MANGLED, st.text(max_size=200),
                      st.text(alphabet="0123456789/.-* ngàyáthquýIVl\n", max_size=80))


@settings(max_examples=400, deadline=None)
@given(_ANY_TEXT, st.sampled_from([None, "2022-07-15", "garbage"]))
def test_never_raises_and_results_are_well_formed(text, issued):
    for match in find_dates(text):
        assert 0 <= match.start < match.end <= len(text)
        assert text[match.start:match.end] == match.surface
        assert ISO.fullmatch(match.iso)
    parsed = parse_deadline(text, issued=issued)
    assert parsed.due is None or ISO.fullmatch(parsed.due)
    assert parsed.recurrence is None or parsed.recurrence in RECURRENCES
    found = find_deadline(text, issued=issued)
    if found is not None:
        start, end = found.span.start, found.span.end
        assert 0 <= start < end <= len(text)
        assert found.text == " ".join(text[start:end].replace("*", " ").split())
        assert found.text
        assert found.due is None or ISO.fullmatch(found.due)
