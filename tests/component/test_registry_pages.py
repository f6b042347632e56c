"""Finer rules of the registry's pages (the browser tests in tests/browser/test_registry_pages.py
do the jobs): the people list at a school of 3,000 (paging, search whatever the case), form
errors beside their fields with the values kept, and who sees which school."""

from __future__ import annotations

import re

import httpx
import pytest

from shared.auth import COOKIE_NAME, Principal
from shared.web import issue_session

from services.registry.main import create_service
from tests.component.helpers import ADMIN, running
from tests.conftest import SECRET

CURATOR = Principal(sub="c1", role="school_curator", scope="school", scope_id="s1", name="Куратор")
OTHER_COORDINATOR = Principal(sub="m2", role="municipal_coordinator", scope="municipality", scope_id="m2")
REGION = Principal(sub="admin", role="region_admin", scope="region", scope_id="test-region")
SURNAMES = ("Иванов", "Петров", "Сидоров", "Кузнецов", "Смирнов", "Попов")


@pytest.fixture
async def registry(settings):
    service = create_service(settings)
    async with running(service) as client:
        rows = ["Код школы;Наименование;Код муниципалитета;Муниципалитет", "s1;МБОУ СОШ № 1;m1;Северный район",
                "s2;МБОУ Лицей № 2;m1;Северный район"]
        await client.post("/api/v1/imports", headers=ADMIN, files={"file": ("schools.csv", "\n".join(rows).encode(), "text/csv")})
        await add_teachers(client, 12)
        yield service, client


async def add_teachers(client: httpx.AsyncClient, count: int) -> None:
    people = ["Код школы;Внешний id;Категория;ФИО;Стаж;Согласие"]
    people += [f"s1;T-{n};педагог;{SURNAMES[n % 6]} Учитель {n:04d};{n % 40};да" for n in range(count)]
    people.append("s2;T-1;педагог;Иванов Чужой;3;да")
    report = await client.post("/api/v1/imports", headers=ADMIN, files={"file": ("people.csv", "\n".join(people).encode(), "text/csv")})
    assert report.json()["applied"], report.text


def as_(client: httpx.AsyncClient, principal: Principal) -> httpx.AsyncClient:
    client.cookies.clear()
    client.cookies.set(COOKIE_NAME, issue_session(SECRET, principal))
    return client


def found(html: str) -> str:
    return re.search(r'id="people-count">Найдено: ([^<]+)<', html).group(1)  # type: ignore[union-attr]


def names(html: str) -> list[str]:
    return re.findall(r'<a href="/registry/people/[0-9a-f-]+">([^<]+)</a>', html)


async def test_the_people_list_pages_by_fifty_and_finds_names_whatever_their_case(registry) -> None:
    _service, client = registry
    await add_teachers(client, 3000)  # a big school
    client = as_(client, CURATOR)
    first = await client.get("/people")
    assert found(first.text) == "3\u202f000" and len(names(first.text)) == 50
    assert "Страница 1 из 60" in first.text
    second = await client.get("/people", params={"page": 2})
    assert len(names(second.text)) == 50 and not set(names(first.text)) & set(names(second.text))
    assert len(names((await client.get("/people", params={"page": 60})).text)) == 50
    assert "Страница 60 из 60" in (await client.get("/people", params={"page": 999})).text

    for typed in ("иванов", "ИВАНОВ", "Иванов", "ванов"):
        page = await client.get("/people", params={"q": typed})
        assert found(page.text) == "500", typed
        assert all(name.startswith("Иванов Учитель") for name in names(page.text))  # not the other school's
    fragment = await client.get("/people", params={"q": "0042"}, headers={"HX-Request": "true", "HX-Target": "people-list"})
    assert fragment.text.startswith('<div id="people-list">') and names(fragment.text) == ["Иванов Учитель 0042"]
    paged = await client.get("/people", params={"q": "кузнецов", "page": 2})
    assert 'href="/people?q=%D0%BA%D1%83%D0%B7%D0%BD%D0%B5%D1%86%D0%BE%D0%B2&amp;page=3"' in paged.text  # the filter stays


async def test_a_refused_form_names_the_field_and_keeps_what_was_typed(registry) -> None:
    _service, client = registry
    client = as_(client, CURATOR)
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', (await client.get("/people/new")).text).group(1)  # type: ignore[union-attr]
    response = await client.post("/people/new", data={"csrf_token": token, "category": "pupil", "full_name": "Новый Ученик",
                                                      "given_by": "self"})
    assert response.status_code == 422
    assert 'href="#f-grade"' in response.text and 'value="Новый Ученик"' in response.text
    response = await client.post("/people/new", data={"csrf_token": token, "category": "pupil", "full_name": "Новый Ученик",
                                                      "grade": "5", "given_by": "self"})
    assert response.status_code == 422 and "законный представитель" in response.text and 'href="#f-given_by"' in response.text
    response = await client.post("/people/new", data={"csrf_token": token, "category": "pupil", "full_name": "Новый Ученик",
                                                      "grade": "5", "given_by": "legal_representative"})
    assert response.status_code == 303 and response.headers["location"].startswith("/registry/people/")

    response = await client.post("/programmes/new", data={"csrf_token": token, "title": "Вместе", "academic_year": "2026",
                                                          "forms": "teacher_teacher"})
    assert response.status_code == 422 and "в виде 2026/2027" in response.text and 'value="Вместе"' in response.text


