"""A withdrawal of consent (152-ФЗ) reaches every consumer, in memory with all four services:
the registry ends the enrolments and announces registry.participant.withdrawn.v1; pairing,
surveys and reports each apply it and erase or anonymise the person — nothing with the person's
name is left in any service's database, their inbox and outbox included."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import select

from shared import clock
from shared.messaging.inbox import InboxMessage

from nastavnik.scenario import PEOPLE, RegionScenario
from tests.component.helpers import bearer, emitted

WITHDRAWN = "registry.participant.withdrawn.v1"
CONSUMERS = ("pairing", "surveys", "reports")


async def settle(app) -> None:
    for _ in range(3):  # the consumers' own events (pairs ended, indicators) settle too
        for service in app.state.services.values():
            await service.runtime.relay.wait_idle()


async def rows_mentioning(service, needle: str) -> dict[str, int]:
    """Table → number of rows in which `needle` appears, over every table of the service's database."""
    found = {}
    async with service.runtime.db.engine.connect() as conn:
        tables = [row[0] for row in (await conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'"))).all()]
        for table in tables:
            rows = (await conn.execute(text(f'SELECT * FROM "{table}"'))).all()
            hits = sum(1 for row in rows if needle in " ".join(str(value) for value in row))
            if hits:
                found[table] = hits
    return found


async def test_a_withdrawal_reaches_every_consumer_and_each_erases_the_person(system, settings) -> None:
    app, client = system
    services = app.state.services
    scenario = RegionScenario(client, settings.jwt_secret, settings.region_id)
    region = await scenario.load(schools=1)
    await settle(app)
    school = region.schools[0]
    name = next(p[2] for p in PEOPLE if p[0] == "t-02")  # a young teacher: mentee in a pair, answered a survey
    person = school.people["t-02"]
    for consumer in CONSUMERS:
        assert await rows_mentioning(services[consumer], name) or consumer == "reports", f"{consumer} never knew the person"

    curator = bearer("school_curator", "school", school.id)
    # the pair's log: a topic that names the mentee, and the mentee's own reflection
    pairs = (await client.get(f"/pairing/api/v1/programmes/{school.programme_id}/pairs", headers=curator)).json()
    [pair] = [p for p in pairs if person in p["mentee_ids"] and p["status"] == "formed"]
    mentor = bearer("mentor", "school", school.id, sub=pair["mentor_id"])
    meeting = await client.post(f"/pairing/api/v1/pairs/{pair['id']}/meetings", headers=mentor, json={
        "held_on": clock.today().isoformat(), "minutes": 40, "format": "in_person", "topic": f"Пробный урок: {name}", "note": name})
    assert meeting.status_code == 201, meeting.text
    reflection = await client.put(f"/pairing/api/v1/pairs/{pair['id']}/meetings/{meeting.json()['id']}/reflection",
                                  headers=bearer("mentee", "school", school.id, sub=person), json={"text": f"Пишет {name}"})
    assert reflection.status_code == 200, reflection.text
    response = await client.post(f"/registry/api/v1/participants/{person}/withdrawal", headers=curator,
                                 json={"reason": "consent_withdrawn"})
    assert response.status_code == 200, response.text
    assert response.json()["ended_programme_ids"] == [school.programme_id]
    await settle(app)

    [event] = await emitted(services["registry"], WITHDRAWN)
    assert event["participant_id"] == person and event["reason"] == "consent_withdrawn"
    for name_of_service, service in services.items():
        assert service.runtime.consumer.memory_dead_letters == [], name_of_service
        leftovers = await rows_mentioning(service, name)
        assert leftovers == {}, f"{name_of_service} still holds the person's name in {leftovers}"
    for consumer in CONSUMERS:
        async with services[consumer].runtime.db.sessions() as session:
            applied = (await session.exec(select(InboxMessage).where(InboxMessage.event_type == WITHDRAWN))).all()
        assert len(applied) == 1, f"{consumer} did not apply the withdrawal"

    # What each consumer shows afterwards, through its own API.
    pairs = (await client.get(f"/pairing/api/v1/programmes/{school.programme_id}/pairs", headers=curator)).json()
    assert all(person not in [pair.get("mentor_id"), *pair.get("mentee_ids", [])] for pair in pairs if pair.get("status") == "formed")
    respondent = bearer("mentee", "school", school.id, sub=person)
    late = await client.post("/surveys/api/v1/responses", headers=respondent, json={
        "instrument": {"code": "satisfaction_mentee", "version": 1}, "respondent_id": person,
        "answers": dict.fromkeys(("effectiveness", "comfort", "meetings_useful", "joint_work", "expectations_met"), 5),
        "submission_id": "after-withdrawal"})
    assert late.status_code in (403, 404, 409, 422), late.text
    assert (await client.get(f"/registry/api/v1/participants/{person}", headers=curator)).json()["status"] == "withdrawn"
