"""The JSON API through the ASGI test client: every endpoint, its errors, auth and
limits, against a real SQLite archive in tmp_path.

The archive holds three tiny documents written in the seeds' style and annotated by
hand (fields, citations, tasks, a score, with their spans), so that what the API
returns can be asserted exactly whatever the extractors currently find; the linker,
when installed, links them for real. Uploads go through the real job queue, worked by
the app's own worker process, with the bundled corpus. The other API, browser and
Datasette tests build on `build_archive`."""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from ingest.normalize import build_layout
from store.db import Store, document_id
from vanban.config import Settings
from vanban.models import (BlockKind, Citation, Deadline, DocumentRecord, RawBlock, ReadResult,
                           Relation, Score, Signer, SourceFile, Task)

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ROOT / "corpus" / "formats"
# The born-digital PDFs (scans are OCR'd: slow, and covered by the OCR tests).
CORPUS_PDFS = sorted(p for p in FORMATS.glob("*.pdf") if not p.name.endswith(".scan.pdf"))
TOKEN = "thu-nghiem-3f9c"


# ---------------------------------------------------------------- the sample archive

@dataclass
class Sample:
    """A tiny document and its hand annotation. Spans are found by searching the
    layout text for the printed strings, so they are exact by construction."""
    name: str
    text: str
    fields: dict[str, str]                     # doc_type, number, issuer, place, issued_date, title
    printed: dict[str, str]                    # field -> the text it was read from
    signer: tuple[str, str]
    citations: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    tasks: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    scores: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    @property
    def data(self) -> bytes:
        return self.text.encode("utf-8")

    @property
    def doc_id(self) -> str:
        return document_id(SourceFile(self.name, self.data).sha256, 1)

    @property
    def sha256(self) -> str:
        return SourceFile(self.name, self.data).sha256


DECISION = Sample(
    name="qd-1234-ubnd.txt",
    text="""ỦY BAN NHÂN DÂN
TỈNH KHÁNH HÒA

Số: 1234/QĐ-UBND

Khánh Hòa, ngày 15 tháng 01 năm 2024

QUYẾT ĐỊNH

Về việc ban hành Kế hoạch cải cách hành chính năm 2024

CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA

Căn cứ Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ về thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính;

Theo đề nghị của Giám đốc Sở Nội vụ.

QUYẾT ĐỊNH:

Điều 1. Ban hành kèm theo Quyết định này Kế hoạch cải cách hành chính năm 2024.

Điều 2. Giám đốc Sở Nội vụ, Chánh Văn phòng Ủy ban nhân dân tỉnh chịu trách nhiệm thi hành Quyết định này./.

CHỦ TỊCH

Trần Văn Bình""",
    fields={"doc_type": "Quyết định", "number": "1234/QĐ-UBND", "issuer": "Ủy ban nhân dân tỉnh Khánh Hòa",
            "place": "Khánh Hòa", "issued_date": "2024-01-15",
            "title": "Về việc ban hành Kế hoạch cải cách hành chính năm 2024"},
    printed={"doc_type": "QUYẾT ĐỊNH", "number": "1234/QĐ-UBND", "issued_date": "ngày 15 tháng 01 năm 2024",
             "title": "Về việc ban hành Kế hoạch cải cách hành chính năm 2024"},
    signer=("Trần Văn Bình", "Chủ tịch"),
    citations=[("Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ",
                {"doc_type": "Nghị định", "number": "61/2018/NĐ-CP", "issued_date": "2018-04-23",
                 "issuer": "Chính phủ", "relation": Relation.CAN_CU})],
)

