"""Linking through the real pipeline: the documents in tests/linking/ are ingested
with `Ingestor` into a SQLite file, then every citation's resolution, the graph
queries and the CLI are checked.

The corpus (written in the style of the seeds): a central Party resolution
(18-NQ/TW); two provinces' "05-NQ/TU" (Ninh Thuận 28/9/2021, Quảng Ninh 09/4/2021);
Ninh Thuận's provincial plan 120/KH-UBND implementing its 05-NQ/TU; a district plan
(Ninh Hải) implementing the provincial plan; a second "120/KH-UBND" of 2021 issued
by another district (Ninh Sơn); a report of the provincial Sở Nội vụ citing
"Kế hoạch số 120/KH-UBND" bare (ambiguous on purpose), and a Bộ Nội vụ report
citing "Nghị quyết số 05-NQ/TU của Tỉnh ủy" (ambiguous on purpose: which province?).
"""
from __future__ import annotations

import json
import random
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from typer.testing import CliRunner

from linker import graph, relink_all
from store import links
from store.db import Store
from vanban.config import Settings
from vanban.pipeline import Ingestor

CORPUS = Path(__file__).parent / "linking"
FILES = sorted(p.stem for p in CORPUS.glob("*.txt"))

RESOLVED, AMBIGUOUS, UNRESOLVED = "resolved", "ambiguous", "unresolved"
# (citing file, number as printed) -> (status, target file or candidate files)
EXPECTED = {
    ("nt_05_nq_tu", "18-NQ/TW"): (RESOLVED, "tw_18_nq"),
    ("qn_05_nq_tu", "19-NQ/TW"): (UNRESOLVED, None),
    ("nt_120_kh_ubnd", "05-NQ/TU"): (RESOLVED, "nt_05_nq_tu"),
    ("nt_120_kh_ubnd", "61/2018/NĐ-CP"): (UNRESOLVED, None),
    ("nt_120_kh_ubnd", "107/2021/NĐ-CP"): (UNRESOLVED, None),
    ("nt_120_kh_ubnd", "61/QĐ-UBND"): (UNRESOLVED, None),
    ("nt_120_kh_ubnd", None): (UNRESOLVED, None),                     # a law cited by name and date
    ("nh_45_kh_ubnd", "120/KH-UBND"): (RESOLVED, "nt_120_kh_ubnd"),     # issuer and date decide
    ("nh_45_kh_ubnd", "05-NQ/TU"): (RESOLVED, "nt_05_nq_tu"),          # no date: province and term
    ("nh_45_kh_ubnd", "61/2018/NĐ-CP"): (UNRESOLVED, None),
    ("ns_120_kh_ubnd", "81/2018/NĐ-CP"): (UNRESOLVED, None),
    ("ns_120_kh_ubnd", "05-NQ/TU"): (RESOLVED, "nt_05_nq_tu"),
    ("nt_bc_snv", "120/KH-UBND"): (AMBIGUOUS, {"nt_120_kh_ubnd", "ns_120_kh_ubnd"}),
    ("nt_bc_snv", "05-NQ/TU"): (RESOLVED, "nt_05_nq_tu"),
    ("nt_bc_snv", "05"): (RESOLVED, "nt_05_nq_tu"),                    # short form of the line above
    ("nt_bc_snv", "61/2018/NĐ-CP"): (UNRESOLVED, None),
    ("bnv_bc", "76/NQ-CP"): (UNRESOLVED, None),
    ("bnv_bc", "05-NQ/TU"): (AMBIGUOUS, {"nt_05_nq_tu", "qn_05_nq_tu"}),
    ("bnv_bc", "61/2018/ND-CP"): (UNRESOLVED, None),
}
CITING_61_2018 = {"nt_120_kh_ubnd", "nh_45_kh_ubnd", "nt_bc_snv", "bnv_bc"}


def ingest(store: Store, names: list[str], folder: Path = CORPUS, suffix: str = ".txt") -> dict[str, str]:
    """Ingest files through the real pipeline; file stem -> its (first) document id."""
    ingestor = Ingestor(store, Settings())
    ids = {}
    for name in names:
        outcome = ingestor.ingest_path(folder / f"{name}{suffix}")
        assert outcome.status == "added", outcome.error
        ids[name] = outcome.document_ids[0]
    return ids


