"""Loading the CSV vocabularies in vanban/data/ (comment lines start with '#')."""
from __future__ import annotations

import csv
from functools import cache
from importlib import resources

from vanban.text import canonical


@cache
def read_csv(name: str) -> tuple[dict[str, str], ...]:
    """Rows of vanban/data/<name> as dicts, text in canonical form."""
    text = (resources.files("vanban") / "data" / name).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return tuple({k: canonical(v or "").strip() for k, v in row.items()}
                 for row in csv.DictReader(lines))