PLAN = Sample(
    name="kh-56-ubnd.txt",
    text="""ỦY BAN NHÂN DÂN
TỈNH KHÁNH HÒA

Số: 56/KH-UBND

Khánh Hòa, ngày 20 tháng 01 năm 2024

KẾ HOẠCH

Triển khai cơ chế một cửa, một cửa liên thông năm 2024

Thực hiện Quyết định số 1234/QĐ-UBND ngày 15/01/2024 của Ủy ban nhân dân tỉnh Khánh Hòa về việc ban hành Kế hoạch cải cách hành chính năm 2024, Ủy ban nhân dân tỉnh ban hành Kế hoạch triển khai Nghị định số 61/2018/NĐ-CP như sau:

I. MỤC ĐÍCH, YÊU CẦU

Phấn đấu Chỉ số hài lòng của người dân, tổ chức (SIPAS) năm 2024 đạt trên 85%.

II. NHIỆM VỤ

1. Sở Nội vụ chủ trì rà soát quy trình nội bộ giải quyết thủ tục hành chính, hoàn thành trước ngày 31/3/2024.

2. Văn phòng Ủy ban nhân dân tỉnh chủ trì, phối hợp với Sở Thông tin và Truyền thông nâng cấp Hệ thống thông tin giải quyết thủ tục hành chính tỉnh, hoàn thành trong Quý III/2024.

3. Sở Nội vụ theo dõi, đôn đốc việc thực hiện Kế hoạch này, thực hiện thường xuyên.

KT. CHỦ TỊCH
PHÓ CHỦ TỊCH

Lê Thị Hoa""",
    fields={"doc_type": "Kế hoạch", "number": "56/KH-UBND", "issuer": "Ủy ban nhân dân tỉnh Khánh Hòa",
            "place": "Khánh Hòa", "issued_date": "2024-01-20",
            "title": "Triển khai cơ chế một cửa, một cửa liên thông năm 2024"},
    printed={"doc_type": "KẾ HOẠCH", "number": "56/KH-UBND", "issued_date": "ngày 20 tháng 01 năm 2024",
             "title": "Triển khai cơ chế một cửa, một cửa liên thông năm 2024"},
    signer=("Lê Thị Hoa", "Phó Chủ tịch"),
    citations=[
        ("Quyết định số 1234/QĐ-UBND ngày 15/01/2024 của Ủy ban nhân dân tỉnh Khánh Hòa",
         {"doc_type": "Quyết định", "number": "1234/QĐ-UBND", "issued_date": "2024-01-15",
          "issuer": "Ủy ban nhân dân tỉnh Khánh Hòa", "relation": Relation.THUC_HIEN}),
        ("Nghị định số 61/2018/NĐ-CP",
         {"doc_type": "Nghị định", "number": "61/2018/NĐ-CP", "issuer": "Chính phủ",
          "relation": Relation.THUC_HIEN}),
    ],
    tasks=[
        ("Sở Nội vụ chủ trì rà soát quy trình nội bộ giải quyết thủ tục hành chính, hoàn thành trước ngày 31/3/2024.",
         {"ref": "II.1", "text": "Rà soát quy trình nội bộ giải quyết thủ tục hành chính", "lead": "Sở Nội vụ",
          "deadline": ("trước ngày 31/3/2024", "2024-03-31")}),
        ("Văn phòng Ủy ban nhân dân tỉnh chủ trì, phối hợp với Sở Thông tin và Truyền thông nâng cấp Hệ thống "
         "thông tin giải quyết thủ tục hành chính tỉnh, hoàn thành trong Quý III/2024.",
         {"ref": "II.2", "text": "Nâng cấp Hệ thống thông tin giải quyết thủ tục hành chính tỉnh",
          "lead": "Văn phòng Ủy ban nhân dân tỉnh", "support": ["Sở Thông tin và Truyền thông"],
          "deadline": ("trong Quý III/2024", "2024-09-30")}),
        ("Sở Nội vụ theo dõi, đôn đốc việc thực hiện Kế hoạch này, thực hiện thường xuyên.",
         {"ref": "II.3", "text": "Theo dõi, đôn đốc việc thực hiện Kế hoạch", "lead": "Sở Nội vụ",
          "deadline": ("thường xuyên", None)}),
    ],
    scores=[("Chỉ số hài lòng của người dân, tổ chức (SIPAS) năm 2024 đạt trên 85%",
             {"index": "SIPAS", "value": 85.0, "unit": "%", "year": 2024, "kind": "target", "bound": ">",
              "subject": "tỉnh Khánh Hòa"})],
)

REPORT = Sample(
    name="bc-78-snv.txt",
    text="""SỞ NỘI VỤ
TỈNH KHÁNH HÒA

Số: 78/BC-SNV

Khánh Hòa, ngày 05 tháng 4 năm 2024

BÁO CÁO

Kết quả rà soát quy trình nội bộ giải quyết thủ tục hành chính quý I năm 2024

Thực hiện Kế hoạch số 56/KH-UBND ngày 20/01/2024 của Ủy ban nhân dân tỉnh Khánh Hòa, Sở Nội vụ báo cáo kết quả rà soát như sau:

1. Đã rà soát 1.520 quy trình nội bộ, đề nghị sửa đổi 214 quy trình.

2. Đề xuất: Sở Tư pháp chủ trì công bố danh mục thủ tục hành chính được chuẩn hóa trước ngày 31/12/2024.

GIÁM ĐỐC

Phạm Quốc Dũng""",
    fields={"doc_type": "Báo cáo", "number": "78/BC-SNV", "issuer": "Sở Nội vụ tỉnh Khánh Hòa",
            "place": "Khánh Hòa", "issued_date": "2024-04-05",
            "title": "Kết quả rà soát quy trình nội bộ giải quyết thủ tục hành chính quý I năm 2024"},
    printed={"doc_type": "BÁO CÁO", "number": "78/BC-SNV", "issued_date": "ngày 05 tháng 4 năm 2024",
             "title": "Kết quả rà soát quy trình nội bộ giải quyết thủ tục hành chính quý I năm 2024"},
    signer=("Phạm Quốc Dũng", "Giám đốc"),
    citations=[("Kế hoạch số 56/KH-UBND ngày 20/01/2024 của Ủy ban nhân dân tỉnh Khánh Hòa",
                {"doc_type": "Kế hoạch", "number": "56/KH-UBND", "issued_date": "2024-01-20",
                 "issuer": "Ủy ban nhân dân tỉnh Khánh Hòa", "relation": Relation.THUC_HIEN})],
    tasks=[("Sở Tư pháp chủ trì công bố danh mục thủ tục hành chính được chuẩn hóa trước ngày 31/12/2024.",
            {"ref": "2", "text": "Công bố danh mục thủ tục hành chính được chuẩn hóa", "lead": "Sở Tư pháp",
             "deadline": ("trước ngày 31/12/2024", "2024-12-31")})],
)