@pytest.fixture
def corpus(tmp_path) -> tuple[Store, dict[str, str]]:
    with Store(tmp_path / "vanban.db") as store:
        yield store, ingest(store, FILES)


def resolutions(store: Store, ids: dict[str, str]) -> dict[tuple[str, str], tuple[str, object]]:
    """Every citation as (citing file, number) -> (status, target file / candidate files)."""
    name_of = {v: k for k, v in ids.items()}
    out = {}
    for name, doc_id in ids.items():
        for c in store.citations_of(doc_id):
            target = name_of.get(c["target_id"]) if c["target_id"] else None
            if c["status"] == AMBIGUOUS:
                target = {name_of[x["id"]] for x in c["candidates"]}
            out[(name, c["number"])] = (c["status"], target)
    return out


# ------------------------------------------------------------------ resolution

def test_every_citation_resolves_as_expected(corpus):
    store, ids = corpus
    assert resolutions(store, ids) == EXPECTED


def test_ambiguous_citations_list_each_candidate_with_why(corpus):
    store, ids = corpus
    (c,) = [c for c in store.citations_of(ids["bnv_bc"]) if c["number"] == "05-NQ/TU"]
    assert [x["id"] for x in c["candidates"]] == sorted([ids["nt_05_nq_tu"], ids["qn_05_nq_tu"]])
    whys = {x["id"]: x["why"] for x in c["candidates"]}
    assert whys[ids["nt_05_nq_tu"]].startswith("Nghị quyết 05-NQ/TU, Tỉnh ủy Ninh Thuận, 2021-09-28")
    assert whys[ids["qn_05_nq_tu"]].startswith("Nghị quyết 05-NQ/TU, Tỉnh ủy Quảng Ninh, 2021-04-09")
    assert all(w.endswith(": number, issuer agree; citation gives no date, place") for w in whys.values())


def test_unresolved_citations_share_one_placeholder_per_key(corpus):
    store, ids = corpus
    cits = [c for d in ids.values() for c in store.citations_of(d) if c["status"] == UNRESOLVED]
    assert all(c["placeholder_id"] for c in cits)
    nd61 = {c["placeholder_id"] for c in cits if (c["number"] or "").startswith("61/2018")}
    assert nd61 == {"placeholder:nd|61/2018/nd-cp|2018|central"}
    held = links.placeholders(store, nd61)["placeholder:nd|61/2018/nd-cp|2018|central"]
    assert (held["doc_type"], held["number"], held["issued_date"], held["issuer"]) == \
        ("Nghị định", "61/2018/NĐ-CP", "2018-04-23", "Chính phủ")


def test_show_reports_status_and_target(corpus):
    store, ids = corpus
    doc = store.document(ids["nh_45_kh_ubnd"])
    by_number = {c["number"]: (c["status"], c["target_id"]) for c in doc["citations"]}
    assert by_number["120/KH-UBND"] == (RESOLVED, ids["nt_120_kh_ubnd"])


def test_a_document_cited_before_it_is_ingested_is_linked_when_it_arrives(tmp_path):
    with Store(tmp_path / "vanban.db") as store:
        ids = ingest(store, ["nh_45_kh_ubnd"])
        (c,) = [c for c in store.citations_of(ids["nh_45_kh_ubnd"]) if c["number"] == "120/KH-UBND"]
        assert (c["status"], c["target_id"]) == (UNRESOLVED, None)
        placeholder = c["placeholder_id"]
        assert placeholder in links.placeholders(store, [placeholder])
        ids |= ingest(store, ["nt_120_kh_ubnd"])
        (c,) = [c for c in store.citations_of(ids["nh_45_kh_ubnd"]) if c["number"] == "120/KH-UBND"]
        assert (c["status"], c["target_id"], c["placeholder_id"]) == (RESOLVED, ids["nt_120_kh_ubnd"], None)
        assert links.placeholders(store, [placeholder]) == {}


