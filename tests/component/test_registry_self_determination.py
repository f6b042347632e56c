"""A pupil's professional self-determination in the registry: set by the HTTP API, the person's web
page, the spreadsheet import and a school's command, carried in the participant events, refused
for anyone but a pupil with the field named (nothing written)."""

from __future__ import annotations

import re

from sqlmodel import select

from services.registry.models import Participant
from tests.component.helpers import ADMIN, emitted
from tests.component.test_registry_commands import REGISTER, REJECTED, UPDATE, registry, send  # noqa: F401 - the fixture
from tests.component.test_registry_pages import CURATOR, as_

REGISTERED = "registry.participant.registered.v1"
UPDATED = "registry.participant.updated.v1"
PUPIL = {"category": "pupil", "full_name": "Соколов Артём", "grade": 10, "consent": {"given_by": "legal_representative"}}


async def by_external_id(service) -> dict[str, Participant]:
    async with service.runtime.db.sessions() as session:
        return {p.external_id: p for p in (await session.exec(select(Participant))).all()}


async def test_the_api_and_the_web_page_record_it_and_the_events_carry_it(registry) -> None:
    service, client = registry
    created = await client.post("/api/v1/schools/s1/participants", headers=ADMIN,
                                json={**PUPIL, "external_id": "P-1", "self_determination": "undecided"})
    assert created.status_code == 201, created.text
    assert created.json()["self_determination"] == "undecided"
    pid = created.json()["id"]
    [registered] = await emitted(service, REGISTERED)
    assert registered["self_determination"] == "undecided"

    patched = await client.patch(f"/api/v1/participants/{pid}", headers=ADMIN, json={"self_determination": "pedagogical"})
    assert patched.status_code == 200 and patched.json()["self_determination"] == "pedagogical"
    [updated] = await emitted(service, UPDATED)
    assert updated["self_determination"] == "pedagogical" and updated["changed"] == ["self_determination"]

    page = as_(client, CURATOR)
    form = await page.get(f"/people/{pid}/edit")
    assert "Профессиональное самоопределение" in form.text and "педагогическая профессия" in form.text
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', form.text).group(1)  # type: ignore[union-attr]
    saved = await page.post(f"/people/{pid}/edit", data={"csrf_token": token, "full_name": "Соколов Артём", "grade": "10",
                                                        "self_determination": "other"})
    assert saved.status_code == 303, saved.text
    shown = await page.get(f"/people/{pid}")
    assert re.search(r'id="self-determination">другая сфера<', shown.text)
    assert (await emitted(service, UPDATED))[-1]["self_determination"] == "other"


async def test_only_a_pupil_has_it(registry) -> None:
    service, client = registry
    teacher = {"category": "teacher", "full_name": "Иванова Анна", "external_id": "T-9", "self_determination": "pedagogical"}
    refused = await client.post("/api/v1/schools/s1/participants", headers=ADMIN, json=teacher)
    assert refused.status_code == 422
    assert "self_determination" in refused.text and "только для обучающегося" in refused.text
    unknown = await client.post("/api/v1/schools/s1/participants", headers=ADMIN,
                                json={**PUPIL, "external_id": "P-2", "self_determination": "astronaut"})
    assert unknown.status_code == 422 and "self_determination" in unknown.text
    assert "T-9" not in await by_external_id(service) and "P-2" not in await by_external_id(service)


