"""The curator's questionnaire through the public entry points only: answered by the HTTP API and
by a school system's command, it fills the «Организация программы» indicators of reports."""

from __future__ import annotations

from nastavnik.scenario import RegionScenario
from tests.component.helpers import bearer
from tests.flow.test_chain import settle, values
from tests.flow.test_growth_stages import command

CURATOR = bearer("school_curator", "school", "demo-school-1", sub="curator")
CURATOR_2 = bearer("school_curator", "school", "demo-school-2", sub="curator-2")


def answers(ratings: list[int], approved: str, trained: str) -> dict:
    codes = ("organisation", "pairs_formed_well", "mentor_engagement", "mentee_engagement", "admin_support", "resources")
    return {**dict(zip(codes, ratings, strict=True)), "plan_approved": approved, "mentors_trained": trained, "meetings_held": 6,
            "difficulties": "Мало времени на встречи"}


async def test_the_curators_questionnaire_fills_the_organisation_indicators(system, settings) -> None:
    app, client = system
    scenario = RegionScenario(client, settings.jwt_secret, settings.region_id)
    region = await scenario.load(schools=2, surveys=False)
    await settle(app)  # surveys has heard of every person
    first, second = region.schools
    # school 1's curator (registered as t-04) by the API: ratings mean 7,5, both conditions met
    response = await client.post("/surveys/api/v1/responses", headers=CURATOR, json={
        "instrument": {"code": "curator_questionnaire", "version": 1}, "respondent_id": first.people["t-04"],
        "answers": answers([8, 6, 7, 9, 5, 10], "yes", "yes"), "submission_id": "curator-flow-1"})
    assert response.status_code == 201, response.text
    assert response.json()["respondent_role"] == "curator"
    # school 2's by its information system: ratings mean 5, one condition of two met
    await command(app, "demo-school-2", {"instrument": {"code": "curator_questionnaire", "version": 1},
                                         "respondent_id": second.people["t-04"], "answers": answers([4, 6, 5, 5, 5, 5], "yes", "no"),
                                         "submission_id": "curator-flow-2"})
    await settle(app)

    one = await values(client, "school", "demo-school-1", CURATOR)
    assert (one["curator_answers"], one["curator_organisation_quality_mean"], one["curator_readiness_share"]) == (1, 7.5, 100.0)
    two = await values(client, "school", "demo-school-2", CURATOR_2)
    assert (two["curator_answers"], two["curator_organisation_quality_mean"], two["curator_readiness_share"]) == (1, 5.0, 50.0)
    region_values = await values(client, "region", settings.region_id)
    assert region_values["curator_answers"] == 2
    assert region_values["curator_organisation_quality_mean"] == 6.25  # (7,5 + 5) / 2
    assert region_values["curator_organisation_mean"] == 6.0  # (8 + 4) / 2
    assert region_values["curator_resources_mean"] == 7.5  # (10 + 5) / 2
    assert region_values["curator_pairs_formed_well_mean"] == 6.0  # (6 + 6) / 2
    assert region_values["curator_mentor_engagement_mean"] == 6.0  # (7 + 5) / 2
    assert region_values["curator_mentee_engagement_mean"] == 7.0  # (9 + 5) / 2
    assert region_values["curator_admin_support_mean"] == 5.0  # (5 + 5) / 2
    assert region_values["curator_readiness_share"] == 75.0  # (1 + 0,5) / 2 × 100
