"""OCR with tesseract: page images in, `OcrPage`s out.

A page goes: grey image at its scan resolution (enlarged to 200 dpi when below)
-> skew found by projection profiles on a 50 dpi binarised copy, and undone ->
ruled tables found from the long straight ink runs -> tesseract, TSV output (words
with confidences and block/paragraph/line numbers) -> text: a line per printed line,
a blank line between paragraphs, a ruled table as a line per row with TAB between
cells (tesseract alone reads a table's lines straight across its cells; the
corpus's table-heavy scans went from 16-27% CER to 1-3% with cells).

Orientation costs nothing on upright pages: only a page that reads badly
(confidence < 60) or as tall words (sideways) is checked, with tesseract's OSD
(about 0.6 of a page's OCR time, too dear for every page) or, without OSD data, by
reading the middle of the page four ways round (about 1.1 page times); the turned
page is read again and kept if it reads better. A turned page costs ~2.5 reads.

Pages run in parallel, one tesseract process per worker, each limited to one
thread (OMP_THREAD_LIMIT=1): tesseract's own OpenMP threads oversubscribe the cores
the workers already use, and on a busy machine they spin (bench/ocr.py: the plain
CLI took 2.3x the wall time and CPU time per page with its default threads). Threads are enough to drive the
subprocesses; images are rendered and decoded in the calling thread because PDFium
is not thread-safe, at most two pages per worker ahead of OCR to bound memory.

Measured on the corpus scans and not kept: contrast stretching (within noise),
binarising before tesseract (CER up on every document), enlarging 200 dpi pages
to 300 (no better, twice as slow), the script/Vietnamese model (better tone marks,
worse punctuation: CER up on every document, and slower).
"""
from __future__ import annotations

import bisect
import csv
import io
import os
import re
import shutil
import subprocess
import unicodedata
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from ingest.base import PDFIUM_LOCK, OcrPage, ReadError

RENDER_DPI = 300            # for PDF pages that are not a single scanned image
MAX_DPI = 600               # never render or read at more than this
MIN_OCR_DPI = 200           # smaller scans are enlarged to this before OCR
A4_SHORT_SIDE_INCHES = 210 / 25.4
A4_LONG_SIDE_INCHES = 297 / 25.4
MAX_PAGE_INCHES = 17        # the long side of A3 is 16.5 in
LOW_CONFIDENCE = 60         # as OcrPage.needs_rescan: below it, check the orientation
ANALYSIS_DPI = 50           # resolution of the copy used to find the skew
MAX_SKEW = 5.0              # degrees searched either way
MIN_INK = 100               # ink cells at ANALYSIS_DPI (0.04 square inch) below which a page is blank
SIDEWAYS_PENALTY = 20       # confidence points (see _quality)
PAGE_TIMEOUT = 300          # seconds for one tesseract run

# What tesseract makes of a table rule it reads as text.
_RULE_LIKE = re.compile(r"[|!Il\[\]_—-]+$")

_INSTALL_HINT = "tesseract-ocr not installed (apt-get install tesseract-ocr tesseract-ocr-vie)"


@dataclass
class _PageImage:
    """One page image on its way to OCR."""
    page: int
    image: Image.Image          # mode "L"
    dpi: int
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Reading:
    """What one tesseract run made of an image."""
    text: str
    confidence: float | None
    skew: float
    sideways: bool                  # tesseract found the text lines running down the page

    @property
    def quality(self) -> float:
        return _quality(self.confidence, self.sideways)