async def test_each_person_sees_only_the_schools_in_their_scope(registry) -> None:
    _service, client = registry
    region = as_(client, REGION)
    assert "Иванов Чужой" in (await region.get("/people", params={"school": "s2"})).text
    assert "Выберите школу" in (await region.get("/people")).text
    coordinator = as_(client, OTHER_COORDINATOR)
    assert (await coordinator.get("/people", params={"school": "s1"})).status_code == 404
    assert (await coordinator.get("/schools")).status_code == 403  # the coordinator's schools page is in reports
    curator = as_(client, CURATOR)
    assert "Иванов Чужой" not in (await curator.get("/people", params={"school": "s2", "q": "Чужой"})).text
    assert (await curator.get("/schools")).status_code == 403
    job = (await as_(client, REGION).post("/imports", data={"csrf_token": "x"})).status_code
    assert job == 403


async def test_a_curators_file_writes_only_their_schools_rows_and_only_they_see_the_job(registry) -> None:
    import asyncio

    _service, client = registry
    curator = as_(client, CURATOR)
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', (await curator.get("/imports")).text).group(1)  # type: ignore[union-attr]
    rows = "Код школы;Внешний id;Категория;ФИО;Стаж;Согласие\ns1;T-900;педагог;Свой Педагог;3;да\ns2;T-900;педагог;Чужой Педагог;3;да\n"
    started = await curator.post("/imports", data={"csrf_token": token, "mode": "valid_only"},
                                 files={"file": ("мой.csv", rows.encode(), "text/csv")})
    assert started.status_code == 303
    job = started.headers["location"].removeprefix("/registry")
    for _ in range(100):
        page = await curator.get(job)
        if 'id="import-summary"' in page.text:
            break
        assert 'id="import-bar"' in page.text
        await asyncio.sleep(0.05)
    assert "Данные записаны" in page.text
    assert re.search(r'data-count="created">1<', page.text) and re.search(r'data-count="rejected">1<', page.text)
    assert "<td data-label=\"Строка\" class=\"num\">3</td>" in page.text  # the other school's row, by its line
    assert "Свой Педагог" in (await curator.get("/people", params={"q": "Свой"})).text
    assert (await as_(client, REGION).get(job)).status_code == 404  # a job is its uploader's only


async def test_ending_an_enrolment_announces_it_and_enrolling_again_reuses_it(registry) -> None:
    from shared.errors import NotFound

    from services.registry.schemas import EnrolmentIn, ProgrammeIn
    from tests.component.helpers import emitted

    registry_service, _client = registry
    service = registry_service.service
    school_curator = Principal(sub="c1", role="school_curator", scope="school", scope_id="s1")
    teacher = (await service.participants("s1", school_curator))[0]
    programme = await service.create_programme("s1", ProgrammeIn(title="Вместе", academic_year="2026/2027", curator_id=teacher.id),
                                               school_curator)
    mentor = await service.enrol(programme.id, EnrolmentIn(participant_id=teacher.id, role="mentor", capacity=2), school_curator)
    curator_enrolment = next(e for e in await service.enrolments(programme.id, school_curator) if e.role == "curator")
    other_school = Principal(sub="c2", role="school_curator", scope="school", scope_id="s2")
    with pytest.raises(NotFound):
        await service.end_enrolment(mentor.id, other_school)

    await service.end_enrolment(mentor.id, school_curator)
    await service.end_enrolment(curator_enrolment.id, school_curator)
    ended = await emitted(registry_service, "registry.participant.enrolment_ended.v1")
    assert [(e["participant_id"], e["role"]) for e in ended] == [(teacher.id, "mentor"), (teacher.id, "curator")]
    assert (await service.programme(programme.id, school_curator)).curator_id is None
    assert (await emitted(registry_service, "registry.programme.updated.v1"))[-1]["changed"] == ["curator_id"]

    again = await service.enrol(programme.id, EnrolmentIn(participant_id=teacher.id, role="mentor", capacity=3), school_curator)
    assert again.id == mentor.id and again.active and again.capacity == 3
    assert (await emitted(registry_service, "registry.participant.enrolled.v1"))[-1]["capacity"] == 3


async def test_the_import_page_offers_the_template_to_fill_in(registry) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    _service, client = registry
    curator = as_(client, CURATOR)
    assert 'href="/registry/imports/template.xlsx"' in (await curator.get("/imports")).text
    response = await curator.get("/imports/template.xlsx")
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    workbook = load_workbook(BytesIO(response.content))
    assert "Педагоги" in workbook.sheetnames and workbook["Педагоги"]["C1"].value == "ФИО"


async def test_closing_a_programme_asks_for_a_confirmation(registry) -> None:
    _service, client = registry
    curator = as_(client, CURATOR)
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', (await curator.get("/programmes")).text).group(1)  # type: ignore[union-attr]
    launched = await curator.post("/programmes/new", data={"csrf_token": token, "title": "Вместе", "academic_year": "2026/2027",
                                                           "forms": ["teacher_teacher", "pupil_pupil"]})
    assert launched.status_code == 303
    page = launched.headers["location"].removeprefix("/registry").split("?")[0]
    refused = await curator.post(f"{page}/close", data={"csrf_token": token})
    assert refused.status_code == 422 and "Подтвердите завершение" in refused.text
    closed = await curator.post(f"{page}/close", data={"csrf_token": token, "confirm": "1"})
    assert closed.status_code == 303
    shown = (await curator.get(page)).text
    assert "завершение программы" in shown and 'id="enrol-person"' not in shown  # nothing to change any more