SAMPLES = (DECISION, PLAN, REPORT)


def annotate(sample: Sample) -> tuple[SourceFile, ReadResult, DocumentRecord]:
    read = ReadResult([RawBlock(BlockKind.PARAGRAPH, block) for block in sample.text.split("\n\n")])
    layout = build_layout(read)

    def span(printed: str, within: tuple[int, int] | None = None):
        start = layout.text.index(printed, *(within or (0,)))
        return layout.span(start, start + len(printed))

    tasks = []
    for sentence, t in sample.tasks:
        where = span(sentence)
        deadline_text, due = t["deadline"]
        tasks.append(Task(ref=t["ref"], text=t["text"], lead=t["lead"], support=t.get("support", []),
                          deadline=Deadline(deadline_text, due, "continuous" if due is None else None,
                                            span(deadline_text, (where.start, where.end))),
                          span=where))
    record = DocumentRecord(
        **sample.fields,
        signer=Signer(*sample.signer, span=span(sample.signer[0])),
        citations=[Citation(surface=surface, span=span(surface), mentions=[span(surface)], **c)
                   for surface, c in sample.citations],
        tasks=tasks,
        scores=[Score(span=span(printed), **s) for printed, s in sample.scores],
        spans={name: span(printed) for name, printed in sample.printed.items()},
        extent=layout.span(0, len(layout.text)),
        province="Khánh Hòa",
    )
    return SourceFile(sample.name, sample.data, "text/plain"), read, record


def link(store: Store, ids: list[str]) -> None:
    try:
        from linker import on_documents_added
    except ImportError:
        return
    on_documents_added(store, ids)


def build_archive(db_path: Path) -> Path:
    """The three samples, stored and linked, in a new database at `db_path`."""
    with Store(db_path) as store:
        for sample in SAMPLES:
            source, read, record = annotate(sample)
            _, ids = store.add_file(source, read, build_layout(read), [record])
            link(store, ids)
    return db_path


def needs_linker() -> Any:
    return pytest.importorskip("linker.graph", reason="linker.graph is not in this build yet")


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def built_archive(tmp_path_factory) -> Path:
    return build_archive(tmp_path_factory.mktemp("archive") / "vanban.db")


@pytest.fixture
def archive(built_archive, tmp_path) -> Path:
    """A private copy of the sample archive (database and original files) per test."""
    shutil.copy(built_archive, tmp_path / built_archive.name)
    blobs = built_archive.with_name(built_archive.stem + "-files")
    shutil.copytree(blobs, tmp_path / blobs.name, copy_function=shutil.copy)
    return tmp_path / built_archive.name


@pytest.fixture
def client(archive) -> Iterator[TestClient]:
    # One worker: the jobs of a request run in the order sent, so results are exact.
    with TestClient(create_app(archive, Settings(api_token=TOKEN), workers=1)) as c:
        yield c


AUTH = {"Authorization": f"Bearer {TOKEN}"}


def upload(client: TestClient, *files: tuple[str, bytes], headers: dict[str, str] | None = None):
    return client.post("/api/files", files=[("files", (name, data)) for name, data in files],
                       headers=AUTH if headers is None else headers)


def error_of(response) -> tuple[int, str]:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["message"]
    return response.status_code, body["error"]["code"]


# ---------------------------------------------------------------- documents: list, search, facets

def ids(page: dict[str, Any]) -> list[str]:
    return [item["id"] for item in page["items"]]


def test_documents_are_listed_newest_first_with_pagination(client):
    first = client.get("/api/documents", params={"limit": 2}).json()
    assert first["total"] == 3 and first["limit"] == 2 and first["offset"] == 0
    assert ids(first) == [REPORT.doc_id, PLAN.doc_id]
    rest = client.get("/api/documents", params={"limit": 2, "offset": 2}).json()
    assert ids(rest) == [DECISION.doc_id] and rest["total"] == 3
    assert client.get("/api/documents", params={"offset": 3}).json()["items"] == []


def test_documents_filter_by_type_issuer_and_year(client):
    def listed(**params: Any) -> list[str]:
        return ids(client.get("/api/documents", params=params).json())

    assert listed(type="Kế hoạch") == [PLAN.doc_id]
    assert listed(issuer="Ủy ban nhân dân tỉnh Khánh Hòa") == [PLAN.doc_id, DECISION.doc_id]
    assert listed(year=2024) == [REPORT.doc_id, PLAN.doc_id, DECISION.doc_id]
    assert listed(year=2023) == []
    assert listed(type="Kế hoạch", issuer="Sở Nội vụ tỉnh Khánh Hòa") == []


