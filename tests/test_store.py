"""The SQLite store: schema versioning, one row per content hash, atomic writes,
search with and without diacritics (đ included)."""
from __future__ import annotations

import sqlite3

import pytest

from ingest.normalize import build_layout
from store.db import SCHEMA_VERSION, Store, document_id
from vanban.models import BlockKind, Citation, DocumentRecord, RawBlock, ReadResult, Relation, SourceFile


def _file(text: str, name: str = "a.txt") -> tuple[SourceFile, ReadResult]:
    read = ReadResult([RawBlock(BlockKind.PARAGRAPH, t) for t in text.split("\n\n")])
    return SourceFile(name, text.encode("utf-8"), "text/plain"), read


def _add(store: Store, text: str, records=None, name="a.txt"):
    source, read = _file(text, name)
    return store.add_file(source, read, build_layout(read), records or [DocumentRecord()])


PLAN = ("KẾ HOẠCH\n\nCăn cứ Quyết định số 4788/QĐ-UBND ngày 30/12/2021 của UBND tỉnh.\n\n"
        "Triển khai Nghị định số 61/2018/NĐ-CP về cơ chế một cửa và Đề án vị trí việc làm.")


def test_new_database_is_at_current_schema_version(store):
    assert store.schema_version == SCHEMA_VERSION
    tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"files", "layouts", "blocks", "documents", "citations", "tasks", "scores", "search"} <= tables


def test_migrate_is_idempotent_and_reopening_keeps_data(db_path):
    with Store(db_path) as s:
        _add(s, PLAN)
    with Store(db_path) as s:
        assert s.migrate() == SCHEMA_VERSION
        assert s.stats()["files"] == 1


def test_same_content_is_stored_once(store):
    added, ids = _add(store, PLAN, name="plan.txt")
    again, same_ids = _add(store, PLAN, name="copy-of-plan.txt")
    assert added is True and again is False
    assert ids == same_ids == [document_id(SourceFile("x", PLAN.encode()).sha256, 1)]
    assert store.stats()["files"] == 1 and store.stats()["documents"] == 1


def test_original_bytes_are_kept_read_only(store):
    source, read = _file(PLAN)
    store.add_file(source, read, build_layout(read), [DocumentRecord()])
    blob = store.blob_path(source.sha256)
    assert blob.read_bytes() == PLAN.encode("utf-8")
    assert not blob.stat().st_mode & 0o222


def test_a_failed_write_leaves_nothing_behind(store):
    bad = DocumentRecord(citations=[Citation("Nghị định", "61/2018/NĐ-CP", surface="x")])
    bad.citations[0].relation = None  # type: ignore[assignment] - makes the insert fail
    with pytest.raises(AttributeError):
        _add(store, PLAN, [bad])
    assert store.stats() == {"files": 0, "documents": 0, "citations": 0, "tasks": 0, "scores": 0}
    assert store.conn.execute("SELECT count(*) FROM search").fetchone()[0] == 0


@pytest.mark.parametrize("query", ["quyet dinh 4788", "Quyết định 4788", "QUYẾT ĐỊNH 4788",
                                   "nghi dinh 61/2018", "Nghị định 61/2018", "de an", "Đề án"])
def test_search_with_or_without_diacritics(store, query):
    _, ids = _add(store, PLAN)
    _add(store, "BÁO CÁO\n\nTình hình kinh tế xã hội quý III.", name="other.txt")
    assert [h["id"] for h in store.search(query)] == ids


def test_search_phrase_keeps_symbol_parts_together(store):
    _, ids = _add(store, PLAN)
    assert [h["id"] for h in store.search("61/2018")] == ids
    assert store.search("61/2030") == []
    assert store.search("   ") == []


def test_citations_and_documents_round_trip(store):
    record = DocumentRecord(doc_type="Kế hoạch", number="205/KH-UBND", issued_date="2022-08-24",
                            citations=[Citation("Nghị định", "61/2018/NĐ-CP", issuer="Chính phủ",
                                                surface="Nghị định số 61/2018/NĐ-CP",
                                                relation=Relation.CAN_CU)])
    _, (doc_id,) = _add(store, PLAN, [record])
    doc = store.document(doc_id)
    assert (doc["doc_type"], doc["number"], doc["issued_date"]) == ("Kế hoạch", "205/KH-UBND", "2022-08-24")
    assert [(c["number"], c["relation"], c["status"]) for c in doc["citations"]] == [
        ("61/2018/NĐ-CP", "can_cu", "unresolved")]
    assert store.resolve_document_id(doc_id[:6]) == doc_id
    assert store.documents(doc_type="Kế hoạch", year=2022)[0]["id"] == doc_id
    assert store.documents(year=2021) == []


def test_delete_removes_everything_of_a_file(store):
    source, read = _file(PLAN)
    store.add_file(source, read, build_layout(read), [DocumentRecord()])
    blob = store.blob_path(source.sha256)
    assert store.delete_file(source.sha256)
    assert store.stats()["files"] == 0 and store.search("quyet dinh") == []
    assert not blob.exists()
    assert store.delete_file(source.sha256) is False


def test_concurrent_writers_do_not_duplicate(db_path):
    """Two connections adding the same file: one adds, the other sees it present."""
    first, second = Store(db_path), Store(db_path)
    try:
        source, read = _file(PLAN)
        layout = build_layout(read)
        results = [first.add_file(source, read, layout, [DocumentRecord()]),
                   second.add_file(source, read, layout, [DocumentRecord()])]
        assert sorted(r[0] for r in results) == [False, True]
        assert first.stats()["files"] == 1
    finally:
        first.close()
        second.close()


def test_database_is_plain_sqlite(db_path):
    with Store(db_path) as s:
        _add(s, PLAN)
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT count(*) FROM search WHERE search MATCH 'dinh'").fetchone()[0] == 1
