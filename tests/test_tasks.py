"""Tasks: each shape on short documents written in the styles of real plans, every seed
of the bundled corpus, and robustness on random text."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors.document import read_documents
from extractors.tasks import extract_tasks, parse_assignment, parse_responsible
from ingest.base import ReadError
from ingest.normalize import build_layout
from ingest.text import read_text
from vanban.models import Task

SEEDS = Path(__file__).resolve().parent.parent / "corpus" / "seeds"


def layout_of(text: str):
    return build_layout(read_text(text.encode("utf-8")))


def tasks_of(text: str, issued: str | None = "2023-03-15") -> list[Task]:
    layout = layout_of(text)
    return extract_tasks(layout, 0, len(layout.text), issued=issued)


def by_text(tasks: list[Task], start: str) -> Task:
    found = [t for t in tasks if t.text.startswith(start)]
    assert len(found) == 1, [t.text for t in tasks]
    return found[0]


# ------------------------------------------------------------------ shape 1: section pattern

SECTION_PLAN = """KẾ HOẠCH
Cải thiện Chỉ số cải cách hành chính tỉnh năm 2023

I. MỤC ĐÍCH, YÊU CẦU

1. Mục đích

- Nâng cao trách nhiệm của các cơ quan, đơn vị trong cải cách hành chính.

2. Yêu cầu

- Các sở, ngành phải phối hợp chặt chẽ trong triển khai Kế hoạch.

II. NỘI DUNG VÀ TRÁCH NHIỆM THỰC HIỆN

1. Công tác chỉ đạo điều hành

a) Nội dung triển khai

- Triển khai kế hoạch cải cách hành chính năm 2023 và thực hiện chế độ báo cáo định kỳ theo quy định.

- Thường xuyên rà soát các nhiệm vụ được Thủ tướng Chính phủ giao để thực hiện kịp thời.

- Sở Tư pháp khẩn trương rà soát văn bản quy phạm pháp luật, hoàn thành trước ngày 30/6/2023.

b) Trách nhiệm thực hiện

- Đơn vị chủ trì: Sở Nội vụ.

* Riêng việc rà soát các nhiệm vụ được Thủ tướng Chính phủ giao do Văn phòng UBND tỉnh chủ trì.

- Đơn vị phối hợp: Các sở, ban, ngành; UBND cấp huyện, cấp xã.

2. Hiện đại hóa hành chính

a) Nội dung triển khai

- Nâng cấp Cổng dịch vụ công của tỉnh. Giao Trung tâm Phục vụ hành chính công tỉnh phối hợp với Sở Nội vụ hướng dẫn người dân nộp hồ sơ trực tuyến trong Quý III/2023.

b) Trách nhiệm thực hiện

- Đơn vị chủ trì: Sở Thông tin và Truyền thông.

- Đơn vị phối hợp: Văn phòng UBND tỉnh.
"""


def test_section_pattern_bullets_take_the_responsibility_lines():
    tasks = tasks_of(SECTION_PLAN)
    assert len(tasks) == 5
    first = by_text(tasks, "Triển khai kế hoạch cải cách hành chính năm 2023")
    assert first.ref == "II.1"
    assert first.lead == "Sở Nội vụ"
    assert first.support == ["Các sở, ban, ngành", "Ủy ban nhân dân cấp huyện", "Ủy ban nhân dân cấp xã"]
    assert first.deadline is None


def test_riêng_việc_line_hands_the_matching_bullet_to_its_body():
    task = by_text(tasks_of(SECTION_PLAN), "Thường xuyên rà soát các nhiệm vụ")
    assert task.lead == "Văn phòng Ủy ban nhân dân tỉnh"
    assert task.deadline is not None and task.deadline.recurrence == "continuous"


def test_bullet_naming_one_body_takes_it_and_its_deadline():
    task = by_text(tasks_of(SECTION_PLAN), "Sở Tư pháp khẩn trương")
    assert task.lead == "Sở Tư pháp"
    assert task.deadline is not None and task.deadline.due == "2023-06-30"
    assert task.deadline.text == "trước ngày 30/6/2023"


def test_giao_sentence_inside_a_bullet_is_a_task_of_its_own():
    tasks = tasks_of(SECTION_PLAN)
    upgrade = by_text(tasks, "Nâng cấp Cổng dịch vụ công")
    assert upgrade.lead == "Sở Thông tin và Truyền thông"
    assert upgrade.support == ["Văn phòng Ủy ban nhân dân tỉnh"]
    guide = by_text(tasks, "Giao Trung tâm Phục vụ hành chính công tỉnh")
    assert guide.lead == "Trung tâm Phục vụ hành chính công tỉnh"
    assert guide.support == ["Sở Nội vụ"]
    assert guide.deadline is not None and guide.deadline.due == "2023-09-30"


def test_objectives_are_not_tasks():
    texts = [t.text for t in tasks_of(SECTION_PLAN)]
    assert not any("Nâng cao trách nhiệm" in t or "phối hợp chặt chẽ" in t for t in texts)


def test_numbered_items_with_responsibility_lines():
    text = """II. NHIỆM VỤ CỤ THỂ

