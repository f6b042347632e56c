"""Issue 13, M1, written as the attack: replaying someone else's idempotency key
(`submission_id`) with the respondent's id used to return the stored response (school, pair,
scores) to any caller. Now the scope is checked first, keys are per caller, and the 404 does not
tell which identifier matched."""

from __future__ import annotations

import pytest

from shared.contracts.pairing import PairFormed
from shared.contracts.registry import ParticipantEnrolled, ParticipantRegistered, SchoolRegistered

from services.surveys.main import create_service
from services.surveys.models import SurveyResponse
from tests.component.helpers import bearer, count, deliver, running

ANSWERS = {"effectiveness": 8, "comfort": 9, "meetings_useful": 7, "joint_work": 10, "expectations_met": 6}
KEY = "demo-school-3-t-02-satisfaction_mentee"  # a predictable key, as the demo used to make
VICTIM = bearer("mentee", "school", "s1", sub="e1")


@pytest.fixture
async def surveys(settings):
    service = create_service(settings)
    async with running(service) as client:
        for school, municipality in (("s1", "mun-1"), ("s2", "mun-2")):
            await deliver(service, SchoolRegistered(school_id=school, name=school, municipality_id=municipality,
                                                    municipality_name=municipality, region_id="test-region"))
        for pid, school in (("m1", "s1"), ("e1", "s1"), ("e2", "s1"), ("x1", "s2")):
            await deliver(service, ParticipantRegistered(participant_id=pid, school_id=school, category="teacher", display_name=pid))
            await deliver(service, ParticipantEnrolled(participant_id=pid, programme_id=f"prog-{school}", school_id=school,
                                                       role="mentee", academic_year="2026/2027"))
        await deliver(service, PairFormed(pair_id="pair-1", programme_id="prog-s1", school_id="s1", mentor_id="m1",
                                          mentee_ids=["e1"], form="teacher_teacher", academic_year="2026/2027"))
        yield service, client


def body(respondent: str = "e1", key: str = KEY) -> dict:
    return {"instrument": {"code": "satisfaction_mentee", "version": 1}, "respondent_id": respondent,
            "answers": ANSWERS, "submission_id": key}


@pytest.mark.parametrize("attacker", [
    bearer("municipal_coordinator", "municipality", "mun-2", sub="coordinator-2"),  # another municipality
    bearer("school_curator", "school", "s2", sub="curator-s2"),  # another municipality's school curator
    bearer("mentee", "school", "s1", sub="e2"),  # another mentee of the same school
])
async def test_replaying_someone_elses_key_reveals_nothing(surveys, attacker) -> None:
    service, client = surveys
    stored = await client.post("/api/v1/responses", headers=VICTIM, json=body())
    assert stored.status_code == 201, stored.text

    replay = await client.post("/api/v1/responses", headers=attacker, json=body())

    assert replay.status_code == 404
    assert "pair-1" not in replay.text and "satisfaction" not in replay.text and stored.json()["id"] not in replay.text
    unknown = await client.post("/api/v1/responses", headers=attacker, json=body(respondent="nobody", key="some-other-key"))
    assert (unknown.status_code, unknown.json()) == (404, replay.json())  # the same words: nothing tells what matched
    assert await count(service, SurveyResponse) == 1


async def test_the_same_key_from_another_caller_is_a_new_key(surveys) -> None:
    service, client = surveys
    first = await client.post("/api/v1/responses", headers=VICTIM, json=body())
    other = await client.post("/api/v1/responses", headers=bearer("mentee", "school", "s1", sub="e2"), json=body("e2"))
    assert (first.status_code, other.status_code) == (201, 201)
    assert other.json()["id"] != first.json()["id"] and other.json()["respondent_id"] == "e2"
    assert other.json()["submission_id"] == KEY  # the client sees its own key back
    assert await count(service, SurveyResponse) == 2


async def test_a_retry_by_the_same_caller_still_answers_with_the_first(surveys) -> None:
    service, client = surveys
    first = await client.post("/api/v1/responses", headers=VICTIM, json=body())
    again = await client.post("/api/v1/responses", headers=VICTIM, json=body())
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    curator = bearer("school_curator", "school", "s1", sub="curator-s1")
    mine = await client.post("/api/v1/responses", headers=curator, json=body("e2", key="curator-key-01"))
    reused = await client.post("/api/v1/responses", headers=curator, json=body("e1", key="curator-key-01"))
    assert mine.status_code == 201
    assert reused.status_code == 409 and reused.json()["detail"][0]["loc"] == ["body", "submission_id"]
    assert await count(service, SurveyResponse) == 2
