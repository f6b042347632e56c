"""Smaller defects of issue 12 through the public entry points only: the coverage against the
federal target from the unrounded share, and the mentee satisfaction questionnaire answered and
counted only for mentees."""

from __future__ import annotations

from nastavnik.scenario import RegionScenario
from tests.component.helpers import bearer
from tests.flow.test_chain import settle, values

SCHOOL = "demo-school-1"
CURATOR = bearer("school_curator", "school", SCHOOL, sub="curator")
RATINGS = dict.fromkeys(("effectiveness", "comfort", "meetings_useful", "joint_work", "expectations_met"), 8)


async def test_coverage_and_who_answers_the_mentee_satisfaction_questionnaire(system, settings) -> None:
    app, client = system
    scenario = RegionScenario(client, settings.jwt_secret, settings.region_id)
    region = await scenario.load(schools=1, surveys=False)
    school = region.schools[0]
    # three more pupils, all mentees: 4 of 6 pupils are mentees (p-02 and these), p-01 is a mentor
    for n in (4, 5, 6):
        person = await client.post(f"/registry/api/v1/schools/{SCHOOL}/participants", headers=CURATOR, json={
            "category": "pupil", "full_name": f"Ученик {n}", "external_id": f"p-0{n}", "grade": 7,
            "consent": {"given_by": "legal_representative", "document": f"согласие p-0{n}"}})
        assert person.status_code == 201, person.text
        enrolled = await client.post(f"/registry/api/v1/programmes/{school.programme_id}/enrolments", headers=CURATOR,
                                     json={"participant_id": person.json()["id"], "role": "mentee"})
        assert enrolled.status_code in (200, 201), enrolled.text
    await settle(app)

    async def satisfaction(external_id: str):
        pid = school.people[external_id]
        return await client.post("/surveys/api/v1/responses", headers=CURATOR, json={
            "instrument": {"code": "satisfaction_mentee", "version": 1}, "respondent_id": pid, "answers": RATINGS,
            "submission_id": f"defects-{external_id}"})

    outsider = await satisfaction("t-04")  # a teacher enrolled in no programme
    assert outsider.status_code == 422 and "не зачислен ни в одну программу наставничества" in outsider.text
    mentor = await satisfaction("t-01")  # enrolled as a mentor only
    assert mentor.status_code == 422 and "не как наставляемый" in mentor.text
    assert (await satisfaction("t-02")).status_code == 201
    await settle(app)

    indicators = await values(client, "school", SCHOOL, CURATOR)
    assert indicators["pupils_in_mentoring_share"] == 66.7
    assert indicators["pupils_coverage_against_target"] == 95.2  # 66,666…/70 × 100, not 66,7/70 × 100 = 95,3
    assert indicators["mentee_satisfaction_answers"] == 1 and indicators["mentee_satisfaction_mean"] == 8.0
