from __future__ import annotations

import pytest

from shared.contracts.pairing import PairFormed
from shared.contracts.registry import ParticipantRegistered

from services.surveys.main import create_service
from services.surveys.models import SurveyResponse
from tests.component.helpers import bearer, count, deliver, emitted, running

ANSWERS = {"effectiveness": 8, "comfort": 9, "meetings_useful": 7, "joint_work": 10, "expectations_met": 6}
MENTEE = bearer("mentee", "school", "s1", sub="e1")


@pytest.fixture
async def surveys(settings):
    service = create_service(settings)
    async with running(service) as client:
        for pid in ("m1", "e1"):
            await deliver(service, ParticipantRegistered(participant_id=pid, school_id="s1", category="teacher", display_name=pid))
        await deliver(service, PairFormed(pair_id="pair-1", programme_id="p", school_id="s1", mentor_id="m1",
                                          mentee_ids=["e1"], form="teacher_teacher", academic_year="2026/2027"))
        yield service, client


def submission(**overrides):
    return {"instrument": {"code": "satisfaction_mentee", "version": 1}, "respondent_id": "e1",
            "answers": ANSWERS, "submission_id": "sub-000001", **overrides}


async def test_a_completed_questionnaire_is_scored_and_announced(surveys) -> None:
    service, client = surveys
    response = await client.post("/api/v1/responses", headers=MENTEE, json=submission())
    assert response.status_code == 201, response.text
    assert response.json()["scores"]["satisfaction"] == 8.0
    [completed] = await emitted(service, "surveys.response.completed.v1")
    assert completed["pair_id"] == "pair-1" and completed["academic_year"] == "2026/2027"
    assert completed["respondent_role"] == "mentee" and completed["school_id"] == "s1"
    assert completed["instrument"] == {"code": "satisfaction_mentee", "version": 1}
    assert completed["scores"]["satisfaction"] == 8.0


async def test_a_retried_submission_creates_one_response(surveys) -> None:
    service, client = surveys
    first = await client.post("/api/v1/responses", headers=MENTEE, json=submission())
    again = await client.post("/api/v1/responses", headers=MENTEE, json=submission())
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert await count(service, SurveyResponse) == 1
    assert len(await emitted(service, "surveys.response.completed.v1")) == 1


async def test_invalid_answers_get_a_message_per_item_and_store_nothing(surveys) -> None:
    service, client = surveys
    response = await client.post("/api/v1/responses", headers=MENTEE, json=submission(
        answers={**ANSWERS, "effectiveness": 11, "bogus": 1, "comfort": None}))
    assert response.status_code == 422
    by_item = {tuple(e["loc"]): e["msg"] for e in response.json()["detail"]}
    assert "вне шкалы" in by_item[("body", "answers", "effectiveness")]
    assert "Неизвестный" in by_item[("body", "answers", "bogus")]
    assert "Обязательный" in by_item[("body", "answers", "comfort")]
    assert await count(service, SurveyResponse) == 0
    assert await emitted(service, "surveys.response.completed.v1") == []


async def test_wrong_instrument_version_is_explained(surveys) -> None:
    _, client = surveys
    response = await client.post("/api/v1/responses", headers=MENTEE, json=submission(instrument={"code": "satisfaction_mentee", "version": 7}))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "instrument", "version"]


async def test_nobody_answers_for_someone_else(surveys) -> None:
    service, client = surveys
    other = bearer("mentee", "school", "s1", sub="m1")
    assert (await client.post("/api/v1/responses", headers=other, json=submission())).status_code == 404
    other_school = bearer("school_curator", "school", "s2")
    assert (await client.post("/api/v1/responses", headers=other_school, json=submission())).status_code == 404
    assert await count(service, SurveyResponse) == 0
