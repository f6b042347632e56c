"""What a user's text may become in a file the system writes — the one mechanism every export uses
(issue 13, M2/M3/L3):

- `cell()` / `row()`: a spreadsheet cell (XLSX and CSV). Text that a spreadsheet would run as a
  formula — it starts with = + - @, a tab or a carriage return (OWASP, "CSV injection"), or their
  full-width forms — gets a leading apostrophe, so `=HYPERLINK(…)` is shown, never run. Numbers,
  dates, booleans and empty cells pass unchanged: real numbers stay numeric.
- `markup()`: text inside a ReportLab Paragraph (which parses a small XML markup: `<b>`, `<img
  src=…>`, `<link>`): escaped, so a name is printed as written and can never embed a file.
- `file_name()` / `attachment()`: a download's name, safe on any disk and in a
  Content-Disposition header (RFC 6266 / RFC 5987: an ASCII fallback and `filename*` in UTF-8),
  whatever ids it is built from (Cyrillic, quotes, `;`, line breaks, slashes).

A test (tests/unit/test_safe_export.py) fails when a module writes XLSX or CSV, or builds
Paragraphs, without this module."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import quote
from xml.sax.saxutils import escape

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")  # OWASP + full-width forms
QUOTE = "'"


def formula_like(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def cell(value: object) -> object:
    """A value for a spreadsheet cell: text neutralised, everything else as it is."""
    if isinstance(value, str) and formula_like(value):
        return QUOTE + value
    return value


def row(values: Iterable[object]) -> list[object]:
    return [cell(v) for v in values]


def markup(text: object) -> str:
    """Text for a ReportLab Paragraph, printed as written (no tags, no images, no links)."""
    return escape(str(text))


_UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|;]+')
_NOT_ASCII_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def file_name(name: str, default: str = "export") -> str:
    """A file name safe on any disk: no folders, quotes, separators or control characters."""
    cleaned = _UNSAFE_IN_NAME.sub("_", unicodedata.normalize("NFC", name)).strip(" .")
    return cleaned[:150] or default


def attachment(name: str) -> str:
    """The Content-Disposition of a download named `name`: an ASCII `filename` for old clients
    and the exact name in `filename*` (RFC 5987), both unable to end the header's parameter."""
    safe = file_name(name)
    stem, dot, extension = safe.rpartition(".")
    ascii_stem = _NOT_ASCII_NAME.sub("_", stem if dot else safe).strip("_") or "export"
    fallback = f"{ascii_stem}.{_NOT_ASCII_NAME.sub('', extension)}" if dot else ascii_stem
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(safe, safe='')}"
