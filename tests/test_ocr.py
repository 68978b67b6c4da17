"""OCR engine, image reader and CER, on the scanned fixtures in corpus/formats.

The scans are page images of the born-digital `<stem>.pdf` (200 dpi, skewed
0.5-1.5 degrees, blurred, JPEG q60); `corpus/reference/<stem>.ref.txt` is the text
of the whole document. Acceptance: CER <= 2%.
"""
from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw, ImageFont

from ingest import ocr as ocr_module
from ingest.base import OcrPage, ReadError
from ingest.image import ocr_blocks, ocr_quality, read_image, rescan_warning
from ingest.normalize import build_layout
from ingest.ocr import TesseractEngine
from ingest.pdf import read_pdf
from ingest.quality import cer, cer_unordered, reorder_lines
from vanban.models import BlockKind
from vanban.text import canonical, squash_spaces

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
FORMATS = CORPUS / "formats"
STEMS = sorted(p.name.removesuffix(".scan-p1.png") for p in FORMATS.glob("*.scan-p1.png"))
ACCEPTED_CER = 0.02


@pytest.fixture(scope="module")
def engine() -> TesseractEngine:
    return TesseractEngine("vie", workers=2)


def reference(stem: str) -> str:
    return (CORPUS / "reference" / f"{stem}.ref.txt").read_text(encoding="utf-8")


def page1_reference(stem: str) -> str:
    """The part of ref.txt printed on page 1.

    Found without looking at the OCR output (which would forgive a dropped last
    line): the born-digital PDF the scan was printed from has a text layer, and its
    page 1 ends with a stretch of text that occurs once in ref.txt."""
    pdf = pdfium.PdfDocument(FORMATS / f"{stem}.pdf")
    layer = squash_spaces(canonical(pdf[0].get_textpage().get_text_range().replace("\ufffe", "-")))
    ref = squash_spaces(canonical(reference(stem)))
    tail = layer[-80:]
    assert ref.count(tail) == 1, "page 1's last words do not mark one place in ref.txt"
    return ref[:ref.index(tail) + len(tail)]


def png(image: Image.Image, dpi: int | None = None) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", **({"dpi": (dpi, dpi)} if dpi else {}))
    return buffer.getvalue()


def page1_image(stem: str) -> Image.Image:
    return Image.open(FORMATS / f"{stem}.scan-p1.png")


# ---------------------------------------------------------------- CER


def test_cer_counts_characters_not_layout_or_encoding():
    assert cer("Nghị định", "Nghị định") == 0.0
    assert cer("Nghị định", "Nghi định") == pytest.approx(1 / 9)
    assert cer("Nghị định", "") == 1.0
    # Wrapping, TABs and blank lines are not errors; nor are NFD and old tone placement.
    assert cer("Ủy ban nhân dân\tTỉnh\n\nQuảng Ninh", "Ủy ban\nnhân dân Tỉnh Quảng Ninh") == 0.0
    assert cer("hòa bình", "hoa\u0300 bi\u0300nh") == 0.0
    assert cer("Uỷ ban", "Ủy ban") == 0.0


def test_reorder_forgives_line_order_but_not_misreads():
    first = "Điều 1. Phê duyệt kế hoạch cải cách hành chính năm 2022 của tỉnh."
    second = "Điều 2. Giao Sở Nội vụ chủ trì, phối hợp với các sở, ngành liên quan."
    cells = [("Rà soát, đơn giản hóa thủ tục hành chính", "cấp tỉnh, cấp huyện và cấp xã"),
             ("Văn phòng Ủy ban nhân dân tỉnh", "chủ trì, các sở phối hợp thực hiện")]
    ref = f"{first}\n{second}\n" + "\t".join(" ".join(cell) for cell in cells)
    # The paragraphs read the other way round; a table row cut in two by a page break.
    hyp = (f"{second}\n{cells[0][0]}\t{cells[1][0]}\n{first}\n"
           f"{cells[0][1]}\t{cells[1][1]}")
    assert cer(ref, hyp) > 0.3
    assert cer_unordered(ref, hyp) == 0.0
    assert reorder_lines(ref, hyp).startswith(first)
    misread = hyp.replace("Phê duyệt", "Phe duyet")
    assert cer_unordered(ref, misread) == pytest.approx(2 / len(squash_spaces(ref)))


# ---------------------------------------------------------------- the fixtures


@pytest.mark.parametrize("stem", STEMS)
def test_page1_scan_reads_within_acceptance(engine, stem):
    [page] = engine.ocr_image((FORMATS / f"{stem}.scan-p1.png").read_bytes())
    assert cer(page1_reference(stem), page.text) <= ACCEPTED_CER
    assert page.page == 1
    assert page.confidence > 80 and not page.needs_rescan
    # The PNG has no resolution: estimated from an A4 page, and said so.
    assert page.dpi == 200
    assert any("A4" in w for w in page.warnings)
    # The fixtures are skewed by 0.5-1.5 degrees either way.
    assert 0.4 <= abs(page.skew) <= 1.6
    assert page.rotation == 0


