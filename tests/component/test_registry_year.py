"""A programme's year through the registry's API (issue 15): activities with who came, the training
of several mentors at once, recognition; who may do what; 422s naming the field with nothing
written; a person's withdrawal erasing their records and announcing the new counts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from shared import clock
from shared.auth import COOKIE_NAME, Principal
from shared.clock import academic_year_of
from shared.web import issue_session

from services.registry.main import create_service
from services.registry.year_models import Activity, ActivityParticipant, Recognition, Training
from tests.component.helpers import ADMIN, bearer, count, emitted, running
from tests.conftest import SECRET

R = "/api/v1"
YEAR = academic_year_of(clock.today())
CURATOR = bearer("school_curator", "school", "s1")
OTHER_CURATOR = bearer("school_curator", "school", "s2")
COORDINATOR = bearer("municipal_coordinator", "municipality", "m1")
CONSENT = {"given_by": "self"}


@pytest.fixture
async def school(settings):
    """A school with a programme: two mentors and a mentee enrolled, a teacher not enrolled, a
    pupil not enrolled, and another school's teacher."""
    service = create_service(settings)
    async with running(service) as client:
        for sid, mid in (("s1", "m1"), ("s2", "m2")):
            (await client.post(f"{R}/schools", headers=ADMIN, json={
                "school_id": sid, "name": f"Школа {sid}", "municipality_id": mid, "municipality_name": f"Район {mid}"})).raise_for_status()
        people = {}
        for key, sid, body in (
            ("anna", "s1", {"category": "teacher", "full_name": "Иванова Анна", "experience_years": 20, "consent": CONSENT}),
            ("boris", "s1", {"category": "teacher", "full_name": "Борисов Борис", "experience_years": 15, "consent": CONSENT}),
            ("young", "s1", {"category": "teacher", "full_name": "Смирнов Илья", "experience_years": 1, "consent": CONSENT}),
            ("staff", "s1", {"category": "teacher", "full_name": "Петрова Ольга", "experience_years": 9, "consent": CONSENT}),
            ("pupil", "s1", {"category": "pupil", "full_name": "Петров Пётр", "grade": 7,
                             "consent": {"given_by": "legal_representative", "representative_name": "Петрова И."}}),
            ("alien", "s2", {"category": "teacher", "full_name": "Чужой Учитель", "consent": CONSENT}),
        ):
            response = await client.post(f"{R}/schools/{sid}/participants", headers=ADMIN, json=body)
            response.raise_for_status()
            people[key] = response.json()["id"]
        programme = (await client.post(f"{R}/schools/s1/programmes", headers=CURATOR,
                                       json={"title": "Вместе", "academic_year": YEAR})).json()["id"]
        for key, role, capacity in (("anna", "mentor", 2), ("boris", "mentor", 2), ("young", "mentee", None)):
            (await client.post(f"{R}/programmes/{programme}/enrolments", headers=CURATOR,
                               json={"participant_id": people[key], "role": role, "capacity": capacity})).raise_for_status()
        yield service, client, programme, people


