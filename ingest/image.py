"""Reader for scanned page images (PNG, JPEG, TIFF with one or more pages).

Everything is OCR: the engine reads each frame as a page, and its text becomes
blocks. The helpers `ocr_blocks` and `ocr_quality` turn any `OcrPage` into blocks
and a quality record, so a PDF reader can treat its image-only pages the same way.
"""
from __future__ import annotations

import re
from typing import Any

from ingest.base import OcrEngine, OcrPage, ReadError
from vanban.models import BlockKind, RawBlock, ReadResult

_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def read_image(data: bytes, *, ocr: OcrEngine | None) -> ReadResult:
    if ocr is None:
        raise ReadError("an image needs OCR, and no OCR engine is available "
                        "(apt-get install tesseract-ocr tesseract-ocr-vie)")
    pages = ocr.ocr_image(data)
    result = ReadResult(blocks=[], page_count=len(pages), ocr_pages=[p.page for p in pages])
    for page in pages:
        result.blocks.extend(ocr_blocks(page))
        result.page_quality[page.page] = ocr_quality(page)
        result.warnings.extend(page.warnings)
        if page.needs_rescan:
            result.warnings.append(rescan_warning(page))
    return result


def ocr_blocks(page: OcrPage) -> list[RawBlock]:
    """One block per stretch of OCR text between blank lines, `origin` its offset in
    the page text. A stretch with TABs is a ruled table the engine read cell by cell:
    a row per line, cells separated by TAB."""
    blocks = []
    start = 0
    for gap in [*_BLANK_LINE.finditer(page.text), None]:
        end = gap.start() if gap else len(page.text)
        chunk = page.text[start:end]
        if chunk.strip():
            if "\t" in chunk:
                rows = [line.split("\t") for line in chunk.split("\n")]
                blocks.append(RawBlock(BlockKind.TABLE, rows=rows, page=page.page, origin=start))
            else:
                blocks.append(RawBlock(BlockKind.PARAGRAPH, chunk, page=page.page, origin=start))
        start = gap.end() if gap else end
    return blocks


def ocr_quality(page: OcrPage) -> dict[str, Any]:
    return {"confidence": page.confidence, "dpi": page.dpi, "rotation": page.rotation,
            "skew": page.skew, "rescan": page.needs_rescan}


def rescan_warning(page: OcrPage) -> str:
    confidence = "?" if page.confidence is None else f"{page.confidence:.0f}"
    dpi = "?" if page.dpi is None else page.dpi
    return (f"page {page.page}: poor scan (OCR confidence {confidence}/100, {dpi} dpi), "
            f"the text may be wrong; re-scan at 300 dpi")
