"""Limits everywhere input enters (issue 13, H2 and M4), each test written as the attack that
succeeded before: a zip bomb and an oversized cell in an upload, a 100 MB body, a participant
with 100,000 subjects, a 422 that echoed the whole input."""

from __future__ import annotations

import asyncio
import io
import threading

import pytest
from openpyxl import Workbook

from services.registry import spreadsheet as sheets
from services.registry.main import create_service as create_registry
from services.registry.models import Participant
from services.surveys.main import create_service as create_surveys
from tests.component.helpers import ADMIN, bearer, count, running
from tests.component.zip_bomb import bomb_xlsx

CURATOR = bearer("school_curator", "school", "s1")
MENTEE = bearer("mentee", "school", "s1", sub="p-mentee")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
async def registry(settings):
    service = create_registry(settings)
    async with running(service) as client:
        response = await client.post("/api/v1/schools", headers=ADMIN, json={
            "school_id": "s1", "name": "Школа 1", "municipality_id": "m1", "municipality_name": "Город"})
        assert response.status_code == 201, response.text
        yield service, client


def _workbook(rows: list[list[object]], title: str = "Педагоги") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# -- H2: what an upload unpacks to ------------------------------------------------------------


async def test_a_one_megabyte_xlsx_that_unpacks_to_a_gigabyte_is_refused_unopened(registry) -> None:
    service, client = registry
    bomb = bomb_xlsx()
    assert len(bomb) < 2 * 1024 * 1024  # the attack: about a megabyte on the wire

    response = await client.post("/api/v1/imports", headers=CURATOR, files={"file": ("roster.xlsx", bomb, XLSX)})

    assert response.status_code == 200, response.text
    report = response.json()
    assert not report["applied"] and report["errors_total"] == 1
    [error] = report["errors"]
    assert error["line"] == 0 and error["source"] == "roster.xlsx"
    assert "распаковывается в 1024 МБ" in error["reason_ru"] and "NASTAVNIK_IMPORT_MAX_UNPACKED_BYTES" in error["reason_ru"]
    assert await count(service, Participant) == 0


async def test_a_bomb_under_the_total_is_refused_by_its_compression_ratio(registry) -> None:
    _, client = registry
    response = await client.post("/api/v1/imports", headers=CURATOR,
                                 files={"file": ("roster.xlsx", bomb_xlsx(megabytes=64), XLSX)})
    [error] = response.json()["errors"]
    assert "zip-бомб" in error["reason_ru"] and "NASTAVNIK_IMPORT_MAX_COMPRESSION_RATIO" in error["reason_ru"]
    assert "xl/sharedStrings.xml" in error["reason_ru"]


async def test_a_cell_over_the_limit_rejects_its_row_naming_column_and_limit(registry) -> None:
    service, client = registry
    data = _workbook([["Код школы", "Внешний id", "ФИО"], ["s1", "T-1", "Я" * 5000], ["s1", "T-2", "Петрова Анна"]])
    response = await client.post("/api/v1/imports?mode=valid_only", headers=CURATOR,
                                 files={"file": ("педагоги.xlsx", data, XLSX)})
    report = response.json()
    assert report["applied"] and report["sheets"][0]["created"] == 1 and report["sheets"][0]["rejected"] == 1
    [error] = report["errors"]
    assert (error["line"], error["column"], error["cell"]) == (2, "ФИО", "C2")
    assert "5000 символов" in error["reason_ru"] and "2000" in error["reason_ru"]
    assert "NASTAVNIK_IMPORT_MAX_CELL_CHARS" in error["reason_ru"]
    assert len(error["value"]) <= 200  # the report does not carry the cell back whole
    assert await count(service, Participant) == 1