async def test_an_activity_is_planned_held_with_attendance_and_cancelled(school) -> None:
    service, client, programme, people = school
    planned = await client.post(f"{R}/programmes/{programme}/activities", headers=CURATOR, json={
        "kind": "kickoff", "title": "Установочная встреча", "planned_on": clock.today().isoformat(), "place": "актовый зал",
        "participant_ids": [people["anna"], people["young"], people["staff"]]})
    assert planned.status_code == 201, planned.text
    activity = planned.json()
    assert (activity["participants_invited"], activity["participants_attended"], activity["held_on"]) == (3, 0, None)

    held = await client.post(f"{R}/activities/{activity['id']}/held", headers=CURATOR, json={
        "held_on": clock.today().isoformat(), "attended_ids": [people["anna"], people["young"]]})
    assert held.status_code == 200, held.text
    assert (held.json()["participants_invited"], held.json()["participants_attended"]) == (3, 2)

    shown = (await client.get(f"{R}/activities/{activity['id']}", headers=COORDINATOR)).json()
    assert {p["full_name"]: p["attended"] for p in shown["participants"]} == {
        "Иванова Анна": True, "Смирнов Илья": True, "Петрова Ольга": False}
    listed = (await client.get(f"{R}/programmes/{programme}/activities", headers=CURATOR)).json()
    assert [a["participants"] for a in listed] == [None]  # the list carries counts, no names

    changed = await client.patch(f"{R}/activities/{activity['id']}", headers=CURATOR, json={
        "participant_ids": [people["anna"], people["young"]], "format": "очно"})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["participants_invited"], changed.json()["participants_attended"]) == (2, 2)

    saved = await emitted(service, "registry.activity.saved.v1")
    assert [(e["participants_invited"], e["participants_attended"], e["held_on"]) for e in saved] == [
        (3, 0, None), (3, 2, clock.today().isoformat()), (2, 2, clock.today().isoformat())]
    assert saved[0] == {"activity_id": activity["id"], "programme_id": programme, "school_id": "s1", "academic_year": YEAR,
                        "kind": "kickoff", "planned_on": clock.today().isoformat(), "held_on": None,
                        "participants_invited": 3, "participants_attended": 0}

    cancelled = await client.post(f"{R}/activities/{activity['id']}/cancel", headers=CURATOR)
    assert cancelled.status_code == 200 and cancelled.json()["cancelled"] is True
    assert await emitted(service, "registry.activity.cancelled.v1") == [
        {"activity_id": activity["id"], "programme_id": programme, "school_id": "s1", "academic_year": YEAR}]
    again = await client.post(f"{R}/activities/{activity['id']}/held", headers=CURATOR, json={"held_on": clock.today().isoformat()})
    assert again.status_code == 409


async def test_activity_refusals_name_the_field_and_write_nothing(school) -> None:
    service, client, programme, people = school
    base = {"kind": "open_lesson", "title": "Открытый урок", "planned_on": clock.today().isoformat()}
    cases = [
        ({**base, "participant_ids": [people["alien"]]}, "participant_ids"),  # another school's
        ({**base, "participant_ids": [people["pupil"]]}, "participant_ids"),  # neither enrolled nor staff
        ({**base, "kind": "party"}, "kind"),
        ({**base, "planned_on": "завтра"}, "planned_on"),
    ]
    for body, field in cases:
        response = await client.post(f"{R}/programmes/{programme}/activities", headers=CURATOR, json=body)
        assert response.status_code == 422, response.text
        assert response.json()["detail"][0]["loc"] == ["body", field], response.text
    assert await count(service, Activity) == 0
    assert await emitted(service, "registry.activity.saved.v1") == []

    activity = (await client.post(f"{R}/programmes/{programme}/activities", headers=CURATOR,
                                  json={**base, "participant_ids": [people["anna"]]})).json()
    future = await client.post(f"{R}/activities/{activity['id']}/held", headers=CURATOR,
                               json={"held_on": (clock.today() + timedelta(days=2)).isoformat(), "attended_ids": [people["anna"]]})
    assert future.status_code == 422 and future.json()["detail"][0]["loc"] == ["body", "held_on"]
    stranger = await client.post(f"{R}/activities/{activity['id']}/held", headers=CURATOR,
                                 json={"held_on": clock.today().isoformat(), "attended_ids": [people["boris"]]})
    assert stranger.status_code == 422 and stranger.json()["detail"][0]["loc"] == ["body", "attended_ids"]
    assert (await client.get(f"{R}/activities/{activity['id']}", headers=CURATOR)).json()["held_on"] is None
    assert len(await emitted(service, "registry.activity.saved.v1")) == 1


async def test_who_may_do_what(school) -> None:
    service, client, programme, people = school
    body = {"kind": "workshop", "title": "Семинар", "planned_on": clock.today().isoformat()}
    mentor = bearer("mentor", "school", "s1", sub=people["anna"])
    assert (await client.post(f"{R}/programmes/{programme}/activities", headers=COORDINATOR, json=body)).status_code == 403
    assert (await client.post(f"{R}/programmes/{programme}/activities", headers=mentor, json=body)).status_code == 403
    assert (await client.post(f"{R}/programmes/{programme}/activities", headers=OTHER_CURATOR, json=body)).status_code == 404
    assert (await client.get(f"{R}/programmes/{programme}/activities", headers=mentor)).status_code == 403
    assert (await client.get(f"{R}/programmes/{programme}/activities",
                             headers=bearer("municipal_coordinator", "municipality", "m2"))).status_code == 404
    training = {"person_ids": [people["anna"]], "kind": "intensive", "title": "Интенсив", "organiser": "ИРО",
                "completed_on": clock.today().isoformat()}
    assert (await client.post(f"{R}/schools/s1/training", headers=COORDINATOR, json=training)).status_code == 403
    assert (await client.post(f"{R}/schools/s1/training", headers=OTHER_CURATOR, json=training)).status_code == 404
    assert (await client.post(f"{R}/schools/s1/training", headers=ADMIN, json=training)).status_code == 201  # a regional intensive
    assert await count(service, Training) == 1
    own = await client.get(f"{R}/participants/{people['anna']}/training-and-recognition", headers=mentor)
    assert own.status_code == 200 and [t["title"] for t in own.json()["training"]] == ["Интенсив"]
    assert (await client.get(f"{R}/participants/{people['boris']}/training-and-recognition", headers=mentor)).status_code == 404
    assert (await client.get(f"{R}/schools/s1/training", headers=mentor)).status_code == 403
    assert (await client.get(f"{R}/schools/s1/training", headers=COORDINATOR)).status_code == 200