1. Rà soát, hệ thống hóa văn bản quy phạm pháp luật của tỉnh

- Cơ quan chủ trì: Sở Tư pháp.

- Cơ quan phối hợp: Các sở, ban, ngành.

- Thời gian hoàn thành: Quý II/2023.

2. Xây dựng Đề án vị trí việc làm

- Cơ quan chủ trì: Sở Nội vụ.

- Thời gian hoàn thành: Tháng 10/2023.
"""
    tasks = tasks_of(text)
    assert [(t.ref, t.lead, t.deadline.due if t.deadline else None) for t in tasks] == [
        ("II.1", "Sở Tư pháp", "2023-06-30"), ("II.2", "Sở Nội vụ", "2023-10-31")]
    assert tasks[0].support == ["Các sở, ban, ngành"]


def test_responsibility_lines_lettered_under_an_item():
    text = """II. NHIỆM VỤ

2. Tổ chức rà soát các văn bản quy phạm pháp luật về chính quyền địa phương

a) Nội dung triển khai

- Các sở, ban, ngành có trách nhiệm rà soát các văn bản quy phạm pháp luật liên quan.

b) Đơn vị chủ trì thực hiện: Sở Tư pháp, phối hợp với các cơ quan liên quan.

c) Thời gian hoàn thành: Quí I năm 2016.
"""
    tasks = tasks_of(text)
    assert [(t.ref, t.lead, t.deadline.due if t.deadline else None) for t in tasks] == [
        ("II.2", "Sở Tư pháp", "2016-03-31")]


# ------------------------------------------------------------------ shape 2: Tổ chức thực hiện

ORGANISATION = """III. TỔ CHỨC THỰC HIỆN

1. Giao Ban cán sự đảng UBND tỉnh

- Phối hợp với Ủy ban Kiểm tra Tỉnh ủy tham mưu thành lập Đoàn giám sát.

- Tổng hợp, báo cáo kết quả giám sát cho Ban Thường vụ Tỉnh ủy.

2. Sở Tài chính chủ trì, phối hợp với Sở Nội vụ tham mưu bố trí kinh phí thực hiện Kế hoạch, hoàn thành trước ngày 15/9/2023.

3. Các sở, ban, ngành, UBND các huyện, thị xã, thành phố định kỳ báo cáo kết quả thực hiện về Sở Nội vụ trước ngày 15 tháng 12 hằng năm.

4. Tăng cường kiểm tra việc thực hiện kế hoạch cải cách hành chính tại các cơ quan, đơn vị.

Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các cơ quan, đơn vị phản ánh về Sở Nội vụ để tổng hợp, báo cáo UBND tỉnh./.

Nơi nhận:

- Như trên;

