"""shared/safe_export.py: the one mechanism for what people's text becomes in files (issue 13,
M2/M3/L3), and a guard that every writer of XLSX, CSV or PDF paragraphs uses it."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from shared.safe_export import attachment, cell, file_name, markup, row

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("text", ["=1+1", '=HYPERLINK("http://x","y")', "+7 900", "-2+3", "@SUM(A1)", "\t=1", "\r=1",
                                  "=cmd|' /C calc'!A0", "＝1+1"])
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(text: str) -> None:
    assert cell(text) == "'" + text


@pytest.mark.parametrize("value", [5, -5, 2.5, -0.25, 0, None, True, date(2026, 9, 1), "Иванова", "1-й класс", " =1", ""])
def test_numbers_dates_and_plain_text_pass_unchanged(value: object) -> None:
    assert cell(value) == value and type(cell(value)) is type(value)


def test_in_a_workbook_the_text_is_text_and_the_numbers_numbers() -> None:
    book = Workbook()
    book.active.append(row(["=1+1", -3, 4.5, "@x", "Школа"]))
    out = io.BytesIO()
    book.save(out)
    cells = list(load_workbook(io.BytesIO(out.getvalue())).active.iter_rows())[0]
    assert [c.data_type for c in cells] == ["s", "n", "n", "s", "s"]
    assert [c.value for c in cells] == ["'=1+1", -3, 4.5, "'@x", "Школа"]


def test_markup_is_printed_as_written() -> None:
    assert markup('<img src="/etc/x.png"/> <b>Школа & Ко') == '&lt;img src="/etc/x.png"/&gt; &lt;b&gt;Школа &amp; Ко'


@pytest.mark.parametrize("name", ["monitoring_school_шк-1_2026-2027.pdf", 'a"; filename="evil.exe.csv', "x\r\nSet-Cookie: a=b.csv",
                                  "../../etc/passwd.xlsx", "a;b\\c.csv"])
def test_a_download_name_cannot_break_the_header_or_leave_its_folder(name: str) -> None:
    header = attachment(name)
    header.encode("latin-1")  # a header Starlette can send (Cyrillic in it was a 500)
    assert "\r" not in header and "\n" not in header
    fallback = re.fullmatch(r'attachment; filename="([A-Za-z0-9._-]+)"; filename\*=UTF-8\'\'([A-Za-z0-9._~%-]+)', header)
    assert fallback, header
    assert "/" not in file_name(name) and "\\" not in file_name(name) and '"' not in file_name(name) and ";" not in file_name(name)


def test_a_cyrillic_name_is_kept_exactly_in_filename_star() -> None:
    assert attachment("шаблон.xlsx") == "attachment; filename=\"export.xlsx\"; filename*=UTF-8''%D1%88%D0%B0%D0%B1%D0%BB%D0%BE%D0%BD.xlsx"


WRITERS = re.compile(r"\bWorkbook\(|csv\.writer\(|csv\.DictWriter\(|\bParagraph\(")


def test_every_writer_of_spreadsheets_and_pdf_paragraphs_uses_the_one_mechanism() -> None:
    """A module that writes XLSX or CSV, or puts text into ReportLab Paragraphs, imports
    shared.safe_export: a new export cannot forget to neutralise formulas or escape markup."""
    offenders = []
    for folder in ("services", "shared", "nastavnik"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if WRITERS.search(text) and path.name != "safe_export.py" and "safe_export" not in text:
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == [], f"these write spreadsheets or PDF paragraphs without shared.safe_export: {offenders}"


def test_download_headers_are_made_by_the_one_helper() -> None:
    offenders = []
    for folder in ("services", "shared", "nastavnik"):
        for path in (ROOT / folder).rglob("*.py"):
            if re.search(r"[\"']Content-Disposition[\"']\s*:\s*[f\"']", path.read_text(encoding="utf-8")):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == [], f"Content-Disposition written by hand (use shared.safe_export.attachment): {offenders}"
