"""An enrolment the school ends (registry API) reaches the consumers: surveys no longer invites
the person to the programme's questionnaires, pairing no longer proposes them; an enrolment
ended and then renewed brings them back."""

from __future__ import annotations

from datetime import timedelta

from shared import clock

from nastavnik.scenario import RegionScenario
from tests.component.helpers import bearer
from tests.flow.test_withdrawal import settle


async def _campaign_invitees(client, curator: dict, programme_id: str) -> set[str]:
    body = {"instrument": {"code": "satisfaction_mentee", "version": 2}, "role": "mentee", "programme_id": programme_id,
            "opens_on": clock.today().isoformat(), "closes_on": (clock.today() + timedelta(days=5)).isoformat()}
    response = await client.post("/surveys/api/v1/campaigns", json=body, headers=curator)
    assert response.status_code == 201, response.text
    return {i["participant_id"] for i in response.json()["invitees"]}


async def _matching_considers(client, curator: dict, programme_id: str) -> set[str]:
    run = await client.post(f"/pairing/api/v1/programmes/{programme_id}/matching/runs", headers=curator, json={})
    assert run.status_code == 201, run.text
    result = run.json()
    proposed = {m["mentee_id"] for p in result["proposals"] for m in p["members"]}
    return proposed | {u["mentee_id"] for u in result["unmatched"]}


async def test_an_ended_enrolment_leaves_the_programmes_audience_and_pool(system, settings) -> None:
    app, client = system
    scenario = RegionScenario(client, settings.jwt_secret, settings.region_id)
    region = await scenario.load(schools=1, surveys=False)
    school = region.schools[0]
    curator = bearer("school_curator", "school", school.id)
    newcomer = await client.post(f"/registry/api/v1/schools/{school.id}/participants", headers=curator, json={
        "category": "teacher", "full_name": "Новикова Дарья Сергеевна", "subjects": ["математика и информатика"],
        "experience_years": 1, "birth_year": 2001, "consent": {"given_by": "self", "document": "согласие"}})
    assert newcomer.status_code == 201, newcomer.text
    person = newcomer.json()["id"]
    enrolled = await client.post(f"/registry/api/v1/programmes/{school.programme_id}/enrolments", headers=curator,
                                 json={"participant_id": person, "role": "mentee"})
    assert enrolled.status_code == 201, enrolled.text
    await settle(app)
    assert person in await _campaign_invitees(client, curator, school.programme_id)
    assert person in await _matching_considers(client, curator, school.programme_id)

    response = await client.post(f"/registry/api/v1/enrolments/{enrolled.json()['id']}/end", headers=curator)
    assert response.status_code == 200, response.text
    assert response.json()["active"] is False
    await settle(app)
    assert person not in await _campaign_invitees(client, curator, school.programme_id)
    assert person not in await _matching_considers(client, curator, school.programme_id)

    again = await client.post(f"/registry/api/v1/programmes/{school.programme_id}/enrolments", headers=curator,
                              json={"participant_id": person, "role": "mentee"})
    assert again.status_code == 201, again.text
    await settle(app)
    assert person in await _campaign_invitees(client, curator, school.programme_id)
    assert person in await _matching_considers(client, curator, school.programme_id)
