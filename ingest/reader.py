"""Reading any supported file: load the bytes with a size limit, detect the format
from content, hand the bytes to that format's reader, normalise into a Layout."""
from __future__ import annotations

import os
from collections.abc import Callable
from importlib import import_module
from pathlib import Path

from ingest import detect
from ingest.base import OcrEngine, ReadError
from ingest.normalize import build_layout
from vanban.models import Layout, ReadResult, SourceFile

# media type -> "module:function"; readers that can use OCR take an `ocr` keyword.
_READERS: dict[str, tuple[str, bool]] = {
    detect.TEXT: ("ingest.text:read_text", False),
    detect.HTML: ("ingest.html:read_html", False),
    detect.DOCX: ("ingest.docx:read_docx", False),
    detect.PDF: ("ingest.pdf:read_pdf", True),
    detect.PNG: ("ingest.image:read_image", True),
    detect.JPEG: ("ingest.image:read_image", True),
    detect.TIFF: ("ingest.image:read_image", True),
}
_UNSUPPORTED = {
    detect.ZIP: "a ZIP archive, not a DOCX document",
    detect.OLE: "legacy binary Word/Excel file (.doc/.xls) is not supported; save it as .docx",
    detect.UNKNOWN: "binary file of unknown format",
}
SUPPORTED_MEDIA_TYPES = frozenset(_READERS)


def load_source(path: str | os.PathLike[str], *, max_bytes: int) -> SourceFile:
    """Read a file's bytes, refusing it before reading when it is over the limit."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ReadError("no such file") from None
    if not path.is_file():
        raise ReadError("not a regular file")
    if size > max_bytes:
        raise ReadError(f"file too large: {size:,} bytes > limit {max_bytes:,}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"cannot read file: {exc.strerror or exc}") from None
    return SourceFile(name=path.name, data=data, media_type=detect.detect(data))


def source_from_bytes(name: str, data: bytes, *, max_bytes: int) -> SourceFile:
    if len(data) > max_bytes:
        raise ReadError(f"file too large: {len(data):,} bytes > limit {max_bytes:,}")
    return SourceFile(name=name, data=data, media_type=detect.detect(data))


def _reader(media_type: str) -> tuple[Callable[..., ReadResult], bool]:
    if media_type not in _READERS:
        raise ReadError(_UNSUPPORTED.get(media_type, f"unsupported format {media_type}"))
    target, takes_ocr = _READERS[media_type]
    module, function = target.split(":")
    return getattr(import_module(module), function), takes_ocr


def read_source(source: SourceFile, *, ocr: OcrEngine | None = None) -> ReadResult:
    """The reader's result for a file; ReadError with a plain reason when unreadable."""
    read, takes_ocr = _reader(source.media_type)
    try:
        result = read(source.data, ocr=ocr) if takes_ocr else read(source.data)
    except ReadError:
        raise
    except MemoryError:
        raise ReadError("file too complex to read within memory limits") from None
    except Exception as exc:  # a reader bug or a library choking on odd input
        raise ReadError(f"unreadable {source.media_type.split('/')[-1]} file: "
                        f"{type(exc).__name__}: {exc}") from exc
    if not any((b.text or "").strip() or b.rows for b in result.blocks):
        raise ReadError("no text found" + (" (scanned pages need OCR)" if result.warnings else ""))
    return result


def read_layout(source: SourceFile, *, ocr: OcrEngine | None = None) -> tuple[ReadResult, Layout]:
    result = read_source(source, ocr=ocr)
    return result, build_layout(result)