@pytest.mark.parametrize("query", ["nghi dinh 61/2018", "Nghị định 61/2018", "NGHỊ ĐỊNH 61/2018/NĐ-CP"])
def test_search_finds_the_same_documents_with_or_without_diacritics(client, query):
    page = client.get("/api/documents", params={"q": query}).json()
    assert sorted(ids(page)) == sorted([DECISION.doc_id, PLAN.doc_id]) and page["total"] == 2
    assert all("61/2018" in item["snippet"] for item in page["items"])


def test_search_combines_with_filters_and_pages(client):
    page = client.get("/api/documents", params={"q": "nghi dinh 61/2018", "type": "Kế hoạch"}).json()
    assert ids(page) == [PLAN.doc_id] and page["total"] == 1
    second = client.get("/api/documents", params={"q": "khanh hoa", "limit": 1, "offset": 1}).json()
    assert second["total"] == 3 and len(second["items"]) == 1
    for nothing in ("quyết định 9999", "!!!", "   "):
        found = client.get("/api/documents", params={"q": nothing}).json()
        assert found["total"] == (3 if not nothing.strip() else 0)


def test_facets_count_type_issuer_and_year(client):
    facets = client.get("/api/facets").json()
    assert facets["doc_type"] == [{"value": v, "n": 1} for v in ("Báo cáo", "Kế hoạch", "Quyết định")]
    assert facets["issuer"] == [{"value": "Ủy ban nhân dân tỉnh Khánh Hòa", "n": 2},
                                {"value": "Sở Nội vụ tỉnh Khánh Hòa", "n": 1}]
    assert facets["year"] == [{"value": 2024, "n": 3}]


def test_stats_count_what_is_stored(client):
    assert client.get("/api/stats").json() == {"files": 3, "documents": 3, "citations": 4, "tasks": 4, "scores": 1}


# ---------------------------------------------------------------- one document

def test_document_has_fields_spans_citations_tasks_and_scores(client):
    doc = client.get(f"/api/documents/{PLAN.doc_id}").json()
    assert {k: doc[k] for k in PLAN.fields} == PLAN.fields
    assert (doc["signer_name"], doc["signer_position"]) == PLAN.signer
    assert [c["surface"] for c in doc["citations"]] == [s for s, _ in PLAN.citations]
    assert [t["id"] for t in doc["tasks"]] == [f"{PLAN.doc_id}.t{i}" for i in (1, 2, 3)]
    assert [(t["lead"], t["due"]) for t in doc["tasks"]] == [
        ("Sở Nội vụ", "2024-03-31"), ("Văn phòng Ủy ban nhân dân tỉnh", "2024-09-30"), ("Sở Nội vụ", None)]
    assert doc["tasks"][1]["support"] == ["Sở Thông tin và Truyền thông"]
    assert [(s["index_name"], s["value"], s["kind"]) for s in doc["scores"]] == [("SIPAS", 85.0, "target")]
    assert set(doc["record"]["spans"]) == set(PLAN.printed)


def test_spans_index_into_the_document_text(client):
    doc = client.get(f"/api/documents/{PLAN.doc_id}").json()
    text = client.get(f"/api/documents/{PLAN.doc_id}/text").json()
    assert text["sha256"] == PLAN.sha256 and (text["extent_start"], text["extent_end"]) == (0, len(text["text"]))

    def at(span: dict[str, int]) -> str:
        return text["text"][span["start"]:span["end"]]

    assert {name: at(span) for name, span in doc["record"]["spans"].items()} == PLAN.printed
    assert [at(c["span"]) for c in doc["record"]["citations"]] == [s for s, _ in PLAN.citations]
    assert [at(t["deadline"]["span"]) for t in doc["record"]["tasks"]] == [
        t["deadline"][0] for _, t in PLAN.tasks]
    assert at(doc["record"]["scores"][0]["span"]) == PLAN.scores[0][0]


def test_unknown_document_is_a_404_everywhere(client):
    for path in ("/api/documents/0000000000000000.1", "/api/documents/nope/text",
                 "/api/documents/nope/original", "/api/documents/nope/cited-by",
                 "/api/documents/nope/references", "/api/documents/nope/graph"):
        assert error_of(client.get(path)) == (404, "document_not_found"), path
    assert error_of(client.post("/api/documents/nope/reextract", headers=AUTH)) == (404, "document_not_found")


@pytest.mark.parametrize("path, parameter", [
    ("/api/documents?year=abc", "year"), ("/api/documents?year=20240", "year"),
    ("/api/documents?limit=0", "limit"), ("/api/documents?limit=201", "limit"),
    ("/api/documents?offset=-1", "offset"), ("/api/documents?q=" + "x" * 501, "q"),
    ("/api/files/not-a-hash", "sha256"), ("/api/tasks?due_before=31/12/2024", "due_before"),
    ("/api/tasks?overdue=maybe", "overdue"), ("/api/documents/x/graph?depth=0", "depth"),
    ("/api/cites", "ref"), ("/api/cites?ref=", "ref"),
])
def test_malformed_queries_are_a_422_naming_the_parameter(client, path, parameter):
    response = client.get(path)
    assert error_of(response) == (422, "invalid_request")
    assert f"{parameter}: " in response.json()["error"]["message"]


