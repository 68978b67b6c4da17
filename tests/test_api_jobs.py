"""Uploads through the job queue: `wait=0` answers 202 at once and the jobs then
complete, `/api/jobs` lists and shows them, the queue page lists them in Vietnamese,
and a `vanban serve` killed with SIGKILL while jobs are queued finishes every one of
them, each file stored once, when it starts again. Real SQLite files, real worker
processes, a real server process; no mocks."""
from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from store.db import Store
from store.jobs import Jobs
from test_api import AUTH, PLAN, SAMPLES, TOKEN, build_archive, error_of, upload
from test_api_server import notice, start_serve, vanban_serve
from vanban.config import Settings
from vanban.jobs import owners_dir
from vanban.models import SourceFile

T = TypeVar("T")
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000)     # a legacy .doc: refused at once


def eventually(probe: Callable[[], T | None], what: str, timeout: float = 120.0) -> T:
    """The first truthy value of `probe`, looked at until `timeout` seconds have passed."""
    deadline = time.monotonic() + timeout
    while not (value := probe()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)
    return value


def finished(get: Callable[[str], Any], job_ids: list[int]) -> list[dict[str, Any]] | None:
    jobs = [get(f"/api/jobs/{i}").json() for i in job_ids]
    return jobs if all(j["state"] in ("done", "failed") for j in jobs) else None


def sha(data: bytes) -> str:
    return SourceFile("x", data).sha256


@pytest.fixture
def archive(tmp_path) -> Path:
    return build_archive(tmp_path / "vanban.db")


@pytest.fixture
def client(archive) -> Iterator[TestClient]:
    with TestClient(create_app(archive, Settings(api_token=TOKEN), workers=1)) as c:
        yield c


# ---------------------------------------------------------------- wait=0, jobs API

def test_wait_zero_answers_202_at_once_and_the_jobs_then_complete(client):
    files = [notice(1), notice(2), ("cu.doc", OLE)]
    response = client.post("/api/files?wait=0", files=[("files", f) for f in files], headers=AUTH)
    assert response.status_code == 202
    body = response.json()
    assert [(f["name"], f["status"]) for f in body["files"]] == [
        ("thong-bao-1.txt", "queued"), ("thong-bao-2.txt", "queued"), ("cu.doc", "failed")]
    assert (body["added"], body["present"], body["failed"], body["queued"], body["running"]) == (0, 0, 1, 2, 0)
    assert [f["documents"] for f in body["files"]] == [[], [], []]
    assert [f["sha256"] for f in body["files"]] == [sha(notice(1)[1]), sha(notice(2)[1]), None]
    assert body["files"][2]["error"]["code"] == "unsupported_media_type"
    job_ids = [f["job_id"] for f in body["files"]]

    jobs = eventually(lambda: finished(client.get, job_ids), "the jobs to finish")
    assert [(j["state"], j["outcome"], j["attempts"]) for j in jobs] == [
        ("done", "added", 1), ("done", "added", 1), ("failed", None, 0)]
    assert jobs[2]["reason"] == body["files"][2]["error"]["message"]
    assert "application/x-ole-storage" in jobs[2]["reason"]
    with Store(client.app.state.db_path) as store:
        for job in jobs[:2]:
            assert [d["id"] for d in job["documents"]] == store.document_ids(job["sha256"]) != []
    for job in jobs[:2]:
        for doc in job["documents"]:
            assert client.get(f"/api/documents/{doc['id']}").json()["file_name"] == job["name"]
    assert client.get("/api/stats").json()["files"] == len(SAMPLES) + 2
    listed = client.get("/api/jobs", params={"batch": body["batch"]}).json()
    assert [j["id"] for j in listed["items"]] == sorted(job_ids, reverse=True) and listed["total"] == 3
    assert listed["items"][0] == jobs[2]   # the refused file's job was created last


def test_waiting_upload_answers_the_final_status_with_its_job(client):
    response = upload(client, notice(3), (PLAN.name, PLAN.data))
    assert response.status_code == 200
    body = response.json()
    added, present = body["files"]
    assert (added["status"], present["status"], body["queued"], body["running"]) == ("added", "present", 0, 0)
    job = client.get(f"/api/jobs/{present['job_id']}").json()
    assert {k: job[k] for k in ("batch", "origin", "name", "state", "outcome", "attempts", "reason", "sha256")} == {
        "batch": body["batch"], "origin": "upload", "name": PLAN.name, "state": "done", "outcome": "present",
        "attempts": 1, "reason": None, "sha256": PLAN.sha256}
    assert job["documents"] == present["documents"] and job["documents"][0]["number"] == "56/KH-UBND"
    assert job["created_at"] <= job["started_at"] <= job["finished_at"]


def test_unknown_job_is_a_404_and_bad_parameters_a_422(client):
    assert error_of(client.get("/api/jobs/999999")) == (404, "job_not_found")
    assert error_of(client.get("/api/jobs/abc")) == (422, "invalid_request")
    for query, parameter in (("state=finished", "state"), ("limit=0", "limit"), ("offset=-1", "offset")):
        response = client.get(f"/api/jobs?{query}")
        assert error_of(response) == (422, "invalid_request")
        assert f"{parameter}: " in response.json()["error"]["message"]
    for wait in ("-1", "301", "soon"):
        response = client.post(f"/api/files?wait={wait}", files={"files": notice(4)}, headers=AUTH)
        assert error_of(response) == (422, "invalid_request") and "wait: " in response.json()["error"]["message"]
    assert client.get("/api/stats").json()["files"] == len(SAMPLES)


