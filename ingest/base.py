"""What every reader shares: the error it raises and the OCR engine it may call."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Protocol

# PDFium is not thread-safe, not even across documents: every caller takes this lock.
PDFIUM_LOCK = threading.Lock()


class ReadError(Exception):
    """A file that cannot be read. The message is shown to the user as the reason,
    so it says what is wrong in plain words ("encrypted PDF", "not a DOCX: ...")."""


@dataclass
class OcrPage:
    """One page as an OCR engine read it."""
    page: int                      # 1-based
    text: str
    confidence: float | None = None   # mean word confidence, 0-100
    dpi: int | None = None
    rotation: int = 0              # degrees the page was turned before reading
    skew: float | None = None      # degrees of deskew applied
    warnings: list[str] = field(default_factory=list)

    @property
    def needs_rescan(self) -> bool:
        low_dpi = self.dpi is not None and self.dpi < 150
        low_conf = self.confidence is not None and self.confidence < 60
        return low_dpi or low_conf


class OcrEngine(Protocol):
    """Reads page images. Readers call it for pages without a usable text layer."""

    def ocr_pdf_pages(self, data: bytes, pages: list[int]) -> list[OcrPage]:
        """OCR the given 1-based pages of a PDF."""
        ...

    def ocr_image(self, data: bytes) -> list[OcrPage]:
        """OCR an image file (PNG, JPEG, TIFF with one or more frames)."""
        ...
