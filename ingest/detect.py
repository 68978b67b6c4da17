"""Which format a file is, from its bytes (never from its name)."""
from __future__ import annotations

import io
import re
import zipfile

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HTML = "text/html"
TEXT = "text/plain"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"
ZIP = "application/zip"
OLE = "application/x-ole-storage"      # legacy .doc/.xls: not supported
UNKNOWN = "application/octet-stream"

_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
)
_HTML_START = re.compile(rb"^\s*(?:<!doctype\s+html|<html|<head|<body|<meta|<div|<p[\s>]|<table)", re.I)


def detect(data: bytes) -> str:
    """The media type of `data`; UNKNOWN when nothing matches."""
    head = data[:2048]
    if head.lstrip()[:5] == b"%PDF-" or b"%PDF-" in data[:1024]:
        return PDF
    for magic, media_type in _IMAGE_MAGIC:
        if head.startswith(magic):
            return media_type
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return DOCX if _is_docx(data) else ZIP
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE
    if _HTML_START.match(_strip_bom(head)):
        return HTML
    return TEXT if _looks_textual(head) else UNKNOWN


def _strip_bom(head: bytes) -> bytes:
    for bom in (b"\xef\xbb\xbf",):
        if head.startswith(bom):
            return head[len(bom):]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return head.decode("utf-16").encode("utf-8", "ignore")
        except UnicodeDecodeError:
            return head
    return head


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return "word/document.xml" in zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        # A truncated DOCX has no central directory, but its first local headers
        # still name Word parts: let the DOCX reader say what is wrong with it.
        return b"word/" in data[:65536] or b"[Content_Types].xml" in data[:4096]


def _looks_textual(head: bytes) -> bool:
    """Text in some encoding (the text reader decides which), not binary."""
    if not head:
        return True   # empty: the text reader says "empty file"
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return True
    nuls = head.count(0)
    if nuls > len(head) * 0.01:
        # UTF-16 without BOM has a NUL in every other byte; binary has them anywhere.
        even, odd = head[0::2].count(0), head[1::2].count(0)
        return max(even, odd) > len(head) * 0.4 and min(even, odd) < len(head) * 0.05
    # a stray NUL (a checkbox in some exports) does not make text binary
    control = sum(1 for b in head if b < 9 or 13 < b < 32)
    return control <= len(head) * 0.02
