"""The campaign schedule: ended campaigns close by themselves, non-respondents are reminded on
the configured days before the end — each once, never after closing — and a second run, or
two at the same time, announce nothing new."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest

from shared import clock
from shared.contracts.registry import ParticipantEnrolled, ParticipantRegistered

from nastavnik.app import build_all_in_one, build_single
from services.surveys import schedule as schedule_module
from services.surveys.main import create_service
from tests.component.helpers import bearer, deliver, emitted, running

CURATOR = bearer("school_curator", "school", "s1", sub="curator-s1")
RATINGS = {"effectiveness": 8, "comfort": 9, "meetings_useful": 7, "joint_work": 10, "expectations_met": 6}


def last_day() -> date:
    """The campaigns' last day: reminder days (3 and 1 before) are today + 2 and today + 4."""
    return clock.today() + timedelta(days=5)


@pytest.fixture
async def surveys(settings):
    settings = settings.model_copy(update={"surveys_schedule_interval": 0, "surveys_reminder_days_before": [3, 1]})
    service = create_service(settings)
    async with running(service) as client:
        for pid in ("p1", "p2", "p3"):
            await deliver(service, ParticipantRegistered(participant_id=pid, school_id="s1", category="teacher", display_name=pid))
            # the mentee satisfaction questionnaire is for mentees of a programme
            await deliver(service, ParticipantEnrolled(participant_id=pid, programme_id="prog-1", school_id="s1", role="mentee",
                                                       academic_year="2026/2027"))
        yield service, client


async def open_campaign(client, closes_on: date | None = None) -> dict:
    closes_on = closes_on or last_day()
    response = await client.post("/api/v1/campaigns", headers=CURATOR, json={
        "instrument": {"code": "satisfaction_mentee", "version": 1}, "respondent_ids": ["p1", "p2", "p3"],
        "opens_on": clock.today().isoformat(), "closes_on": closes_on.isoformat()})
    assert response.status_code == 201, response.text
    return response.json()


async def answer(client, campaign: dict, pid: str) -> None:
    response = await client.post("/api/v1/responses", headers=bearer("mentee", "school", "s1", sub=pid), json={
        "instrument": {"code": "satisfaction_mentee", "version": 1}, "respondent_id": pid, "answers": RATINGS,
        "campaign_id": campaign["id"]})
    assert response.status_code == 201, response.text


async def reminded(service) -> list[str]:
    return [r["participant_id"] for r in await emitted(service, "surveys.campaign.reminder_due.v1")]


async def test_non_respondents_are_reminded_once_per_reminder_day_and_the_ended_campaign_closes_once(surveys) -> None:
    service, client = surveys
    campaign = await open_campaign(client)
    await answer(client, campaign, "p1")

    assert (await service.schedule.run_once(clock.today())).reminded == 0  # no reminder day yet
    await service.schedule.run_once(clock.today() + timedelta(days=2))
    assert sorted(await reminded(service)) == ["p2", "p3"]
    [reminder] = [r for r in await emitted(service, "surveys.campaign.reminder_due.v1") if r["participant_id"] == "p2"]
    assert reminder["closes_on"] == last_day().isoformat() and reminder["link_path"].startswith("/surveys/form/")

    await service.schedule.run_once(clock.today() + timedelta(days=2))  # the job runs again the same day
    await service.schedule.run_once(clock.today() + timedelta(days=3))  # no new reminder day
    assert sorted(await reminded(service)) == ["p2", "p3"]

    await answer(client, campaign, "p2")
    await service.schedule.run_once(clock.today() + timedelta(days=4))  # one day before the end
    assert sorted(await reminded(service)) == ["p2", "p3", "p3"]

    assert (await service.schedule.run_once(last_day())).closed == 0  # the last day is still open
    run = await service.schedule.run_once(last_day() + timedelta(days=1))
    assert (run.closed, run.reminded) == (1, 0)
    [closed] = await emitted(service, "surveys.campaign.closed.v1")
    assert (closed["campaign_id"], closed["invited"], closed["responded"], closed["response_rate"]) == (campaign["id"], 3, 2, 66.7)
    shown = (await client.get(f"/api/v1/campaigns/{campaign['id']}", headers=CURATOR)).json()
    assert (shown["status"], shown["responded"], shown["response_rate"]) == ("closed", 2, 66.7)

    again = await service.schedule.run_once(last_day() + timedelta(days=2))
    assert (again.closed, again.reminded) == (0, 0)
    assert len(await emitted(service, "surveys.campaign.closed.v1")) == 1
    assert len(await reminded(service)) == 3


