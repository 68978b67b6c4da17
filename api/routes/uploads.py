"""Receiving uploaded files: the multipart body is streamed part by part into
temporary files, and a file is refused (413) as soon as it passes the size limit,
before the rest of the request is read. Client file names are metadata only."""
from __future__ import annotations

import os
import tempfile
import unicodedata
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Request
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from api.routes.common import ApiError
from api.service import Upload

FILE_FIELDS = {"files", "file"}
MAX_FILES_PER_REQUEST = 100
UNNAMED = "tep-khong-ten"
# Answering before the body is read: close the connection rather than let the server
# drain the rest of an oversize body to keep it alive.
STOP_READING = {"Connection": "close"}


def safe_name(raw: str) -> str:
    """The last path component of a client file name, printable, at most 200 characters."""
    name = unicodedata.normalize("NFC", raw.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[:200] if name and name not in {".", ".."} else UNNAMED


def _bytes(n: int) -> str:
    return f"{n:,} byte".replace(",", ".")


# Browsers (and httpx) send these three percent-encoded in a part's file name.
_FORM_ESCAPES = {"%22": '"', "%0D": "\r", "%0A": "\n"}


def _decode(value: bytes) -> str:
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError:
        text = value.decode("latin-1")
    for escape, char in _FORM_ESCAPES.items():
        text = text.replace(escape, char)
    return text


class _Receiver:
    """python-multipart callbacks writing each file part to its own temporary file."""

    def __init__(self, folder: Path, max_bytes: int):
        self.folder = folder
        self.max_bytes = max_bytes
        self.uploads: list[Upload] = []
        self._headers: dict[bytes, bytes] = {}
        self._field = b""
        self._value = b""
        self._out: int | None = None   # fd of the file part being written
        self._name = ""
        self._size = 0
        self.complete = False          # the closing boundary was seen

    def callbacks(self) -> dict[str, object]:
        return {"on_part_begin": self._begin, "on_header_field": self._header_field,
                "on_header_value": self._header_value, "on_header_end": self._header_end,
                "on_headers_finished": self._headers_finished, "on_part_data": self._data,
                "on_part_end": self._end, "on_end": self._complete}

    def _begin(self) -> None:
        self._headers = {}

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def _header_end(self) -> None:
        self._headers[self._field.lower()] = self._value
        self._field = self._value = b""

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        if _decode(options.get(b"name", b"")) not in FILE_FIELDS:
            return   # other form fields are ignored
        if len(self.uploads) >= MAX_FILES_PER_REQUEST:
            raise ApiError(413, "too_many_files",
                           f"Mỗi lần gửi tối đa {MAX_FILES_PER_REQUEST} tệp.", STOP_READING)
        self._name = safe_name(_decode(options.get(b"filename", b"")))
        fd, path = tempfile.mkstemp(dir=self.folder, prefix="upload-")
        self._out, self._size = fd, 0
        self.uploads.append(Upload(self._name, Path(path)))

    def _data(self, data: bytes, start: int, end: int) -> None:
        if self._out is None:
            return
        self._size += end - start
        if self._size > self.max_bytes:
            raise ApiError(413, "file_too_large",
                           f"Tệp “{self._name}” vượt quá giới hạn {_bytes(self.max_bytes)}.", STOP_READING)
        os.write(self._out, data[start:end])

    def _end(self) -> None:
        self.close()

    def _complete(self) -> None:
        self.complete = True

    def close(self) -> None:
        if self._out is not None:
            os.close(self._out)
            self._out = None


@asynccontextmanager
async def received_files(request: Request, *, max_bytes: int) -> AsyncIterator[list[Upload]]:
    """The request's files in a private temporary folder, removed on exit."""
    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    if content_type != b"multipart/form-data" or not params.get(b"boundary"):
        raise ApiError(415, "not_multipart",
                       "Gửi tệp dạng multipart/form-data, mỗi tệp trong trường “files”.")
    with tempfile.TemporaryDirectory(prefix="vanban-upload-") as folder:
        receiver = _Receiver(Path(folder), max_bytes)
        parser = MultipartParser(params[b"boundary"], receiver.callbacks())
        try:
            async for chunk in request.stream():
                parser.write(chunk)
            parser.finalize()
        except FormParserError as exc:
            raise ApiError(400, "malformed_multipart", f"Dữ liệu multipart hỏng: {exc}") from None
        finally:
            receiver.close()
        if not receiver.complete:
            raise ApiError(400, "malformed_multipart", "Dữ liệu multipart bị cắt cụt (thiếu ranh giới kết thúc).")
        if not receiver.uploads:
            raise ApiError(400, "no_files", "Không có tệp nào trong trường “files”.")
        yield receiver.uploads
