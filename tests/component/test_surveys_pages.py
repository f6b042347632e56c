"""Surveys for the pages and for notifications: opening a campaign announces one personal link
per invitee (surveys.respondent.invited.v1, in the campaign's transaction); the read models the
pages show (names, programmes, category) follow the registry's events."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared import clock
from shared.contracts.registry import ParticipantEnrolled, ParticipantRegistered, ParticipantUpdated, ProgrammeLaunched

from services.surveys.main import create_service
from tests.component.helpers import bearer, deliver, emitted, running

CURATOR = bearer("school_curator", "school", "s1", sub="curator-s1")
YEAR = "2026/2027"


@pytest.fixture
async def surveys(settings):
    service = create_service(settings)
    async with running(service) as client:
        await deliver(service, ProgrammeLaunched(programme_id="prog-1", school_id="s1", academic_year=YEAR, title="Вместе"))
        for pid, category, role in [("e1", "teacher", "mentee"), ("e2", "teacher", "mentee"), ("e3", "pupil", "mentee"),
                                    ("m1", "teacher", "mentor")]:
            await deliver(service, ParticipantRegistered(participant_id=pid, school_id="s1", category=category,
                                                         display_name=f"Имя {pid}"))
            await deliver(service, ParticipantEnrolled(participant_id=pid, programme_id="prog-1", school_id="s1", role=role,
                                                       academic_year=YEAR))
        yield service, client


def campaign(**extra) -> dict:
    return {"instrument": {"code": "satisfaction_mentee", "version": 2}, "role": "mentee", "programme_id": "prog-1",
            "opens_on": clock.today().isoformat(), "closes_on": (clock.today() + timedelta(days=7)).isoformat(), **extra}


async def test_opening_a_campaign_announces_one_invitation_per_invitee(surveys) -> None:
    service, client = surveys
    response = await client.post("/api/v1/campaigns", json=campaign(), headers=CURATOR)
    assert response.status_code == 201, response.text
    body = response.json()
    invited = await emitted(service, "surveys.respondent.invited.v1")
    assert sorted(e["participant_id"] for e in invited) == ["e1", "e2", "e3"]
    links = {i["participant_id"]: i["link_path"] for i in body["invitees"]}
    for event in invited:
        assert event["campaign_id"] == body["id"] and event["school_id"] == "s1"
        assert event["link_path"] == links[event["participant_id"]] and event["link_path"].startswith("/surveys/form/")
        assert event["closes_on"] == (clock.today() + timedelta(days=7)).isoformat()
        assert event["instrument"] == {"code": "satisfaction_mentee", "version": 2}


async def test_a_refused_campaign_announces_nobody(surveys) -> None:
    service, client = surveys
    response = await client.post("/api/v1/campaigns", json=campaign(programme_id="no-such"), headers=CURATOR)
    assert response.status_code == 422
    assert await emitted(service, "surveys.respondent.invited.v1") == []


async def test_the_category_narrows_the_audience_and_names_follow_the_registry(surveys) -> None:
    service, client = surveys
    response = await client.post("/api/v1/campaigns", json=campaign(category="pupil"), headers=CURATOR)
    assert response.status_code == 201, response.text
    assert [i["participant_id"] for i in response.json()["invitees"]] == ["e3"]
    assert response.json()["category"] == "pupil"
    await deliver(service, ParticipantUpdated(participant_id="e3", school_id="s1", category="pupil", display_name="Новое Имя",
                                              changed=["display_name"]))
    page = await service_views(service).campaign(response.json()["id"], _curator())
    assert [i.name for i in page.invitees] == ["Новое Имя"]
    assert page.programme == "Вместе"


def service_views(service):
    from services.surveys.views import SurveyViews

    return SurveyViews(service.service)


def _curator():
    from shared.auth import Principal

    return Principal(sub="curator-s1", role="school_curator", scope="school", scope_id="s1")