async def test_a_schools_command_and_the_import_record_it(registry) -> None:
    service, client = registry
    await send(service, REGISTER, {"external_id": "P-3", **PUPIL, "self_determination": "other"})
    await send(service, UPDATE, {"external_id": "P-3", "self_determination": "pedagogical"})
    assert (await by_external_id(service))["P-3"].self_determination == "pedagogical"
    assert (await emitted(service, UPDATED))[-1]["self_determination"] == "pedagogical"
    await send(service, REGISTER, {"external_id": "T-3", "category": "teacher", "full_name": "Петров Пётр",
                                   "self_determination": "pedagogical", "consent": {"given_by": "self"}})
    [rejected] = await emitted(service, REJECTED)
    assert any(e["field"].endswith("self_determination") for e in rejected["errors"]) or "самоопределение" in rejected["reason"]

    rows = ["Код школы;Внешний id;Категория;ФИО;Класс;Профессиональное самоопределение;Согласие",
            "s1;P-4;обучающийся;Лебедева Полина;9;Педагогическая  профессия;да",
            "s1;P-5;обучающийся;Морозов Даниил;8;;да"]
    report = await client.post("/api/v1/imports", headers=ADMIN, files={"file": ("people.csv", "\n".join(rows).encode(), "text/csv")})
    assert report.status_code in (200, 201, 202) and report.json()["applied"], report.text
    people = await by_external_id(service)
    assert people["P-4"].self_determination == "pedagogical" and people["P-5"].self_determination is None
    bad = rows[:1] + ["s1;P-6;обучающийся;Новиков Иван;8;космонавт;да"]
    report = await client.post("/api/v1/imports", headers=ADMIN, files={"file": ("people.csv", "\n".join(bad).encode(), "text/csv")})
    assert not report.json()["applied"]
    assert "космонавт" in report.text and "P-6" not in await by_external_id(service)


async def test_a_pupil_s_class_direction_is_recorded_and_announced(registry) -> None:
    service, client = registry
    created = await client.post("/api/v1/schools/s1/participants", headers=ADMIN,
                                json={**PUPIL, "external_id": "P-7", "class_direction": "Педагогический класс"})
    assert created.status_code == 201, created.text
    assert (await emitted(service, REGISTERED))[-1]["class_direction"] == "Педагогический класс"
    patched = await client.patch(f"/api/v1/participants/{created.json()['id']}", headers=ADMIN, json={"class_direction": "химия"})
    assert patched.status_code == 200 and patched.json()["class_direction"] == "химия"
    updated = (await emitted(service, UPDATED))[-1]
    assert updated["class_direction"] == "химия" and updated["changed"] == ["class_direction"]
    teacher = {"category": "teacher", "full_name": "Иванова Анна", "external_id": "T-7", "class_direction": "химия"}
    refused = await client.post("/api/v1/schools/s1/participants", headers=ADMIN, json=teacher)
    assert refused.status_code == 422 and "class_direction" in refused.text
    await send(service, UPDATE, {"external_id": "P-7", "class_direction": "биология"})
    assert (await by_external_id(service))["P-7"].class_direction == "биология"


async def test_the_person_s_page_records_the_class_direction(registry) -> None:
    service, client = registry
    created = await client.post("/api/v1/schools/s1/participants", headers=ADMIN, json={**PUPIL, "external_id": "P-8"})
    pid = created.json()["id"]
    page = as_(client, CURATOR)
    form = await page.get(f"/people/{pid}/edit")
    assert "Направление класса" in form.text
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', form.text).group(1)  # type: ignore[union-attr]
    saved = await page.post(f"/people/{pid}/edit", data={"csrf_token": token, "full_name": "Соколов Артём", "grade": "10",
                                                        "class_direction": "Педагогический класс"})
    assert saved.status_code == 303, saved.text
    assert re.search(r'id="class-direction">Педагогический класс<', (await page.get(f"/people/{pid}")).text)
    assert (await emitted(service, UPDATED))[-1]["class_direction"] == "Педагогический класс"


async def test_the_import_records_the_class_direction(registry) -> None:
    service, client = registry
    rows = ["Код школы;Внешний id;Категория;ФИО;Класс;Направление класса;Согласие",
            "s1;P-9;обучающийся;Лебедева Полина;10;Педагогический класс;да",
            "s1;P-10;обучающийся;Морозов Даниил;8;;да"]
    report = await client.post("/api/v1/imports", headers=ADMIN, files={"file": ("people.csv", "\n".join(rows).encode(), "text/csv")})
    assert report.status_code in (200, 201, 202) and report.json()["applied"], report.text
    people = await by_external_id(service)
    assert people["P-9"].class_direction == "Педагогический класс" and people["P-10"].class_direction is None
    assert any(e.get("class_direction") == "Педагогический класс" for e in await emitted(service, REGISTERED))
    bad = ["Код школы;Внешний id;Категория;ФИО;Направление класса;Согласие", "s1;T-10;педагог;Петров Пётр;химия;да"]
    report = await client.post("/api/v1/imports", headers=ADMIN, files={"file": ("people.csv", "\n".join(bad).encode(), "text/csv")})
    assert not report.json()["applied"] and "только для обучающегося" in report.text
