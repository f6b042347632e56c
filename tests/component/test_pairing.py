from __future__ import annotations

import pytest
from sqlmodel import select

from shared.contracts.registry import ParticipantEnrolled, ParticipantRegistered

from services.pairing.main import create_service
from services.pairing.models import Candidate, Pair
from tests.component.helpers import bearer, count, deliver, deliver_raw, emitted, running

YEAR = "2026/2027"
CURATOR = bearer("school_curator", "school", "s1")


def person(pid: str, category: str = "teacher", grade: int | None = None) -> ParticipantRegistered:
    return ParticipantRegistered(participant_id=pid, school_id="s1", category=category, display_name=pid, grade=grade)


def enrolled(pid: str, role: str, capacity: int | None = None) -> ParticipantEnrolled:
    return ParticipantEnrolled(participant_id=pid, programme_id="prog", school_id="s1", role=role, academic_year=YEAR, capacity=capacity)


@pytest.fixture
async def pairing(settings):
    service = create_service(settings)
    async with running(service) as client:
        for pid in ("mentor", "e1", "e2", "e3"):
            await deliver(service, person(pid))
        await deliver(service, enrolled("mentor", "mentor", capacity=2))
        for pid in ("e1", "e2", "e3"):
            await deliver(service, enrolled(pid, "mentee"))
        yield service, client


async def test_curator_forms_a_pair_and_it_is_announced(pairing) -> None:
    service, client = pairing
    response = await client.post("/api/v1/programmes/prog/pairs", headers=CURATOR, json={"mentor_id": "mentor", "mentee_ids": ["e1"]})
    assert response.status_code == 201, response.text
    [formed] = await emitted(service, "pairing.pair.formed.v1")
    assert formed["mentor_id"] == "mentor" and formed["mentee_ids"] == ["e1"]
    assert formed["school_id"] == "s1" and formed["academic_year"] == YEAR and formed["form"] == "teacher_teacher"
    listed = await client.get("/api/v1/programmes/prog/pairs", headers=CURATOR)
    assert [p["id"] for p in listed.json()] == [response.json()["id"]]


async def test_capacity_and_double_pairing_are_refused(pairing) -> None:
    service, client = pairing
    ok = await client.post("/api/v1/programmes/prog/pairs", headers=CURATOR, json={"mentor_id": "mentor", "mentee_ids": ["e1", "e2"]})
    assert ok.status_code == 201
    full = await client.post("/api/v1/programmes/prog/pairs", headers=CURATOR, json={"mentor_id": "mentor", "mentee_ids": ["e3"]})
    assert full.status_code == 422 and "вместимость" in full.text
    assert await count(service, Pair) == 1
    assert len(await emitted(service, "pairing.pair.formed.v1")) == 1


async def test_a_person_never_mentors_themself(pairing) -> None:
    _, client = pairing
    response = await client.post("/api/v1/programmes/prog/pairs", headers=CURATOR, json={"mentor_id": "mentor", "mentee_ids": ["mentor"]})
    assert response.status_code == 404  # the mentor is not enrolled as a mentee


async def test_another_schools_curator_gets_404(pairing) -> None:
    service, client = pairing
    other = bearer("school_curator", "school", "s2")
    response = await client.post("/api/v1/programmes/prog/pairs", headers=other, json={"mentor_id": "mentor", "mentee_ids": ["e1"]})
    assert response.status_code == 404
    assert await count(service, Pair) == 0


async def test_mentee_cannot_form_pairs(pairing) -> None:
    _, client = pairing
    mentee = bearer("mentee", "school", "s1", sub="e1")
    response = await client.post("/api/v1/programmes/prog/pairs", headers=mentee, json={"mentor_id": "mentor", "mentee_ids": ["e1"]})
    assert response.status_code == 403


async def test_redelivered_event_changes_nothing_twice(pairing) -> None:
    service, _ = pairing
    event_id = await deliver(service, person("twice"), envelope_id="fixed-id-1")
    await deliver(service, person("twice-renamed"), envelope_id=event_id)
    async with service.runtime.db.sessions() as session:
        ids = (await session.exec(select(Candidate.participant_id))).all()
    assert "twice" in ids and "twice-renamed" not in ids
    assert service.runtime.metrics.inbox_duplicates.labels("registry.participant.registered.v1")._value.get() == 1


async def test_invalid_event_is_dead_lettered_with_its_reason(pairing) -> None:
    service, _ = pairing
    before = await count(service, Candidate)
    await deliver_raw(service, "registry.participant.registered.v1", b'{"specversion":"1.0","id":"x","source":"s","type":"registry.participant.registered.v1","time":"2026-09-01T08:00:00Z","data":{"school_id":"s1"}}')
    [dead] = service.runtime.consumer.memory_dead_letters
    assert "data.participant_id: Field required" in dead["reason"]
    assert await count(service, Candidate) == before