class TesseractEngine:
    """`OcrEngine` backed by the tesseract command line program.

    `languages` is tesseract's -l argument: "vie" (the best on the corpus),
    "Vietnamese" (Debian's name for script/Vietnamese), "vie+eng", ...
    `workers` pages are read at once (default: one per core). An `OcrPage`'s
    `rotation` and `skew` are the degrees, counter-clockwise, the page image was
    turned to read it upright and straight."""

    def __init__(self, languages: str = "vie", workers: int | None = None):
        self.languages = languages
        self.workers = max(workers or os.cpu_count() or 1, 1)

    def ocr_pdf_pages(self, data: bytes, pages: list[int]) -> list[OcrPage]:
        self._check_installed()
        return self._read_all(_render_pdf(data, pages))

    def ocr_image(self, data: bytes) -> list[OcrPage]:
        self._check_installed()
        return self._read_all(_image_frames(data))

    # ------------------------------------------------------------ running pages

    def _check_installed(self) -> None:
        missing = [lang for lang in self.languages.split("+") if lang not in _installed_languages()]
        if missing:
            raise ReadError(f"tesseract language data missing: {', '.join(missing)} (apt-get "
                            f"install tesseract-ocr-vie, or tesseract-ocr-script-viet for Vietnamese)")

    def _read_all(self, images: Iterable[_PageImage]) -> list[OcrPage]:
        """OCR pages in parallel, keeping at most 2 per worker waiting in memory."""
        results: list[OcrPage] = []
        pending: deque[Future[OcrPage]] = deque()
        pool = ThreadPoolExecutor(self.workers, thread_name_prefix="ocr")
        try:
            for image in images:
                if len(pending) >= 2 * self.workers:
                    results.append(pending.popleft().result())
                pending.append(pool.submit(self._read_page, image))
            results.extend(future.result() for future in pending)
        finally:
            pool.shutdown(cancel_futures=True)
        return results

    def _read_page(self, page: _PageImage) -> OcrPage:
        image, dpi = _upscaled(page.image, page.dpi)
        reading = self._read_straightened(image, dpi, page.page)
        rotation = 0
        if reading is not None and (reading.sideways or _is_low(reading.confidence)):
            # Upside down text reads as low-confidence garbage, sideways text as tall
            # words: only then pay for orientation detection, and keep the turn only
            # if it reads better.
            turn = self._find_turn(image, dpi, page.page)
            turned = turn and self._read_straightened(image.rotate(turn, expand=True), dpi, page.page)
            if turned and turned.quality > reading.quality:
                reading, rotation = turned, turn
        if reading is None:
            return OcrPage(page=page.page, text="", dpi=page.dpi, skew=0.0,
                           warnings=list(page.warnings))
        return OcrPage(page=page.page, text=reading.text, confidence=reading.confidence,
                       dpi=page.dpi, rotation=rotation, skew=reading.skew,
                       warnings=list(page.warnings))

    def _read_straightened(self, image: Image.Image, dpi: int, page: int) -> _Reading | None:
        """Deskew, find the ruled tables, OCR. None for a blank page."""
        pixels = np.asarray(image)
        threshold = _ink_threshold(pixels[::2, ::2])      # a quarter of the pixels is plenty
        small = _shrink(pixels < threshold, dpi)
        if small.sum() < MIN_INK:
            return None
        skew = _find_skew(small)
        image = _rotate(image, skew)
        tables = _find_tables(np.asarray(image) < threshold, dpi)
        words = self._tesseract(image, dpi, page)
        return _Reading(_compose(words, tables), _mean_confidence(words), round(skew, 2),
                        _looks_sideways(words))

    def _find_turn(self, image: Image.Image, dpi: int, page: int) -> int:
        """Degrees counter-clockwise that would put the text upright (0, 90, 180, 270)."""
        if "osd" in _installed_languages():
            return self._osd_turn(image, dpi, page)
        return self._trial_turn(image, dpi, page)

    def _osd_turn(self, image: Image.Image, dpi: int, page: int) -> int:
        """Tesseract's orientation detection; its "Rotate" is clockwise."""
        try:
            out = _run_tesseract(image, ["--dpi", str(dpi), "--psm", "0"], page)
        except ReadError:                          # "Too few characters": it cannot tell
            return 0
        for line in out.splitlines():
            if line.startswith("Rotate:"):
                return -int(line.split(":")[1]) % 360
        return 0

    def _trial_turn(self, image: Image.Image, dpi: int, page: int) -> int:
        """Without OSD data: read a square from the middle of the page four ways
        round and keep the turn that reads with the best confidence."""
        side = min(image.size) // 2
        left, top = (image.width - side) // 2, (image.height - side) // 2
        middle = image.crop((left, top, left + side, top + side))
        quality = {}
        for turn in (0, 90, 180, 270):
            words = self._tesseract(middle.rotate(turn), dpi, page)
            quality[turn] = _quality(_mean_confidence(words), _looks_sideways(words))
        return max(quality, key=quality.get)

    def _tesseract(self, image: Image.Image, dpi: int, page: int) -> list[_Word]:
        args = ["-l", self.languages, "--dpi", str(dpi), "--psm", "3", "tsv"]
        return _parse_tsv(_run_tesseract(image, args, page))


