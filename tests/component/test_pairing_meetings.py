"""A pair's meetings (журнал встреч) through pairing's HTTP API, with each role's token: the mentor
and the curator keep the log, the mentee reads it and writes their own reflection, everyone else is
refused; bad input is a 422 naming the field with nothing written; every change is announced
(MeetingRecorded / MeetingRemoved, the fields reports counts); an ended pair takes no meetings;
a withdrawal erases the person's reflections and the texts that could name them."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from shared import clock
from shared.contracts.registry import ParticipantEnrolled, ParticipantRegistered, ParticipantWithdrawn

from services.pairing.main import create_service
from services.pairing.models import Meeting, MeetingReflection
from tests.component.helpers import ADMIN, bearer, count, deliver, emitted, running

YEAR = "2026/2027"
CURATOR = bearer("school_curator", "school", "s1")
MENTOR = bearer("mentor", "school", "s1", sub="mentor")
OTHER_MENTOR = bearer("mentor", "school", "s1", sub="mentor2")
ANNA = bearer("mentee", "school", "s1", sub="e1")
BORIS = bearer("mentee", "school", "s1", sub="e2")
VERA = bearer("mentee", "school", "s1", sub="e3")
NAMES = {"mentor": "Петрова Ольга Ивановна", "mentor2": "Сидоров Павел", "e1": "Иванова Анна", "e2": "Борисов Глеб", "e3": "Кузина Вера"}


def meeting(**changes: object) -> dict:
    return {"held_on": clock.today().isoformat(), "minutes": 45, "format": "in_person", "topic": "Разбор пробного урока", **changes}


@pytest.fixture
async def pairs(settings):
    """Pair A: mentor with e1 and e3 (a group); pair B: mentor2 with e2."""
    service = create_service(settings)
    async with running(service) as client:
        for pid, name in NAMES.items():
            await deliver(service, ParticipantRegistered(participant_id=pid, school_id="s1", category="teacher", display_name=name))
        for pid, role in (("mentor", "mentor"), ("mentor2", "mentor"), ("e1", "mentee"), ("e2", "mentee"), ("e3", "mentee")):
            await deliver(service, ParticipantEnrolled(participant_id=pid, programme_id="prog", school_id="s1", role=role,
                                                       academic_year=YEAR, capacity=3 if role == "mentor" else None))
        a = await client.post("/api/v1/programmes/prog/pairs", headers=CURATOR, json={"mentor_id": "mentor", "mentee_ids": ["e1", "e3"]})
        b = await client.post("/api/v1/programmes/prog/pairs", headers=CURATOR, json={"mentor_id": "mentor2", "mentee_ids": ["e2"]})
        assert a.status_code == b.status_code == 201, a.text + b.text
        yield service, client, a.json()["id"], b.json()["id"]


async def test_the_mentor_keeps_the_log_and_every_change_is_announced(pairs) -> None:
    service, client, pair, _ = pairs
    measure = await client.post(f"/api/v1/pairs/{pair}/plan/measures", headers=MENTOR,
                                json={"title": "Открытый урок", "due_on": (clock.today() + timedelta(days=30)).isoformat()})
    recorded = await client.post(f"/api/v1/pairs/{pair}/meetings", headers=MENTOR,
                                 json=meeting(measure_ids=[measure.json()["id"]], note="Анне трудно с дисциплиной"))
    assert recorded.status_code == 201, recorded.text
    meeting_id = recorded.json()["id"]
    [event] = await emitted(service, "pairing.meeting.recorded.v1")
    assert event == {"meeting_id": meeting_id, "pair_id": pair, "programme_id": "prog", "school_id": "s1",
                     "academic_year": YEAR, "held_on": clock.today().isoformat(), "minutes": 45}

    changed = await client.put(f"/api/v1/pairs/{pair}/meetings/{meeting_id}", headers=MENTOR, json=meeting(minutes=90, format="online"))
    assert changed.status_code == 200 and changed.json()["format"] == "online" and changed.json()["note"] is None
    assert [e["minutes"] for e in await emitted(service, "pairing.meeting.recorded.v1")] == [45, 90]
    by_curator = await client.post(f"/api/v1/pairs/{pair}/meetings", headers=CURATOR, json=meeting(minutes=30, note="заметка"))
    assert by_curator.status_code == 201

    log = (await client.get(f"/api/v1/pairs/{pair}/meetings", headers=MENTOR)).json()
    assert log["summary"] == {"this_month": 2, "total": 2, "minutes": 120}
    assert {m["id"] for m in log["meetings"]} == {meeting_id, by_curator.json()["id"]}
    assert all(m["reflections_expected"] == 2 for m in log["meetings"])
    as_mentee = (await client.get(f"/api/v1/pairs/{pair}/meetings", headers=ANNA)).json()
    assert [m["note"] for m in as_mentee["meetings"]] == [None, None]  # the mentor's notes are not the mentee's

    removed = await client.delete(f"/api/v1/pairs/{pair}/meetings/{meeting_id}", headers=MENTOR)
    assert removed.status_code == 204
    [gone] = await emitted(service, "pairing.meeting.removed.v1")
    assert gone == {"meeting_id": meeting_id, "pair_id": pair, "programme_id": "prog", "school_id": "s1",
                    "academic_year": YEAR, "held_on": clock.today().isoformat()}
    assert (await client.get(f"/api/v1/pairs/{pair}/meetings", headers=CURATOR)).json()["summary"]["total"] == 1
    officer = bearer("data_protection_officer", "region", "test-region", sub="dpo")
    audit = (await client.get("/api/v1/audit", headers=officer, params={"limit": 50})).json()
    reads = [e for e in audit if e["entity"] == "meetings" and e["action"] == "read"]
    assert reads and pair in reads[0]["target"] and {e["actor"] for e in reads} >= {"mentor", "e1", "tester"}, audit


async def test_who_may_read_record_and_reflect(pairs) -> None:
    _, client, pair, other_pair = pairs
    meeting_id = (await client.post(f"/api/v1/pairs/{pair}/meetings", headers=MENTOR, json=meeting())).json()["id"]
    log, one = f"/api/v1/pairs/{pair}/meetings", f"/api/v1/pairs/{pair}/meetings/{meeting_id}"

    assert (await client.get(log, headers=OTHER_MENTOR)).status_code == 403  # another pair's mentor
    assert (await client.post(log, headers=OTHER_MENTOR, json=meeting())).status_code == 403
    assert (await client.put(one, headers=OTHER_MENTOR, json=meeting())).status_code == 403
    assert (await client.post(log, headers=ANNA, json=meeting())).status_code == 403  # a mentee does not record
    assert (await client.delete(one, headers=ANNA)).status_code == 403
    assert (await client.get(log, headers=BORIS)).status_code == 403  # another pair's mentee
    assert (await client.put(f"{one}/reflection", headers=BORIS, json={"text": "чужой"})).status_code == 403
    assert (await client.put(f"{one}/reflection", headers=MENTOR, json={"text": "за неё"})).status_code == 403
    assert (await client.get(log, headers=bearer("school_curator", "school", "s2"))).status_code == 404
    assert (await client.get(log, headers=bearer("municipal_coordinator", "municipality", "m1"))).status_code == 403
    assert (await client.get(log, headers=ADMIN)).status_code == 403  # counts only, in reports
    assert (await client.get(f"/api/v1/pairs/{other_pair}/meetings/x", headers=MENTOR)).status_code == 405

    anna = await client.put(f"{one}/reflection", headers=ANNA, json={"text": "Получилось разобрать ошибки урока", "usefulness": 5})
    assert anna.status_code == 200 and anna.json()["mentee_id"] == "e1"
    again = await client.put(f"{one}/reflection", headers=ANNA, json={"text": "Дальше — пробный урок"})
    assert again.status_code == 200 and again.json()["usefulness"] is None
    await client.put(f"{one}/reflection", headers=VERA, json={"text": "Полезно", "usefulness": 4})

    [seen] = (await client.get(log, headers=MENTOR)).json()["meetings"]
    assert [(r["mentee_id"], r["text"]) for r in seen["reflections"]] == [("e1", "Дальше — пробный урок"), ("e3", "Полезно")]
    [own] = (await client.get(log, headers=ANNA)).json()["meetings"]
    assert [r["mentee_id"] for r in own["reflections"]] == ["e1"]  # each mentee of a group sees their own only


async def test_bad_input_is_a_422_naming_the_field_and_nothing_is_written(pairs) -> None:
    service, client, pair, other_pair = pairs
    foreign = await client.post(f"/api/v1/pairs/{other_pair}/plan/measures", headers=CURATOR,
                                json={"title": "Чужое", "due_on": (clock.today() + timedelta(days=9)).isoformat()})
    cases = [
        (meeting(held_on=(clock.today() + timedelta(days=1)).isoformat()), "held_on", "будущем"),
        (meeting(held_on=(clock.today() - timedelta(days=1)).isoformat()), "held_on", "сформирована пара"),
        (meeting(minutes=0), "minutes", None),
        (meeting(minutes=1441), "minutes", None),
        (meeting(format="phone"), "format", None),
        (meeting(topic="   "), "topic", "тему"),
        (meeting(topic="т" * 301), "topic", None),
        (meeting(measure_ids=[foreign.json()["id"]]), "measure_ids", "не из плана"),
        ({k: v for k, v in meeting().items() if k != "held_on"}, "held_on", None),
    ]
    for body, field, words in cases:
        response = await client.post(f"/api/v1/pairs/{pair}/meetings", headers=MENTOR, json=body)
        assert response.status_code == 422, (field, response.text)
        [error] = response.json()["detail"]
        assert error["loc"][-1] == field, (field, error)
        assert words is None or words in error["msg"], error
    assert await count(service, Meeting) == 0 and await emitted(service, "pairing.meeting.recorded.v1") == []

    meeting_id = (await client.post(f"/api/v1/pairs/{pair}/meetings", headers=MENTOR, json=meeting())).json()["id"]
    for body, field in (({"text": "ок", "usefulness": 6}, "usefulness"), ({"text": "я" * 1001}, "text"), ({"text": " "}, "text")):
        response = await client.put(f"/api/v1/pairs/{pair}/meetings/{meeting_id}/reflection", headers=ANNA, json=body)
        assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == field, response.text
    assert await count(service, MeetingReflection) == 0


async def test_today_is_the_regions_day_not_the_servers(pairs, monkeypatch) -> None:
    """A region whose calendar day differs from the server's (UTC) right now: a meeting held on the
    region's today is taken, one on the region's tomorrow is refused as one in the future."""
    _, client, pair, _ = pairs
    ahead = clock.utcnow().hour >= 10  # pick a zone whose date is not UTC's at this moment
    monkeypatch.setattr(clock, "REGION_TIME", ZoneInfo("Pacific/Kiritimati" if ahead else "Pacific/Pago_Pago"))
    assert clock.today() != clock.utcnow().date()
    held_today = await client.post(f"/api/v1/pairs/{pair}/meetings", headers=MENTOR, json=meeting())
    assert held_today.status_code == 201, held_today.text
    tomorrow = await client.post(f"/api/v1/pairs/{pair}/meetings", headers=MENTOR,
                                 json=meeting(held_on=(clock.today() + timedelta(days=1)).isoformat()))
    assert tomorrow.status_code == 422 and "будущем" in tomorrow.text


async def test_an_ended_pair_takes_no_meetings_and_its_log_stays_readable(pairs) -> None:
    _, client, pair, _ = pairs
    meeting_id = (await client.post(f"/api/v1/pairs/{pair}/meetings", headers=MENTOR, json=meeting())).json()["id"]
    ended = await client.post(f"/api/v1/programmes/prog/pairs/{pair}/end", headers=CURATOR, json={"outcome": "completed"})
    assert ended.status_code == 200, ended.text
    refused = await client.post(f"/api/v1/pairs/{pair}/meetings", headers=MENTOR, json=meeting())
    assert refused.status_code == 409 and "завершена" in refused.json()["detail"]
    assert (await client.put(f"/api/v1/pairs/{pair}/meetings/{meeting_id}", headers=CURATOR, json=meeting())).status_code == 409
    assert (await client.put(f"/api/v1/pairs/{pair}/meetings/{meeting_id}/reflection", headers=ANNA, json={"text": "поздно"})).status_code == 409
    log = (await client.get(f"/api/v1/pairs/{pair}/meetings", headers=ANNA)).json()
    assert log["status"] == "completed" and log["summary"]["total"] == 1


async def test_withdrawal_erases_reflections_and_texts_that_name_the_person(pairs) -> None:
    service, client, pair, other_pair = pairs
    named = (await client.post(f"/api/v1/pairs/{pair}/meetings", headers=MENTOR,
                               json=meeting(topic="Урок Ивановой: дроби", note="Ивановой нужна помощь"))).json()["id"]
    plain = (await client.post(f"/api/v1/pairs/{pair}/meetings", headers=MENTOR,
                               json=meeting(topic="Формирующее оценивание", note="Группа готова к открытому уроку"))).json()["id"]
    other = (await client.post(f"/api/v1/pairs/{other_pair}/meetings", headers=OTHER_MENTOR,
                               json=meeting(topic="Классное руководство", note="Глеб уверенно ведёт урок"))).json()["id"]
    for who in (ANNA, VERA):
        for meeting_id in (named, plain):
            await client.put(f"/api/v1/pairs/{pair}/meetings/{meeting_id}/reflection", headers=who, json={"text": "Полезно"})
    await client.put(f"/api/v1/pairs/{other_pair}/meetings/{other}/reflection", headers=BORIS, json={"text": "Хорошо"})

    await deliver(service, ParticipantWithdrawn(participant_id="e1", school_id="s1", reason="consent_withdrawn", ended_programme_ids=["prog"]))
    async with service.runtime.db.sessions() as session:
        reflections = (await session.exec(select(MeetingReflection.mentee_id))).all()
        kept = {m.id: m for m in (await session.exec(select(Meeting))).all()}
    assert sorted(reflections) == ["e2", "e3", "e3"]  # Anna's gone, the others' stay
    assert kept[named].topic == "Данные удалены" and kept[named].note is None  # they named her
    assert kept[plain].topic == "Формирующее оценивание" and kept[plain].note == "Группа готова к открытому уроку"
    assert [e["minutes"] for e in await emitted(service, "pairing.meeting.recorded.v1")] == [45, 45, 45]  # counts stay

    await deliver(service, ParticipantWithdrawn(participant_id="mentor2", school_id="s1", reason="left_school", ended_programme_ids=["prog"]))
    await deliver(service, ParticipantWithdrawn(participant_id="e2", school_id="s1", reason="left_school", ended_programme_ids=["prog"]))
    async with service.runtime.db.sessions() as session:
        gone = await session.get(Meeting, other)
        assert gone is not None and gone.note is None and gone.topic == "Классное руководство" and gone.minutes == 45
        assert (await session.exec(select(MeetingReflection).where(MeetingReflection.mentee_id == "e2"))).all() == []
    curator_log = (await client.get(f"/api/v1/pairs/{other_pair}/meetings", headers=CURATOR)).json()
    assert "Глеб" not in str(curator_log) and "Хорошо" not in str(curator_log)
