"""A school's year through the public entry points only (registry, pairing and surveys HTTP APIs):
pairs formed, completed and ended early, development plans, satisfaction in every band, a
school campaign and a region-wide one, SWOT of two forms — and the indicators of reports that
follow, against values computed by hand below. No event is built by hand."""

from __future__ import annotations

from datetime import timedelta

from shared import clock

from nastavnik.scenario import RegionScenario
from tests.component.helpers import ADMIN, bearer
from tests.flow.test_chain import settle, values

SCHOOL = "demo-school-1"
CURATOR = bearer("school_curator", "school", SCHOOL, sub="curator")
RATINGS = ("effectiveness", "comfort", "meetings_useful", "joint_work", "expectations_met")
SWOT_TT = {"strengths_factors": ["motivated_pairs", "regular_meetings", "form_fit"], "opportunities_factors": ["training"],
           "threats_factors": ["burnout", "turnover"], "pairs_count": 1, "overall_rating": 7}  # S 3, W 0, O 1, T 2
SWOT_PP = {"strengths_factors": ["motivated_pairs"], "weaknesses_factors": ["form_mismatch"],
           "opportunities_factors": ["training"], "threats_factors": ["burnout", "turnover"], "pairs_count": 2,
           "overall_rating": 5}  # S 1, W 1, O 1, T 2


async def call(client, method: str, path: str, headers: dict, body: dict | None = None, expected: tuple = (200, 201)) -> dict:
    response = await client.request(method, path, headers=headers, json=body)
    assert response.status_code in expected, f"{method} {path}: {response.status_code} {response.text}"
    return response.json() if response.content else {}