- Lưu: VT, NC.
"""


def test_heading_names_the_body_of_its_bullets():
    tasks = tasks_of(ORGANISATION)
    first = by_text(tasks, "Phối hợp với Ủy ban Kiểm tra Tỉnh ủy")
    assert first.ref == "III.1"
    assert first.lead == "Ban cán sự đảng Ủy ban nhân dân tỉnh"
    assert first.support == ["Ủy ban Kiểm tra Tỉnh ủy"]
    report = by_text(tasks, "Tổng hợp, báo cáo kết quả giám sát")
    assert report.lead == "Ban cán sự đảng Ủy ban nhân dân tỉnh"
    assert report.output == "Báo cáo"


def test_prose_assignment_with_lead_support_and_deadline():
    task = by_text(tasks_of(ORGANISATION), "Tham mưu bố trí kinh phí")
    assert (task.ref, task.lead, task.support) == ("III.2", "Sở Tài chính", ["Sở Nội vụ"])
    assert task.deadline is not None and task.deadline.due == "2023-09-15"


def test_group_lead_is_kept_as_printed_and_recurring_deadline_has_no_due():
    task = by_text(tasks_of(ORGANISATION), "Định kỳ báo cáo kết quả")
    assert task.lead == "Các sở, ban, ngành, Ủy ban nhân dân các huyện, thị xã, thành phố"
    assert task.deadline is not None
    assert (task.deadline.due, task.deadline.recurrence) == (None, "yearly")


def test_item_without_a_body_is_a_task_without_lead_and_closing_is_not():
    tasks = tasks_of(ORGANISATION)
    assert by_text(tasks, "Tăng cường kiểm tra").lead is None
    assert len(tasks) == 5
    assert not any("khó khăn, vướng mắc" in t.text or "Lưu" in t.text for t in tasks)


def test_sanctions_are_not_tasks_but_the_obligation_next_to_them_is():
    text = """II. NHIỆM VỤ VÀ GIẢI PHÁP

1- Cải cách thủ tục hành chính

- Đơn giản hóa thủ tục hành chính trên các lĩnh vực.

- Cán bộ trễ hạn trên 10% hồ sơ không được xếp loại hoàn thành tốt nhiệm vụ. Các cơ quan được giao nhiệm vụ kiểm soát thủ tục hành chính phải công khai kết quả giải quyết hồ sơ.
"""
    tasks = tasks_of(text)
    assert len(tasks) == 1
    assert tasks[0].lead == "Các cơ quan được giao nhiệm vụ kiểm soát thủ tục hành chính"
    assert tasks[0].ref == "II.1"


def test_decision_articles_and_execution_clause():
    text = """QUYẾT ĐỊNH:

Điều 1. Ban hành kèm theo Quyết định này Kế hoạch cải cách hành chính năm 2023.

Điều 2. Giao Sở Nội vụ chủ trì, phối hợp với các cơ quan liên quan hướng dẫn, kiểm tra việc thực hiện Kế hoạch.

Điều 3. Chánh Văn phòng UBND tỉnh, Giám đốc các sở, ngành chịu trách nhiệm thi hành Quyết định này./.
"""
    tasks = tasks_of(text)
    assert [(t.ref, t.lead, t.support) for t in tasks] == [
        ("Điều 2", "Sở Nội vụ", ["Các cơ quan liên quan"])]
    assert tasks[0].text.startswith("Hướng dẫn, kiểm tra")


def test_report_outline_is_not_tasks():
    text = """IV. TỔ CHỨC THỰC HIỆN

1. Các cơ quan, đơn vị xây dựng báo cáo theo Đề cương gửi Sở Nội vụ trước ngày 10/10/2023.

ĐỀ CƯƠNG BÁO CÁO

I. KẾT QUẢ THỰC HIỆN

1. Công tác chỉ đạo, điều hành

- Các cơ quan, đơn vị báo cáo việc ban hành văn bản chỉ đạo.
"""
    tasks = tasks_of(text)
    assert len(tasks) == 1 and tasks[0].lead == "Các cơ quan, đơn vị"
    assert tasks[0].deadline is not None and tasks[0].deadline.due == "2023-10-10"


# ------------------------------------------------------------------ shape 3: task tables

TABLE_PLAN = """PHỤ LỤC
NHIỆM VỤ CỤ THỂ NĂM 2023