@pytest.mark.slow
@pytest.mark.parametrize("stem", STEMS)
def test_whole_scanned_pdf_reads_within_acceptance(engine, stem):
    """The product path (PDF reader + OCR + normaliser) reads every scan within 2% CER
    of the source text, in reading order; tables cut by a page break are rejoined."""
    data = (FORMATS / f"{stem}.scan.pdf").read_bytes()
    result = read_pdf(data, ocr=engine)
    count = len(pdfium.PdfDocument(data))
    assert result.ocr_pages == list(range(1, count + 1))
    assert all(q["dpi"] == 200 and not q["rescan"] for q in result.page_quality.values())
    text = build_layout(result).text
    assert cer(reference(stem), text) <= ACCEPTED_CER
    assert cer_unordered(reference(stem), text) <= ACCEPTED_CER


def test_pdf_page_renders_at_the_scan_resolution(engine):
    stem = STEMS[0]
    [page] = engine.ocr_pdf_pages((FORMATS / f"{stem}.scan.pdf").read_bytes(), [1])
    assert page.dpi == 200
    assert cer(page1_reference(stem), page.text) <= ACCEPTED_CER


def test_pdf_page_that_is_not_a_scan_renders_at_300_dpi(engine):
    stem = STEMS[0]
    [page] = engine.ocr_pdf_pages((FORMATS / f"{stem}.pdf").read_bytes(), [1])
    assert page.dpi == 300
    assert cer(page1_reference(stem), page.text) <= ACCEPTED_CER


@pytest.mark.parametrize("turned", [90, 180, 270])
def test_turned_page_is_put_upright(engine, turned):
    stem = STEMS[0]
    image = page1_image(stem).rotate(turned, expand=True)
    [page] = engine.ocr_image(png(image, 200))
    assert page.rotation == (360 - turned) % 360
    assert cer(page1_reference(stem), page.text) <= ACCEPTED_CER


def test_orientation_without_osd_data(engine, monkeypatch):
    """Where the osd traineddata is missing, reading the page four ways round decides."""
    monkeypatch.setattr(ocr_module, "_installed_languages", lambda: frozenset({"vie"}))
    stem = STEMS[0]
    [page] = engine.ocr_image(png(page1_image(stem).rotate(90, expand=True), 200))
    assert page.rotation == 270
    assert cer(page1_reference(stem), page.text) <= ACCEPTED_CER


def test_multipage_tiff_gives_a_page_per_frame(engine):
    first, second = STEMS[0], STEMS[1]
    buffer = io.BytesIO()
    page1_image(first).save(buffer, "TIFF", dpi=(200, 200), compression="tiff_lzw",
                            save_all=True, append_images=[page1_image(second)])
    pages = engine.ocr_image(buffer.getvalue())
    assert [p.page for p in pages] == [1, 2]
    assert [p.dpi for p in pages] == [200, 200]
    assert not any(p.warnings for p in pages)         # the resolution was in the file
    assert cer(page1_reference(first), pages[0].text) <= ACCEPTED_CER
    assert cer(page1_reference(second), pages[1].text) <= ACCEPTED_CER