async def test_a_school_year_fills_coverage_pairs_plans_satisfaction_campaigns_and_swot(system, settings) -> None:
    app, client = system
    scenario = RegionScenario(client, settings.jwt_secret, settings.region_id)
    region = await scenario.load(schools=1, surveys=True)  # t-02 rates 9 as a mentee, t-01 8 as a mentor
    school = region.schools[0]
    people, programme = school.people, school.programme_id
    teacher_pair, pupil_pair = school.pair_ids  # t-01 → t-02, t-03; p-01 → p-02
    await call(client, "POST", f"/registry/api/v1/programmes/{programme}/enrolments", CURATOR,
               {"participant_id": people["p-03"], "role": "mentee"})
    await settle(app)

    # development plans: the teachers' 2 measures, 1 done; the pupils' 1 measure, done
    due = (clock.today() + timedelta(days=30)).isoformat()
    await call(client, "PUT", f"/pairing/api/v1/pairs/{teacher_pair}/plan/goals", CURATOR,
               {"goals": [{"area": "methodological", "goal": "Уроки по ФГОС"}]})
    first = await call(client, "POST", f"/pairing/api/v1/pairs/{teacher_pair}/plan/measures", CURATOR,
                       {"title": "Открытый урок", "area": "methodological", "due_on": due})
    await call(client, "POST", f"/pairing/api/v1/pairs/{teacher_pair}/plan/measures", CURATOR,
               {"title": "Курс ИКТ", "area": "ict_digital", "due_on": due})
    await call(client, "PATCH", f"/pairing/api/v1/pairs/{teacher_pair}/plan/measures/{first['id']}", CURATOR,
               {"done_on": clock.today().isoformat(), "product": "Конспект урока"})
    only = await call(client, "POST", f"/pairing/api/v1/pairs/{pupil_pair}/plan/measures", CURATOR,
                      {"title": "Проект", "due_on": due})
    await call(client, "PATCH", f"/pairing/api/v1/pairs/{pupil_pair}/plan/measures/{only['id']}", CURATOR,
               {"done_on": clock.today().isoformat(), "product": "Проект защищён"})

    # the pupils' pair completes; a new one (p-01 → p-03) ends early
    await call(client, "POST", f"/pairing/api/v1/programmes/{programme}/pairs/{pupil_pair}/end", CURATOR, {"outcome": "completed"})
    third = await call(client, "POST", f"/pairing/api/v1/programmes/{programme}/pairs", CURATOR,
                       {"mentor_id": people["p-01"], "mentee_ids": [people["p-03"]], "form": "pupil_pupil"})
    await call(client, "POST", f"/pairing/api/v1/programmes/{programme}/pairs/{third['id']}/end", CURATOR,
               {"outcome": "terminated", "reason": "Ученик перешёл в другую школу"})

    # the school's campaign for mentees (t-02, t-03, p-02, p-03 invited): t-03 answers, rating 3
    today = clock.today()
    window = {"opens_on": today.isoformat(), "closes_on": (today + timedelta(days=14)).isoformat()}
    campaign = await call(client, "POST", "/surveys/api/v1/campaigns", CURATOR,
                          {"instrument": {"code": "satisfaction_mentee", "version": 1}, "role": "mentee", **window})
    await call(client, "POST", "/surveys/api/v1/responses", CURATOR, {
        "instrument": {"code": "satisfaction_mentee", "version": 1}, "respondent_id": people["t-03"], "campaign_id": campaign["id"],
        "answers": dict.fromkeys(RATINGS, 3), "submission_id": "year-t03-satisfaction"})
    # a region-wide campaign for mentors: p-01 answers, rating 6
    regional = await call(client, "POST", "/surveys/api/v1/campaigns", ADMIN,
                          {"instrument": {"code": "satisfaction_mentor", "version": 1}, "role": "mentor", **window})
    await call(client, "POST", "/surveys/api/v1/responses", CURATOR, {
        "instrument": {"code": "satisfaction_mentor", "version": 1}, "respondent_id": people["p-01"], "campaign_id": regional["id"],
        "answers": dict.fromkeys(RATINGS, 6), "submission_id": "year-p01-satisfaction"})
    # SWOT of two forms by the curator (registered as t-04)
    for code, answers in (("swot_teacher_teacher", SWOT_TT), ("swot_pupil_pupil", SWOT_PP)):
        await call(client, "POST", "/surveys/api/v1/responses", CURATOR, {
            "instrument": {"code": code, "version": 1}, "respondent_id": people["t-04"], "answers": answers,
            "submission_id": f"year-{code}"})
    await settle(app)

    got = await values(client, "school", SCHOOL, CURATOR)
    expected = {
        # people: teachers t-02, t-03 and pupils p-02, p-03 are mentees; 1 school of 1 runs the programme
        "schools_with_programme_share": 100.0, "mentees_teacher": 2, "mentees_pupil": 2,
        # pairs: 3 formed; the teachers' active, the pupils' completed, p-01 → p-03 ended early
        "pairs_formed": 3, "pairs_completed": 1, "pairs_terminated": 1,
        "pairs_active_teacher_teacher": 1, "pairs_active_pupil_pupil": 0,
        "pairs_completed_pupil_pupil": 1, "pairs_terminated_pupil_pupil": 1,
        "mentor_load_mean": 2.0,  # t-01 with 2 mentees is the only mentor of an active pair
        # plans: 3 measures, 2 done; the pupils' plan is done
        "plan_pairs": 2, "plan_measures_total": 3, "plan_measures_done": 2, "plan_measures_done_share": 66.7,
        "plan_pairs_done": 1, "plan_pairs_done_share": 50.0,
        # satisfaction: mentees 9 (high) and 3 (low); mentors 8 (high) and 6 (mid)
        "mentee_satisfaction_low_share": 50.0, "mentee_satisfaction_mid_share": 0.0, "mentee_satisfaction_high_share": 50.0,
        "mentor_satisfaction_low_share": 0.0, "mentor_satisfaction_mid_share": 50.0, "mentor_satisfaction_high_share": 50.0,
        # the school's campaign: 4 invited, 1 answered; one answer to the region's campaign
        "campaigns_held": 1, "campaign_invited": 4, "campaign_responded": 1, "campaign_response_rate": 25.0,
        "regional_campaign_responses": 1,
        # SWOT: teacher – teacher S 3 W 0 O 1 T 2, pupil – pupil S 1 W 1 O 1 T 2
        "swot_strengths_mean": 2.0, "swot_weaknesses_mean": 0.5, "swot_opportunities_mean": 1.0, "swot_threats_mean": 2.0,
        "swot_responses_teacher_teacher": 1, "swot_strengths_mean_teacher_teacher": 3.0, "swot_weaknesses_mean_teacher_teacher": 0.0,
        "swot_opportunities_mean_teacher_teacher": 1.0, "swot_threats_mean_teacher_teacher": 2.0,
        "swot_responses_pupil_pupil": 1, "swot_strengths_mean_pupil_pupil": 1.0, "swot_weaknesses_mean_pupil_pupil": 1.0,
        "swot_opportunities_mean_pupil_pupil": 1.0, "swot_threats_mean_pupil_pupil": 2.0,
    }
    assert {code: got[code] for code in expected} == expected
