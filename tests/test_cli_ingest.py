"""`vanban ingest`, `show` and `search` on real files through the command line: a batch
with bad inputs fails file by file with one clear line each, the rest lands, ingesting
twice adds nothing, search ignores diacritics and đ."""
from __future__ import annotations

import json
import sqlite3

import pytest
from typer.testing import CliRunner

from api.cli import app
from conftest import CORPUS, SEEDS
from samples import binary_noise, blank_png, encrypted_pdf, zip_bomb, zip_of

runner = CliRunner()


def _run(*args: str, env: dict[str, str] | None = None):
    return runner.invoke(app, list(args), env=env)


BAD = {
    "hỏng.pdf": (lambda: (CORPUS / "formats" / f"{SEEDS[4].stem}.pdf").read_bytes()[:3000],
                 "corrupt PDF"),
    "mật-khẩu.pdf": (encrypted_pdf, "encrypted PDF (password required)"),
    "trống.txt": (lambda: b"", "empty file"),
    "văn-bản.docx": (lambda: "Thông báo: văn bản thuần, đặt tên .docx".encode("utf-8"), None),
    "không-phải-zip.docx": (lambda: b"PK\x03\x04word/document.xml" + bytes(range(256)) * 8, "DOCX"),
    "bom.docx": (zip_bomb, "zip bomb"),
    "ảnh.pdf": (blank_png, "no text found"),
    "nhị-phân.txt": (binary_noise, "binary"),
    "quá-lớn.txt": (lambda: ("Căn cứ Luật " * 20_000).encode("utf-8"), "file too large"),
    "lưu-trữ.docx": (lambda: zip_of({"a.txt": b"hello"}), "ZIP archive, not a DOCX"),
}


@pytest.fixture
def batch(tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    for seed in SEEDS[:3]:
        (folder / seed.name).write_bytes(seed.read_bytes())
    for name, (make, _) in BAD.items():
        (folder / name).write_bytes(make())
    return folder


def test_bad_inputs_fail_alone_with_a_clear_reason(batch, tmp_path):
    db = tmp_path / "v.db"
    result = _run("ingest", str(batch), "--db", str(db), "--format", "json",
                  env={"VANBAN_MAX_BYTES": "100000"})
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    by_name = {f["path"].rsplit("/", 1)[-1]: f for f in report["files"]}
    assert (report["added"], report["present"], report["failed"]) == (4, 0, 9)
    for seed in SEEDS[:3]:
        assert by_name[seed.name]["status"] == "added" and by_name[seed.name]["document_ids"]
    # A text file named .docx is plain text by content: it is read as text, not refused.
    assert by_name["văn-bản.docx"]["status"] == "added"
    for name, (_, reason) in BAD.items():
        if reason is not None:
            assert by_name[name]["status"] == "failed", name
            assert reason in by_name[name]["error"], (name, by_name[name]["error"])
    # one line per failure on stderr, naming the file and the reason
    failure_lines = [line for line in result.stderr.splitlines() if line.startswith("failed ")]
    assert len(failure_lines) == 9
    assert any("mật-khẩu.pdf" in line and "encrypted PDF" in line for line in failure_lines)
    # the database holds exactly the good files, each complete
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM files").fetchone()[0] == 4
    assert conn.execute("SELECT count(*) FROM files f LEFT JOIN layouts l USING (sha256) "
                        "WHERE l.sha256 IS NULL").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM documents d LEFT JOIN search s ON s.doc_id = d.id "
                        "WHERE s.doc_id IS NULL").fetchone()[0] == 0
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_ingesting_twice_adds_nothing(tmp_path):
    db = str(tmp_path / "v.db")
    first = json.loads(_run("ingest", str(CORPUS / "seeds"), "--db", db, "--format", "json").stdout)
    second = json.loads(_run("ingest", str(CORPUS / "seeds"), "--db", db, "--format", "json").stdout)
    assert (first["added"], first["present"]) == (5, 0)
    assert (second["added"], second["present"], second["failed"]) == (0, 5, 0)
    assert [f["document_ids"] for f in first["files"]] == [f["document_ids"] for f in second["files"]]
    text = _run("ingest", str(CORPUS / "seeds"), "--db", db)
    assert "added 0, already present 5, failed 0" in text.stderr


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("db") / "v.db")
    assert _run("ingest", str(CORPUS / "seeds"), "--db", db).exit_code == 0
    return db


def _ids(db: str, query: str) -> list[str]:
    result = _run("search", query, "--db", db, "--format", "json")
    assert result.exit_code == 0, result.output
    return [hit["id"] for hit in json.loads(result.stdout)]


@pytest.mark.parametrize("plain, marked", [
    ("quyet dinh 4788", "Quyết định 4788"),
    ("nghi dinh 61/2018", "Nghị định 61/2018"),
    ("de an vi tri viec lam", "Đề án vị trí việc làm"),
    ("dang uy so tai nguyen", "Đảng ủy Sở Tài nguyên"),
])
def test_search_with_and_without_diacritics(seeded_db, plain, marked):
    found = _ids(seeded_db, plain)
    assert found and sorted(found) == sorted(_ids(seeded_db, marked))


def test_search_finds_the_plan_by_its_citation(seeded_db):
    hits = json.loads(_run("search", "quyet dinh 4788", "--db", seeded_db, "--format", "json").stdout)
    assert {"205/KH-UBND"} == {h["number"] for h in hits}
    assert {"id", "doc_type", "number"} <= set(hits[0])


def test_show_prints_the_document(seeded_db):
    (hit,) = json.loads(_run("search", "205/KH-UBND", "--db", seeded_db, "--format", "json").stdout)
    shown = json.loads(_run("show", hit["id"][:8], "--db", seeded_db, "--format", "json").stdout)
    assert (shown["doc_type"], shown["number"], shown["issued_date"]) == ("Kế hoạch", "205/KH-UBND", "2022-08-24")
    numbers = {c["number"] for c in shown["citations"]}
    assert {"61/2018/NĐ-CP", "4788/QĐ-UBND", "05-NQ/TU", "92/2017/NĐ-CP"} <= numbers
    assert len(shown["tasks"]) == 273 and len(shown["scores"]) == 359
    missing = _run("show", "ffffffff", "--db", seeded_db)
    assert missing.exit_code == 2 and "no document" in missing.stderr


def test_search_shows_each_document_once_across_its_renditions(tmp_path):
    db = str(tmp_path / "v.db")
    stem = SEEDS[3].stem
    files = [str(SEEDS[3])] + [str(CORPUS / "formats" / f"{stem}.{ext}") for ext in ("docx", "pdf")]
    assert _run("ingest", *files, "--db", db).exit_code == 0
    hits = json.loads(_run("search", "kiem tra cai cach hanh chinh", "--db", db, "--format", "json").stdout)
    assert [(h["number"], h["renditions"]) for h in hits] == [("110/KH-UBND", 3)]