def test_jobs_are_listed_newest_first_by_state_and_page(client):
    first = upload(client, notice(5), ("a.doc", OLE)).json()
    second = upload(client, notice(6)).json()
    ids = [f["job_id"] for f in first["files"] + second["files"]]

    def listed(**params: Any) -> tuple[list[int], int]:
        page = client.get("/api/jobs", params=params).json()
        return [j["id"] for j in page["items"]], page["total"]

    assert listed() == (sorted(ids, reverse=True), 3)
    assert listed(state="failed") == ([ids[1]], 1)
    assert listed(state="done") == ([ids[2], ids[0]], 2)
    assert listed(state="queued") == ([], 0)
    assert listed(batch=first["batch"], state="done") == ([ids[0]], 1)
    assert listed(limit=1, offset=1) == ([sorted(ids, reverse=True)[1]], 3)
    assert listed(offset=3) == ([], 3)
    page = client.get("/api/jobs", params={"limit": 2}).json()
    assert (page["limit"], page["offset"]) == (2, 0)


def test_queue_page_lists_jobs_in_vietnamese(client):
    body = upload(client, notice(7), ("cu.doc", OLE)).json()
    html = client.get("/hang-doi").text
    assert "Hàng đợi xử lý tệp" in html and 'aria-current="page">Hàng đợi</a>' in html
    assert html.count('class="job-row"') == 2
    assert 'data-state="done"' in html and 'data-state="failed"' in html
    for text in ("thong-bao-7.txt", "cu.doc", "Hoàn tất", "Đã thêm", "Lỗi", "Tải lên", "Số lần thử",
                 body["files"][1]["error"]["message"], f'/van-ban/{body["files"][0]["documents"][0]["id"]}'):
        assert text in html, text
    assert 'http-equiv="refresh"' not in html   # nothing left to wait for
    failed = client.get("/hang-doi?trang_thai=failed").text
    assert failed.count('class="job-row"') == 1 and "thong-bao-7.txt" not in failed
    assert client.get("/hang-doi?trang_thai=nope").status_code == 422


def test_queue_page_reloads_itself_while_files_wait(archive):
    with Store(archive) as store:
        Jobs(store).enqueue(batch="upload-test", origin="upload", name="cho.txt", data=notice(8)[1])
    # Outside `with`, the test client does not run the app's lifespan: no worker takes the job.
    html = TestClient(create_app(archive, Settings())).get("/hang-doi").text
    assert 'data-state="queued"' in html and "Đang chờ" in html and "cho.txt" in html
    assert '<meta http-equiv="refresh" content="5">' in html


# ---------------------------------------------------------------- kill -9 and restart

def test_a_server_killed_while_jobs_are_queued_finishes_them_after_a_restart(tmp_path):
    db = build_archive(tmp_path / "vanban.db")
    files = [notice(n) for n in range(100, 120)]
    process, base = start_serve(db, tmp_path / "first.log", "--workers", "1")
    try:
        workers = eventually(lambda: sorted(owners_dir(db).glob("*.lock")), "the worker to start")
        response = httpx.post(f"{base}/api/files", params={"wait": 0}, headers=AUTH, timeout=60,
                              files=[("files", f) for f in files])
        assert response.status_code == 202
        body = response.json()
        assert [f["status"] for f in body["files"]] == ["queued"] * len(files)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    # The killed server's worker ends once its current job does, whatever it was.
    eventually(lambda: not any(lock.exists() for lock in workers), "the orphaned worker to end")
    with Store(db) as store:
        counts = Jobs(store).counts(batch=body["batch"])
    assert counts["queued"] > 0 and counts["running"] == 0
    assert counts["queued"] + counts["done"] == len(files)

    with vanban_serve(db, tmp_path / "second.log", "--workers", "1") as base:
        def batch_done() -> list[dict[str, Any]] | None:
            page = httpx.get(f"{base}/api/jobs", params={"batch": body["batch"], "limit": 100}).json()
            return page["items"] if all(j["state"] == "done" for j in page["items"]) else None

        jobs = sorted(eventually(batch_done, "every job to be done"), key=lambda j: j["id"])
        assert [j["id"] for j in jobs] == [f["job_id"] for f in body["files"]]
        assert [(j["name"], j["outcome"], j["attempts"]) for j in jobs] == [
            (name, "added", 1) for name, _ in files]
        stats = httpx.get(f"{base}/api/stats").json()
        for job in jobs:
            for doc in job["documents"]:
                assert httpx.get(f"{base}/api/documents/{doc['id']}").json()["sha256"] == job["sha256"]
    with Store(db) as store:
        assert sorted(store.all_file_hashes()) == sorted([s.sha256 for s in SAMPLES] + [sha(d) for _, d in files])
        assert stats["files"] == len(SAMPLES) + len(files)
        assert list(Jobs(store).spool_dir.glob("??/*")) == []