def test_unknown_route_and_method_are_json_errors(client):
    assert error_of(client.get("/api/nothing-here")) == (404, "not_found")
    assert error_of(client.put("/api/documents", headers=AUTH)) == (405, "method_not_allowed")


# ---------------------------------------------------------------- originals

def test_original_file_is_returned_byte_for_byte_as_an_attachment(client):
    by_hash = client.get(f"/api/files/{PLAN.sha256}")
    by_doc = client.get(f"/api/documents/{PLAN.doc_id}/original")
    for response in (by_hash, by_doc):
        assert response.status_code == 200 and response.content == PLAN.data
        assert response.headers["content-type"].startswith("text/plain")
        assert response.headers["content-disposition"] == (
            f"attachment; filename=\"{PLAN.name}\"; filename*=UTF-8''{PLAN.name}")
        assert response.headers["x-content-type-options"] == "nosniff"
    assert error_of(client.get("/api/files/" + "0" * 64)) == (404, "file_not_found")


def test_original_filename_is_quoted_safely(client):
    name = 'Kế hoạch "số 56"; x=1\r\n.txt'
    added = upload(client, (name, "Thông báo số 1/TB-UBND về lịch họp.".encode())).json()["files"][0]
    assert added["name"] == 'Kế hoạch "số 56"; x=1.txt'
    disposition = client.get(f"/api/files/{added['sha256']}").headers["content-disposition"]
    assert disposition == ("attachment; filename=\"Ke hoach _so 56_; x=1.txt\"; "
                           "filename*=UTF-8''K%E1%BA%BF%20ho%E1%BA%A1ch%20%22s%E1%BB%91%2056%22%3B%20x%3D1.txt")


# ---------------------------------------------------------------- auth

def test_writes_need_the_token(client):
    data = ("x.txt", "Công văn số 5/UBND-VP về việc họp.".encode())
    assert error_of(upload(client, data, headers={})) == (401, "missing_token")
    assert error_of(upload(client, data, headers={"Authorization": "Bearer wrong"})) == (401, "invalid_token")
    assert error_of(upload(client, data, headers={"Authorization": TOKEN})) == (401, "missing_token")
    assert error_of(client.delete(f"/api/files/{PLAN.sha256}")) == (401, "missing_token")
    assert error_of(client.post(f"/api/documents/{PLAN.doc_id}/reextract",
                                headers={"Authorization": "Bearer x"})) == (401, "invalid_token")
    assert upload(client, data, headers={}).headers["www-authenticate"] == "Bearer"
    assert client.get("/api/stats").json()["files"] == 3
    assert client.get("/api/documents").status_code == 200   # reads stay open


def test_reads_can_require_the_token(archive):
    settings = Settings(api_token=TOKEN, read_token_required=True)
    with TestClient(create_app(archive, settings, workers=1), follow_redirects=False) as client:
        assert error_of(client.get("/api/documents")) == (401, "missing_token")
        assert error_of(client.get(f"/api/files/{PLAN.sha256}")) == (401, "missing_token")
        assert client.get("/api/documents", headers=AUTH).json()["total"] == 3
        page = client.get(f"/van-ban/{PLAN.doc_id}")
        assert page.status_code == 303 and page.headers["location"] == f"/dang-nhap?next=/van-ban/{PLAN.doc_id}"
        assert client.get("/openapi.json").status_code == 200
        assert client.post("/dang-nhap", data={"token": "wrong", "next": "/"}).status_code == 401
        signed = client.post("/dang-nhap", data={"token": TOKEN, "next": f"/van-ban/{PLAN.doc_id}"})
        assert signed.status_code == 303 and signed.headers["location"] == f"/van-ban/{PLAN.doc_id}"
        cookie = signed.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie
        assert client.get(f"/van-ban/{PLAN.doc_id}").status_code == 200   # the cookie now
        assert client.get("/api/documents").json()["total"] == 3


def test_sign_in_only_returns_to_local_pages(archive):
    with TestClient(create_app(archive, Settings(api_token=TOKEN), workers=1), follow_redirects=False) as client:
        for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
            response = client.post("/dang-nhap", data={"token": TOKEN, "next": target})
            assert response.headers["location"] == "/"


def test_reads_without_a_token_configured_cannot_be_required(archive):
    with pytest.raises(ValueError, match="VANBAN_TOKEN"):
        create_app(archive, Settings(read_token_required=True))


# ---------------------------------------------------------------- upload

