"""Settings, read once from the environment (each has a CLI flag where it matters)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def default_db_path() -> Path:
    """--db, else $VANBAN_DB, else the XDG data directory."""
    if env := os.environ.get("VANBAN_DB"):
        return Path(env)
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return data_home / "vanban" / "vanban.db"


@dataclass(frozen=True)
class Settings:
    max_file_bytes: int = 200 * 1024 * 1024
    api_token: str | None = None          # required for write endpoints when set
    read_token_required: bool = False     # reads need the token too
    ocr_languages: str = "vie"
    ocr_workers: int = max(os.cpu_count() or 1, 1)

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            max_file_bytes=int(env.get("VANBAN_MAX_BYTES", cls.max_file_bytes)),
            api_token=env.get("VANBAN_TOKEN") or None,
            read_token_required=env.get("VANBAN_READ_TOKEN_REQUIRED", "").lower() in {"1", "true", "yes"},
            ocr_languages=env.get("VANBAN_OCR_LANG", cls.ocr_languages),
            ocr_workers=int(env.get("VANBAN_OCR_WORKERS", cls.ocr_workers)),
        )