async def test_training_for_several_mentors_at_once_and_recognition(school) -> None:
    service, client, _programme, people = school
    completed = clock.today() - timedelta(days=3)
    response = await client.post(f"{R}/schools/s1/training", headers=CURATOR, json={
        "person_ids": [people["anna"], people["boris"], people["staff"]], "kind": "course", "title": "Наставник: курс",
        "organiser": "ЦНППМ", "completed_on": completed.isoformat(), "hours": 36,
        "certificates": {people["anna"]: "У-0001"}})
    assert response.status_code == 201, response.text
    rows = response.json()
    assert sorted(r["person_id"] for r in rows) == sorted([people["anna"], people["boris"], people["staff"]])
    assert {r["person_id"]: r["certificate"] for r in rows}[people["anna"]] == "У-0001"
    events = await emitted(service, "registry.training.recorded.v1")
    assert len(events) == 3 and {e["academic_year"] for e in events} == {academic_year_of(completed)}
    assert {e["kind"] for e in events} == {"course"} and {e["hours"] for e in events} == {36}

    refusals = [
        ({"person_ids": [people["anna"], people["pupil"]]}, "person_ids"),  # a pupil who does not mentor
        ({"person_ids": [people["anna"], people["alien"]]}, "person_ids"),
        ({"person_ids": [people["anna"]], "completed_on": (clock.today() + timedelta(days=5)).isoformat()}, "completed_on"),
        ({"person_ids": [people["anna"]], "certificates": {people["boris"]: "У-2"}}, "certificates"),
        ({"person_ids": [people["anna"]], "kind": "excursion"}, "kind"),
        ({"person_ids": []}, "person_ids"),
    ]
    base = {"kind": "seminar", "title": "Вебинар", "organiser": "ИРО", "completed_on": clock.today().isoformat()}
    for change, field in refusals:
        refused = await client.post(f"{R}/schools/s1/training", headers=CURATOR, json={**base, **change})
        assert refused.status_code == 422, refused.text
        assert refused.json()["detail"][0]["loc"] == ["body", field], refused.text
    assert await count(service, Training) == 3  # nothing half-written

    recognition = await client.post(f"{R}/schools/s1/recognitions", headers=CURATOR, json={
        "person_id": people["anna"], "kind": "contest", "level": "regional", "result": "prize_winner",
        "title": "Учитель года", "awarded_on": clock.today().isoformat()})
    assert recognition.status_code == 201, recognition.text
    assert (await emitted(service, "registry.recognition.recorded.v1"))[0] | {"recognition_id": ""} == {
        "recognition_id": "", "person_id": people["anna"], "school_id": "s1", "academic_year": YEAR, "kind": "contest",
        "level": "regional", "result": "prize_winner", "awarded_on": clock.today().isoformat()}
    bad = await client.post(f"{R}/schools/s1/recognitions", headers=CURATOR, json={
        "person_id": people["anna"], "kind": "contest", "level": "galactic", "result": "winner", "title": "X",
        "awarded_on": clock.today().isoformat()})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "level"]

    listed = (await client.get(f"{R}/schools/s1/training", params={"academic_year": academic_year_of(completed)}, headers=CURATOR)).json()
    assert len(listed) == 3
    removed = await client.delete(f"{R}/training/{rows[0]['id']}", headers=CURATOR)
    assert removed.status_code == 204
    assert [e["training_id"] for e in await emitted(service, "registry.training.removed.v1")] == [rows[0]["id"]]
    gone = await client.delete(f"{R}/recognitions/{recognition.json()['id']}", headers=CURATOR)
    assert gone.status_code == 204
    assert len(await emitted(service, "registry.recognition.removed.v1")) == 1


