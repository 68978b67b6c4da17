"""The born-digital PDF reader and the DOCX reader.

Similarity is rapidfuzz's `fuzz.ratio` (normalised Indel similarity, 0-100) between the
reference text and the reader's `build_layout(...).text`, both put through
`canonical` and with every run of whitespace squashed to one space.
"""
from __future__ import annotations

import ctypes
import io
import zipfile

import docx
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from rapidfuzz import fuzz

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Cm
from docx.table import _Cell

from ingest import docx as docx_reader
from ingest.base import OcrPage, ReadError
from ingest.docx import read_docx
from ingest.normalize import build_layout
from ingest.ocr import TesseractEngine
from ingest.pdf import read_pdf, text_layer_problem
from ingest.quality import cer
from conftest import CORPUS, STEMS
from vanban.models import BlockKind, RawBlock
from vanban.text import canonical, squash_spaces
from samples import CATALOG, raw_pdf, zip_of

FORMATS = CORPUS / "formats"
REFERENCE = CORPUS / "reference"
MIN_SIMILARITY = 98.0


def _squashed(text: str) -> str:
    return squash_spaces(canonical(text))


def _similarity(stem: str, text: str) -> float:
    reference = (REFERENCE / f"{stem}.ref.txt").read_text(encoding="utf-8")
    return fuzz.ratio(_squashed(reference), _squashed(text))


def _kinds(blocks: list[RawBlock]) -> list[str]:
    return [b.kind.value for b in blocks]


# ---------------------------------------------------------------- acceptance: similarity

@pytest.mark.parametrize("stem", STEMS)
def test_docx_text_matches_reference(stem):
    layout = build_layout(read_docx((FORMATS / f"{stem}.docx").read_bytes()))
    assert _similarity(stem, layout.text) >= MIN_SIMILARITY


@pytest.mark.parametrize("stem", STEMS)
def test_pdf_text_matches_reference(stem):
    layout = build_layout(read_pdf((FORMATS / f"{stem}.pdf").read_bytes()))
    assert _similarity(stem, layout.text) >= MIN_SIMILARITY


@pytest.mark.parametrize("stem", STEMS)
def test_pdf_reports_pages_and_needs_no_ocr(stem):
    data = (FORMATS / f"{stem}.pdf").read_bytes()
    result = read_pdf(data)
    assert result.page_count == len(pdfium.PdfDocument(data))
    assert result.warnings == [] and result.ocr_pages == []
    # Body blocks in page order; a table continued over pages carries its first page.
    pages = [b.page for b in result.blocks]
    assert pages[0] == 1 and pages == sorted(pages) and pages[-1] <= result.page_count


def test_pdf_tables_come_out_as_tables_not_body_text():
    """Every table in the DOCX is a table in the PDF reading too (same cell texts)."""
    stem = STEMS[0]
    from_docx = [b for b in read_docx((FORMATS / f"{stem}.docx").read_bytes()).blocks
                 if b.kind == BlockKind.TABLE]
    from_pdf = [b for b in read_pdf((FORMATS / f"{stem}.pdf").read_bytes()).blocks
                if b.kind == BlockKind.TABLE]
    assert from_docx and len(from_pdf) == len(from_docx)
    for expected, got in zip(from_docx, from_pdf):
        assert len(got.rows) == len(expected.rows)
        assert [_squashed(" ".join(r)) for r in got.rows] == [_squashed(" ".join(r)) for r in expected.rows]


# ---------------------------------------------------------------- PDF: positions and layout

def test_pdf_source_position_points_to_page_two():
    data = (FORMATS / f"{STEMS[3]}.pdf").read_bytes()
    page_two = pdfium.PdfDocument(data)[1].get_textpage().get_text_range()
    # A whole line from the middle of page 2, as the text layer has it.
    line = max(page_two.split("\r\n")[5:15], key=len).strip()
    layout = build_layout(read_pdf(data))
    at = layout.text.find(canonical(line))
    assert at >= 0
    page, offset = layout.source_position(at)
    assert page == 2
    assert page_two[offset:offset + len(line)] == line
    assert layout.span(at, at + len(line)).page == 2


