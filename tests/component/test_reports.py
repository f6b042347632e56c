from __future__ import annotations

import pytest

from shared.contracts.pairing import PairFormed
from shared.contracts.registry import ParticipantEnrolled, ParticipantRegistered, SchoolRegistered
from shared.contracts.surveys import ResponseCompleted

from services.reports.main import create_service
from tests.component.helpers import ADMIN, bearer, deliver, deliver_raw, emitted, running

YEAR = "2026/2027"


def school(sid: str, municipality: str = "m1") -> SchoolRegistered:
    return SchoolRegistered(school_id=sid, name=f"Школа {sid}", municipality_id=municipality, municipality_name=municipality, region_id="test-region")


def satisfaction(rid: str, sid: str, value: float) -> ResponseCompleted:
    return ResponseCompleted(response_id=rid, instrument={"code": "satisfaction_mentee", "version": 1}, respondent_id="e",
                             respondent_role="mentee", school_id=sid, academic_year=YEAR, scores={"satisfaction": value})


@pytest.fixture
async def reports(settings):
    service = create_service(settings)
    async with running(service) as client:
        yield service, client


async def indicators(client, scope: str, scope_id: str, headers=ADMIN) -> dict:
    response = await client.get(f"/api/v1/indicators/{scope}/{scope_id}", params={"academic_year": YEAR}, headers=headers)
    assert response.status_code == 200, response.text
    return {i["code"]: i["value"] for i in response.json()}


async def test_a_completed_survey_moves_school_municipality_and_region(reports) -> None:
    service, client = reports
    await deliver(service, school("s1"))
    await deliver(service, school("s2"))
    await deliver(service, school("s3", municipality="m2"))
    cause = await deliver(service, satisfaction("r1", "s1", 8.0))
    await deliver(service, satisfaction("r2", "s2", 6.0))
    await deliver(service, satisfaction("r3", "s3", 9.0))
    assert (await indicators(client, "school", "s1"))["mentee_satisfaction_mean"] == 8.0
    assert (await indicators(client, "municipality", "m1"))["mentee_satisfaction_mean"] == 7.0
    region = await indicators(client, "region", "test-region")
    assert region["mentee_satisfaction_mean"] == 7.67 and region["mentee_satisfaction_answers"] == 3
    assert region["schools_total"] == 3
    updates = [u for u in await emitted(service, "reports.indicators.updated.v1") if u["caused_by"] == cause]
    assert {(u["scope"], u["scope_id"]) for u in updates} == {("school", "s1"), ("municipality", "m1"), ("region", "test-region")}


async def test_a_redelivered_event_counts_once(reports) -> None:
    service, client = reports
    await deliver(service, school("s1"))
    event = satisfaction("r1", "s1", 8.0)
    first = await deliver(service, event)
    await deliver(service, event, envelope_id=first)
    assert (await indicators(client, "region", "test-region"))["mentee_satisfaction_answers"] == 1


async def test_events_before_their_school_are_applied_when_it_arrives(reports) -> None:
    service, client = reports
    await deliver(service, satisfaction("r1", "s1", 9.0))
    await deliver(service, ParticipantRegistered(participant_id="p1", school_id="s1", category="teacher", display_name="x", young_specialist=True))
    await deliver(service, ParticipantEnrolled(participant_id="p1", programme_id="prog", school_id="s1", role="mentee", academic_year=YEAR))
    await deliver(service, school("s1"))
    values = await indicators(client, "school", "s1")
    assert values["mentee_satisfaction_mean"] == 9.0
    assert values["mentees_total"] == 1
    assert values["young_specialists_in_mentoring_share"] == 100.0
    assert values["schools_with_programme"] == 1


async def test_mentors_mentees_pairs_and_shares(reports) -> None:
    service, client = reports
    await deliver(service, school("s1"))
    for pid, category, young in [("t1", "teacher", False), ("t2", "teacher", True), ("t3", "teacher", True), ("p1", "pupil", False), ("p2", "pupil", False)]:
        await deliver(service, ParticipantRegistered(participant_id=pid, school_id="s1", category=category, display_name=pid, young_specialist=young, grade=5 if category == "pupil" else None))
    for pid, role, programme in [("t1", "mentor", "a"), ("t1", "mentor", "b"), ("t2", "mentee", "a"), ("p1", "mentee", "a")]:
        await deliver(service, ParticipantEnrolled(participant_id=pid, programme_id=programme, school_id="s1", role=role, academic_year=YEAR, capacity=2 if role == "mentor" else None))
    await deliver(service, PairFormed(pair_id="x", programme_id="a", school_id="s1", mentor_id="t1", mentee_ids=["t2", "p1"], form="teacher_teacher", academic_year=YEAR))
    values = await indicators(client, "school", "s1")
    assert values["mentors_total"] == 1  # one person in two programmes counts once
    assert values["mentees_total"] == 2
    assert values["young_specialists_in_mentoring_share"] == 50.0
    assert values["pupils_in_mentoring_share"] == 50.0
    assert values["pairs_active"] == 1


async def test_invalid_event_is_dead_lettered_and_changes_nothing(reports) -> None:
    service, client = reports
    await deliver(service, school("s1"))
    await deliver_raw(service, "surveys.response.completed.v1", b'{"specversion":"1.0","id":"bad","source":"x","type":"surveys.response.completed.v1","time":"2026-09-01T08:00:00Z","data":{"school_id":"s1","scores":{"satisfaction":"high"}}}')
    assert service.runtime.consumer.memory_dead_letters
    assert (await indicators(client, "region", "test-region"))["mentee_satisfaction_answers"] == 0


async def test_scope_of_the_token_limits_what_is_seen(reports) -> None:
    service, client = reports
    await deliver(service, school("s1"))
    await deliver(service, school("s2"))
    curator = bearer("school_curator", "school", "s1")
    assert (await client.get("/api/v1/indicators/school/s1", headers=curator)).status_code == 200
    assert (await client.get("/api/v1/indicators/school/s2", headers=curator)).status_code == 404
    assert (await client.get("/api/v1/indicators/region/test-region", headers=curator)).status_code == 404
    coordinator = bearer("municipal_coordinator", "municipality", "m1")
    assert (await client.get("/api/v1/indicators/municipality/m1", headers=coordinator)).status_code == 200
    assert (await client.get("/api/v1/indicators/municipality/m2", headers=coordinator)).status_code == 404
    children = await client.get("/api/v1/indicators/region/test-region/children", headers=ADMIN)
    assert [c["scope_id"] for c in children.json()] == ["m1"]
