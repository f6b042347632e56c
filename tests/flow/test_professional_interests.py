"""The pupils' professional-interest diagnostic (ДДО Климова) through the public entry points
only: pupils answer it by the HTTP API and the «Профориентация» indicators of reports fill with
the values computed by hand below."""

from __future__ import annotations

from nastavnik.scenario import RegionScenario
from tests.component.helpers import bearer
from tests.flow.test_chain import settle, values

SCHOOL = "demo-school-1"
CURATOR = bearer("school_curator", "school", SCHOOL, sub="curator")


def choices(default: str, **overrides: str) -> dict:
    return {f"q{n:02d}": overrides.get(f"q{n:02d}", default) for n in range(1, 21)}


async def test_pupils_interest_diagnostics_fill_the_career_guidance_indicators(system, settings) -> None:
    app, client = system
    scenario = RegionScenario(client, settings.jwt_secret, settings.region_id)
    region = await scenario.load(schools=1, surveys=False)
    await settle(app)  # surveys has heard of every pupil
    people = region.schools[0].people
    # Option a of every pair: nature 6, technology 4, human 3, sign system 3, artistic image 4 → «человек – природа».
    # Option b of every pair: nature 2, technology 4, human 5, sign system 5, artistic image 4 → a tie of two.
    # b but a in pair 2 («Помогать больным» instead of programming): human 6, sign system 4 → «человек – человек».
    for external_id, answers in (("p-01", choices("a")), ("p-02", choices("b")), ("p-03", choices("b", q02="a"))):
        response = await client.post("/surveys/api/v1/responses", headers=CURATOR, json={
            "instrument": {"code": "professional_interests_ddo", "version": 1}, "respondent_id": people[external_id],
            "answers": answers, "submission_id": f"ddo-flow-{external_id}"})
        assert response.status_code == 201, response.text
    await settle(app)

    school = await values(client, "school", SCHOOL, CURATOR)
    expected = {
        "interests_answers": 3,
        "interests_human_share": 66.7,  # p-02 (tie), p-03
        "interests_nature_share": 33.3,  # p-01
        "interests_sign_system_share": 33.3,  # p-02 (tie)
        "interests_technology_share": 0.0,
        "interests_human_mean": 4.67,  # (3 + 5 + 6) / 3
        "interests_nature_mean": 3.33,  # (6 + 2 + 2) / 3
        "interests_technology_mean": 4.0,
        "interests_sign_system_mean": 4.0,  # (3 + 5 + 4) / 3
        "interests_artistic_image_share": 0.0,
        "interests_artistic_image_mean": 4.0,
    }
    assert {code: school[code] for code in expected} == expected