def _pdf(pages: list[list[tuple]], document: pdfium.PdfDocument | None = None) -> bytes:
    """A PDF with Helvetica text lines ("text", x, y, size, str) and ruled lines
    ("rule", x0, y0, x1, y1) on new A4 pages, or on the pages of `document`."""
    document = document or pdfium.PdfDocument.new()
    for index, items in enumerate(pages):
        page = document[index] if index < len(document) else document.new_page(595, 842)
        for item in items:
            if item[0] == "text":
                _, x, y, size, text = item
                obj = pdfium_c.FPDFPageObj_NewTextObj(document, b"Helvetica", size)
                wide = ctypes.create_string_buffer((text + "\0").encode("utf-16-le"))
                pdfium_c.FPDFText_SetText(obj, ctypes.cast(wide, ctypes.POINTER(pdfium_c.FPDF_WCHAR)))
                pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, y)
            else:
                _, x0, y0, x1, y1 = item
                obj = pdfium_c.FPDFPageObj_CreateNewPath(x0, y0)
                pdfium_c.FPDFPath_LineTo(obj, x1, y1)
                pdfium_c.FPDFPath_SetDrawMode(obj, pdfium_c.FPDF_FILLMODE_NONE, 1)
                pdfium_c.FPDFPageObj_SetStrokeWidth(obj, 1)
            pdfium_c.FPDFPage_InsertObject(page, obj)
        pdfium_c.FPDFPage_GenerateContent(page)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _box(x0: float, y0: float, x1: float, y1: float, columns: list[float] = ()) -> list[tuple]:
    rules = [("rule", x0, y0, x1, y0), ("rule", x0, y1, x1, y1),
             ("rule", x0, y0, x0, y1), ("rule", x1, y0, x1, y1)]
    return rules + [("rule", x, y0, x, y1) for x in columns]


def test_pdf_paragraph_breaks_survive_and_wrapped_lines_join():
    # Same left edge, lines as wide as the page's widest and no final full stop:
    # only the larger line pitch says where the second paragraph starts.
    data = _pdf([[("text", 72, 780, 12, "Ke hoach cai thien chi so hanh chinh cua tinh nam 2022 va"),
                  ("text", 72, 766, 12, "cac nam tiep theo cua cac so ban nganh va dia phuong"),
                  ("text", 72, 740, 12, "Theo de nghi cua So Noi vu tai To trinh so 12 ngay 5 thang 8")]])
    layout = build_layout(read_pdf(data))
    assert layout.text == ("Ke hoach cai thien chi so hanh chinh cua tinh nam 2022 va cac nam tiep theo"
                           " cua cac so ban nganh va dia phuong"
                           "\n\nTheo de nghi cua So Noi vu tai To trinh so 12 ngay 5 thang 8")


def test_pdf_line_that_stops_short_ends_its_paragraph():
    # Single spacing, no indent, no final full stop: the short line is the only sign.
    data = _pdf([[("text", 72, 780, 12, "Theo de nghi cua Giam doc So Noi vu tai To trinh so 12 ngay 5 thang 8 nam"),
                  ("text", 72, 766, 12, "2022 ve viec cai thien chi so hanh chinh"),
                  ("text", 72, 752, 12, "Uy ban nhan dan tinh ban hanh Ke hoach cai thien chi so hanh chinh nam 2022")]])
    assert build_layout(read_pdf(data)).text == (
        "Theo de nghi cua Giam doc So Noi vu tai To trinh so 12 ngay 5 thang 8 nam"
        " 2022 ve viec cai thien chi so hanh chinh"
        "\n\nUy ban nhan dan tinh ban hanh Ke hoach cai thien chi so hanh chinh nam 2022")