def test_a_newcomer_turns_a_unique_match_ambiguous(tmp_path):
    with Store(tmp_path / "vanban.db") as store:
        ids = ingest(store, ["bnv_bc", "nt_05_nq_tu"])
        (c,) = [c for c in store.citations_of(ids["bnv_bc"]) if c["number"] == "05-NQ/TU"]
        assert (c["status"], c["target_id"]) == (RESOLVED, ids["nt_05_nq_tu"])
        ids |= ingest(store, ["qn_05_nq_tu"])
        (c,) = [c for c in store.citations_of(ids["bnv_bc"]) if c["number"] == "05-NQ/TU"]
        assert (c["status"], c["target_id"]) == (AMBIGUOUS, None)


def graph_state(store: Store) -> tuple[str, list[tuple], list[tuple], list[tuple]]:
    def rows(sql: str) -> list[tuple]:
        return [tuple(r) for r in store.conn.execute(sql)]

    return (graph.export_graph(store, "json"),
            rows("SELECT id, status, target_id, candidates, placeholder_id, key, why FROM citations ORDER BY id"),
            rows("SELECT * FROM agencies ORDER BY id"),
            rows("SELECT * FROM task_agencies ORDER BY task_id, role, position"))


def test_ingest_order_does_not_matter(tmp_path):
    orders = [FILES, list(reversed(FILES)), random.Random(7).sample(FILES, len(FILES))]
    assert len({tuple(o) for o in orders}) == 3
    states = []
    for i, order in enumerate(orders):
        with Store(tmp_path / f"order{i}.db") as store:
            ingest(store, order)
            states.append(graph_state(store))
    assert states[0] == states[1] == states[2]


def test_relink_recomputes_the_same_graph(corpus):
    store, _ = corpus
    before = graph_state(store)
    counts = relink_all(store)
    assert graph_state(store) == before
    assert counts == {RESOLVED: 7, AMBIGUOUS: 2, UNRESOLVED: 10}


# ------------------------------------------------------------------ renditions and short forms

def docx_rendition(source: Path, folder: Path) -> Path:
    """The same document as a Word file, one paragraph per line."""
    from docx import Document

    doc = Document()
    for line in source.read_text(encoding="utf-8").splitlines():
        if line.strip():
            doc.add_paragraph(line)
    target = folder / f"{source.stem}.docx"
    doc.save(target)
    return target


def test_renditions_are_one_node_not_an_ambiguity(tmp_path, corpus):
    store, ids = corpus
    docx_rendition(CORPUS / "nt_05_nq_tu.txt", tmp_path)
    copy = ingest(store, ["nt_05_nq_tu"], folder=tmp_path, suffix=".docx")["nt_05_nq_tu"]
    original = ids["nt_05_nq_tu"]
    node = min(copy, original)
    assert links.node_of(store, copy) == links.node_of(store, original) == node
    assert resolutions(store, ids | {"nt_05_nq_tu": node}) == EXPECTED
    assert graph.cited_by(store, copy) == graph.cited_by(store, original)
    citing = {r["id"] for r in graph.cites(store, "Nghị quyết 18-NQ/TW")}
    assert citing == {node}      # the resolution and its copy cite 18-NQ/TW: listed once
    listed = [t["doc_id"] for t in graph.obligations(store) if t["doc_id"] in (copy, original)]
    assert listed == [node] * len(store.tasks_of(node)) and listed      # each task once


def test_short_forms_bind_to_the_earlier_mention_or_the_document(corpus):
    store, ids = corpus
    plan = ids["nt_120_kh_ubnd"]
    (nq,) = [c for c in store.citations_of(plan) if c["number"] == "05-NQ/TU"]
    bound = {(m["surface"], m["citation_id"]) for m in links.short_mentions(store, plan)}
    assert bound == {("Nghị quyết nêu trên", nq["id"]), ("Kế hoạch này", None)}
    refs = {r["citation_id"]: r for r in graph.references(store, plan)}
    assert refs[nq["id"]]["short_forms"] == ["Nghị quyết nêu trên"]
    report = {c["number"]: c for c in store.citations_of(ids["nt_bc_snv"])}
    assert report["05"]["antecedent_id"] == report["05-NQ/TU"]["id"]


# ------------------------------------------------------------------ queries