async def test_a_missed_reminder_day_is_caught_up_but_a_closed_campaign_is_never_reminded(surveys) -> None:
    service, client = surveys
    late = await open_campaign(client)
    closed = await open_campaign(client)
    assert (await client.post(f"/api/v1/campaigns/{closed['id']}/close", headers=CURATOR)).status_code == 200

    await service.schedule.run_once(clock.today() + timedelta(days=3))  # the service was down on clock.today() + 2
    reminders = await emitted(service, "surveys.campaign.reminder_due.v1")
    assert {r["campaign_id"] for r in reminders} == {late["id"]} and len(reminders) == 3
    await service.schedule.run_once(clock.today() + timedelta(days=10))
    assert [c["campaign_id"] for c in await emitted(service, "surveys.campaign.closed.v1")] == [closed["id"], late["id"]]


async def test_two_runs_at_the_same_time_announce_each_reminder_and_closing_once(surveys) -> None:
    service, client = surveys
    ending = await open_campaign(client, closes_on=clock.today())
    reminding = await open_campaign(client)
    await asyncio.gather(*(service.schedule.run_once(clock.today() + timedelta(days=2)) for _ in range(3)))
    reminders = await emitted(service, "surveys.campaign.reminder_due.v1")
    assert sorted(r["participant_id"] for r in reminders) == ["p1", "p2", "p3"]
    assert {r["campaign_id"] for r in reminders} == {reminding["id"]}
    assert [c["campaign_id"] for c in await emitted(service, "surveys.campaign.closed.v1")] == [ending["id"]]


async def test_the_schedule_runs_by_itself_at_the_configured_interval(settings, monkeypatch) -> None:
    monkeypatch.setattr(schedule_module, "today", lambda: clock.today() + timedelta(days=30))
    service = create_service(settings.model_copy(update={"surveys_schedule_interval": 0.05}))
    async with running(service) as client:
        await deliver(service, ParticipantRegistered(participant_id="p1", school_id="s1", category="teacher", display_name="p1"))
        await deliver(service, ParticipantEnrolled(participant_id="p1", programme_id="prog-1", school_id="s1", role="mentee",
                                                   academic_year="2026/2027"))
        response = await client.post("/api/v1/campaigns", headers=CURATOR, json={
            "instrument": {"code": "satisfaction_mentee", "version": 1}, "respondent_ids": ["p1"],
            "opens_on": clock.today().isoformat(), "closes_on": clock.today().isoformat()})
        assert response.status_code == 201, response.text
        for _ in range(100):
            if await emitted(service, "surveys.campaign.closed.v1"):
                break
            await asyncio.sleep(0.05)
        assert [c["campaign_id"] for c in await emitted(service, "surveys.campaign.closed.v1")] == [response.json()["id"]]
    assert not service.schedule.running


@pytest.mark.parametrize("build", ["run", "serve"])
async def test_nastavnik_run_and_serve_start_and_stop_the_schedule(settings, build) -> None:
    if build == "serve":  # serve starts on a migrated database only (the operator's `nastavnik migrate`)
        from nastavnik.cli_migrate import service_database

        database = service_database("surveys", settings.database_url_for("surveys"))
        await database.upgrade()
        await database.dispose()
    app = build_all_in_one(settings) if build == "run" else build_single("surveys", settings)
    surveys = app.state.services["surveys"]
    async with app.router.lifespan_context(app):
        assert surveys.schedule.running
    assert not surveys.schedule.running


async def test_interval_zero_turns_the_schedule_off(settings) -> None:
    service = create_service(settings.model_copy(update={"surveys_schedule_interval": 0}))
    async with running(service):
        assert not service.schedule.running