def test_pdf_word_cut_by_a_narrow_cell_is_put_back():
    # Column 2 is just wide enough for "THO" (11 pt Helvetica) plus 2 pt padding.
    x0, x1, x2 = 72, 240, 271.5
    cells = [("Chi so", ["+0,0", "1"]), ("Ten", ["THO", "NG"]), ("Don vi", ["Ban", "hanh"])]
    items = _box(x0, 560, x2, 700, columns=[x1]) + [("rule", x0, 655, x2, 655), ("rule", x0, 610, x2, 610)]
    for k, (label, lines) in enumerate(cells):
        top = 700 - 45 * k
        items.append(("text", x0 + 2, top - 13, 11, label))
        items += [("text", x1 + 2, top - 13 * (n + 1), 11, line) for n, line in enumerate(lines)]
    rows = read_pdf(_pdf([items])).blocks[0].rows
    # A number and a one-syllable word are joined; "Ban" / "hanh" is two syllables:
    # a normal wrap, kept.
    assert rows == [["Chi so", "+0,01"], ["Ten", "THONG"], ["Don vi", "Ban\nhanh"]]


def test_pdf_table_between_paragraphs_is_read_once_in_reading_order():
    rows = [(700, "Name", "Value"), (680, "alpha", "1"), (660, "beta", "2")]
    cells = [("text", x, y, 11, t) for y, a, b in rows for x, t in ((80, a), (250, b))]
    grid = _box(72, 655, 400, 715, columns=[240]) + [("rule", 72, 695, 400, 695), ("rule", 72, 675, 400, 675)]
    data = _pdf([[("text", 72, 780, 12, "Before the table."), *grid, *cells,
                  ("text", 72, 600, 12, "After the table.")]])
    result = read_pdf(data)
    assert _kinds(result.blocks) == ["paragraph", "table", "paragraph"]
    assert result.blocks[1].rows == [["Name", "Value"], ["alpha", "1"], ["beta", "2"]]
    assert build_layout(result).text == "Before the table.\n\nName\tValue\nalpha\t1\nbeta\t2\n\nAfter the table."


def test_pdf_line_ending_in_hyphen_keeps_the_code_whole():
    # pdfium turns "-" + line break into U+FFFE after a letter, keeps "-\r\n" after a digit.
    data = _pdf([[("text", 72, 780, 12, "Theo Chi thi so 12/CT-"), ("text", 72, 766, 12, "UBND ngay 26/5/2017"),
                  ("text", 72, 752, 12, "va Chuong trinh so 12-"), ("text", 72, 738, 12, "CT/TU cua Tinh uy.")]])
    result = read_pdf(data)
    assert [b.text for b in result.blocks] == [
        "Theo Chi thi so 12/CT-UBND ngay 26/5/2017\r\nva Chuong trinh so 12-CT/TU cua Tinh uy."]
    assert build_layout(result).text == "Theo Chi thi so 12/CT-UBND ngay 26/5/2017 va Chuong trinh so 12-CT/TU cua Tinh uy."
    # the map back to the page stream skips the dropped line break
    assert result.blocks[0].origins is not None and len(result.blocks[0].origins) == len(result.blocks[0].text)


def test_pdf_table_cut_by_a_page_break_is_one_table():
    def page(y_rows: list[tuple[str, str]]) -> list[tuple]:
        top = 760
        items = _box(72, top - 20 * len(y_rows), 400, top, columns=[120])
        for k, (a, b) in enumerate(y_rows):
            y = top - 20 * (k + 1)
            items += [("rule", 72, y, 400, y), ("text", 80, y + 6, 11, a), ("text", 130, y + 6, 11, b)]
        return items

    data = _pdf([page([("No", "Task"), ("1", "first task")]),
                 page([("", "rest of the first task"), ("2", "second task")])])
    tables = [b for b in read_pdf(data).blocks if b.kind == BlockKind.TABLE]
    assert len(tables) == 1 and tables[0].page == 1
    assert tables[0].rows == [["No", "Task"], ["1", "first task\nrest of the first task"], ["2", "second task"]]


def test_pdf_running_header_and_page_numbers_are_kept_apart():
    pages = [[("text", 72, 800, 10, "BO NOI VU - BAN DU THAO"),
              ("text", 72, 700, 12, f"Body text of page {n} ends here."),
              ("text", 290, 40, 10, str(n))] for n in (1, 2, 3)]
    result = read_pdf(_pdf(pages))
    assert _kinds(result.blocks) == ["paragraph"] * 3 + ["page_header", "page_footer"] * 3
    assert [b.text for b in result.blocks[:3]] == [f"Body text of page {n} ends here." for n in (1, 2, 3)]
    assert [(b.page, b.text) for b in result.blocks[3:5]] == [(1, "BO NOI VU - BAN DU THAO"), (1, "1")]


