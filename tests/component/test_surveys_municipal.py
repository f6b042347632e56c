"""The municipal coordinator runs campaigns for the schools of their municipality only; surveys
learns which municipality a school is in from registry's school events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared import clock
from shared.contracts.envelope import new_envelope
from shared.contracts.registry import ParticipantEnrolled, ParticipantRegistered, SchoolRegistered, SchoolUpdated

from services.surveys.main import create_service
from tests.component.helpers import ADMIN, bearer, deliver, deliver_raw, emitted, running

NORTH = bearer("municipal_coordinator", "municipality", "north", sub="coordinator-north")
SOUTH = bearer("municipal_coordinator", "municipality", "south", sub="coordinator-south")
CURATOR_N1 = bearer("school_curator", "school", "n1", sub="curator-n1")
SCHOOLS = {"n1": "north", "n2": "north", "s1": "south"}
SATISFACTION = {"code": "satisfaction_mentee", "version": 1}


def school_event(school_id: str, municipality_id: str, kind=SchoolRegistered):
    return kind(school_id=school_id, name=f"Школа {school_id}", municipality_id=municipality_id,
                municipality_name=municipality_id, region_id="test-region")


@pytest.fixture
async def surveys(settings):
    service = create_service(settings.model_copy(update={"surveys_schedule_interval": 0}))
    async with running(service) as client:
        for school_id, municipality_id in SCHOOLS.items():
            await deliver(service, school_event(school_id, municipality_id))
            pid = f"{school_id}-mentee"
            await deliver(service, ParticipantRegistered(participant_id=pid, school_id=school_id, category="teacher", display_name=pid))
            await deliver(service, ParticipantEnrolled(participant_id=pid, programme_id=f"prog-{school_id}", school_id=school_id,
                                                       role="mentee", academic_year="2026/2027"))
        yield service, client


async def open_campaign(client, headers, **body):
    payload = {"instrument": SATISFACTION, "role": "mentee", "opens_on": clock.today().isoformat(),
               "closes_on": (clock.today() + timedelta(days=7)).isoformat(), **body}
    return await client.post("/api/v1/campaigns", headers=headers, json=payload)


def invitees(campaign: dict) -> list[str]:
    return sorted(i["participant_id"] for i in campaign["invitees"])


async def test_a_coordinator_runs_a_campaign_of_one_of_their_schools_and_another_municipality_gets_404(surveys) -> None:
    service, client = surveys
    opened = await open_campaign(client, NORTH, school_id="n2")
    assert opened.status_code == 201, opened.text
    campaign = opened.json()
    assert (campaign["school_id"], invitees(campaign)) == ("n2", ["n2-mentee"])

    assert (await client.get(f"/api/v1/campaigns/{campaign['id']}", headers=NORTH)).status_code == 200
    assert [c["id"] for c in (await client.get("/api/v1/campaigns", headers=NORTH)).json()] == [campaign["id"]]
    for path in ("", "/reminders", "/close"):
        method = client.get if not path else client.post
        assert (await method(f"/api/v1/campaigns/{campaign['id']}{path}", headers=SOUTH)).status_code == 404, path
    assert (await client.get("/api/v1/campaigns", headers=SOUTH)).json() == []

    assert (await client.post(f"/api/v1/campaigns/{campaign['id']}/reminders", headers=NORTH)).json() == {"reminders": 1}
    closed = await client.post(f"/api/v1/campaigns/{campaign['id']}/close", headers=NORTH)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert [r["participant_id"] for r in await emitted(service, "surveys.campaign.reminder_due.v1")] == ["n2-mentee"]
    assert [c["campaign_id"] for c in await emitted(service, "surveys.campaign.closed.v1")] == [campaign["id"]]


async def test_a_municipality_wide_campaign_asks_every_school_of_the_municipality_and_only_them(surveys) -> None:
    service, client = surveys
    opened = await open_campaign(client, NORTH)
    assert opened.status_code == 201, opened.text
    campaign = opened.json()
    assert (campaign["school_id"], campaign["municipality_id"]) == (None, "north")
    assert invitees(campaign) == ["n1-mentee", "n2-mentee"]
    [event] = await emitted(service, "surveys.campaign.opened.v1")
    assert (event["school_id"], event["municipality_id"], event["invited"]) == (None, "north", 2)

    assert (await client.get(f"/api/v1/campaigns/{campaign['id']}", headers=SOUTH)).status_code == 404
    assert (await client.get(f"/api/v1/campaigns/{campaign['id']}", headers=CURATOR_N1)).status_code == 404  # other schools' people
    assert (await client.get(f"/api/v1/campaigns/{campaign['id']}", headers=ADMIN)).status_code == 200
    closed = (await client.post(f"/api/v1/campaigns/{campaign['id']}/close", headers=NORTH)).json()
    assert (closed["invited"], closed["responded"]) == (2, 0)
    [event] = await emitted(service, "surveys.campaign.closed.v1")
    assert (event["school_id"], event["municipality_id"]) == (None, "north")

    by_region = await open_campaign(client, ADMIN, municipality_id="south")
    assert by_region.status_code == 201 and invitees(by_region.json()) == ["s1-mentee"]
    assert (await client.get(f"/api/v1/campaigns/{by_region.json()['id']}", headers=SOUTH)).status_code == 200


async def test_a_coordinator_cannot_open_for_another_municipality_or_its_schools(surveys) -> None:
    _, client = surveys
    assert (await open_campaign(client, NORTH, school_id="s1")).status_code == 404
    assert (await open_campaign(client, NORTH, municipality_id="south")).status_code == 404
    foreign = await open_campaign(client, NORTH, role=None, respondent_ids=["s1-mentee"])
    assert foreign.status_code == 422 and "s1-mentee" in foreign.text
    assert (await open_campaign(client, CURATOR_N1, municipality_id="north")).status_code == 422
    assert (await client.get("/api/v1/campaigns", headers=NORTH)).json() == []


async def test_a_coordinator_sees_neither_region_wide_campaigns_nor_other_municipalities(surveys) -> None:
    _, client = surveys
    region_wide = (await open_campaign(client, ADMIN)).json()
    assert invitees(region_wide) == ["n1-mentee", "n2-mentee", "s1-mentee"]
    south_school = (await open_campaign(client, ADMIN, school_id="s1")).json()
    north_school = (await open_campaign(client, CURATOR_N1)).json()
    assert [c["id"] for c in (await client.get("/api/v1/campaigns", headers=NORTH)).json()] == [north_school["id"]]
    assert [c["id"] for c in (await client.get("/api/v1/campaigns", headers=SOUTH)).json()] == [south_school["id"]]
    assert (await client.get(f"/api/v1/campaigns/{region_wide['id']}", headers=NORTH)).status_code == 404
    assert (await client.post(f"/api/v1/campaigns/{south_school['id']}/close", headers=NORTH)).status_code == 404


async def test_a_school_moving_to_another_municipality_moves_its_campaigns_and_a_late_older_event_changes_nothing(surveys) -> None:
    service, client = surveys
    campaign = (await open_campaign(client, CURATOR_N1)).json()
    await deliver(service, school_event("n1", "south", SchoolUpdated))
    assert (await client.get(f"/api/v1/campaigns/{campaign['id']}", headers=NORTH)).status_code == 404
    assert (await client.get(f"/api/v1/campaigns/{campaign['id']}", headers=SOUTH)).status_code == 200

    stale = school_event("n1", "north")  # registered before the update, delivered after it
    envelope = new_envelope("registry", stale)
    envelope.time = datetime(2020, 1, 1, tzinfo=UTC)
    await deliver_raw(service, stale.event_type, envelope.model_dump_json().encode(), envelope.id)
    assert (await client.get(f"/api/v1/campaigns/{campaign['id']}", headers=SOUTH)).status_code == 200


async def test_a_coordinator_answers_and_reads_growth_for_their_schools_only(surveys) -> None:
    _, client = surveys
    answers = {"effectiveness": 8, "comfort": 9, "meetings_useful": 7, "joint_work": 10, "expectations_met": 6}
    own = await client.post("/api/v1/responses", headers=NORTH, json={
        "instrument": SATISFACTION, "respondent_id": "n1-mentee", "answers": answers})
    assert own.status_code == 201, own.text
    foreign = await client.post("/api/v1/responses", headers=NORTH, json={
        "instrument": SATISFACTION, "respondent_id": "s1-mentee", "answers": answers})
    assert foreign.status_code == 404
    assert (await client.get("/api/v1/growth", params={"respondent_id": "s1-mentee"}, headers=NORTH)).status_code == 404
    assert (await client.get("/api/v1/growth", params={"respondent_id": "n1-mentee"}, headers=NORTH)).status_code == 200


async def test_a_database_from_before_municipal_campaigns_is_refused_at_start_with_the_difference(settings) -> None:
    """Before migrations, start-up ALTERs added such columns; a database of that time, without
    municipality_id and without a schema version, now needs the last release before migrations
    once (shared.migrations), not a silent guess."""
    from shared.migrations import SchemaBehind

    service = create_service(settings.model_copy(update={"surveys_schedule_interval": 0}))
    async with running(service):
        pass
    old = create_service(settings.model_copy(update={"surveys_schedule_interval": 0}))
    async with old.runtime.db.engine.begin() as conn:
        await conn.exec_driver_sql("ALTER TABLE surveys_campaign DROP COLUMN municipality_id")
        await conn.exec_driver_sql("DROP TABLE alembic_version_surveys")
    with pytest.raises(SchemaBehind, match="municipality_id"):
        async with running(old):
            pass
    await old.runtime.db.dispose()
