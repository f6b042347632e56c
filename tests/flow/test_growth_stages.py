"""The second stage of the monitoring through the public entry points only: a school's mentees
answer the deficit self-diagnosis at the start (HTTP API, a school system's command) and at the
end (a campaign opened for stage end, answered by the personal web form and by the API), and
the growth measurement at both stages; the «Рост» indicators of reports fill with the values
computed by hand below. No event is built by hand."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from shared import clock
from shared.clock import academic_year_of
from shared.contracts.envelope import Envelope
from shared.messaging.topology import INBOUND_EXCHANGE, inbound_routing_key

from nastavnik.scenario import RegionScenario
from services.surveys.domain import BUILT_IN
from tests.component.helpers import bearer
from tests.flow.test_chain import settle, values

YEAR = academic_year_of(clock.today())
SCHOOL = "demo-school-1"
CURATOR = bearer("school_curator", "school", SCHOOL, sub="curator")
DEFICIT = BUILT_IN[("deficit_self_diagnosis", 1)]
MEASUREMENT = BUILT_IN[("growth_measurement", 1)]


def deficit(default: int, **areas: int) -> dict:
    """Every item of an area rated the same: `areas` overrides the default per area."""
    return {item.code: areas.get(section.code, default) for section in DEFICIT.sections for item in section.items if item.kind == "scale"}


def measurement(default: int, **scales: int) -> dict:
    return {item.code: scales.get(section.code, default) for section in MEASUREMENT.sections for item in section.items}


async def submit(client, headers: dict, respondent: str, code: str, answers: dict, stage: str, key: str, **extra) -> dict:
    response = await client.post("/surveys/api/v1/responses", headers=headers, json={
        "instrument": {"code": code, "version": 1}, "respondent_id": respondent, "answers": answers, "stage": stage,
        "submission_id": f"growth-flow-{key}", **extra})
    assert response.status_code == 201, response.text
    return response.json()


async def command(app, school_id: str, data: dict) -> None:
    """What a school's information system sends: surveys.response.submit.v1 on the inbound exchange."""
    envelope = Envelope(source="/school-system", type="surveys.response.submit.v1", data=data)
    await app.state.services["surveys"].runtime.broker.publish(
        envelope.model_dump_json().encode(), exchange=INBOUND_EXCHANGE,
        routing_key=inbound_routing_key(school_id, "surveys.response.submit.v1"),
        content_type="application/json", message_id=envelope.id,
    )