def test_low_resolution_page_is_flagged_for_rescan(engine):
    stem = STEMS[0]
    image = page1_image(stem)
    small = image.resize((image.width // 2, image.height // 2), Image.Resampling.LANCZOS)
    result = read_image(png(small, 100), ocr=engine)
    assert result.page_quality[1]["dpi"] == 100
    assert result.page_quality[1]["rescan"] is True
    assert any("re-scan" in w and "page 1" in w for w in result.warnings)
    # Still read, enlarged before OCR.
    assert cer(page1_reference(stem), "\n".join(b.text for b in result.blocks)) <= 2 * ACCEPTED_CER


# ---------------------------------------------------------------- synthetic pages


TABLE = [["No", "Name", "Amount"], ["1", "Paper", "1200"], ["2", "Printer ink", "3400"]]


def ruled_table_page(skew: float) -> Image.Image:
    """A paragraph, a 3x3 ruled table and a closing line, drawn at 200 dpi with the
    font bundled in Pillow (the same on every machine), turned by `skew` degrees."""
    font = ImageFont.load_default(size=36)
    image = Image.new("L", (1654, 1100), 235)
    draw = ImageDraw.Draw(image)
    draw.text((200, 150), "Report on the budget for the year", font=font, fill=30)
    xs, ys = [200, 400, 1000, 1450], [300, 400, 500, 600]
    for x in xs:
        draw.line([(x, ys[0]), (x, ys[-1])], fill=30, width=3)
    for y in ys:
        draw.line([(xs[0], y), (xs[-1], y)], fill=30, width=3)
    for r, row in enumerate(TABLE):
        for c, cell in enumerate(row):
            draw.text((xs[c] + 20, ys[r] + 30), cell, font=font, fill=30)
    draw.text((200, 700), "Signed by the director", font=font, fill=30)
    return image.rotate(skew, resample=Image.Resampling.BICUBIC, fillcolor=235)


def test_ruled_table_is_read_cell_by_cell_after_deskew(engine):
    result = read_image(png(ruled_table_page(skew=2.0), 200), ocr=engine)
    assert [b.kind for b in result.blocks] == [BlockKind.PARAGRAPH, BlockKind.TABLE, BlockKind.PARAGRAPH]
    assert result.blocks[1].rows == TABLE
    assert result.blocks[0].text == "Report on the budget for the year"
    assert result.page_quality[1]["skew"] == pytest.approx(-2.0, abs=0.1)


def test_blank_page_has_no_text_and_no_warning(engine):
    [page] = engine.ocr_image(png(Image.new("L", (1654, 2339), 255), 200))
    assert page.text == "" and page.confidence is None and not page.needs_rescan
    assert page.warnings == []


def test_page_of_marks_without_text_reads_as_empty(engine):
    # No words: the orientation check runs, and tesseract's OSD gives up ("too few
    # characters"); that is no reason to fail the document.
    image = Image.new("L", (1654, 2339), 235)
    draw = ImageDraw.Draw(image)
    for x, y in [(300, 400), (900, 700), (1200, 1500), (500, 1900), (700, 1100), (1300, 300)]:
        draw.ellipse((x, y, x + 40, y + 40), fill=30)
    [page] = engine.ocr_image(png(image, 200))
    assert page.text == "" and page.rotation == 0


def test_impossible_resolution_is_replaced_by_an_a4_estimate(engine):
    # 1654 px at 72 dpi would be a 23-inch page: the 72 is a default, not a scan.
    [page] = engine.ocr_image(png(Image.new("L", (1654, 2339), 255), 72))
    assert page.dpi == 200
    assert any("assumed an A4 page" in w for w in page.warnings)


def test_strip_of_a_page_without_resolution_is_taken_as_page_wide(engine):
    [page] = engine.ocr_image(png(Image.new("L", (1654, 584), 255)))
    assert page.dpi == 200
    assert any("as wide as the page" in w for w in page.warnings)


# ---------------------------------------------------------------- the reader


def test_ocr_pages_become_blocks_with_origins_and_quality():
    """The conversion read_image applies to each page the engine returns."""
    text = "KẾ HOẠCH\nCải cách hành chính\n\nSTT\tNội dung\n1\tRà soát\n\nNơi nhận:"
    good = OcrPage(1, text, confidence=91.5, dpi=300, rotation=0, skew=-0.7)
    poor = OcrPage(2, "Trang hai", confidence=42.0, dpi=300, rotation=180, skew=0.0)
    blocks = ocr_blocks(good) + ocr_blocks(poor)
    assert [(b.kind, b.page) for b in blocks] == [(BlockKind.PARAGRAPH, 1), (BlockKind.TABLE, 1),
                                                 (BlockKind.PARAGRAPH, 1), (BlockKind.PARAGRAPH, 2)]
    for block in blocks:
        if block.kind == BlockKind.PARAGRAPH:
            page_text = (good, poor)[block.page - 1].text
            assert page_text[block.origin:block.origin + len(block.text)] == block.text
    assert blocks[1].rows == [["STT", "Nội dung"], ["1", "Rà soát"]]
    assert text[blocks[1].origin:].startswith("STT\t")
    assert ocr_quality(good) == {"confidence": 91.5, "dpi": 300, "rotation": 0, "skew": -0.7,
                                 "rescan": False}
    assert ocr_quality(poor)["rescan"] is True
    assert "page 2" in rescan_warning(poor) and "re-scan" in rescan_warning(poor)


def test_ocr_blocks_of_an_empty_page():
    assert ocr_blocks(OcrPage(3, "")) == []


# ---------------------------------------------------------------- errors


def test_unreadable_image_is_a_read_error(engine):
    with pytest.raises(ReadError, match="unreadable image"):
        engine.ocr_image(b"not an image at all")


def test_missing_tesseract_is_a_read_error(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    ocr_module._installed_languages.cache_clear()
    try:
        with pytest.raises(ReadError, match=r"tesseract-ocr not installed \(apt-get install"):
            TesseractEngine().ocr_image(png(Image.new("L", (100, 100), 255)))
    finally:
        monkeypatch.undo()
        ocr_module._installed_languages.cache_clear()


def test_missing_language_is_a_read_error():
    with pytest.raises(ReadError, match="language data missing: klingon"):
        TesseractEngine("vie+klingon").ocr_image(png(Image.new("L", (100, 100), 255)))
