"""How close extracted text is to a reference: character error rate (CER).

Both texts are put in canonical form (NFC, one tone placement, one dash) and every
run of whitespace becomes one space, so line wrapping, TABs between table cells and
blank lines between paragraphs do not count as errors; only characters do.
"""
from __future__ import annotations

import re

from rapidfuzz.distance import Levenshtein
from rapidfuzz.fuzz import partial_ratio_alignment

from vanban.text import canonical, squash_spaces

MIN_MOVABLE = 20     # characters: a shorter line matches in too many places to be moved
MOVE_SCORE = 80      # how well (0-100) a line must match somewhere to be moved there
ANCHOR_RUN = 4       # equal characters in a row that count as really aligned


def _prepare(text: str) -> str:
    return squash_spaces(canonical(text))


def cer(reference: str, hypothesis: str) -> float:
    """Levenshtein distance / reference length (0.0 = identical; can exceed 1.0)."""
    ref, hyp = _prepare(reference), _prepare(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return Levenshtein.distance(ref, hyp) / len(ref)


def reorder_lines(reference: str, hypothesis: str) -> str:
    """The hypothesis lines put in the order of the reference.

    Reading order is a layout question (which table cell or column comes first, a
    table row cut in two by a page break), not a recognition one. Lines are moved
    whole, so every misread character still counts. A table cell (text between
    TABs) is a line of its own.

    A line stays where the plain alignment put it when most of it lines up there in
    runs of a few characters (scattered one-letter matches are what aligning
    unrelated text gives). Otherwise, if it is long enough to be found reliably, it
    moves to where it best matches; a short one ("1", "x", "2021") stays after the
    line before it."""
    ref = _prepare(reference)
    lines = [line for line in map(_prepare, re.split(r"[\n\t]", hypothesis)) if line]
    landed = _landing(ref, " ".join(lines))
    placed: list[tuple[int, int, str]] = []
    offset, last = 0, 0
    for index, line in enumerate(lines):
        matched = [p for p in landed[offset:offset + len(line)] if p >= 0]
        # A line's place is the middle of where it lies in the reference.
        if len(matched) >= len(line) / 2:
            last = sorted(matched)[len(matched) // 2]
        elif len(line) >= MIN_MOVABLE:
            match = partial_ratio_alignment(line, ref)
            if match is not None and match.score >= MOVE_SCORE:
                last = (match.dest_start + match.dest_end) // 2
        placed.append((last, index, line))
        offset += len(line) + 1
    return "\n".join(line for _, _, line in sorted(placed))


def _landing(ref: str, hyp: str) -> list[int]:
    """For each character of `hyp`, the index of the `ref` character it is aligned
    with in a run of at least ANCHOR_RUN equal characters, else -1."""
    landed = [-1] * len(hyp)
    for op in Levenshtein.opcodes(ref, hyp):
        if op.tag == "equal" and op.src_end - op.src_start >= ANCHOR_RUN:
            landed[op.dest_start:op.dest_end] = range(op.src_start, op.src_end)
    return landed


def cer_unordered(reference: str, hypothesis: str) -> float:
    """CER after putting the hypothesis lines and cells in reference order (see
    `reorder_lines`)."""
    return cer(reference, reorder_lines(reference, hypothesis))
