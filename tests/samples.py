"""Files for tests, built in code: the bad inputs clerks drop and small valid ones."""
from __future__ import annotations

import io
import random
import zipfile

from PIL import Image


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def raw_pdf(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A PDF written by hand: numbered objects, an xref table, a trailer."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, trailer, xref)
    return bytes(out)


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"


def encrypted_pdf() -> bytes:
    """One page behind the standard security handler (RC4 40-bit); the empty user
    password does not open it."""
    encrypt = b"<< /Filter /Standard /V 1 /R 2 /Length 40 /P -44 /O <%s> /U <%s> >>" % (
        b"5a" * 32, b"c3" * 32)
    return raw_pdf([CATALOG, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>", encrypt],
                   trailer=b"/Encrypt 4 0 R /ID [<%s> <%s>] " % (b"01" * 16, b"01" * 16))


def zip_bomb() -> bytes:
    """A DOCX-shaped zip whose document part inflates 1000 times (50 MB of one tag)."""
    return zip_of({"[Content_Types].xml": b"<Types/>",
                   "word/document.xml": b"<w:p/>" * (50 * 1024 * 1024 // 6)})


def blank_png(width: int = 200, height: int = 100) -> bytes:
    out = io.BytesIO()
    Image.new("L", (width, height), 255).save(out, "PNG")
    return out.getvalue()


def binary_noise(size: int = 4096, seed: int = 7) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.randrange(256) for _ in range(size)) + b"\x00" * 64
