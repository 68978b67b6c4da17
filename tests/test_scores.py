"""Index values and targets: tables and prose written in the styles of real plans, the
seeds of the bundled corpus, and robustness on random text."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors.document import read_documents
from extractors.scores import extract_scores, index_named
from ingest.base import ReadError
from ingest.normalize import build_layout
from ingest.text import read_text
from vanban.models import Score

SEEDS = Path(__file__).resolve().parent.parent / "corpus" / "seeds"
SUBJECT = "tỉnh Bình Định"


def layout_of(text: str):
    return build_layout(read_text(text.encode("utf-8")))


def scores_of(text: str, year: int | None = 2023) -> list[Score]:
    layout = layout_of(text)
    return extract_scores(layout, 0, len(layout.text), subject=SUBJECT, year=year)


def keys(scores: list[Score]) -> set[tuple]:
    return {(s.index, s.criterion, s.year, s.kind, s.value, s.unit, s.rank, s.bound) for s in scores}


SIPAS_TABLE = """PHỤ LỤC II
MỤC TIÊU NÂNG CAO CHỈ SỐ HÀI LÒNG VỀ SỰ PHỤC VỤ HÀNH CHÍNH NĂM 2023

TT\tTiêu chí\tKết quả SIPAS năm 2022\tMục tiêu SIPAS năm 2023\tTỷ lệ dự kiến tăng so với năm 2022\tĐơn vị chủ trì
\tCHỈ SỐ HÀI LÒNG CHUNG\t88,50\t>90,00\t>1,50\t
I\tTiếp cận dịch vụ\t89.12\t>95,00\t>5,88\tTrung tâm Phục vụ hành chính công tỉnh
1\tTrụ sở có biển hiệu rõ ràng\t90.2\t95.5\t5.3\t
"""


def test_sipas_table_actual_and_target_columns_lower_bounds_and_totals():
    assert keys(scores_of(SIPAS_TABLE)) == {
        ("SIPAS", None, 2022, "actual", 88.5, "%", None, None),
        ("SIPAS", None, 2023, "target", 90.0, "%", None, ">"),
        ("SIPAS", "Tiếp cận dịch vụ", 2022, "actual", 89.12, "%", None, None),
        ("SIPAS", "Tiếp cận dịch vụ", 2023, "target", 95.0, "%", None, ">"),
        ("SIPAS", "Trụ sở có biển hiệu rõ ràng", 2022, "actual", 90.2, "%", None, None),
        ("SIPAS", "Trụ sở có biển hiệu rõ ràng", 2023, "target", 95.5, "%", None, None),
    }
    assert all(s.subject == SUBJECT for s in scores_of(SIPAS_TABLE))


PAR_TABLE = """PHỤ LỤC I
MỤC TIÊU PHẤN ĐẤU NÂNG CAO CHỈ SỐ CẢI
CÁCH HÀNH CHÍNH CỦA TỈNH NĂM 2023

