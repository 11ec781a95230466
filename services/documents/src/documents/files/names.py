"""File names from clients: shown and offered back on download, never used as keys."""

import unicodedata
from urllib.parse import quote

MAX_NAME_LENGTH = 255


def clean_file_name(raw: str, *, extension: str) -> str:
    """A name safe to show: no folders, no control characters, a bounded length."""
    base = raw.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip().strip(".")
    if not base:
        base = f"document{extension}"
    if len(base) > MAX_NAME_LENGTH:
        stem, dot, ext = base.rpartition(".")
        keep = ext[:20] if dot else ""
        base = (stem if dot else base)[: MAX_NAME_LENGTH - len(keep) - 1] + (
            "." + keep if keep else ""
        )
    return base


def content_disposition(file_name: str) -> str:
    """`attachment` with an ASCII fallback and the exact name encoded by RFC 6266 / 5987."""
    fallback = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\;%' else "_" for c in file_name
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"
