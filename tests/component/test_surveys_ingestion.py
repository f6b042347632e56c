"""The submit path under concurrency: the group commit (many submits, one transaction) keeps
idempotency, stores nothing for a rejected submit, does not let one bad submit fail the others,
and announces each response with its programme and form."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from shared import clock
from shared.contracts.pairing import PairFormed
from shared.contracts.registry import ParticipantEnrolled, ParticipantRegistered

from services.surveys import ingest
from services.surveys.main import create_service
from services.surveys.models import SurveyResponse
from tests.component.helpers import ADMIN, bearer, count, deliver, emitted, running

ANSWERS = {"effectiveness": 8, "comfort": 9, "meetings_useful": 7, "joint_work": 10, "expectations_met": 6}
CURATOR = bearer("school_curator", "school", "s1", sub="curator-s1")
PEOPLE = [f"e{n}" for n in range(20)]


@pytest.fixture
async def surveys(settings):
    service = create_service(settings)
    async with running(service) as client:
        for pid in [*PEOPLE, "m1", "c1"]:
            await deliver(service, ParticipantRegistered(participant_id=pid, school_id="s1", category="teacher", display_name=pid))
        await deliver(service, ParticipantRegistered(participant_id="x1", school_id="s2", category="teacher", display_name="x1"))
        for pid in PEOPLE:  # the mentee satisfaction questionnaire is for mentees of a programme
            await deliver(service, ParticipantEnrolled(participant_id=pid, programme_id="prog-1", school_id="s1", role="mentee",
                                                       academic_year="2026/2027"))
        await deliver(service, PairFormed(pair_id="pair-1", programme_id="prog-1", school_id="s1", mentor_id="m1",
                                          mentee_ids=["e0"], form="teacher_pupil", academic_year="2026/2027"))
        yield service, client


def submission(respondent: str, submission_id: str, **overrides) -> dict:
    return {"instrument": {"code": "satisfaction_mentee", "version": 1}, "respondent_id": respondent, "answers": ANSWERS,
            "submission_id": submission_id, **overrides}


async def submit_all(client, bodies: list[dict], headers: dict = CURATOR) -> list:
    return await asyncio.gather(*(client.post("/api/v1/responses", headers=headers, json=b) for b in bodies))


async def test_concurrent_submits_are_stored_together_each_with_its_event(surveys) -> None:
    service, client = surveys
    responses = await submit_all(client, [submission(pid, f"sub-{pid}-0001") for pid in PEOPLE])
    assert [r.status_code for r in responses] == [201] * len(PEOPLE), responses[0].text
    assert {r.json()["respondent_id"] for r in responses} == set(PEOPLE)
    assert service.service.group_commit.batches < len(PEOPLE)  # grouped, not one transaction each
    assert await count(service, SurveyResponse) == len(PEOPLE)
    events = await emitted(service, "surveys.response.completed.v1")
    assert sorted(e["respondent_id"] for e in events) == sorted(PEOPLE)
    by_person = {e["respondent_id"]: e for e in events}
    assert by_person["e0"]["pair_id"] == "pair-1" and by_person["e0"]["academic_year"] == "2026/2027"
    assert by_person["e1"]["pair_id"] is None and by_person["e1"]["scores"]["satisfaction"] == 8.0
    assert {r.json()["id"] for r in responses} == {e["response_id"] for e in events}


async def test_a_submission_id_sent_concurrently_is_stored_once(surveys) -> None:
    service, client = surveys
    responses = await submit_all(client, [submission("e1", "sub-same-0001")] * 5)
    assert sorted(r.status_code for r in responses) == [200, 200, 200, 200, 201]
    assert len({r.json()["id"] for r in responses}) == 1
    assert await count(service, SurveyResponse) == 1
    assert len(await emitted(service, "surveys.response.completed.v1")) == 1
    retried = await client.post("/api/v1/responses", headers=CURATOR, json=submission("e1", "sub-same-0001"))
    assert (retried.status_code, retried.json()["id"]) == (200, responses[0].json()["id"])


async def test_a_rejected_submit_in_a_batch_does_not_fail_the_others(surveys) -> None:
    service, client = surveys
    bodies = [submission("e1", "sub-good-0001"), submission("x1", "sub-othr-0001"), submission("nobody", "sub-none-0001"),
              submission("e2", "sub-good-0002"), submission("e3", "sub-role-0001", role="mentor"),
              submission("e4", "sub-good-0001"), submission("e5", "sub-bad-00001", answers={**ANSWERS, "comfort": 11})]
    responses = await submit_all(client, bodies)
    # x1 is in another school, "nobody" is unknown, a mentor does not answer satisfaction_mentee,
    # this caller's sub-good-0001 was used for e1, not e4 (409: its own key); e5's answer is out of range
    assert [r.status_code for r in responses] == [201, 404, 404, 201, 422, 409, 422]
    assert responses[4].json()["detail"][0]["loc"] == ["body", "role"]
    assert await count(service, SurveyResponse) == 2
    assert sorted(e["respondent_id"] for e in await emitted(service, "surveys.response.completed.v1")) == ["e1", "e2"]


async def test_a_batch_the_database_refuses_is_retried_one_by_one(surveys, monkeypatch) -> None:
    service, client = surveys
    insert = ingest._insert_new

    async def refuse_batches(connection, rows):
        if len(rows) > 1:
            raise RuntimeError("simulated failure of a multi-row insert")
        return await insert(connection, rows)

    monkeypatch.setattr(ingest, "_insert_new", refuse_batches)
    responses = await submit_all(client, [submission(pid, f"sub-{pid}-0002") for pid in PEOPLE[:6]])
    assert [r.status_code for r in responses] == [201] * 6
    assert await count(service, SurveyResponse) == 6
    assert len(await emitted(service, "surveys.response.completed.v1")) == 6


async def test_the_event_names_the_programme_and_form_of_the_campaign(surveys) -> None:
    service, client = surveys
    today = clock.today()
    campaign = (await client.post("/api/v1/campaigns", headers=CURATOR, json={
        "instrument": {"code": "satisfaction_mentee", "version": 1}, "programme_id": "prog-1", "role": "mentee",
        "form": "teacher_pupil", "opens_on": today.isoformat(), "closes_on": (today + timedelta(days=7)).isoformat()})).json()
    assert [i["participant_id"] for i in campaign["invitees"]] == ["e0"]
    answered = await client.post("/api/v1/responses", headers=CURATOR,
                                 json=submission("e0", "sub-camp-0001", campaign_id=campaign["id"]))
    assert answered.status_code == 201, answered.text
    plain = await client.post("/api/v1/responses", headers=CURATOR, json=submission("e1", "sub-plain-001"))
    assert plain.status_code == 201
    by_person = {e["respondent_id"]: e for e in await emitted(service, "surveys.response.completed.v1")}
    assert (by_person["e0"]["programme_id"], by_person["e0"]["form"]) == ("prog-1", "teacher_pupil")
    assert (by_person["e1"]["programme_id"], by_person["e1"]["form"]) == (None, None)


async def test_a_swot_response_names_its_variants_form(surveys) -> None:
    service, client = surveys
    response = await client.post("/api/v1/responses", headers=ADMIN, json={
        "instrument": {"code": "swot_employer_student", "version": 1}, "respondent_id": "c1", "submission_id": "sub-swot-0001",
        "answers": {"strengths_factors": ["motivated_pairs"], "pairs_count": 2, "overall_rating": 6}})
    assert response.status_code == 201, response.text
    [event] = await emitted(service, "surveys.response.completed.v1")
    assert (event["form"], event["programme_id"], event["respondent_role"]) == ("employer_student", None, "curator")


async def test_a_submission_stored_meanwhile_elsewhere_answers_as_a_retry(surveys, monkeypatch) -> None:
    service, client = surveys
    first = await client.post("/api/v1/responses", headers=CURATOR, json=submission("e1", "sub-race-0001"))
    stored = ingest._stored
    calls = []

    async def not_seen_at_first(connection, submission_ids):
        calls.append(submission_ids)  # as if another replica committed it just after this batch looked
        return {} if len(calls) == 1 else await stored(connection, submission_ids)

    monkeypatch.setattr(ingest, "_stored", not_seen_at_first)
    again = await client.post("/api/v1/responses", headers=CURATOR, json=submission("e1", "sub-race-0001"))
    assert (again.status_code, again.json()["id"]) == (200, first.json()["id"])
    assert len(calls) == 2
    assert await count(service, SurveyResponse) == 1
    assert len(await emitted(service, "surveys.response.completed.v1")) == 1