def _run_tesseract(image: Image.Image, args: list[str], page: int) -> str:
    buffer = io.BytesIO()
    image.save(buffer, "PPM")        # uncompressed: nothing to encode or decode
    try:
        done = subprocess.run(["tesseract", "stdin", "stdout", *args], input=buffer.getvalue(),
                              capture_output=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"},
                              timeout=PAGE_TIMEOUT, check=False)
    except FileNotFoundError:
        raise ReadError(_INSTALL_HINT) from None
    except subprocess.TimeoutExpired:
        raise ReadError(f"OCR of page {page} took longer than {PAGE_TIMEOUT} s") from None
    if done.returncode != 0:
        detail = done.stderr.decode(errors="replace").strip().splitlines()[-1:]
        raise ReadError(f"tesseract failed on page {page}: {' '.join(detail) or done.returncode}")
    return done.stdout.decode("utf-8")


def _is_low(confidence: float | None) -> bool:
    return confidence is None or confidence < LOW_CONFIDENCE


def _quality(confidence: float | None, sideways: bool) -> float:
    """For choosing between readings of a page turned different ways. Tesseract
    reads text turned a quarter one way (not the other) at full confidence, as tall
    words; but then neither skew nor tables were found in the right frame: the
    reading turned upright should win."""
    return (confidence or 0) - (SIDEWAYS_PENALTY if sideways else 0)


def _looks_sideways(words: list[_Word]) -> bool:
    """Most words taller than wide: the text runs down the page."""
    shapes = [w.height > w.width for w in words if len(w.text) >= 3]
    return sum(shapes) > len(shapes) / 2


@cache
def _installed_languages() -> frozenset[str]:
    if shutil.which("tesseract") is None:
        raise ReadError(_INSTALL_HINT)
    done = subprocess.run(["tesseract", "--list-langs"], capture_output=True, check=False)
    # First line is 'List of available languages in "...":'
    return frozenset(done.stdout.decode().split("\n")[1:]) - {""}


# ---------------------------------------------------------------- page images

def _render_pdf(data: bytes, pages: list[int]) -> Iterator[_PageImage]:
    """The pages as grey images, rendered under the PDF reader's PDFium lock (PDFium
    is not thread-safe, not even across documents), one page at a time so that the
    lock is never held while a page waits for OCR."""
    with PDFIUM_LOCK:
        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as error:
            raise ReadError(f"not a readable PDF: {error}") from None
        count = len(pdf)
    try:
        for number in pages:
            if not 1 <= number <= count:
                raise ValueError(f"page {number} not in 1..{count}")
            with PDFIUM_LOCK:
                page = pdf[number - 1]
                dpi = _scan_dpi(page) or RENDER_DPI
                image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
                page.close()
            yield _PageImage(number, image, dpi)
    finally:
        with PDFIUM_LOCK:
            pdf.close()


def _scan_dpi(page: pdfium.PdfPage) -> int | None:
    """The resolution of the page's image when the page is one image and nothing else."""
    objects = list(page.get_objects())
    if len(objects) != 1 or objects[0].type != pdfium_c.FPDF_PAGEOBJ_IMAGE:
        return None
    left, bottom, right, top = objects[0].get_bounds()
    width_px, height_px = objects[0].get_px_size()
    if right <= left or top <= bottom:
        return None
    # The longer side against the longer side, whatever way the image is turned.
    dpi = max(width_px, height_px) / (max(right - left, top - bottom) / 72)
    return min(round(dpi), MAX_DPI)


def _image_frames(data: bytes) -> Iterator[_PageImage]:
    try:
        image = Image.open(io.BytesIO(data))
        frames = ImageSequence.Iterator(image)
        for number, frame in enumerate(frames, start=1):
            yield _page_image(number, frame)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ReadError(f"unreadable image: {error}") from None