# ---------------------------------------------------------------- PDF: pages without text

class _CountingOcr(TesseractEngine):
    """The real OCR engine, remembering which pages it was asked to read."""

    def __init__(self):
        super().__init__(workers=1)
        self.calls: list[list[int]] = []

    def ocr_pdf_pages(self, data: bytes, pages: list[int]) -> list[OcrPage]:
        self.calls.append(list(pages))
        return super().ocr_pdf_pages(data, pages)


def _text_then_scan() -> bytes:
    """Page 1 of a born-digital fixture, then page 2 of its scan (image only)."""
    stem = STEMS[4]
    mixed = pdfium.PdfDocument.new()
    mixed.import_pages(pdfium.PdfDocument(FORMATS / f"{stem}.pdf"), [0])
    mixed.import_pages(pdfium.PdfDocument(FORMATS / f"{stem}.scan.pdf"), [1])
    out = io.BytesIO()
    mixed.save(out)
    return out.getvalue()


def test_pdf_scanned_page_without_ocr_is_left_out_with_a_warning():
    result = read_pdf(_text_then_scan())
    assert result.page_count == 2
    assert {b.page for b in result.blocks} == {1}
    assert result.warnings == ["pages without a usable text layer left out (no OCR engine): 2"]
    assert result.ocr_pages == [] and result.page_quality == {}


def test_pdf_scanned_page_goes_to_ocr_once():
    """A mixed PDF: the text page is read from its layer, only the image page is OCRed."""
    ocr = _CountingOcr()
    result = read_pdf(_text_then_scan(), ocr=ocr)
    assert ocr.calls == [[2]]
    assert result.ocr_pages == [2]
    quality = result.page_quality[2]
    assert quality["dpi"] == 200 and quality["confidence"] > 80 and quality["rescan"] is False
    page_two = "\n".join(b.text or "\n".join("\t".join(r) for r in b.rows or []) for b in result.blocks
                         if b.page == 2)
    born_digital = read_pdf((FORMATS / f"{STEMS[4]}.pdf").read_bytes())
    expected = "\n".join(b.text or "\n".join("\t".join(r) for r in b.rows or [])
                         for b in born_digital.blocks if b.page == 2)
    assert cer(expected, page_two) < 0.02
    page_one = [b.text for b in result.blocks if b.page == 1]
    assert page_one == [b.text for b in born_digital.blocks if b.page == 1]


def test_pdf_scan_with_a_stamped_page_number_goes_to_ocr():
    scan = pdfium.PdfDocument.new()
    scan.import_pages(pdfium.PdfDocument(FORMATS / f"{STEMS[4]}.scan.pdf"), [0])
    data = _pdf([[("text", 290, 30, 10, "- 1 -")]], document=scan)
    assert pdfium.PdfDocument(data)[0].get_textpage().get_text_range().strip() == "- 1 -"
    ocr = _CountingOcr()
    result = read_pdf(data, ocr=ocr)
    assert ocr.calls == [[1]] and result.ocr_pages == [1]
    assert "CHƯƠNG TRÌNH HÀNH ĐỘNG" in build_layout(result).text


def test_pdf_blank_page_is_skipped_quietly():
    data = _pdf([[("text", 72, 780, 12, "Only the first page has text.")], []])
    ocr = _CountingOcr()
    result = read_pdf(data, ocr=ocr)
    assert result.page_count == 2 and ocr.calls == [] and result.warnings == []
    assert [(b.page, b.text) for b in result.blocks] == [(1, "Only the first page has text.")]


@pytest.mark.parametrize("text, problem", [
    ("", "no text layer"),
    (" \r\n ", "no text layer"),
    ("\ufffd\ufffd\ufffd\ufffd \ufffd\ufffd ab", "text layer is unreadable (broken font map)"),
    ("\ue001\ue002\ue003 \ue004\ue005", "text layer is unreadable (broken font map)"),
    ("... --- !!! ### ***", "text layer holds almost no letters"),
    ("Céng hoµ x· héi chñ nghÜa ViÖt Nam §éc lËp Tù do H¹nh phóc",
     "text layer is not Unicode Vietnamese (legacy font encoding?)"),
    ("Cộng hòa xã hội chủ nghĩa Việt Nam. Độc lập - Tự do - Hạnh phúc", None),
    ("Annex: list of projects approved in 2023, see page 4.", None),
    ("Mục lục\n1. Mục đích . . . . . . . . . . . . . . . . . . . . 3", None),   # dot leaders
])
def test_text_layer_problem(text, problem):
    assert text_layer_problem(text) == problem