def test_upload_reports_each_file_and_duplicates(client):
    pdf = CORPUS_PDFS[0]
    response = upload(client, (pdf.name, pdf.read_bytes()), (PLAN.name, PLAN.data))
    assert response.status_code == 200
    body = response.json()
    assert (body["added"], body["present"], body["failed"]) == (1, 1, 0)
    added, present = body["files"]
    assert (added["name"], added["status"], added["error"]) == (pdf.name, "added", None)
    with Store(client.app.state.db_path) as store:
        assert [d["id"] for d in added["documents"]] == store.document_ids(added["sha256"])
    assert (present["status"], [d["id"] for d in present["documents"]]) == ("present", [PLAN.doc_id])
    assert present["documents"][0]["number"] == "56/KH-UBND"
    again = upload(client, (pdf.name, pdf.read_bytes())).json()["files"][0]
    assert again["status"] == "present" and again["documents"] == added["documents"]
    stored = client.get(f"/api/documents/{added['documents'][0]['id']}").json()
    assert stored["file_name"] == pdf.name and stored["media_type"] == "application/pdf"


def test_the_same_file_twice_in_one_request_lands_once(client):
    pdf = CORPUS_PDFS[-1]
    body = upload(client, ("a.pdf", pdf.read_bytes()), ("b.pdf", pdf.read_bytes())).json()
    assert [f["status"] for f in body["files"]] == ["added", "present"]
    assert body["files"][0]["documents"] == body["files"][1]["documents"]
    assert client.get("/api/stats").json()["files"] == 4


def test_upload_checks_the_type_by_content_not_by_name(client):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000)     # a legacy .doc
    body = upload(client, ("bao-cao.pdf", ole), ("anh.png", bytes(range(256)) * 8),
                  ("ke-hoach.exe", PLAN.data)).json()
    assert [f["status"] for f in body["files"]] == ["failed", "failed", "present"]
    assert [f["error"]["code"] for f in body["files"][:2]] == ["unsupported_media_type"] * 2
    assert "application/x-ole-storage" in body["files"][0]["error"]["message"]
    assert body["files"][0]["documents"] == [] and body["files"][0]["sha256"] is None


def test_unreadable_files_fail_alone_with_their_reason(client):
    broken_pdf = b"%PDF-1.7\n" + b"garbage" * 100
    body = upload(client, ("hong.pdf", broken_pdf), (PLAN.name, PLAN.data)).json()
    assert [f["status"] for f in body["files"]] == ["failed", "present"]
    assert body["files"][0]["error"]["code"] == "unreadable"
    assert client.get("/api/stats").json()["files"] == 3


def test_oversize_upload_is_refused_and_nothing_is_stored(archive):
    with TestClient(create_app(archive, Settings(api_token=TOKEN, max_file_bytes=1000), workers=1)) as client:
        small = ("nho.txt", "Thông báo số 2/TB-VP về lịch trực.".encode())
        response = upload(client, small, ("lon.txt", "Kế hoạch ".encode() * 200))
        assert error_of(response) == (413, "file_too_large")
        assert "lon.txt" in response.json()["error"]["message"]
        assert client.get("/api/stats").json()["files"] == 3
        assert upload(client, small).json()["added"] == 1


def test_file_names_are_never_paths(client, archive):
    body = upload(client, ("../../../etc/cron.d/x.txt", "Công văn số 7/UBND về việc A.".encode()),
                  ("C:\\Windows\\win.ini", "Công văn số 8/UBND về việc B.".encode()),
                  ("..", "Công văn số 9/UBND về việc C.".encode())).json()
    assert [f["name"] for f in body["files"]] == ["x.txt", "win.ini", "tep-khong-ten"]
    assert [f["status"] for f in body["files"]] == ["added"] * 3
    blobs = archive.with_name(archive.stem + "-files")
    stored = sorted(p.name for p in blobs.rglob("*") if p.is_file())
    assert stored == sorted([s.sha256 for s in SAMPLES] + [f["sha256"] for f in body["files"]])


def test_upload_needs_multipart_with_files(client):
    assert error_of(client.post("/api/files", content=b"{}", headers={**AUTH, "Content-Type": "application/json"})
                    ) == (415, "not_multipart")
    assert error_of(client.post("/api/files", data={"note": "x"}, files={"other": ("a.txt", b"x")},
                                headers=AUTH)) == (400, "no_files")
    broken = b"--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.txt\"\r\n\r\nabc"
    assert error_of(client.post("/api/files", content=broken,
                                headers={**AUTH, "Content-Type": "multipart/form-data; boundary=b"})
                    ) == (400, "malformed_multipart")


# ---------------------------------------------------------------- re-extract and delete

def test_reextract_replaces_the_documents_from_the_stored_layout(client, archive):
    from extractors import extract

    response = client.post(f"/api/documents/{PLAN.doc_id}/reextract", headers=AUTH)
    assert response.status_code == 200
    body = response.json()
    with Store(archive) as store:
        expected = extract(store.layout(PLAN.sha256), PLAN.name).documents
    assert body["sha256"] == PLAN.sha256
    assert body["document_ids"] == [document_id(PLAN.sha256, i) for i in range(1, len(expected) + 1)]
    doc = client.get(f"/api/documents/{body['document_ids'][0]}").json()
    assert (doc["doc_type"], doc["number"], len(doc["tasks"])) == (
        expected[0].doc_type, expected[0].number, len(expected[0].tasks))
    assert client.get(f"/api/files/{PLAN.sha256}").content == PLAN.data


