"""Two indicators the demo scenario does not reach, through the public entry points only: a mentor
over their capacity (enrolled with one place in each of two programmes; pairing counts places
across programmes, so the second pair is a flash session, which holds no place in pairing: reports,
which counts the mentor's active mentees of the year against the largest capacity given, sees two
for one place) and an employer enrolled as a mentee (the registry allows it; no form of mentoring
pairs them, but the coverage counts them)."""

from __future__ import annotations

from nastavnik.scenario import RegionScenario
from tests.component.helpers import bearer
from tests.flow.test_chain import YEAR, settle, values

SCHOOL = "demo-school-1"
CURATOR = bearer("school_curator", "school", SCHOOL, sub="curator")


async def test_a_mentor_over_capacity_and_an_employer_mentee(system, settings) -> None:
    app, client = system
    scenario = RegionScenario(client, settings.jwt_secret, settings.region_id)
    region = await scenario.load(schools=1, surveys=False)
    school = region.schools[0]
    people, first = dict(school.people), school.programme_id
    token = scenario.token("curator", "school_curator", "school", SCHOOL)
    second = (await scenario._call("POST", f"/registry/api/v1/schools/{SCHOOL}/programmes", token, json={
        "title": "Клуб молодого педагога", "academic_year": YEAR, "forms": ["teacher_teacher"]})).json()["id"]
    for external_id, category in (("x-t8", "teacher"), ("x-t9", "teacher"), ("x-e2", "employer")):
        person = await scenario._call("POST", f"/registry/api/v1/schools/{SCHOOL}/participants", token, json={
            "category": category, "full_name": f"Участник {external_id}", "external_id": external_id, "consent": {"given_by": "self"}})
        people[external_id] = person.json()["id"]
    for programme, mentee in ((first, "x-t8"), (second, "x-t9")):
        await scenario._call("POST", f"/registry/api/v1/programmes/{programme}/enrolments", token,
                             json={"participant_id": people["t-04"], "role": "mentor", "capacity": 1})
        await scenario._call("POST", f"/registry/api/v1/programmes/{programme}/enrolments", token,
                             json={"participant_id": people[mentee], "role": "mentee"})
    await scenario._call("POST", f"/registry/api/v1/programmes/{first}/enrolments", token,
                         json={"participant_id": people["x-e2"], "role": "mentee"})
    await settle(app)
    for programme, mentee, how in ((first, "x-t8", None), (second, "x-t9", "flash")):
        await scenario._call("POST", f"/pairing/api/v1/programmes/{programme}/pairs", token, json={
            "mentor_id": people["t-04"], "mentee_ids": [people[mentee]], "form": "teacher_teacher", "how": how}, wait_for_events=True)
    await settle(app)
    await settle(app)

    school_values = await values(client, "school", SCHOOL, CURATOR)
    assert school_values["mentors_over_capacity"] == 1  # t-04: 2 active mentees for 1 place (t-01: 2 for 3)
    assert school_values["mentees_employer"] == 1  # x-e2