async def test_a_csv_field_beyond_the_csv_limit_is_a_clear_file_error(registry) -> None:
    _, client = registry
    data = ("Код школы;Внешний id;ФИО\ns1;T-1;\"" + "Я" * 200_000 + "\"\n").encode()
    response = await client.post("/api/v1/imports", headers=CURATOR, files={"file": ("педагоги.csv", data, "text/csv")})
    report = response.json()
    assert not report["applied"] and report["errors_total"] >= 1
    assert any("CSV не читается в строке 2" in e["reason_ru"] for e in report["errors"]), report["errors"]


async def test_rows_over_the_limit_are_refused_and_nothing_is_written(settings) -> None:
    settings.import_max_rows = 3
    service = create_registry(settings)
    async with running(service) as client:
        await client.post("/api/v1/schools", headers=ADMIN, json={
            "school_id": "s1", "name": "Школа 1", "municipality_id": "m1", "municipality_name": "Город"})
        rows = "".join(f"s1;T-{n};Педагог {n}\n" for n in range(5))
        response = await client.post("/api/v1/imports?mode=valid_only", headers=CURATOR,
                                     files={"file": ("педагоги.csv", f"Код школы;Внешний id;ФИО\n{rows}".encode(), "text/csv")})
        report = response.json()
        assert not report["applied"]
        assert any("больше 3 строк" in e["reason_ru"] and "NASTAVNIK_IMPORT_MAX_ROWS" in e["reason_ru"] for e in report["errors"])
        assert await count(service, Participant) == 0


async def test_parsing_runs_off_the_event_loop_health_answers_meanwhile(registry, monkeypatch) -> None:
    """The reader is held mid-file (as a huge file holds it); /health must answer meanwhile."""
    _, client = registry
    reading, release = threading.Event(), threading.Event()
    real = sheets.read_sheets

    def slow_read_sheets(*args, **kwargs):
        reading.set()
        assert release.wait(60)
        return real(*args, **kwargs)

    monkeypatch.setattr(sheets, "read_sheets", slow_read_sheets)
    data = _workbook([["Код школы", "Внешний id", "ФИО"], ["s1", "T-1", "Петрова Анна"]])
    upload = asyncio.create_task(client.post("/api/v1/imports", headers=CURATOR, files={"file": ("педагоги.xlsx", data, XLSX)}))
    try:
        assert await asyncio.to_thread(reading.wait, 60)
        health = await asyncio.wait_for(client.get("/health"), 30)  # blocked forever if parsing held the loop
        assert health.status_code == 200 and not upload.done()
    finally:
        release.set()
    assert (await upload).json()["applied"]


# -- M4: request bodies ----------------------------------------------------------------------


class Counted:
    """A request body sent a megabyte at a time, counting what the server pulled."""

    def __init__(self, megabytes: int) -> None:
        self.megabytes = megabytes
        self.sent = 0

    async def __aiter__(self):  # noqa: ANN204
        for _ in range(self.megabytes):
            self.sent += 1
            yield b" " * (1024 * 1024)


@pytest.fixture
async def surveys(settings):
    service = create_surveys(settings)
    async with running(service) as client:
        yield service, client


async def test_a_100_mb_body_is_refused_with_413_before_it_is_read(surveys) -> None:
    _, client = surveys
    body = Counted(100)
    response = await client.post("/api/v1/responses", headers={**MENTEE, "Content-Type": "application/json",
                                                                 "Content-Length": str(100 * 1024 * 1024)}, content=body)
    assert response.status_code == 413
    assert response.json()["detail"] == "Слишком большой запрос: не более 1 МБ (NASTAVNIK_MAX_BODY_BYTES)"
    assert body.sent == 0  # refused on its declared length, unread
    assert len(response.content) < 200


async def test_a_chunked_body_is_cut_off_once_it_passes_the_limit(surveys) -> None:
    _, client = surveys
    body = Counted(100)
    response = await client.post("/api/v1/responses", headers={**MENTEE, "Content-Type": "application/json"}, content=body)
    assert response.status_code == 413
    assert body.sent <= 3  # not the hundred megabytes


