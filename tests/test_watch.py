"""The drop folder: stability, filing without clobbering, read-only mode, restarts,
and the acceptance run of 200 dropped files (with a kill -9 in the middle).
Real folders, real SQLite files, real `vanban watch` processes; no mocks."""
from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import docx
import pytest
from PIL import Image

from conftest import CORPUS, SEEDS, STEMS
from store.db import Store
from store.jobs import Jobs
from vanban.config import Settings
from vanban.jobs import owner_is_dead, owners_dir, run_next
from vanban.models import SourceFile
from vanban.pipeline import Ingestor
from vanban.watch import REASON_SUFFIX, Watcher, WatchOptions, free_name
from samples import encrypted_pdf, zip_of

VANBAN = Path(sys.executable).with_name("vanban")
FORMATS = CORPUS / "formats"
MAX_BYTES = 1_000_000
BINARY = bytes(range(256)) * 20
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8


def _sha(data: bytes) -> str:
    return SourceFile("x", data).sha256


def _put(root: Path, rel: str, data: bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _tree(root: Path) -> dict[str, bytes]:
    """Every file under `root` (hidden ones too), by relative path."""
    if not root.is_dir():
        return {}
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "VANBAN_DB"}
    return {**env, "VANBAN_MAX_BYTES": str(MAX_BYTES)}


def _watch_args(inbox: Path, db: Path, *extra: str) -> list[str]:
    return [str(VANBAN), "watch", str(inbox), "--db", str(db), "--settle", "0.5", "--workers", "2", *extra]