SPELLINGS = [
    "NĐ 61/2018", "ND 61/2018", "Nghị định 61/2018", "nghi dinh 61/2018/nd-cp",
    "Nghị định số 61/2018/NĐ-CP", "Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ",
    "nghị định số 61/2018/nđ-cp", "NGHỊ ĐỊNH SỐ 61/2018/NĐ-CP CỦA CHÍNH PHỦ", "61/2018/ND-CP", "6l/2O18/NĐ-CP",
]


def test_ten_spellings_return_the_identical_citing_set(corpus):
    store, ids = corpus
    expected = sorted(ids[n] for n in CITING_61_2018)
    results = {s: graph.cites(store, s) for s in SPELLINGS}
    for spelling, rows in results.items():
        assert sorted(r["id"] for r in rows) == expected, spelling
        assert results[spelling] == results[SPELLINGS[0]]


def test_cites_never_jumps_to_another_number_or_year(corpus):
    store, ids = corpus
    assert graph.cites(store, "Nghị định 61/2019") == []
    assert graph.cites(store, "Nghị định 16/2018/NĐ-CP") == []
    assert [r["id"] for r in graph.cites(store, "Quyết định 61/QĐ-UBND")] == [ids["nt_120_kh_ubnd"]]


def test_cites_rows_carry_the_citing_sentence(corpus):
    store, ids = corpus
    rows = {r["id"]: r for r in graph.cites(store, "Nghị quyết 05-NQ/TU của Tỉnh ủy Quảng Ninh")}
    assert set(rows) == {ids["bnv_bc"]}     # only the Bộ Nội vụ report may mean Quảng Ninh's
    row = rows[ids["bnv_bc"]]
    assert (row["status"], row["relation"], row["doc_type"], row["number"], row["issuer"], row["issued_date"]) == \
        (AMBIGUOUS, "tham_chieu", "Báo cáo", "5120/BC-BNV", "Bộ Nội vụ", "2022-09-15")
    assert row["sentence"].startswith("Nhiều địa phương đã ban hành nghị quyết chuyên đề")
    assert "Nghị quyết số 05-NQ/TU của Tỉnh ủy" in row["sentence"]


def test_cited_by_and_references(corpus):
    store, ids = corpus
    citing = graph.cited_by(store, ids["nt_05_nq_tu"])
    assert {r["id"]: r["status"] for r in citing} == {
        ids["nt_120_kh_ubnd"]: RESOLVED, ids["nh_45_kh_ubnd"]: RESOLVED, ids["ns_120_kh_ubnd"]: RESOLVED,
        ids["nt_bc_snv"]: RESOLVED, ids["bnv_bc"]: AMBIGUOUS}
    refs = graph.references(store, ids["nh_45_kh_ubnd"])
    assert [(r["number"], r["status"], r["placeholder"]) for r in refs] == [
        ("120/KH-UBND", RESOLVED, False), ("05-NQ/TU", RESOLVED, False), ("61/2018/NĐ-CP", UNRESOLVED, True)]
    assert refs[0]["id"] == ids["nt_120_kh_ubnd"]
    assert refs[2]["id"] == "placeholder:nd|61/2018/nd-cp|2018|central"


def test_neighbourhood_includes_placeholders(corpus):
    store, ids = corpus
    hood = graph.neighbourhood(store, ids["nt_120_kh_ubnd"])
    nodes = {n["id"]: n["placeholder"] for n in hood["nodes"]}
    assert {ids[n]: False for n in ("nt_120_kh_ubnd", "nt_05_nq_tu", "nh_45_kh_ubnd", "ns_120_kh_ubnd",
                                    "nt_bc_snv")}.items() <= nodes.items()
    assert nodes["placeholder:nd|61/2018/nd-cp|2018|central"] is True
    edges = {(e["source"], e["target"], e["status"]) for e in hood["edges"]}
    assert (ids["nh_45_kh_ubnd"], ids["nt_120_kh_ubnd"], RESOLVED) in edges
    assert (ids["nt_bc_snv"], ids["nt_120_kh_ubnd"], AMBIGUOUS) in edges
    assert (ids["nt_bc_snv"], ids["ns_120_kh_ubnd"], AMBIGUOUS) in edges
    assert all(e["source"] in nodes and e["target"] in nodes for e in hood["edges"])