async def test_start_and_end_diagnostics_fill_the_growth_indicators(system, settings) -> None:
    app, client = system
    scenario = RegionScenario(client, settings.jwt_secret, settings.region_id)
    region = await scenario.load(schools=1, surveys=False)
    await settle(app)
    people = region.schools[0].people  # t-01 mentor of t-02 and t-03
    t01, t02, t03 = people["t-01"], people["t-02"], people["t-03"]
    mentee = bearer("mentee", "school", SCHOOL, sub=t02)

    # start: t-02 by the API (their own token), t-03 by the school's system, t-01 (a mentor) by the API
    await submit(client, mentee, t02, "deficit_self_diagnosis", deficit(3, methodological=5), "start", "t02-start")
    await command(app, SCHOOL, {"instrument": {"code": "deficit_self_diagnosis", "version": 1}, "respondent_id": t03,
                                "answers": deficit(4), "stage": "start", "submission_id": "growth-flow-t03-start"})
    await submit(client, CURATOR, t01, "deficit_self_diagnosis", deficit(1), "start", "t01-start")
    # a stage is required for the deficit self-diagnosis
    missing = await client.post("/surveys/api/v1/responses", headers=CURATOR, json={
        "instrument": {"code": "deficit_self_diagnosis", "version": 1}, "respondent_id": t02, "answers": deficit(2),
        "submission_id": "growth-flow-no-stage"})
    assert missing.status_code == 422 and "Укажите этап измерения" in missing.text

    # end: a campaign opened for stage end; t-02 answers by the personal web form, t-03 by the API
    today = clock.today()
    opened = await client.post("/surveys/api/v1/campaigns", headers=CURATOR, json={
        "instrument": {"code": "deficit_self_diagnosis", "version": 1}, "stage": "end", "role": "mentee",
        "respondent_ids": [t02, t03], "opens_on": today.isoformat(), "closes_on": (today + timedelta(days=14)).isoformat()})
    assert opened.status_code == 201, opened.text
    campaign = opened.json()
    link = next(i["link_path"] for i in campaign["invitees"] if i["participant_id"] == t02)
    fields = [(code, str(value)) for code, value in deficit(2, methodological=3).items()] + [("action", "submit")]
    posted = await client.post(link, content=urlencode(fields), headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert posted.status_code == 303, posted.text
    await submit(client, CURATOR, t03, "deficit_self_diagnosis", deficit(4, ict_digital=5), "end", "t03-end", campaign_id=campaign["id"])

    # the growth measurement of t-02 (mentee) and t-01 (mentor), start and end, by the API
    await submit(client, mentee, t02, "growth_measurement", measurement(5), "start", "m-t02-start")
    await submit(client, mentee, t02, "growth_measurement", measurement(7, engagement=5), "end", "m-t02-end")
    await submit(client, CURATOR, t01, "growth_measurement", measurement(8), "start", "m-t01-start")
    await submit(client, CURATOR, t01, "growth_measurement", measurement(8), "end", "m-t01-end")
    await settle(app)

    school = await values(client, "school", SCHOOL, CURATOR)
    # Deficits (1 — none … 5 — serious), mentees only (t-01 answered as a mentor):
    # t-02 start 3 everywhere, methodological 5; end 2 everywhere, methodological 3 → change (7 × −1 − 2) / 8 = −1,125
    # t-03 start 4 everywhere; end 4, ict_digital 5 → change +1 / 8 = 0,125
    expected = {
        "growth_mentees_measured": 2,
        "growth_mean_change": -0.5,  # (−1,125 + 0,125) / 2
        "growth_improved_share": 50.0,  # t-02 only
        "deficit_start_methodological": 4.5, "deficit_end_methodological": 3.5,  # (5 + 4) / 2, (3 + 4) / 2
        "deficit_start_ict_digital": 3.5, "deficit_end_ict_digital": 3.5,  # (3 + 4) / 2, (2 + 5) / 2
        # every other area: (3 + 4) / 2 at the start, (2 + 4) / 2 at the end
        "deficit_start_regulatory_legal": 3.5, "deficit_end_regulatory_legal": 3.0,
        "deficit_start_scientific_theoretical": 3.5, "deficit_end_scientific_theoretical": 3.0,
        "deficit_start_subject_professional": 3.5, "deficit_end_subject_professional": 3.0,
        "deficit_start_psychological_pedagogical": 3.5, "deficit_end_psychological_pedagogical": 3.0,
        "deficit_start_extracurricular_upbringing": 3.5, "deficit_end_extracurricular_upbringing": 3.0,
        "deficit_start_health_saving": 3.5, "deficit_end_health_saving": 3.0,
        # Growth measurement (1 … 10, higher is better), mentees and mentors:
        # t-02 5 → 7, engagement 5 → 5: change (2 + 2 + 2 + 0) / 4 = 1,5; t-01 8 → 8: change 0
        "measurement_measured": 2,
        "measurement_mean_change": 0.75,
        "measurement_improved_share": 50.0,
        "measurement_start_motivation": 6.5, "measurement_end_motivation": 7.5,  # (5 + 8) / 2, (7 + 8) / 2
        "measurement_change_motivation": 1.0,  # (2 + 0) / 2
        "measurement_start_competences": 6.5, "measurement_end_competences": 7.5, "measurement_change_competences": 1.0,
        "measurement_start_soft_skills": 6.5, "measurement_end_soft_skills": 7.5, "measurement_change_soft_skills": 1.0,
        "measurement_start_engagement": 6.5, "measurement_end_engagement": 6.5, "measurement_change_engagement": 0.0,
    }
    assert {code: school[code] for code in expected} == expected
    region_values = await values(client, "region", settings.region_id)
    assert region_values["growth_mentees_measured"] == 2 and region_values["measurement_measured"] == 2


async def test_the_demo_school_year_fills_growth_organisation_and_career_guidance(system, settings) -> None:
    """`nastavnik run --demo` loads this scenario: its dashboard's «Рост», «Организация программы»
    and «Профориентация» sections are filled, not «—»."""
    app, client = system
    await RegionScenario(client, settings.jwt_secret, settings.region_id).load(schools=1)
    await settle(app)
    school = await values(client, "school", SCHOOL, CURATOR)
    # t-02: 4 → 2 in every area (−2); t-03: 3 → 3, methodological 3 → 4 (+1 / 8)
    assert (school["growth_mentees_measured"], school["growth_mean_change"], school["growth_improved_share"]) == (2, -0.94, 50.0)
    assert (school["deficit_start_ict_digital"], school["deficit_end_methodological"]) == (3.5, 3.0)  # (4 + 3) / 2, (2 + 4) / 2
    # t-02's growth measurement: 5 → 9 (the school's mentee rating is 9)
    assert (school["measurement_measured"], school["measurement_mean_change"], school["measurement_end_motivation"]) == (1, 4.0, 9.0)
    assert (school["curator_answers"], school["curator_organisation_quality_mean"], school["curator_readiness_share"]) == (1, 9.0, 100.0)
    assert school["interests_answers"] == 3
