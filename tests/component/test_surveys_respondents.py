"""Who may answer: the mentee satisfaction questionnaire is for mentees of a programme (a teacher
enrolled in none, or as a mentor only, is refused with the reason on the API and on a school
command), and the self-diagnosis form states its one scale."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared import clock
from shared.contracts.pairing import PairFormed
from shared.contracts.registry import ParticipantEnrolled, ParticipantRegistered

from services.surveys.main import create_service
from tests.component.helpers import bearer, deliver, emitted, running
from tests.component.test_surveys_campaigns import RATINGS, send_command

CURATOR = bearer("school_curator", "school", "s1", sub="curator-s1")
YEAR = "2026/2027"


@pytest.fixture
async def surveys(settings):
    service = create_service(settings)
    async with running(service) as client:
        for pid in ("mentee", "mentor", "outsider", "paired"):
            await deliver(service, ParticipantRegistered(participant_id=pid, school_id="s1", category="teacher", display_name=pid))
        await deliver(service, ParticipantEnrolled(participant_id="mentee", programme_id="prog-1", school_id="s1", role="mentee", academic_year=YEAR))
        await deliver(service, ParticipantEnrolled(participant_id="mentor", programme_id="prog-1", school_id="s1", role="mentor", academic_year=YEAR))
        # in a pair as a mentee, the enrolment not seen (yet): the pair says enough
        await deliver(service, PairFormed(pair_id="pair-1", programme_id="prog-1", school_id="s1", mentor_id="mentor",
                                          mentee_ids=["paired"], form="teacher_teacher", academic_year=YEAR))
        yield service, client


def satisfaction(respondent: str, key: str) -> dict:
    return {"instrument": {"code": "satisfaction_mentee", "version": 1}, "respondent_id": respondent, "answers": RATINGS,
            "submission_id": f"satisfaction-{key}"}


async def test_only_a_mentee_of_a_programme_answers_the_mentee_satisfaction_questionnaire(surveys) -> None:
    service, client = surveys
    outsider = await client.post("/api/v1/responses", headers=CURATOR, json=satisfaction("outsider", "outsider-1"))
    assert outsider.status_code == 422
    assert "не зачислен ни в одну программу наставничества" in outsider.text and "respondent_id" in outsider.text
    mentor = await client.post("/api/v1/responses", headers=CURATOR, json=satisfaction("mentor", "mentor-1"))
    assert mentor.status_code == 422 and "зачислен в программу не как наставляемый" in mentor.text
    for pid in ("mentee", "paired"):
        accepted = await client.post("/api/v1/responses", headers=CURATOR, json=satisfaction(pid, f"{pid}-1"))
        assert accepted.status_code == 201, accepted.text
    # a school system's command is refused the same way, with the reason
    await send_command(service, "s1", satisfaction("outsider", "outsider-2"), command_id="cmd-outsider")
    rejected = await emitted(service, "surveys.command.rejected.v1")
    assert len(rejected) == 1 and "не зачислен ни в одну программу" in rejected[0]["reason"] + str(rejected[0]["errors"])
    completed = await emitted(service, "surveys.response.completed.v1")
    assert sorted(e["respondent_id"] for e in completed) == ["mentee", "paired"]


async def test_the_self_diagnosis_form_states_one_scale(surveys) -> None:
    _, client = surveys
    today = clock.today()
    opened = await client.post("/api/v1/campaigns", headers=CURATOR, json={
        "instrument": {"code": "deficit_self_diagnosis", "version": 1}, "stage": "start", "respondent_ids": ["mentee"],
        "opens_on": today.isoformat(), "closes_on": (today + timedelta(days=7)).isoformat()})
    assert opened.status_code == 201, opened.text
    page = await client.get(opened.json()["invitees"][0]["link_path"].removeprefix("/surveys"))
    assert page.status_code == 200
    assert page.text.count("1 — затруднений нет, 5 — серьёзные затруднения") == 24 + 1  # every statement, and the description
    assert "самый низкий" not in page.text and "самый высокий" not in page.text


async def test_a_campaign_does_not_invite_someone_who_could_not_answer(surveys) -> None:
    _, client = surveys
    today = clock.today()
    body = {"instrument": {"code": "satisfaction_mentee", "version": 1}, "opens_on": today.isoformat(),
            "closes_on": (today + timedelta(days=7)).isoformat()}
    refused = await client.post("/api/v1/campaigns", headers=CURATOR, json={**body, "respondent_ids": ["mentee", "outsider", "mentor"]})
    assert refused.status_code == 422
    assert "не зачислены в программу в этой роли: outsider, mentor" in refused.text and "respondent_ids" in refused.text
    opened = await client.post("/api/v1/campaigns", headers=CURATOR, json={**body, "respondent_ids": ["mentee", "paired"]})
    assert opened.status_code == 201, opened.text