def test_export_graphml_and_json_agree(corpus):
    store, _ = corpus
    data = json.loads(graph.export_graph(store, "json"))
    root = ET.fromstring(graph.export_graph(store, "graphml"))
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    assert {n.get("id") for n in root.iterfind(".//g:node", ns)} == {n["id"] for n in data["nodes"]}
    assert len(root.findall(".//g:edge", ns)) == len(data["edges"])
    placeholders = [n for n in data["nodes"] if n["placeholder"]]
    assert len(placeholders) == 7      # 19-NQ/TW, 61/2018, 107/2021, 61/QĐ-UBND, 81/2018, 76/NQ-CP,
    #                                    and the Luật cited by name and date
    assert len(data["nodes"]) == len(FILES) + 7


# ------------------------------------------------------------------ tasks, agencies, trace

def task_of(store: Store, doc_id: str) -> dict:
    tasks = store.tasks_of(doc_id)
    if not tasks:
        pytest.fail(f"no task extracted from {doc_id}")
    return tasks[0]


def cli_app():
    from api.cli import app

    return app


def run_cli(*args: str) -> dict | list:
    result = CliRunner().invoke(cli_app(), list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_trace_from_a_district_task_to_the_central_resolution(corpus, tmp_path):
    store, ids = corpus
    task = task_of(store, ids["nh_45_kh_ubnd"])
    result = run_cli("trace", task["id"], "--db", str(store.path), "--format", "json")
    assert result["task"]["id"] == task["id"]
    chain = ["nh_45_kh_ubnd", "nt_120_kh_ubnd", "nt_05_nq_tu", "tw_18_nq"]
    assert [h["document"]["id"] for h in result["hops"]] == [ids[n] for n in chain]
    assert result["hops"][0]["via"] is None
    assert [h["via"]["relation"] for h in result["hops"][1:]] == ["thuc_hien"] * 3
    assert [h["document"]["number"] for h in result["hops"]] == ["45/KH-UBND", "120/KH-UBND", "05-NQ/TU",
                                                                 "18-NQ/TW"]
    for hop in result["hops"][1:]:
        assert hop["via"]["sentence"].startswith("Thực hiện ")
        assert hop["document"]["number"] in hop["via"]["sentence"]
    text = CliRunner().invoke(cli_app(), ["trace", task["id"], "--db", str(store.path)])
    assert text.exit_code == 0 and text.stdout.count("↑ thuc_hien [resolved]") == 3


def test_trace_ends_at_a_placeholder_when_the_source_is_not_in_the_corpus(corpus):
    store, ids = corpus
    hops = graph.trace(store, task_of(store, ids["qn_05_nq_tu"])["id"])["hops"]
    assert [h["document"]["id"] for h in hops] == [ids["qn_05_nq_tu"], "placeholder:nq|19-nq/tw|2017|central"]
    last = hops[-1]
    assert (last["document"]["placeholder"], last["document"]["number"], last["document"]["issued_date"]) == \
        (True, "19-NQ/TW", "2017-10-25")
    assert (last["via"]["relation"], last["via"]["status"]) == ("thuc_hien", UNRESOLVED)


def test_trace_stops_at_a_cycle(tmp_path):
    a = ("ỦY BAN NHÂN DÂN\nTỈNH NINH THUẬN\n\nSố: 7/KH-UBND\n\nNinh Thuận, ngày 10 tháng 3 năm 2022\n\n"
         "KẾ HOẠCH\n\nKiểm tra cải cách hành chính\n\nThực hiện Quyết định số 8/QĐ-UBND ngày 10/3/2022 "
         "của Ủy ban nhân dân tỉnh Ninh Thuận, Ủy ban nhân dân tỉnh ban hành Kế hoạch như sau:\n\n"
         "1. Giao Sở Nội vụ chủ trì kiểm tra, hoàn thành trước ngày 30/6/2022.\n")
    b = ("ỦY BAN NHÂN DÂN\nTỈNH NINH THUẬN\n\nSố: 8/QĐ-UBND\n\nNinh Thuận, ngày 10 tháng 3 năm 2022\n\n"
         "QUYẾT ĐỊNH\n\nThành lập Đoàn kiểm tra cải cách hành chính\n\nThực hiện Kế hoạch số 7/KH-UBND "
         "ngày 10/3/2022 của Ủy ban nhân dân tỉnh Ninh Thuận, Chủ tịch Ủy ban nhân dân tỉnh quyết định.\n")
    (tmp_path / "a.txt").write_text(a, encoding="utf-8")
    (tmp_path / "b.txt").write_text(b, encoding="utf-8")
    with Store(tmp_path / "vanban.db") as store:
        ids = ingest(store, ["a", "b"], folder=tmp_path)
        hops = graph.trace(store, task_of(store, ids["a"])["id"])["hops"]
        assert [h["document"]["id"] for h in hops] == [ids["a"], ids["b"]]


def test_agency_registry_is_scoped_by_province(corpus):
    store, ids = corpus
    nt = {t["id"] for t in graph.obligations(store, agency="Sở Nội vụ tỉnh Ninh Thuận")}
    for spelling in ("Sở NV tỉnh Ninh Thuận", "SNV Ninh Thuận", "sở nội vụ ninh thuận"):
        assert {t["id"] for t in graph.obligations(store, agency=spelling)} == nt, spelling
    qn = {t["id"] for t in graph.obligations(store, agency="Sở Nội vụ tỉnh Quảng Ninh")}
    every = {t["id"] for t in graph.obligations(store, agency="Sở Nội vụ")}
    assert nt and qn and not nt & qn and every == nt | qn
    assert {t["doc_id"] for t in graph.obligations(store, agency="Sở Nội vụ tỉnh Quảng Ninh")} == \
        {ids["qn_05_nq_tu"]}
    led = graph.obligations(store, agency="Sở Nội vụ tỉnh Ninh Thuận", role="lead")
    assert [t["doc_id"] for t in led] == [ids["nt_120_kh_ubnd"]]


def test_tasks_by_deadline_through_the_cli(corpus):
    store, ids = corpus
    db = str(store.path)
    overdue = run_cli("tasks", "--db", db, "--overdue", "--today", "2022-07-01", "--format", "json")
    assert [t["due"] for t in overdue] == sorted(t["due"] for t in overdue)
    assert all(t["due"] < "2022-07-01" for t in overdue)
    assert {"id", "text", "lead", "due", "support", "doc_id", "doc_number", "doc_type"} <= set(overdue[0])
    district = run_cli("tasks", "--db", db, "--agency", "Phòng Nội vụ huyện Ninh Hải", "--year", "2022",
                       "--format", "json")
    assert [(t["doc_id"], t["due"]) for t in district] == [(ids["nh_45_kh_ubnd"], "2022-09-30")]
    before = run_cli("tasks", "--db", db, "--due-before", "2021-06-30", "--format", "json")
    assert [(t["doc_number"], t["due"]) for t in before] == [("05-NQ/TU", "2021-06-30")]


def test_cli_cites_cited_by_and_export(corpus, tmp_path):
    store, ids = corpus
    db = str(store.path)
    rows = run_cli("cites", "Nghị định 61/2018", "--db", db, "--format", "json")
    assert {r["id"] for r in rows} == {ids[n] for n in CITING_61_2018}
    assert all({"id", "doc_type", "number", "issuer", "issued_date", "status"} <= set(r) for r in rows)
    rows = run_cli("cited-by", ids["tw_18_nq"], "--db", db, "--format", "json")
    assert [(r["id"], r["status"]) for r in rows] == [(ids["nt_05_nq_tu"], RESOLVED)]
    out = tmp_path / "graph.graphml"
    result = CliRunner().invoke(cli_app(), ["export", "--db", db, "--format", "graphml", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert ET.parse(out).getroot().tag.endswith("graphml")
    for args, shown in ((["cites", "NĐ 61/2018"], "[unresolved]"), (["cited-by", ids["tw_18_nq"]], "[resolved]"),
                        (["references", ids["nt_bc_snv"]], "[ambiguous]")):
        text = CliRunner().invoke(cli_app(), [*args, "--db", db])
        assert text.exit_code == 0 and shown in text.stdout, args
    assert run_cli("relink", "--db", db, "--format", "json") == {RESOLVED: 7, AMBIGUOUS: 2, UNRESOLVED: 10}
