"""The whole chain in memory: registered → paired → surveyed → indicators of the school, the
municipality and the region, announced as events."""

from __future__ import annotations

from shared import clock
from shared.clock import academic_year_of

from nastavnik.scenario import RegionScenario
from tests.component.helpers import ADMIN, bearer, emitted

YEAR = academic_year_of(clock.today())


async def values(client, scope: str, scope_id: str, headers=ADMIN) -> dict:
    response = await client.get(f"/reports/api/v1/indicators/{scope}/{scope_id}", params={"academic_year": YEAR}, headers=headers)
    assert response.status_code == 200, response.text
    return {i["code"]: i["value"] for i in response.json()}


async def settle(app) -> None:
    for service in app.state.services.values():
        await service.runtime.relay.wait_idle()


async def test_the_chain_moves_every_level(system, settings) -> None:
    app, client = system
    scenario = RegionScenario(client, settings.jwt_secret, settings.region_id)
    await scenario.load()
    await settle(app)

    region = await values(client, "region", "test-region")
    # Three schools, each: 4 teachers (2 young specialists), 3 pupils; mentors t-01, p-01;
    # mentees t-02, t-03 (young) and p-02; mentee ratings 9, 7, 6; mentor ratings 8, 10, 7.
    assert region["schools_total"] == 3
    assert region["schools_with_programme"] == 3
    assert region["mentors_total"] == 6
    assert region["mentees_total"] == 9
    assert region["pairs_active"] == 6
    assert region["young_specialists_in_mentoring_share"] == 100.0
    assert region["pupils_in_mentoring_share"] == 33.3
    assert region["mentee_satisfaction_mean"] == 7.33
    assert region["mentor_satisfaction_mean"] == 8.33

    north = await values(client, "municipality", "mun-north")
    assert north["schools_total"] == 2 and north["mentee_satisfaction_mean"] == 8.0
    school = await values(client, "school", "demo-school-3", bearer("school_curator", "school", "demo-school-3"))
    assert school["mentee_satisfaction_mean"] == 6.0 and school["mentor_satisfaction_answers"] == 1


async def test_one_more_survey_is_announced_for_all_three_levels(system, settings) -> None:
    app, client = system
    scenario = RegionScenario(client, settings.jwt_secret, settings.region_id)
    region = await scenario.load(schools=1, surveys=False)
    await settle(app)
    response = await scenario.satisfaction(region.schools[0], "t-03", "satisfaction_mentee", 10)
    await settle(app)
    reports = app.state.services["reports"]
    updates = [u for u in await emitted(reports, "reports.indicators.updated.v1") if u["indicators"]["mentee_satisfaction_answers"] == 1]
    assert {u["scope"] for u in updates} == {"school", "municipality", "region"}
    assert all(u["indicators"]["mentee_satisfaction_mean"] == 10.0 for u in updates)
    assert response["scores"]["satisfaction"] == 10.0


async def test_nothing_is_dead_lettered_on_the_happy_path(system, settings) -> None:
    app, client = system
    await RegionScenario(client, settings.jwt_secret, settings.region_id).load(schools=2)
    await settle(app)
    for service in app.state.services.values():
        assert service.runtime.consumer.memory_dead_letters == []