STT\tLĩnh vực/Tiêu chí/Tiêu chí thành phần\tĐiểm tối đa\tĐiểm năm 2022\tMục tiêu năm 2023\tTăng/giảm so với năm 2022\tCơ quan chủ trì tham mưu
1\tCÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH\t9\t8,5 (Xếp thứ 3/63 tỉnh, thành phố)\t9 (Xếp thứ 1/63 tỉnh, thành phố)\t+0,5\tSở Nội vụ
1.1\t1.1. Thực hiện kế hoạch cải cách hành chính\t1.5\t1.25\t1.5\t+0,25\tSở Nội vụ
1.2\tKiểm tra cải cách hành chính\t2\t-\t2\t\tSở Nội vụ
\tTỔNG ĐIỂM\t100\t87.35\t90.1\t2.75\t
"""


def test_par_table_ranks_repeated_numbers_maxima_and_total():
    assert keys(scores_of(PAR_TABLE)) == {
        ("PAR Index", "CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH", 2022, "actual", 8.5, "điểm", "3/63", None),
        ("PAR Index", "CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH", 2023, "target", 9.0, "điểm", "1/63", None),
        ("PAR Index", "Thực hiện kế hoạch cải cách hành chính", 2022, "actual", 1.25, "điểm", None, None),
        ("PAR Index", "Thực hiện kế hoạch cải cách hành chính", 2023, "target", 1.5, "điểm", None, None),
        ("PAR Index", "Kiểm tra cải cách hành chính", 2023, "target", 2.0, "điểm", None, None),
        ("PAR Index", None, 2022, "actual", 87.35, "điểm", None, None),
        ("PAR Index", None, 2023, "target", 90.1, "điểm", None, None),
    }


def test_prose_value_rank_and_increase():
    text = ("Theo đó, Chỉ số PAR Index năm 2022 của tỉnh đạt 89,25 điểm, xếp thứ 12/63 tỉnh, "
            "thành phố (tăng 1,2 điểm so với năm 2021); Chỉ số SIPAS đạt 86,73%, xếp thứ 20/63.")
    assert keys(scores_of(text)) == {
        ("PAR Index", None, 2022, "actual", 89.25, "điểm", "12/63", None),
        ("SIPAS", None, 2022, "actual", 86.73, "%", "20/63", None),
    }


def test_rank_after_the_change_and_targets_listed_after_the_cue():
    text = ("Năm 2022, Chỉ số PAPI của tỉnh đạt 43,5 điểm, tăng 1,2 điểm so với năm 2021, xếp thứ "
            "15/63 tỉnh, thành phố.\n\nPhấn đấu năm 2024 Chỉ số SIPAS đạt trên 85%; Chỉ số DDCI "
            "năm 2024 đạt 80 điểm.")
    assert keys(scores_of(text)) == {
        ("PAPI", None, 2022, "actual", 43.5, "điểm", "15/63", None),
        ("SIPAS", None, 2024, "target", 85.0, "%", None, ">"),
        ("DDCI", None, 2024, "target", 80.0, "điểm", None, None),
    }


def test_prose_targets_with_lower_bounds():
    text = """I. MỤC ĐÍCH, YÊU CẦU

- Phấn đấu năm 2024 Chỉ số PAPI của tỉnh đạt trên 45 điểm; Chỉ số PCI năm 2024 phấn đấu đạt 68,5 điểm.

- Đảm bảo mức độ hài lòng của người dân, tổ chức đạt trên 85% vào năm 2025.