STT\tNội dung nhiệm vụ\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian hoàn thành\tSản phẩm
I\tCải cách thể chế\tSở Tư pháp\t\t\t
1\tRà soát văn bản quy phạm pháp luật\t\tCác sở, ngành\tQuý II/2023\tBáo cáo kết quả rà soát
\t\t\t\tQuý IV/2023\tDanh mục văn bản cần sửa đổi
2\tKiểm tra văn bản quy phạm pháp luật\t\tUBND cấp huyện\tTrong năm 2023\tKế hoạch kiểm tra
II\tHiện đại hóa hành chính\t\t\t\t
1\tSố hóa hồ sơ thủ tục hành chính\tSở Thông tin và Truyền thông\tVăn phòng UBND tỉnh\tThường xuyên\t
"""


def test_task_table_rows_merged_cells_and_continuation_rows():
    tasks = tasks_of(TABLE_PLAN)
    assert [(t.ref, t.text, t.lead) for t in tasks] == [
        ("I", "Cải cách thể chế", "Sở Tư pháp"),
        ("1", "Rà soát văn bản quy phạm pháp luật", "Sở Tư pháp"),
        ("2", "Kiểm tra văn bản quy phạm pháp luật", "Sở Tư pháp"),
        ("1", "Số hóa hồ sơ thủ tục hành chính", "Sở Thông tin và Truyền thông"),
    ]
    review = tasks[1]
    assert review.support == ["Các sở, ngành"]
    assert review.deadline is not None
    assert (review.deadline.text, review.deadline.due) == ("Quý II/2023; Quý IV/2023", "2023-12-31")
    assert review.output == "Báo cáo kết quả rà soát"
    assert tasks[3].support == ["Văn phòng Ủy ban nhân dân tỉnh"]
    assert tasks[3].deadline is not None and tasks[3].deadline.recurrence == "continuous"


def test_performer_cell_with_lead_and_partners():
    text = ("TT\tNHIỆM VỤ\tSẢN PHẨM\tTIẾN ĐỘ\tTHỰC HIỆN\n"
            "1\tKiểm tra công tác CCHC\tKế hoạch kiểm tra\tTrong tháng 10/2023\t"
            "Văn phòng chủ trì; các phòng phối hợp theo quyết định kiểm tra\n"
            "2\tTriển khai phần mềm quản lý văn bản\tPhần mềm được sử dụng\tTrong năm 2023\t"
            "- Văn thư có trách nhiệm rà soát. - CBCC thực hiện đúng quy định\n")
    tasks = tasks_of(text)
    assert [(t.lead, t.support) for t in tasks] == [
        ("Văn phòng", ["Các phòng"]), ("Văn thư", ["Cán bộ, công chức"])]
    assert tasks[0].deadline is not None and tasks[0].deadline.due == "2023-10-31"


def test_a_table_without_responsibility_or_deadline_columns_is_not_a_task_table():
    text = ("STT\tCơ quan, đơn vị\tTổng số hồ sơ trễ hạn\tNguyên nhân\n"
            "1\tSở Xây dựng\t3\tHồ sơ phức tạp\n")
    assert tasks_of(text) == []


# ------------------------------------------------------------------ pieces

@pytest.mark.parametrize("sentence, lead, support, start", [
    ("Ban Tổ chức Tỉnh ủy chủ trì, phối hợp với Sở Nội vụ tham mưu Ban Thường vụ Tỉnh ủy ban hành quy định.",
     "Ban Tổ chức Tỉnh ủy", ["Sở Nội vụ"], "tham mưu"),
    ("Đoàn kiểm tra có trách nhiệm triển khai các hoạt động kiểm tra theo Kế hoạch.",
     "Đoàn kiểm tra", [], "triển khai"),
    ("Căn cứ Kế hoạch này, Trưởng các phòng thuộc Thanh tra tỉnh chỉ đạo công chức thực hiện.",
     "Trưởng các phòng thuộc Thanh tra tỉnh", [], "Căn cứ"),
    ("UBND tỉnh yêu cầu Thủ trưởng các sở, ban, ngành tập trung chỉ đạo thực hiện.",
     "Thủ trưởng các sở, ban, ngành", [], "UBND tỉnh"),
])
def test_parse_assignment(sentence, lead, support, start):
    a = parse_assignment(sentence)
    assert a is not None
    assert (a.lead, a.support) == (lead, support)
    assert sentence[a.text_start(len(sentence)):].startswith(start)


@pytest.mark.parametrize("sentence", [
    "Tổ chức tiếp nhận và trả kết quả giải quyết hồ sơ qua dịch vụ bưu chính công ích.",
    "Ban hành kế hoạch kiểm tra công tác cải cách hành chính.",
    "Các cuộc kiểm tra đều được lập biên bản.",
])
def test_verbs_that_look_like_bodies_are_not_assignments(sentence):
    assert parse_assignment(sentence) is None


def test_parse_responsible_keeps_a_list_of_leads_as_printed():
    assert parse_responsible("Sở Nội vụ; các sở, ngành, địa phương") == ("Sở Nội vụ; các sở, ngành, địa phương", [])
    assert parse_responsible("Trưởng các phòng/ Trưởng các đoàn thanh tra")[0] == \
        "Trưởng các phòng/ Trưởng các đoàn thanh tra"


# ------------------------------------------------------------------ the seeds

SEED_COUNTS = {      # tasks per file, checked against the annotated seeds
    "000_ea9611ac85938b17": 5,
    "001_4fd5dceadbfd37ff": 273,
    "002_7accc3f0e2db4ca0": 54,
    "003_03fdb80aa5ce1a85": 11,
    "004_318357a2e116ab37": 13,
}


@pytest.fixture(scope="module")
def seed_tasks() -> dict[str, list[Task]]:
    out = {}
    for stem in SEED_COUNTS:
        layout = layout_of((SEEDS / f"{stem}.txt").read_text(encoding="utf-8"))
        tasks: list[Task] = []
        for doc in read_documents(layout):
            tasks += extract_tasks(layout, doc.extent.start, doc.extent.end, issued=doc.issued_date)
        out[stem] = tasks
    return out


@pytest.mark.parametrize("stem", sorted(SEED_COUNTS))
def test_seed_task_counts(seed_tasks, stem):
    assert len(seed_tasks[stem]) == SEED_COUNTS[stem]


def test_seed_000_group_lead_and_bold_deadline(seed_tasks):
    task = seed_tasks["000_ea9611ac85938b17"][-1]
    assert task.ref == "IV.2"
    assert task.lead.startswith("Các ban đảng tỉnh, đảng đoàn")
    assert task.deadline is not None and task.deadline.due == "2022-08-15"


def test_seed_001_appendix_rows_and_overrides(seed_tasks):
    tasks = seed_tasks["001_4fd5dceadbfd37ff"]
    row = next(t for t in tasks if t.ref == "2.4.1")
    assert row.text.startswith("Tính đồng bộ, thống nhất") and row.lead == "Sở Tư pháp"
    sipas = [t for t in tasks if t.text == "Công chức có thái độ giao tiếp lịch sự"]
    assert len(sipas) == 1 and sipas[0].lead.startswith("Các sở, ban, ngành")


def test_seed_002_cells_run_together(seed_tasks):
    row = next(t for t in seed_tasks["002_7accc3f0e2db4ca0"]
               if t.text == "Thực hiện quy trình xây dựng văn bản quy phạm pháp luật")
    assert row.lead == "Pháp chế"
    assert row.deadline is not None and row.deadline.due == "2021-12-31"


def test_seed_004_named_bodies_in_tasks_and_solutions(seed_tasks):
    section_ii = [t for t in seed_tasks["004_318357a2e116ab37"] if t.ref and t.ref.startswith("II.")]
    assert len(section_ii) == 4
    assert any(t.lead == "Lãnh đạo cơ quan, đơn vị, địa phương" for t in section_ii)


# ------------------------------------------------------------------ robustness

_VIETNAMESE = st.text(
    alphabet=st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệ"
                                  "ìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
                                  "AĂÂĐÊÔƠƯSGTUBND0123456789 .,;:-+*()/\t\n")),
    max_size=600)
_PHRASES = st.sampled_from([
    "Giao Sở Nội vụ chủ trì, phối hợp với", "Các sở, ban, ngành", "- Đơn vị chủ trì:",
    "III. TỔ CHỨC THỰC HIỆN\n\n", "a) Nội dung triển khai\n\n", "1. ", "\n\n- ", "trước ngày 31/12/2023",
    "STT\tNhiệm vụ\tCơ quan chủ trì\tThời gian\n", "\t", "* Riêng việc ", " do UBND tỉnh chủ trì",
    "Nơi nhận:", "PHỤ LỤC", "ĐỀ CƯƠNG", "Điều 2. ", "không được xếp loại", "phải được",
])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_VIETNAMESE, _PHRASES), max_size=25))
def test_never_raises_and_returns_well_formed_tasks(parts):
    try:
        layout = layout_of("".join(parts))
    except ReadError:                         # nothing readable: the reader's answer
        return
    for task in extract_tasks(layout, 0, len(layout.text), issued="2023-01-01"):
        assert isinstance(task.text, str) and task.text.strip()
        assert task.lead is None or (isinstance(task.lead, str) and task.lead.strip())
        assert all(isinstance(s, str) and s.strip() for s in task.support)
        assert task.span is not None and 0 <= task.span.start <= task.span.end <= len(layout.text)
        if task.deadline is not None and task.deadline.due is not None:
            assert len(task.deadline.due) == 10 and task.deadline.due[4] == "-"