def _watch_once(inbox: Path, db: Path, *extra: str) -> dict:
    done = subprocess.run(_watch_args(inbox, db, "--once", "--format", "json", *extra),
                          env=_env(), capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _wait_for(predicate, timeout: float = 120.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


class Clock:
    """A clock the test moves by hand, so that "unchanged for `settle` seconds" is exact."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _watcher(store: Store, inbox: Path, clock: Clock, **options) -> Watcher:
    return Watcher(store, WatchOptions.beside(inbox, **options), Settings(), "test-batch", clock=clock)


def _run_all(store: Store) -> None:
    jobs, ingestor = Jobs(store), Ingestor(store)
    while run_next(jobs, ingestor, "test-worker") is not None:
        pass


# ---------------------------------------------------------------- names

def test_free_name_never_takes_a_name_or_its_reason_file(tmp_path):
    _put(tmp_path, "a.pdf", b"1")
    _put(tmp_path, "a (1).pdf", b"2")
    _put(tmp_path, "b.pdf.reason.txt", b"someone else's")
    assert free_name(tmp_path / "a.pdf", False) == tmp_path / "a (2).pdf"
    assert free_name(tmp_path / "b.pdf", False) == tmp_path / "b.pdf"
    assert free_name(tmp_path / "b.pdf", True) == tmp_path / "b (1).pdf"
    assert free_name(tmp_path / "c.tar.gz", True) == tmp_path / "c.tar.gz"


# ---------------------------------------------------------------- taking files

def test_a_file_is_taken_only_after_it_stays_unchanged_for_the_settle_time(tmp_path, store):
    inbox = tmp_path / "in"
    part = SEEDS[0].read_bytes()
    path = _put(inbox, "đang-chép.txt", part[:5000])
    clock = Clock()
    watcher = _watcher(store, inbox, clock, settle=1.0, rescan=float("inf"))
    jobs = Jobs(store)
    watcher.scan()
    watcher.step()                        # t=0: first look
    clock.now = 0.5
    with path.open("ab") as fh:          # the copy goes on
        fh.write(part[5000:])
    watcher.step()                        # changed: the settle time starts again
    clock.now = 1.25
    watcher.step()
    assert jobs.counts()["queued"] == 0   # unchanged for 0.75 s only
    clock.now = 1.5
    watcher.step()
    [job] = jobs.recent()
    assert (job.state, job.size, job.name) == ("queued", len(part), "đang-chép.txt")
    assert jobs.spool_path(job.sha256).read_bytes() == part


def test_the_rescan_finds_files_no_event_reported(tmp_path, store):
    inbox = tmp_path / "in"
    inbox.mkdir()
    clock = Clock()
    watcher = _watcher(store, inbox, clock, settle=0.0, rescan=30.0)
    watcher.scan()
    watcher.step()
    _put(inbox, "sub/late.txt", SEEDS[1].read_bytes())   # nobody calls notice()
    clock.now = 29.0
    watcher.step()
    watcher.step()
    assert Jobs(store).recent() == []
    clock.now = 30.0
    watcher.step()                        # rescan due: first look
    watcher.step()                        # unchanged: taken
    [job] = Jobs(store).recent()
    assert job.path == str(inbox.resolve() / "sub" / "late.txt")


def test_hidden_files_and_office_lock_files_are_left_alone(tmp_path, store):
    inbox = tmp_path / "in"
    _put(inbox, ".partial.txt", SEEDS[0].read_bytes())
    _put(inbox, "~$báo cáo.docx", b"owner file")
    _put(inbox, ".sync/x.txt", SEEDS[1].read_bytes())
    watcher = _watcher(store, inbox, Clock(), settle=0.0)
    watcher.scan()
    watcher.step()
    watcher.step()
    assert watcher.idle and Jobs(store).recent() == []


# ---------------------------------------------------------------- filing and restarts

def test_restart_finishes_each_interrupted_filing_step_without_repeating_it(tmp_path, store):
    """The states a crash can leave between a job's end and its file's move."""
    inbox = tmp_path / "in"
    texts = {f"{name}.txt": seed.read_bytes() for name, seed in zip("abc", SEEDS)}
    for name, data in texts.items():
        _put(inbox, name, data)
    _put(inbox, "bad.txt", BINARY)
    first = _watcher(store, inbox, Clock(), settle=0.0)
    first.scan()
    first.step()
    first.step()
    _run_all(store)
    jobs = Jobs(store)
    by_name = {j.name: j for j in jobs.unfiled(first.inbox)}
    options = first.options
    # a: destination recorded, then the crash (nothing moved)
    jobs.plan_filing(by_name["a.txt"].id, str(options.archive / "a.txt"))
    # b: destination recorded, someone else took that name before the restart
    jobs.plan_filing(by_name["b.txt"].id, str(options.archive / "b.txt"))
    _put(options.archive, "b.txt", b"someone else's")
    # bad: recorded and moved, then the crash (no reason file, not marked filed)
    jobs.plan_filing(by_name["bad.txt"].id, str(options.quarantine / "bad.txt"))
    options.quarantine.mkdir()
    os.rename(inbox / "bad.txt", options.quarantine / "bad.txt")
    # c: not filed at all

    second = _watcher(store, inbox, Clock(), settle=0.0)
    second.resume()
    second.scan()
    second.step()
    assert second.idle
    assert _tree(inbox) == {}
    assert _tree(options.archive) == {"a.txt": texts["a.txt"], "b.txt": b"someone else's",
                                      "b (1).txt": texts["b.txt"], "c.txt": texts["c.txt"]}
    assert _tree(options.quarantine).keys() == {"bad.txt", "bad.txt" + REASON_SUFFIX}
    reason = (options.quarantine / ("bad.txt" + REASON_SUFFIX)).read_text(encoding="utf-8")
    assert reason.splitlines()[0] == "binary file of unknown format"
    assert [j.filed_to for j in jobs.recent(limit=10)][::-1] == [
        str(options.archive / "a.txt"), str(options.archive / "b (1).txt"),
        str(options.quarantine / "bad.txt"), str(options.archive / "c.txt")]
    assert len(jobs.recent(limit=10)) == 4   # nothing was taken twice


def test_a_file_replaced_after_it_was_taken_is_taken_again_not_filed_as_the_old_one(tmp_path, store):
    inbox = tmp_path / "in"
    old, new = SEEDS[0].read_bytes(), SEEDS[1].read_bytes()
    path = _put(inbox, "a.txt", old)
    watcher = _watcher(store, inbox, Clock(), settle=0.0)
    watcher.scan()
    watcher.step()
    watcher.step()
    path.write_bytes(new)                 # the clerk drops a corrected version
    _run_all(store)
    watcher.step()                        # the old job ends: nothing of its own to move
    watcher.scan()
    watcher.step()
    watcher.step()                        # the new file is taken
    _run_all(store)
    watcher.step()
    first, second = Jobs(store).recent()[::-1]
    assert (first.sha256, first.filed_to) == (_sha(old), None)
    assert (second.sha256, second.filed_to) == (_sha(new), str(watcher.options.archive / "a.txt"))
    assert _tree(watcher.options.archive) == {"a.txt": new}
    assert sorted(store.all_file_hashes()) == sorted([_sha(old), _sha(new)])


# ---------------------------------------------------------------- the command

def test_watch_once_files_good_and_bad_and_never_overwrites(tmp_path):
    inbox, db = tmp_path / "in", tmp_path / "vanban.db"
    archive, quarantine = tmp_path / "in-archive", tmp_path / "in-quarantine"
    seed = SEEDS[0].read_bytes()
    _put(inbox, "công văn.txt", seed)
    _put(inbox, "lần 2/công văn.txt", seed)
    _put(inbox, "ghi chú.txt", BINARY)
    _put(inbox, "trống.txt", b"")
    _put(inbox, ".đang tải.txt", SEEDS[1].read_bytes())
    _put(archive, "công văn.txt", b"an older file of the same name")
    _put(quarantine, "trống.txt" + REASON_SUFFIX, b"someone else's note")

    report = _watch_once(inbox, db)

    assert {k: report[k] for k in ("archive", "quarantine", "inbox", "gone")} == \
        {"archive": 2, "quarantine": 2, "inbox": 0, "gone": 0}
    assert _tree(inbox) == {".đang tải.txt": SEEDS[1].read_bytes()}
    assert _tree(archive) == {"công văn.txt": b"an older file of the same name",
                              "công văn (1).txt": seed, "lần 2/công văn.txt": seed}
    assert set(_tree(quarantine)) == {"ghi chú.txt", "ghi chú.txt" + REASON_SUFFIX, "trống (1).txt",
                                      "trống (1).txt" + REASON_SUFFIX, "trống.txt" + REASON_SUFFIX}
    assert _tree(quarantine)["trống.txt" + REASON_SUFFIX] == b"someone else's note"
    assert _first_line(quarantine / ("ghi chú.txt" + REASON_SUFFIX)) == "binary file of unknown format"
    assert _first_line(quarantine / ("trống (1).txt" + REASON_SUFFIX)) == "empty file"
    with Store(db) as store:
        assert store.all_file_hashes() == [_sha(seed)]
        outcomes = sorted(f["outcome"] or f["reason"] for f in report["files"])
        assert outcomes == ["added", "binary file of unknown format", "empty file", "present"]

    listing = subprocess.run([str(VANBAN), "jobs", "--db", str(db), "--format", "json"],
                             env=_env(), capture_output=True, text=True, check=True)
    listed = json.loads(listing.stdout)
    assert listed["counts"] == {"queued": 0, "running": 0, "done": 2, "failed": 2}
    assert {j["path"] for j in listed["jobs"]} == {str(inbox / n) for n in (
        "công văn.txt", "lần 2/công văn.txt", "ghi chú.txt", "trống.txt")}
    failed = subprocess.run([str(VANBAN), "jobs", "--db", str(db), "--state", "failed"],
                            env=_env(), capture_output=True, text=True, check=True)
    assert "binary file of unknown format" in failed.stdout and "công văn" not in failed.stdout


def _first_line(path: Path) -> str:
    return path.read_text(encoding="utf-8").splitlines()[0]


def test_read_only_moves_nothing_and_takes_each_content_once(tmp_path):
    inbox, db = tmp_path / "in", tmp_path / "vanban.db"
    a, b = SEEDS[0].read_bytes(), SEEDS[1].read_bytes()
    _put(inbox, "a.txt", a)
    _put(inbox, "b.txt", b)
    _put(inbox, "bad.txt", BINARY)
    stats = {p.name: p.stat().st_mtime_ns for p in inbox.iterdir()}

    first = _watch_once(inbox, db, "--read-only")
    assert first["inbox"] == 3
    again = _watch_once(inbox, db, "--read-only")
    assert again["files"] == []
    assert _tree(inbox) == {"a.txt": a, "b.txt": b, "bad.txt": BINARY}
    assert {p.name: p.stat().st_mtime_ns for p in inbox.iterdir()} == stats
    assert not (tmp_path / "in-archive").exists() and not (tmp_path / "in-quarantine").exists()

    os.utime(inbox / "a.txt")                         # touched, same content
    with (inbox / "b.txt").open("ab") as fh:          # edited
        fh.write("\nBổ sung.\n".encode())
    third = _watch_once(inbox, db, "--read-only")
    assert [f["path"] for f in third["files"]] == [str(inbox / "b.txt")]
    with Store(db) as store:
        assert sorted(store.all_file_hashes()) == sorted([_sha(a), _sha(b), _sha(b + "\nBổ sung.\n".encode())])
        assert len(Jobs(store).recent()) == 4


def test_watch_takes_files_as_they_arrive_and_stops_cleanly_on_sigterm(tmp_path):
    inbox, db = tmp_path / "in", tmp_path / "vanban.db"
    inbox.mkdir()
    proc = subprocess.Popen(_watch_args(inbox, db, "--rescan", "2"), env=_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _put(inbox, "mới.txt", SEEDS[2].read_bytes())
        _wait_for(lambda: (tmp_path / "in-archive" / "mới.txt").exists(), what="archived")
        _put(inbox, "hỏng.pdf", b"%PDF-1.4\nnot really\n")
        _wait_for(lambda: (tmp_path / "in-quarantine" / ("hỏng.pdf" + REASON_SUFFIX)).exists(),
                  what="quarantined")
    finally:
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr
    assert "archived 1, quarantined 1" in stderr
    assert list(owners_dir(db).glob("*.lock")) == []   # the workers ended and said so


def test_workers_of_a_killed_watch_finish_their_job_and_leave(tmp_path):
    """kill -9 of the watch process alone: its workers must not linger, and a restart
    files everything exactly once."""
    inbox, db = tmp_path / "in", tmp_path / "vanban.db"
    texts = {f"{i:02}.txt": SEEDS[i % 5].read_bytes() + f"\nBản {i}.\n".encode() for i in range(16)}
    for name, data in texts.items():
        _put(inbox, name, data)
    proc = subprocess.Popen(_watch_args(inbox, db, "--once"), env=_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers = owners_dir(db)
    _wait_for(lambda: len(list(workers.glob("*.lock"))) == 2, what="two workers")
    owners = [p.name.removesuffix(".lock") for p in workers.glob("*.lock")]
    _wait_for(lambda: len(_tree(tmp_path / "in-archive")) >= 3, what="some files archived")
    proc.kill()
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    _wait_for(lambda: all(owner_is_dead(workers, o) for o in owners), what="orphans to leave")

    _watch_once(inbox, db)
    assert _tree(inbox) == {}
    assert _tree(tmp_path / "in-archive") == texts
    with Store(db) as store:
        assert sorted(store.all_file_hashes()) == sorted(_sha(d) for d in texts.values())
        assert len(Jobs(store).recent(limit=100)) == 16


# ---------------------------------------------------------------- acceptance: 200 files

@dataclass
class Drop:
    """What was dropped and where each file must end."""
    archive: dict[str, bytes] = field(default_factory=dict)          # rel path -> bytes
    quarantine: dict[str, re.Pattern[str]] = field(default_factory=dict)   # rel path -> reason

    def good(self, rel: str, data: bytes) -> None:
        self.archive[rel] = data

    def bad(self, rel: str, reason: str, *, pattern: bool = False) -> None:
        self.quarantine[rel] = re.compile(reason if pattern else re.escape(reason))

    @property
    def count(self) -> int:
        return len(self.archive) + len(self.quarantine)


def _ocr_available() -> bool:
    if not shutil.which("tesseract"):
        return False
    langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True).stdout
    return "vie" in langs.split()


def _make_drop(inbox: Path) -> Drop:
    """200 files: the bundled corpus (text, DOCX, born-digital PDF) with variations,
    copies under other names, exact duplicates, and inputs that must be refused."""
    drop = Drop()
    seeds = [s.read_bytes() for s in SEEDS]
    docxs = [(FORMATS / f"{stem}.docx").read_bytes() for stem in STEMS]
    pdfs = [(FORMATS / f"{stem}.pdf").read_bytes() for stem in STEMS]
    for stem, text, word, pdf in zip(STEMS, seeds, docxs, pdfs):
        drop.good(f"{stem}.txt", text)
        drop.good(f"{stem}.docx", word)
        drop.good(f"{stem}.pdf", pdf)
    for i in range(86):          # a line appended: a new document each
        drop.good(f"biến thể/{STEMS[i % 5]}-{i:02}.txt", seeds[i % 5] + f"\nGhi chú bổ sung số {i}.\n".encode())
    for i in range(10):
        drop.good(f"biến thể/{STEMS[i % 5]}-{i:02}.docx", _docx_with_paragraph(docxs[i % 5], f"Phụ lục {i}"))
        drop.good(f"biến thể/{STEMS[i % 5]}-{i:02}.pdf", pdfs[i % 5] + f"% bản {i}\n".encode())
    distinct = list(drop.archive.items())
    for i in range(40):          # the same bytes under another name
        rel, data = distinct[(i * 7) % len(distinct)]
        drop.good(f"bản sao/sao-{i:02}{Path(rel).suffix}", data)
    for rel, data in distinct[:30]:   # the same file again, same name, another folder
        drop.good(f"gửi lại/{Path(rel).name}", data)

    half_pdf = pdfs[4][: len(pdfs[4]) // 2]
    drop.bad("hỏng/cắt-nửa.pdf", "corrupt PDF: not in PDF format or damaged; "
             "the file looks truncated (no %%EOF at the end)")
    drop.bad("hỏng/mật-khẩu.pdf", "encrypted PDF (password required)")
    drop.bad("hỏng/trống.txt", "empty file")
    drop.bad("hỏng/word-cũ.docx", "legacy binary Word/Excel file (.doc/.xls) is not supported; save it as .docx")
    drop.bad("hỏng/bảng.docx", "a ZIP archive, not a DOCX document")
    drop.bad("hỏng/bom.docx", r"refused: word/document\.xml expands [\d,]+ times \(limit 100\), "
             r"a possible zip bomb", pattern=True)
    drop.bad("hỏng/nhị-phân.txt", "binary file of unknown format")
    big = (seeds[0] * (MAX_BYTES // len(seeds[0]) + 1))[: MAX_BYTES + 1]
    drop.bad("hỏng/quá-lớn.txt", f"file too large: {len(big):,} bytes > limit {MAX_BYTES:,}")
    # A scan saved with the wrong extension: formats are told by content, so with OCR
    # it is read as the image it is and stored; without OCR it is refused, saying why.
    scan = _png_named_pdf()
    if _ocr_available():
        drop.good("ảnh-tên-pdf.pdf", scan)
    else:
        drop.bad("ảnh-tên-pdf.pdf", r"tesseract.*", pattern=True)

    for rel, data in drop.archive.items():
        _put(inbox, rel, data)
    bad_bytes = {
        "hỏng/cắt-nửa.pdf": half_pdf, "hỏng/mật-khẩu.pdf": encrypted_pdf(), "hỏng/trống.txt": b"",
        "hỏng/word-cũ.docx": OLE,
        "hỏng/bảng.docx": zip_of({"xl/workbook.xml": b"<workbook/>", "[Content_Types].xml": b"<Types/>"}),
        "hỏng/bom.docx": zip_of({"[Content_Types].xml": b"<Types/>",
                               "word/document.xml": b"<w:p/>" * (50 * 1024 * 1024 // 6)}),
        "hỏng/nhị-phân.txt": BINARY, "hỏng/quá-lớn.txt": big, "ảnh-tên-pdf.pdf": scan}
    for rel, data in bad_bytes.items():
        _put(inbox, rel, data)
    assert drop.count == 200 and len(_tree(inbox)) == 200
    return drop


def _docx_with_paragraph(data: bytes, text: str) -> bytes:
    document = docx.Document(io.BytesIO(data))
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _png_named_pdf() -> bytes:
    """The top quarter of a scanned page (a few lines of text: quick to OCR)."""
    page = Image.open(FORMATS / f"{STEMS[0]}.scan-p1.png")
    out = io.BytesIO()
    page.crop((0, 0, page.width, page.height // 4)).save(out, "PNG")
    return out.getvalue()


def _assert_end_state(root: Path, drop: Drop) -> None:
    inbox, db = root / "in", root / "vanban.db"
    assert _tree(inbox) == {}
    assert _tree(root / "in-archive") == drop.archive
    quarantined = _tree(root / "in-quarantine")
    assert set(quarantined) == set(drop.quarantine) | {rel + REASON_SUFFIX for rel in drop.quarantine}
    for rel, reason in drop.quarantine.items():
        assert reason.fullmatch(_first_line(root / "in-quarantine" / (rel + REASON_SUFFIX))), rel

    with Store(db) as store:
        # exactly the distinct good documents, each whole
        hashes = store.all_file_hashes()
        assert sorted(hashes) == sorted({_sha(data) for data in drop.archive.values()})
        for sha in hashes:
            assert store.layout(sha).text and store.document_ids(sha)
        stats = store.stats()
        search_rows = store.conn.execute("SELECT count(*) FROM search").fetchone()[0]
        assert search_rows == stats["documents"]
        # one job per dropped file, every one finished and filed, nothing left spooled
        jobs = Jobs(store)
        assert jobs.counts() == {"queued": 0, "running": 0, "done": len(drop.archive),
                                 "failed": len(drop.quarantine)}
        assert jobs.unfiled(str(inbox)) == []
        assert list(jobs.spool_dir.glob("??/*")) == []
    assert list(owners_dir(db).glob("*.lock")) == []


@pytest.mark.slow
def test_200_dropped_files_end_archived_or_quarantined(tmp_path):
    drop = _make_drop(tmp_path / "in")
    report = _watch_once(tmp_path / "in", tmp_path / "vanban.db")
    assert (report["archive"], report["quarantine"]) == (len(drop.archive), len(drop.quarantine))
    _assert_end_state(tmp_path, drop)


@pytest.mark.slow
def test_200_dropped_files_survive_kill_9_in_the_middle_and_a_restart(tmp_path):
    inbox, db = tmp_path / "in", tmp_path / "vanban.db"
    drop = _make_drop(inbox)
    proc = subprocess.Popen(_watch_args(inbox, db, "--once"), env=_env(), start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def filed() -> int:
        archived = len(_tree(tmp_path / "in-archive"))
        return archived + sum(not n.endswith(REASON_SUFFIX) for n in _tree(tmp_path / "in-quarantine"))

    _wait_for(lambda: filed() >= 60, timeout=300, what="60 files filed")
    assert proc.poll() is None, "the run ended before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)   # the watcher and its workers, all at once
    proc.wait()
    with Store(db) as store:
        counts = Jobs(store).counts()
    assert counts["done"] + counts["failed"] >= 60
    assert counts["queued"] + counts["running"] > 0   # killed with work in hand

    _watch_once(inbox, db)
    _assert_end_state(tmp_path, drop)
