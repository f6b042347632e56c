"""Bulk import (CSV, XLSX): idempotent by external id, a report for every rejected row, all or
nothing or the valid rows only, a school's file touching only its school."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlmodel import select

from shared.auth import Principal

from services.registry.importer import ImportOptions
from services.registry.main import create_service
from services.registry.models import Participant, School
from tests.component.helpers import ADMIN, bearer, count, emitted, running

DATA = Path(__file__).resolve().parents[2] / "docs" / "examples" / "registry"
REGISTERED = "registry.participant.registered.v1"
UPDATED = "registry.participant.updated.v1"


@pytest.fixture
async def registry(settings):
    service = create_service(settings)
    async with running(service) as client:
        yield service, client


async def run(service, *files: Path, **options):
    return await service.importer.run_paths([str(f) for f in files], ImportOptions(**options))


async def people(service) -> dict[str, Participant]:
    async with service.runtime.db.sessions() as session:
        return {p.external_id: p for p in (await session.exec(select(Participant))).all()}


async def test_schools_and_roster_import_then_a_second_import_changes_nothing(registry) -> None:
    service, _ = registry
    report = await run(service, DATA / "schools.csv", DATA / "roster_s1.csv")
    assert report.applied and report.errors == [], report.errors
    assert [(s.kind, s.created) for s in report.sheets] == [("schools", 2), ("people", 4)]
    assert await count(service, School) == 2
    persons = await people(service)
    assert persons["T-1"].subjects == ["математика", "информатика"] and persons["T-1"].young_specialist is False
    assert persons["T-2"].young_specialist is True
    assert persons["P-1"].grade == 10 and persons["P-1"].consent_by == "legal_representative"
    assert persons["P-2"].consent_date is None
    # P-2 has no guardian consent: stored, but not announced.
    registered = await emitted(service, REGISTERED)
    assert sorted(e["display_name"] for e in registered) == ["Иванова Анна Петровна", "Смирнов Илья Олегович", "Соколов Артём"]
    assert all("external_id" not in e and "birth_year" not in e for e in registered)
    assert len(await emitted(service, "registry.school.registered.v1")) == 2

    events_before = len(registered) + 2
    again = await run(service, DATA / "schools.csv", DATA / "roster_s1.csv")
    assert again.applied and again.events == 0
    assert [(s.created, s.updated, s.unchanged) for s in again.sheets] == [(0, 0, 2), (0, 0, 4)]
    assert len(await emitted(service, REGISTERED)) + len(await emitted(service, "registry.school.registered.v1")) == events_before


async def test_a_corrected_file_updates_and_announces_only_what_changed(registry, tmp_path) -> None:
    service, _ = registry
    await run(service, DATA / "schools.csv", DATA / "roster_s1.csv")
    corrected = (DATA / "roster_s1.csv").read_text(encoding="utf-8").replace("Соколов Артём;;;;;10А", "Соколов Артём;;;;;11А")
    corrected = corrected.replace("s1;P-2;обучающийся;Лебедева Полина;;;;;6Б;нет;;;", "s1;P-2;обучающийся;Лебедева Полина;;;;;6Б;да;родитель;;05.09.2026")
    path = tmp_path / "roster_s1.csv"
    path.write_text(corrected, encoding="utf-8")
    report = await run(service, path)
    assert report.applied and [(s.created, s.updated, s.unchanged) for s in report.sheets] == [(0, 2, 2)]
    [update] = await emitted(service, UPDATED)
    assert update["grade"] == 11 and update["changed"] == ["grade"]
    # Guardian consent recorded now: P-2 is announced for the first time.
    assert "Лебедева Полина" in [e["display_name"] for e in await emitted(service, REGISTERED)]


async def test_bad_rows_are_each_reported_and_nothing_is_written(registry) -> None:
    service, _ = registry
    await run(service, DATA / "schools.csv")
    report = await run(service, DATA / "roster_bad.csv", school_id="s1")
    assert not report.applied
    assert await count(service, Participant) == 0
    assert await emitted(service, REGISTERED) == []
    by_line = {}
    for error in report.errors:
        by_line.setdefault(error.line, []).append(error)
    assert sorted(by_line) == [3, 4, 5, 6, 7, 8]
    assert "повторяется" in by_line[3][0].reason_ru and "line 2" in by_line[3][0].reason_en
    assert by_line[4][0].column == "Код школы" and "другой школы" in by_line[4][0].reason_ru and "another school" in by_line[4][0].reason_en
    assert "класс" in by_line[5][0].reason_ru
    assert by_line[6][0].column == "Класс" and "1–11" in by_line[6][0].reason_ru
    assert by_line[7][0].column == "Категория"
    assert by_line[8][0].column == "Стаж" and "number" in by_line[8][0].reason_en
    assert "Ничего не записано" in report.summary_ru


async def test_valid_only_writes_the_good_rows(registry) -> None:
    service, _ = registry
    await run(service, DATA / "schools.csv")
    report = await run(service, DATA / "roster_bad.csv", school_id="s1", mode="valid_only")
    assert report.applied and report.errors_total == 6
    assert list(await people(service)) == ["T-1"]
    assert len(await emitted(service, REGISTERED)) == 1


async def test_a_malformed_file_is_refused_with_a_reason(registry, tmp_path) -> None:
    service, client = registry
    garbage = tmp_path / "roster.xlsx"
    garbage.write_bytes(b"PK\x03\x04 this is not a workbook")
    report = await run(service, garbage)
    assert not report.applied and report.errors[0].line == 0 and "XLSX" in report.errors[0].reason_ru
    unknown = tmp_path / "notes.csv"
    unknown.write_text("Что;Где;Когда\n1;2;3\n", encoding="utf-8")
    report = await run(service, unknown)
    assert not report.applied and "заголовков" in report.errors[0].reason_ru
    missing = tmp_path / "pupils.csv"
    missing.write_text("Код школы;ФИО;Класс\ns1;Петя;5\n", encoding="utf-8")
    report = await run(service, missing)
    assert not report.applied and report.errors[0].column == "Внешний id"
    binary = await client.post("/api/v1/imports", headers=ADMIN, files={"file": ("x.csv", b"\x00\x01\x02\x03", "text/csv")})
    assert binary.status_code == 200 and binary.json()["applied"] is False and binary.json()["errors"][0]["reason_en"]


def workbook_bytes() -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheets = {
        "Зачисления": [["Код школы", "Код программы", "Внешний id", "Роль", "Вместимость"],
                       ["s1", "PR-1", "T-1", "наставник", 2], ["s1", "PR-1", "T-2", "наставляемый", None],
                       ["s1", "PR-1", "P-2", "наставляемый", None]],
        "Педагоги": [["Внешний id", "Фамилия", "Имя", "Отчество", "Стаж", "Возрастная группа", "Согласие"],
                     ["T-1", "Иванова", "Анна", "Петровна", 24, "35 и старше", "да"],
                     ["T-2", "Смирнов", "Илья", None, 5, "до 35", "да"]],
        "Обучающиеся": [["Внешний id", "ФИО", "Класс", "Согласие"], ["P-2", "Лебедева Полина", 6, "нет"]],
        "Программы": [["Код программы", "Название", "Учебный год", "Формы", "Куратор", "Этап"],
                      ["PR-1", "Вместе", "2026/27", "учитель – учитель", "T-1", "формирование пар и групп"]],
    }
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


async def test_xlsx_upload_by_a_curator_one_sheet_per_entity(registry) -> None:
    service, client = registry
    await run(service, DATA / "schools.csv")
    curator = bearer("school_curator", "school", "s1")
    response = await client.post("/api/v1/imports", headers=curator, params={"school": "s1"},
                                 files={"file": ("школа.xlsx", workbook_bytes(), "application/octet-stream")})
    assert response.status_code == 200, response.text
    report = response.json()
    # The pupil without guardian consent cannot be enrolled: all or nothing, so nothing is written.
    assert report["applied"] is False and report["errors_total"] == 1
    [error] = report["errors"]
    assert error["sheet"] == "Зачисления" and error["line"] == 4 and error["cell"] == "C4"
    assert "законного представителя" in error["reason_ru"] and "legal representative" in error["reason_en"]
    assert await count(service, Participant) == 0

    response = await client.post("/api/v1/imports", headers=curator, params={"school": "s1", "mode": "valid_only"},
                                 files={"file": ("школа.xlsx", workbook_bytes(), "application/octet-stream")})
    report = response.json()
    assert report["applied"] is True and report["errors_total"] == 1
    persons = await people(service)
    assert persons["T-2"].full_name == "Смирнов Илья" and persons["T-2"].young_specialist is True
    enrolled = await emitted(service, "registry.participant.enrolled.v1")
    assert sorted(e["role"] for e in enrolled) == ["curator", "mentee", "mentor"]
    [launched] = await emitted(service, "registry.programme.launched.v1")
    assert launched["academic_year"] == "2026/2027" and launched["stage"] == "pairing" and launched["curator_id"] == persons["T-1"].id


async def test_a_curators_upload_cannot_touch_another_school(registry) -> None:
    service, client = registry
    await run(service, DATA / "schools.csv")
    curator = bearer("school_curator", "school", "s2")
    response = await client.post("/api/v1/imports", headers=curator,
                                 files={"file": ("roster.csv", (DATA / "roster_s1.csv").read_bytes(), "text/csv")})
    report = response.json()
    assert report["applied"] is False and report["errors_total"] == 4
    assert all("недоступна" in e["reason_ru"] for e in report["errors"])
    assert await count(service, Participant) == 0


async def test_cp1251_comma_csv_and_the_dry_run(registry, tmp_path) -> None:
    service, _ = registry
    await run(service, DATA / "schools.csv")
    path = tmp_path / "Педагоги.csv"
    path.write_bytes("Внешний id,ФИО,Стаж,Согласие\nT-1,Иванова Анна,2,да\n".encode("cp1251"))
    dry = await run(service, path, school_id="s1", dry_run=True)
    assert dry.errors_total == 0 and not dry.applied and await count(service, Participant) == 0
    report = await run(service, path, school_id="s1")
    assert report.applied and (await people(service))["T-1"].category == "teacher"


async def test_withdrawal_and_leaving_by_file(registry, tmp_path) -> None:
    service, _ = registry
    await run(service, DATA / "schools.csv", DATA / "roster_s1.csv")
    text = (DATA / "roster_s1.csv").read_text(encoding="utf-8")
    text = text.replace("Смирнов Илья Олегович;учитель;математика;1;2000;;да", "Смирнов Илья Олегович;учитель;математика;1;2000;;отозвано")
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    report = await run(service, path)
    assert report.applied and report.sheets[0].withdrawn == 1
    [withdrawn] = await emitted(service, "registry.participant.withdrawn.v1")
    assert withdrawn["reason"] == "consent_withdrawn"
    # The old file again: the withdrawn person is not brought back without a newer consent.
    report = await run(service, DATA / "roster_s1.csv")
    assert not report.applied and "отозвал согласие" in report.errors[0].reason_ru


async def test_import_scope_of_a_principal(registry) -> None:
    service, _ = registry
    await run(service, DATA / "schools.csv")
    coordinator = Principal(sub="c", role="municipal_coordinator", scope="municipality", scope_id="m2")
    report = await run(service, DATA / "schools.csv", principal=coordinator)
    assert not report.applied and "региональный администратор" in report.errors[0].reason_ru


async def test_a_value_longer_than_the_api_takes_is_a_row_error(registry, tmp_path) -> None:
    service, _ = registry
    rows = (DATA / "schools.csv").read_text(encoding="utf-8").splitlines()
    long_name = "Школа " + "о" * 300
    path = tmp_path / "schools.csv"
    path.write_text("\n".join([rows[0], rows[1].replace(rows[1].split(";")[1], long_name, 1)]) + "\n", encoding="utf-8")
    report = await run(service, path)
    assert not report.applied and await count(service, School) == 0
    [error] = report.errors
    assert error.line == 2 and error.column == "Наименование"
    assert "Слишком длинное значение «Наименование»: 306 символов, допустимо не более 300" in error.reason_ru