# ---------------------------------------------------------------- PDF: unreadable files



def test_pdf_encrypted_with_a_user_password_is_refused():
    # Standard security handler, RC4 40-bit; /U does not validate the empty password.
    encrypt = b"<< /Filter /Standard /V 1 /R 2 /Length 40 /P -44 /O <%s> /U <%s> >>" % (
        b"5a" * 32, b"c3" * 32)
    data = raw_pdf([CATALOG, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                     b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>", encrypt],
                    trailer=b"/Encrypt 4 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>] ")
    with pytest.raises(ReadError, match=r"^encrypted PDF \(password required\)$"):
        read_pdf(data)


def test_pdf_truncated_is_corrupt():
    data = (FORMATS / f"{STEMS[4]}.pdf").read_bytes()
    with pytest.raises(ReadError, match=r"^corrupt PDF: .*truncated"):
        read_pdf(data[: len(data) // 2])


def test_pdf_with_zero_pages_is_refused():
    data = raw_pdf([CATALOG, b"<< /Type /Pages /Kids [] /Count 0 >>"])
    with pytest.raises(ReadError, match=r"^PDF has no pages"):
        read_pdf(data)


def test_not_a_pdf_is_refused():
    with pytest.raises(ReadError, match=r"^not a PDF"):
        read_pdf(b"<html><body>Not a PDF</body></html>")


# ---------------------------------------------------------------- DOCX: structure

def _docx_bytes(document: docx.document.Document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_docx_keeps_body_order_of_paragraphs_and_tables():
    document = docx.Document()
    document.add_paragraph("Đoạn trước bảng.")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Ô một", "Ô hai"
    document.add_paragraph("Đoạn sau bảng.")
    result = read_docx(_docx_bytes(document))
    assert _kinds(result.blocks) == ["paragraph", "table", "paragraph"]
    assert result.blocks[0].text == "Đoạn trước bảng."
    assert result.blocks[1].rows == [["Ô một", "Ô hai"]]
    assert result.blocks[2].text == "Đoạn sau bảng."
    # origins: offsets in the concatenated paragraph text ("\n" after each paragraph)
    assert [b.origin for b in result.blocks] == [0, 17, 29]
    assert result.page_count == 1 and {b.page for b in result.blocks} == {1}


def test_docx_merged_cells_hold_their_text_once():
    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    for r in range(3):
        for c in range(3):
            table.cell(r, c).text = f"{r}{c}"
    table.cell(0, 0).merge(table.cell(0, 2)).text = "Gộp ngang"      # gridSpan
    table.cell(1, 0).merge(table.cell(2, 0)).text = "Gộp dọc"        # vMerge
    table.rows[1].height = Cm(1)                                       # a w:trPr of its own
    rows = read_docx(_docx_bytes(document)).blocks[0].rows
    assert rows == [["Gộp ngang", "", ""], ["Gộp dọc", "11", "12"], ["", "21", "22"]]


def test_docx_row_starting_after_the_grid_start_keeps_its_columns():
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    for c, text in enumerate(["STT", "Nội dung", "Ghi chú"]):
        table.cell(0, c).text = text
    # Row 2 skips the first grid column (w:gridBefore) and has only two cells.
    row = table.rows[1]._tr
    row.remove(row.tc_lst[0])
    row.get_or_add_trPr().append(parse_xml(f'<w:gridBefore {nsdecls("w")} w:val="1"/>'))
    for tc, text in zip(row.tc_lst, ["Lùi một cột", "x"]):
        _Cell(tc, table).text = text
    rows = read_docx(_docx_bytes(document)).blocks[0].rows
    assert rows == [["STT", "Nội dung", "Ghi chú"], ["", "Lùi một cột", "x"]]


def test_docx_nested_table_is_flattened_into_its_cell():
    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Ngoài"
    inner = table.cell(0, 1).add_table(rows=2, cols=2)
    for r in range(2):
        for c in range(2):
            inner.cell(r, c).text = f"t{r}{c}"
    result = read_docx(_docx_bytes(document))
    assert _kinds(result.blocks) == ["table"]
    # python-docx leaves the cell's own (empty) first paragraph before the nested table
    assert result.blocks[0].rows == [["Ngoài", "t00\tt01\nt10\tt11"]]
    assert build_layout(result).text == "Ngoài\tt00 t01 t10 t11"


def test_docx_header_and_footer_come_after_the_body():
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "ỦY BAN NHÂN DÂN"
    document.sections[0].footer.paragraphs[0].text = "Trang 1"
    document.add_paragraph("Nội dung chính.")
    result = read_docx(_docx_bytes(document))
    assert [(b.kind.value, b.text) for b in result.blocks] == [
        ("paragraph", "Nội dung chính."), ("page_header", "ỦY BAN NHÂN DÂN"), ("page_footer", "Trang 1")]
    layout = build_layout(result)
    assert [b.kind.value for b in layout.blocks] == ["paragraph", "page_header", "page_footer"]


def test_docx_headings_line_breaks_and_list_numbers():
    document = docx.Document()
    document.add_heading("KẾ HOẠCH", level=1)
    document.add_heading("I. MỤC ĐÍCH", level=2)
    paragraph = document.add_paragraph("Quảng Ninh,")
    paragraph.add_run().add_break()
    paragraph.add_run("ngày 24 tháng 8")
    document.add_paragraph("Mục đầu", style="List Number")
    document.add_paragraph("Mục sau", style="List Number")
    blocks = read_docx(_docx_bytes(document)).blocks
    assert [(b.kind.value, b.level, b.text) for b in blocks] == [
        ("heading", 1, "KẾ HOẠCH"), ("heading", 2, "I. MỤC ĐÍCH"),
        ("paragraph", None, "Quảng Ninh,\nngày 24 tháng 8"),
        ("paragraph", None, "1. Mục đầu"), ("paragraph", None, "2. Mục sau")]


# ---------------------------------------------------------------- DOCX: unreadable files

def test_docx_not_a_zip_is_refused():
    with pytest.raises(ReadError, match=r"^not a DOCX: not a ZIP archive$"):
        read_docx(b"%PDF-1.4 this is not a zip")


def test_docx_truncated_is_corrupt():
    data = (FORMATS / f"{STEMS[4]}.docx").read_bytes()
    with pytest.raises(ReadError, match=r"^corrupt DOCX: truncated ZIP archive"):
        read_docx(data[: len(data) // 2])


def test_docx_zip_without_document_is_refused():
    data = zip_of({"readme.txt": b"hello", "data/table.csv": b"a,b\n1,2\n"})
    with pytest.raises(ReadError, match=r"^not a DOCX: no word/document.xml"):
        read_docx(data)


def test_docx_zip_bomb_is_refused_before_parsing():
    # 50 MB of one repeated tag deflates to ~50 KB: a 1000x ratio.
    bomb = zip_of({"[Content_Types].xml": b"<Types/>",
                 "word/document.xml": b"<w:p/>" * (50 * 1024 * 1024 // 6)})
    with pytest.raises(ReadError, match=r"^refused: word/document\.xml expands .* times .*zip bomb"):
        read_docx(bomb)


def test_docx_over_the_uncompressed_limit_is_refused(monkeypatch):
    data = (FORMATS / f"{STEMS[4]}.docx").read_bytes()
    monkeypatch.setattr(docx_reader, "MAX_UNCOMPRESSED", 100_000)
    with pytest.raises(ReadError, match=r"^refused: DOCX would expand to"):
        read_docx(data)


def test_docx_with_broken_xml_is_corrupt():
    good = _docx_bytes(docx.Document())
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["word/document.xml"] = members["word/document.xml"][:-40]   # cut mid-element
    with pytest.raises(ReadError, match=r"^corrupt DOCX: broken XML"):
        read_docx(zip_of(members))