async def test_an_upload_route_takes_its_own_limit(registry, settings) -> None:
    """Uploads may be larger than other bodies, up to NASTAVNIK_MAX_UPLOAD_BYTES."""
    _, client = registry
    rows = "".join(f"s1;T-{n};Педагог Номер {n}\n" for n in range(60_000))  # ≈ 1.6 MB, over the 1 MB body limit
    data = f"Код школы;Внешний id;ФИО\n{rows}".encode()
    assert len(data) > settings.max_body_bytes
    response = await client.post("/api/v1/imports?dry_run=true", headers=CURATOR, files={"file": ("педагоги.csv", data, "text/csv")})
    assert response.status_code == 200 and response.json()["sheets"][0]["rows"] == 60_000
    too_big = await client.post("/api/v1/schools", headers={**ADMIN, "Content-Type": "application/json"},
                                content=b"{" + b" " * settings.max_body_bytes + b"}")
    assert too_big.status_code == 413


# -- M4: list and string lengths, small 422 replies ------------------------------------------


async def test_a_participant_with_100000_subjects_is_refused_naming_the_field(registry) -> None:
    service, client = registry
    body = {"category": "teacher", "full_name": "Петрова Анна", "subjects": [f"предмет {n}" for n in range(100_000)]}
    response = await client.post("/api/v1/schools/s1/participants", headers=CURATOR, json=body)
    # ~1.5 MB: the body limit answers first; under it, the schema's list limit does.
    assert response.status_code == 413
    body["subjects"] = [str(n) for n in range(100_000)]  # ≈ 0.9 MB
    response = await client.post("/api/v1/schools/s1/participants", headers=CURATOR, json=body)
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "subjects"]
    assert error["msg"] == "Слишком много элементов: не более 30 (передано 100000)"
    assert error["input"] == "<список: 100000 элементов>"
    assert len(response.content) < 1000  # not the 0.9 MB sent
    assert await count(service, Participant) == 0


async def test_a_long_free_text_answer_is_refused_and_not_echoed(surveys) -> None:
    _, client = surveys
    body = {"instrument": {"code": "satisfaction_mentee", "version": 1}, "respondent_id": "p-mentee",
            "answers": {"comment": "Я" * 300_000}}
    response = await client.post("/api/v1/responses", headers=MENTEE, json=body)
    assert response.status_code == 422
    assert len(response.content) < 3000
    locs = [e["loc"] for e in response.json()["detail"]]
    assert all(loc[:3] == ["body", "answers", "comment"] for loc in locs), locs
    assert any(e["msg"] == "Слишком длинная строка: не более 4000 символов" for e in response.json()["detail"])


async def test_a_422_lists_at_most_twenty_errors(registry) -> None:
    _, client = registry
    body = {"category": "teacher", "full_name": "Петрова Анна", "subjects": [{"x": n} for n in range(25)]}
    response = await client.post("/api/v1/schools/s1/participants", headers=CURATOR, json=body)
    assert response.status_code == 422 and len(response.json()["detail"]) == 20


async def test_a_form_too_large_gets_a_russian_page(registry) -> None:
    """A browser posting a page's form over the limit gets the error page, not JSON."""
    _, client = registry
    from shared.auth import COOKIE_NAME, Principal
    from shared.web import issue_session

    from tests.conftest import SECRET

    curator = Principal(sub="c1", role="school_curator", scope="school", scope_id="s1", name="Куратор")
    client.cookies.set(COOKIE_NAME, issue_session(SECRET, curator))
    response = await client.post("/people/new", headers={"Accept": "text/html"},
                                 data={"full_name": "Я" * (1024 * 1024)})
    assert response.status_code == 413 and response.headers["content-type"].startswith("text/html")
    assert "Слишком большой запрос: не более 1 МБ (NASTAVNIK_MAX_BODY_BYTES)" in response.text
