"""The web UI in real headless Chromium (Debian's, driven by Playwright) against a
real `vanban serve`: drop a seed PDF and see its number, search without diacritics
and open the plan that cites the decree, follow a task's trace to its source, see
uploads in the job queue. Screenshots go to tests/artifacts/ (git-ignored)."""
from __future__ import annotations

import base64
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from test_api import AUTH, CORPUS_PDFS, DECISION, PLAN, ROOT, build_archive
from test_api_server import notice, vanban_serve

sync_api = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "tests" / "artifacts"
OLE_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000)     # a legacy .doc: refused


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("web")
    with vanban_serve(build_archive(folder / "vanban.db"), folder / "server.log") as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[sync_api.Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (./install.sh installs it)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, site) -> Iterator[sync_api.Page]:
    context = browser.new_context(base_url=site, viewport={"width": 1366, "height": 768}, locale="vi-VN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield page
    context.close()
    assert errors == [], errors     # no script errors, no resource blocked by the CSP


def shot(page: sync_api.Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page: sync_api.Page) -> None:
    page.goto("/")
    page.get_by_role("link", name="Đăng nhập").first.click()
    page.get_by_label("Mã truy cập").fill(AUTH["Authorization"].split()[1])
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/")


def gold_number(pdf: Path) -> str | None:
    """The number the hand annotation says the file prints, if any."""
    gold = json.loads((ROOT / "corpus" / "gold" / f"{pdf.stem}.json").read_text(encoding="utf-8"))
    return gold["documents"][0]["number"]


def drop(page: sync_api.Page, selector: str, paths: list[Path], media_type: str) -> None:
    """Drop files on an element the way a file manager does (a DataTransfer)."""
    transfer = page.evaluate_handle(
        """(files) => {
             const transfer = new DataTransfer();
             for (const [data, name, type] of files) {
               const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
               transfer.items.add(new File([bytes], name, { type }));
             }
             return transfer;
           }""", [[base64.b64encode(p.read_bytes()).decode(), p.name, media_type] for p in paths])
    page.dispatch_event(selector, "drop", {"dataTransfer": transfer})


def test_dropping_seed_pdfs_shows_their_numbers(page, site):
    sign_in(page)
    drop(page, "#dropzone", CORPUS_PDFS, "application/pdf")
    rows = page.locator(".upload-row")
    sync_api.expect(rows).to_have_count(len(CORPUS_PDFS))
    shown = {}
    for pdf, row in zip(CORPUS_PDFS, rows.all()):
        sync_api.expect(row).to_have_attribute("data-state", "added", timeout=60_000)
        sync_api.expect(row.locator(".file-name")).to_have_text(pdf.name)
        sync_api.expect(row.locator("progress")).to_have_attribute("value", "100")
        link = row.locator("a.doc-link").first
        doc_id = link.get_attribute("href").rsplit("/", 1)[1]
        stored = httpx.get(f"{site}/api/documents/{doc_id}").json()["number"]
        sync_api.expect(link.locator(".doc-number")).to_have_text(stored or "(chưa rõ số)")
        shown[pdf] = stored
    # The page shows what was extracted; how many numbers the extractor reads is its
    # own tests' business, but a seed that prints its number must show it here.
    assert any(number and number == gold_number(pdf) for pdf, number in shown.items()), shown
    shot(page, "upload")
    pdf = next(p for p, number in shown.items() if number)
    page.set_input_files("#file-input", str(pdf))   # the same file again, by the file chooser
    again = rows.nth(len(CORPUS_PDFS))
    sync_api.expect(again).to_have_attribute("data-state", "present", timeout=60_000)
    sync_api.expect(again.locator(".status")).to_have_text("Đã có (trùng)")
    again.locator("a.doc-link").first.click()
    sync_api.expect(page.locator("h1 .doc-number")).to_have_text(shown[pdf])


def test_search_without_diacritics_finds_the_plan_citing_the_decree(page):
    page.goto("/")
    page.get_by_label("Tìm văn bản").fill("nghi dinh 61/2018")
    page.get_by_label("Tìm văn bản").press("Enter")
    page.wait_for_url("**/tim-kiem?q=nghi+dinh+61%2F2018")
    hit = page.locator(".hit").filter(has=page.locator(".doc-number", has_text=PLAN.fields["number"]))
    sync_api.expect(hit).to_have_count(1)
    sync_api.expect(hit.locator(".snippet mark").first).to_be_visible()
    sync_api.expect(page.locator(".facet").first).to_contain_text("Kế hoạch")
    shot(page, "search")
    hit.locator("a.doc-link").click()
    sync_api.expect(page.locator("h1 .doc-number")).to_have_text(PLAN.fields["number"])
    sync_api.expect(page.locator("#doc-text mark.k-citation")).to_have_count(2)
    sync_api.expect(page.locator("#doc-text .anchor[id^='m-t']")).to_have_count(3)   # one per task
    sync_api.expect(page.locator("#doc-text mark.k-field").first).to_be_visible()
    resolved = page.locator("#citations .cite.st-resolved a.cite-target")
    sync_api.expect(resolved).to_have_text(f"Quyết định {DECISION.fields['number']}")
    sync_api.expect(page.locator("#citations .cite.st-unresolved .cite-placeholder")).to_have_text(
        "Nghị định 61/2018/NĐ-CP")
    shot(page, "document")
    page.locator("#doc-text mark.k-citation").first.click()
    sync_api.expect(page.locator("#citations li.flash")).to_have_count(1)


def test_a_task_leads_through_its_trace_to_the_source(page):
    page.goto("/nhiem-vu")
    card = page.locator(".card").filter(has_text="Rà soát quy trình nội bộ")
    sync_api.expect(card).to_have_class("card overdue")
    sync_api.expect(card.locator(".badge.overdue")).to_contain_text("Quá hạn")
    shot(page, "tasks")
    card.locator("a.task-open").click()
    sync_api.expect(page.locator("h1")).to_have_text("Truy vết nhiệm vụ")
    hops = page.locator(".hop .doc-number")
    sync_api.expect(hops).to_have_text([PLAN.fields["number"], DECISION.fields["number"], "61/2018/NĐ-CP"])
    sync_api.expect(page.locator(".hop.source")).to_contain_text("Chưa có trong kho")
    shot(page, "trace")
    page.locator(".hop a.doc-link", has_text=DECISION.fields["number"]).click()
    sync_api.expect(page.locator("h1 .doc-number")).to_have_text(DECISION.fields["number"])
    shot(page, "source")


def test_citation_graph_is_drawn_inline(page):
    page.goto(f"/van-ban/{PLAN.doc_id}/do-thi")
    sync_api.expect(page.locator("svg#graph g.node")).to_have_count(4)
    sync_api.expect(page.locator("svg#graph path.edge")).to_have_count(3)
    sync_api.expect(page.locator("svg#graph g.node.center text.label")).to_have_text(PLAN.fields["number"])
    shot(page, "graph")
    page.locator("svg#graph g.node", has_text=DECISION.fields["number"]).locator("a").click()
    sync_api.expect(page.locator("h1 .doc-number")).to_have_text(DECISION.fields["number"])


def test_the_queue_page_lists_uploads_with_their_state_and_reason(page, site):
    notice_name, notice_data = notice(41)
    body = httpx.post(f"{site}/api/files", headers=AUTH, timeout=120,
                      files=[("files", (notice_name, notice_data)), ("files", ("cu.doc", OLE_DOC))]).json()
    assert [f["status"] for f in body["files"]] == ["added", "failed"]
    page.goto("/")
    page.get_by_role("link", name="Hàng đợi").click()
    sync_api.expect(page.locator("h1")).to_have_text("Hàng đợi xử lý tệp")
    done = page.locator(".job-row").filter(has=page.locator(".file-name", has_text=notice_name))
    sync_api.expect(done).to_have_attribute("data-state", "done")
    sync_api.expect(done.locator(".status")).to_have_text("Hoàn tất")
    failed = page.locator(".job-row").filter(has=page.locator(".file-name", has_text="cu.doc"))
    sync_api.expect(failed.locator(".status")).to_have_text("Lỗi")
    sync_api.expect(failed.locator(".error-text")).to_contain_text("application/x-ole-storage")
    shot(page, "queue")
    done.locator("a.doc-link").click()
    sync_api.expect(page.locator("h1 .doc-number")).to_have_text("41/TB-UBND")
