"""The practices service through its HTTP API (in-memory broker; SQLite and PostgreSQL): the
review workflow with each role's token, the events at each step, the search, hostile uploads
refused with nothing stored, the roadmap, and a withdrawn author's name erased. One service per
module (the tests use schools of their own, so they do not see each other's practices)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio

from shared import clock
from shared.contracts.registry import ParticipantRegistered, ParticipantWithdrawn, SchoolRegistered
from shared.files import DatabaseStore
from shared.settings import Settings

from services.practices.main import create_service
from services.practices.models import Attachment, StoredFile
from tests.component.helpers import ADMIN, bearer, count, deliver, emitted, running

pytestmark = pytest.mark.asyncio(loop_scope="module")

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
STATUS_EVENT = "practices.practice.status_changed.v1"
ROADMAP_EVENT = "practices.roadmap_item.saved.v1"
SCHOOLS = {"s1": "m1", "s2": "m1", "s3": "m2", "s4": "m2", "s5": "m1"}


def curator(school: str, sub: str = "curator") -> dict[str, str]:
    return bearer("school_curator", "school", school, sub=sub)


def mentor(school: str) -> dict[str, str]:
    return bearer("mentor", "school", school, sub=f"mentor-{school}")


COORDINATOR = bearer("municipal_coordinator", "municipality", "m1")


def body(title: str = "Клуб молодого педагога", **extra: Any) -> dict[str, Any]:
    return {"title": title, "form": "teacher_teacher", "deficit_areas": ["methodological"], "school_levels": ["basic"],
            "description": "Еженедельные встречи наставников и молодых учителей", "results": "Все остались в школе", **extra}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bank(module_settings: Settings) -> AsyncIterator[tuple[Any, httpx.AsyncClient]]:
    service = create_service(module_settings.model_copy(update={"file_max_bytes": 4096}))
    async with running(service) as client:
        for school, municipality in SCHOOLS.items():
            await deliver(service, SchoolRegistered(school_id=school, name=f"Школа {school}", municipality_id=municipality,
                                                    municipality_name=f"Район {municipality}", region_id="test-region"))
        people = [("t1", "s1", "teacher", "Иванова Мария Петровна"), ("t2", "s1", "teacher", "Петров Олег Ильич"),
                  ("t3", "s3", "teacher", "Сидорова Анна"), ("p1", "s1", "pupil", "Ученик Один")]
        for pid, school, category, name in people:
            await deliver(service, ParticipantRegistered(participant_id=pid, school_id=school, category=category,  # type: ignore[arg-type]
                                                         display_name=name))
        yield service, client


async def draft(client: httpx.AsyncClient, school: str, **extra: Any) -> str:
    response = await client.post("/api/v1/practices", json=body(**extra), headers=curator(school))
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def act(client: httpx.AsyncClient, practice_id: str, action: str, headers: dict[str, str], comment: str | None = None) -> httpx.Response:
    return await client.post(f"/api/v1/practices/{practice_id}/{action}", json={"comment": comment}, headers=headers)


async def publish(client: httpx.AsyncClient, practice_id: str, school: str) -> None:
    for action, headers in (("submit", curator(school)), ("take", ADMIN), ("publish", ADMIN)):
        assert (await act(client, practice_id, action, headers)).status_code == 200


async def test_the_review_workflow_by_role_with_an_event_at_each_step(bank) -> None:
    service, client = bank
    for refused in (mentor("s1"), ADMIN, COORDINATOR):
        assert (await client.post("/api/v1/practices", json=body(), headers=refused)).status_code == 403
    practice_id = await draft(client, "s1", author_ids=["t1", "t2"])
    read = (await client.get(f"/api/v1/practices/{practice_id}", headers=curator("s1"))).json()
    assert (read["status"], read["school_name"], read["editable"], read["actions"]) == ("draft", "Школа s1", True, ["submit"])
    assert [a["display_name"] for a in read["authors"]] == ["Иванова Мария Петровна", "Петров Олег Ильич"]
    # a draft is the school's: nobody else sees it, not even the region
    for other in (mentor("s1"), curator("s2"), COORDINATOR, ADMIN):
        assert (await client.get(f"/api/v1/practices/{practice_id}", headers=other)).status_code == 404
    assert (await act(client, practice_id, "take", ADMIN)).status_code == 404

    assert (await act(client, practice_id, "submit", curator("s1"))).json()["status"] == "submitted"
    assert (await act(client, practice_id, "publish", curator("s1"))).status_code == 403  # the region's step
    refused = await act(client, practice_id, "publish", ADMIN)  # not under review yet
    assert refused.status_code == 409 and "на экспертизе" in refused.json()["detail"]
    assert (await client.put(f"/api/v1/practices/{practice_id}", json=body(), headers=curator("s1"))).status_code == 409
    assert (await act(client, practice_id, "take", ADMIN)).json()["status"] == "under_review"
    no_comment = await act(client, practice_id, "return", ADMIN, "  ")
    assert no_comment.status_code == 422 and no_comment.json()["detail"][0]["loc"][-1] == "comment"
    assert "комментарий" in no_comment.json()["detail"][0]["msg"].lower()
    returned = (await act(client, practice_id, "return", ADMIN, "Добавьте результаты в цифрах")).json()
    assert returned["status"] == "returned" and returned["history"][-1]["comment"] == "Добавьте результаты в цифрах"

    fixed = await client.put(f"/api/v1/practices/{practice_id}", json=body(results="Удержание 100 %"), headers=curator("s1"))
    assert fixed.status_code == 200 and fixed.json()["results"] == "Удержание 100 %"
    assert (await client.put(f"/api/v1/practices/{practice_id}", json=body(), headers=curator("s2"))).status_code == 404
    for action in ("submit",):
        assert (await act(client, practice_id, action, curator("s1"))).status_code == 200
    for action in ("take", "publish"):
        assert (await act(client, practice_id, action, ADMIN)).status_code == 200
    seen = await client.get(f"/api/v1/practices/{practice_id}", headers=mentor("s4"))  # published: the whole region's
    assert seen.status_code == 200 and seen.json()["published_on"] == clock.today().isoformat()
    assert (await act(client, practice_id, "withdraw", ADMIN)).status_code == 422
    assert (await act(client, practice_id, "withdraw", ADMIN, "Устарела")).json()["status"] == "withdrawn"
    assert (await client.get(f"/api/v1/practices/{practice_id}", headers=mentor("s4"))).status_code == 404
    assert (await act(client, practice_id, "submit", curator("s1"))).status_code == 409

    events = [e for e in await emitted(service, STATUS_EVENT) if e["practice_id"] == practice_id]
    assert [e["status"] for e in events] == ["submitted", "under_review", "returned", "submitted", "under_review", "published", "withdrawn"]
    assert {(e["school_id"], e["form"], tuple(e["deficit_areas"]), tuple(e["school_levels"])) for e in events} == {
        ("s1", "teacher_teacher", ("methodological",), ("basic",))}
    assert events[5]["published_on"] == clock.today().isoformat() and "Иванова" not in str(events)
    history = (await client.get(f"/api/v1/practices/{practice_id}", headers=curator("s1"))).json()["history"]
    assert [h["status"] for h in history] == ["draft", *[e["status"] for e in events]]
    officer = bearer("data_protection_officer", "region", "test-region", sub="dpo")
    audit = (await client.get("/api/v1/audit", params={"limit": 5000}, headers=officer)).json()
    reads = {(e["actor"], e["target"]) for e in audit if e["entity"] == "practice_authors" and e["action"] == "read"}
    assert ("mentor-s4", practice_id) in reads  # who read the authors' names of which practice


async def test_bad_practices_are_refused_naming_the_field(bank) -> None:
    _service, client = bank
    cases = [({"deficit_areas": ["astrology"]}, "deficit_areas"), ({"form": "guru_pupil"}, "form"),
             ({"school_levels": ["college"]}, "school_levels"), ({"author_ids": ["t3"]}, "author_ids"),  # t3 is another school's
             ({"author_ids": ["p1"]}, "author_ids"), ({"description": ""}, "description")]  # pupils are never authors
    for change, field in cases:
        response = await client.post("/api/v1/practices", json=body(**change), headers=curator("s1"))
        assert response.status_code == 422, change
        assert field in response.json()["detail"][0]["loc"], response.text


async def test_search_by_form_area_level_municipality_and_text(bank) -> None:
    _service, client = bank
    one = await draft(client, "s2", title="Цифровой ДОЗОР", form="pupil_pupil", deficit_areas=["ict_digital"], school_levels=["primary"])
    two = await draft(client, "s3", title="Школа вожатых", deficit_areas=["ict_digital", "health_saving"], school_levels=["secondary"],
                      description="Старшеклассники ведут цифровой кружок")
    hidden = await draft(client, "s2", title="Цифровой черновик", deficit_areas=["ict_digital"])
    await publish(client, one, "s2")
    await publish(client, two, "s3")

    async def found(headers: dict[str, str] | None = None, **params: Any) -> list[str]:
        headers = headers or mentor("s1")
        response = await client.get("/api/v1/practices", params={"deficit_area": "ict_digital", **params}, headers=headers)
        assert response.status_code == 200, response.text
        return [p["id"] for p in response.json()["items"]]

    assert set(await found()) == {one, two}  # the draft is its school's only
    assert await found(form="pupil_pupil") == [one]
    assert await found(school_level="secondary") == [two]
    assert await found(municipality_id="m2") == [two]
    assert set(await found(q="цифровой")) == {one, two}  # in the title or the description, any case
    assert await found(q="ДОЗОР") == [one] and await found(q="%") == []
    assert set(await found(curator("s2"))) == {one, two, hidden}
    assert await found(curator("s2"), status="draft") == [hidden]
    paged = (await client.get("/api/v1/practices", params={"deficit_area": "ict_digital", "per_page": 1, "page": 2},
                              headers=mentor("s1"))).json()
    assert (paged["total"], paged["page"], len(paged["items"])) == (2, 2, 1)
    bad = await client.get("/api/v1/practices", params={"form": "guru"}, headers=mentor("s1"))
    assert bad.status_code == 422


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("a.txt", "not a pdf")
    return buffer.getvalue()


async def stored(service: Any) -> int:
    if isinstance(service.service.store, DatabaseStore):
        return await count(service, StoredFile)
    root = service.runtime.settings.data_dir / "files" / "practices"
    return sum(1 for p in root.rglob("*") if p.is_file()) if root.exists() else 0


async def test_files_hostile_uploads_are_refused_and_nothing_is_stored(bank) -> None:
    service, client = bank
    practice_id = await draft(client, "s5")
    url = f"/api/v1/practice-files/{practice_id}"
    good = await client.post(url, files={"file": ("План встреч.pdf", PDF, "application/pdf")}, headers=curator("s5"))
    assert good.status_code == 201, good.text
    before = (await count(service, Attachment), await stored(service))
    hostile = [
        (("отчёт.pdf", zip_bytes(), "application/pdf"), "не соответствует расширению .pdf"),
        (("программа.docx", b"MZ\x90\x00" + b"\x00" * 200, "application/octet-stream"), "не соответствует расширению .docx"),
        (("большой.pdf", PDF + b"0" * 5000, "application/pdf"), "больше допустимого"),
        (("../x.pdf", PDF, "application/pdf"), "Недопустимое имя файла"),
        (("пустой.pdf", b"", "application/pdf"), "пуст"),
        (("script.html", b"<script>", "text/html"), "принимаются только"),
    ]
    for upload, message in hostile:
        response = await client.post(url, files={"file": upload}, headers=curator("s5"))
        assert response.status_code == 422, (upload[0], response.text)
        [problem] = response.json()["detail"]
        assert problem["loc"][-1] == "file" and message in problem["msg"], (upload[0], problem)
    assert (await count(service, Attachment), await stored(service)) == before
    assert (await client.post(url, files={"file": ("a.pdf", PDF)}, headers=mentor("s5"))).status_code == 403
    assert (await client.post(url, files={"file": ("a.pdf", PDF)}, headers=curator("s1"))).status_code == 404

    file_id = good.json()["id"]
    download = await client.get(f"{url}/{file_id}", headers=curator("s5"))
    assert download.content == PDF and download.headers["content-type"] == "application/pdf"
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["content-disposition"].startswith("attachment;")
    assert (await client.get(f"{url}/{file_id}", headers=mentor("s5"))).status_code == 404  # a draft's file
    await publish(client, practice_id, "s5")
    assert (await client.get(f"{url}/{file_id}", headers=mentor("s3"))).content == PDF  # published: anyone's
    assert (await client.post(url, files={"file": ("b.pdf", PDF)}, headers=curator("s5"))).status_code == 409  # not a draft now


async def test_the_roadmap_is_the_region_admins_and_each_save_is_announced(bank) -> None:
    service, client = bank
    item = {"section": "II", "number": "5", "measure": "Формирование банка эффективных наставнических практик",
            "term": "ежегодно, декабрь", "due_on": (clock.today() - timedelta(days=3)).isoformat(),
            "executors": "ГАУ ДПО «ИРО»", "document_type": "банк практик", "expected_results": "не менее 10 практик"}
    assert (await client.post("/api/v1/roadmap", json=item, headers=COORDINATOR)).status_code == 403
    created = await client.post("/api/v1/roadmap", json=item, headers=ADMIN)
    assert created.status_code == 201, created.text
    item_id = created.json()["id"]
    assert created.json()["overdue"] is True and created.json()["status_name"] == "запланировано"
    for reader in (COORDINATOR, curator("s1")):
        listed = (await client.get("/api/v1/roadmap", headers=reader)).json()
        assert [i["number"] for i in listed] == ["5"]
    assert (await client.get("/api/v1/roadmap", headers=mentor("s1"))).status_code == 403
    wrong = await client.put(f"/api/v1/roadmap/{item_id}", json={**item, "done_on": clock.today().isoformat()}, headers=ADMIN)
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["loc"][-1] == "done_on"
    done = (await client.put(f"/api/v1/roadmap/{item_id}", json={**item, "status": "done"}, headers=ADMIN)).json()
    assert (done["status"], done["done_on"], done["overdue"]) == ("done", clock.today().isoformat(), False)
    events = await emitted(service, ROADMAP_EVENT)
    assert [(e["item_id"], e["status"], e["done_on"]) for e in events] == [
        (item_id, "planned", None), (item_id, "done", clock.today().isoformat())]
    assert events[0]["region_id"] == "test-region" and events[0]["number"] == "5"


async def test_withdrawal_erases_an_authors_name(bank) -> None:
    service, client = bank
    practice_id = await client.post("/api/v1/practices", json=body(title="Наставник рядом", author_ids=["t1", "t2"]),
                                    headers=curator("s1", sub="t1"))
    practice_id = practice_id.json()["id"]
    await deliver(service, ParticipantWithdrawn(participant_id="t1", school_id="s1", reason="consent_withdrawn"))
    # a late registration of the withdrawn person keeps nothing
    await deliver(service, ParticipantRegistered(participant_id="t1", school_id="s1", category="teacher",
                                                 display_name="Иванова Мария Петровна"))
    read = await client.get(f"/api/v1/practices/{practice_id}", headers=curator("s1"))
    assert [a["display_name"] for a in read.json()["authors"]] == ["Петров Олег Ильич"]
    assert "Иванова" not in read.text and "t1" not in read.text
    assert read.json()["history"][0]["actor_name"] == "(данные удалены)"
    refused = await client.post("/api/v1/practices", json=body(author_ids=["t1"]), headers=curator("s1"))
    assert refused.status_code == 422


async def test_every_consumed_event_passes_the_contract_kit(settings: Settings) -> None:
    """Each valid sample of the registry's events it consumes is applied once; each invalid one is dead-lettered."""
    from shared.contracts.testkit import check_consumer

    counts = await check_consumer(create_service(settings).runtime)
    assert counts["valid"] >= 6 and counts["invalid"] >= 12