def _page_image(number: int, frame: Image.Image) -> _PageImage:
    frame = ImageOps.exif_transpose(frame)       # camera orientation, as the file says
    if frame.mode in ("RGBA", "LA", "PA") or "transparency" in frame.info:
        frame = Image.alpha_composite(Image.new("RGBA", frame.size, "white"), frame.convert("RGBA"))
    gray = frame.convert("L")
    dpi = _declared_dpi(frame)
    warnings = []
    if dpi is None:
        dpi, assumed = _estimated_dpi(gray.size)
        warnings.append(f"page {number}: the image does not say its resolution (or says an "
                        f"impossible one); assumed {assumed}, about {dpi} dpi")
    return _PageImage(number, gray, min(dpi, MAX_DPI), warnings)


def _estimated_dpi(size: tuple[int, int]) -> tuple[int, str]:
    """The resolution of a page image that does not say: an image shaped like A4 (or
    Letter) is taken for a whole A4 page; any other shape for a cut-out of one, as
    wide as the page (a strip of lines, a paragraph)."""
    short, long = sorted(size)
    if abs(long / short - A4_LONG_SIDE_INCHES / A4_SHORT_SIDE_INCHES) < 0.15:
        return round(short / A4_SHORT_SIDE_INCHES), "an A4 page"
    return round(long / A4_SHORT_SIDE_INCHES), "a part of an A4 page as wide as the page"


def _declared_dpi(image: Image.Image) -> int | None:
    """The resolution in the file, unless it is missing or makes the page bigger
    than A3 (cameras and editors write 72 dpi whatever the picture)."""
    dpi = image.info.get("dpi")
    if not dpi or float(dpi[0]) < 1:
        return None
    value = round(float(dpi[0]))
    return value if max(image.size) / value <= MAX_PAGE_INCHES else None


# ---------------------------------------------------------------- preprocessing

def _upscaled(image: Image.Image, dpi: int) -> tuple[Image.Image, int]:
    """Pages scanned below MIN_OCR_DPI enlarged to it: tesseract misreads small
    glyphs (100 dpi page 1s of the corpus: CER 1.3% as they are, 0.5% at 200 dpi,
    0.6% at 300 dpi); above it, enlarging gains nothing and costs time."""
    if dpi >= MIN_OCR_DPI:
        return image, dpi
    scale = MIN_OCR_DPI / dpi
    size = (round(image.width * scale), round(image.height * scale))
    return image.resize(size, Image.Resampling.BICUBIC), MIN_OCR_DPI


# ---------------------------------------------------------------- skew