async def test_withdrawal_erases_training_recognition_and_attendance(school) -> None:
    service, client, programme, people = school
    activity = (await client.post(f"{R}/programmes/{programme}/activities", headers=CURATOR, json={
        "kind": "conference", "title": "Итоговая конференция", "planned_on": clock.today().isoformat(),
        "participant_ids": [people["anna"], people["young"]]})).json()
    await client.post(f"{R}/activities/{activity['id']}/held", headers=CURATOR,
                      json={"held_on": clock.today().isoformat(), "attended_ids": [people["anna"], people["young"]]})
    [training] = (await client.post(f"{R}/schools/s1/training", headers=CURATOR, json={
        "person_ids": [people["anna"]], "kind": "intensive", "title": "Интенсив", "organiser": "ИРО",
        "completed_on": clock.today().isoformat()})).json()
    recognition = (await client.post(f"{R}/schools/s1/recognitions", headers=CURATOR, json={
        "person_id": people["anna"], "kind": "iku", "level": "federal", "result": "participant", "title": "ИКУ",
        "awarded_on": clock.today().isoformat()})).json()

    withdrawn = await client.post(f"{R}/participants/{people['anna']}/withdrawal", headers=CURATOR, json={"reason": "consent_withdrawn"})
    assert withdrawn.status_code == 200, withdrawn.text
    assert await count(service, Training) == 0 and await count(service, Recognition) == 0
    assert await count(service, ActivityParticipant) == 1
    assert [e["training_id"] for e in await emitted(service, "registry.training.removed.v1")] == [training["id"]]
    assert [e["recognition_id"] for e in await emitted(service, "registry.recognition.removed.v1")] == [recognition["id"]]
    last = (await emitted(service, "registry.activity.saved.v1"))[-1]
    assert (last["participants_invited"], last["participants_attended"]) == (1, 1)
    shown = (await client.get(f"{R}/activities/{activity['id']}", headers=CURATOR)).json()
    assert [p["full_name"] for p in shown["participants"]] == ["Смирнов Илья"]


def _as(client, principal: Principal):
    client.cookies.clear()
    client.cookies.set(COOKIE_NAME, issue_session(SECRET, principal))
    return client


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([0-9a-f]+)"', html).group(1)  # type: ignore[union-attr]


async def test_the_pages_refuse_what_their_reader_may_not_do_and_keep_errors_beside_fields(school) -> None:
    service, client, programme, people = school
    curator = _as(client, Principal(sub="c1", role="school_curator", scope="school", scope_id="s1", name="Куратор"))
    page = await curator.get(f"/programmes/{programme}/activities")
    assert page.status_code == 200 and "Мероприятий пока нет" in page.text
    refused = await curator.post(f"/programmes/{programme}/activities", data={
        "csrf_token": _csrf(page.text), "kind": "kickoff", "title": "", "planned_on": clock.today().isoformat()})
    assert refused.status_code == 422 and 'href="#f-title"' in refused.text
    assert await count(service, Activity) == 0
    empty = await curator.post("/training", data={"csrf_token": _csrf(page.text), "kind": "course", "title": "Курсы",
                                                  "organiser": "ИРО", "completed_on": clock.today().isoformat()})
    assert empty.status_code == 422 and "Отметьте наставников" in empty.text
    assert await count(service, Training) == 0

    coordinator = _as(client, Principal(sub="m1", role="municipal_coordinator", scope="municipality", scope_id="m1"))
    reading = await coordinator.get("/training?school=s1")
    assert reading.status_code == 200 and "Иванова Анна" in reading.text and "Внести обучение" not in reading.text
    assert (await coordinator.post("/training?school=s1", data={"csrf_token": _csrf(reading.text)})).status_code == 403
    other = _as(client, Principal(sub="m2", role="municipal_coordinator", scope="municipality", scope_id="m2"))
    assert (await other.get(f"/programmes/{programme}/activities")).status_code == 404
    mentor = _as(client, Principal(sub=people["anna"], role="mentor", scope="school", scope_id="s1", name="Анна"))
    assert (await mentor.get("/training")).status_code == 403
    mine = await mentor.get("/my/training")
    assert mine.status_code == 200 and "Записей об обучении пока нет" in mine.text