def test_delete_removes_the_file_and_its_documents(client):
    response = client.delete(f"/api/files/{REPORT.sha256}", headers=AUTH)
    assert response.json() == {"sha256": REPORT.sha256, "document_ids": [REPORT.doc_id]}
    assert error_of(client.get(f"/api/documents/{REPORT.doc_id}")) == (404, "document_not_found")
    assert error_of(client.get(f"/api/files/{REPORT.sha256}")) == (404, "file_not_found")
    assert client.get("/api/documents", params={"q": "78/BC-SNV"}).json()["total"] == 0
    assert error_of(client.delete(f"/api/files/{REPORT.sha256}", headers=AUTH)) == (404, "file_not_found")
    assert client.get("/api/stats").json()["files"] == 2


def test_deleting_a_cited_document_turns_its_citations_into_placeholders(client):
    needs_linker()
    assert client.delete(f"/api/files/{DECISION.sha256}", headers=AUTH).status_code == 200
    refs = client.get(f"/api/documents/{PLAN.doc_id}/references").json()["items"]
    assert [(r["status"], r["target_id"], r["placeholder"]) for r in refs] == [
        ("unresolved", None, True), ("unresolved", None, True)]
    hops = client.get(f"/api/tasks/{PLAN.doc_id}.t1/trace").json()["hops"]
    assert [h["document"]["number"] for h in hops] == ["56/KH-UBND", "1234/QĐ-UBND"]
    assert hops[1]["document"]["placeholder"] is True


# ---------------------------------------------------------------- graph, tasks, trace

def test_cites_lists_the_documents_citing_a_reference(client):
    needs_linker()
    for ref in ("Nghị định 61/2018/NĐ-CP", "nghi dinh 61/2018"):
        page = client.get("/api/cites", params={"ref": ref}).json()
        assert ids(page) == [DECISION.doc_id, PLAN.doc_id] and page["total"] == 2   # oldest first
        assert [i["relation"] for i in page["items"]] == ["can_cu", "thuc_hien"]
        assert all("61/2018/NĐ-CP" in i["sentence"] for i in page["items"])
    paged = client.get("/api/cites", params={"ref": "nghị định 61/2018", "limit": 1, "offset": 1}).json()
    assert ids(paged) == [PLAN.doc_id] and paged["total"] == 2
    assert client.get("/api/cites", params={"ref": "Quyết định 9999/QĐ-UBND"}).json()["total"] == 0


def test_cited_by_and_references(client):
    needs_linker()
    assert ids(client.get(f"/api/documents/{DECISION.doc_id}/cited-by").json()) == [PLAN.doc_id]
    assert ids(client.get(f"/api/documents/{PLAN.doc_id}/cited-by").json()) == [REPORT.doc_id]
    assert client.get(f"/api/documents/{REPORT.doc_id}/cited-by").json()["total"] == 0
    refs = client.get(f"/api/documents/{PLAN.doc_id}/references").json()["items"]
    assert [(r["status"], r["number"]) for r in refs] == [("resolved", "1234/QĐ-UBND"),
                                                          ("unresolved", "61/2018/NĐ-CP")]
    assert refs[0]["target_id"] == DECISION.doc_id and refs[1]["placeholder"] is True
    doc = client.get(f"/api/documents/{PLAN.doc_id}").json()
    assert [(c["status"], c["target_id"]) for c in doc["citations"]] == [
        ("resolved", DECISION.doc_id), ("unresolved", None)]


def test_neighbourhood_graph(client):
    needs_linker()
    graph = client.get(f"/api/documents/{PLAN.doc_id}/graph").json()
    stored = sorted(n["id"] for n in graph["nodes"] if not n["placeholder"])
    assert stored == sorted([DECISION.doc_id, PLAN.doc_id, REPORT.doc_id])
    assert [n["number"] for n in graph["nodes"] if n["placeholder"]] == ["61/2018/NĐ-CP"]
    edges = {(e["source"], e["target"], e["relation"]) for e in graph["edges"]}
    assert (PLAN.doc_id, DECISION.doc_id, "thuc_hien") in edges
    assert (REPORT.doc_id, PLAN.doc_id, "thuc_hien") in edges
    wider = client.get(f"/api/documents/{REPORT.doc_id}/graph", params={"depth": 3}).json()
    assert len(wider["nodes"]) == 4 and len(wider["edges"]) == 4


def test_tasks_filtered_by_agency_due_date_and_overdue(client):
    needs_linker()

    def listed(**params: Any) -> list[str]:
        return ids(client.get("/api/tasks", params={"as_of": "2024-06-30", **params}).json())

    t1, t2, t3 = (f"{PLAN.doc_id}.t{i}" for i in (1, 2, 3))
    report_task = f"{REPORT.doc_id}.t1"
    assert listed() == [t1, t2, report_task, t3]                 # soonest due first, undated last
    assert listed(agency="Sở Nội vụ") == [t1, t3]
    assert listed(agency="Sở Thông tin và Truyền thông") == [t2]  # supporting agency
    assert listed(due_before="2024-09-30") == [t1, t2]
    assert listed(overdue="true") == [t1]
    assert listed(overdue="true", as_of="2025-01-01") == [t1, t2, report_task]
    assert listed(year=2023) == []
    page = client.get("/api/tasks", params={"limit": 1, "offset": 1}).json()
    assert page["total"] == 4 and ids(page) == [t2]
    first = client.get("/api/tasks").json()["items"][0]
    assert first == {"id": t1, "text": "Rà soát quy trình nội bộ giải quyết thủ tục hành chính",
                     "lead": "Sở Nội vụ", "support": [], "due": "2024-03-31",
                     "deadline_text": "trước ngày 31/3/2024", "doc_id": PLAN.doc_id,
                     "doc_number": "56/KH-UBND", "doc_type": "Kế hoạch"}