def _shrink(ink: np.ndarray, dpi: int) -> np.ndarray:
    """The ink mask at about ANALYSIS_DPI: a cell is ink if any pixel in it is."""
    f = max(dpi // ANALYSIS_DPI, 1)
    h, w = ink.shape[0] // f, ink.shape[1] // f
    return ink[:h * f, :w * f].reshape(h, f, w, f).any(axis=(1, 3))


def _ink_threshold(pixels: np.ndarray) -> int:
    """Otsu's threshold, kept clear of the paper's noise: on a nearly blank page
    Otsu splits the paper itself in two."""
    counts = np.bincount(pixels.ravel(), minlength=256).astype(np.float64)
    levels = np.arange(256)
    below = np.cumsum(counts)
    below_sum = np.cumsum(counts * levels)
    total, total_sum = below[-1], below_sum[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (below_sum * total - total_sum * below) ** 2 / (below * (total - below))
    if np.isnan(between[:-1]).all():             # one grey level: no ink at all
        return 0
    otsu = int(np.nanargmax(between[:-1])) + 1
    paper = int(np.searchsorted(below, total / 2))                 # the median
    spread = int(np.searchsorted(below, total * 0.25))             # lower quartile
    return min(otsu, paper - 8 * max(paper - spread, 1))


def _find_skew(ink: np.ndarray) -> float:
    """Degrees (counter-clockwise) that make the text lines horizontal.

    The projection profile method: sheared by the right angle, ink falls into
    tall narrow rows (the text lines), so the rows' counts change most sharply from
    one row to the next. A coarse search over ±MAX_SKEW, then a fine one."""
    ys, xs = np.nonzero(ink)
    coarse = np.arange(-MAX_SKEW, MAX_SKEW + 0.01, 0.5)
    best = max(coarse, key=lambda a: _profile_sharpness(ys, xs, a))
    fine = np.arange(best - 0.5, best + 0.51, 0.05)
    angle = max(fine, key=lambda a: _profile_sharpness(ys, xs, a))
    return -float(angle)                   # undo the slope found


def _profile_sharpness(ys: np.ndarray, xs: np.ndarray, angle: float) -> float:
    rows = np.rint(ys + xs * np.tan(np.radians(angle))).astype(np.int64)
    steps = np.diff(np.bincount(rows - rows.min()))
    return float(np.dot(steps, steps))


def _rotate(image: Image.Image, degrees: float) -> Image.Image:
    """Turn counter-clockwise by a small angle, filling the corners with paper."""
    if abs(degrees) < 0.05:
        return image
    paper = int(np.percentile(np.asarray(image)[::8, ::8], 90))
    return image.rotate(degrees, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=paper)


# ---------------------------------------------------------------- ruled tables

@dataclass
class _Rule:
    """A straight line printed on the page, seen as if horizontal: the rows it
    occupies (more than one when thick or slightly slanted) and the stretches
    (start, end) it covers along its length."""
    at: int
    last: int
    spans: list[tuple[int, int]]

    def covers(self, start: int, end: int, slack: int) -> bool:
        return any(a <= start + slack and b >= end - slack for a, b in self.spans)


@dataclass
class _Table:
    """A ruled table: for each row, its top and bottom and the x of the vertical
    rules that bound its cells; and the boxes (left, top, right, bottom) of its rules."""
    rows: list[tuple[int, int, list[int]]] = field(default_factory=list)
    rules: list[tuple[int, int, int, int]] = field(default_factory=list)

    def on_rule(self, word: _Word) -> bool:
        right, bottom = word.left + word.width, word.top + word.height
        return any(left <= right and word.left <= r and top <= bottom and word.top <= b
                   for left, top, r, b in self.rules)

    def cell_at(self, x: float, y: float) -> tuple[int, int] | None:
        for r, (top, bottom, xs) in enumerate(self.rows):
            if top < y < bottom and xs[0] < x < xs[-1]:
                return r, bisect.bisect(xs, x) - 1
        return None


def _runs(ink: np.ndarray, min_length: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, start, end) of every horizontal run of ink at least `min_length` long."""
    padded = np.zeros((ink.shape[0], ink.shape[1] + 2), np.int8)
    padded[:, 1:-1] = ink
    steps = np.diff(padded, axis=1)
    rows, starts = np.nonzero(steps == 1)
    _, ends = np.nonzero(steps == -1)            # row-major order: pairs with starts
    long = ends - starts >= min_length
    return rows[long], starts[long], ends[long]


def _rules(ink: np.ndarray, min_length: int, gap: int) -> list[_Rule]:
    """The horizontal rules of a page; runs in neighbouring rows (a thick or
    slightly slanted rule) make one rule."""
    rules: list[_Rule] = []
    last_row = -gap - 1
    for row, start, end in zip(*_runs(ink, min_length)):
        if row - last_row > gap:
            rules.append(_Rule(int(row), int(row), []))
        rules[-1].last = int(row)
        rules[-1].spans.append((int(start), int(end)))
        last_row = row
    for rule in rules:
        rule.spans = _merge_spans(rule.spans, gap)
    return rules


def _merge_spans(spans: list[tuple[int, int]], gap: int) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start - merged[-1][1] <= gap:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _find_tables(ink: np.ndarray, dpi: int) -> list[_Table]:
    """Ruled tables: a row lies between two horizontal rules and is cut into cells
    by the vertical rules that run from one to the other. Rows that share a rule
    make one table; a table needs two cells in some row (a box is not a table)."""
    slack = max(dpi // 20, 2)
    across = _rules(ink, dpi // 2, slack)
    down = _rules(ink.T, dpi // 4, slack)
    tables: list[_Table] = []
    last_bottom = None
    for upper, lower in pairwise(across):
        if lower.at - upper.at < dpi // 8:       # too thin for a line of text
            continue
        sides = [rule for rule in down if rule.covers(upper.at, lower.at, slack)
                 and upper.covers(rule.at, rule.at, slack) and lower.covers(rule.at, rule.at, slack)]
        if len(sides) < 2:
            continue
        if upper.at != last_bottom:
            tables.append(_Table())
        table = tables[-1]
        xs = sorted(rule.at for rule in sides)
        table.rows.append((upper.at, lower.at, xs))
        for rule in (upper, lower):
            table.rules += [(a, rule.at, b, rule.last) for a, b in rule.spans if a < xs[-1] and b > xs[0]]
        table.rules += [(rule.at, upper.at, rule.last, lower.last) for rule in sides]
        last_bottom = lower.at
    return [t for t in tables if any(len(xs) > 2 for _, _, xs in t.rows)]


# ---------------------------------------------------------------- tesseract output

@dataclass
class _Word:
    line: tuple[int, int, int]        # tesseract's block, paragraph, line
    left: int
    top: int
    width: int
    height: int
    confidence: float
    text: str


def _parse_tsv(tsv: str) -> list[_Word]:
    words = []
    rows = csv.reader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    next(rows, None)                                  # header
    for row in rows:
        if len(row) < 12 or row[0] != "5" or not row[11].strip():
            continue
        block, par, line, left, top, width, height = map(int, row[2:5] + row[6:10])
        words.append(_Word((block, par, line), left, top, width, height, float(row[10]),
                           unicodedata.normalize("NFC", row[11].strip())))
    return words


def _mean_confidence(words: list[_Word]) -> float | None:
    return round(sum(w.confidence for w in words) / len(words), 1) if words else None


def _compose(words: list[_Word], tables: list[_Table]) -> str:
    """Page text in tesseract's reading order: a line per printed line, a blank
    line between paragraphs. A ruled table comes out where its first word was
    read, a line per row, cells separated by TAB."""
    pieces: list[str | int] = []                     # text, or the index of a table
    paragraph: list[list[str]] = []
    cells: list[dict[tuple[int, int], list[_Word]]] = [{} for _ in tables]
    placed: set[int] = set()
    last_line = None

    def flush() -> None:
        if paragraph:
            pieces.append("\n".join(" ".join(line) for line in paragraph))
            paragraph.clear()

    for word in words:
        where = next(((t, cell) for t, table in enumerate(tables)
                      if (cell := table.cell_at(word.left + word.width / 2,
                                                word.top + word.height / 2))), None)
        if where is not None:
            t, cell = where
            if not (_RULE_LIKE.match(word.text) and tables[t].on_rule(word)):
                cells[t].setdefault(cell, []).append(word)
            if t not in placed:
                flush()
                pieces.append(t)                  # filled in once all its words are in
                placed.add(t)
                last_line = None
            continue
        if last_line is None or word.line[:2] != last_line[:2]:
            flush()
        if word.line != last_line:
            paragraph.append([])
        paragraph[-1].append(word.text)
        last_line = word.line
    flush()
    return "\n\n".join(_table_text(tables[p], cells[p]) if isinstance(p, int) else p
                       for p in pieces)


def _table_text(table: _Table, cells: dict[tuple[int, int], list[_Word]]) -> str:
    rows = []
    for r, (_, _, xs) in enumerate(table.rows):
        texts = [_cell_text(cells.get((r, c), [])) for c in range(len(xs) - 1)]
        if any(texts):
            rows.append("\t".join(texts))
    return "\n".join(rows)


def _cell_text(words: list[_Word]) -> str:
    """A cell's words line by line (top to bottom, left to right), joined by spaces."""
    lines: dict[tuple[int, int, int], list[_Word]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word)
    ordered = sorted(lines.values(), key=lambda line: min(w.top for w in line))
    return " ".join(w.text for line in ordered for w in sorted(line, key=lambda w: w.left))