- Chỉ số SIPAS năm 2023 phấn đấu tỷ lệ hài lòng đạt trên 90% (tăng trên 1,5% so với năm 2022).
"""
    assert keys(scores_of(text)) == {
        ("PAPI", None, 2024, "target", 45.0, "điểm", None, ">"),
        ("PCI", None, 2024, "target", 68.5, "điểm", None, None),
        ("Mức độ hài lòng", None, 2025, "target", 85.0, "%", None, ">"),
        ("SIPAS", None, 2023, "target", 90.0, "%", None, ">"),
    }


def test_a_department_index_is_the_local_index_with_its_own_subject():
    scores = scores_of("Chỉ số CCHC năm 2022 của Sở Nội vụ đạt 90,5 điểm, xếp thứ 2/19 sở, ngành.")
    assert [(s.index, s.subject, s.year, s.value, s.rank) for s in scores] == [
        ("Chỉ số CCHC", "Sở Nội vụ", 2022, 90.5, "2/19")]


@pytest.mark.parametrize("text", [
    "Tỷ lệ hồ sơ được giải quyết đúng hạn đạt 100%; 100% cán bộ được đào tạo.",
    "Tỷ lệ cán bộ, công chức được bố trí đúng vị trí việc làm đạt từ 80% trở lên.",
    "Nâng cao Chỉ số PAR Index, SIPAS của tỉnh trong năm 2023.",
    "Chỉ số PAR Index tăng 2,5 điểm so với năm 2022.",
])
def test_numbers_that_are_not_index_values(text):
    assert scores_of(text) == []


def test_a_task_table_with_a_plan_column_and_no_index_has_no_scores():
    text = ("STT\tNội dung\tKế hoạch năm 2023\tCơ quan chủ trì\n"
            "1\tĐào tạo cán bộ\t120\tSở Nội vụ\n")
    assert scores_of(text) == []


def test_index_names_and_aliases_are_data():
    assert index_named("Chỉ số hiệu quả quản trị và hành chính công cấp tỉnh").name == "PAPI"
    assert index_named("CHỈ SỐ CẢI CÁCH HÀNH CHÍNH (PAR INDEX)").name == "PAR Index"
    assert index_named("tỷ lệ hài lòng của Chỉ số SIPAS").name == "SIPAS"
    assert index_named("kế hoạch cải cách hành chính") is None


# ------------------------------------------------------------------ the seeds

SEED_COUNTS = {      # scores per file, checked against the annotated seeds
    "000_ea9611ac85938b17": 0,
    "001_4fd5dceadbfd37ff": 359,
    "002_7accc3f0e2db4ca0": 0,
    "003_03fdb80aa5ce1a85": 0,
    "004_318357a2e116ab37": 1,
}


@pytest.fixture(scope="module")
def seed_scores() -> dict[str, list[Score]]:
    out = {}
    for stem in SEED_COUNTS:
        layout = layout_of((SEEDS / f"{stem}.txt").read_text(encoding="utf-8"))
        scores: list[Score] = []
        for doc in read_documents(layout):
            subject = f"tỉnh {doc.province}" if doc.province else None
            year = int(doc.issued_date[:4]) if doc.issued_date else None
            scores += extract_scores(layout, doc.extent.start, doc.extent.end, subject=subject, year=year)
        out[stem] = scores
    return out


@pytest.mark.parametrize("stem", sorted(SEED_COUNTS))
def test_seed_score_counts(seed_scores, stem):
    assert len(seed_scores[stem]) == SEED_COUNTS[stem]


def test_seed_001_headline_values(seed_scores):
    got = keys(seed_scores["001_4fd5dceadbfd37ff"])
    assert ("PAR Index", None, 2021, "actual", 91.14, "điểm", "2/63", None) in got
    assert ("PAR Index", None, 2022, "target", 93.157, "điểm", None, None) in got
    assert ("SIPAS", None, 2022, "target", 94.5, "%", None, ">") in got
    assert all(s.subject == "tỉnh Quảng Ninh" for s in seed_scores["001_4fd5dceadbfd37ff"])


def test_seed_004_satisfaction_target(seed_scores):
    (score,) = seed_scores["004_318357a2e116ab37"]
    assert (score.index, score.year, score.value, score.unit, score.kind, score.bound) == \
        ("Mức độ hài lòng", 2020, 80.0, "%", "target", ">")


# ------------------------------------------------------------------ robustness

_TEXT = st.text(alphabet=st.sampled_from(list("aăâđêôơưàáạếệốờủỹ0123456789 .,;:%>()/\t\n-")), max_size=400)
_PHRASES = st.sampled_from([
    "Chỉ số PAR Index", "SIPAS", " đạt ", " điểm", "%", "xếp thứ 2/63", "năm 2022", " phấn đấu ",
    "STT\tTiêu chí\tĐiểm năm 2021\tMục tiêu năm 2022\n", "\t>95,00", "TỔNG ĐIỂM", "tăng ", "91,14",
])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_TEXT, _PHRASES), max_size=30))
def test_never_raises_and_returns_well_formed_scores(parts):
    try:
        layout = layout_of("".join(parts))
    except ReadError:
        return
    for s in extract_scores(layout, 0, len(layout.text), subject=SUBJECT, year=2022):
        assert s.index and isinstance(s.value, float) and s.value >= 0
        assert s.unit in ("điểm", "%") and s.kind in ("actual", "target")
        assert s.bound in (None, ">", ">=")
        assert s.year is None or 1900 <= s.year < 2100
        assert s.span is not None and 0 <= s.span.start <= s.span.end <= len(layout.text)