def test_trace_goes_from_a_task_to_its_source(client):
    needs_linker()
    trace = client.get(f"/api/tasks/{REPORT.doc_id}.t1/trace").json()
    assert trace["task"]["id"] == f"{REPORT.doc_id}.t1"
    hops = trace["hops"]
    assert [h["document"]["number"] for h in hops] == ["78/BC-SNV", "56/KH-UBND", "1234/QĐ-UBND", "61/2018/NĐ-CP"]
    assert [h["document"]["id"] for h in hops[:3]] == [REPORT.doc_id, PLAN.doc_id, DECISION.doc_id]
    assert hops[0]["via"] is None and hops[-1]["document"]["placeholder"] is True
    assert [h["via"]["relation"] for h in hops[1:]] == ["thuc_hien", "thuc_hien", "can_cu"]
    assert error_of(client.get("/api/tasks/nope.t1/trace")) == (404, "task_not_found")
    assert error_of(client.get(f"/api/tasks/{PLAN.doc_id}.t9/trace")) == (404, "task_not_found")


# ---------------------------------------------------------------- the application

def test_openapi_documents_every_endpoint(client):
    spec = client.get("/openapi.json").json()
    assert {(path, method) for path, ops in spec["paths"].items() for method in ops} == {
        ("/api/files", "post"), ("/api/files/{sha256}", "get"), ("/api/files/{sha256}", "delete"),
        ("/api/documents", "get"), ("/api/documents/{doc_id}", "get"),
        ("/api/documents/{doc_id}/text", "get"), ("/api/documents/{doc_id}/original", "get"),
        ("/api/documents/{doc_id}/reextract", "post"), ("/api/facets", "get"), ("/api/stats", "get"),
        ("/api/cites", "get"), ("/api/documents/{doc_id}/cited-by", "get"),
        ("/api/documents/{doc_id}/references", "get"), ("/api/documents/{doc_id}/graph", "get"),
        ("/api/tasks", "get"), ("/api/tasks/{task_id}/trace", "get"),
        ("/api/jobs", "get"), ("/api/jobs/{job_id}", "get")}
    assert all(op.get("description") for ops in spec["paths"].values() for op in ops.values())


def test_pages_render_in_vietnamese_with_strict_headers(client):
    for path in ("/", "/tim-kiem?q=nghi+dinh+61/2018", f"/van-ban/{PLAN.doc_id}", "/tai-lieu-api"):
        response = client.get(path)
        assert response.status_code == 200 and '<html lang="vi">' in response.text, path
        assert "script-src" not in response.headers["content-security-policy"]
        assert "default-src 'self'" in response.headers["content-security-policy"]
    missing = client.get("/van-ban/khong-co")
    assert missing.status_code == 404 and "Không có văn bản" in missing.text


def test_graph_task_and_citing_pages_render(client):
    needs_linker()
    pages = {f"/van-ban/{PLAN.doc_id}/do-thi?sau=2": ["56/KH-UBND", "1234/QĐ-UBND", "78/BC-SNV", "61/2018/NĐ-CP"],
             "/nhiem-vu?co_quan=Sở+Nội+vụ": ["Rà soát quy trình nội bộ", "Theo dõi, đôn đốc"],
             f"/nhiem-vu/{PLAN.doc_id}.t1": ["Văn bản giao nhiệm vụ", "1234/QĐ-UBND", "Nguồn gốc"],
             "/trich-dan?ref=61/2018/NĐ-CP": ["1234/QĐ-UBND", "56/KH-UBND", "Căn cứ", "Thực hiện"]}
    for path, expected in pages.items():
        html = client.get(path).text
        assert all(text in html for text in expected), path
    assert "Nâng cấp Hệ thống" not in client.get("/nhiem-vu?co_quan=Sở+Nội+vụ").text
    assert client.get("/nhiem-vu/khong-co.t1").status_code == 404
    assert client.get("/nhiem-vu?han_truoc=31-12-2024").status_code == 422


def test_document_page_highlights_every_span_kind(client):
    html = client.get(f"/van-ban/{PLAN.doc_id}").text
    for key in ("f-number", "f-title", "c1", "c2", "t1", "t2", "t3", "s1"):
        assert f'id="m-{key}"' in html, key
    assert html.count('<mark class="hl k-citation"') == 2
    assert '<mark class="hl k-score" data-keys="s1"' in html
