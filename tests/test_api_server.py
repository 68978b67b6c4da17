"""A real `vanban serve` process under concurrent clients: 20 simultaneous uploads of
distinct files all land, the same file sent twice at once lands once, and an
oversize upload is cut off without the server reading the whole body. Each upload
is queued and waits (the default) for the server's worker processes to ingest it."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from test_api import AUTH, FORMATS, PLAN, build_archive

ROOT = Path(__file__).resolve().parent.parent
VANBAN = Path(sys.executable).with_name("vanban")
CORPUS_FILES = sorted([*(ROOT / "corpus" / "seeds").glob("*.txt"), *FORMATS.glob("*.docx"),
                       *(p for p in FORMATS.glob("*.pdf") if not p.name.endswith(".scan.pdf"))])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_serve(db: Path, log: Path, *options: str, **env: str) -> tuple[subprocess.Popen[bytes], str]:
    """`vanban serve` on a free port, answering; the caller stops the process."""
    port = free_port()
    environment = {**os.environ, "VANBAN_TOKEN": AUTH["Authorization"].split()[1], **env}
    with log.open("ab") as out:
        process = subprocess.Popen([str(VANBAN), "serve", "--port", str(port), "--db", str(db), *options],
                                   env=environment, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(f"{base}/api/stats", timeout=1).raise_for_status()
            return process, base
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                process.wait()
                raise RuntimeError(f"vanban serve did not start:\n{log.read_text()}") from None
            time.sleep(0.1)


@contextmanager
def vanban_serve(db: Path, log: Path, *options: str, **env: str) -> Iterator[str]:
    """`vanban serve` on a free port; yields its base URL once it answers."""
    process, base = start_serve(db, log, *options, **env)
    try:
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


LIMIT = 1_000_000    # every bundled file is smaller


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("server")
    with vanban_serve(build_archive(folder / "vanban.db"), folder / "server.log",
                      VANBAN_MAX_BYTES=str(LIMIT)) as base:
        yield base


def stored_files(base: str) -> int:
    return httpx.get(f"{base}/api/stats").json()["files"]


def notice(n: int) -> tuple[str, bytes]:
    """A tiny notice in the seeds' style, distinct for each n."""
    text = (f"ỦY BAN NHÂN DÂN\nHUYỆN DIÊN KHÁNH\n\nSố: {n}/TB-UBND\n\nDiên Khánh, ngày {n} tháng 3 năm 2024\n\n"
            f"THÔNG BÁO\n\nLịch tiếp công dân tháng 3 năm 2024, đợt {n}\n\n"
            f"Ủy ban nhân dân huyện thông báo lịch tiếp công dân định kỳ đợt {n} như sau.")
    return f"thong-bao-{n}.txt", text.encode("utf-8")


def post_together(base: str, files: list[tuple[str, bytes]]) -> list[dict]:
    """Each file in its own request, all released at the same instant."""
    barrier = threading.Barrier(len(files))
    results: list[dict] = [{}] * len(files)

    def send(i: int) -> None:
        with httpx.Client(timeout=120) as client:
            barrier.wait()
            response = client.post(f"{base}/api/files", files={"files": files[i]}, headers=AUTH)
            results[i] = {"http": response.status_code, **response.json()}

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(files))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_twenty_simultaneous_uploads_of_distinct_files_all_land(server):
    files = [(p.name, p.read_bytes()) for p in CORPUS_FILES]
    files += [notice(n) for n in range(1, 21 - len(files))]
    assert len(files) == 20 and len({data for _, data in files}) == 20
    before = stored_files(server)
    results = post_together(server, files)
    assert [r["http"] for r in results] == [200] * 20
    assert [r["files"][0]["status"] for r in results] == ["added"] * 20
    stats = httpx.get(f"{server}/api/stats").json()
    assert stats["files"] == before + 20
    listed = httpx.get(f"{server}/api/documents", params={"limit": 200}).json()
    assert {d["id"] for r in results for d in r["files"][0]["documents"]} <= {d["id"] for d in listed["items"]}
    assert listed["total"] == stats["documents"]


def test_the_same_file_uploaded_twice_at_once_lands_once(server):
    pdf = next(p for p in CORPUS_FILES if p.suffix == ".pdf")
    data = pdf.read_bytes() + b"\n% a copy no other test sends\n"   # still a valid PDF
    before = stored_files(server)
    results = post_together(server, [(pdf.name, data), ("ban-sao.pdf", data)])
    assert sorted(r["files"][0]["status"] for r in results) == ["added", "present"]
    assert results[0]["files"][0]["documents"] == results[1]["files"][0]["documents"] != []
    assert stored_files(server) == before + 1


def test_an_oversize_upload_is_cut_off_early(server):
    total = 64 * LIMIT
    sent = 0

    def body() -> Iterator[bytes]:
        nonlocal sent
        yield (b'--xyz\r\nContent-Disposition: form-data; name="files"; filename="lon.txt"\r\n'
               b"Content-Type: text/plain\r\n\r\n")
        chunk = "Kế hoạch cải cách hành chính. ".encode() * 2000
        while sent < total:
            sent += len(chunk)
            yield chunk
        yield b"\r\n--xyz--\r\n"

    before = stored_files(server)
    try:
        response = httpx.post(f"{server}/api/files", content=body(), timeout=60,
                              headers={**AUTH, "Content-Type": "multipart/form-data; boundary=xyz"})
        assert response.status_code == 413
        assert response.json()["error"]["code"] == "file_too_large"
    except httpx.TransportError:
        pass    # the server answered 413 and closed while the client was still sending
    assert sent < total / 4
    assert stored_files(server) == before
    small = httpx.post(f"{server}/api/files", files={"files": (PLAN.name, PLAN.data)}, headers=AUTH)
    assert small.json()["files"][0]["status"] == "present"


def test_serve_answers_the_web_ui_and_its_assets(server):
    home = httpx.get(f"{server}/")
    assert home.status_code == 200 and "Kéo thả tệp vào đây" in home.text
    css = httpx.get(f"{server}/static/app.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
